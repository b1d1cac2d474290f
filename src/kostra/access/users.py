"""Users, argon2 password hashes and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access.roles import Principal, Role
from kostra.errors import AccessDenied, UsageError
from kostra.store.models import ApiToken, User

__all__ = ["authenticate", "create_token", "create_user", "hash_password", "principal_of", "user_for_token"]

# Demo builds create hundreds of users; interactive logins keep argon2's defaults.
_HASHER = PasswordHasher()
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
TOKEN_LIFETIME = timedelta(hours=12)


def hash_password(password: str, *, fast: bool = False) -> str:
    """The argon2 hash stored for ``password`` (``fast``: cheap parameters, for tests and benchmarks)."""
    return (_FAST_HASHER if fast else _HASHER).hash(password)


def create_user(session: Session, *, username: str, password: str, role: Role, display_name: str = "",
                unit_code: str | None = None, fast_hash: bool = False) -> User:
    """Create a user; reporters must belong to a unit, office roles to none."""
    if role is Role.REPORTER and not unit_code:
        raise UsageError(f"reporter {username!r} needs a unit")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UsageError(f"user {username!r} exists already")
    user = User(username=username, password_hash=hash_password(password, fast=fast_hash), role=role.value,
                display_name=display_name or username, unit_code=unit_code)
    session.add(user)
    session.flush()
    return user


def principal_of(user: User) -> Principal:
    return Principal(username=user.username, role=Role(user.role), unit_code=user.unit_code,
                     display_name=user.display_name)


@cache
def _dummy_hash() -> str:
    """A hash no user has, made once with the parameters of real ones, to verify unknown users against."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def authenticate(session: Session, username: str, password: str) -> Principal:
    """The principal for valid credentials; AccessDenied (same message for both cases) otherwise.

    An unknown or deactivated user costs the same argon2 verification as a known one (against a dummy
    hash), so the time of the answer does not tell which user names exist.
    """
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    try:
        _HASHER.verify(user.password_hash if user is not None else _dummy_hash(), password)
        if user is None:
            raise VerificationError
    except (VerificationError, InvalidHashError) as error:
        raise AccessDenied("wrong user name or password") from error
    return principal_of(user)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, principal: Principal) -> tuple[str, datetime]:
    """A new bearer token for ``principal`` and its expiry; only the hash is stored."""
    user = session.scalar(select(User).where(User.username == principal.username))
    if user is None:
        raise AccessDenied("unknown user")
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + TOKEN_LIFETIME
    session.add(ApiToken(token_hash=_digest(token), user_id=user.id, expires_at=expires))
    session.flush()
    return token, expires


def user_for_token(session: Session, token: str) -> Principal:
    """The principal behind a bearer token; AccessDenied when unknown or expired."""
    row = session.get(ApiToken, _digest(token))
    if row is None or _aware(row.expires_at) < datetime.now(UTC):
        raise AccessDenied("invalid or expired token")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise AccessDenied("invalid or expired token")
    return principal_of(user)


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes even for timezone-aware columns; they hold UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
