"""Filling in, saving, submitting and correcting forms: the reporting portal's services.

A unit's answers live in one mutable draft while being filled in; submitting (or declaring
"nothing to report") appends an immutable, versioned submission with a receipt. Corrections after
submission start from the latest version and submit a new one; nothing reported is ever updated.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from dataclasses import replace as replace_state
from enum import StrEnum
from typing import Any

import polars as pl
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kostra.access.roles import Principal, owner_of, require_unit_access
from kostra.catalog.forms import Form, load_catalog
from kostra.catalog.validation import Problem, Unit, Validated, validate_values
from kostra.controls.filecheck.model import Severity
from kostra.controls.form_rules import form_rule_problems
from kostra.dataset.previous import last_year_reform, previous_year_values
from kostra.dataset.reform import ReformKind
from kostra.errors import KostraError, NotFound, UsageError
from kostra.reporting.attachments import latest_attachment
from kostra.reporting.versions import Idempotency, add_next_version, earlier_submission
from kostra.store.models import Attachment, AuditEvent, Draft, Submission, utcnow
from kostra.store.models import Unit as UnitRow

log = logging.getLogger(__name__)

__all__ = [
    "FormState",
    "FormStatus",
    "NothingChanged",
    "SubmissionBlocked",
    "declare_nil",
    "form_state",
    "save_draft",
    "submit",
]

class FormStatus(StrEnum):
    """Reporting status of one form for one unit (as on the status board)."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SUBMITTED_WITH_WARNINGS = "submitted_with_warnings"
    NIL = "nil"
    APPROVED = "approved"


class SubmissionBlocked(KostraError):
    """Submission refused: errors remain, or warnings lack a comment or confirmation."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) must be fixed or explained before submitting")


class NothingChanged(UsageError):
    """Submitting what the latest version already holds (a repeated click, a resent form).

    ``version`` and ``receipt_id`` name that version: a page shows its receipt instead of an error."""

    def __init__(self, latest: Submission) -> None:
        self.year, self.form_id, self.unit_code = latest.year, latest.form_id, latest.unit_code
        self.version, self.receipt_id = latest.version, latest.receipt_id
        super().__init__(f"nothing has changed since the last submission (version {latest.version}, receipt "
                         f"{latest.receipt_id})")


@dataclass
class FormState:
    """Everything a page or the API shows about one form of one unit."""

    year: int
    form: Form
    unit: UnitRow
    values: dict[str, object]
    validated: Validated
    status: FormStatus
    comments: dict[str, str] = field(default_factory=dict)
    latest: Submission | None = None
    history: list[Submission] = field(default_factory=list)
    prefill: dict[str, object] = field(default_factory=dict)
    attachment: Attachment | None = None
    draft: Draft | None = field(default=None, repr=False)
    prefill_all: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def problems(self) -> list[Problem]:
        return self.validated.problems


def _unit(session: Session, principal: Principal, unit_code: str, *, write: bool) -> UnitRow:
    unit = session.get(UnitRow, unit_code)
    if unit is None:
        # Same answer as for another unit's report: reveal nothing about what exists.
        require_unit_access(principal, unit_code, write=write)
        raise NotFound(f"no reporting unit {unit_code!r}")
    require_unit_access(principal, unit.code, owner=owner_of(unit.kind, unit.municipality_code), write=write)
    return unit


def _form(year: int, form_id: str, unit: UnitRow) -> Form:
    form = load_catalog(year).form(form_id)
    kinds = {k.value for k in form.definition.unit_kinds}
    if unit.kind not in kinds:
        raise NotFound(f"form {form_id} is not reported by {unit.kind} units such as {unit.code}")
    return form


def _check(form: Form, values: Mapping[str, object], unit: UnitRow, year: int, lang: str) -> Validated:
    validation_unit = Unit(code=unit.code, kind=unit.kind, population=unit.population)
    validated = validate_values(form, values, unit=validation_unit, lang=lang)
    validated.problems.extend(form_rule_problems(form, validated.values, validation_unit, year, lang))
    return validated


def _submissions(session: Session, year: int, form_id: str, unit_code: str) -> list[Submission]:
    return list(session.scalars(
        select(Submission)
        .where(Submission.year == year, Submission.form_id == form_id, Submission.unit_code == unit_code)
        .order_by(Submission.version.desc())
    ))


def _status(latest: Submission | None, draft: Draft | None) -> FormStatus:
    if draft is not None and (latest is None or _aware_later(draft, latest)):
        return FormStatus.DRAFT
    if latest is None:
        return FormStatus.NOT_STARTED
    return FormStatus(latest.state)


def _aware_later(draft: Draft, latest: Submission) -> bool:
    return draft.updated_at.replace(tzinfo=None) > latest.created_at.replace(tzinfo=None)


def _prefill(session: Session, year: int, form: Form, unit_code: str) -> dict[str, object]:
    """Last year's submitted answers to the fields marked as pre-filled, in this year's region structure: a
    renumbered municipality gets its old code's answers, a merger the sums of its predecessors' additive
    answers (``kostra.dataset.previous_year_values``), a split part or a new unit nothing."""
    names = {f.name for f in form.fields() if f.prefilled}
    reform = last_year_reform(year)
    link = reform.link(unit_code) if reform is not None else None
    if link is not None and link.kind is ReformKind.MERGE:
        rows = previous_year_values(session, year, forms=[form.id], units=[unit_code]).filter(
            pl.col("status").is_in(["reported", "edited"]) & pl.col("field_name").is_in(sorted(names)))
        return {r["field_name"]: _typed(r) for r in rows.to_dicts()}
    if link is not None and not link.comparable:
        return {}
    previous = _submissions(session, year - 1, form.id, link.predecessors[0] if link is not None else unit_code)
    if not previous or previous[0].state == FormStatus.NIL:
        return {}
    values = json.loads(previous[0].values_json)
    return {name: value for name, value in values.items() if name in names}


def _typed(row: Mapping[str, Any]) -> object:
    if row["value_bool"] is not None:
        return bool(row["value_bool"])
    number = row["value_number"]
    if number is not None:
        return int(number) if float(number).is_integer() else row["value_text"]
    return row["value_text"]


def problem_key(problem: Problem) -> str:
    """Stable key a comment on a warning is stored under."""
    row = f"[{problem.row}]" if problem.row else ""
    return f"{problem.field_name or problem.field_id}{row}:{problem.code}"


def form_state(session: Session, principal: Principal, *, year: int, form_id: str, unit_code: str,
               lang: str = "nb", write: bool = False) -> FormState:
    """The current answers, problems, status and history of one form for one unit.

    ``write``: the caller is about to change the form (upload, submit), which only the unit's reporter may.
    """
    return _load(session, principal, year=year, form_id=form_id, unit_code=unit_code, lang=lang, validate=True,
                 write=write)


def _load(session: Session, principal: Principal, *, year: int, form_id: str, unit_code: str, lang: str,
          validate: bool, write: bool) -> FormState:
    """The stored state; answers are checked only when ``validate`` (saving needs only what is stored)."""
    unit = _unit(session, principal, unit_code, write=write)
    form = _form(year, form_id, unit)
    draft = _draft(session, year, form_id, unit_code)
    history = _submissions(session, year, form_id, unit_code)
    latest = history[0] if history else None
    prefill = _prefill(session, year, form, unit_code)
    if draft is not None:
        values = json.loads(draft.values_json)
        comments = json.loads(draft.confirmed_json).get("comments", {})
        confirmed = set(json.loads(draft.confirmed_json).get("prefill_confirmed", []))
    elif latest is not None:
        values, comments, confirmed = json.loads(latest.values_json), json.loads(latest.comments_json), set(prefill)
    else:
        values, comments, confirmed = dict(prefill), {}, set()
    validated = _check(form, values, unit, year, lang) if validate else Validated(values)
    unconfirmed = {name: value for name, value in prefill.items() if name not in confirmed}
    attachment = latest_attachment(session, year=year, form_id=form_id, unit_code=unit_code) \
        if form.definition.attachment else None
    return FormState(year=year, form=form, unit=unit, values=values, validated=validated,
                     status=_status(latest, draft), comments=comments, latest=latest, history=history,
                     prefill=unconfirmed, attachment=attachment, draft=draft, prefill_all=prefill)


def _draft(session: Session, year: int, form_id: str, unit_code: str) -> Draft | None:
    return session.scalar(select(Draft).where(
        Draft.year == year, Draft.form_id == form_id, Draft.unit_code == unit_code))


def save_draft(session: Session, principal: Principal, *, year: int, form_id: str, unit_code: str,
               values: Mapping[str, object], comments: Mapping[str, str] | None = None,
               replace: bool = False, confirm: Iterable[str] | None = None, lang: str = "nb") -> FormState:
    """Merge ``values`` into the unit's draft (or replace it) and return the re-validated state.

    Every answer is stored as typed, even when invalid, so nothing the user wrote is lost; the
    problems tell what to fix. Pre-filled values count as confirmed when named in ``confirm`` or
    changed; with ``confirm=None`` (the API) every value sent is taken as confirmed.
    """
    state = _load(session, principal, year=year, form_id=form_id, unit_code=unit_code, lang=lang, validate=False,
                  write=True)
    merged = dict(values) if replace else {**state.values, **values}
    merged = {name: value for name, value in merged.items() if value not in (None, "")}
    draft = state.draft or Draft(
        year=year, form_id=form_id, unit_code=unit_code, updated_by=principal.username)
    confirmed = set(json.loads(draft.confirmed_json or "{}").get("prefill_confirmed", []))
    if confirm is None:
        confirmed |= {key for key in values if key in state.prefill}
    else:
        changed = {key for key in values if key in state.prefill and str(values[key]) != str(state.prefill[key])}
        confirmed |= changed | (set(confirm) & set(state.prefill))
    all_comments = {**state.comments, **(comments or {})}
    draft.values_json = json.dumps(merged, ensure_ascii=False, sort_keys=True, default=str)
    draft.confirmed_json = json.dumps({"comments": all_comments, "prefill_confirmed": sorted(confirmed)})
    draft.updated_at = utcnow()
    draft.updated_by = principal.username
    session.add(draft)
    session.flush()
    # The new state from what was just loaded and stored: saving is the portal's hot path, so the
    # form is not read back from the database.
    unconfirmed = {name: value for name, value in state.prefill_all.items() if name not in confirmed}
    return replace_state(state, values=merged, validated=_check(state.form, merged, state.unit, year, lang),
                         status=FormStatus.DRAFT, comments=all_comments, prefill=unconfirmed, draft=draft)


def blocking_problems(state: FormState, comments: Mapping[str, str], confirm_warnings: bool,
                      lang: str = "nb") -> list[Problem]:
    """Problems that stop submission: errors, unexplained warnings, unconfirmed pre-filled values."""
    blocking = [p for p in state.problems if p.severity.blocks_submission]
    if not confirm_warnings:
        blocking += [p for p in state.problems if p.severity == Severity.WARNING
                     and not comments.get(problem_key(p), "").strip()]
    blocking += [Problem(name, name, "prefill_unconfirmed", Severity.ERROR, _prefill_message(name, lang))
                 for name in state.prefill]
    return blocking + _attachment_problems(state, lang)


def _attachment_problems(state: FormState, lang: str) -> list[Problem]:
    """A file form needs a controlled attachment without errors before it can be submitted."""
    spec = state.form.definition.attachment
    if spec is None:
        return []
    if state.attachment is None:
        text = (f"Attach the {spec.form} file before submitting" if lang == "en"
                else f"Last opp {spec.form}-filen før innsending")
        return [Problem("", "", "attachment_missing", Severity.ERROR, text)]
    if Severity[state.attachment.severity].blocks_submission:
        text = (f"The file {state.attachment.filename} has errors: correct it and upload it again" if lang == "en"
                else f"Filen {state.attachment.filename} har feil: rett den og last den opp på nytt")
        return [Problem("", "", "attachment_errors", Severity.ERROR, text)]
    return []


def _prefill_message(name: str, lang: str) -> str:
    if lang == "en":
        return f"The value of {name!r} is pre-filled from last year: confirm it or change it"
    return f"Verdien i {name!r} er forhåndsutfylt fra i fjor: bekreft eller endre den"


def submit(session: Session, principal: Principal, *, year: int, form_id: str, unit_code: str,
           comments: Mapping[str, str] | None = None, confirm_warnings: bool = False,
           lang: str = "nb", recontrol: bool = True, idempotency: Idempotency | None = None) -> Submission:
    """Submit the current answers as a new version; raises SubmissionBlocked listing what to fix.

    With ``recontrol`` the unit's own rules of the form are re-run at once on the new version
    (``kostra.controls.unit_runs``), so its control report shows only hits on what it submitted now.
    With ``idempotency``, a request repeated with the same key answers with the submission it made
    (raises IdempotencyConflict when the key came with another request).
    """
    state = form_state(session, principal, year=year, form_id=form_id, unit_code=unit_code, lang=lang, write=True)
    earlier = earlier_submission(session, principal.username, idempotency) if idempotency else None
    if earlier is not None:
        return earlier
    unchanged = _draft(session, year, form_id, unit_code) is None and (
        state.attachment is None or state.latest is None
        or state.attachment.uploaded_at.replace(tzinfo=None) <= state.latest.created_at.replace(tzinfo=None))
    if state.status in (FormStatus.SUBMITTED, FormStatus.SUBMITTED_WITH_WARNINGS, FormStatus.NIL) and unchanged:
        assert state.latest is not None
        raise NothingChanged(state.latest)
    all_comments = {**state.comments, **(comments or {})}
    blocking = blocking_problems(state, all_comments, confirm_warnings, lang)
    if blocking:
        raise SubmissionBlocked(blocking)
    warned = any(p.severity == Severity.WARNING for p in state.problems)
    status = FormStatus.SUBMITTED_WITH_WARNINGS if warned else FormStatus.SUBMITTED
    submission = _append(session, principal, state, status, state.validated.values, all_comments, idempotency)
    if recontrol:
        _recontrol(session, submission, principal.username)
    return submission


def _refuse_repeat(session: Session, state: FormState, status: FormStatus, digest: str,
                   comments: Mapping[str, str], idempotency: Idempotency | None) -> None:
    """Raise NothingChanged when the latest version holds exactly this (values, state, file and comments).

    The portal saves the page's answers as a draft before every submit, so a double click would otherwise
    append a second, identical version. Read after the draft's delete, which serialises submitters of the
    unit's form, so a click that waited for the first one sees its version. A request with an
    idempotency key has its own repeat rule: the same key answers with its submission (``add_next_version``)."""
    if idempotency is not None:
        return
    latest = session.scalar(select(Submission).where(
        Submission.year == state.year, Submission.form_id == state.form.id, Submission.unit_code == state.unit.code,
    ).order_by(Submission.version.desc()).limit(1))
    if latest is not None and (latest.content_hash, latest.state) == (digest, status.value) and \
            json.loads(latest.comments_json or "{}") == dict(comments):
        raise NothingChanged(latest)


def _recontrol(session: Session, submission: Submission, actor: str) -> None:
    """Re-run the unit's rules of the form on the new version; a failure there never loses the submission."""
    from kostra.controls.unit_runs import run_unit_controls  # Polars and the rule engine load only here

    try:
        with session.begin_nested():
            run_unit_controls(session, submission.year, form_id=submission.form_id, unit_code=submission.unit_code,
                              actor=actor)
    except Exception:  # a bug in the controls: the submission stands, the office's next run judges it
        log.exception("re-running the controls of %s failed", submission.receipt_id)


def declare_nil(session: Session, principal: Principal, *, year: int, form_id: str, unit_code: str,
                reason: str = "", lang: str = "nb", idempotency: Idempotency | None = None) -> Submission:
    """Record "nothing to report" as a new version, where the form allows it (``idempotency`` as for submit)."""
    state = form_state(session, principal, year=year, form_id=form_id, unit_code=unit_code, lang=lang, write=True)
    if not state.form.definition.allows_nil:
        raise UsageError(f"form {form_id} does not allow 'nothing to report'")
    earlier = earlier_submission(session, principal.username, idempotency) if idempotency else None
    if earlier is not None:
        return earlier
    submission = _append(session, principal, state, FormStatus.NIL, {}, {"nil": reason} if reason else {},
                         idempotency)
    _recontrol(session, submission, principal.username)
    return submission


def _append(session: Session, principal: Principal, state: FormState, status: FormStatus,
            values: Mapping[str, object], comments: Mapping[str, str],
            idempotency: Idempotency | None = None) -> Submission:
    attachment = state.attachment.sha256 if state.attachment is not None else None
    content = json.dumps({"values": values, "state": status.value, "attachment": attachment}, ensure_ascii=False,
                         sort_keys=True, default=str)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    worst = Severity.OK if status is FormStatus.NIL else state.validated.worst

    def build(version: int) -> Submission:
        return Submission(
            year=state.year, form_id=state.form.id, unit_code=state.unit.code, version=version,
            state=status.value, values_json=json.dumps(values, ensure_ascii=False, sort_keys=True, default=str),
            comments_json=json.dumps(dict(comments), ensure_ascii=False, sort_keys=True),
            worst_severity=worst.name, content_hash=digest,
            receipt_id=f"K{state.year}-{state.form.id}-{state.unit.code}-{version}-{digest[:8]}",
            attachment_id=state.attachment.id if state.attachment is not None and status is not FormStatus.NIL
            else None,
            created_by=principal.username,
            idempotency_key=idempotency.key if idempotency else None,
            request_hash=idempotency.request_hash if idempotency else None,
        )

    # The draft goes first: on SQLite this write takes the database's write lock, so the highest
    # version read next includes every submission committed before ours (and the savepoint in
    # add_next_version has an open transaction). A bulk delete: a concurrent submitter may have
    # deleted the same draft already.
    session.execute(delete(Draft).where(
        Draft.year == state.year, Draft.form_id == state.form.id, Draft.unit_code == state.unit.code))
    _refuse_repeat(session, state, status, digest, comments, idempotency)
    submission, created = add_next_version(session, build, year=state.year, form_id=state.form.id,
                                           unit_code=state.unit.code, username=principal.username,
                                           idempotency=idempotency)
    if not created:
        return submission
    session.add(AuditEvent(actor=principal.username, action=f"submission.{status.value}",
                           object_ref=f"{state.year}/{state.form.id}/{state.unit.code}/v{submission.version}",
                           detail_json=json.dumps({"receipt": submission.receipt_id, "hash": digest})))
    session.flush()
    return submission
