"""Configuration, read once from the environment (prefix ``KOSTRA_``) and passed in."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """All settings of a KOSTRA installation.

    ``KOSTRA_HOME`` is the data directory (default ``./kostra-data``); the SQLite database lives
    there unless ``KOSTRA_DATABASE_URL`` names another database, e.g.
    ``postgresql+psycopg://user@127.0.0.1:5432/kostra``.
    """

    model_config = SettingsConfigDict(env_prefix="KOSTRA_", extra="ignore")

    home: Path = Field(default=Path("kostra-data"))
    database_url: str | None = None
    secret_key: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "kostra@localhost"
    # Request body caps (kostra.web.limits): any body, and multipart bodies carrying a file attachment
    # (the 10 MiB file cap of the official web service plus the form's other fields).
    max_request_bytes: int = Field(default=1 << 20, ge=1024)
    max_upload_request_bytes: int = Field(default=11 << 20, ge=1024)

    @property
    def effective_database_url(self) -> str:
        """The database URL in use: the configured one, or a SQLite file in ``home``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'kostra.sqlite3').resolve()}"

    def ensure_home(self) -> Path:
        """Create the data directory when missing and return it."""
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home

    def session_secret(self) -> str:
        """The key that signs session cookies.

        When not configured, a random key is created once and kept in the data directory, so no
        secret is ever committed and restarts keep users logged in.
        """
        if self.secret_key:
            return self.secret_key
        key_file = self.ensure_home() / "secret.key"
        if not key_file.exists():
            import secrets

            key_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            key_file.chmod(0o600)
        return key_file.read_text(encoding="utf-8").strip()
