"""How well a control run finds the demo's seeded errors: recall per kind and precision of the hits.

A seeded error (``kostra.demo.seeded`` ledger) is **found** when a hit (outcome ``fail``, severity WARNING or
worse) of the run is on the same unit — or on the municipality of the seeded institution — and either
belongs to the seeded form or reads the seeded field. Errors that ended in a draft (the form was never
submitted) cannot be seen by controls on submitted data; they are listed as ``in_draft`` and left out of
recall. ``missing_form`` and ``late_submission`` are found by the status side, not by rules: a missing form
counts as found when the unit has no submission of that form (the status board lists it), a late one when
its first submission came after the form's deadline. An error a statistician has already corrected with an
edit that answers a hit of an earlier run (``Edit.control_result_id``) counts as found: after the edit the
value is right and a new run no longer flags it.

Precision: the share of hits (WARNING or worse) explained by some seeded error. INFO hits are counted
separately: they are hints, not suspected errors.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kostra.catalog.forms import load_catalog
from kostra.demo.seeded import KINDS
from kostra.store.models import ControlResult, ControlRun, Edit, Submission, Unit

__all__ = ["STATUS_KINDS", "KindRecall", "RecallReport", "recall_of_run"]

STATUS_KINDS = ("missing_form", "late_submission")
_COUNTED = ("WARNING", "ERROR", "FATAL")


@dataclass(frozen=True)
class KindRecall:
    kind: str
    seeded: int
    in_draft: int
    found: int
    found_by: str            # "controls" or "status"

    @property
    def recall(self) -> float | None:
        findable = self.seeded - self.in_draft
        return self.found / findable if findable else None


@dataclass(frozen=True)
class RecallReport:
    year: int
    run_id: int
    kinds: tuple[KindRecall, ...]
    hits: int                # WARNING or worse
    explained: int
    info_hits: int
    unexplained_by_rule: Mapping[str, int]

    @property
    def precision(self) -> float | None:
        return self.explained / self.hits if self.hits else None

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "run": self.run_id,
                "kinds": [{"kind": k.kind, "seeded": k.seeded, "in_draft": k.in_draft, "found": k.found,
                           "recall": k.recall, "found_by": k.found_by} for k in self.kinds],
                "hits": self.hits, "explained": self.explained, "not_seeded": self.hits - self.explained,
                "precision": self.precision, "info_hits": self.info_hits,
                "not_seeded_by_rule": dict(self.unexplained_by_rule)}


@dataclass(frozen=True)
class _Hit:
    rule: str
    form: str
    unit: str
    fields: frozenset[tuple[str, str]]


def recall_of_run(session: Session, run: ControlRun, ledger: Sequence[Mapping[str, Any]]) -> RecallReport:
    """Compare the run's hits with the seeded-error ledger of its year."""
    owners = dict(session.execute(select(Unit.code, Unit.municipality_code).where(Unit.kind == "institution")).all())
    hits, info_hits = _hits(session, run.id)
    corrected = _corrected_after_hits(session, run.year)
    explained: set[int] = set()
    kinds = []
    submitted = _first_submissions(session, run.year)
    deadlines = {f.id: f.definition.deadline for f in load_catalog(run.year).forms()}
    for kind in KINDS:
        entries = [e for e in ledger if e.get("kind") == kind]
        if kind in STATUS_KINDS:
            found = sum(_status_found(e, submitted, deadlines) for e in entries)
            kinds.append(KindRecall(kind, len(entries), 0, found, "status"))
            continue
        in_draft = sum(e.get("stored") == "draft" for e in entries)
        found = 0
        for entry in entries:
            if entry.get("stored") == "draft":
                continue
            matched = [i for i, hit in enumerate(hits) if _explains(entry, hit, owners)]
            explained.update(matched)
            found += bool(matched) or (str(entry["form"]), str(entry["unit"]), str(entry.get("field"))) in corrected
        kinds.append(KindRecall(kind, len(entries), in_draft, found, "controls"))
    unexplained = Counter(hit.rule for i, hit in enumerate(hits) if i not in explained)
    return RecallReport(run.year, run.id, tuple(kinds), len(hits), len(explained), info_hits,
                        dict(unexplained.most_common()))


def _corrected_after_hits(session: Session, year: int) -> set[tuple[str, str, str]]:
    """(form, unit, field) of the year's edits that answer a hit of some control run."""
    rows = session.execute(select(Edit.form_id, Edit.unit_code, Edit.field_name).where(
        Edit.year == year, Edit.control_result_id.is_not(None))).all()
    return {(form, unit, field) for form, unit, field in rows}


def _hits(session: Session, run_id: int) -> tuple[list[_Hit], int]:
    rows = session.execute(select(ControlResult.rule, ControlResult.form_id, ControlResult.unit_code,
                                  ControlResult.severity, ControlResult.fields_json).where(
        ControlResult.run_id == run_id, ControlResult.outcome == "fail")).all()
    hits = [_Hit(rule, form, unit, frozenset((f["form"], f["name"]) for f in json.loads(fields or "[]")))
            for rule, form, unit, severity, fields in rows if severity in _COUNTED]
    return hits, sum(1 for row in rows if row[3] not in _COUNTED)


def _explains(entry: Mapping[str, Any], hit: _Hit, owners: Mapping[str, str | None]) -> bool:
    unit, form = str(entry["unit"]), str(entry["form"])
    if hit.unit not in (unit, owners.get(unit)):
        return False
    field = entry.get("field")
    return hit.form == form or (field is not None and (form, str(field)) in hit.fields)


def _first_submissions(session: Session, year: int) -> dict[tuple[str, str], datetime]:
    rows = session.execute(select(Submission.unit_code, Submission.form_id, func.min(Submission.created_at)).where(
        Submission.year == year).group_by(Submission.unit_code, Submission.form_id)).all()
    return {(unit, form): at for unit, form, at in rows}


def _status_found(entry: Mapping[str, Any], submitted: Mapping[tuple[str, str], datetime],
                  deadlines: Mapping[str, Any]) -> bool:
    key = (str(entry["unit"]), str(entry["form"]))
    if entry["kind"] == "missing_form":
        return key not in submitted
    at, deadline = submitted.get(key), deadlines.get(key[1])
    if at is None or deadline is None:
        return False
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at > datetime.combine(deadline, time.max, tzinfo=UTC)


def kinds_in(entries: Iterable[Mapping[str, Any]]) -> list[str]:
    """The kinds present in a ledger, in the ledger's canonical order."""
    present = {str(e.get("kind")) for e in entries}
    return [k for k in KINDS if k in present]
