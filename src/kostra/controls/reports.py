"""What the control runs found, for the office's dashboard and the municipalities' control report.

Queries only: the runs themselves are made by ``kostra.controls.runs``; this module reads the
``control_runs`` and ``control_results`` tables it fills.

- A *hit* is a result with outcome ``fail``. Results that could not be decided (``error``) are
  counted per rule but are not hits: they are the office's problem, not the unit's.
- Only finished runs count (``finished_at`` set): a run that broke off half-way shows nothing.
- A unit's *current* hits for a form come from the newest finished run that covered the form: a
  run of one form (after a municipality corrected it) replaces that form's results of an older run of
  all forms, and leaves the other forms' results alone.
- Units are ranked by a selective-editing score: the sum, over the distinct items a unit's hits
  touch (form and fields), of the largest score among the hits on that item. The sum is Hedlin's
  global score with α = 1 (a unit's share of the aggregate errors adds up over its items); taking the
  largest score per item first keeps one suspicious value that several checks flag (a thousand error
  found by both the HB method and a rule) from counting twice.
- Counties: a municipality's county is the first two digits of its code in the year's structure,
  an Oslo district belongs to 03, an institution to the county of its municipality.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kostra.errors import KostraError, NotFound
from kostra.reference.regions import regions
from kostra.store.models import ControlResult, ControlRun, Region, Unit

__all__ = [
    "SEVERITIES",
    "CountRow",
    "FieldRef",
    "Filters",
    "Hit",
    "RankedUnit",
    "RuleHits",
    "RunInfo",
    "county_names",
    "county_of",
    "current_hits",
    "current_runs",
    "get_run",
    "hits_of",
    "hits_per_county",
    "hits_per_form",
    "hits_per_rule",
    "latest_run",
    "ordered",
    "ranked_units",
    "rule_hits",
    "run_hits",
    "runs",
    "unit_score",
    "units_reported_by",
]

SEVERITIES = ("INFO", "WARNING", "ERROR", "FATAL")
FAIL = "fail"
OSLO_COUNTY = "03"
COUNTY = "fylke"  # the level of counties in the regions of a year


@dataclass(frozen=True)
class RunInfo:
    """One control run: its scope (a form, or all forms when ``form_id`` is None) and what it found."""

    id: int
    year: int
    form_id: str | None
    started_at: datetime
    finished_at: datetime | None
    started_by: str
    rules: int
    units: int
    hits: int
    notes: tuple[dict[str, str], ...] = ()   # run-level sentences ({"nb", "en"}), e.g. no data last year


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters: one form, and the least severity shown (``ERROR`` shows ERROR and FATAL)."""

    form_id: str | None = None
    severity: str | None = None

    def severities(self) -> tuple[str, ...]:
        if self.severity not in SEVERITIES:
            return SEVERITIES
        return SEVERITIES[SEVERITIES.index(self.severity):]

    def keeps(self, form_id: str | None, severity: str | None) -> bool:
        """Whether a summary entry of ``form_id`` and ``severity`` passes the filters."""
        if self.form_id and form_id != self.form_id:
            return False
        return severity in self.severities() if self.severity in SEVERITIES else True


@dataclass(frozen=True)
class RuleHits:
    """One rule's results in a run; ``hit_rate`` is fails over decided results (passes + fails)."""

    rule: str
    kind: str
    form_id: str | None
    severity: str
    label_nb: str
    label_en: str
    items: int
    passes: int
    fails: int
    not_applicable: int
    errors: int

    @property
    def hit_rate(self) -> float | None:
        decided = self.passes + self.fails
        return self.fails / decided if decided else None


@dataclass(frozen=True)
class CountRow:
    """Hits (and units with hits) of one form or one county."""

    key: str
    name: str
    hits: int
    units: int


@dataclass(frozen=True)
class RankedUnit:
    """A unit with hits, ranked by its selective-editing score (None when no hit has a score)."""

    rank: int
    unit_code: str
    unit_name: str
    kind: str
    county: str | None
    hits: int
    score: float | None
    worst_severity: str
    forms: tuple[str, ...]


@dataclass(frozen=True)
class FieldRef:
    """A field a rule read: its form, its id in the form (``3.2``) and its name (``plasser_i_alt``)."""

    form: str
    id: str
    name: str


@dataclass(frozen=True)
class Hit:
    """One failed check for one unit, with what it read."""

    id: int
    run_id: int
    rule: str
    form_id: str
    unit_code: str
    unit_name: str
    severity: str
    label_nb: str
    label_en: str
    message: str
    score: float | None
    fields: tuple[FieldRef, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    version: int | None = None  # the version of the unit's form the hit judged (None: not recorded)


# --- runs --------------------------------------------------------------------------------------------


def _run_info(run: ControlRun) -> RunInfo:
    return RunInfo(id=run.id, year=run.year, form_id=run.form_id, started_at=run.started_at,
                   finished_at=run.finished_at, started_by=run.started_by, rules=run.rules, units=run.units,
                   hits=run.hits, notes=run_notes(run.summary_json))


def run_notes(summary_json: str | None) -> tuple[dict[str, str], ...]:
    """The run-level notes stored with a run's summary (entries ``{"note": {"nb": …, "en": …}}``)."""
    try:
        entries = json.loads(summary_json or "[]")
    except json.JSONDecodeError:
        return ()
    if not isinstance(entries, list):
        return ()
    return tuple(e["note"] for e in entries if isinstance(e, dict) and isinstance(e.get("note"), dict))


def _finished_runs(year: int) -> Select[tuple[ControlRun]]:
    # Runs over all units; a unit's own re-run on submitting (``unit_code`` set) is read by unit_reports.
    return (select(ControlRun).where(ControlRun.year == year, ControlRun.finished_at.is_not(None),
                                     ControlRun.unit_code.is_(None))
            .order_by(ControlRun.started_at.desc(), ControlRun.id.desc()))


def runs(session: Session, year: int, limit: int = 20) -> list[RunInfo]:
    """The year's finished runs, newest first."""
    return [_run_info(r) for r in session.scalars(_finished_runs(year).limit(limit))]


def latest_run(session: Session, year: int, form_id: str | None = None) -> RunInfo | None:
    """The newest finished run of ``year``; with ``form_id``, the newest that covered that form
    (a run of that form or of all forms)."""
    query = _finished_runs(year)
    if form_id is not None:
        query = query.where((ControlRun.form_id == form_id) | ControlRun.form_id.is_(None))
    run = session.scalars(query.limit(1)).first()
    return _run_info(run) if run is not None else None


def get_run(session: Session, year: int, run_id: int) -> RunInfo:
    """Run ``run_id`` of ``year``; NotFound otherwise."""
    run = session.get(ControlRun, run_id)
    if run is None or run.year != year:
        raise NotFound(f"no control run {run_id} for {year}")
    return _run_info(run)


def _summary(session: Session, run_id: int) -> list[dict[str, Any]]:
    raw = session.scalar(select(ControlRun.summary_json).where(ControlRun.id == run_id)) or "[]"
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError:
        return []
    return [e for e in entries if isinstance(e, dict) and e.get("rule")] if isinstance(entries, list) else []


def _labels(session: Session, run_ids: Iterable[int]) -> dict[tuple[int, str], tuple[str, str, str]]:
    """(run, rule) → (label_nb, label_en, kind) from the runs' summaries; the rule's name when absent."""
    labels: dict[tuple[int, str], tuple[str, str, str]] = {}
    for run_id in set(run_ids):
        for entry in _summary(session, run_id):
            rule = str(entry["rule"])
            label_nb = str(entry.get("label_nb") or rule)
            label_en = str(entry.get("label_en") or label_nb)
            labels[(run_id, rule)] = (label_nb, label_en, str(entry.get("kind") or "rule"))
    return labels


# --- hits per rule, form and county ------------------------------------------------------------------


def _filtered(query: Select[Any], filters: Filters) -> Select[Any]:
    if filters.form_id:
        query = query.where(ControlResult.form_id == filters.form_id)
    if filters.severity in SEVERITIES:
        query = query.where(ControlResult.severity.in_(filters.severities()))
    return query


def _counted_rules(session: Session, run_id: int, filters: Filters) -> dict[str, dict[str, Any]]:
    """Per rule: outcome counts, form and worst severity, from the stored results."""
    query = _filtered(
        select(ControlResult.rule, ControlResult.outcome, ControlResult.form_id, ControlResult.severity,
               func.count()).where(ControlResult.run_id == run_id)
        .group_by(ControlResult.rule, ControlResult.outcome, ControlResult.form_id, ControlResult.severity),
        filters)
    counted: dict[str, dict[str, Any]] = {}
    for rule, outcome, form_id, severity, count in session.execute(query):
        entry = counted.setdefault(rule, {"form": form_id, "severity": severity, "pass": 0, "fail": 0,
                                          "not_applicable": 0, "error": 0})
        entry[outcome] = entry.get(outcome, 0) + count
        if _severity_rank(severity) > _severity_rank(entry["severity"]):
            entry["severity"] = severity
    return counted


def _severity_rank(severity: str | None) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def hits_per_rule(session: Session, run_id: int, filters: Filters = Filters()) -> list[RuleHits]:
    """Every rule of the run with its counts, most hits first.

    The run's summary is the source of the counts (it also lists rules whose passes were not stored);
    a rule missing from the summary is counted from the stored results.
    """
    counted = _counted_rules(session, run_id, filters)
    rows: dict[str, RuleHits] = {}
    for entry in _summary(session, run_id):
        form_id = entry.get("form")
        if not filters.keeps(form_id, entry.get("severity")):
            continue
        rule = str(entry["rule"])
        label_nb = str(entry.get("label_nb") or rule)
        rows[rule] = RuleHits(
            rule=rule, kind=str(entry.get("kind") or "rule"), form_id=form_id, severity=str(entry.get("severity")),
            label_nb=label_nb, label_en=str(entry.get("label_en") or label_nb), items=int(entry.get("items") or 0),
            passes=int(entry.get("passes") or 0), fails=int(entry.get("fails") or 0),
            not_applicable=int(entry.get("not_applicable") or 0), errors=int(entry.get("errors") or 0))
    for rule, c in counted.items():
        if rule not in rows:
            rows[rule] = RuleHits(
                rule=rule, kind="rule", form_id=c["form"], severity=c["severity"], label_nb=rule, label_en=rule,
                items=c["pass"] + c["fail"] + c["not_applicable"] + c["error"], passes=c["pass"],
                fails=c["fail"], not_applicable=c["not_applicable"], errors=c["error"])
    return sorted(rows.values(), key=lambda r: (-r.fails, -_severity_rank(r.severity), r.rule))


def _fail_counts(session: Session, run_id: int, filters: Filters) -> list[tuple[str, str, int]]:
    """(form, unit, hits) of the run's failed results."""
    query = _filtered(
        select(ControlResult.form_id, ControlResult.unit_code, func.count())
        .where(ControlResult.run_id == run_id, ControlResult.outcome == FAIL)
        .group_by(ControlResult.form_id, ControlResult.unit_code), filters)
    return [(form_id, unit_code, count) for form_id, unit_code, count in session.execute(query)]


def hits_per_form(session: Session, run_id: int, filters: Filters = Filters(),
                  form_names: dict[str, str] | None = None) -> list[CountRow]:
    """Hits and units with hits per form, most hits first; ``form_names`` labels the forms."""
    hits: dict[str, int] = defaultdict(int)
    units: dict[str, set[str]] = defaultdict(set)
    for form_id, unit_code, count in _fail_counts(session, run_id, filters):
        hits[form_id] += count
        units[form_id].add(unit_code)
    names = form_names or {}
    return sorted((CountRow(key=f, name=names.get(f, f), hits=n, units=len(units[f])) for f, n in hits.items()),
                  key=lambda r: (-r.hits, r.key))


def county_of(unit: Unit | None, unit_code: str) -> str | None:
    """The county code of a unit in its year's structure (see the module's notes); None when unknown."""
    kind = unit.kind if unit is not None else ""
    if kind == "oslo_district" or (unit is None and len(unit_code) == 6 and unit_code.startswith("03")):
        return OSLO_COUNTY
    if kind == "institution":
        return unit.municipality_code[:2] if unit is not None and unit.municipality_code else None
    if kind == "county" or len(unit_code) == 2:
        return unit_code[:2]
    return unit_code[:2] if len(unit_code) == 4 and unit_code.isdigit() else None


def _units(session: Session, codes: Iterable[str]) -> dict[str, Unit]:
    wanted = sorted(set(codes))
    found: dict[str, Unit] = {}
    for start in range(0, len(wanted), 500):  # stay well below the backends' bound-parameter limits
        found.update({u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(wanted[start:start + 500])))})
    return found


def county_names(session: Session, year: int) -> dict[str, str]:
    """County code → name from the year's regions in the database, else from the packaged reference data."""
    rows = session.execute(select(Region.code, Region.name).where(Region.year == year, Region.level == COUNTY))
    names = {code: name for code, name in rows}
    if names:
        return names
    try:
        return {r.code: r.name for r in regions(year, COUNTY)}
    except KostraError:
        return {}  # a year outside the packaged structures: the codes are shown


def hits_per_county(session: Session, run_id: int, year: int, filters: Filters = Filters()) -> list[CountRow]:
    """Hits and units with hits per county, most hits first; units of unknown county under ``?``."""
    counts = _fail_counts(session, run_id, filters)
    units = _units(session, (u for _, u, _ in counts))
    names = county_names(session, year)
    hits: dict[str, int] = defaultdict(int)
    with_hits: dict[str, set[str]] = defaultdict(set)
    for _, unit_code, count in counts:
        county = county_of(units.get(unit_code), unit_code) or "?"
        hits[county] += count
        with_hits[county].add(unit_code)
    return sorted((CountRow(key=c, name=names.get(c, c), hits=n, units=len(with_hits[c])) for c, n in hits.items()),
                  key=lambda r: (-r.hits, r.key))


# --- ranking by selective-editing score ---------------------------------------------------------------


def _fields(raw: str | None) -> tuple[FieldRef, ...]:
    try:
        entries = json.loads(raw or "[]")
    except json.JSONDecodeError:
        return ()
    if not isinstance(entries, list):
        return ()
    return tuple(FieldRef(form=str(e.get("form", "")), id=str(e.get("id", "")), name=str(e.get("name", "")))
                 for e in entries if isinstance(e, dict))


def _values(raw: str | None) -> dict[str, Any]:
    try:
        values = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {}
    return values if isinstance(values, dict) else {}


def unit_score(hits: Iterable[tuple[str, str, tuple[FieldRef, ...], float | None]]) -> float | None:
    """A unit's score from its hits (rule, form, fields, score): Σ over items of the largest score.

    An item is a hit's form with the fields it read (the rule itself when it names no field).
    """
    largest: dict[tuple[str, ...], float] = {}
    for rule, form_id, fields, score in hits:
        if score is None:
            continue
        item = (form_id, *sorted(f"{f.form}:{f.name}" for f in fields)) if fields else (form_id, rule)
        largest[item] = max(largest.get(item, 0.0), float(score))
    return sum(largest.values()) if largest else None


def ranked_units(session: Session, run_id: int, filters: Filters = Filters(),
                 limit: int | None = 25) -> list[RankedUnit]:
    """Units with hits, highest selective-editing score first (units without scores last, by hits)."""
    query = _filtered(
        select(ControlResult.unit_code, ControlResult.rule, ControlResult.form_id, ControlResult.fields_json,
               ControlResult.score, ControlResult.severity)
        .where(ControlResult.run_id == run_id, ControlResult.outcome == FAIL), filters)
    per_unit: dict[str, list[tuple[str, str, tuple[FieldRef, ...], float | None, str]]] = defaultdict(list)
    for unit_code, rule, form_id, fields_json, score, severity in session.execute(query):
        per_unit[unit_code].append((rule, form_id, _fields(fields_json), score, severity))
    units = _units(session, per_unit)
    scored = []
    for code, hits in per_unit.items():
        score = unit_score((r, f, fs, s) for r, f, fs, s, _ in hits)
        worst = max((h[4] for h in hits), key=_severity_rank)
        scored.append((code, score, worst, hits))
    scored.sort(key=lambda x: (x[1] is None, -(x[1] or 0.0), -_severity_rank(x[2]), -len(x[3]), x[0]))
    ranked: list[RankedUnit] = []
    for position, (code, score, worst, hits) in enumerate(scored[:limit] if limit else scored, start=1):
        unit = units.get(code)
        ranked.append(RankedUnit(rank=position, unit_code=code, unit_name=unit.name if unit else code,
                                 kind=unit.kind if unit else "", county=county_of(unit, code), hits=len(hits),
                                 score=score, worst_severity=worst, forms=tuple(sorted({h[1] for h in hits}))))
    return ranked


# --- the hits themselves ------------------------------------------------------------------------------


def hits_of(session: Session, results: Sequence[ControlResult]) -> list[Hit]:
    labels = _labels(session, (r.run_id for r in results))
    units = _units(session, (r.unit_code for r in results))
    hits = []
    for r in results:
        label_nb, label_en, _ = labels.get((r.run_id, r.rule), (r.rule, r.rule, "rule"))
        unit = units.get(r.unit_code)
        hits.append(Hit(id=r.id, run_id=r.run_id, rule=r.rule, form_id=r.form_id, unit_code=r.unit_code,
                        unit_name=unit.name if unit else r.unit_code, severity=r.severity, label_nb=label_nb,
                        label_en=label_en, message=r.message, score=r.score, fields=_fields(r.fields_json),
                        values=_values(r.values_json), version=r.version))
    return hits


def ordered(hits: list[Hit]) -> list[Hit]:
    return sorted(hits, key=lambda h: (h.form_id, -_severity_rank(h.severity), -(h.score or 0.0), h.rule,
                                       h.unit_code))


def rule_hits(session: Session, run_id: int, rule: str, filters: Filters = Filters()) -> list[Hit]:
    """The units that failed ``rule`` in the run, highest score first."""
    query = _filtered(select(ControlResult).where(ControlResult.run_id == run_id, ControlResult.rule == rule,
                                                   ControlResult.outcome == FAIL), filters)
    hits = hits_of(session, list(session.scalars(query)))
    return sorted(hits, key=lambda h: (-(h.score or 0.0), h.unit_code))


def run_hits(session: Session, run_id: int, unit_codes: Sequence[str]) -> list[Hit]:
    """The hits of ``unit_codes`` in one run, by form, severity and score."""
    query = select(ControlResult).where(ControlResult.run_id == run_id, ControlResult.outcome == FAIL,
                                        ControlResult.unit_code.in_(list(unit_codes)))
    return ordered(hits_of(session, list(session.scalars(query))))


def current_runs(session: Session, year: int) -> tuple[int | None, dict[str, int]]:
    """The runs whose results are current: (newest run of all forms, {form: newer run of that form only})."""
    newer_single: dict[str, int] = {}
    for run_id, form_id in session.execute(
            _finished_runs(year).with_only_columns(ControlRun.id, ControlRun.form_id)):
        if form_id is None:
            return run_id, newer_single
        newer_single.setdefault(form_id, run_id)
    return None, newer_single


def current_hits(session: Session, year: int, unit_codes: Sequence[str]) -> list[Hit]:
    """The current hits of ``unit_codes``: per form, from the newest finished run that covered the form."""
    full_run, single = current_runs(session, year)
    codes = list(unit_codes)
    results: list[ControlResult] = []
    for form_id, run_id in single.items():
        results.extend(session.scalars(select(ControlResult).where(
            ControlResult.run_id == run_id, ControlResult.form_id == form_id, ControlResult.outcome == FAIL,
            ControlResult.unit_code.in_(codes))))
    if full_run is not None:
        query = select(ControlResult).where(ControlResult.run_id == full_run, ControlResult.outcome == FAIL,
                                            ControlResult.unit_code.in_(codes))
        if single:
            query = query.where(ControlResult.form_id.not_in(list(single)))
        results.extend(session.scalars(query))
    return ordered(hits_of(session, results))


def units_reported_by(session: Session, unit_code: str) -> list[str]:
    """A unit and the institutions it reports for (their ``municipality_code``): what its report covers."""
    institutions = session.scalars(select(Unit.code).where(Unit.kind == "institution",
                                                           Unit.municipality_code == unit_code).order_by(Unit.code))
    return [unit_code, *institutions]
