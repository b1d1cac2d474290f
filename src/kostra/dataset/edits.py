"""Edits resolved against the version they meet: applied, carried forward, or stale.

An edit names a scalar field (``field_name``, ``row`` None) or a table cell (``field_name`` =
``table.column``). A cell is identified by its **row key**: the value of the table's key column where the form
definition names one (``key:``, e.g. a municipality number), otherwise its position. So a resubmitted table
whose rows were reordered keeps each edit on its row, and a shorter table never grows phantom rows: an edit
whose row is gone is stale.

For each cell the newest edit counts (a ``withdrawal`` edit means: the reported value stands). It is

* ``applied`` when made against this submission;
* ``carried_forward`` when made against an older version and the cell's reported value is still the value the
  edit replaced (compared by exact text);
* ``stale`` otherwise: the unit reported something new, which stands until a statistician re-applies or
  withdraws the edit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kostra.catalog.form_models import FieldType, FormField
from kostra.catalog.forms import Form
from kostra.dataset.status import EditState
from kostra.dataset.text import value_text
from kostra.errors import NotFound
from kostra.store.models import Edit, Submission

__all__ = ["WITHDRAWAL", "ResolvedEdits", "edit_key", "resolve_edits", "row_index_of", "row_key_of"]

WITHDRAWAL = "withdrawal"


def edit_key(field_name: str, row: int | None) -> str:
    """``plasser_i_alt`` for a field, ``institusjoner[2].plasser`` for a table cell (0-based row)."""
    if row is None:
        return field_name
    table, _, column = field_name.partition(".")
    return f"{table}[{row}].{column}"


def row_key_of(spec: FormField, rows: Sequence[Mapping[str, Any]], index: int) -> str | None:
    """The key of row ``index`` of table ``spec``: its key column's text, or the 1-based position."""
    if not 0 <= index < len(rows):
        return None
    if spec.key is None:
        return str(index + 1)
    return value_text(rows[index].get(spec.key))


def row_index_of(spec: FormField, rows: Sequence[Mapping[str, Any]], row_key: str) -> int | None:
    """The 0-based index of the row with ``row_key`` (see :func:`row_key_of`), or None when there is none."""
    if spec.key is None:
        index = int(row_key) - 1 if row_key.isdigit() else -1
        return index if 0 <= index < len(rows) else None
    for index, cells in enumerate(rows):
        if value_text(cells.get(spec.key)) == row_key:
            return index
    return None


@dataclass
class ResolvedEdits:
    """The values with the edits in force, and every newest edit by cell with its state."""

    values: dict[str, Any]
    applied: dict[str, Edit] = field(default_factory=dict)
    stale: dict[str, Edit] = field(default_factory=dict)
    states: dict[str, EditState] = field(default_factory=dict)


def _copy(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: [dict(r) for r in v] if isinstance(v, list) and v and isinstance(v[0], dict) else v
            for k, v in values.items()}


def _identity(edit: Edit, spec: FormField | None) -> tuple[str, str | None]:
    if edit.row is None and edit.row_key is None:
        return edit.field_name, None
    if edit.row_key is not None:
        return edit.field_name, edit.row_key
    # Edits made before row keys existed name a position.
    return edit.field_name, str((edit.row or 0) + 1) if spec is None or spec.key is None else f"#{edit.row}"


def _table_spec(form: Form, field_name: str) -> tuple[FormField | None, str | None]:
    name, _, column = field_name.partition(".")
    try:
        spec = form.field(name)
    except NotFound:
        return None, None
    return (spec, column) if spec.type is FieldType.TABLE else (spec, None)


def _current_index(spec: FormField, rows: Sequence[Mapping[str, Any]], key: str) -> int | None:
    if key.startswith("#"):  # an old positional edit on a keyed table
        index = int(key[1:])
        return index if 0 <= index < len(rows) else None
    return row_index_of(spec, rows, key)


def resolve_edits(form: Form, submission: Submission, reported: Mapping[str, Any],
                  edits: Iterable[Edit]) -> ResolvedEdits:
    """Lay the edits that count over ``reported`` (pass the edits of one form and unit oldest first).

    Without edits the values are ``reported`` itself (not a copy): treat both as read-only.
    """
    edits = list(edits)
    if not edits:
        return ResolvedEdits(reported if isinstance(reported, dict) else dict(reported))
    newest: dict[tuple[str, str | None], Edit] = {}
    for edit in edits:
        spec, _ = _table_spec(form, edit.field_name)
        newest[_identity(edit, spec)] = edit
    result = ResolvedEdits(_copy(reported))
    nil = submission.state == "nil"
    for (field_name, key), edit in newest.items():
        if edit.kind == WITHDRAWAL:
            continue
        spec, column = _table_spec(form, field_name)
        rows = reported.get(spec.name) if spec is not None and column is not None else None
        index = None
        if key is not None and spec is not None and column is not None:
            index = _current_index(spec, rows if isinstance(rows, list) else [], key)
        cell = edit_key(field_name, index if key is not None else None) if index is not None or key is None \
            else edit_key(field_name, edit.row)
        now = _reported_cell(reported, field_name, column, index, key)
        state = _state(edit, submission, now, nil or (key is not None and index is None))
        result.states[cell] = state
        if state is EditState.STALE:
            result.stale[cell] = edit
            continue
        result.applied[cell] = edit
        value = json.loads(edit.value_json)
        if key is None:
            result.values[field_name] = value
        else:
            assert index is not None and spec is not None and column is not None
            result.values[spec.name][index][column] = value
    return result


def _reported_cell(reported: Mapping[str, Any], field_name: str, column: str | None, index: int | None,
                   key: str | None) -> Any:
    if key is None:
        return reported.get(field_name)
    if index is None or column is None:
        return None
    table = field_name.partition(".")[0]
    return reported[table][index].get(column)


def _state(edit: Edit, submission: Submission, now: Any, gone: bool) -> EditState:
    if gone:
        return EditState.STALE
    if edit.submission_id == submission.id:
        return EditState.APPLIED
    if value_text(json.loads(edit.reported_json)) == value_text(now):
        return EditState.CARRIED_FORWARD
    return EditState.STALE
