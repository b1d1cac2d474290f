"""The statistics office's start page: the year's sections of work, for statisticians and administrators."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from kostra.access.roles import Role
from kostra.web.deps import OfficeUser
from kostra.web.pages import render
from kostra.web.reporting_year import current_year

__all__ = ["OFFICE_SECTIONS", "router"]

router = APIRouter(include_in_schema=False)

# (path under /office/{year}/ or absolute path, text key prefix, roles that see it)
OFFICE_SECTIONS: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("status", "office.section.status", (Role.STATISTICIAN, Role.ADMINISTRATOR)),
    ("controls", "office.section.controls", (Role.STATISTICIAN, Role.ADMINISTRATOR)),
    ("quality", "office.section.quality", (Role.STATISTICIAN, Role.ADMINISTRATOR)),
    ("outbox", "office.section.outbox", (Role.STATISTICIAN, Role.ADMINISTRATOR)),
    ("burden", "office.section.burden", (Role.STATISTICIAN, Role.ADMINISTRATOR)),
    ("accounts", "office.section.accounts", (Role.STATISTICIAN, Role.ADMINISTRATOR)),
    ("keyfigures", "office.section.keyfigures", (Role.STATISTICIAN, Role.ADMINISTRATOR)),
    ("releases", "office.section.releases", (Role.STATISTICIAN, Role.ADMINISTRATOR)),
    ("deliveries", "office.section.deliveries", (Role.STATISTICIAN, Role.ADMINISTRATOR)),
    ("/admin", "office.section.admin", (Role.ADMINISTRATOR,)),
)


class OfficeSection(BaseModel):
    href: str
    key: str


class OfficePage(BaseModel):
    year: int
    sections: list[OfficeSection]


@router.get("/office")
@router.get("/office.json", name="office_json")
def office_home(request: Request, principal: OfficeUser, year: int | None = None) -> Response:
    year = year or current_year(request)
    sections = [OfficeSection(href=path if path.startswith("/") else f"/office/{year}/{path}", key=key)
                for path, key, roles in OFFICE_SECTIONS if principal.role in roles]
    return render(request, "office/index.html", OfficePage(year=year, sections=sections))
