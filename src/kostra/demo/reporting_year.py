"""Demo steps for the reporting year: units and users, last year's forms, this year's forms.

Forms are stored in bulk for speed (thousands of submissions), but each stored row is what the
intake services would store: the answers go through ``validate_values`` (and any registered form
rules via ``form_rule_problems``), and the row carries the same content hash, receipt id and audit event as
``kostra.reporting.submissions._append`` produces. Submission times are set to dates around the
deadline of each form (Jan–Feb of the year after the statistics year).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from kostra.access import Role
from kostra.access.users import hash_password
from kostra.catalog.forms import Form, load_catalog
from kostra.catalog.validation import Unit, Validated, validate_values
from kostra.controls.form_rules import form_rule_problems
from kostra.demo.answers import form_answers
from kostra.demo.seeded import SeededError, seed_errors, write_ledger
from kostra.demo.units import OSLO, DemoUnit, build_units
from kostra.reporting.submissions import FormStatus
from kostra.settings import Settings
from kostra.store.models import (
    ApiToken,
    Approval,
    Attachment,
    AuditEvent,
    Contact,
    ControlResult,
    ControlRun,
    Draft,
    Edit,
    OutboxMessage,
    RegisterValue,
    Submission,
    User,
)
from kostra.store.models import Unit as UnitRow

if TYPE_CHECKING:
    from kostra.demo.builder import DemoOptions

__all__ = [
    "DEMO_PASSWORD",
    "OFFICE_USERS",
    "current_year_step",
    "demo_units",
    "previous_year_step",
    "reporter_of",
    "store_forms",
    "unit_forms",
    "units_step",
]

DEMO_PASSWORD = "demo"  # the documented password of every demo user
OFFICE_USERS = (
    ("statistiker", Role.STATISTICIAN, "Statistiker (demo)"),
    ("admin", Role.ADMINISTRATOR, "Administrator (demo)"),
)
_LATE, _NOT_STARTED, _DRAFT, _NIL = 0.08, 0.04, 0.03, 0.03
Progress = Callable[[int, int], None]


def demo_units(year: int, seed: int, limit: int | None, always: tuple[str, ...]) -> list[DemoUnit]:
    """The units of the demo (see ``kostra.demo.units.build_units``)."""
    return build_units(year, seed, limit=limit, always=always)


def reporter_of(unit: DemoUnit) -> str:
    """The user who reports for ``unit``: its own, or its municipality's for public institutions."""
    if unit.kind == "institution" and not unit.private:
        return f"demo-{unit.municipality_code}"
    return f"demo-{unit.code}"


def unit_forms(unit: DemoUnit, answers: Mapping[str, object], has_districts: bool) -> list[str]:
    """The web forms ``unit`` reports: Oslo reports the district forms through its districts."""
    return [f for f in answers if not (unit.code == OSLO and has_districts and f != "13")]


def _clear(session: Session, years: Iterable[int], codes: set[str]) -> None:
    """Remove the demo's earlier reports, users and institutions so a rebuild starts clean."""
    years = list(years)
    # Follow-up rows refer to submissions and units: they go first.
    for model in (Approval, Edit, Contact, OutboxMessage, RegisterValue):
        session.execute(delete(model).where(model.year.in_(years)))  # type: ignore[attr-defined]
    runs = select(ControlRun.id).where(ControlRun.year.in_(years))
    session.execute(delete(ControlResult).where(ControlResult.run_id.in_(runs)))
    session.execute(delete(ControlRun).where(ControlRun.year.in_(years)))
    for model in (Submission, Draft, Attachment):
        session.execute(delete(model).where(model.year.in_(years)))  # type: ignore[attr-defined]
    session.execute(delete(AuditEvent).where(or_(*(AuditEvent.object_ref.startswith(f"{y}/") for y in years))))
    demo_users = select(User.id).where(or_(User.username.startswith("demo-"),
                                           User.username.in_([name for name, _, _ in OFFICE_USERS])))
    session.execute(delete(ApiToken).where(ApiToken.user_id.in_(demo_users)))
    session.execute(delete(User).where(User.id.in_(demo_users)))
    stale = select(UnitRow.code).where(UnitRow.kind == "institution", UnitRow.code.not_in(codes))
    session.execute(delete(UnitRow).where(UnitRow.code.in_(stale)))
    session.flush()


def demo_email(unit_code: str, local: str = "postmottak") -> str:
    """A demo address under the reserved top-level domain ``.example``: reminders never reach anyone."""
    return f"{local}@{unit_code}.kommune.example"


def store_units_and_users(session: Session, units: list[DemoUnit], years: Iterable[int],
                          progress: Progress) -> str:
    """Insert or update the units, then (re)create the demo users with password ``demo``."""
    _clear(session, years, {u.code for u in units})
    rows = [{"code": unit.code, "kind": unit.kind, "name": unit.name, "orgnr": unit.orgnr,
             "municipality_code": unit.municipality_code, "population": unit.population,
             "email": demo_email(unit.code) if unit.kind != "institution" else None} for unit in units]
    existing = set(session.scalars(select(UnitRow.code)))
    # In bulk, as session.merge per unit would store them (a query per unit cost seconds)
    if fresh := [row for row in rows if row["code"] not in existing]:
        session.execute(insert(UnitRow), fresh)
    if known := [row for row in rows if row["code"] in existing]:
        session.execute(update(UnitRow), known)
    reporters = [u for u in units if u.kind != "institution" or u.private]
    total = len(reporters) + len(OFFICE_USERS)
    # The rows create_user stores, in bulk and with one hash: every demo user has the documented password
    # 'demo', so one argon2 hash (its salt shared) serves them all instead of 484 hashes.
    password_hash = hash_password(DEMO_PASSWORD, fast=True)
    users = [{"username": f"demo-{unit.code}", "password_hash": password_hash, "role": Role.REPORTER.value,
              "display_name": f"{unit.name} (demo)", "unit_code": unit.code,
              "email": demo_email(unit.code, f"demo-{unit.code}")} for unit in reporters]
    users += [{"username": name, "password_hash": password_hash, "role": role.value, "display_name": display,
               "unit_code": None, "email": None} for name, role, display in OFFICE_USERS]
    session.execute(insert(User), users)
    progress(total, total)
    institutions = sum(u.kind == "institution" for u in units)
    return (f"units: {len(units) - institutions} municipalities and districts, {institutions} institutions; "
            f"users: {total}")


def _validated(form: Form, unit: DemoUnit, values: Mapping[str, object], year: int) -> Validated:
    # What kostra.reporting.submissions._check computes before storing.
    validation_unit = Unit(code=unit.code, kind=unit.kind, population=unit.population)
    validated = validate_values(form, values, unit=validation_unit)
    validated.problems.extend(form_rule_problems(form, validated.values, validation_unit, year, "nb"))
    return validated


def _submission(form: Form, unit: DemoUnit, year: int, status: FormStatus, values: Mapping[str, object],
                worst: str, at: datetime, actor: str) -> tuple[dict[str, object], dict[str, object]]:
    """A submission row and its audit event, hashed exactly as ``submissions._append`` does."""
    # The same content as ``submissions._append`` hashes; web forms carry no attachment.
    content = json.dumps({"values": values, "state": status.value, "attachment": None}, ensure_ascii=False,
                         sort_keys=True, default=str)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    receipt = f"K{year}-{form.id}-{unit.code}-1-{digest[:8]}"
    row: dict[str, object] = {
        "year": year, "form_id": form.id, "unit_code": unit.code, "version": 1, "state": status.value,
        "values_json": json.dumps(values, ensure_ascii=False, sort_keys=True, default=str),
        "comments_json": "{}", "worst_severity": worst, "content_hash": digest, "receipt_id": receipt,
        "created_at": at, "created_by": actor}
    event: dict[str, object] = {
        "at": at, "actor": actor, "action": f"submission.{status.value}",
        "object_ref": f"{year}/{form.id}/{unit.code}/v1", "reason": "",
        "detail_json": json.dumps({"receipt": receipt, "hash": digest})}
    return row, event


def submission_moment(rng: random.Random, deadline: date, late: bool) -> datetime:
    """When a demo form was submitted: up to 30 days before its deadline, or 1–20 days after when late."""
    base = datetime(deadline.year, deadline.month, deadline.day, 12, tzinfo=UTC)
    days = rng.uniform(1, 20) if late else -rng.uniform(0.1, 30)
    return base + timedelta(days=days)


def _status(rng: random.Random, form: Form, final: bool) -> str:
    draw = rng.random()
    if not final:
        return "on_time"
    for name, share in (("late", _LATE), ("not_started", _NOT_STARTED), ("draft", _DRAFT)):
        if draw < share:
            return name
        draw -= share
    return "nil" if form.definition.allows_nil and draw < _NIL else "on_time"


_NIL_REASON = "Institusjonen ble lagt ned i løpet av året"
Key = tuple[str, str]


def _plan(units: list[DemoUnit], seed: int, year: int, base_year: int, final: bool,
          codes: Mapping[str, str]) -> tuple[dict[Key, dict[str, object]], dict[Key, str]]:
    """Every unit's answers per form and what happens to each form: on time, late, missing, nil."""
    catalog = load_catalog(year)
    rng = random.Random(f"status-{seed}-{year}")
    has_districts = any(u.kind == "oslo_district" for u in units)
    batch: dict[Key, dict[str, object]] = {}
    plans: dict[Key, str] = {}
    for unit in units:
        answers = form_answers(unit, seed, year, base_year=base_year)
        for form_id in unit_forms(unit, answers, has_districts):
            code = codes.get(unit.code, unit.code)
            batch[(code, form_id)] = answers[form_id]
            plans[(code, form_id)] = _status(rng, catalog.form(form_id), final)
    return batch, plans


def _timing_entries(plans: Mapping[Key, str], moments: Mapping[Key, datetime],
                    catalog_year: int) -> list[SeededError]:
    catalog = load_catalog(catalog_year)
    found = []
    for (code, form_id), plan in plans.items():
        deadline = catalog.form(form_id).definition.deadline.isoformat()
        if plan in ("not_started", "draft"):
            found.append(SeededError("missing_form", form_id, code, None, plan, "submitted",
                                     stored="draft" if plan == "draft" else "none",
                                     note=f"not submitted by the deadline {deadline}"))
        elif plan == "late":
            found.append(SeededError("late_submission", form_id, code, None, moments[(code, form_id)].isoformat(),
                                     deadline, note="submitted after the deadline"))
    return found


def store_forms(session: Session, units: list[DemoUnit], *, seed: int, year: int, base_year: int, final: bool,
                progress: Progress, codes: Mapping[str, str] | None = None) -> tuple[dict[str, int], list[SeededError]]:
    """Store every unit's web forms for ``year``; count outcomes and return the seeded-error ledger.

    ``final`` is the demo year: a share late, missing, nil, and seeded errors. Otherwise (last year)
    every form is submitted on time, without planted errors. ``codes`` stores a unit's answers under another
    code (its code in an earlier region structure: ``kostra.demo.pre_reform``).
    """
    catalog = load_catalog(year)
    codes = codes or {}
    by_code = {codes.get(u.code, u.code): replace(u, code=codes.get(u.code, u.code)) for u in units}
    batch, plans = _plan(units, seed, year, base_year, final, codes)
    ledger = seed_errors(random.Random(f"errors-{seed}-{year}"),
                         {k: v for k, v in batch.items() if plans[k] in ("on_time", "late")}) if final else []
    rng = random.Random(f"moments-{seed}-{year}")
    moments: dict[Key, datetime] = {}
    rows, events, drafts, blocked = [], [], [], set()
    for done, ((code, form_id), values) in enumerate(batch.items(), start=1):
        unit, form, plan = by_code[code], catalog.form(form_id), plans[(code, form_id)]
        at = moments[(code, form_id)] = submission_moment(rng, form.definition.deadline, plan == "late")
        validated = _validated(form, unit, values, year)
        if plan == "draft" or (plan in ("on_time", "late") and not validated.ok):
            blocked |= set() if plan == "draft" else {(code, form_id)}
            kept = dict(list(validated.values.items())[: max(1, len(validated.values) // 2)]) \
                if plan == "draft" else validated.values
            drafts.append(_draft(year, form_id, code, kept, at, reporter_of(unit)))
        elif plan == "nil":
            row, event = _submission(form, unit, year, FormStatus.NIL, {}, "OK", at, reporter_of(unit))
            row["comments_json"] = json.dumps({"nil": _NIL_REASON}, ensure_ascii=False, sort_keys=True)
            rows.append(row)
            events.append(event)
        elif plan in ("on_time", "late"):
            warned = any(p.severity.name == "WARNING" for p in validated.problems)
            status = FormStatus.SUBMITTED_WITH_WARNINGS if warned else FormStatus.SUBMITTED
            row, event = _submission(form, unit, year, status, validated.values, validated.worst.name, at,
                                     reporter_of(unit))
            rows.append(row)
            events.append(event)
        if done % 200 == 0:
            progress(done, len(batch))
    for model, items in ((Submission, rows), (AuditEvent, events), (Draft, drafts)):
        if items:
            session.execute(insert(model), items)
    progress(len(batch), len(batch))
    if final:
        ledger = [_as_draft(e) if (e.unit, e.form) in blocked else e for e in ledger]
        ledger += _timing_entries(plans, moments, year)
    counts = {"submitted": len(rows), "drafts": len(drafts), "not_started": sum(
        p == "not_started" for p in plans.values()), "nil": sum(p == "nil" for p in plans.values())}
    return counts, ledger


def _as_draft(entry: SeededError) -> SeededError:
    # A seeded error that raised an ERROR cannot be submitted: it stays in the draft, as a reporter's would.
    return replace(entry, stored="draft")


def _draft(year: int, form_id: str, code: str, values: Mapping[str, object], at: datetime,
           actor: str) -> dict[str, object]:
    return {"year": year, "form_id": form_id, "unit_code": code,
            "values_json": json.dumps(dict(values), ensure_ascii=False, sort_keys=True, default=str),
            "confirmed_json": json.dumps({"comments": {}, "prefill_confirmed": []}),
            "updated_at": at, "updated_by": actor}


def _summary(year: int, counts: Mapping[str, int]) -> str:
    return (f"forms {year}: {counts['submitted']} submitted (incl. {counts['nil']} nil), "
            f"{counts['drafts']} drafts, {counts['not_started']} not started")


def units_step(session: Session, options: DemoOptions, progress: Progress) -> str:
    """Demo step: units of the year and the demo users."""
    units = demo_units(options.year, options.seed, options.limit_units, options.always_units)
    return store_units_and_users(session, units, (options.year - 2, options.year - 1, options.year), progress)


def previous_year_step(session: Session, options: DemoOptions, progress: Progress) -> str:
    """Demo step: last year's forms, all submitted on time (what prev() and pre-filling read)."""
    units = demo_units(options.year, options.seed, options.limit_units, options.always_units)
    counts, _ = store_forms(session, units, seed=options.seed, year=options.year - 1,
                            base_year=options.year - 1, final=False, progress=progress)
    return _summary(options.year - 1, counts)


def current_year_step(session: Session, options: DemoOptions, progress: Progress) -> str:
    """Demo step: this year's forms with late, missing and nil returns and seeded errors; writes the ledger."""
    units = demo_units(options.year, options.seed, options.limit_units, options.always_units)
    counts, ledger = store_forms(session, units, seed=options.seed, year=options.year,
                                 base_year=options.year - 1, final=True, progress=progress)
    home = options.home if options.home is not None else Settings().home
    path = write_ledger(home, options.year, ledger)
    return f"{_summary(options.year, counts)}; {len(ledger)} seeded errors listed in {path}"
