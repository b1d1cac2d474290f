"""Configuration, read once from the environment (prefix ``KOSTRA_``) and passed in."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """All settings of a KOSTRA installation.

    ``KOSTRA_HOME`` is the data directory (default ``./kostra-data``); the SQLite database lives
    there unless ``KOSTRA_DATABASE_URL`` names another database, e.g.
    ``postgresql+psycopg://user@127.0.0.1:5432/kostra``.

    ``KOSTRA_BASE_URL`` is the address users type (``https://kostra.example.no``): redirects are built from
    it, never from a request's ``Host`` header, and the session cookie is ``Secure`` when it is https.
    Sessions end after ``KOSTRA_SESSION_IDLE_MINUTES`` without a request and ``KOSTRA_SESSION_MAX_HOURS``
    after logging in. Login and token requests are refused for ``KOSTRA_LOGIN_THROTTLE_MINUTES`` after
    ``KOSTRA_LOGIN_FAILURES_PER_USER_AND_ADDRESS`` failures for one user name from one address, or
    ``KOSTRA_LOGIN_FAILURES_PER_USER`` for one user name, or ``KOSTRA_LOGIN_FAILURES_PER_ADDRESS`` from one
    address (docs/security.md).
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
    # The statistics year the portal and the office open on; by default the reporting calendar decides
    # (kostra.catalog.calendar: the previous calendar year).
    reporting_year: int | None = None
    # Key-figure pages: where a population date is not loaded (1 January after the newest SSB table loaded),
    # use the newest loaded year as a stand-in, labelled on every page; off, such figures are '..' with the
    # reason. `kostra demo` turns it on for the demo year (issue 12, point 5).
    population_stand_in: bool = False
    base_url: str | None = None
    session_idle_minutes: int = Field(default=60, ge=1)
    session_max_hours: int = Field(default=8, ge=1)
    login_throttle_minutes: int = Field(default=15, ge=1)
    login_failures_per_user_and_address: int = Field(default=5, ge=1)
    login_failures_per_user: int = Field(default=20, ge=1)
    login_failures_per_address: int = Field(default=50, ge=1)

    @field_validator("base_url")
    @classmethod
    def _origin_only(cls, value: str | None) -> str | None:
        """An origin: http or https, a host, an optional port; no path, query or fragment."""
        if value is None or not value.strip():
            return None  # KOSTRA_BASE_URL= (empty): the address served
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not a base URL: expected http(s)://host[:port], "
                             "e.g. https://kostra.example.no")
        if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError(f"{value!r}: the base URL is the site's origin only (http(s)://host[:port]); "
                             "the app is served at the root of its host")
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def site_url(self) -> str:
        """The configured base URL, else ``http://HOST:PORT`` (e.g. http://127.0.0.1:8000) as served."""
        return self.base_url or f"http://{self.host}:{self.port}"

    @property
    def secure_cookies(self) -> bool:
        """Cookies are sent over https only when users reach the site by https."""
        return self.site_url.startswith("https://")
    # Request body caps (kostra.web.limits): any body, and multipart bodies carrying a file attachment
    # (the 10 MiB file cap of the official web service plus the form's other fields).
    max_request_bytes: int = Field(default=1 << 20, ge=1024)
    max_upload_request_bytes: int = Field(default=11 << 20, ge=1024)
    # The statbank API (kostra.web.api_statbank) refuses a query for more cells than this with a 400.
    statbank_max_cells: int = Field(default=200_000, ge=1)

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
