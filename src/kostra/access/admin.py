"""Administration of users and reporting units: the rules, and an audit event for every change.

Administrators (``/admin`` pages) and operators (``kostra users`` / ``kostra units``) call these services.
``actor`` is the administrator's user name, or ``cli:<OS user>`` on the command line. Mistakes raise
``AdminError`` (a ``UsageError``) naming the field and what was expected; its ``code`` and ``params`` let the
pages say the same in bokmål or English. Units are never deleted (submissions refer to them), only deactivated.

    >>> add_user(session, "admin", username="kari", password="lang-nok-1", role="reporter", unit_code="3401")
    >>> update_user(session, "admin", "kari", active=False, reason="sluttet")
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import Any, Final, Literal, TypeVar

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from kostra.access.roles import Role
from kostra.access.sessions import EndReason, end_user_sessions
from kostra.access.users import create_user, hash_password
from kostra.errors import NotFound, UsageError
from kostra.intake.identifiers import validate_orgnr
from kostra.store.models import ApiToken, AuditEvent, Region, Unit, User

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "UNIT_KINDS",
    "UNSET",
    "AdminError",
    "add_unit",
    "add_user",
    "audit_events_of",
    "deactivate_unit",
    "get_unit",
    "get_user",
    "list_units",
    "list_users",
    "reporters_of",
    "set_password",
    "structure_year",
    "update_unit",
    "update_user",
]


class _Unset(Enum):
    """Marks an argument that was not given: ``None`` is a value here (no unit, no e-mail)."""

    UNSET = "unset"


UNSET: Final = _Unset.UNSET
T = TypeVar("T")
# An argument that may be left out (UNSET) – distinct from None, which clears a value.
Maybe = T | Literal[_Unset.UNSET]

MIN_PASSWORD_LENGTH = 8
UNIT_KINDS = ("municipality", "oslo_district", "county", "institution")
OSLO = "0301"
# Same parameters as interactive logins (kostra.access.users): argon2's defaults.
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# Code pattern and region level (in the year's structure) of each kind with a region code.
_CODE_RULES: dict[str, tuple[re.Pattern[str], str, str]] = {
    "municipality": (re.compile(r"^\d{4}$"), "kommune", "4 digits, e.g. 3401"),
    "oslo_district": (re.compile(rf"^{OSLO}\d{{2}}$"), "bydel", "6 digits starting with 0301, e.g. 030102"),
    "county": (re.compile(r"^\d{2}$"), "fylke", "2 digits, e.g. 34"),
}


class AdminError(UsageError):
    """A rule of user or unit administration was broken; ``field`` says where, ``code`` what (for the pages)."""

    def __init__(self, field: str, code: str, message: str, **params: object) -> None:
        self.field = field
        self.code = code
        self.params = {key: str(value) for key, value in params.items()}
        super().__init__(f"{field}: {message}")


# ---------------------------------------------------------------------------------------------- audit


def _audit(session: Session, actor: str, action: str, object_ref: str, reason: str, detail: dict[str, Any]) -> None:
    session.add(AuditEvent(actor=actor, action=action, object_ref=object_ref, reason=(reason or "").strip(),
                           detail_json=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)))
    session.flush()


def audit_events_of(session: Session, object_ref: str, limit: int = 20) -> list[AuditEvent]:
    """The newest audit events about one user (``user/<name>``) or unit (``unit/<code>``)."""
    query = (select(AuditEvent).where(AuditEvent.object_ref == object_ref)
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return list(session.scalars(query))


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {key: [before[key], after[key]] for key in after if before.get(key) != after[key]}


# ---------------------------------------------------------------------------------------------- users


def list_users(session: Session, *, role: str | None = None, unit_code: str | None = None,
               active: bool | None = None, query: str | None = None) -> list[User]:
    """Users ordered by user name, optionally of one role, one unit, active or not, or matching ``query``."""
    statement = select(User).order_by(User.username)
    if role:
        statement = statement.where(User.role == _role(role).value)
    if unit_code:
        statement = statement.where(User.unit_code == unit_code.strip())
    if active is not None:
        statement = statement.where(User.active.is_(active))
    if query:
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(or_(func.lower(User.username).like(pattern),
                                        func.lower(User.display_name).like(pattern)))
    return list(session.scalars(statement))


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def _role(value: str | Role) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise AdminError("role", "role_invalid", f"unknown role {value!r}: expected one of {names}",
                         value=value, expected=names) from None


def _check_username(session: Session, username: str) -> None:
    if not _USERNAME.match(username):
        raise AdminError("username", "username_invalid",
                         f"{username!r} is not a valid user name: 2–80 characters, lower-case letters a–z, "
                         "digits and . _ @ -, starting with a letter or digit", value=username)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AdminError("username", "username_taken", f"user {username!r} exists already; choose another name",
                         value=username)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AdminError("password", "password_short",
                         f"the password has {len(password)} characters; at least {MIN_PASSWORD_LENGTH} are needed",
                         length=len(password), minimum=MIN_PASSWORD_LENGTH)


def _clean_email(email: str | None) -> str | None:
    text = (email or "").strip()
    if not text:
        return None
    if not _EMAIL.match(text) or len(text) > 200:
        raise AdminError("email", "email_invalid", f"{text!r} is not an e-mail address (name@example.no)",
                         value=text)
    return text


def _check_unit_for_role(session: Session, role: Role, unit_code: str | None) -> None:
    """Reporters act for one existing, active unit; statisticians and administrators for none."""
    if role is not Role.REPORTER:
        if unit_code:
            raise AdminError("unit_code", "unit_not_allowed",
                             f"a {role.value} belongs to no unit; leave the unit empty (got {unit_code!r})",
                             role=role.value, value=unit_code)
        return
    if not unit_code:
        raise AdminError("unit_code", "unit_required", "a reporter needs a unit: the code of an active unit")
    unit = session.get(Unit, unit_code)
    if unit is None:
        raise AdminError("unit_code", "unit_unknown", f"no unit {unit_code!r}; give the code of an active unit",
                         value=unit_code)
    if not unit.active:
        raise AdminError("unit_code", "unit_inactive", f"unit {unit_code!r} is deactivated; choose an active unit",
                         value=unit_code)


def _user_state(user: User) -> dict[str, Any]:
    return {"role": user.role, "unit_code": user.unit_code, "display_name": user.display_name,
            "email": user.email, "active": user.active}


def add_user(session: Session, actor: str, *, username: str, password: str, role: str | Role,
             unit_code: str | None = None, display_name: str = "", email: str | None = None,
             reason: str = "", fast_hash: bool = False) -> User:
    """Create a user after checking every rule; audit ``user.create`` (never the password).

    ``fast_hash`` (cheaper argon2 parameters) is for tests and bulk set-ups only.
    """
    username = username.strip()
    _check_username(session, username)
    chosen = _role(role)
    unit = (unit_code or "").strip() or None
    _check_unit_for_role(session, chosen, unit)
    _check_password(password)
    clean_email = _clean_email(email)
    user = create_user(session, username=username, password=password, role=chosen,
                       display_name=display_name.strip(), unit_code=unit, fast_hash=fast_hash)
    user.email = clean_email
    session.flush()
    _audit(session, actor, "user.create", f"user/{username}", reason, _user_state(user))
    return user


def update_user(session: Session, actor: str, username: str, *, role: Maybe[str | Role] = UNSET,
                unit_code: Maybe[str | None] = UNSET, display_name: Maybe[str] = UNSET,
                email: Maybe[str | None] = UNSET, active: Maybe[bool] = UNSET, reason: str = "") -> User:
    """Change what is given (role, unit, display name, e-mail, active); audit ``user.update`` with old and new.

    An administrator cannot deactivate or demote themselves, and the last active administrator stays one.
    Nothing is written when nothing changes.
    """
    user = get_user(session, username)
    before = _user_state(user)
    after = dict(before)
    if role is not UNSET:
        after["role"] = _role(role).value
    if unit_code is not UNSET:
        after["unit_code"] = (unit_code or "").strip() or None
    if display_name is not UNSET:
        after["display_name"] = display_name.strip() or user.username
    if email is not UNSET:
        after["email"] = _clean_email(email)
    if active is not UNSET:
        after["active"] = bool(active)
    reactivated = after["active"] and not before["active"]
    if after["role"] != before["role"] or after["unit_code"] != before["unit_code"] or reactivated:
        _check_unit_for_role(session, Role(after["role"]), after["unit_code"])
    _check_administrators_remain(session, actor, user, after)
    changes = _changes(before, after)
    if not changes:
        return user
    for key, (_old, new) in changes.items():
        setattr(user, key, new)
    session.flush()
    detail: dict[str, Any] = dict(changes)
    if changes.get("active") == [True, False]:
        detail["sessions_ended"] = end_user_sessions(session, user.id, EndReason.DEACTIVATED)
    _audit(session, actor, "user.update", f"user/{username}", reason, detail)
    return user


def _check_administrators_remain(session: Session, actor: str, user: User, after: dict[str, Any]) -> None:
    was_admin = user.role == Role.ADMINISTRATOR.value and user.active
    stays_admin = after["role"] == Role.ADMINISTRATOR.value and after["active"]
    if not was_admin or stays_admin:
        return
    if actor == user.username:
        if not after["active"]:
            raise AdminError("active", "self_deactivate", "you cannot deactivate yourself; ask another administrator")
        raise AdminError("role", "self_demote", "you cannot take the administrator role from yourself; "
                         "ask another administrator")
    others = session.scalar(select(func.count(User.id)).where(
        User.role == Role.ADMINISTRATOR.value, User.active.is_(True), User.id != user.id))
    if not others:
        raise AdminError("role" if after["active"] else "active", "last_admin",
                         f"{user.username!r} is the last active administrator; make another user administrator first",
                         value=user.username)


def set_password(session: Session, actor: str, username: str, password: str, reason: str = "") -> None:
    """Give a user a new password (argon2), revoke their API tokens and end their page sessions;
    audit ``user.password``."""
    user = get_user(session, username)
    _check_password(password)
    user.password_hash = hash_password(password)
    revoked = session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount
    session.flush()
    ended = end_user_sessions(session, user.id, EndReason.PASSWORD)
    _audit(session, actor, "user.password", f"user/{username}", reason,
           {"tokens_revoked": revoked or 0, "sessions_ended": ended})


# ---------------------------------------------------------------------------------------------- units


def list_units(session: Session, *, kind: str | None = None, active: bool | None = None,
               query: str | None = None, municipality_code: str | None = None) -> list[Unit]:
    """Units ordered by kind and code, optionally filtered by kind, active, municipality or a code/name part."""
    statement = select(Unit)
    if kind:
        statement = statement.where(Unit.kind == _kind(kind))
    if active is not None:
        statement = statement.where(Unit.active.is_(active))
    if municipality_code:
        statement = statement.where(Unit.municipality_code == municipality_code.strip())
    if query:
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(or_(Unit.code.like(pattern), func.lower(Unit.name).like(pattern)))
    units = list(session.scalars(statement))
    return sorted(units, key=lambda u: (UNIT_KINDS.index(u.kind) if u.kind in UNIT_KINDS else 9, u.code))


def get_unit(session: Session, code: str) -> Unit:
    unit = session.get(Unit, code.strip())
    if unit is None:
        raise NotFound(f"no unit {code!r}")
    return unit


def _kind(value: str) -> str:
    kind = value.strip().lower()
    if kind not in UNIT_KINDS:
        names = ", ".join(UNIT_KINDS)
        raise AdminError("kind", "kind_invalid", f"unknown unit kind {value!r}: expected one of {names}",
                         value=value, expected=names)
    return kind


def structure_year(session: Session, today: date | None = None) -> int | None:
    """The year whose region structure unit codes are checked against: this year's when loaded, else the
    newest loaded year before it (else the oldest loaded); None when no reference data is loaded."""
    this_year = (today or date.today()).year
    earlier = session.scalar(select(func.max(Region.year)).where(Region.year <= this_year))
    return earlier if earlier is not None else session.scalar(select(func.min(Region.year)))


def _check_region_code(session: Session, code: str, kind: str, year: int | None) -> None:
    pattern, level, expected = _CODE_RULES[kind]
    if not pattern.match(code):
        raise AdminError("code", f"code_format_{kind}", f"{code!r} is not a {kind} code: expected {expected}",
                         value=code)
    if year is None:
        return
    found = session.scalar(select(Region.id).where(Region.year == year, Region.code == code, Region.level == level))
    if found is None:
        raise AdminError("code", "code_not_in_structure",
                         f"{code!r} is no {kind} in the region structure of {year}", value=code, year=year,
                         kind=kind)


def _clean_orgnr(value: str | None, field: str = "orgnr") -> str | None:
    text = (value or "").replace(" ", "").strip()
    if not text:
        return None
    result = validate_orgnr(text)
    if not result.valid:
        raise AdminError(field, "orgnr_invalid", f"{text!r} is not a valid organisation number: {result.reason}",
                         value=text)
    return text


def _clean_name(name: str) -> str:
    text = name.strip()
    if not text:
        raise AdminError("name", "name_required", "a unit needs a name")
    if len(text) > 200:
        raise AdminError("name", "name_long", f"the name has {len(text)} characters; at most 200",
                         length=len(text))
    return text


def _clean_population(value: int | str | None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        number = -1
    if number < 0:
        raise AdminError("population", "population_invalid", f"{value!r} is not a population: a whole number ≥ 0",
                         value=value)
    return number


def _check_institution_municipality(session: Session, code: str | None, year: int | None) -> str:
    """An institution lies in a municipality that is a unit, or one of the year's region structure."""
    text = (code or "").strip()
    if not text:
        raise AdminError("municipality_code", "municipality_required",
                         "an institution needs the municipality it lies in (4 digits)")
    known = session.scalar(select(Unit.code).where(Unit.code == text, Unit.kind == "municipality"))
    if known is None and year is not None:
        known = session.scalar(select(Region.code).where(Region.year == year, Region.code == text,
                                                          Region.level == "kommune"))
    if known is None:
        raise AdminError("municipality_code", "municipality_unknown",
                         f"no municipality {text!r}: give the 4-digit code of an existing municipality", value=text)
    return text


def _unit_state(unit: Unit) -> dict[str, Any]:
    return {"kind": unit.kind, "name": unit.name, "orgnr": unit.orgnr, "municipality_code": unit.municipality_code,
            "population": unit.population, "email": unit.email, "active": unit.active}


def add_unit(session: Session, actor: str, *, code: str, kind: str, name: str, orgnr: str | None = None,
             municipality_code: str | None = None, email: str | None = None, population: int | str | None = None,
             reason: str = "", year: int | None = None) -> Unit:
    """Create a reporting unit after checking its code for its kind; audit ``unit.create``.

    Municipalities (4 digits), Oslo districts (0301xx) and counties (2 digits) must exist in the region
    structure of ``year`` (default ``structure_year``) when reference data is loaded. An institution's code is
    its organisation number and it needs the municipality it lies in.
    """
    chosen = _kind(kind)
    code = code.replace(" ", "").strip()
    year = year if year is not None else structure_year(session)
    if chosen == "institution":
        code = _clean_orgnr(code, "code") or ""
        if not code:
            raise AdminError("code", "orgnr_invalid", "an institution's code is its organisation number", value="")
        given = _clean_orgnr(orgnr)
        if given is not None and given != code:
            raise AdminError("orgnr", "orgnr_mismatch", f"an institution's code is its organisation number: "
                             f"{given!r} differs from {code!r}", value=given, unit=code)
        clean_orgnr: str | None = code
        municipality = _check_institution_municipality(session, municipality_code, year)
    else:
        _check_region_code(session, code, chosen, year)
        clean_orgnr = _clean_orgnr(orgnr)
        municipality = {"municipality": code, "oslo_district": OSLO}.get(chosen)
    if session.get(Unit, code) is not None:
        raise AdminError("code", "code_taken", f"unit {code!r} exists already", value=code)
    unit = Unit(code=code, kind=chosen, name=_clean_name(name), orgnr=clean_orgnr, municipality_code=municipality,
                population=_clean_population(population), email=_clean_email(email), active=True)
    session.add(unit)
    session.flush()
    _audit(session, actor, "unit.create", f"unit/{code}", reason, _unit_state(unit))
    return unit


def update_unit(session: Session, actor: str, code: str, *, name: Maybe[str] = UNSET,
                orgnr: Maybe[str | None] = UNSET, municipality_code: Maybe[str | None] = UNSET,
                email: Maybe[str | None] = UNSET, population: Maybe[int | str | None] = UNSET,
                active: Maybe[bool] = UNSET, reason: str = "", action: str = "unit.update") -> Unit:
    """Change what is given; audit ``unit.update`` (old and new values). Code and kind never change:
    submissions refer to the code. An institution's organisation number is its code."""
    unit = get_unit(session, code)
    before = _unit_state(unit)
    after = dict(before)
    if name is not UNSET:
        after["name"] = _clean_name(name)
    if orgnr is not UNSET and unit.kind != "institution":
        after["orgnr"] = _clean_orgnr(orgnr)
    elif orgnr is not UNSET and (_clean_orgnr(orgnr) or unit.code) != unit.code:
        raise AdminError("orgnr", "orgnr_mismatch", "an institution's organisation number is its code and cannot "
                         "change; create a new unit", value=orgnr, unit=unit.code)
    if municipality_code is not UNSET and unit.kind == "institution":
        after["municipality_code"] = _check_institution_municipality(session, municipality_code,
                                                                     structure_year(session))
    if email is not UNSET:
        after["email"] = _clean_email(email)
    if population is not UNSET:
        after["population"] = _clean_population(population)
    if active is not UNSET:
        after["active"] = bool(active)
    changes = _changes(before, after)
    if not changes:
        return unit
    for key, (_old, new) in changes.items():
        setattr(unit, key, new)
    session.flush()
    detail: dict[str, Any] = dict(changes)
    if changes.get("active") == [True, False]:
        # Reporters of a deactivated unit keep their login; the administrator sees how many are affected.
        detail["active_reporters"] = len(list_users(session, unit_code=unit.code, active=True))
    _audit(session, actor, action, f"unit/{unit.code}", reason, detail)
    return unit


def deactivate_unit(session: Session, actor: str, code: str, reason: str = "") -> Unit:
    """Mark a unit inactive (never deleted: submissions refer to it); audit ``unit.deactivate``."""
    return update_unit(session, actor, code, active=False, reason=reason, action="unit.deactivate")


def reporters_of(session: Session, codes: Sequence[str]) -> dict[str, int]:
    """Active reporters per unit code (shown beside units on the pages)."""
    if not codes:
        return {}
    rows = session.execute(select(User.unit_code, func.count(User.id)).where(
        User.unit_code.in_(list(codes)), User.active.is_(True)).group_by(User.unit_code))
    return {code: count for code, count in rows if code is not None}
