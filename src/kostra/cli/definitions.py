"""``kostra definitions``: check the form definitions and list forms and fields per reporting year."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kostra.cli import KostraClickException
from kostra.cli.output import format_option, render, year_option
from kostra.errors import KostraError

if TYPE_CHECKING:
    from kostra.catalog.form_models import Condition
    from kostra.catalog.forms import Catalog

__all__ = ["definitions"]


@click.group()
def definitions() -> None:
    """Form definitions: versioned YAML per reporting year, validated on load."""


def _catalog(year: int, root: Path | None = None) -> Catalog:
    from kostra.catalog.forms import load_catalog, load_catalog_from

    try:
        return load_catalog(year) if root is None else load_catalog_from(root, year)
    except KostraError as error:
        raise KostraClickException(str(error)) from error


@definitions.command()
@year_option(required=False, help_text="Reporting year to check (default: every year with definitions).")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Definitions folder holding <year>/forms (default: the packaged definitions).")
def check(year: int | None, root: Path | None) -> None:
    """Load and validate every form, rule, accounts and key-figure definition; exit 2 naming file, item and
    line on the first error."""
    from kostra.catalog.forms import DEFINITIONS_ROOT, available_years

    years = (year,) if year is not None else available_years(root)
    if not years:
        raise KostraClickException(f"no form definitions found in {root or 'the package'}")
    for one in years:
        catalog = _catalog(one, root)
        forms = catalog.forms()
        fields = sum(len(f.fields()) for f in forms)
        web = sum(1 for f in forms if f.definition.delivery.value == "web")
        rules = _check_rules(catalog, (root or DEFINITIONS_ROOT) / str(one) / "rules")
        click.echo(f"{one}: {len(forms)} forms ({web} web), {fields} fields, {rules} rules: OK")
    _check_accounts(year, root or DEFINITIONS_ROOT)
    _check_keyfigures(year, root)


def _check_keyfigures(year: int | None, root: Path | None) -> None:
    """Load every year's key figures (definitions/<year>/keyfigures/*.yaml), expressions checked."""
    from kostra.keyfigures import available_years as keyfigure_years
    from kostra.keyfigures import load_indicators

    for one in keyfigure_years(root):
        if year is not None and one != year:
            continue
        try:
            figures = load_indicators(one, root)
        except KostraError as error:
            raise KostraClickException(str(error)) from error
        families = len({f.family for f in figures})
        click.echo(f"{one} key figures: {len(figures)} in {families} families: OK")


def _check_accounts(year: int | None, root: Path) -> None:
    """Load every year's accounts definitions (hierarchies, nettinger, stjernetabell, formulas)."""
    from kostra.accounts.definitions import available_years as accounts_years
    from kostra.accounts.definitions import load_year

    for one in accounts_years(root):
        if year is not None and one != year:
            continue
        try:
            loaded = load_year(one, root)
        except KostraError as error:
            raise KostraClickException(str(error)) from error
        d = loaded.definitions
        click.echo(f"{one} accounts: {len(d.funksjonshierarki.rows)} function and {len(d.artshierarki.rows)} art "
                   f"hierarchy rows, {len(d.formulas)} formulas: OK")


def _check_rules(catalog: Catalog, folder: Path) -> int:
    """Type-check the year's rule files against the forms' real fields and run every embedded case."""
    if not folder.is_dir():
        return 0
    # imported here: the rule language is only needed by this command
    from kostra.controls.language import Schema, run_case
    from kostra.controls.rule_definitions import load_rules

    schema = Schema.from_mapping(catalog.schema_mapping())
    try:
        rules = load_rules([folder], schema, year=catalog.year)
    except KostraError as error:
        raise KostraClickException(str(error)) from error
    for rule in rules:
        for case in rule.cases:
            outcome = run_case(rule, case, schema)
            if outcome != case.expect:
                raise KostraClickException(
                    f"{rule.file}, line {case.line}, rule {rule.name!r}: case expects {case.expect.value}, "
                    f"the rule gives {outcome.value}")
    return len(rules)


@definitions.command()
@year_option()
@format_option()
def forms(year: int, output_format: str) -> None:
    """List the forms of a year with deadline, field count and estimated minutes per unit."""
    from kostra.catalog.burden import unit_minutes

    rows = [
        {
            "form": f.id,
            "name": f.definition.name.nb,
            "delivery": f.definition.delivery.value,
            "deadline": f.definition.deadline,
            "unit_kinds": ",".join(k.value for k in f.definition.unit_kinds),
            "fields": len(f.fields()),
            "minutes_per_unit": round(unit_minutes(f, None), 1),
        }
        for f in _catalog(year).forms()
    ]
    click.echo(render(rows, output_format))


@definitions.command()
@year_option()
@click.option("--form", "form_id", required=True, help="Official form id, e.g. 5, PSYK, 0A.")
@format_option()
def fields(year: int, form_id: str, output_format: str) -> None:
    """List the fields of one form: id, name, type, unit, when it applies, purpose and minutes."""
    try:
        form = _catalog(year).form(form_id)
    except KostraError as error:
        raise KostraClickException(str(error)) from error
    rows = [
        {
            "id": f.id,
            "name": f.name,
            "label": f.label.nb,
            "type": f.type.value,
            "unit": f.unit or "",
            "required": f.required,
            "applies_when": describe_condition(f.applies_when) if f.applies_when else "",
            "purpose": f.purpose.value,
            "recipients": ",".join(f.recipients),
            "minutes": f.minutes,
            "prefilled": f.prefilled,
        }
        for f in form.fields()
    ]
    click.echo(render(rows, output_format))


def describe_condition(cond: Condition) -> str:
    """A short readable form of an ``applies_when`` condition, e.g. ``3.1 in (sykehjem, aldershjem)``."""
    if cond.all is not None:
        return " and ".join(f"({describe_condition(c)})" for c in cond.all)
    if cond.any is not None:
        return " or ".join(f"({describe_condition(c)})" for c in cond.any)
    if cond.not_ is not None:
        return f"not ({describe_condition(cond.not_)})"
    if cond.unit_kind is not None:
        return "unit is " + "/".join(k.value for k in cond.unit_kinds())
    if cond.min_population is not None:
        return f"population >= {cond.min_population}"
    if cond.one_of is not None:
        return f"{cond.field} in ({', '.join(cond.one_of)})"
    if cond.greater_than is not None:
        return f"{cond.field} > {cond.greater_than:g}"
    return f"{cond.field} = {str(cond.equals).lower()}"
