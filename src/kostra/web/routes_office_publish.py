"""The office's publication pages: the releases of a year with the button that makes the next one, and the
deliveries overview (bestilleroversikt: per field who receives it, whether it is published, used only for
control, or delivered, and the delivery log). Statisticians and administrators only.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel

from kostra.errors import KostraError
from kostra.publish import release_table, release_tables, releases
from kostra.publish.deliveries import deliveries, field_overview
from kostra.publish.embargo import is_public, public_from_of
from kostra.store.models import DatasetSnapshot
from kostra.web.deps import Db, LangDep, OfficeUser, verify_csrf
from kostra.web.i18n import translate
from kostra.web.pages import render
from kostra.web.redirects import see_other

__all__ = ["router"]

log = logging.getLogger("kostra.web")
router = APIRouter(include_in_schema=False)
CSRF = [Depends(verify_csrf)]
FLASH = "publish_flash"
KINDS = ("preliminary", "final", "correction")


class TableRow(BaseModel):
    table_id: str
    cells: int
    suppressed: int
    audit: dict[str, object]


class ReleaseRow(BaseModel):
    id: int
    kind: str
    created_at: str
    created_by: str
    snapshot: str
    sha256: str
    cells: int
    changed: int
    public_from: str  # ISO 8601, UTC
    embargoed: bool  # not yet public: the statbank and profile pages do not show it
    tables: list[TableRow]


class ReleasesPage(BaseModel):
    year: int
    kinds: list[str]
    releases: list[ReleaseRow]
    flash: str | None = None
    flash_ok: bool = True


class PreviewPage(BaseModel):
    """A release table as the office sees it, also under embargo (the public sees it from ``public_from``)."""

    year: int
    release_id: int
    kind: str
    table_id: str
    title: str
    public_from: str
    embargoed: bool
    columns: list[str]
    rows: list[list[str]]
    cells: int  # of the table; ``rows`` holds the first PREVIEW_ROWS


PREVIEW_ROWS = 1000


class FieldRow(BaseModel):
    form_id: str
    field_id: str
    name: str
    label: str
    purpose: str
    recipients: list[str]
    published_in: list[str]
    use: str
    delivered: dict[str, str]


class DeliveryRow(BaseModel):
    id: int
    recipient: str
    created_at: str
    created_by: str
    snapshot: str
    rows: int
    fields: int
    sha256: str


class DeliveriesPage(BaseModel):
    year: int
    fields: list[FieldRow]
    deliveries: list[DeliveryRow]


def _label(session: Db, snapshot_id: int) -> str:
    found = session.get(DatasetSnapshot, snapshot_id)
    return found.label if found else ""


@router.get("/office/{year}/releases")
@router.get("/office/{year}/releases.json", name="office_releases_json")
def releases_page(request: Request, year: int, _principal: OfficeUser, session: Db) -> Response:
    rows = [ReleaseRow(id=r.id, kind=r.kind, created_at=f"{r.created_at:%Y-%m-%d %H:%M}", created_by=r.created_by,
                       snapshot=_label(session, r.snapshot_id), sha256=r.sha256, cells=r.cells, changed=r.changed,
                       public_from=public_from_of(r).isoformat(), embargoed=not is_public(r),
                       tables=[TableRow(table_id=t.table_id, cells=t.cells, suppressed=t.suppressed,
                                        audit=json.loads(t.audit_json)) for t in release_tables(session, r.id)])
            for r in releases(session, year)]
    flash = request.session.pop(FLASH, None)
    page = ReleasesPage(year=year, kinds=list(KINDS), releases=rows[::-1])
    if isinstance(flash, dict):
        page.flash, page.flash_ok = str(flash.get("text") or ""), bool(flash.get("ok", True))
    return render(request, "office/releases.html", page)


@router.get("/office/{year}/releases/{release_id}/{table_id}")
@router.get("/office/{year}/releases/{release_id}/{table_id}.json", name="office_release_table_json")
def release_table_page(request: Request, year: int, release_id: int, table_id: str, _principal: OfficeUser,
                       session: Db, lang: LangDep) -> Response:
    """Preview of one table of a release, marked "under embargo until …" while the public cannot see it."""
    from kostra.publish.formats.common import number_texts
    from kostra.web.pages import error_page

    table_id = table_id.removesuffix(".json")
    release = next((r for r in releases(session, year) if r.id == release_id), None)
    if release is None:
        return error_page(request, 404, f"{year} has no release {release_id}")
    try:
        table = release_table(session, request.app.state.settings.home, release_id, table_id)
    except KostraError as error:
        return error_page(request, 404, str(error))
    frame = table.frame.head(PREVIEW_ROWS)
    labels = [[d.code_label(c, lang) for c in frame[d.name].to_list()] for d in table.dimensions]
    values = number_texts(frame["value"].to_list(), table.decimals)
    rows = [[*codes, value, symbol, status] for codes, value, symbol, status in
            zip(zip(*labels, strict=True), values, frame["symbol"].to_list(), frame["status"].to_list(), strict=True)]
    page = PreviewPage(year=year, release_id=release_id, kind=release.kind, table_id=table.id,
                       title=table.title.get(lang) or table.id, public_from=public_from_of(release).isoformat(),
                       embargoed=not is_public(release),
                       columns=[*(d.label.get(lang) or d.name for d in table.dimensions), "value", "symbol", "status"],
                       rows=rows, cells=table.frame.height)
    return render(request, "office/release_table.html", page)


@router.post("/office/{year}/releases", dependencies=CSRF)
def make_release_button(request: Request, year: int, principal: OfficeUser, session: Db, lang: LangDep,
                        kind: Annotated[str, Form()] = "") -> Response:
    """Make the release chosen and go back to the list; a refusal is shown with its reason."""
    from kostra.publish import make_release  # Polars and the suppression load only when pressed

    try:
        made = make_release(session, request.app.state.settings.home, year, kind, actor=principal.username)
        session.commit()
        text = translate("publish.done", lang).format(id=made.id, kind=made.kind, tables=made.tables)
        request.session[FLASH] = {"ok": True, "text": text}
    except KostraError as error:
        session.rollback()
        request.session[FLASH] = {"ok": False, "text": f"{translate('publish.refused', lang)}: {error}"}
    except Exception:
        session.rollback()
        log.exception("release %s of %s failed", kind, year)
        request.session[FLASH] = {"ok": False, "text": translate("publish.crashed", lang)}
    return see_other(request, f"/office/{year}/releases")


@router.get("/office/{year}/deliveries")
@router.get("/office/{year}/deliveries.json", name="office_deliveries_json")
def deliveries_page(request: Request, year: int, _principal: OfficeUser, session: Db, lang: LangDep) -> Response:
    try:
        overview = field_overview(session, year)
    except KostraError as error:
        from kostra.web.pages import error_page

        return error_page(request, 404, str(error))
    fields = [FieldRow(form_id=str(f["form_id"]), field_id=str(f["field_id"]), name=str(f["name"]),
                       label=f["label"][lang], purpose=str(f["purpose"]),  # type: ignore[index]
                       recipients=list(f["recipients"]), published_in=list(f["published_in"]),  # type: ignore[call-overload]
                       use=str(f["use"]),
                       delivered={r: f"{at:%Y-%m-%d}" for r, at in f["delivered"].items()})  # type: ignore[attr-defined]
              for f in overview]
    log_rows = [DeliveryRow(id=d.id, recipient=d.recipient, created_at=f"{d.created_at:%Y-%m-%d %H:%M}",
                            created_by=d.created_by, snapshot=_label(session, d.snapshot_id), rows=d.rows,
                            fields=len(json.loads(d.fields_json)), sha256=d.sha256)
                for d in deliveries(session, year)]
    return render(request, "office/deliveries.html", DeliveriesPage(year=year, fields=fields, deliveries=log_rows))
