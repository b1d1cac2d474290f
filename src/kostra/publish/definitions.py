"""The tables a year publishes: the table definitions with a ``source`` (``definitions/<year>/tables/``), and
the check that they show only fields whose purpose is "published"."""

from __future__ import annotations

from pathlib import Path

from kostra.catalog.form_models import FieldType, Purpose
from kostra.catalog.forms import Catalog, load_catalog
from kostra.catalog.tables import DefinedTable, DimensionModel, load_tables
from kostra.errors import KostraError

__all__ = ["ReleaseRefused", "check_publishable", "field_codes", "fields_dimension", "table_definitions"]

_NUMBERS = {FieldType.INTEGER, FieldType.DECIMAL, FieldType.AMOUNT, FieldType.YES_NO}


class ReleaseRefused(KostraError):
    """A release that must not be made (a field not for publication, a failed audit …); nothing is published."""


def table_definitions(year: int, root: Path | None = None) -> dict[str, DefinedTable]:
    """The year's published tables (definitions naming a ``source``), by id; ``root`` instead of the package's
    ``definitions/`` (a folder with ``<year>/tables/``)."""
    return {name: table for name, table in load_tables(year, root).items() if table.model.source is not None}


def fields_dimension(table: DefinedTable) -> DimensionModel:
    assert table.model.source is not None
    return next(d for d in table.dimensions if d.name == table.model.source.fields_dimension)


def field_codes(table: DefinedTable) -> list[str]:
    """The form field ids the table shows (the codes of its fields dimension)."""
    return [c.code for c in fields_dimension(table).codes or []]


def check_publishable(table: DefinedTable, catalog: Catalog) -> None:
    """Raise ReleaseRefused unless every field the table shows exists, is a number or yes/no, and has purpose
    "published"."""
    source = table.model.source
    assert source is not None
    where = f"table {table.name} ({table.file.name})"
    try:
        form = catalog.form(source.form)
    except KostraError:
        raise ReleaseRefused(f"{where}: form {source.form!r} does not exist in {catalog.year}") from None
    for code in field_codes(table):
        try:
            item = form.field(code)
        except KostraError:
            raise ReleaseRefused(f"{where}: form {source.form} has no field {code!r}") from None
        if item.purpose is not Purpose.PUBLISHED:
            raise ReleaseRefused(f"{where}: field {code} ({item.name}) of form {source.form} has purpose "
                                 f"{item.purpose.value!r}, not 'published'; it must never appear in a release")
        if item.type not in _NUMBERS:
            raise ReleaseRefused(f"{where}: field {code} ({item.name}) is {item.type.value}; a table shows "
                                 "numbers or yes/no answers")


def catalog_of(year: int) -> Catalog:
    return load_catalog(year)
