"""The ``kostra`` command: one click group per pipeline step.

Each step's commands live in a module of this package and are thin callers of services.
User mistakes end as one line on stderr and exit code 2; a traceback only with ``--debug``.
"""

from __future__ import annotations

import logging
import sys
from importlib import import_module

import click

from kostra import __version__
from kostra.errors import KostraError

__all__ = ["main"]

log = logging.getLogger("kostra")

# (module, attribute) of each sub-command, imported lazily so `kostra --help` stays fast
# and a step's heavy dependencies load only when that step runs. `--help` lists every command's
# short help and so imports every module here: they import services only inside their commands
# (tests/cli/test_cli_imports.py).
COMMANDS: dict[str, tuple[str, str]] = {
    "db": ("kostra.cli.db", "db"),
    "demo": ("kostra.cli.demo", "demo"),
    "reference": ("kostra.cli.reference", "reference"),
    "identifiers": ("kostra.cli.identifiers", "identifiers"),
    "check": ("kostra.cli.check", "check"),
    "methods": ("kostra.cli.methods", "methods"),
    "definitions": ("kostra.cli.definitions", "definitions"),
    "serve": ("kostra.cli.serve", "serve"),
    "controls": ("kostra.cli.controls", "controls"),
    "dataset": ("kostra.cli.dataset", "dataset"),
    "status": ("kostra.cli.status", "status"),
    "followup": ("kostra.cli.followup", "followup"),
    "users": ("kostra.cli.users", "users"),
    "units": ("kostra.cli.units", "units"),
    "accounts": ("kostra.cli.accounts", "accounts"),
    "estimate": ("kostra.cli.estimate", "estimate"),
    "keyfigures": ("kostra.cli.keyfigures", "keyfigures"),
    "publish": ("kostra.cli.publish", "publish"),
    "deliver": ("kostra.cli.publish", "deliver"),
}


class KostraClickException(click.ClickException):
    """A user mistake: one line on stderr, exit code 2."""

    exit_code = 2


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if _module_exists(COMMANDS[name][0]))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _module_exists(COMMANDS[cmd_name][0]):
            return None
        module_name, attribute = COMMANDS[cmd_name]
        command: click.Command = getattr(import_module(module_name), attribute)
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KostraError as error:
            if ctx.find_root().params.get("debug"):
                raise
            raise KostraClickException(str(error)) from error
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as error:  # a bug: one line for the user, the traceback with --debug
            if ctx.find_root().params.get("debug"):
                raise
            log.debug("crash", exc_info=True)
            raise KostraClickException(
                f"internal error ({type(error).__name__}: {error}); rerun with --debug for the traceback"
            ) from error


def _module_exists(module_name: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module_name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kostra")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def cli(debug: bool) -> None:
    """KOSTRA: municipality–state reporting to Statistics Norway.

    Reference data, file controls, forms, follow-up and publication, on SQLite by default
    (KOSTRA_HOME, default ./kostra-data) or PostgreSQL (KOSTRA_DATABASE_URL).
    """
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    # The settings are built when a command first asks for them (kostra.cli.context.settings_of),
    # so that --help does not pay for reading the environment.


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``kostra`` command. Exit codes: 0 done, 1 warnings, 2 refused."""
    try:
        cli.main(args=argv, prog_name="kostra", standalone_mode=True)
    except KostraError as error:  # raised outside a group invoke, e.g. in a callback
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
