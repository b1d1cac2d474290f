"""``kostra units``: list, add, change and deactivate reporting units (audited as ``cli:<OS user>``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kostra.cli.choices import UNIT_KINDS
from kostra.cli.output import format_option, render
from kostra.cli.users import AdminGroup, cli_actor, database_session

if TYPE_CHECKING:
    from kostra.store.models import Unit

__all__ = ["units"]

_KINDS = click.Choice(UNIT_KINDS)
_COLUMNS = ["code", "kind", "name", "orgnr", "municipality_code", "population", "email", "active"]


def _row(unit: Unit) -> dict[str, object]:
    return {column: getattr(unit, column) for column in _COLUMNS}


@click.group("units", cls=AdminGroup)
def units() -> None:
    """Reporting units: municipalities (4 digits), Oslo districts (0301xx), counties (2 digits) and
    institutions reporting form 5 under their organisation number."""


@units.command("list")
@click.option("--kind", type=_KINDS, help="Only units of this kind.")
@click.option("--municipality", "municipality_code", help="Only units in this municipality (code).")
@click.option("--search", "query", help="Only units whose code or name contains this text.")
@click.option("--inactive/--active", "inactive", default=None, help="Only inactive (or only active) units.")
@format_option()
@click.pass_context
def list_command(ctx: click.Context, kind: str | None, municipality_code: str | None, query: str | None,
                 inactive: bool | None, output_format: str) -> None:
    """List units by kind and code."""
    from kostra.access import admin

    active = None if inactive is None else not inactive
    with database_session(ctx) as session:
        rows = [_row(u) for u in admin.list_units(session, kind=kind, active=active, query=query,
                                                  municipality_code=municipality_code)]
    click.echo(render(rows, output_format, columns=_COLUMNS))


@units.command("add")
@click.argument("code")
@click.option("--kind", type=_KINDS, required=True, help="municipality, oslo_district, county or institution.")
@click.option("--name", required=True, help="The unit's name.")
@click.option("--orgnr", help="Organisation number (an institution's code is its organisation number).")
@click.option("--municipality", "municipality_code", help="An institution's municipality (4 digits).")
@click.option("--email", help="The unit's e-mail address (reminders are sent there).")
@click.option("--population", type=click.IntRange(min=0), help="Population, if known.")
@click.option("--year", type=int, help="Check the code against this year's region structure "
              "(default: this year's, or the newest loaded before it).")
@click.option("--reason", default="", help="Why, for the audit log.")
@click.pass_context
def add_command(ctx: click.Context, code: str, kind: str, name: str, orgnr: str | None,
                municipality_code: str | None, email: str | None, population: int | None, year: int | None,
                reason: str) -> None:
    """Create a reporting unit."""
    from kostra.access import admin

    with database_session(ctx) as session:
        unit = admin.add_unit(session, cli_actor(), code=code, kind=kind, name=name, orgnr=orgnr,
                              municipality_code=municipality_code, email=email, population=population,
                              reason=reason, year=year)
        click.echo(f"Created {unit.kind} {unit.code} {unit.name}.", err=True)


@units.command("set")
@click.argument("code")
@click.option("--name", help="New name.")
@click.option("--orgnr", help="New organisation number (not for institutions: theirs is their code).")
@click.option("--municipality", "municipality_code", help="An institution's new municipality.")
@click.option("--email", help="New e-mail address; an empty value removes it.")
@click.option("--population", help="New population; an empty value removes it.")
@click.option("--active/--inactive", default=None, help="Activate or deactivate the unit.")
@click.option("--reason", default="", help="Why, for the audit log.")
@click.pass_context
def set_command(ctx: click.Context, code: str, name: str | None, orgnr: str | None, municipality_code: str | None,
                email: str | None, population: str | None, active: bool | None, reason: str) -> None:
    """Change a unit's name, organisation number, municipality, e-mail, population or active state."""
    from kostra.access import admin

    changes: dict[str, object] = {key: value for key, value in (
        ("name", name), ("orgnr", orgnr), ("municipality_code", municipality_code), ("email", email),
        ("population", population), ("active", active)) if value is not None}
    with database_session(ctx) as session:
        state = _row(admin.get_unit(session, code))
        unit = admin.update_unit(session, cli_actor(), code, reason=reason, **changes)  # type: ignore[arg-type]
        changed = [key for key, value in _row(unit).items() if state[key] != value]
    click.echo(f"Updated unit {code}: {', '.join(changed)}." if changed else f"Unit {code}: nothing changed.",
               err=True)


@units.command("deactivate")
@click.argument("code")
@click.option("--reason", default="", help="Why, for the audit log.")
@click.pass_context
def deactivate_command(ctx: click.Context, code: str, reason: str) -> None:
    """Deactivate a unit: it no longer reports. Units are never deleted (submissions refer to them)."""
    from kostra.access import admin

    with database_session(ctx) as session:
        was_active = admin.get_unit(session, code).active
        admin.deactivate_unit(session, cli_actor(), code, reason=reason)
        reporters = len(admin.list_users(session, unit_code=code, active=True))
    click.echo(f"Deactivated unit {code}." if was_active else f"Unit {code} was already inactive.", err=True)
    if was_active and reporters:
        click.echo(f"Note: {reporters} active reporter(s) of {code} can still log in; "
                   f"deactivate them with 'kostra users set USERNAME --inactive'.", err=True)
