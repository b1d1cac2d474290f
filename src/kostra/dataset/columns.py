"""The columns of the year's values in long form, with their types and meaning (docs/dataset.md lists them)."""

from __future__ import annotations

import polars as pl

__all__ = ["COLUMNS", "SCHEMA"]

_UTC = pl.Datetime("us", "UTC")

# name → (type, meaning). The order is the order of the frame.
COLUMNS: dict[str, tuple[pl.DataType, str]] = {
    "year": (pl.Int32(), "reporting (statistics) year"),
    "form_id": (pl.String(), "form (skjema) id, e.g. 5, 11F, PSYK"),
    "unit_code": (pl.String(), "reporting unit: municipality, Oslo district, county or institution (orgnr)"),
    "field_id": (pl.String(), "the field's id in the form definition, e.g. 3.2"),
    "field_name": (pl.String(), "field name; a table cell is table.column"),
    "field_type": (pl.String(), "integer, amount, decimal, yes_no, single_choice, multiple_choice, text, orgnr"),
    "row_key": (pl.String(), "table cells: the key column's value (definition `key:`), else the 1-based "
                             "position; null for scalar fields"),
    "row_number": (pl.Int32(), "table cells: 1-based position in the version the value comes from"),
    "status": (pl.String(), "reported, edited, nil, not_applicable, missing, prefilled_unconfirmed, estimated "
                          "(only with include_estimates; never a unit's own figure)"),
    "value_text": (pl.String(), "the value exactly, as text (0.94 stays 0.94; yes/no as true/false; "
                                "multiple choices comma-joined); null when there is no value"),
    "value_number": (pl.Float64(), "the value as a number, for numeric fields (for computing; value_text is exact)"),
    "value_bool": (pl.Boolean(), "the value of a yes/no field"),
    "reported_text": (pl.String(), "what the unit reported (differs from value_text where edited)"),
    "note": (pl.String(), "why a value has its status: the unit's nil reason, a stale edit's reported value …"),
    "submission_id": (pl.Int64(), "the submission the value comes from"),
    "version": (pl.Int32(), "its version (1, 2, …)"),
    "receipt_id": (pl.String(), "the receipt the unit got"),
    "content_hash": (pl.String(), "SHA-256 of the submitted content (the receipt's hash)"),
    "submitted_at": (_UTC, "when the version was submitted (UTC)"),
    "submitted_by": (pl.String(), "who submitted it"),
    "approved": (pl.Boolean(), "the version is approved (newest approval decision)"),
    "edit_id": (pl.Int64(), "the newest edit of the cell (applied, carried forward or stale)"),
    "edit_state": (pl.String(), "applied, carried_forward or stale (stale: the new reported value stands)"),
    "edit_value_text": (pl.String(), "the edit's value, as text"),
    "edit_reason": (pl.String(), "the edit's reason code (OTHER_SOURCE, REVIEW, OWNER, …)"),
    "edit_comment": (pl.String(), "the edit's comment"),
    "edited_by": (pl.String(), "who made the edit"),
    "edited_at": (_UTC, "when (UTC)"),
    "edit_version": (pl.Int32(), "the submission version the edit was made against"),
    "estimate_id": (pl.Int64(), "status estimated: the estimate (table estimates) behind the value"),
    "estimate_method": (pl.String(), "status estimated: ratio_population, ratio_last_year or carry_forward"),
}

SCHEMA: dict[str, pl.DataType] = {name: dtype for name, (dtype, _) in COLUMNS.items()}
