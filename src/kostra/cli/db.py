"""``kostra db``: create or upgrade the database schema."""

from __future__ import annotations

import click

from kostra.settings import Settings
from kostra.store import upgrade as upgrade_schema

__all__ = ["db"]


@click.group()
def db() -> None:
    """Manage the database (SQLite in KOSTRA_HOME, or KOSTRA_DATABASE_URL)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
@click.pass_obj
def upgrade(settings: Settings, revision: str) -> None:
    """Create the schema, or upgrade it to the newest revision."""
    settings.ensure_home()
    url = settings.effective_database_url
    upgrade_schema(url, revision)
    click.echo(f"Database at {_redacted(url)} is at revision {revision}.", err=True)


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
