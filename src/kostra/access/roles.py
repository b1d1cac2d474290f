"""Roles and the one access rule: reporters act only for their own unit."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kostra.errors import AccessDenied

__all__ = ["Principal", "Role", "require_role", "require_unit_access"]


class Role(StrEnum):
    """What a user may do."""

    REPORTER = "reporter"  # fills in and submits its own unit's forms
    STATISTICIAN = "statistician"  # controls, edits and approves all units' data
    ADMINISTRATOR = "administrator"  # manages users and units


@dataclass(frozen=True)
class Principal:
    """The logged-in user as services see it."""

    username: str
    role: Role
    unit_code: str | None
    display_name: str = ""

    @property
    def is_office(self) -> bool:
        return self.role in (Role.STATISTICIAN, Role.ADMINISTRATOR)


def require_unit_access(principal: Principal, unit_code: str, municipality_code: str | None = None) -> None:
    """Raise AccessDenied unless ``principal`` may see and change ``unit_code``.

    Reporters see only their own unit; a municipality also reports form 5 for the institutions
    located in it (``municipality_code`` of the institution), while a private institution reporting
    form 5 itself sees only itself. The message never reveals whether the other unit exists.
    """
    if principal.is_office:
        return
    if principal.unit_code is not None and principal.unit_code in (unit_code, municipality_code):
        return
    raise AccessDenied("you may only see and change your own unit's reports")


def require_role(principal: Principal, *roles: Role) -> None:
    """Raise AccessDenied unless ``principal`` has one of ``roles``."""
    if principal.role not in roles:
        names = ", ".join(r.value for r in roles)
        raise AccessDenied(f"this needs the role {names}; you are {principal.role.value}")
