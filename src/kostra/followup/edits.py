"""Statisticians' edits: a new value for one reported field, with a reason code, a comment, who and when.

The submission is never touched: the edit row keeps the reported value beside the edited one, and
``kostra.followup.values`` lays the newest edit over the reported value. A field is named by name
or id (``plasser_i_alt``, ``3.2``); a table cell as ``table.column`` with a 0-based ``row``, or in
one string as ``table[row].column``.

    >>> edit_value(session, statistician, year=2025, form_id="5", unit_code="974600951",
    ...            field="plasser_i_alt", value="68", reason="REVIEW", comment="Confirmed by phone")
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access.roles import Principal, Role, require_role
from kostra.catalog.form_models import FieldType, FormField
from kostra.catalog.forms import Form, load_catalog
from kostra.catalog.validation import Unit as ValidationUnit
from kostra.catalog.validation import validate_values
from kostra.dataset import WITHDRAWAL, row_index_of, row_key_of
from kostra.errors import NotFound
from kostra.followup.errors import FollowupRefused
from kostra.followup.values import FormValues, edit_key, year_values
from kostra.store.models import AuditEvent, ControlResult, Edit, Unit

__all__ = ["REASON_LABELS", "WITHDRAWN", "FieldRef", "ReasonCode", "edit_value", "edits_of", "parse_field_ref",
           "reapply_edit", "withdraw_edit"]

WITHDRAWN = "WITHDRAWN"  # the reason code of a withdrawal (the edit's comment says why)


class ReasonCode(StrEnum):
    """Why a statistician changed a reported value (the codes of SSB's change log)."""

    OTHER_SOURCE = "OTHER_SOURCE"  # the value is taken from another source (register, accounts, last year)
    REVIEW = "REVIEW"  # the value was checked and corrected in review
    OWNER = "OWNER"  # the unit (data owner) gave the right value
    MARGINAL_UNIT = "MARGINAL_UNIT"  # a small unit whose value is set so it does not distort totals
    DUPLICATE = "DUPLICATE"  # the value was reported twice (here or in another form)
    OTHER = "OTHER"  # anything else: the comment must say what


REASON_LABELS: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.OTHER_SOURCE: ("Annen kilde", "Other source"),
    ReasonCode.REVIEW: ("Gjennomgang i SSB", "Review at Statistics Norway"),
    ReasonCode.OWNER: ("Opplyst av enheten", "Given by the unit"),
    ReasonCode.MARGINAL_UNIT: ("Marginal enhet", "Marginal unit"),
    ReasonCode.DUPLICATE: ("Dobbeltrapportering", "Duplicate"),
    ReasonCode.OTHER: ("Annet (forklar i kommentaren)", "Other (explain in the comment)"),
}

_CELL = re.compile(r"^(?P<table>\w+)\[(?P<row>\d+)\]\.(?P<column>\w+)$")


@dataclass(frozen=True)
class FieldRef:
    """A field (``row`` None) or a table cell (``name`` = ``table.column``, 0-based ``row``)."""

    name: str
    row: int | None = None

    @property
    def key(self) -> str:
        return edit_key(self.name, self.row)


def parse_field_ref(text: str, row: int | None = None) -> FieldRef:
    """``rom_i_alt`` → a field; ``kjop[2].plasser`` (or ``kjop.plasser`` with ``row``) → a table cell."""
    found = _CELL.match(text.strip())
    if found:
        return FieldRef(f"{found['table']}.{found['column']}", int(found["row"]))
    return FieldRef(text.strip(), row)


def _reason(reason: str | ReasonCode | None) -> ReasonCode:
    allowed = ", ".join(code.value for code in ReasonCode)
    text = str(reason or "").strip().upper()
    if not text:
        raise FollowupRefused(nb=f"En endring må ha en årsakskode: en av {allowed}",
                              en=f"an edit needs a reason code: one of {allowed}")
    try:
        return ReasonCode(text)
    except ValueError:
        raise FollowupRefused(nb=f"Ukjent årsakskode {text!r}: bruk en av {allowed}",
                              en=f"unknown reason code {text!r}: use one of {allowed}") from None


def _spec(form: Form, ref: FieldRef) -> tuple[FormField, str | None]:
    """The form field (and the column name for a table cell); refuses unknown fields and columns."""
    table, _, column = ref.name.partition(".")
    try:
        spec = form.field(table)
    except NotFound:
        raise FollowupRefused(nb=f"Skjema {form.id} har ikke feltet {ref.name!r}",
                              en=f"form {form.id} has no field {ref.name!r}") from None
    if spec.type is FieldType.TABLE:
        columns = [c.name for c in spec.columns or ()]
        if column not in columns or ref.row is None:
            raise FollowupRefused(
                nb=f"{spec.name} er en tabell: oppgi celle som {spec.name}[rad].kolonne; kolonnene er "
                   f"{', '.join(columns)}",
                en=f"{spec.name} is a table: name a cell as {spec.name}[row].column; the columns are "
                   f"{', '.join(columns)}")
        return spec, column
    if column:
        raise FollowupRefused(nb=f"Skjema {form.id} har ikke feltet {ref.name!r}",
                              en=f"form {form.id} has no field {ref.name!r}")
    return spec, None


def _latest(session: Session, year: int, form: Form, unit_code: str) -> FormValues:
    if session.get(Unit, unit_code) is None:
        raise NotFound(f"no reporting unit {unit_code!r}")
    found = year_values(session, year, form.id, [unit_code])
    if not found:
        raise FollowupRefused(
            nb=f"Skjema {form.id} for {unit_code} er ikke sendt inn for {year}; bare innsendte verdier kan endres",
            en=f"form {form.id} for {unit_code} has not been submitted for {year}; only submitted values can "
               "be edited")
    if found[0].nil:
        raise FollowupRefused(
            nb=f"{unit_code} har meldt «ingenting å rapportere» på skjema {form.id}; det er ingen verdier å endre",
            en=f"{unit_code} declared 'nothing to report' on form {form.id}; there are no values to edit")
    return found[0]


def _cell(values: Mapping[str, Any], spec: FormField, column: str | None, row: int | None) -> Any:
    if column is None:
        return values.get(spec.name)
    rows = values.get(spec.name) or []
    return rows[row].get(column) if row is not None and row < len(rows) else None


def _check_row(current: FormValues, spec: FormField, row: int | None) -> None:
    rows = current.reported.get(spec.name) or []
    if row is not None and not 0 <= row < len(rows):
        raise FollowupRefused(nb=f"{spec.name} har {len(rows)} rader (0–{len(rows) - 1}); rad {row} finnes ikke",
                              en=f"{spec.name} has {len(rows)} rows (0–{len(rows) - 1}); row {row} does not exist")


def _parsed(form: Form, current: FormValues, unit: Unit, spec: FormField, column: str | None,
            row: int | None, value: object) -> Any:
    """The value typed by the catalogue, validated in the context of the other answers; refuses errors."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # an edit may remove a value (e.g. a duplicate)
    answers: dict[str, Any] = json.loads(current.submission.values_json)
    if column is None:
        answers[spec.name] = value
    else:
        rows = [dict(r) for r in answers.get(spec.name) or []]
        rows[row or 0][column] = value
        answers[spec.name] = rows
    checked = {lang: validate_values(form, answers, unit=ValidationUnit(unit.code, unit.kind, unit.population),
                                     lang=lang) for lang in ("nb", "en")}
    errors = {lang: [p.message for p in result.problems if p.severity.blocks_submission
                     and p.field_name == spec.name and (column is None or (p.row == (row or 0) + 1))]
              for lang, result in checked.items()}
    if errors["en"]:
        raise FollowupRefused(nb="; ".join(errors["nb"]), en="; ".join(errors["en"]))
    return _json_ready(_cell(checked["en"].values, spec, column, row))


def _json_ready(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _control_result(session: Session, result_id: int | None, unit_code: str) -> int | None:
    if result_id is None:
        return None
    result = session.get(ControlResult, result_id)
    if result is None or result.unit_code != unit_code:
        raise FollowupRefused(nb=f"Kontrollresultat {result_id} finnes ikke for {unit_code}",
                              en=f"control result {result_id} does not exist for {unit_code}")
    return result.id


def edit_value(session: Session, principal: Principal, *, year: int, form_id: str, unit_code: str, field: str,
               row: int | None = None, value: object, reason: str | ReasonCode | None, comment: str = "",
               control_result_id: int | None = None) -> Edit:
    """Store a statistician's value for one field of a unit's latest submission, with reason and comment.

    Raises AccessDenied for anyone but a statistician; FollowupRefused (a UsageError) for a missing
    or unknown reason code, an unknown field, a value of the wrong type, a form never submitted, or
    a value equal to the current one; NotFound for an unknown form or unit.
    """
    require_role(principal, Role.STATISTICIAN)
    code = _reason(reason)
    comment = comment.strip()
    if code is ReasonCode.OTHER and not comment:
        raise FollowupRefused(nb="Årsakskode OTHER krever en kommentar som forklarer endringen",
                              en="reason code OTHER needs a comment explaining the edit")
    form = load_catalog(year).form(form_id)
    ref = parse_field_ref(field, row)
    spec, column = _spec(form, ref)
    current = _latest(session, year, form, unit_code)
    if column is not None:
        _check_row(current, spec, ref.row)
    unit = session.get(Unit, unit_code)
    assert unit is not None  # checked in _latest
    new_value = _parsed(form, current, unit, spec, column, ref.row, value)
    if new_value == _cell(current.values, spec, column, ref.row):
        raise FollowupRefused(nb=f"{ref.key} har allerede verdien {new_value!r}; ingenting å endre",
                              en=f"{ref.key} already has the value {new_value!r}; nothing to change")
    reported = _json_ready(_cell(current.reported, spec, column, ref.row))
    row_key = row_key_of(spec, current.reported.get(spec.name) or [], ref.row) if column is not None else None
    edit = Edit(year=year, form_id=form.id, unit_code=unit_code, field_name=ref.name, row=ref.row, row_key=row_key,
                submission_id=current.submission.id, version=current.submission.version,
                reported_json=json.dumps(reported, ensure_ascii=False),
                value_json=json.dumps(new_value, ensure_ascii=False), reason_code=code.value, comment=comment,
                control_result_id=_control_result(session, control_result_id, unit_code),
                created_by=principal.username)
    session.add(edit)
    session.add(AuditEvent(
        actor=principal.username, action="edit.value", object_ref=f"{year}/{form.id}/{unit_code}/{ref.key}",
        reason=f"{code.value}: {comment}" if comment else code.value,
        detail_json=json.dumps({"reported": reported, "value": new_value, "version": current.submission.version,
                                "control_result_id": edit.control_result_id}, ensure_ascii=False)))
    session.flush()
    return edit


def _newest_of_cell(session: Session, edit: Edit) -> Edit:
    """The newest edit of the cell ``edit`` names (same field and row key, or row where it has no key)."""
    query = select(Edit).where(Edit.year == edit.year, Edit.form_id == edit.form_id,
                               Edit.unit_code == edit.unit_code, Edit.field_name == edit.field_name)
    query = query.where(Edit.row_key == edit.row_key) if edit.row_key is not None else query.where(
        Edit.row.is_(None) if edit.row is None else Edit.row == edit.row)
    return session.scalars(query.order_by(Edit.created_at.desc(), Edit.id.desc()).limit(1)).one()


def _edit_in_question(session: Session, edit_id: int, of: tuple[int, str, str] | None) -> Edit:
    edit = session.get(Edit, edit_id)
    if edit is None or (of is not None and (edit.year, edit.form_id, edit.unit_code) != of):
        where = f" of form {of[1]} for {of[2]} in {of[0]}" if of is not None else ""
        raise NotFound(f"no edit {edit_id}{where}")
    if edit.kind == WITHDRAWAL or _newest_of_cell(session, edit).id != edit.id:
        raise FollowupRefused(nb=f"Endring {edit_id} er ikke lenger den gjeldende for feltet; ingenting å gjøre",
                              en=f"edit {edit_id} is no longer the newest of its field; there is nothing to do")
    return edit


def withdraw_edit(session: Session, principal: Principal, *, edit_id: int, comment: str,
                  of: tuple[int, str, str] | None = None) -> Edit:
    """Withdraw a statistician's edit (typically a stale one): the reported value stands again.

    Stored as a new edit row of kind ``withdrawal`` (nothing is deleted) and audited. ``of`` (year, form,
    unit) refuses an edit of another form. Raises AccessDenied, NotFound (no such edit) or FollowupRefused
    (no comment; the edit is not the newest of its field).
    """
    require_role(principal, Role.STATISTICIAN)
    comment = comment.strip()
    if not comment:
        raise FollowupRefused(nb="Skriv hvorfor endringen trekkes tilbake",
                              en="say why the edit is withdrawn (a comment is required)")
    edit = _edit_in_question(session, edit_id, of)
    latest = year_values(session, edit.year, edit.form_id, [edit.unit_code])
    submission = latest[0].submission if latest else None
    withdrawal = Edit(year=edit.year, form_id=edit.form_id, unit_code=edit.unit_code, field_name=edit.field_name,
                      row=edit.row, row_key=edit.row_key, kind=WITHDRAWAL,
                      submission_id=submission.id if submission else edit.submission_id,
                      version=submission.version if submission else edit.version, reported_json=edit.reported_json,
                      value_json="null", reason_code=WITHDRAWN, comment=comment, created_by=principal.username)
    session.add(withdrawal)
    key = edit_key(edit.field_name, edit.row)
    session.add(AuditEvent(actor=principal.username, action="edit.withdraw",
                           object_ref=f"{edit.year}/{edit.form_id}/{edit.unit_code}/{key}", reason=comment,
                           detail_json=json.dumps({"edit": edit.id, "value": json.loads(edit.value_json)},
                                                  ensure_ascii=False)))
    session.flush()
    return withdrawal


def reapply_edit(session: Session, principal: Principal, *, edit_id: int,
                 of: tuple[int, str, str] | None = None) -> Edit:
    """Make a stale edit again on the unit's latest version: same value, reason and comment (audited as an edit).

    Raises FollowupRefused when the edited table row is gone from the latest version, or the value already
    stands; see :func:`edit_value` for the rest.
    """
    require_role(principal, Role.STATISTICIAN)
    edit = _edit_in_question(session, edit_id, of)
    row = edit.row
    if edit.row_key is not None or edit.row is not None:
        form = load_catalog(edit.year).form(edit.form_id)
        spec = form.field(edit.field_name.partition(".")[0])
        latest = year_values(session, edit.year, edit.form_id, [edit.unit_code])
        rows = latest[0].reported.get(spec.name) or [] if latest else []
        row = row_index_of(spec, rows, edit.row_key) if edit.row_key is not None else row
        if row is None:
            raise FollowupRefused(
                nb=f"Raden {edit.row_key} finnes ikke lenger i siste versjon; endringen kan bare trekkes tilbake",
                en=f"row {edit.row_key} is no longer in the latest version; the edit can only be withdrawn")
    return edit_value(session, principal, year=edit.year, form_id=edit.form_id, unit_code=edit.unit_code,
                      field=edit.field_name, row=row, value=json.loads(edit.value_json), reason=edit.reason_code,
                      comment=edit.comment, control_result_id=edit.control_result_id)


def edits_of(session: Session, year: int, form_id: str, unit_code: str) -> list[Edit]:
    """Every edit of a unit's form, oldest first."""
    return list(session.scalars(select(Edit).where(Edit.year == year, Edit.form_id == form_id,
                                                   Edit.unit_code == unit_code).order_by(Edit.created_at, Edit.id)))
