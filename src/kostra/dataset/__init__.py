"""The year's values: one dataset layer for everything downstream (controls, follow-up, key figures, publishing).

    >>> from kostra.dataset import year_values, ValueStatus
    >>> frame = year_values(session, 2025, forms=["5"])          # long form, one row per value
    >>> records = submitted_forms(session, 2025, units=["3401"])  # per form: reported and edited values

See docs/dataset.md for the columns and the rules (versions, edits, statuses).
"""

from kostra.dataset.attachments import SubmittedAttachment, submitted_attachments
from kostra.dataset.columns import COLUMNS, SCHEMA
from kostra.dataset.edits import WITHDRAWAL, edit_key, row_index_of, row_key_of
from kostra.dataset.export import FORMATS, write_values
from kostra.dataset.previous import previous_year_values
from kostra.dataset.records import (
    FormRecord,
    approved_submission_ids,
    cutoff_of,
    end_of_day,
    latest_submissions,
    submitted_forms,
    typed_values,
)
from kostra.dataset.selection import check_selection, parse_day, years_with_data
from kostra.dataset.snapshots import SnapshotChanged, freeze, read_snapshot, snapshots
from kostra.dataset.status import EditState, ValueStatus
from kostra.dataset.text import number_text, value_text
from kostra.dataset.values import year_values

__all__ = [
    "COLUMNS",
    "FORMATS",
    "SCHEMA",
    "WITHDRAWAL",
    "EditState",
    "FormRecord",
    "SnapshotChanged",
    "SubmittedAttachment",
    "ValueStatus",
    "approved_submission_ids",
    "check_selection",
    "cutoff_of",
    "edit_key",
    "end_of_day",
    "freeze",
    "latest_submissions",
    "number_text",
    "parse_day",
    "previous_year_values",
    "read_snapshot",
    "row_index_of",
    "row_key_of",
    "snapshots",
    "submitted_attachments",
    "submitted_forms",
    "typed_values",
    "value_text",
    "write_values",
    "year_values",
    "years_with_data",
]
