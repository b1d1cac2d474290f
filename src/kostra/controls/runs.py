"""Control runs: every rule and statistical check of a year over all units at once, stored with the values read.

``run_controls`` loads the year (``kostra.controls.snapshot``), evaluates the year's rules with **one**
``evaluate`` call on the full ``ControlData``, runs the checks of ``statistical.yaml``, scores each hit for
selective editing and stores one ``ControlRun``, one ``ControlResult`` per (rule, unit) evaluated and an
``AuditEvent``. A rule or check that cannot be evaluated gets outcome ``error``; the others still count.

A rule is evaluated for the units that have a latest submission of the rule's form (nil returns give
``not_applicable``); a cross-form rule belongs to the form of its file (``form:``).

Selective-editing score of a hit (``kostra.controls.statistical.selective``): for each numeric field the hit
involves, the local score |y − ŷ| / T̂ against the field's national total and against the unit's county total
(ŷ = last year × the KOSTRA group's median growth); the hit's score is the Minkowski (α = 2) combination of
these local scores. Higher means a larger potential effect on published national and county figures.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kostra.catalog.form_models import NUMERIC_TYPES
from kostra.catalog.forms import load_catalog
from kostra.controls.form_rules import rules_of_year, schema_of_year
from kostra.controls.language import CompiledRule, CompiledRules, compile_rules, evaluate
from kostra.controls.snapshot import Snapshot, load_snapshot
from kostra.controls.statistical import selective_score
from kostra.controls.statistical_checks import (
    CheckOutcome,
    check_fields,
    field_ref,
    number_nb,
    outcome_json,
    run_statistical_checks,
)
from kostra.controls.statistical_config import StatisticalCheck, statistical_checks_of_year
from kostra.controls.year_over_year import YOY_KINDS, run_year_over_year, year_over_year_checks
from kostra.store.models import AuditEvent, ControlResult, ControlRun, utcnow

__all__ = ["HIT", "STAGES", "RunResult", "latest_run", "rule_results", "run_controls", "run_outcomes",
           "store_results", "with_submissions"]

Progress = Callable[[int, int], None]
STAGES = ("loading the year's data", "evaluating rules", "statistical checks", "selective-editing scores",
          "storing results")
HIT = "fail"
_NAME = re.compile(r"(?<![\w.'])(skjema\w+\.)?([a-z_][a-z0-9_]*)(?![\w(])")


@dataclass(frozen=True)
class RunResult:
    """What a run produced before storing: result rows and per-rule summary (also used by tests)."""

    results: pl.DataFrame       # rule, kind, form_id, unit_code, outcome, severity, fields_json, values_json,
                                # message, score
    summary: list[dict[str, Any]]
    notes: list[dict[str, str]] = field(default_factory=list)   # run-level sentences ({"nb", "en"})

    def stored(self) -> pl.DataFrame:
        """The rows a run stores: year-over-year checks keep only their hits and errors (the summary counts
        the rest; they are one row per numeric field and unit)."""
        return self.results.filter(~pl.col("kind").is_in(YOY_KINDS) | pl.col("outcome").is_in([HIT, "error"]))


def run_controls(session: Session, year: int, *, form_id: str | None = None, actor: str,
                 progress: Progress | None = None, cache_dir: Path | None = None) -> ControlRun:
    """Run every rule and statistical check of ``year`` (or of one form) over all units and store the results.

    ``cache_dir`` (KOSTRA_HOME/cache) lets a new process reuse what an earlier one derived and nothing has
    changed since (``load_snapshot``)."""
    started = utcnow()
    step = _stepper(progress)
    step(0)
    snapshot = load_snapshot(session, year, cache_dir=cache_dir)
    outcome = run_outcomes(snapshot, form_id=form_id, step=step)
    step(4)
    run = ControlRun(year=year, form_id=form_id, started_at=started, started_by=actor,
                     rules=len(outcome.summary), units=outcome.results["unit_code"].n_unique(),
                     hits=int((outcome.results["outcome"] == HIT).sum()),
                     summary_json=json.dumps(outcome.summary + [{"note": n} for n in outcome.notes],
                                             ensure_ascii=False))
    session.add(run)
    session.flush()
    store_results(session, run, with_submissions(outcome.stored(), snapshot))
    run.finished_at = utcnow()
    session.add(AuditEvent(actor=actor, action="controls.run", object_ref=f"{year}/controls/{run.id}",
                           detail_json=json.dumps({"run": run.id, "form": form_id, "rules": run.rules,
                                                   "units": run.units, "hits": run.hits})))
    session.flush()
    step(5)
    return run


def with_submissions(results: pl.DataFrame, snapshot: Snapshot) -> pl.DataFrame:
    """``results`` with the submission (id, version) of the unit's form each result judged."""
    judged = pl.DataFrame([(u, f, s, v) for (u, f), (s, v) in snapshot.submissions.items()],
                          schema={"unit_code": pl.String, "form_id": pl.String, "submission_id": pl.Int64,
                                  "version": pl.Int64}, orient="row")
    return results.join(judged, on=["unit_code", "form_id"], how="left")


_RESULT_COLUMNS = ("run_id", "rule", "form_id", "unit_code", "outcome", "severity", "fields_json", "values_json",
                   "message", "score", "submission_id", "version")


def store_results(session: Session, run: ControlRun, results: pl.DataFrame) -> None:
    """Insert one ``ControlResult`` per row of ``results`` under ``run``.

    Tens of thousands of rows go through the database driver's own bulk path (``executemany`` with tuples on
    SQLite, ``COPY`` on PostgreSQL): SQLAlchemy's ORM bulk insert spent about 2 s on the demo year's 33 000.
    """
    frame = results.with_columns(pl.lit(run.id, dtype=pl.Int64).alias("run_id")).select(_RESULT_COLUMNS)
    rows = frame.rows()
    if not rows:   # a year without submissions: nothing to store (an empty executemany is an error)
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY control_results ({', '.join(_RESULT_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    if connection.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in _RESULT_COLUMNS)
        connection.exec_driver_sql(f"INSERT INTO control_results ({', '.join(_RESULT_COLUMNS)}) VALUES ({marks})",
                                   rows)
        return
    session.execute(insert(ControlResult), frame.to_dicts())


def _stepper(progress: Progress | None) -> Callable[[int], None]:
    def step(done: int) -> None:
        if progress is not None:
            progress(done, len(STAGES))
    return step


def run_outcomes(snapshot: Snapshot, *, form_id: str | None = None,
                 step: Callable[[int], None] = lambda done: None) -> RunResult:
    """Rules and statistical checks over a snapshot, scored; nothing is stored."""
    year = snapshot.year
    step(1)
    rule_frame, rule_summary = rule_results(snapshot, form_id)
    step(2)
    checks = tuple(c for c in statistical_checks_of_year(year)
                   if (form_id is None or c.form == form_id) and c.kind not in YOY_KINDS)
    check_frame, check_summary = _check_results(checks, snapshot)
    yoy_frame, yoy_summary = _yoy_results(tuple(c for c in year_over_year_checks(year)
                                                if form_id is None or c.form == form_id), snapshot)
    step(3)
    results = pl.concat([rule_frame, check_frame, yoy_frame], how="vertical")
    results = _with_scores(_with_last_year_notes(results, snapshot), snapshot)
    notes = snapshot.last_year.reasons() if snapshot.last_year is not None else []
    return RunResult(results, rule_summary + check_summary + yoy_summary, notes)


def _yoy_results(checks: Sequence[StatisticalCheck], snapshot: Snapshot) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """HB and thousand-error checks of every numeric field; without last year they are skipped, each
    listed in the summary with no items and the reason."""
    labels = {c.name: (c.label.nb, c.label.en) for c in checks}
    if snapshot.data.previous is None:
        why = snapshot.last_year.reasons()[0]["nb"] if snapshot.last_year is not None else ""
        return _empty(), [{**_summary_row(c.name, c.kind, c.form, c.severity.name, labels[c.name], {}),
                           "skipped": why} for c in checks]
    results = run_year_over_year(checks, snapshot)
    summary = _summary(results, labels)
    seen = {s["rule"] for s in summary}
    summary += [_summary_row(c.name, c.kind, c.form, c.severity.name, labels[c.name], {}) for c in checks
                if c.name not in seen]
    return results, summary


def _with_last_year_notes(results: pl.DataFrame, snapshot: Snapshot) -> pl.DataFrame:
    """A not-applicable result of a merged or split municipality says why it has no last year."""
    last = snapshot.last_year
    if last is None or last.reform is None or results.is_empty():
        return results
    notes = {link.code: link.note() for link in last.reform.changed() if not link.comparable
             or link.kind.value == "merge"}
    if not notes:
        return results
    reading = set(_prev_rules(snapshot.year)) | set(results.filter(pl.col("kind").is_in(YOY_KINDS))["rule"]
                                                    .unique().to_list())
    frame = pl.DataFrame({"unit_code": list(notes), "__note": list(notes.values())})
    return results.join(frame, on="unit_code", how="left").with_columns(
        pl.when((pl.col("outcome") == "not_applicable") & pl.col("rule").is_in(sorted(reading))
                & pl.col("__note").is_not_null()).then(pl.format("Ikke aktuelt: {}.", pl.col("__note")))
        .otherwise(pl.col("message")).alias("message")).drop("__note")


@lru_cache(maxsize=8)
def _prev_rules(year: int) -> tuple[str, ...]:
    """Rules that read last year (``prev()``)."""
    return tuple(r.rule.name for r in _compiled(year).rules if any(a.previous for a in r.aggregates))


# --- rules ------------------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _compiled(year: int) -> CompiledRules:
    return compile_rules(rules_of_year(year), schema_of_year(year))


@lru_cache(maxsize=8)
def _form_ids(year: int) -> dict[str, str]:
    """Rule form name → catalogue form id (``skjemapsyk`` → ``PSYK``)."""
    return {form.rule_form: form.id for form in load_catalog(year).forms()}


def _rule_fields(compiled: CompiledRule, year: int) -> list[dict[str, str]]:
    """The form fields a rule reads: its columns plus the names inside its aggregates (prev, sum …)."""
    forms = _form_ids(year)
    names: list[tuple[str, str]] = []
    for column in compiled.fields:
        form, _, name = column.partition(".")
        names.append((form, name))
    # Only prev() and table aggregates hold field names; accounts(function=…), population(sex=…) hold keywords.
    for aggregate in (a for a in compiled.aggregates if a.source == "units" or a.source.startswith("table:")):
        for prefix, name in _NAME.findall(aggregate.label):
            form = prefix.rstrip(".") if prefix else compiled.rule.form
            if form in forms and name not in ("prev", "sum", "count", "mean", "min", "max"):
                names.append((form, name.split(".")[0]))
    found = []
    for form, name in dict.fromkeys(names):
        if form in forms and not name.startswith("__"):
            found.append(field_ref(forms[form], name, year))
    return found


def rule_results(snapshot: Snapshot, form_id: str | None) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """Every rule of the year (or of one form) over the snapshot's units, with messages; nothing is stored."""
    year = snapshot.year
    forms = _form_ids(year)
    compiled = _compiled(year)
    chosen = tuple(r for r in compiled.rules if form_id is None or forms.get(r.rule.form) == form_id)
    if not chosen:
        return _empty(), []
    confrontation = evaluate(CompiledRules(chosen, compiled.schema), snapshot.data)
    meta = pl.DataFrame({
        "rule": [r.rule.name for r in chosen], "form_id": [forms.get(r.rule.form, r.rule.form) for r in chosen],
        "fields_json": [json.dumps(_rule_fields(r, year), ensure_ascii=False) for r in chosen]})
    reported = pl.DataFrame(sorted(snapshot.reported), schema={"unit": pl.String, "form_id": pl.String},
                            orient="row")
    frame = confrontation.results.join(meta, on="rule").join(reported, on=["unit", "form_id"], how="semi")
    frame = _with_rule_messages(frame, {r.rule.name: r for r in chosen})
    results = frame.select(
        "rule", pl.lit("rule").alias("kind"), "form_id", pl.col("unit").alias("unit_code"), "outcome", "severity",
        "fields_json", pl.col("values").alias("values_json"), pl.col("message").fill_null(""),
        pl.lit(None, dtype=pl.Float64).alias("score"))
    return results, _summary(results, {r.rule.name: (r.rule.label.get("nb", r.rule.name),
                                                     r.rule.label.get("en", r.rule.name)) for r in chosen})


def _with_rule_messages(frame: pl.DataFrame, rules: Mapping[str, CompiledRule]) -> pl.DataFrame:
    """Failed rows get a bokmål message: the rule's label and the values it read."""
    failed = frame.filter(pl.col("outcome") == HIT)
    if failed.is_empty():
        return frame
    texts = [_rule_message(rules[name], values) for name, values in
             zip(failed["rule"].to_list(), failed["values"].to_list(), strict=True)]
    messages = failed.select("rule", "unit").with_columns(pl.Series("__message", texts, dtype=pl.String))
    return frame.join(messages, on=["rule", "unit"], how="left").with_columns(
        pl.coalesce("__message", "message").alias("message")).drop("__message")


def _rule_message(compiled: CompiledRule, values_json: str | None) -> str:
    rule = compiled.rule
    label = rule.label.get("nb") or rule.name
    values = json.loads(values_json or "{}")
    shown = ", ".join(f"{name} = {_shown(value)}" for name, value in values.items())
    return f"{label}: {shown}." if shown else f"{label}."


def _shown(value: Any) -> str:
    if value is None:
        return "mangler"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, int | float):
        return number_nb(float(value))
    return str(value)


# --- statistical checks ---------------------------------------------------------------------------------

def _check_results(checks: Sequence[StatisticalCheck], snapshot: Snapshot,
                   ) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    if not checks:
        return _empty(), []
    outcomes: list[CheckOutcome] = run_statistical_checks(checks, snapshot)
    fields = {c.name: json.dumps(check_fields(c, snapshot.year), ensure_ascii=False) for c in checks}
    results = pl.DataFrame({
        "rule": [o.check.name for o in outcomes], "kind": [o.check.kind for o in outcomes],
        "form_id": [o.check.form for o in outcomes], "unit_code": [o.unit for o in outcomes],
        "outcome": [o.outcome for o in outcomes], "severity": [o.check.severity.name for o in outcomes],
        "fields_json": [fields[o.check.name] for o in outcomes],
        "values_json": [outcome_json(o.values) for o in outcomes], "message": [o.message for o in outcomes],
        "score": [None] * len(outcomes)}, schema=_SCHEMA)
    labels = {c.name: (c.label.nb, c.label.en) for c in checks}
    summary = _summary(results, labels)
    # Checks without units still appear in the summary (items 0).
    seen = {s["rule"] for s in summary}
    summary += [_summary_row(c.name, c.kind, c.form, c.severity.name, labels[c.name], {}) for c in checks
                if c.name not in seen]
    return results, summary


_SCHEMA = {"rule": pl.String, "kind": pl.String, "form_id": pl.String, "unit_code": pl.String, "outcome": pl.String,
           "severity": pl.String, "fields_json": pl.String, "values_json": pl.String, "message": pl.String,
           "score": pl.Float64}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=_SCHEMA)


def _summary(results: pl.DataFrame, labels: Mapping[str, tuple[str, str]]) -> list[dict[str, Any]]:
    counts = results.group_by("rule", "kind", "form_id", "severity", maintain_order=True).agg(
        pl.len().alias("items"), *[(pl.col("outcome") == o).sum().alias(o) for o in
                                   ("pass", "fail", "not_applicable", "error")])
    return [_summary_row(row["rule"], row["kind"], row["form_id"], row["severity"], labels[row["rule"]], row)
            for row in counts.to_dicts()]


def _summary_row(rule: str, kind: str, form: str, severity: str, label: tuple[str, str],
                 counts: Mapping[str, Any]) -> dict[str, Any]:
    return {"rule": rule, "kind": kind, "form": form, "severity": severity, "label_nb": label[0],
            "label_en": label[1], "items": counts.get("items", 0), "passes": counts.get("pass", 0),
            "fails": counts.get("fail", 0), "not_applicable": counts.get("not_applicable", 0),
            "errors": counts.get("error", 0)}


# --- selective-editing scores ---------------------------------------------------------------------------

def _with_scores(results: pl.DataFrame, snapshot: Snapshot) -> pl.DataFrame:
    """Fill ``score`` of every hit from the local scores of the numeric fields it involves."""
    hits = results.filter(pl.col("outcome") == HIT)
    if hits.is_empty():
        return results
    local = _local_scores(snapshot, {(ref["form"], ref["name"]) for f in hits["fields_json"].unique().to_list()
                                     for ref in json.loads(f)})
    scores = []
    for unit, fields in zip(hits["unit_code"].to_list(), hits["fields_json"].to_list(), strict=True):
        parts = [s for ref in json.loads(fields) for s in local.get((ref["form"], ref["name"], unit), ())]
        scores.append(math.sqrt(math.fsum(s * s for s in parts)) if parts else None)
    scored = hits.select("rule", "unit_code").with_columns(pl.Series("__score", scores, dtype=pl.Float64))
    return results.join(scored, on=["rule", "unit_code"], how="left").with_columns(
        pl.col("__score").alias("score")).drop("__score")


def _local_scores(snapshot: Snapshot, wanted: set[tuple[str, str]]) -> dict[tuple[str, str, str], tuple[float, ...]]:
    """(form, field, unit) → (score against the national total, score against the county total), for the
    fields some hit involves."""
    catalog = load_catalog(snapshot.year)
    previous = snapshot.data.previous
    found: dict[tuple[str, str, str], tuple[float, ...]] = {}
    for form_id in sorted({form for form, _ in wanted}):
        form = catalog.form(form_id)
        units = sorted(u for u, f in snapshot.reported if f == form_id and (u, f) not in snapshot.nil)
        columns = [f"{form.rule_form}.{s.name}" for s in form.fields()
                   if s.type in NUMERIC_TYPES and (form_id, s.name) in wanted]
        columns = [c for c in columns if c in snapshot.data.units.columns and previous is not None
                   and c in previous.units.columns]
        if not units or not columns:
            continue
        frame = _score_frame(snapshot, units, columns)
        items = {c: (c, f"prev:{c}") for c in columns}
        national = selective_score(frame, "unit", items, strata="group")
        county = selective_score(frame, "unit", items, strata="group", aggregate="county")
        for result in (national, county):
            for row in result.to_dicts():
                for column in columns:
                    value = row[f"score_{column}"]
                    if value is not None:
                        key = (form_id, column.split(".", 1)[1], row["id"])
                        found[key] = (*found.get(key, ()), value)
    return found


def _score_frame(snapshot: Snapshot, units: list[str], columns: list[str]) -> pl.DataFrame:
    assert snapshot.data.previous is not None
    wanted = pl.DataFrame({"unit": units}, schema={"unit": pl.String})
    now = wanted.join(snapshot.data.units.select("unit", *columns), on="unit", how="left")
    before = wanted.join(snapshot.data.previous.units.select(
        "unit", *[pl.col(c).alias(f"prev:{c}") for c in columns]), on="unit", how="left")
    info = snapshot.units
    return now.join(before, on="unit").with_columns(
        pl.Series("group", [info[u].group or "øvrige" for u in units], dtype=pl.String),
        pl.Series("county", [info[u].county or "øvrige" for u in units], dtype=pl.String),
        *[pl.col(c).cast(pl.Float64, strict=False) for c in columns],
        *[pl.col(f"prev:{c}").cast(pl.Float64, strict=False) for c in columns])


# --- reading runs back ----------------------------------------------------------------------------------

def latest_run(session: Session, year: int) -> ControlRun | None:
    """The newest control run of ``year`` over all units (any form), or None; runs of one unit do not count."""
    return session.scalar(select(ControlRun).where(ControlRun.year == year, ControlRun.unit_code.is_(None))
                          .order_by(ControlRun.id.desc()).limit(1))
