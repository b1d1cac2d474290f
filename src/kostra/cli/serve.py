"""``kostra serve``: run the web application."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kostra.cli.context import pass_settings

if TYPE_CHECKING:
    from kostra.settings import Settings

__all__ = ["run_server", "serve"]


def run_server(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Serve the app with uvicorn until interrupted."""
    import uvicorn

    from kostra.web.app import create_app

    # Redirects use KOSTRA_BASE_URL, or else the address served here.
    served = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    uvicorn.run(create_app(served), host=served.host, port=served.port, log_level="info")


@click.command()
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1 or KOSTRA_HOST).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 8000 or KOSTRA_PORT).")
@pass_settings
def serve(settings: Settings, host: str | None, port: int | None) -> None:
    """Start the web application on an existing database."""
    run_server(settings, host, port)
