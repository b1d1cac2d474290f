"""The migrations create the schema the models describe, on every backend."""

from __future__ import annotations

from sqlalchemy import inspect

from kostra.store import create_engine_for
from kostra.store.models import Base


def test_upgrade_creates_every_model_table(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    missing = set(Base.metadata.tables) - tables
    assert not missing, f"tables in models but not created by migrations: {sorted(missing)}"


def test_migrations_match_models(database_url: str) -> None:
    """No model change may ship without a migration (autogenerate finds no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine_for(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == [], f"models and migrations differ: {differences}"


def test_upgrade_is_idempotent(database_url: str) -> None:
    from kostra.store import upgrade

    upgrade(database_url)  # second run must be a no-op, not an error
    engine = create_engine_for(database_url)
    try:
        assert "regions" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
