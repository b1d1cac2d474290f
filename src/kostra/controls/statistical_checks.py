"""Run the configured statistical checks (``statistical.yaml``) over a year's snapshot.

The methods are the proven ones of ``kostra.controls.statistical`` (HB, ThError, unit errors, Quartile);
this module only picks the values, forms the strata, calls the methods and turns their rows into results
(one per check and unit: pass, fail, not_applicable or error) with a readable bokmål message.

Strata: a unit's KOSTRA group (EKG##, via its municipality) or county. A stratum with fewer than
``min_stratum`` usable units is pooled with the other small strata (and with all units if still too small):
HB and quartiles on a handful of units flag noise.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from kostra.accounts.selection import unit_sums
from kostra.catalog.forms import load_catalog
from kostra.controls.snapshot import FORM5, Snapshot, UnitInfo
from kostra.controls.statistical import hb, quartile, therror, unit_error
from kostra.controls.statistical_config import (
    AccountsSource,
    FieldSource,
    PopulationSource,
    RegisterSource,
    Source,
    StatisticalCheck,
)

__all__ = ["CheckOutcome", "field_ref", "number_nb", "run_statistical_checks", "source_label"]

_REGIONAL = ("municipality", "oslo_district")
_POOLED = "øvrige"


@dataclass(frozen=True)
class CheckOutcome:
    """One check's result for one unit, shaped like a rule result."""

    check: StatisticalCheck
    unit: str
    outcome: str
    values: dict[str, Any]
    message: str = ""


def number_nb(value: float | None, digits: int = 2) -> str:
    """A number in Norwegian notation: 12 345,6 (thin groups of three, decimal comma, no trailing zeros)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
    return text.replace(",", " ").replace(".", ",")


def source_label(source: Source) -> str:
    """How a source is named in values and messages (the rule language's spelling)."""
    if isinstance(source, FieldSource):
        return f"skjema{source.form.lower()}.{source.field}"
    if isinstance(source, AccountsSource):
        args = [f"{k}='{v}'" for k, v in (("function", source.accounts.function), ("art", source.accounts.art))
                if v is not None]
        if source.accounts.kontoklasse != "drift":
            args.append(f"kontoklasse='{source.accounts.kontoklasse}'")
        return f"accounts({', '.join(args)})"
    if isinstance(source, PopulationSource):
        band = source.population
        sex = f", sex={band.sex}" if band.sex else ""
        return f"population({band.age_from}, {band.age_to}{sex})"
    return f"register('{source.measure}')"


def field_ref(form_id: str, name: str, year: int) -> dict[str, str]:
    """``{"form": "5", "id": "3.2", "name": "plasser_i_alt"}`` (id empty when the form has no such field)."""
    try:
        spec_id = load_catalog(year).form(form_id).field(name).id
    except Exception:  # a name the catalogue does not know: keep it without an id
        spec_id = ""
    return {"form": form_id, "id": spec_id, "name": name}


def check_fields(check: StatisticalCheck, year: int) -> list[dict[str, str]]:
    """The form fields a check reads."""
    found = [field_ref(s.form, s.field, year) for s in (check.top(), check.bottom()) if isinstance(s, FieldSource)]
    return [dict(t) for t in dict.fromkeys(tuple(f.items()) for f in found)]


def run_statistical_checks(checks: Sequence[StatisticalCheck], snapshot: Snapshot) -> list[CheckOutcome]:
    """Every check over the snapshot; a check that fails to run gives ``error`` for its units, never stops
    the others."""
    results: list[CheckOutcome] = []
    for check in checks:
        units = _units_of(check, snapshot)
        try:
            results.extend(_RUNNERS[check.kind](check, snapshot, units))
        except Exception as exc:  # any failure of one check is that check's error
            message = f"{type(exc).__name__}: {exc}"
            results.extend(CheckOutcome(check, u, "error", {}, message) for u in units)
    return results


# --- which units, which values ---------------------------------------------------------------------------

def _units_of(check: StatisticalCheck, snapshot: Snapshot) -> list[str]:
    """Units a check runs on: those that submitted the form (not nil); the municipalities and districts
    when the check relates a form to accounts, population or registers (form 5 summed per municipality)."""
    regional = check.kind in ("quartile", "ratio") and not all(
        isinstance(s, FieldSource) for s in (check.top(), check.bottom()))
    form = check.form
    if regional:
        reporting = {u for u, f in snapshot.reported if f == form and (u, f) not in snapshot.nil}
        if form == FORM5:  # institutions report form 5: their municipality has the sum
            owners = {snapshot.units[u].municipality_code for u in reporting if u in snapshot.units}
            return [c for c, info in snapshot.units.items() if info.kind in _REGIONAL and c in owners]
        return [c for c, info in snapshot.units.items() if info.kind in _REGIONAL and c in reporting]
    return sorted(u for u, f in snapshot.reported if f == form and (u, f) not in snapshot.nil)


def _values(source: Source, snapshot: Snapshot, units: Sequence[str], *, previous: bool = False,
            missing_as_zero: bool = False) -> dict[str, float | None]:
    frame = _source_frame(source, snapshot, previous)
    found = dict(zip(frame["unit"].to_list(), frame["value"].to_list(), strict=True)) if frame is not None else {}
    values = {u: (None if found.get(u) is None else float(found[u])) for u in units}
    if missing_as_zero:
        values = {u: 0.0 if v is None else v for u, v in values.items()}
    return values


def _source_frame(source: Source, snapshot: Snapshot, previous: bool) -> pl.DataFrame | None:
    data = snapshot.data.previous if previous else snapshot.data
    if data is None:
        return None
    if isinstance(source, FieldSource):
        column = source_label(source)
        if column not in data.units.columns:
            return None
        return data.units.select("unit", pl.col(column).cast(pl.Float64, strict=False).alias("value"))
    if isinstance(source, AccountsSource):
        return _accounts_values(source, data.accounts, snapshot.year - 1 if previous else snapshot.year)
    if isinstance(source, PopulationSource):
        return _population_values(source, data.population)
    assert isinstance(source, RegisterSource)
    if data.registers is None or source.measure not in data.registers.columns:
        return None
    return data.registers.select("unit", pl.col(source.measure).cast(pl.Float64).alias("value"))


def _accounts_values(source: AccountsSource, accounts: pl.DataFrame | None, year: int) -> pl.DataFrame | None:
    """The unit's accounts value through the accounts engine (the office's and key figures' numbers)."""
    if accounts is None:
        return None
    return unit_sums(accounts, year, function=source.accounts.function, art=source.accounts.art,
                     kontoklasse=source.accounts.kontoklasse, scope=source.accounts.scope)


def _population_values(source: PopulationSource, population: pl.DataFrame | None) -> pl.DataFrame | None:
    if population is None:
        return None
    band = source.population
    keep = pl.col("age").is_between(band.age_from, band.age_to)
    if band.sex is not None:
        keep &= pl.col("sex") == band.sex
    return population.filter(keep).group_by("unit").agg(pl.col("persons").sum().cast(pl.Float64).alias("value"))


def _strata(check: StatisticalCheck, units: Sequence[str], usable: Sequence[str],
            info: Mapping[str, UnitInfo]) -> dict[str, str]:
    """Stratum of each unit; strata with fewer than ``min_stratum`` usable units are pooled."""
    if check.strata == "none":
        return dict.fromkeys(units, "alle")
    raw = {u: ((info[u].group if check.strata == "kostra_group" else info[u].county) or _POOLED) for u in units}
    sizes: dict[str, int] = {}
    for unit in usable:
        sizes[raw[unit]] = sizes.get(raw[unit], 0) + 1
    small = {s for s in set(raw.values()) if sizes.get(s, 0) < check.min_stratum}
    pooled = {u: _POOLED if s in small else s for u, s in raw.items()}
    if sum(sizes.get(s, 0) for s in small) < check.min_stratum:
        # Too few even together: the small strata join the largest one.
        largest = max(sizes, key=lambda s: sizes[s], default=_POOLED)
        pooled = {u: largest if s == _POOLED else s for u, s in pooled.items()}
    return pooled


def _positive(*values: float | None) -> bool:
    return all(v is not None and v > 0 for v in values)


# --- the checks -----------------------------------------------------------------------------------------

def _run_hb(check: StatisticalCheck, snapshot: Snapshot, units: list[str]) -> list[CheckOutcome]:
    source = check.top()
    label = source_label(source)
    now, before = _values(source, snapshot, units), _values(source, snapshot, units, previous=True)
    usable = [u for u in units if _positive(now[u], before[u])]
    strata = _strata(check, units, usable, snapshot.units)
    frame = pl.DataFrame({"id": units, "x1": [now[u] for u in units], "x2": [before[u] for u in units],
                          "stratum": [strata[u] for u in units]}, schema={"id": pl.String, "x1": pl.Float64,
                                                                           "x2": pl.Float64, "stratum": pl.String})
    result = hb(frame, "id", "x1", "x2", strata="stratum", **_params(check, ("pU", "pA", "pC")))
    rows = {r["id"]: r for r in result.frame.to_dicts()}
    outcomes = []
    for unit in units:
        row = rows.get(unit)
        values = {label: now[unit], f"prev({label})": before[unit]}
        if row is None or row["outlier"] is None:
            outcomes.append(CheckOutcome(check, unit, "not_applicable", values))
            continue
        values.update(ratio=row["ratio"], lowerLimit=row["lowerLimit"], upperLimit=row["upperLimit"],
                      medRatio=row["medRatio"], stratum=row["strata"])
        failed = row["outlier"] == 1
        message = (f"{check.label.nb}: {label} = {number_nb(now[unit])} mot {number_nb(before[unit])} i fjor "
                   f"(forhold {number_nb(row['ratio'], 3)}, HB-grenser {number_nb(row['lowerLimit'], 3)}–"
                   f"{number_nb(row['upperLimit'], 3)} i {row['strata']}).") if failed else ""
        outcomes.append(CheckOutcome(check, unit, "fail" if failed else "pass", values, message))
    return outcomes


def _run_thousand(check: StatisticalCheck, snapshot: Snapshot, units: list[str]) -> list[CheckOutcome]:
    source = check.top()
    label = source_label(source)
    now, before = _values(source, snapshot, units), _values(source, snapshot, units, previous=True)
    frame = pl.DataFrame({"id": units, "x1": [now[u] for u in units], "x2": [before[u] for u in units]},
                         schema={"id": pl.String, "x1": pl.Float64, "x2": pl.Float64})
    band = {r["id"]: r for r in therror(frame, "id", "x1", "x2", **_params(check, ("ll", "ul"))).frame.to_dicts()}
    factors = {r["id"]: r for r in unit_error(frame, "id", "x1", "x2",
                                               delta=check.params.get("delta", 0.1)).frame.to_dicts()}
    outcomes = []
    for unit in units:
        values: dict[str, Any] = {label: now[unit], f"prev({label})": before[unit]}
        limit, factor = band.get(unit), factors.get(unit)
        if limit is None or limit["outlier"] is None or factor is None:
            outcomes.append(CheckOutcome(check, unit, "not_applicable", values))
            continue
        diff, k = limit["diffLog10"], factor["factorK"]
        k = k if k is not None else (round(diff) if limit["outlier"] == 1 else None)
        proposed = None if k is None else (now[unit] / 10**k if k > 0 else now[unit] * 10**-k)  # type: ignore[operator]
        values.update(diffLog10=diff, factor=None if k is None else 10**k, proposed=proposed)
        if k is None:
            outcomes.append(CheckOutcome(check, unit, "pass", values))
            continue
        message = (f"{check.label.nb}: {label} = {number_nb(now[unit])} mot {number_nb(before[unit])} i fjor, "
                   f"omtrent {number_nb(10.0**k, 3)} ganger så stort. Foreslått rettet verdi: "
                   f"{number_nb(proposed)} (kontroller om beløpet er oppgitt i feil enhet).")
        outcomes.append(CheckOutcome(check, unit, "fail", values, message))
    return outcomes


def _run_ratio(check: StatisticalCheck, snapshot: Snapshot, units: list[str]) -> list[CheckOutcome]:
    top, bottom = check.top(), check.bottom()
    top_label, bottom_label = source_label(top), source_label(bottom)
    numerator = _values(top, snapshot, units, missing_as_zero=check.missing_as_zero)
    denominator = _values(bottom, snapshot, units)
    ratios = {u: (numerator[u] * check.scale / denominator[u])  # type: ignore[operator]
              if numerator[u] is not None and denominator[u] else None for u in units}
    limits = _fixed_limits(check) if check.limits is not None else _fences(check, units, numerator, denominator,
                                                                            snapshot.units)
    outcomes = []
    for unit in units:
        values: dict[str, Any] = {top_label: numerator[unit], bottom_label: denominator[unit],
                                  "ratio": ratios[unit]}
        bounds = limits(unit)
        if ratios[unit] is None or bounds is None:
            outcomes.append(CheckOutcome(check, unit, "not_applicable", values))
            continue
        low, high = bounds
        values.update(lowerLimit=low, upperLimit=high)
        failed = (low is not None and ratios[unit] < low) or (high is not None and ratios[unit] > high)  # type: ignore[operator]
        per = f" × {number_nb(check.scale)}" if check.scale != 1 else ""
        message = (f"{check.label.nb}: {top_label} = {number_nb(numerator[unit])}, {bottom_label} = "
                   f"{number_nb(denominator[unit])}, forhold{per} {number_nb(ratios[unit], 3)} utenfor "
                   f"{number_nb(low, 3)}–{number_nb(high, 3)}.") if failed else ""
        outcomes.append(CheckOutcome(check, unit, "fail" if failed else "pass", values, message))
    return outcomes


Bounds = Callable[[str], "tuple[float | None, float | None] | None"]


def _fixed_limits(check: StatisticalCheck) -> Bounds:
    assert check.limits is not None
    bounds = (check.limits.min, check.limits.max)
    return lambda unit: bounds


def _fences(check: StatisticalCheck, units: list[str], numerator: Mapping[str, float | None],
            denominator: Mapping[str, float | None], info: Mapping[str, UnitInfo]) -> Bounds:
    """Quartile fences per stratum (R ``Quartile`` on each stratum's units alone)."""
    usable = [u for u in units if _positive(numerator[u], denominator[u])]
    strata = _strata(check, units, usable, info)
    fences: dict[str, tuple[float | None, float | None]] = {}
    for stratum in sorted(set(strata[u] for u in usable)):
        members = [u for u in usable if strata[u] == stratum]
        frame = pl.DataFrame({"id": members, "x1": [numerator[u] * check.scale for u in members],  # type: ignore[operator]
                              "y1": [denominator[u] for u in members]},
                             schema={"id": pl.String, "x1": pl.Float64, "y1": pl.Float64})
        result = quartile(frame, "id", "x1", "y1", **_params(check, ("pKL", "pKU"))).frame
        fences[stratum] = (result["lowerLimit"][0], result["upperLimit"][0])
    usable_set = set(usable)
    return lambda unit: fences.get(strata[unit]) if unit in usable_set else None


def _params(check: StatisticalCheck, names: tuple[str, ...]) -> dict[str, float]:
    return {name: check.params[name] for name in names if name in check.params}


_RUNNERS: dict[str, Callable[[StatisticalCheck, Snapshot, list[str]], list[CheckOutcome]]] = {
    "hb": _run_hb, "thousand": _run_thousand, "quartile": _run_ratio, "ratio": _run_ratio}


def outcome_json(values: Mapping[str, Any]) -> str:
    """Values as stored: JSON, floats rounded to 6 significant decimals for readability."""
    return json.dumps({k: round(v, 6) if isinstance(v, float) else v for k, v in values.items()},
                      ensure_ascii=False)
