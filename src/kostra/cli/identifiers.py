"""``kostra identifiers``: check Norwegian identifiers (fødselsnummer, D-number, DUF, organisation number)."""

from __future__ import annotations

import click

from kostra.cli.output import format_option, render

__all__ = ["identifiers"]


@click.group()
def identifiers() -> None:
    """Check identity numbers the way the file controls do."""


@identifiers.command("validate")
@click.argument("value")
@click.option("--kind", type=click.Choice(["auto", "fnr", "dnr", "duf", "orgnr"]), default="auto",
              show_default=True, help="What VALUE should be; auto decides by its length (9, 11 or 12 digits).")
@format_option()
def validate_command(value: str, kind: str, output_format: str) -> None:
    """Say whether VALUE is a valid identifier and why. Exit code 0 when valid, 2 when not."""
    from kostra.intake.identifiers import validate

    result = validate(value, kind)
    row = {
        "value": result.value,
        "kind": str(result.kind),
        "verdict": "valid" if result.valid else "invalid",
        "reason": result.reason,
        "birth_date": result.birth_date,
    }
    click.echo(render([row], output_format))
    if not result.valid:
        raise SystemExit(2)
