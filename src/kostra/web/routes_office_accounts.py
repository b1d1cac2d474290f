"""The office's accounts page: brutto and netto driftsutgifter per function group for a region, with the
records behind any one value (``?trace=FUNKSJON:ART&scope=kasse``). Statisticians and administrators only.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from kostra.accounts.regions import SCOPES, region_accounts
from kostra.accounts.regions import trace as trace_records
from kostra.errors import UnknownRegion, UnknownYear, UsageError
from kostra.web.charts import Bar, horizontal_bars
from kostra.web.deps import Db, LangDep, OfficeUser
from kostra.web.i18n import translate
from kostra.web.pages import error_page, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


class AccountsRow(BaseModel):
    funksjon: str
    values: dict[str, int | None]


class TraceRecord(BaseModel):
    unit: str
    form: str
    attachment: int
    line: int
    kontoklasse: str
    funksjon: str
    art: str
    reported: int
    sign: float


class AccountsTrace(BaseModel):
    funksjon: str
    art: str
    scope: str
    total: int
    records: list[TraceRecord]


class AccountsPage(BaseModel):
    year: int
    region: str
    name: str
    level: str
    arts: dict[str, str]
    scopes: list[str]
    units: int
    submitted: dict[str, int]
    rows: list[AccountsRow]
    trace: AccountsTrace | None = None
    error: str | None = None
    chart: str = ""  # inline SVG: netto driftsutgifter (kasse) of the main service groups


_TOP_GROUP = re.compile(r"^FG[KF]\d+$")


def _chart(rows: list[AccountsRow], arts: dict[str, str], title: str) -> str:
    """One bar per main service group (FGK1, FGK2, … and FGF1, …), netto where the art set has it."""
    art = "AGD1" if "AGD1" in arts else next(iter(arts))
    bars = [Bar(label=r.funksjon, value=float(r.values.get(f"kasse:{art}") or 0),
                href=f"?trace={r.funksjon}:{art}&scope=kasse#trace") for r in rows if _TOP_GROUP.match(r.funksjon)]
    return str(horizontal_bars(bars, title=title, label_width=80))


@router.get("/office/{year}/accounts")
def accounts_index(year: int, _principal: OfficeUser, region: str = "EAK") -> Response:
    return RedirectResponse(f"/office/{year}/accounts/{region.strip() or 'EAK'}", status_code=303)


@router.get("/office/{year}/accounts/{region}")
@router.get("/office/{year}/accounts/{region}.json", name="office_accounts_json")  # registered first
def accounts_page(request: Request, year: int, region: str, _principal: OfficeUser, session: Db, lang: LangDep,
                  trace: str = "", scope: str = "kasse") -> Response:
    try:
        result = region_accounts(session, year, region)
    except (UnknownRegion, UnknownYear) as missing:
        return error_page(request, 404, str(missing))
    page = AccountsPage(year=year, region=region, name=result.name, level=result.level, arts=result.arts,
                        scopes=list(SCOPES), units=len(result.units),
                        submitted={s: len(u) for s, u in result.submitted.items()},
                        rows=[AccountsRow(funksjon=r.funksjon, values=r.values) for r in result.rows])
    page.chart = _chart(page.rows, page.arts, translate("accounts.chart", lang))
    if trace:
        funksjon, _, art = trace.partition(":")
        try:
            records = trace_records(session, year, region, funksjon, art, scope)
        except UsageError as refused:
            page.error = str(refused)
            return render(request, "office/accounts.html", page, status=422)
        total = round(sum(r.reported * r.sign for r in records))
        page.trace = AccountsTrace(funksjon=funksjon, art=art, scope=scope, total=total,
                                   records=[TraceRecord(**vars(r)) for r in records])
    return render(request, "office/accounts.html", page)
