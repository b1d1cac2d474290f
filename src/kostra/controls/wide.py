"""The dataset's long values turned into the wide frames rules read (``ControlData.units`` and ``tables``).

* ``units``: one row per unit, a column ``skjemaX.field`` per scalar field with a value that counts
  (``reported`` or ``edited``; see ``kostra.dataset``), and ``skjemaX.__nil`` for nil returns. Numbers are
  floats, yes/no booleans, choices codes (multiple choices comma-joined), as the portal's form rules see them.
* Form 5 is reported per institution. Each institution's row carries its own form-5 values; in addition the
  numeric form-5 fields of a municipality's institutions are **summed into the municipality's row** (yes/no
  fields: true when any institution says yes), so cross-form rules on the municipality (form 4 against
  ``skjema5.plasser_tidsbegrenset``) see the municipality's total. The municipality's ``skjema5.__nil`` is true
  only when every institution sent a nil return. Form-5 tables stay with the institutions.
* ``tables``: ``skjemaX.table`` → unit, row (1-based position), the row's columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import polars as pl

from kostra.catalog.form_models import NUMERIC_TYPES, FieldType
from kostra.controls.language import Kind, Schema
from kostra.dataset import ValueStatus

__all__ = ["COUNTING", "FORM5", "tables_frames", "units_frame"]

FORM5 = "5"
COUNTING = (ValueStatus.REPORTED.value, ValueStatus.EDITED.value, ValueStatus.ESTIMATED.value)
_NUMERIC = [t.value for t in NUMERIC_TYPES]
_POLARS: dict[Kind, pl.DataType] = {Kind.NUMBER: pl.Float64(), Kind.BOOL: pl.Boolean(), Kind.STRING: pl.String(),
                                    Kind.CODE: pl.String()}


class UnitLike(Protocol):
    kind: str
    municipality_code: str | None


def _prefixed(values: pl.DataFrame) -> pl.Expr:
    return pl.concat_str(pl.lit("skjema"), pl.col("form_id").str.to_lowercase(), pl.lit("."), pl.col("field_name"))


def _pivot(rows: pl.DataFrame, index: list[str], value: str) -> pl.DataFrame:
    if rows.is_empty():
        return pl.DataFrame(schema={name: rows.schema[name] for name in index})
    return rows.pivot(on="column", index=index, values=value, aggregate_function="first", sort_columns=False)


def _wide(rows: pl.DataFrame, index: list[str]) -> pl.DataFrame:
    """One column per ``column``: numbers from value_number, yes/no from value_bool, the rest as text."""
    numeric = rows.filter(pl.col("field_type").is_in(_NUMERIC))
    yes_no = rows.filter(pl.col("field_type") == FieldType.YES_NO.value)
    other = rows.filter(~pl.col("field_type").is_in([*_NUMERIC, FieldType.YES_NO.value]))
    frame: pl.DataFrame | None = None
    for part, value in ((numeric, "value_number"), (yes_no, "value_bool"), (other, "value_text")):
        if part.is_empty():
            continue
        wide = _pivot(part, index, value)
        frame = wide if frame is None else frame.join(wide, on=index, how="full", coalesce=True)
    return frame if frame is not None else pl.DataFrame(schema={name: rows.schema[name] for name in index})


def _cast(frame: pl.DataFrame, kinds: Mapping[str, Kind]) -> pl.DataFrame:
    casts = []
    for name, dtype in frame.schema.items():
        wanted = _POLARS.get(kinds.get(name, Kind.ANY))
        if wanted is not None and dtype != wanted:
            casts.append(pl.col(name).cast(wanted, strict=False))
    return frame.with_columns(casts) if casts else frame


def units_frame(values: pl.DataFrame, units: Mapping[str, UnitLike], schema: Schema) -> pl.DataFrame:
    """One row per unit of ``units`` (in order) with its scalar values and nil flags (see the module)."""
    base = pl.DataFrame({"unit": list(units)}, schema={"unit": pl.String})
    known = values.filter(pl.col("unit_code").is_in(list(units)))
    scalar = known.filter(pl.col("row_key").is_null() & pl.col("status").is_in(COUNTING)
                          & pl.col("value_text").is_not_null()).select(
        pl.col("unit_code").alias("unit"), "form_id", "field_name", "field_type", "value_text", "value_number",
        "value_bool", _prefixed(known).alias("column"))
    wide = _wide(scalar, ["unit"])
    nil = known.filter(pl.col("status") == ValueStatus.NIL.value).select(
        pl.col("unit_code").alias("unit"), pl.concat_str(pl.lit("skjema"), pl.col("form_id").str.to_lowercase(),
                                                         pl.lit(".__nil")).alias("column")).unique()
    frame = base.join(wide, on="unit", how="left")
    if not nil.is_empty():
        flags = nil.with_columns(pl.lit(True).alias("flag")).pivot(on="column", index="unit", values="flag")
        frame = frame.join(flags, on="unit", how="left")
    frame = _with_form5_totals(frame, scalar, known, units)
    return _cast(frame, schema.fields)


def _with_form5_totals(frame: pl.DataFrame, scalar: pl.DataFrame, known: pl.DataFrame,
                       units: Mapping[str, UnitLike]) -> pl.DataFrame:
    owners = {code: u.municipality_code for code, u in units.items()
              if u.kind == "institution" and u.municipality_code in units}
    if not owners:
        return frame
    owner_of = pl.DataFrame({"unit": list(owners), "owner": list(owners.values())},
                            schema={"unit": pl.String, "owner": pl.String})
    institutions = scalar.filter(pl.col("form_id") == FORM5).join(owner_of, on="unit")
    numeric = institutions.filter(pl.col("field_type").is_in(_NUMERIC)).group_by("owner", "column").agg(
        pl.col("value_number").sum())
    yes_no = institutions.filter(pl.col("field_type") == FieldType.YES_NO.value).group_by("owner", "column").agg(
        pl.col("value_bool").any())
    reporting = known.filter(pl.col("form_id") == FORM5, pl.col("submission_id").is_not_null()).select(
        pl.col("unit_code").alias("unit"), pl.col("status") == ValueStatus.NIL.value).group_by("unit").agg(
        pl.col("status").all().alias("nil")).join(owner_of, on="unit").group_by("owner").agg(
        pl.col("nil").all().alias("skjema5.__nil"))
    totals = reporting.select("owner", pl.when(pl.col("skjema5.__nil")).then(True).alias("skjema5.__nil"))
    for part, value in ((numeric, "value_number"), (yes_no, "value_bool")):
        if not part.is_empty():
            wide = part.pivot(on="column", index="owner", values=value)
            totals = totals.join(wide, on="owner", how="full", coalesce=True)
    totals = totals.rename({"owner": "unit"})
    missing = [c for c in totals.columns if c not in frame.columns]
    frame = frame.with_columns([pl.lit(None, dtype=totals.schema[c]).alias(c) for c in missing])
    return frame.update(totals, on="unit", how="left", include_nulls=False)


def tables_frames(values: pl.DataFrame, units: Mapping[str, Any], schema: Schema) -> dict[str, pl.DataFrame]:
    """``skjemaX.table`` → one row per table row (unit, row) with the row's columns."""
    rows = values.filter(pl.col("row_number").is_not_null() & pl.col("status").is_in(COUNTING)
                         & pl.col("unit_code").is_in(list(units)))
    if rows.is_empty():
        return {}
    parts = rows.with_columns(
        pl.concat_str(pl.lit("skjema"), pl.col("form_id").str.to_lowercase(), pl.lit("."),
                      pl.col("field_name").str.split(".").list.first()).alias("table"),
        pl.col("field_name").str.split(".").list.last().alias("column"),
        pl.col("unit_code").alias("unit"), pl.col("row_number").cast(pl.Int64).alias("row"))
    found = {}
    for (table,), part in parts.partition_by("table", as_dict=True, maintain_order=True).items():
        wide = _wide(part, ["unit", "row"]).sort("unit", "row")
        found[str(table)] = _cast(wide, schema.tables.get(str(table), {}))
    return found
