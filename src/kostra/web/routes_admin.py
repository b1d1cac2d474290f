"""Administration: users and reporting units (administrators), and the reporting burden (the office).

Every list and detail page has a ``.json`` twin. Every POST needs the session's CSRF token and takes an
optional ``reason`` for the audit log; a refused change re-renders the form with the entered values and the
errors in the page language (status 422), and nothing is saved.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kostra.access import admin
from kostra.access.roles import Role
from kostra.catalog.burden import field_share, form_burden, unit_minutes
from kostra.catalog.form_models import Purpose
from kostra.catalog.forms import Form as FormDefinition
from kostra.catalog.forms import load_catalog
from kostra.catalog.validation import Unit as BurdenUnit
from kostra.store.models import AuditEvent, Unit, User
from kostra.web.deps import AdminUser, Db, LangDep, OfficeUser, verify_csrf
from kostra.web.i18n import Lang, translate
from kostra.web.pages import render
from kostra.web.redirects import see_other
from kostra.web.reporting_year import current_year

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
CSRF = [Depends(verify_csrf)]
ROLES = [r.value for r in Role]
LIST_LIMIT = 200  # rows a list page shows; the filters find the rest
Reason = Annotated[str, Form()]


# ------------------------------------------------------------------------------------------- page models


class EventRow(BaseModel):
    at: datetime
    actor: str
    action: str
    reason: str
    detail: str


class UserRow(BaseModel):
    username: str
    display_name: str
    role: str
    unit_code: str | None
    unit_name: str | None = None
    email: str | None
    active: bool
    created_at: datetime | None


class UnitRow(BaseModel):
    code: str
    kind: str
    name: str
    orgnr: str | None
    municipality_code: str | None
    population: int | None
    email: str | None
    active: bool
    reporters: int = 0


class AdminHome(BaseModel):
    users_by_role: dict[str, int]
    inactive_users: int
    units_by_kind: dict[str, int]
    inactive_units: int
    burden_year: int


class UsersPage(BaseModel):
    users: list[UserRow]
    total: int
    filters: dict[str, str]
    roles: list[str] = ROLES
    form: dict[str, str] = Field(default_factory=dict, exclude=True)
    errors: dict[str, str] = Field(default_factory=dict, exclude=True)


class UserPage(BaseModel):
    user: UserRow
    events: list[EventRow]
    roles: list[str] = ROLES
    notice: str | None = Field(default=None, exclude=True)
    form: dict[str, str] = Field(default_factory=dict, exclude=True)
    errors: dict[str, str] = Field(default_factory=dict, exclude=True)


class UnitsPage(BaseModel):
    units: list[UnitRow]
    total: int
    filters: dict[str, str]
    kinds: list[str] = list(admin.UNIT_KINDS)
    structure_year: int | None
    form: dict[str, str] = Field(default_factory=dict, exclude=True)
    errors: dict[str, str] = Field(default_factory=dict, exclude=True)


class UnitPage(BaseModel):
    unit: UnitRow
    users: list[UserRow]
    events: list[EventRow]
    notice: str | None = Field(default=None, exclude=True)
    form: dict[str, str] = Field(default_factory=dict, exclude=True)
    errors: dict[str, str] = Field(default_factory=dict, exclude=True)


# ------------------------------------------------------------------------------------------- helpers


def _message(error: admin.AdminError, lang: Lang) -> str:
    """The error in the page language; the service's English text when no translation exists."""
    template = translate(f"admin.error.{error.code}", lang)
    if template == f"admin.error.{error.code}":
        return str(error)
    params = dict(error.params)
    if "kind" in params:
        params["kind"] = translate(f"admin.kind.{params['kind']}", lang).lower()
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return str(error)


def _event_rows(session: Session, object_ref: str) -> list[EventRow]:
    return [EventRow(at=e.at, actor=e.actor, action=e.action, reason=e.reason, detail=_detail_text(e))
            for e in admin.audit_events_of(session, object_ref)]


def _detail_text(event: AuditEvent) -> str:
    try:
        detail = json.loads(event.detail_json or "{}")
    except json.JSONDecodeError:
        return event.detail_json
    parts = []
    for key, value in sorted(detail.items()):
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{key}: {_plain(value[0])} → {_plain(value[1])}")
        else:
            parts.append(f"{key}: {_plain(value)}")
    return "; ".join(parts)


def _plain(value: object) -> str:
    return "–" if value is None or value == "" else str(value)


def _user_row(user: User, unit_names: dict[str, str] | None = None) -> UserRow:
    return UserRow(username=user.username, display_name=user.display_name, role=user.role,
                   unit_code=user.unit_code, unit_name=(unit_names or {}).get(user.unit_code or ""),
                   email=user.email, active=user.active, created_at=user.created_at)


def _unit_row(unit: Unit, reporters: dict[str, int] | None = None) -> UnitRow:
    return UnitRow(code=unit.code, kind=unit.kind, name=unit.name, orgnr=unit.orgnr,
                   municipality_code=unit.municipality_code, population=unit.population, email=unit.email,
                   active=unit.active, reporters=(reporters or {}).get(unit.code, 0))


def _unit_names(session: Session, codes: Sequence[str | None]) -> dict[str, str]:
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    return {code: name for code, name in session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(wanted)))}


def _active_filter(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _text(data: FormData, name: str) -> str:
    return str(data.get(name) or "").strip()


def _redirect(request: Request, url: str) -> Response:
    return see_other(request, url)


def _attempt(session: Session, lang: Lang, change: Callable[[], object]) -> dict[str, str]:
    """Run a change; on a broken rule roll back and return ``{field: message}`` in the page language."""
    try:
        change()
    except admin.AdminError as error:
        session.rollback()
        return {error.field: _message(error, lang)}
    session.commit()
    return {}


# ------------------------------------------------------------------------------------------- start page


@router.get("/admin")
@router.get("/admin.json", name="admin_home_json")
def admin_home(request: Request, principal: AdminUser, session: Db) -> Response:
    roles = Counter(r for r, in session.execute(select(User.role).where(User.active.is_(True))))
    kinds = Counter(k for k, in session.execute(select(Unit.kind).where(Unit.active.is_(True))))
    model = AdminHome(
        users_by_role={role: roles.get(role, 0) for role in ROLES},
        inactive_users=session.scalar(select(func.count(User.id)).where(User.active.is_(False))) or 0,
        units_by_kind={kind: kinds.get(kind, 0) for kind in admin.UNIT_KINDS},
        inactive_units=session.scalar(select(func.count()).select_from(Unit).where(Unit.active.is_(False))) or 0,
        burden_year=current_year(request),
    )
    return render(request, "admin/index.html", model)


# ------------------------------------------------------------------------------------------- users


def _users_page(session: Session, role: str, unit: str, active: str, q: str) -> UsersPage:
    chosen_role = role if role in ROLES else None
    found = admin.list_users(session, role=chosen_role, unit_code=unit or None, active=_active_filter(active),
                             query=q or None)
    shown = found[:LIST_LIMIT]
    names = _unit_names(session, [u.unit_code for u in shown])
    return UsersPage(users=[_user_row(u, names) for u in shown], total=len(found),
                     filters={"role": chosen_role or "", "unit": unit, "active": active, "q": q})


@router.get("/admin/users")
@router.get("/admin/users.json", name="admin_users_json")
def users_list(request: Request, principal: AdminUser, session: Db, role: str = "", unit: str = "",
               active: str = "", q: str = "") -> Response:
    return render(request, "admin/users.html", _users_page(session, role, unit, active, q))


@router.post("/admin/users", dependencies=CSRF)
async def users_create(request: Request, principal: AdminUser, session: Db, lang: LangDep) -> Response:
    data = await request.form()
    form = {key: _text(data, key) for key in ("username", "display_name", "role", "unit_code", "email", "reason")}
    password = str(data.get("password") or "")
    errors: dict[str, str] = {}
    if password != str(data.get("password_repeat") or ""):
        errors["password"] = translate("admin.error.password_mismatch", lang)
    else:
        errors = _attempt(session, lang, lambda: admin.add_user(
            session, principal.username, username=form["username"], password=password, role=form["role"],
            unit_code=form["unit_code"], display_name=form["display_name"], email=form["email"],
            reason=form["reason"]))
    if not errors:
        return _redirect(request, f"/admin/users/{form['username']}?done=created")
    page = _users_page(session, "", "", "", "")
    page.form, page.errors = form, errors
    return render(request, "admin/users.html", page, status=422)


def _user_page(session: Session, username: str, notice: str | None = None) -> UserPage:
    user = admin.get_user(session, username)
    return UserPage(user=_user_row(user, _unit_names(session, [user.unit_code])),
                    events=_event_rows(session, f"user/{user.username}"), notice=notice)


@router.get("/admin/users/{username}")
@router.get("/admin/users/{username}.json", name="admin_user_json")
def user_view(request: Request, username: str, principal: AdminUser, session: Db, done: str = "") -> Response:
    return render(request, "admin/user.html", _user_page(session, username, f"admin.done.{done}" if done else None))


@router.post("/admin/users/{username}", dependencies=CSRF)
async def user_update(request: Request, username: str, principal: AdminUser, session: Db,
                      lang: LangDep) -> Response:
    user = admin.get_user(session, username)
    data = await request.form()
    form = {key: _text(data, key) for key in ("display_name", "role", "unit_code", "email", "reason")}
    form["active"] = "yes" if data.get("active") == "yes" else ""
    before = admin.audit_events_of(session, f"user/{user.username}", limit=1)
    errors = _attempt(session, lang, lambda: admin.update_user(
        session, principal.username, username, role=form["role"], unit_code=form["unit_code"],
        display_name=form["display_name"], email=form["email"], active=form["active"] == "yes",
        reason=form["reason"]))
    if not errors:
        after = admin.audit_events_of(session, f"user/{username}", limit=1)
        return _redirect(request, f"/admin/users/{username}?done={'saved' if after != before else 'unchanged'}")
    page = _user_page(session, username)
    page.form, page.errors = form, errors
    return render(request, "admin/user.html", page, status=422)


@router.post("/admin/users/{username}/password", dependencies=CSRF)
async def user_password(request: Request, username: str, principal: AdminUser, session: Db,
                        lang: LangDep) -> Response:
    admin.get_user(session, username)
    data = await request.form()
    password, reason = str(data.get("password") or ""), _text(data, "reason")
    if password != str(data.get("password_repeat") or ""):
        errors = {"password": translate("admin.error.password_mismatch", lang)}
    else:
        errors = _attempt(session, lang, lambda: admin.set_password(session, principal.username, username,
                                                                    password, reason=reason))
    if not errors:
        return _redirect(request, f"/admin/users/{username}?done=password")
    page = _user_page(session, username)
    page.form, page.errors = {"password_reason": reason}, {f"new_{k}": v for k, v in errors.items()}
    return render(request, "admin/user.html", page, status=422)


# ------------------------------------------------------------------------------------------- units


def _units_page(session: Session, kind: str, active: str, q: str, municipality: str) -> UnitsPage:
    chosen_kind = kind if kind in admin.UNIT_KINDS else None
    found = admin.list_units(session, kind=chosen_kind, active=_active_filter(active), query=q or None,
                             municipality_code=municipality or None)
    shown = found[:LIST_LIMIT]
    reporters = admin.reporters_of(session, [u.code for u in shown])
    return UnitsPage(units=[_unit_row(u, reporters) for u in shown], total=len(found),
                     filters={"kind": chosen_kind or "", "active": active, "q": q, "municipality": municipality},
                     structure_year=admin.structure_year(session))


@router.get("/admin/units")
@router.get("/admin/units.json", name="admin_units_json")
def units_list(request: Request, principal: AdminUser, session: Db, kind: str = "", active: str = "",
               q: str = "", municipality: str = "") -> Response:
    return render(request, "admin/units.html", _units_page(session, kind, active, q, municipality))


@router.post("/admin/units", dependencies=CSRF)
async def units_create(request: Request, principal: AdminUser, session: Db, lang: LangDep) -> Response:
    data = await request.form()
    keys = ("code", "kind", "name", "orgnr", "municipality_code", "email", "population", "reason")
    form = {key: _text(data, key) for key in keys}
    errors = _attempt(session, lang, lambda: admin.add_unit(
        session, principal.username, code=form["code"], kind=form["kind"], name=form["name"], orgnr=form["orgnr"],
        municipality_code=form["municipality_code"], email=form["email"], population=form["population"],
        reason=form["reason"]))
    if not errors:
        code = form["code"].replace(" ", "")
        return _redirect(request, f"/admin/units/{code}?done=created")
    page = _units_page(session, "", "", "", "")
    page.form, page.errors = form, errors
    return render(request, "admin/units.html", page, status=422)


def _unit_page(session: Session, code: str, notice: str | None = None) -> UnitPage:
    unit = admin.get_unit(session, code)
    members = admin.list_users(session, unit_code=unit.code)
    return UnitPage(unit=_unit_row(unit, admin.reporters_of(session, [unit.code])),
                    users=[_user_row(u) for u in members], events=_event_rows(session, f"unit/{unit.code}"),
                    notice=notice)


@router.get("/admin/units/{code}")
@router.get("/admin/units/{code}.json", name="admin_unit_json")
def unit_view(request: Request, code: str, principal: AdminUser, session: Db, done: str = "") -> Response:
    return render(request, "admin/unit.html", _unit_page(session, code, f"admin.done.{done}" if done else None))


@router.post("/admin/units/{code}", dependencies=CSRF)
async def unit_update(request: Request, code: str, principal: AdminUser, session: Db, lang: LangDep) -> Response:
    unit = admin.get_unit(session, code)
    data = await request.form()
    form = {key: _text(data, key) for key in ("name", "orgnr", "municipality_code", "email", "population", "reason")}
    changes: dict[str, Any] = {"name": form["name"], "email": form["email"], "population": form["population"]}
    if unit.kind == "institution":
        changes["municipality_code"] = form["municipality_code"]
    else:
        changes["orgnr"] = form["orgnr"]
    before = admin.audit_events_of(session, f"unit/{code}", limit=1)
    errors = _attempt(session, lang, lambda: admin.update_unit(session, principal.username, code,
                                                               reason=form["reason"], **changes))
    if not errors:
        after = admin.audit_events_of(session, f"unit/{code}", limit=1)
        return _redirect(request, f"/admin/units/{code}?done={'saved' if after != before else 'unchanged'}")
    page = _unit_page(session, code)
    page.form, page.errors = form, errors
    return render(request, "admin/unit.html", page, status=422)


@router.post("/admin/units/{code}/deactivate", dependencies=CSRF)
def unit_deactivate(request: Request, code: str, principal: AdminUser, session: Db, reason: Reason = "") -> Response:
    admin.deactivate_unit(session, principal.username, code, reason=reason)
    session.commit()
    return _redirect(request, f"/admin/units/{code}?done=deactivated")


@router.post("/admin/units/{code}/activate", dependencies=CSRF)
def unit_activate(request: Request, code: str, principal: AdminUser, session: Db, reason: Reason = "") -> Response:
    admin.update_unit(session, principal.username, code, active=True, reason=reason)
    session.commit()
    return _redirect(request, f"/admin/units/{code}?done=activated")


# ------------------------------------------------------------------------------------------- burden

PURPOSES = [p.value for p in Purpose] + ["attachment"]
# Fields never published in any form: used only to check, to guide, or passed on to another agency.
# Calculation bases are not counted: published figures are computed from them.
UNPUBLISHED = (Purpose.CONTROL_ONLY.value, Purpose.GUIDANCE.value, Purpose.OTHER_AGENCY.value)


class BurdenRow(BaseModel):
    form_id: str
    name_nb: str
    name_en: str
    delivery: str
    fields: int
    unit_kinds: list[str]
    units: int
    minutes_median: float | None
    minutes_min: float | None
    minutes_max: float | None
    minutes_mean: float
    total_minutes: float
    total_hours: float
    purpose_minutes: dict[str, float]
    purpose_hours: dict[str, float]
    unpublished_minutes: float
    unpublished_hours: float
    unpublished_share: float | None


class ChartSegment(BaseModel):
    purpose: str
    x: float
    width: float
    hours: float


class ChartBar(BaseModel):
    form_id: str
    y: float
    hours: float
    end: float
    segments: list[ChartSegment]


class BurdenChart(BaseModel):
    width: int
    height: int
    label_width: int
    bars: list[ChartBar]


class BurdenPage(BaseModel):
    year: int
    purposes: list[str] = PURPOSES
    unpublished_purposes: list[str] = list(UNPUBLISHED)
    forms: list[BurdenRow]
    units: int
    total_hours: float
    purpose_hours: dict[str, float]
    unpublished_hours: float
    unpublished_share: float | None
    chart: BurdenChart = Field(exclude=True)


def _burden_units(session: Session) -> tuple[BurdenUnit, ...]:
    rows = session.execute(select(Unit.code, Unit.kind, Unit.population).where(Unit.active.is_(True))
                           .order_by(Unit.code))
    return tuple(BurdenUnit(code=code, kind=kind, population=population) for code, kind, population in rows)


@lru_cache(maxsize=8)
def _burden_rows(year: int, units: tuple[BurdenUnit, ...]) -> tuple[BurdenRow, ...]:
    """The rows for one year and one set of units; kept, since units change seldom and the sums take a second."""
    return tuple(_burden_row(form, units) for form in load_catalog(year).forms())


def _purpose_minutes(form: FormDefinition, units: Sequence[BurdenUnit]) -> dict[str, float]:
    """Minutes over ``units`` by field purpose (plus the file attachment), from the same shares as
    ``kostra.catalog.burden`` uses, so the parts add up to its total."""
    minutes = dict.fromkeys(PURPOSES, 0.0)
    attachment = form.definition.attachment
    # A field's share depends only on the unit's kind and population: compute once per pair.
    alike = Counter((u.kind, u.population) for u in units)
    for (kind, population), count in alike.items():
        unit = BurdenUnit(code="", kind=kind, population=population)
        if unit_minutes(form, unit) <= 0:
            continue
        for spec in form.fields():
            minutes[spec.purpose.value] += count * spec.minutes * field_share(form, spec.id, unit)
        if attachment is not None:
            minutes["attachment"] += count * attachment.minutes
    return minutes


def _burden_row(form: FormDefinition, units: Sequence[BurdenUnit]) -> BurdenRow:
    kinds = [k.value for k in form.definition.unit_kinds]
    reporting = [u for u in units if u.kind in kinds]
    burden = form_burden(form, reporting)
    per_unit = sorted(m for m in burden.per_unit.values() if m > 0)
    by_purpose = _purpose_minutes(form, reporting)
    unpublished = sum(by_purpose[p] for p in UNPUBLISHED)
    return BurdenRow(
        form_id=form.id, name_nb=form.definition.name.nb, name_en=form.definition.name.en,
        delivery=form.definition.delivery.value, fields=len(form.fields()), unit_kinds=kinds, units=burden.units,
        minutes_median=round(statistics.median(per_unit), 1) if per_unit else None,
        minutes_min=per_unit[0] if per_unit else None, minutes_max=per_unit[-1] if per_unit else None,
        minutes_mean=burden.minutes_per_unit, total_minutes=burden.minutes, total_hours=burden.hours,
        purpose_minutes={p: round(m, 2) for p, m in by_purpose.items()},
        purpose_hours={p: round(m / 60, 1) for p, m in by_purpose.items()},
        unpublished_minutes=round(unpublished, 2), unpublished_hours=round(unpublished / 60, 1),
        unpublished_share=round(unpublished / burden.minutes, 3) if burden.minutes else None,
    )


def _chart(rows: Sequence[BurdenRow], width: int = 900, label_width: int = 50, row_height: int = 22) -> BurdenChart:
    """Stacked horizontal bars (hours by purpose) per form, scaled to the largest form; geometry only."""
    room = width - label_width - 70  # leave space for the value after the longest bar
    largest = max((r.total_minutes for r in rows), default=0.0)
    scale = room / largest if largest else 0.0
    bars = []
    for index, row in enumerate(rows):
        x = float(label_width)
        segments = []
        for purpose in PURPOSES:
            part = row.purpose_minutes[purpose] * scale
            if part > 0:
                segments.append(ChartSegment(purpose=purpose, x=round(x, 1), width=round(part, 1),
                                             hours=row.purpose_hours[purpose]))
                x += part
        bars.append(ChartBar(form_id=row.form_id, y=index * row_height, hours=row.total_hours, end=round(x, 1),
                             segments=segments))
    return BurdenChart(width=width, height=max(len(rows), 1) * row_height, label_width=label_width, bars=bars)


@router.get("/office/{year}/burden")
@router.get("/office/{year}/burden.json", name="office_burden_json")
def burden_page(request: Request, year: int, principal: OfficeUser, session: Db) -> Response:
    units = _burden_units(session)
    rows = [row.model_copy(deep=True) for row in _burden_rows(year, units)]
    total_minutes = sum(r.total_minutes for r in rows)
    purpose_minutes = {p: sum(r.purpose_minutes[p] for r in rows) for p in PURPOSES}
    unpublished = sum(r.unpublished_minutes for r in rows)
    model = BurdenPage(
        year=year, forms=rows, units=len(units), total_hours=round(total_minutes / 60, 1),
        purpose_hours={p: round(m / 60, 1) for p, m in purpose_minutes.items()},
        unpublished_hours=round(unpublished / 60, 1),
        unpublished_share=round(unpublished / total_minutes, 3) if total_minutes else None,
        chart=_chart(rows),
    )
    return render(request, "office/burden.html", model)
