"""Stale edits as the follow-up page shows them: made against an older version whose reported value the unit
has since changed. The statistician re-applies (``edits.reapply_edit``) or withdraws (``edits.withdraw_edit``)
each one."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from kostra.catalog.forms import Form
from kostra.followup.values import FormValues

__all__ = ["StaleEditView", "stale_rows"]

_CELL_KEY = re.compile(r"^\w+\[(?P<row>\d+)\]\.\w+$")


class StaleEditView(BaseModel):
    """An edit made against an older version whose reported value the unit has since changed."""

    edit_id: int
    key: str
    field_id: str
    label_nb: str
    label_en: str
    decimals: int
    value: Any
    reported_then: Any
    reported_now: Any
    version: int | None
    reason: str
    comment: str
    edited_by: str
    edited_at: datetime
    row_exists: bool


def stale_rows(form: Form, current: FormValues) -> list[StaleEditView]:
    """The stale edits of a form, with what the unit reports now (None when the row is gone)."""
    found = []
    for key, edit in current.stale.items():
        table, _, column = edit.field_name.partition(".")
        spec = form.field(table)
        columns = [c for c in spec.columns or () if c.name == column]
        label = columns[0] if columns else spec
        cell = _CELL_KEY.match(key)
        index = int(cell["row"]) if cell else None
        rows = current.reported.get(table) or []
        exists = index is None or (index < len(rows) and (edit.row_key is None or spec.key is None
                                                          or str(rows[index].get(spec.key)) == edit.row_key))
        now = current.reported.get(table) if index is None else (rows[index].get(column) if exists else None)
        found.append(StaleEditView(
            edit_id=edit.id, key=key, field_id=spec.id, label_nb=label.label.nb, label_en=label.label.en,
            decimals=label.decimals, value=json.loads(edit.value_json), reported_then=json.loads(edit.reported_json),
            reported_now=now, version=edit.version, reason=edit.reason_code, comment=edit.comment,
            edited_by=edit.created_by, edited_at=edit.created_at, row_exists=exists))
    return found
