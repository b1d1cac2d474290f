"""Roles and the one access rule: reporters act only for their own unit (and its institutions)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kostra.errors import AccessDenied

__all__ = ["Principal", "Role", "owner_of", "require_role", "require_unit_access"]


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


def require_unit_access(principal: Principal, unit_code: str, *, owner: str | None = None,
                        write: bool = False) -> None:
    """Raise AccessDenied unless ``principal`` may see (``write``: fill in and submit) ``unit_code``'s forms.

    A reporter reaches their own unit and, through ``owner`` (see ``owner_of``), the institutions located in
    their municipality, whose form 5 it reports. An Oslo district is a unit of its own: Oslo's municipality
    user does not reach it. Statisticians and administrators read every unit's forms but never fill them in
    or submit them: the office changes reported data only through audited edits. The message never reveals
    whether the other unit exists.
    """
    if principal.is_office:
        if write:
            raise AccessDenied("only the unit's own reporter fills in and submits its forms; "
                               f"a {principal.role.value} reads them", reason="office_reads",
                               role=principal.role.value)
        return
    if principal.unit_code is not None and principal.unit_code in (unit_code, owner):
        return
    raise AccessDenied("you may only see and change your own unit's reports", reason="own_unit")


def owner_of(kind: str, municipality_code: str | None) -> str | None:
    """The unit that reports for a unit besides itself: an institution's municipality, else none.

    A district's ``municipality_code`` is 0301, yet Oslo's municipality does not report for its districts.
    """
    return municipality_code if kind == "institution" else None


def require_role(principal: Principal, *roles: Role) -> None:
    """Raise AccessDenied unless ``principal`` has one of ``roles``."""
    if principal.role not in roles:
        names = ", ".join(r.value for r in roles)
        raise AccessDenied(f"this needs the role {names}; you are {principal.role.value}", reason="role",
                           roles=",".join(r.value for r in roles), role=principal.role.value)
