"""``kostra db``: create or upgrade the database schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kostra.cli.context import pass_settings

if TYPE_CHECKING:
    from kostra.settings import Settings

__all__ = ["db"]


@click.group()
def db() -> None:
    """Manage the database (SQLite in KOSTRA_HOME, or KOSTRA_DATABASE_URL)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
@pass_settings
def upgrade(settings: Settings, revision: str) -> None:
    """Create the schema, or upgrade it to the newest revision."""
    from kostra.store import upgrade as upgrade_schema

    settings.ensure_home()
    url = settings.effective_database_url
    upgrade_schema(url, revision)
    click.echo(f"Database at {_redacted(url)} is at revision {revision}.", err=True)


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
