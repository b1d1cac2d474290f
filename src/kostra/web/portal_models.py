"""Page models of the reporting portal, built from the intake services' results.

Each page's model is what the HTML template shows and what the ``.json`` twin returns.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from pydantic import BaseModel

from kostra.catalog.form_models import FieldType, FormField
from kostra.catalog.validation import Problem
from kostra.reporting.overview import FormRow
from kostra.reporting.submissions import FormState, problem_key
from kostra.store.models import Submission

__all__ = [
    "FieldView",
    "FormPage",
    "FormsPage",
    "ProblemView",
    "ReceiptPage",
    "ReceiptView",
    "form_page",
    "receipt_view",
]


class ProblemView(BaseModel):
    key: str
    field_id: str
    field_name: str
    code: str
    severity: str
    message: str
    row: int | None = None
    comment: str = ""


class OptionView(BaseModel):
    code: str
    label: str


class FieldView(BaseModel):
    id: str
    name: str
    label: str
    help: str | None
    type: str
    unit: str | None
    required: bool
    value: object = None
    prefilled: bool = False
    options: list[OptionView] = []
    columns: list[FieldView] = []
    rows: list[dict[str, object]] = []
    problems: list[ProblemView] = []


class SectionView(BaseModel):
    id: str
    title: str
    fields: list[FieldView]


class ReceiptView(BaseModel):
    receipt_id: str
    version: int
    state: str
    content_hash: str
    created_at: datetime
    created_by: str
    worst_severity: str


class RuleCount(BaseModel):
    rule: str
    severity: str
    count: int


class AttachmentView(BaseModel):
    filename: str
    sha256: str
    severity: str
    uploaded_at: datetime
    uploaded_by: str
    rules: list[RuleCount]


class FormPage(BaseModel):
    year: int
    form_id: str
    form_name: str
    delivery: str
    unit_code: str
    unit_name: str
    deadline: date
    status: str
    allows_nil: bool
    sections: list[SectionView]
    problems: list[ProblemView]
    blocking: list[ProblemView] = []
    history: list[ReceiptView]
    csrf: str = ""
    attachment_form: str | None = None
    attachment: AttachmentView | None = None


class ReceiptPage(BaseModel):
    form: FormPage
    receipt: ReceiptView
    unchanged: bool = False  # reached by a repeated submit: nothing new was submitted


class FormsPage(BaseModel):
    year: int
    unit_code: str
    unit_name: str
    forms: list[FormRow]


def _problem(problem: Problem, comments: dict[str, str]) -> ProblemView:
    key = problem_key(problem)
    return ProblemView(key=key, field_id=problem.field_id, field_name=problem.field_name, code=problem.code,
                       severity=problem.severity.name, message=problem.message, row=problem.row,
                       comment=comments.get(key, ""))


def _text(text: object, lang: str) -> str:
    return getattr(text, "en" if lang == "en" else "nb", "") if text is not None else ""


def _field(spec: FormField, state: FormState, problems: list[ProblemView], lang: str) -> FieldView:
    value = state.values.get(spec.name)
    view = FieldView(
        id=spec.id, name=spec.name, label=_text(spec.label, lang), help=_text(spec.help, lang) or None,
        type=spec.type.value, unit=spec.unit, required=spec.required, value=value,
        prefilled=spec.name in state.prefill,
        options=[OptionView(code=o.code, label=_text(o.label, lang)) for o in spec.options or ()],
        problems=[p for p in problems if p.field_name == spec.name or p.field_id == spec.id],
    )
    if spec.type is FieldType.TABLE:
        rows = value if isinstance(value, list) else []
        view.rows = [dict(r) for r in rows if isinstance(r, dict)]
        view.columns = [FieldView(id=c.name, name=c.name, label=_text(c.label, lang), help=None, type=c.type.value,
                                  unit=c.unit, required=c.required,
                                  options=[OptionView(code=o.code, label=_text(o.label, lang))
                                           for o in c.options or ()])
                        for c in spec.columns or ()]
    return view


def receipt_view(submission: Submission) -> ReceiptView:
    return ReceiptView(receipt_id=submission.receipt_id, version=submission.version, state=submission.state,
                       content_hash=submission.content_hash, created_at=submission.created_at,
                       created_by=submission.created_by, worst_severity=submission.worst_severity)


def form_page(state: FormState, lang: str, *, csrf: str = "", blocking: list[Problem] | None = None) -> FormPage:
    """The fill-in page of one form for one unit."""
    problems = [_problem(p, state.comments) for p in state.problems]
    definition = state.form.definition
    sections = [SectionView(id=s.id, title=_text(s.title, lang),
                            fields=[_field(f, state, problems, lang) for f in s.fields])
                for s in definition.sections]
    return FormPage(
        year=state.year, form_id=state.form.id, form_name=_text(definition.name, lang),
        delivery=definition.delivery.value, unit_code=state.unit.code, unit_name=state.unit.name,
        deadline=definition.deadline, status=state.status.value, allows_nil=definition.allows_nil,
        sections=sections, problems=problems,
        blocking=[_problem(p, state.comments) for p in blocking or []],
        history=[receipt_view(s) for s in state.history], csrf=csrf,
        attachment_form=definition.attachment.form if definition.attachment else None,
        attachment=_attachment(state),
    )


def _attachment(state: FormState) -> AttachmentView | None:
    kept = state.attachment
    if kept is None:
        return None
    counts: dict[tuple[str, str], int] = {}
    for entry in json.loads(kept.report_json).get("reportEntries", []):
        key = (str(entry.get("ruleName", "")), str(entry.get("severity", "")))
        counts[key] = counts.get(key, 0) + 1
    rules = [RuleCount(rule=r, severity=sev, count=n) for (r, sev), n in sorted(counts.items())]
    return AttachmentView(filename=kept.filename, sha256=kept.sha256, severity=kept.severity,
                          uploaded_at=kept.uploaded_at, uploaded_by=kept.uploaded_by, rules=rules)
