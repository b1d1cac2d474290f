"""Engine and session set-up, and schema upgrades through Alembic."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["create_engine_for", "migrations_config", "session_factory", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"


def create_engine_for(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout for concurrent users."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # More connections than the web server's 40 worker threads: a request holds its connection
        # until the response is sent, so a smaller pool deadlocks under 100 concurrent users.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               pool_size=20, max_overflow=60)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=50)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that do not expire objects on commit (pages render after committing)."""
    return sessionmaker(engine, expire_on_commit=False)


def migrations_config(url: str) -> Config:
    """An Alembic configuration pointing at the migrations shipped in the package."""
    from alembic.config import Config  # Alembic (and Mako, Pygments) load only when migrating: ~0.3 s

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Create or upgrade the schema of the database at ``url`` to ``revision``."""
    from alembic import command

    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            config = migrations_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
