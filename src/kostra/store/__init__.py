"""Transactional storage: SQLAlchemy models, engine set-up and Alembic migrations."""

from kostra.store.database import create_engine_for, session_factory, upgrade

__all__ = ["create_engine_for", "session_factory", "upgrade"]
