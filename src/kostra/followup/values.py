"""The year's data as the office works with it, read through the dataset layer (``kostra.dataset``).

Kept for the follow-up's callers: ``year_values`` returns the per-form records of
:func:`kostra.dataset.submitted_forms` (latest versions, typed, with the edits that count for that version).
Edits never overwrite: ``reported`` keeps what the unit sent, ``values`` is what controls, estimation and key
figures read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from kostra.dataset import FormRecord, edit_key, submitted_forms, typed_values
from kostra.dataset import latest_submissions as _latest
from kostra.store.models import Submission

__all__ = ["FormValues", "edit_key", "latest_submissions", "typed_values", "year_values"]

FormValues = FormRecord


def latest_submissions(session: Session, year: int, form_id: str | None = None,
                       unit_codes: Iterable[str] | None = None) -> list[Submission]:
    """The newest version of every (form, unit) submitted in ``year``, ordered by form and unit."""
    return _latest(session, year, forms=None if form_id is None else [form_id], units=unit_codes)


def year_values(session: Session, year: int, form_id: str | None = None,
                unit_codes: Iterable[str] | None = None, *, as_of: date | None = None) -> list[FormRecord]:
    """Every unit's latest submission of ``year`` (nil returns included), typed and with the edits that count."""
    return submitted_forms(session, year, forms=None if form_id is None else [form_id], units=unit_codes,
                           as_of=as_of)
