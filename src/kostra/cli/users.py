"""``kostra users``: list, add and change users, and reset passwords (audited as ``cli:<OS user>``)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from kostra.cli.choices import ROLES
from kostra.cli.context import settings_of
from kostra.cli.output import format_option, render
from kostra.errors import KostraError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kostra.store.models import User

__all__ = ["AdminGroup", "cli_actor", "database_session", "users"]

_ROLES = click.Choice(ROLES)
_COLUMNS = ["username", "display_name", "role", "unit_code", "email", "active", "created_at"]


class AdminGroup(click.Group):
    """A group whose user mistakes print one line and exit with code 2, also when invoked on its own."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KostraError as error:
            from kostra.cli import KostraClickException

            raise KostraClickException(str(error)) from error


def cli_actor() -> str:
    """Who is acting, for the audit log: the operating-system user running the command."""
    return f"cli:{getpass.getuser()}"


@contextmanager
def database_session(ctx: click.Context) -> Iterator[Session]:
    """A session on the configured database, committed when the command succeeds."""
    from sqlalchemy.orm import Session

    from kostra.store import create_engine_for

    engine = create_engine_for(settings_of(ctx).effective_database_url)
    try:
        with Session(engine) as session:
            yield session
            session.commit()
    finally:
        engine.dispose()


def read_password(from_stdin: bool) -> str:
    """The new password: one line from standard input, or typed twice without echo. Never an argument."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _row(user: User) -> dict[str, object]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "unit_code": user.unit_code, "email": user.email, "active": user.active, "created_at": user.created_at}


@click.group("users", cls=AdminGroup)
def users() -> None:
    """Users and roles: reporters (one unit), statisticians and administrators (no unit)."""


@users.command("list")
@click.option("--role", type=_ROLES, help="Only users of this role.")
@click.option("--unit", "unit_code", help="Only users of this unit (code).")
@click.option("--inactive/--active", "inactive", default=None, help="Only inactive (or only active) users.")
@format_option()
@click.pass_context
def list_command(ctx: click.Context, role: str | None, unit_code: str | None, inactive: bool | None,
                 output_format: str) -> None:
    """List users by user name."""
    from kostra.access import admin

    active = None if inactive is None else not inactive
    with database_session(ctx) as session:
        rows = [_row(u) for u in admin.list_users(session, role=role, unit_code=unit_code, active=active)]
    click.echo(render(rows, output_format, columns=_COLUMNS))


@users.command("add")
@click.argument("username")
@click.option("--role", type=_ROLES, required=True, help="reporter, statistician or administrator.")
@click.option("--unit", "unit_code", help="The reporter's unit (code); none for other roles.")
@click.option("--name", "display_name", default="", help="Display name (default: the user name).")
@click.option("--email", help="E-mail address.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
@click.option("--reason", default="", help="Why, for the audit log.")
@click.pass_context
def add_command(ctx: click.Context, username: str, role: str, unit_code: str | None, display_name: str,
                email: str | None, password_stdin: bool, reason: str) -> None:
    """Create a user; the password is prompted for (hidden) or read with --password-stdin."""
    from kostra.access import admin

    password = read_password(password_stdin)
    with database_session(ctx) as session:
        user = admin.add_user(session, cli_actor(), username=username, password=password, role=role,
                              unit_code=unit_code, display_name=display_name, email=email, reason=reason)
        click.echo(f"Created user {user.username} ({user.role}{', unit ' + user.unit_code if user.unit_code else ''}).",
                   err=True)


@users.command("set")
@click.argument("username")
@click.option("--role", type=_ROLES, help="New role.")
@click.option("--unit", "unit_code", help="New unit (code); an empty value removes the unit.")
@click.option("--name", "display_name", help="New display name.")
@click.option("--email", help="New e-mail address; an empty value removes it.")
@click.option("--active/--inactive", default=None, help="Activate or deactivate the user.")
@click.option("--reason", default="", help="Why, for the audit log.")
@click.pass_context
def set_command(ctx: click.Context, username: str, role: str | None, unit_code: str | None,
                display_name: str | None, email: str | None, active: bool | None, reason: str) -> None:
    """Change a user's role, unit, name, e-mail or active state (only what is given)."""
    from kostra.access import admin

    changes: dict[str, object] = {key: value for key, value in (
        ("role", role), ("unit_code", unit_code), ("display_name", display_name), ("email", email),
        ("active", active)) if value is not None}
    with database_session(ctx) as session:
        before = admin.get_user(session, username)
        state = _row(before)
        user = admin.update_user(session, cli_actor(), username, reason=reason, **changes)  # type: ignore[arg-type]
        changed = [key for key, value in _row(user).items() if state[key] != value]
    click.echo(f"Updated user {username}: {', '.join(changed)}." if changed else f"User {username}: nothing changed.",
               err=True)


@users.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
@click.option("--reason", default="", help="Why, for the audit log.")
@click.pass_context
def password_command(ctx: click.Context, username: str, password_stdin: bool, reason: str) -> None:
    """Set a new password for a user (their API tokens stop working)."""
    from kostra.access import admin

    with database_session(ctx) as session:
        admin.get_user(session, username)  # an unknown user fails before the password is asked for
        password = read_password(password_stdin)
        admin.set_password(session, cli_actor(), username, password, reason=reason)
    click.echo(f"New password set for {username}.", err=True)
