"""The year's submitted forms: each unit's latest version (as of a date), typed, with the edits that count.

This is where "the value of a field" is decided, once, for every caller (controls, follow-up, export):

* the **latest version** of each (form, unit) submitted by the end of ``as_of`` (Oslo time), optionally only
  where the newest approval decision approves that version (``approved_only``);
* the reported answers **typed** by the catalogue (numbers as numbers, decimals as floats for computing; the
  exact text is kept by :mod:`kostra.dataset.values`);
* the statisticians' **edits resolved against the version** (:mod:`kostra.dataset.edits`): an edit made
  against this version applies; one made against an older version carries forward while the reported value it
  replaced is unchanged, and becomes stale when the unit reported a new value (the new value stands).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.catalog.form_models import NUMERIC_TYPES, FieldType
from kostra.catalog.forms import Form, load_catalog
from kostra.dataset.edits import ResolvedEdits, resolve_edits
from kostra.dataset.status import EditState
from kostra.store.models import Approval, Edit, Submission

__all__ = ["FormRecord", "approved_submission_ids", "cutoff_of", "end_of_day", "latest_submissions",
           "submitted_forms", "typed_values"]

OSLO = ZoneInfo("Europe/Oslo")


@dataclass(frozen=True)
class FormRecord:
    """One unit's latest submission of one form: as reported, and as the office uses it (edits applied).

    ``edits`` holds the edits in force (applied or carried forward), ``stale`` the newest edits of cells
    whose reported value changed since; both keyed by :func:`edit_key` with the row index of this version.
    """

    year: int
    form_id: str
    unit_code: str
    submission: Submission
    raw: dict[str, Any]
    reported: dict[str, Any]
    values: dict[str, Any]
    edits: dict[str, Edit] = field(default_factory=dict)
    stale: dict[str, Edit] = field(default_factory=dict)
    edit_states: dict[str, EditState] = field(default_factory=dict)
    approved: bool = False

    @property
    def nil(self) -> bool:
        return self.submission.state == "nil"


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Oslo time (what "as of 19 April" means), as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=OSLO) - timedelta(microseconds=1)


def cutoff_of(as_of: date | datetime | None) -> datetime | None:
    """The instant ``as_of`` stands for: a day means its end (Oslo time), a datetime itself (naive = UTC)."""
    if as_of is None:
        return None
    return _aware(as_of) if isinstance(as_of, datetime) else end_of_day(as_of)


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; they are stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _number(value: Any) -> Any:
    # Decimals are stored as text (JSON has no decimal type); the office computes in floats.
    if isinstance(value, str):
        try:
            return float(value.replace(" ", "").replace(",", "."))
        except ValueError:
            return value
    return value


def typed_values(form: Form, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers with numbers as numbers, table rows included; unknown names are kept as they are."""
    fields = form.fields()
    numeric = {f.name for f in fields if f.type in NUMERIC_TYPES}
    tables = {f.name: {c.name for c in f.columns or () if c.type in NUMERIC_TYPES}
              for f in fields if f.type is FieldType.TABLE}
    values = dict(raw)
    for name, value in raw.items():
        if value is None:
            continue
        if name in tables and isinstance(value, list):
            columns = tables[name]
            values[name] = [{k: _number(v) if k in columns and v is not None else v for k, v in row.items()}
                            for row in value if isinstance(row, Mapping)]
        elif name in numeric:
            values[name] = _number(value)
    return values


def latest_submissions(session: Session, year: int, *, forms: Iterable[str] | None = None,
                       units: Iterable[str] | None = None, as_of: date | datetime | None = None,
                       approved_only: bool = False) -> list[Submission]:
    """The newest version of every (form, unit) submitted in ``year`` by the end of ``as_of`` (a day; or an
    instant, e.g. the moment a snapshot was frozen), nil returns included, ordered by form and unit; with
    ``approved_only`` only versions whose newest approval decision (by then) approves them."""
    query = select(Submission).where(Submission.year == year).order_by(Submission.version)
    form_ids, unit_codes = _listed(forms), _listed(units)
    if form_ids is not None:
        query = query.where(Submission.form_id.in_(form_ids))
    if unit_codes is not None:
        query = query.where(Submission.unit_code.in_(unit_codes))
    cutoff = cutoff_of(as_of)
    latest: dict[tuple[str, str], Submission] = {}
    for submission in session.scalars(query):
        if cutoff is None or _aware(submission.created_at) <= cutoff:
            latest[(submission.form_id, submission.unit_code)] = submission
    chosen = [latest[key] for key in sorted(latest)]
    if approved_only:
        approved = approved_submission_ids(session, year, cutoff=cutoff, forms=form_ids)
        chosen = [s for s in chosen if s.id in approved]
    return chosen


def approved_submission_ids(session: Session, year: int, *, cutoff: datetime | None = None,
                            forms: Iterable[str] | None = None) -> set[int]:
    """Ids of submissions whose (form, unit) has, as its newest decision before ``cutoff``, an approval."""
    query = select(Approval.form_id, Approval.unit_code, Approval.submission_id, Approval.approved,
                   Approval.created_at).where(Approval.year == year).order_by(Approval.created_at, Approval.id)
    form_ids = _listed(forms)
    if form_ids is not None:
        query = query.where(Approval.form_id.in_(form_ids))
    newest: dict[tuple[str, str], tuple[int, bool]] = {}
    for form_id, unit, submission_id, approved, created in session.execute(query):
        if cutoff is None or _aware(created) <= cutoff:
            newest[(form_id, unit)] = (submission_id, approved)
    return {submission_id for submission_id, approved in newest.values() if approved}


def _listed(items: Iterable[str] | None) -> list[str] | None:
    return None if items is None else list(items)


def _edits(session: Session, year: int, form_ids: list[str] | None, unit_codes: list[str] | None,
           cutoff: datetime | None) -> dict[tuple[str, str], list[Edit]]:
    query = select(Edit).where(Edit.year == year)
    if form_ids is not None:
        query = query.where(Edit.form_id.in_(form_ids))
    if unit_codes is not None:
        query = query.where(Edit.unit_code.in_(unit_codes))
    grouped: dict[tuple[str, str], list[Edit]] = {}
    for edit in session.scalars(query.order_by(Edit.created_at, Edit.id)):
        if cutoff is None or _aware(edit.created_at) <= cutoff:
            grouped.setdefault((edit.form_id, edit.unit_code), []).append(edit)
    return grouped


def submitted_forms(session: Session, year: int, *, as_of: date | None = None, approved_only: bool = False,
                    forms: Iterable[str] | None = None, units: Iterable[str] | None = None,
                    definitions_year: int | None = None) -> list[FormRecord]:
    """Every unit's latest submission of ``year`` (nil returns included), typed, with the edits that count.

    ``definitions_year`` types the answers with another year's forms (for a year without definitions).

    >>> [record] = submitted_forms(session, 2025, forms=["5"], units=["974600951"])
    >>> record.values["plasser_i_alt"], record.reported["plasser_i_alt"]
    (68, 64)
    """
    form_ids, unit_codes = _listed(forms), _listed(units)
    catalog = load_catalog(definitions_year or year)
    cutoff = end_of_day(as_of) if as_of is not None else None
    approved = approved_submission_ids(session, year, cutoff=cutoff, forms=form_ids)
    edits = _edits(session, year, form_ids, unit_codes, cutoff)
    records = []
    for submission in latest_submissions(session, year, forms=form_ids, units=unit_codes, as_of=as_of):
        if approved_only and submission.id not in approved:
            continue
        form = catalog.form(submission.form_id)
        raw = json.loads(submission.values_json)
        reported = typed_values(form, raw)
        resolved: ResolvedEdits = resolve_edits(form, submission, reported,
                                                edits.get((submission.form_id, submission.unit_code), []))
        records.append(FormRecord(year, submission.form_id, submission.unit_code, submission, raw, reported,
                                  resolved.values, resolved.applied, resolved.stale, resolved.states,
                                  submission.id in approved))
    return records

