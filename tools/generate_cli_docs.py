"""Write docs/cli.md from the real ``--help`` output of every command (``--check`` only compares)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from kostra.cli import cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _walk(command: click.Command, path: list[str]) -> list[list[str]]:
    paths = [path]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                paths.extend(_walk(sub, [*path, name]))
    return paths


def render() -> str:
    runner = CliRunner()
    parts = ["# Command reference", "", "Generated from `--help` by `python tools/generate_cli_docs.py`; "
             "a test fails when it is stale.", ""]
    for path in _walk(cli, []):
        result = runner.invoke(cli, [*path, "--help"], prog_name="kostra", terminal_width=100)
        title = " ".join(["kostra", *path])
        parts += [f"## `{title}`", "", "```text", result.output.rstrip(), "```", ""]
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print("docs/cli.md is stale: run python tools/generate_cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
