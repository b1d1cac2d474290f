"""Year-over-year checks on every numeric field: HB within the KOSTRA group and the thousand-error check.

Every numeric field of every form (not table columns) gets both checks by default, with parameters from the
field's type and unit (``default_params``), unless its definition opts out (``skip_year_over_year`` with a
reason). An ``hb`` or ``thousand`` entry of ``statistical.yaml`` for a field *tunes* that field's check
(parameters, severity, strata, label); the file's other kinds add cross-source checks.

The checks run vectorised: one long frame (check × unit: this year, last year, stratum) for all fields of
all forms, HB's medians and quartiles per (check, stratum) group, the thousand-error band and 10^k factors
as column expressions. The formulas are those of ``kostra.controls.statistical.hb`` / ``unit_error``
(Statistics Norway's R ``Kostra::Hb`` and ``ThError``), computed in Polars instead of per unit; a test holds
the two to the same flags on the demo.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import polars as pl

from kostra.catalog.form_models import NUMERIC_TYPES, FieldType, FormField
from kostra.catalog.forms import Form, load_catalog
from kostra.controls.snapshot import Snapshot
from kostra.controls.statistical_checks import field_ref, number_nb, source_label
from kostra.controls.statistical_config import FieldSource, StatisticalCheck, statistical_checks_of_year

__all__ = ["YOY_KINDS", "default_params", "run_year_over_year", "year_over_year_checks"]

YOY_KINDS = ("hb", "thousand")
_HB = {"pU": 0.5, "pA": 0.05, "pC": 20.0}       # Statistics Norway's defaults (R Kostra::Hb)
_POOLED = "øvrige"


def default_params(spec: FormField) -> dict[str, dict[str, float]]:
    """HB and thousand-error parameters of a numeric field, from its type and unit.

    Amounts look for a unit slip (kroner for 1000 kroner: factors 10^k within 0.1 in log10); FTEs, hours and
    other decimals for a slipped decimal point (within 0.05); counts only for the |log10| > 2.5 band, since a
    count of 3 becoming 30 is often real. HB uses SSB's defaults everywhere.
    """
    delta = 0.1 if spec.type is FieldType.AMOUNT else 0.05 if spec.type is FieldType.DECIMAL else 0.0
    return {"hb": dict(_HB), "thousand": {"ll": -2.5, "ul": 2.5, "delta": delta}}


def _label(kind: str, form: Form, spec: FormField) -> dict[str, str]:
    title = f"{form.id} {spec.id} ({spec.label.nb})"
    title_en = f"{form.id} {spec.id} ({spec.label.en})"
    if kind == "hb":
        return {"nb": f"Uvanlig endring fra i fjor i skjema {title}",
                "en": f"Unusual change since last year in form {title_en}"}
    return {"nb": f"Mulig tusenfeil i skjema {title}", "en": f"Possible thousand error in form {title_en}"}


def year_over_year_checks(year: int) -> tuple[StatisticalCheck, ...]:
    """Every field's HB and thousand-error check of ``year``: the defaults, tuned by ``statistical.yaml``."""
    tuned = {(c.kind, c.form, c.field): c for c in statistical_checks_of_year(year) if c.kind in YOY_KINDS}
    found: list[StatisticalCheck] = []
    for form in load_catalog(year).forms():
        for spec in form.fields():
            if spec.type not in NUMERIC_TYPES or spec.skip_year_over_year is not None:
                continue
            params = default_params(spec)
            for kind in YOY_KINDS:
                check = tuned.pop((kind, form.id, spec.name), None)
                found.append(check or StatisticalCheck.model_validate({
                    "name": f"{'hb' if kind == 'hb' else 'th'}_{form.id.lower()}_{spec.name}",
                    "label": _label(kind, form, spec), "kind": kind, "form": form.id, "field": spec.name,
                    "params": params[kind]}))
    return (*found, *tuned.values())   # tuned checks of fields that opted out still run, as configured


# --- the long frame ------------------------------------------------------------------------------------

def _long(checks: Sequence[StatisticalCheck], snapshot: Snapshot) -> pl.DataFrame:
    """check, unit, x1 (this year), x2 (last year), raw stratum: one row per check × unit that sent the form."""
    data, previous = snapshot.data, snapshot.data.previous
    info = snapshot.units
    defaults = {**_HB, "ll": -2.5, "ul": 2.5, "delta": 0.1}
    table = pl.DataFrame({
        "check": [c.name for c in checks],
        "column": [source_label(FieldSource(form=c.form, field=c.field or "")) for c in checks],
        "form": [c.form for c in checks], "strata": [c.strata for c in checks],
        "min_stratum": [c.min_stratum for c in checks],
        **{name: [float(c.params.get(name, value)) for c in checks] for name, value in defaults.items()}},
        schema_overrides={"min_stratum": pl.Int64})
    reporting = pl.DataFrame(sorted((u, f) for u, f in snapshot.reported if (u, f) not in snapshot.nil),
                             schema={"unit": pl.String, "form": pl.String}, orient="row")
    columns = [c for c in table["column"].unique().to_list() if c in data.units.columns]
    now = _unpivot(data.units, columns, "x1")
    before = _unpivot(previous.units, [c for c in columns if c in previous.units.columns], "x2") \
        if previous is not None else None
    frame = table.join(reporting, on="form").join(now, on=["unit", "column"], how="left")
    frame = frame.join(before, on=["unit", "column"], how="left") if before is not None else \
        frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("x2"))
    groups = pl.DataFrame({"unit": list(info), "group": [i.group for i in info.values()],
                           "county": [i.county for i in info.values()]},
                          schema={"unit": pl.String, "group": pl.String, "county": pl.String})
    return frame.join(groups, on="unit", how="left").with_columns(
        pl.when(pl.col("strata") == "none").then(pl.lit("alle"))
        .when(pl.col("strata") == "county").then(pl.col("county").fill_null(_POOLED))
        .otherwise(pl.col("group").fill_null(_POOLED)).alias("raw"),
        ((pl.col("x1") > 0) & (pl.col("x2") > 0)).fill_null(False).alias("usable"))


def _unpivot(units: pl.DataFrame, columns: list[str], name: str) -> pl.DataFrame:
    if not columns:
        return pl.DataFrame(schema={"unit": pl.String, "column": pl.String, name: pl.Float64})
    return units.select("unit", *[pl.col(c).cast(pl.Float64, strict=False) for c in columns]).unpivot(
        index="unit", variable_name="column", value_name=name)


# --- HB ------------------------------------------------------------------------------------------------

def _pooled(frame: pl.DataFrame, min_stratum: pl.Expr) -> pl.DataFrame:
    """Strata with fewer than ``min_stratum`` usable units pooled (``statistical_checks._strata``)."""
    sizes = frame.filter("usable").group_by("check", "raw").agg(pl.len().alias("size"))
    frame = frame.join(sizes, on=["check", "raw"], how="left").with_columns(pl.col("size").fill_null(0))
    frame = frame.with_columns(pl.when(pl.col("size") < min_stratum).then(pl.lit(_POOLED))
                               .otherwise(pl.col("raw")).alias("stratum"))
    small = sizes.join(frame.select("check", "min_stratum").unique(), on="check").filter(
        pl.col("size") < pl.col("min_stratum")).group_by("check").agg(pl.col("size").sum().alias("small"))
    largest = sizes.sort(["size", "raw"], descending=[True, False]).group_by("check", maintain_order=True).agg(
        pl.col("raw").first().alias("largest"))
    frame = frame.join(small, on="check", how="left").join(largest, on="check", how="left")
    return frame.with_columns(
        pl.when((pl.col("stratum") == _POOLED) & (pl.col("small").fill_null(0) < pl.col("min_stratum")))
        .then(pl.col("largest").fill_null(_POOLED)).otherwise(pl.col("stratum")).alias("stratum"))


def _hb(frame: pl.DataFrame) -> pl.DataFrame:
    """HB limits per (check, stratum) on the units used; ``outlier`` null for the others."""
    frame = _pooled(frame, pl.col("min_stratum"))
    key = ["check", "stratum"]
    counted = frame.with_columns(
        pl.col("usable").sum().over(key).alias("n"),
        (pl.col("usable") & (pl.col("x1") == pl.col("x2"))).sum().over(key).alias("equal"))
    # R's ties rule: all equal → the stratum is skipped; half or more equal → only the changed units count.
    used = counted.with_columns(
        (pl.col("usable") & (pl.col("equal") < pl.col("n")) &
         ((pl.col("equal") < 0.5 * pl.col("n")) | (pl.col("x1") != pl.col("x2")))).alias("used"))
    part = used.filter("used").with_columns((pl.col("x1") / pl.col("x2")).alias("ratio"))
    part = part.with_columns(pl.col("ratio").median().over(key).alias("medRatio"),
                             pl.max_horizontal("x1", "x2").alias("maxX"))
    part = part.with_columns(
        pl.when(pl.col("ratio") >= pl.col("medRatio")).then(pl.col("ratio") / pl.col("medRatio") - 1)
        .otherwise(1 - pl.col("medRatio") / pl.col("ratio")).alias("centred"),
        pl.col("maxX").pow(pl.col("pU")).alias("size_a"))
    part = part.with_columns((pl.col("centred") * pl.col("size_a")).alias("effect"))
    part = part.with_columns(*[pl.col("effect").quantile(q, interpolation="linear").over(key).alias(n)
                               for q, n in ((0.25, "q1"), (0.5, "q2"), (0.75, "q3"))])
    floor = pl.when(pl.col("q2") != 0).then((pl.col("q2") * pl.col("pA")).abs()).otherwise(pl.col("pA"))
    part = part.with_columns(
        (pl.col("q2") - pl.col("pC") * pl.max_horizontal(pl.col("q2") - pl.col("q1"), floor)).alias("eLow"),
        (pl.col("q2") + pl.col("pC") * pl.max_horizontal(pl.col("q3") - pl.col("q2"), floor)).alias("eUp"))
    part = part.with_columns(
        (pl.col("medRatio") * pl.col("size_a") / (pl.col("size_a") - pl.col("eLow"))).alias("lowerLimit"),
        (pl.col("medRatio") * (pl.col("size_a") + pl.col("eUp")) / pl.col("size_a")).alias("upperLimit"))
    part = part.with_columns(((pl.col("ratio") < pl.col("lowerLimit")) | (pl.col("ratio") > pl.col("upperLimit")))
                             .alias("outlier"))
    limits = part.select("check", "unit", "ratio", "medRatio", "lowerLimit", "upperLimit", "outlier")
    return used.join(limits, on=["check", "unit"], how="left")


def _thousand(frame: pl.DataFrame) -> pl.DataFrame:
    """ThError's band |log10(x1 / x2)| beyond [ll, ul], and a factor 10^k (k = ±1..3) within ``delta``."""
    diff = pl.when(pl.col("usable")).then(pl.col("x1").log10() - pl.col("x2").log10())
    frame = frame.with_columns(diff.alias("diffLog10"))
    nearest = pl.col("diffLog10").round(0)
    factor = pl.when((nearest.abs().is_between(1, 3)) & ((pl.col("diffLog10") - nearest).abs() < pl.col("delta")))
    band = (pl.col("diffLog10") < pl.col("ll")) | (pl.col("diffLog10") > pl.col("ul"))
    k = factor.then(nearest).otherwise(pl.when(band).then(nearest))
    return frame.with_columns(k.alias("k"), (band | factor.then(True).otherwise(False)).alias("outlier"))


# --- results ---------------------------------------------------------------------------------------------

_RESULT = {"rule": pl.String, "kind": pl.String, "form_id": pl.String, "unit_code": pl.String,
           "outcome": pl.String, "severity": pl.String, "fields_json": pl.String, "values_json": pl.String,
           "message": pl.String, "score": pl.Float64}


def run_year_over_year(checks: Sequence[StatisticalCheck], snapshot: Snapshot) -> pl.DataFrame:
    """One result row per check × unit that sent the check's form (pass, fail, not_applicable), in the
    schema of ``controls.runs``; fails carry a bokmål message with the proposed correction or HB limits."""
    hb_checks = [c for c in checks if c.kind == "hb"]
    th_checks = [c for c in checks if c.kind == "thousand"]
    parts = []
    if hb_checks:
        parts.append(_hb_results(_hb(_long(hb_checks, snapshot)), hb_checks, snapshot.year))
    if th_checks:
        parts.append(_thousand_results(_thousand(_long(th_checks, snapshot)), th_checks, snapshot.year))
    if not parts:
        return pl.DataFrame(schema=_RESULT)
    return pl.concat(parts, how="vertical")


def _meta(checks: Sequence[StatisticalCheck], year: int) -> pl.DataFrame:
    return pl.DataFrame({
        "check": [c.name for c in checks], "kind": [c.kind for c in checks],
        "severity": [c.severity.name for c in checks], "label_nb": [c.label.nb for c in checks],
        "fields_json": [json.dumps([field_ref(c.form, c.field or "", year)], ensure_ascii=False) for c in checks]})


def _json_number(name: str, alias: str | None = None) -> pl.Expr:
    value = pl.col(name).cast(pl.Float64).round(6).cast(pl.String).fill_null("null")
    return pl.format('"{}": {}', pl.lit(alias or name), value)


def _values_json(frame: pl.DataFrame, extra: Sequence[str]) -> pl.Expr:
    label = pl.col("column")
    head = [pl.format('"{}": {}', label, pl.col("x1").round(6).cast(pl.String).fill_null("null")),
            pl.format('"prev({})": {}', label, pl.col("x2").round(6).cast(pl.String).fill_null("null"))]
    parts = head + [pl.when(pl.col("outcome") != "not_applicable").then(_json_number(n)) for n in extra]
    return pl.concat_str([pl.lit("{"), pl.concat_str(parts, separator=", ", ignore_nulls=True), pl.lit("}")])


def _finish(frame: pl.DataFrame, checks: Sequence[StatisticalCheck], year: int, extra: Sequence[str],
            message: pl.Expr) -> pl.DataFrame:
    frame = frame.join(_meta(checks, year), on="check").with_columns(
        pl.when(pl.col("outcome_raw").is_null()).then(pl.lit("not_applicable"))
        .when(pl.col("outcome_raw")).then(pl.lit("fail")).otherwise(pl.lit("pass")).alias("outcome"))
    return frame.with_columns(_values_json(frame, extra).alias("values_json"),
                              pl.when(pl.col("outcome") == "fail").then(message).otherwise(pl.lit(""))
                              .alias("message")).select(
        pl.col("check").alias("rule"), "kind", pl.col("form").alias("form_id"), pl.col("unit").alias("unit_code"),
        "outcome", "severity", "fields_json", "values_json", "message",
        pl.lit(None, dtype=pl.Float64).alias("score"))


def _nb(name: str, digits: int = 2) -> pl.Expr:
    """A column in Norwegian notation, for the few rows that fail (messages)."""
    return pl.col(name).map_elements(lambda v: number_nb(v, digits), return_dtype=pl.String)


def _hb_results(frame: pl.DataFrame, checks: Sequence[StatisticalCheck], year: int) -> pl.DataFrame:
    frame = frame.with_columns(pl.col("outlier").alias("outcome_raw"),
                               pl.col("stratum").alias("stratum_shown"))
    fails = frame.filter(pl.col("outlier").fill_null(False))
    message = pl.format("{}: {} = {} mot {} i fjor (forhold {}, HB-grenser {}–{} i {}).", pl.col("label_nb"),
                        pl.col("column"), pl.col("x1_nb"), pl.col("x2_nb"), pl.col("ratio_nb"),
                        pl.col("low_nb"), pl.col("up_nb"), pl.col("stratum"))
    shown = fails.select("check", "unit", _nb("x1").alias("x1_nb"), _nb("x2").alias("x2_nb"),
                         _nb("ratio", 3).alias("ratio_nb"), _nb("lowerLimit", 3).alias("low_nb"),
                         _nb("upperLimit", 3).alias("up_nb"))
    frame = frame.join(shown, on=["check", "unit"], how="left")
    return _finish(frame, checks, year, ("ratio", "lowerLimit", "upperLimit", "medRatio"), message)


def _thousand_results(frame: pl.DataFrame, checks: Sequence[StatisticalCheck], year: int) -> pl.DataFrame:
    frame = frame.with_columns(
        pl.when(pl.col("usable")).then(pl.col("outlier")).alias("outcome_raw"),
        pl.when(pl.col("k").is_not_null()).then(pl.lit(10.0).pow(pl.col("k"))).alias("factor"))
    frame = frame.with_columns((pl.col("x1") / pl.col("factor")).alias("proposed"))
    fails = frame.filter(pl.col("outcome_raw").fill_null(False))
    shown = fails.select("check", "unit", _nb("x1").alias("x1_nb"), _nb("x2").alias("x2_nb"),
                         _nb("factor", 3).alias("factor_nb"), _nb("proposed").alias("proposed_nb"))
    frame = frame.join(shown, on=["check", "unit"], how="left")
    message = pl.format("{}: {} = {} mot {} i fjor, omtrent {} ganger så stort. Foreslått rettet verdi: {} "
                        "(kontroller om beløpet er oppgitt i feil enhet).", pl.col("label_nb"), pl.col("column"),
                        pl.col("x1_nb"), pl.col("x2_nb"), pl.col("factor_nb"), pl.col("proposed_nb"))
    return _finish(frame, checks, year, ("diffLog10", "factor", "proposed"), message)
