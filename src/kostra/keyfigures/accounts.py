"""The accounts files key figures count, as accounts-engine rows: kasse (0A/0C) and konsern (0M/0P).

As :func:`kostra.accounts.submitted.read_submitted`, but limited to what was submitted by ``as_of`` (an
instant: the moment a snapshot was frozen) and, when asked, to approved versions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.accounts.submitted import KASSE_FORMS, KONSERN_FORMS, RECORD_SCHEMA, to_engine_rows
from kostra.dataset import SubmittedAttachment
from kostra.intake.fixedwidth import parse_records, read_lines
from kostra.intake.layouts import load_layout
from kostra.keyfigures.submitted import counted_attachments
from kostra.store.models import Attachment

__all__ = ["accounts_attachments", "read_accounts"]


def accounts_attachments(session: Session, year: int, units: Iterable[str] | None, *, as_of: datetime | None = None,
                         approved_only: bool = False) -> list[SubmittedAttachment]:
    """The submitted 0A/0C/0M/0P attachments that count (of ``units`` when given)."""
    return counted_attachments(session, year, forms=[*KASSE_FORMS, *KONSERN_FORMS],
                               units=sorted(units) if units is not None else None, as_of=as_of,
                               approved_only=approved_only)


def _rows(content: bytes, form_id: str, year: int) -> pl.DataFrame:
    records = parse_records(read_lines(content).frame, load_layout(form_id, year))
    return to_engine_rows(records, {**KASSE_FORMS, **KONSERN_FORMS}[form_id])


def read_accounts(session: Session, year: int, found: list[SubmittedAttachment]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The records of the attachments ``found``: (kasse, konsern), :data:`RECORD_SCHEMA` columns."""
    contents = dict(session.execute(select(Attachment.id, Attachment.content).where(
        Attachment.id.in_([a.attachment_id for a in found]))).all()) if found else {}
    kasse, konsern = [], []
    for item in found:
        rows = _rows(contents.get(item.attachment_id) or b"", item.form_id, year).with_columns(
            pl.lit(item.unit_code, dtype=pl.String).alias("region"),
            pl.lit(item.form_id, dtype=pl.String).alias("form"),
            pl.lit(item.attachment_id, dtype=pl.Int64).alias("attachment"))
        rows = rows.with_columns(pl.format("{}:{}", pl.col("attachment"), pl.col("line")).alias("id"))
        (kasse if item.form_id in KASSE_FORMS else konsern).append(rows.select(list(RECORD_SCHEMA)))
    empty = pl.DataFrame(schema=RECORD_SCHEMA)
    return (pl.concat(kasse) if kasse else empty), (pl.concat(konsern) if konsern else empty)
