"""The CLI stays quick to start: its modules import no heavy library, and ``--help`` loads none (issue 10).

Timing lives in ``benchmarks/bench_cli.py``; these tests check the cause instead of the clock, so they
cannot flake on a busy machine. Each import runs in a fresh interpreter (``sys.modules`` of the test
process already holds everything).
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import kostra.cli

ROOT = Path(__file__).resolve().parents[2]

# Libraries that cost 0.05–0.3 s each to import: a command imports them when it runs, never at module level.
HEAVY = ("polars", "pyarrow", "numpy", "pandas", "duckdb", "sqlalchemy", "alembic", "psycopg", "fastapi",
         "starlette", "uvicorn", "jinja2", "httpx", "pydantic", "pydantic_settings", "yaml", "argon2")

CLI_MODULES = sorted(f"kostra.cli.{m.name}" for m in pkgutil.iter_modules(kostra.cli.__path__)
                     if m.name != "__main__")


def _heavy_after(code: str) -> list[str]:
    """The heavy libraries in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    return sorted(loaded.intersection(HEAVY))


def test_the_cli_has_modules_to_check() -> None:
    assert {"kostra.cli.check", "kostra.cli.controls", "kostra.cli.demo"} <= set(CLI_MODULES)


@pytest.mark.parametrize("module", CLI_MODULES)
def test_cli_module_imports_no_heavy_library(module: str) -> None:
    assert _heavy_after(f"import {module}") == [], (
        f"{module} imports these at module level: import them inside the command that needs them "
        "(names used only in type hints go under `if TYPE_CHECKING:`)")


def test_every_help_page_loads_no_heavy_library() -> None:
    """``kostra --help`` and every group's and command's ``--help``, in one interpreter."""
    walk = (
        "import click\n"
        "from click.testing import CliRunner\n"
        "from kostra.cli import cli\n"
        "def walk(command, path):\n"
        "    yield path\n"
        "    if isinstance(command, click.Group):\n"
        "        ctx = click.Context(command)\n"
        "        for name in command.list_commands(ctx):\n"
        "            yield from walk(command.get_command(ctx, name), [*path, name])\n"
        "paths = list(walk(cli, []))\n"
        "assert len(paths) > 40, paths\n"
        "for path in paths:\n"
        "    result = CliRunner().invoke(cli, [*path, '--help'])\n"
        "    assert result.exit_code == 0, (path, result.output)\n"
    )
    assert _heavy_after(walk) == []


def test_help_choices_match_the_services() -> None:
    """The closed sets written out in ``kostra.cli.choices`` equal the enums and constants they mirror."""
    from kostra.access.admin import UNIT_KINDS
    from kostra.access.roles import Role
    from kostra.cli import choices
    from kostra.demo.builder import DEFAULT_YEAR
    from kostra.followup.contacts import Channel
    from kostra.followup.edits import ReasonCode
    from kostra.reference import LEVELS, MAX_AGE
    from kostra.reporting.submissions import FormStatus

    assert tuple(LEVELS) == choices.REGION_LEVELS
    assert choices.MAX_AGE == MAX_AGE
    assert tuple(s.value for s in FormStatus) == choices.FORM_STATUSES
    assert tuple(c.value for c in Channel) == choices.CONTACT_CHANNELS
    assert tuple(c.value for c in ReasonCode) == choices.REASON_CODES
    assert tuple(r.value for r in Role) == choices.ROLES
    assert tuple(UNIT_KINDS) == choices.UNIT_KINDS
    assert choices.DEMO_DEFAULT_YEAR == DEFAULT_YEAR
