"""The data a rule set is confronted with: one wide frame of units plus side frames."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

__all__ = ["ControlData"]


@dataclass(frozen=True)
class ControlData:
    """Everything rules can read for one reporting year.

    ``units``: one row per unit (column ``unit``) and a column per scalar field ``form.field``,
    plus ``form.__nil`` (bool) for forms returned as "nothing to report". ``tables``: ``form.table``
    → frame with ``unit``, ``row`` and the row's columns. ``accounts``: unit, kontoklasse, funksjon,
    art, belop (1000 NOK). ``population``: unit, age, sex, persons. ``registers``: unit plus one
    column per measure. ``previous``: the same for the year before. Missing values are null.
    """

    units: pl.DataFrame
    tables: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    previous: ControlData | None = None
    accounts: pl.DataFrame | None = None
    population: pl.DataFrame | None = None
    registers: pl.DataFrame | None = None

    def source(self, name: str) -> pl.DataFrame:
        """The frame behind an aggregate source (``units``, ``table:<form.table>``, ``accounts``, …).

        Raises LookupError when the data holds no such frame.
        """
        if name == "units":
            return self.units
        if name.startswith("table:"):
            table = name.removeprefix("table:")
            if table not in self.tables:
                raise LookupError(f"the data has no table {table!r}")
            return self.tables[table]
        found = {"accounts": self.accounts, "population": self.population, "registers": self.registers}[name]
        if found is None:
            raise LookupError(f"the data has no {name}")
        return found

    @classmethod
    def for_unit(cls, values: Mapping[str, Any], *, form: str, unit: str = "0000",
                 previous: Mapping[str, Any] | None = None,
                 accounts: Sequence[Mapping[str, Any]] | None = None,
                 population: Sequence[Mapping[str, Any]] | None = None,
                 registers: Mapping[str, Any] | None = None, nil: Iterable[str] = ()) -> ControlData:
        """One unit's data, as typed in a form: bare names belong to ``form``; a list of dicts is a table.

        Example: ``ControlData.for_unit({"rom_i_alt": 12, "institusjoner": [{"plasser": 4}]},
        form="skjema5")``.
        """
        scalars: dict[str, Any] = {"unit": [unit]}
        tables: dict[str, pl.DataFrame] = {}
        for name, value in values.items():
            key = name if "." in name else f"{form}.{name}"
            if isinstance(value, list):
                rows = [{"unit": unit, "row": i + 1, **row} for i, row in enumerate(value)]
                tables[key] = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame(
                    {"unit": [], "row": []}, schema={"unit": pl.String, "row": pl.Int64})
            else:
                scalars[key] = [value]
        for nil_form in nil:
            scalars[f"{nil_form}.__nil"] = [True]
        return cls(
            units=pl.DataFrame(scalars),
            tables=tables,
            previous=None if previous is None else cls.for_unit(previous, form=form, unit=unit),
            accounts=_rows(unit, accounts, _ACCOUNTS),
            population=_rows(unit, population, _POPULATION),
            registers=None if registers is None else pl.DataFrame({"unit": [unit], **{
                k: [v] for k, v in registers.items()}}),
        )


_ACCOUNTS = {"unit": pl.String, "kontoklasse": pl.String, "funksjon": pl.String, "art": pl.String,
             "belop": pl.Float64}
_POPULATION = {"unit": pl.String, "age": pl.Int64, "sex": pl.Int64, "persons": pl.Int64}


def _rows(unit: str, rows: Sequence[Mapping[str, Any]] | None,
          schema: Mapping[str, pl.DataType | type[pl.DataType]]) -> pl.DataFrame | None:
    if rows is None:
        return None
    # An empty list means "reported, no rows": a frame with the documented columns.
    frame = pl.DataFrame([{"unit": unit, **row} for row in rows], infer_schema_length=None)
    return frame.cast({k: v for k, v in schema.items() if k in frame.columns}) if rows else pl.DataFrame(
        schema=dict(schema))
