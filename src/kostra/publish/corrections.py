"""The corrections log (rettelogg): every published value that changed between a release and the one before
it, with the reason: the statistician's edit (reason code, comment, who) or the unit's resubmission (version,
receipt) behind each unit value that changed, from the snapshots' lineage columns."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from kostra.publish.assemble import Built
from kostra.publish.model import PublishedTable, ValueStatus

__all__ = ["SCHEMA", "corrections_frame", "revise"]

SCHEMA: dict[str, pl.DataType] = {
    "table_id": pl.String(), "cell": pl.String(), "old_value": pl.Float64(), "old_symbol": pl.String(),
    "new_value": pl.Float64(), "new_symbol": pl.String(), "reason": pl.String(),
}
_LINEAGE = ["value_text", "status", "version", "receipt_id", "submitted_at", "edit_id", "edit_reason",
            "edit_comment", "edited_by"]


def _changed_cells(new: PublishedTable, old: PublishedTable) -> pl.DataFrame:
    keys = [d.name for d in new.dimensions]
    joined = new.frame.join(old.frame, on=keys, how="full", suffix="_old", coalesce=True)
    differs = pl.col("symbol").ne_missing(pl.col("symbol_old")) | pl.col("value").ne_missing(pl.col("value_old"))
    return joined.filter(differs)


def _reason(row: dict[str, object]) -> str:
    if row["edit_id"] is not None and row["edit_id"] != row["edit_id_old"]:
        return (f"edit {row['edit_id']} ({row['edit_reason']}) by {row['edited_by']}"
                + (f": {row['edit_comment']}" if row["edit_comment"] else ""))
    if row["version"] != row["version_old"]:
        when = row["submitted_at"]
        return f"resubmission: version {row['version']} (receipt {row['receipt_id']}) of {when:%Y-%m-%d}" if when \
            else f"resubmission: version {row['version']}"
    return f"status {row['status_old']} → {row['status']}"


def _unit_changes(form: str, fields: list[str], before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """Unit values of the table's fields that differ between the two snapshots, with the reason."""
    def pick(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter((pl.col("form_id") == form) & pl.col("field_id").is_in(fields)
                            & pl.col("row_key").is_null()).select("unit_code", "field_id", *_LINEAGE)
    joined = pick(after).join(pick(before), on=["unit_code", "field_id"], how="full", suffix="_old", coalesce=True)
    changed = joined.filter(pl.col("value_text").ne_missing(pl.col("value_text_old"))
                            | pl.col("status").ne_missing(pl.col("status_old")))
    reasons = [f"{r['unit_code']} {r['field_id']}: {_reason(r)}" for r in changed.iter_rows(named=True)]
    return changed.select("unit_code", pl.col("field_id").alias("field")).with_columns(
        pl.Series("why", reasons, dtype=pl.String))


def _explain(cells: pl.DataFrame, built: Built, units: pl.DataFrame, total: str) -> list[str]:
    located = units.join(built.units.select("unit_code", "field", "region").unique(), on=["unit_code", "field"],
                         how="left").join(built.leaves, left_on="region", right_on="leaf")
    out = []
    for row in cells.iter_rows(named=True):
        match = located.filter(pl.col("code") == row[built.region])
        if row[built.fields] != total:
            match = match.filter(pl.col("field") == row[built.fields])
        out.append("; ".join(sorted(set(match["why"].to_list()))) or "definition or structure changed")
    return out


def corrections_frame(built: dict[str, Built], before: dict[str, PublishedTable], previous_values: pl.DataFrame,
                      values: pl.DataFrame) -> pl.DataFrame:
    """One row per changed cell of every table the two releases share (new tables are not corrections)."""
    parts = []
    for name, item in sorted(built.items()):
        if name not in before:
            continue
        cells = _changed_cells(item.table, before[name])
        if not cells.height:
            continue
        keys = [d.name for d in item.table.dimensions]
        if "form" in item.table.meta:
            total, *fields = item.table.dimension(item.fields).codes
            units = _unit_changes(item.table.meta["form"], fields, previous_values, values)
            reasons = _explain(cells, item, units, total)
        else:  # a key-figure table: the figure was computed again from the new snapshot
            reasons = ["key figure recomputed from the new snapshot: its numerator or denominator changed"
                       ] * cells.height
        parts.append(pl.DataFrame({
            "table_id": [name] * cells.height,
            "cell": [", ".join(f"{k}={r[k]}" for k in keys) for r in cells.iter_rows(named=True)],
            "old_value": cells["value_old"], "old_symbol": cells["symbol_old"],
            "new_value": cells["value"], "new_symbol": cells["symbol"],
            "reason": reasons,
        }, schema=SCHEMA))
    return pl.concat(parts) if parts else pl.DataFrame(schema=SCHEMA)


def revise(built: dict[str, Built], before: dict[str, PublishedTable]) -> dict[str, Built]:
    """A correction's cells: ``revised`` where value or symbol changed since the release before, else ``final``."""
    out = {}
    for name, item in built.items():
        if name not in before:
            out[name] = item
            continue
        keys = [d.name for d in item.table.dimensions]
        changed = _changed_cells(item.table, before[name]).select(keys).with_columns(pl.lit(True).alias("_changed"))
        frame = item.table.frame.join(changed, on=keys, how="left", maintain_order="left").with_columns(
            pl.when(pl.col("_changed").fill_null(False)).then(pl.lit(ValueStatus.REVISED.value))
            .otherwise(pl.lit(ValueStatus.FINAL.value)).alias("status")).drop("_changed")
        out[name] = replace(item, table=replace(item.table, frame=frame))
    return out
