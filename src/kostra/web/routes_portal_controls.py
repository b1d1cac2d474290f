"""The municipalities' control report: what the office's latest control run found in their data.

Hits judged a submission version: when the unit has resubmitted since (its own rules are re-run at once),
hits on the older version are listed apart as superseded and not counted.

A reporter sees the hits of their own unit and of the institutions it reports for, grouped by form,
with what to do about each; another unit's reporter is refused before anything is looked up.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape
from pydantic import BaseModel
from sqlalchemy.orm import Session

from kostra.access import Principal, require_unit_access
from kostra.access.roles import owner_of
from kostra.catalog.forms import load_catalog
from kostra.controls import reports
from kostra.controls.reports import FieldRef, Hit
from kostra.controls.unit_reports import unit_hits
from kostra.errors import KostraError, NotFound
from kostra.store.models import Unit
from kostra.web.deps import Db, LangDep, PageUser
from kostra.web.formatting import format_number
from kostra.web.i18n import translate
from kostra.web.pages import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# What a unit does about a hit: errors must be corrected; warnings and notes corrected or explained.
MUST_CORRECT = frozenset({"ERROR", "FATAL"})


class ReportHit(BaseModel):
    rule: str
    severity: str
    label_nb: str
    label_en: str
    message: str
    todo: str  # "correct" or "correct_or_explain"
    fields: list[FieldRef]
    values: dict[str, object]
    version: int | None = None


class ReportGroup(BaseModel):
    form_id: str
    form_name_nb: str
    form_name_en: str
    unit_code: str
    unit_name: str
    href: str
    hits: list[ReportHit]


class ControlReportPage(BaseModel):
    year: int
    unit_code: str
    unit_name: str
    checked_at: datetime | None
    hits: int
    groups: list[ReportGroup]
    superseded: list[ReportGroup] = []


def _report_hit(hit: Hit) -> ReportHit:
    return ReportHit(rule=hit.rule, severity=hit.severity, label_nb=hit.label_nb, label_en=hit.label_en,
                     message=hit.message, todo="correct" if hit.severity in MUST_CORRECT else "correct_or_explain",
                     fields=list(hit.fields), values=hit.values, version=hit.version)


def _form_names(year: int) -> dict[str, tuple[str, str]]:
    try:
        return {f.id: (f.definition.name.nb, f.definition.name.en) for f in load_catalog(year).forms()}
    except KostraError:
        return {}


def _groups(year: int, hits: list[Hit]) -> list[ReportGroup]:
    """One group per (form, unit): each links to the form the unit corrects."""
    names = _form_names(year)
    order = {form_id: i for i, form_id in enumerate(names)}
    grouped: dict[tuple[str, str], list[Hit]] = {}
    for hit in hits:
        grouped.setdefault((hit.form_id, hit.unit_code), []).append(hit)
    groups = []
    for (form_id, unit_code), members in sorted(grouped.items(),
                                                key=lambda g: (order.get(g[0][0], len(order)), g[0][0], g[0][1])):
        name_nb, name_en = names.get(form_id, (form_id, form_id))
        groups.append(ReportGroup(form_id=form_id, form_name_nb=name_nb, form_name_en=name_en, unit_code=unit_code,
                                  unit_name=members[0].unit_name, href=f"/portal/{year}/{form_id}/{unit_code}",
                                  hits=[_report_hit(h) for h in members]))
    return groups


def _allowed_unit(session: Session, principal: Principal, unit_code: str) -> Unit:
    """The unit, once ``principal`` may see it; a stranger is refused before its existence shows."""
    unit = session.get(Unit, unit_code)
    require_unit_access(principal, unit_code, owner=owner_of(unit.kind, unit.municipality_code) if unit else None)
    if unit is None:
        raise NotFound(f"no unit {unit_code}")
    return unit


def control_report(session: Session, principal: Principal, year: int, unit_code: str) -> ControlReportPage:
    unit = _allowed_unit(session, principal, unit_code)
    found = unit_hits(session, year, reports.units_reported_by(session, unit.code))
    return ControlReportPage(year=year, unit_code=unit.code, unit_name=unit.name, checked_at=found.checked_at,
                             hits=len(found.current), groups=_groups(year, found.current),
                             superseded=_groups(year, found.superseded))


@router.get("/portal/{year}/{unit_code}/controls")
@router.get("/portal/{year}/{unit_code}/controls.json", name="control_report_json")
def control_report_page(request: Request, year: int, unit_code: str, principal: PageUser, session: Db) -> Response:
    return render(request, "portal/controls.html", control_report(session, principal, year, unit_code))


@router.get("/portal/{year}/{unit_code}/controls/summary")
def control_report_summary(year: int, unit_code: str, principal: PageUser, session: Db, lang: LangDep) -> Response:
    """A link to the report with its count of hits: the fragment the forms list loads with htmx."""
    page = control_report(session, principal, year, unit_code)
    if page.checked_at is None:
        count = translate("controls.portal.no_run", lang)
    elif page.hits:
        count = f"{format_number(page.hits)} {translate('controls.portal.hits', lang)}"
    else:
        count = translate("controls.portal.no_hits", lang)
    href = f"/portal/{year}/{unit_code}/controls"
    html = (f'<a href="{escape(href)}">{escape(translate("controls.portal.link", lang))}</a> '
            f'<span class="ctl-count" data-hits="{page.hits}">({escape(count)})</span>')
    return HTMLResponse(html)
