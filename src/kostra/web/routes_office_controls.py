"""The office's control pages: run the controls, the dashboard of hits, one rule's hits, one unit's hits.

Every page has a ``.json`` twin with the same model. The charts are drawn server-side as inline SVG
(``kostra.web.charts``) and left out of the JSON, which carries the numbers they are drawn from.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kostra.catalog.forms import load_catalog
from kostra.controls import reports
from kostra.controls.reports import CountRow, Filters, Hit, RankedUnit, RunInfo
from kostra.errors import KostraError, NotFound
from kostra.store.models import Unit
from kostra.web.charts import Bar, horizontal_bars
from kostra.web.deps import Db, LangDep, OfficeUser, verify_csrf
from kostra.web.i18n import Lang, translate
from kostra.web.pages import render
from kostra.web.redirects import see_other

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
CSRF = [Depends(verify_csrf)]
FLASH = "controls_flash"  # session key: the outcome of the last button press, shown once on the dashboard
CHART_BARS = 20  # more bars than this make a chart unreadable; the tables hold the rest


class FormOption(BaseModel):
    id: str
    name_nb: str
    name_en: str


class RuleRow(BaseModel):
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
    hit_rate: float | None


class DashboardPage(BaseModel):
    year: int
    run: RunInfo | None
    runs: list[RunInfo]
    form: str | None
    severity: str | None
    forms: list[FormOption]
    severities: list[str]
    rules: list[RuleRow]
    per_form: list[CountRow]
    per_county: list[CountRow]
    ranked: list[RankedUnit]
    message: str | None = None
    message_ok: bool = True
    charts: dict[str, str] = Field(default_factory=dict, exclude=True)


class RulePage(BaseModel):
    year: int
    run: RunInfo
    rule: RuleRow | None
    rule_name: str
    hits: list[Hit]


class FormHits(BaseModel):
    form_id: str
    name_nb: str
    name_en: str
    hits: list[Hit]


class UnitPage(BaseModel):
    year: int
    unit_code: str
    unit_name: str
    unit_kind: str
    county: str | None
    runs: list[RunInfo]
    forms: list[FormHits]
    hits: int
    score: float | None


def _forms(year: int) -> list[FormOption]:
    try:
        catalog = load_catalog(year)
    except KostraError:
        return []  # a year without form definitions still shows its runs
    return [FormOption(id=f.id, name_nb=f.definition.name.nb, name_en=f.definition.name.en) for f in catalog.forms()]


def _rule_row(rule: reports.RuleHits) -> RuleRow:
    return RuleRow(**asdict(rule), hit_rate=rule.hit_rate)


def _chart(rows: list[CountRow], title: str, href: str) -> str:
    bars = [Bar(label=f"{r.key} {r.name}" if r.name != r.key else r.key, value=r.hits,
                href=href.format(key=r.key)) for r in rows[:CHART_BARS]]
    return str(horizontal_bars(bars, title=title, empty_text="–"))


def _charts(page: DashboardPage, lang: Lang) -> dict[str, str]:
    names = {f.id: (f.name_en if lang == "en" else f.name_nb) for f in page.forms}
    per_form = [CountRow(key=r.key, name=names.get(r.key, r.key), hits=r.hits, units=r.units) for r in page.per_form]
    severity = f"&severity={page.severity}" if page.severity else ""
    base = f"/office/{page.year}/controls?lang={lang}{severity}"
    if page.run is not None:
        base += f"&run={page.run.id}"
    return {
        "form": _chart(per_form, translate("controls.chart.form", lang), base + "&form={key}"),
        "county": _chart(page.per_county, translate("controls.chart.county", lang),
                         base + (f"&form={page.form}" if page.form else "") + "#county-{key}"),
    }


def _pop_flash(request: Request) -> tuple[str | None, bool]:
    flash = request.session.pop(FLASH, None)
    if not isinstance(flash, dict):
        return None, True
    return str(flash.get("text") or ""), bool(flash.get("ok", True))


def _chosen_run(session: Db, year: int, run: int | None, form: str | None) -> RunInfo | None:
    if run is not None:
        return reports.get_run(session, year, run)
    return reports.latest_run(session, year, form)


@router.get("/office/{year}/controls")
@router.get("/office/{year}/controls.json", name="controls_dashboard_json")
def dashboard(request: Request, year: int, principal: OfficeUser, session: Db, lang: LangDep,
              form: str | None = None, severity: str | None = None, run: int | None = None) -> Response:
    form = form or None
    severity = severity if severity in reports.SEVERITIES else None
    filters = Filters(form_id=form, severity=severity)
    chosen = _chosen_run(session, year, run, form)
    forms = _forms(year)
    page = DashboardPage(year=year, run=chosen, runs=reports.runs(session, year), form=form, severity=severity,
                         forms=forms, severities=list(reports.SEVERITIES), rules=[], per_form=[], per_county=[],
                         ranked=[])
    if chosen is not None:
        names = {f.id: f.name_nb for f in forms}
        page.rules = [_rule_row(r) for r in reports.hits_per_rule(session, chosen.id, filters)]
        page.per_form = reports.hits_per_form(session, chosen.id, filters, names)
        page.per_county = reports.hits_per_county(session, chosen.id, year, filters)
        page.ranked = reports.ranked_units(session, chosen.id, filters)
    page.message, page.message_ok = _pop_flash(request)
    page.charts = _charts(page, lang)
    return render(request, "office/controls/dashboard.html", page)


@router.post("/office/{year}/controls/run", dependencies=CSRF)
def run_button(request: Request, year: int, principal: OfficeUser, session: Db, lang: LangDep,
               form: Annotated[str, Form()] = "") -> Response:
    """Run every rule and statistical check (of one form, or all) and go back to the dashboard."""
    request.session[FLASH] = _run(session, year, form or None, principal.username, lang)
    target = f"/office/{year}/controls" + (f"?form={form}" if form else "")
    return see_other(request, target)


def _run(session: Db, year: int, form_id: str | None, actor: str, lang: Lang) -> dict[str, object]:
    from kostra.controls.runs import run_controls  # Polars and the statistical methods load only when pressed

    try:
        run = run_controls(session, year, form_id=form_id, actor=actor)
        session.commit()
    except KostraError as error:
        session.rollback()
        return {"ok": False, "text": f"{translate('controls.run.failed', lang)}: {error}"}
    except Exception:
        session.rollback()
        log.exception("control run of %s (form %s) failed", year, form_id or "all")
        return {"ok": False, "text": translate("controls.run.crashed", lang)}
    text = translate("controls.run.done", lang).format(id=run.id, rules=run.rules, units=run.units, hits=run.hits)
    return {"ok": True, "text": text}


@router.get("/office/{year}/controls/rules/{rule}")
@router.get("/office/{year}/controls/rules/{rule}.json", name="controls_rule_json")
def rule_page(request: Request, year: int, rule: str, principal: OfficeUser, session: Db,
              run: int | None = None, form: str | None = None) -> Response:
    chosen = _chosen_run(session, year, run, form or None)
    if chosen is None:
        raise NotFound(f"no finished control run for {year}")
    found = next((r for r in reports.hits_per_rule(session, chosen.id) if r.rule == rule), None)
    page = RulePage(year=year, run=chosen, rule=_rule_row(found) if found else None, rule_name=rule,
                    hits=reports.rule_hits(session, chosen.id, rule))
    if found is None and not page.hits:
        raise NotFound(f"rule {rule} is not in control run {chosen.id}")
    return render(request, "office/controls/rule.html", page)


def group_by_form(hits: list[Hit], forms: list[FormOption]) -> list[FormHits]:
    """Hits grouped by form, in the catalogue's order of forms (unknown forms last)."""
    order = {f.id: i for i, f in enumerate(forms)}
    names = {f.id: f for f in forms}
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.form_id, []).append(hit)
    return [FormHits(form_id=f, name_nb=names[f].name_nb if f in names else f,
                     name_en=names[f].name_en if f in names else f, hits=groups[f])
            for f in sorted(groups, key=lambda f: (order.get(f, len(order)), f))]


@router.get("/office/{year}/controls/units/{unit_code}")
@router.get("/office/{year}/controls/units/{unit_code}.json", name="controls_unit_json")
def unit_page(request: Request, year: int, unit_code: str, principal: OfficeUser, session: Db,
              run: int | None = None) -> Response:
    unit = session.get(Unit, unit_code)
    if unit is None:
        raise NotFound(f"no unit {unit_code}")
    if run is not None:
        hits = reports.run_hits(session, reports.get_run(session, year, run).id, [unit_code])
    else:
        hits = reports.current_hits(session, year, [unit_code])
    score = reports.unit_score((h.rule, h.form_id, h.fields, h.score) for h in hits)
    page = UnitPage(year=year, unit_code=unit_code, unit_name=unit.name, unit_kind=unit.kind,
                    county=reports.county_of(unit, unit_code), runs=_runs_of(session, year, hits),
                    forms=group_by_form(hits, _forms(year)), hits=len(hits), score=score)
    return render(request, "office/controls/unit.html", page)


def _runs_of(session: Db, year: int, hits: list[Hit]) -> list[RunInfo]:
    ids = {h.run_id for h in hits}
    return [r for r in reports.runs(session, year, limit=200) if r.id in ids]
