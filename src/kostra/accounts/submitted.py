"""The year's submitted accounts files as engine input: one row per record, traceable to file and line.

``read_submitted`` is the one place that reads accounts attachments (switch it to the dataset layer,
``kostra.dataset``, when that lands). It takes the latest accounts attachment per unit and form whose
control found nothing worse than WARNING, as the controls' snapshot does, from the bevilgning forms:

* kasse: 0A (kommunekasse), 0C (fylkeskommunekasse); kontoklasse 1 = drift (``D``), 0 = investering (``I``);
* konsern: 0M (konsolidert kommune), 0P (konsolidert fylkeskommune); 3 = drift, 4 = investering.

Signs: the files carry revenues (arts 600–999) as negative amounts (the control program's rule 110); SSB's
hierarchies read them as positive (``AGD1 = DR_UTG + A590 - DR_INNT``). ``belop`` is therefore the SSB
amount (revenue arts negated) and ``reported`` the amount as in the file; a contribution's sign times
``reported`` is its part of the value.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.intake.fixedwidth import parse_records, read_lines
from kostra.intake.layouts import load_layout
from kostra.store.models import Attachment

__all__ = ["KASSE_FORMS", "KONSERN_FORMS", "RECORD_SCHEMA", "Submitted", "read_submitted", "to_engine_rows"]

KASSE_FORMS = {"0A": {"1": "D", "0": "I"}, "0C": {"1": "D", "0": "I"}}
KONSERN_FORMS = {"0M": {"3": "D", "4": "I"}, "0P": {"3": "D", "4": "I"}}
RECORD_SCHEMA = {"region": pl.String, "kontoklasse": pl.String, "funksjon": pl.String, "art": pl.String,
                 "belop": pl.Int64, "reported": pl.Int64, "id": pl.String, "form": pl.String,
                 "attachment": pl.Int64, "line": pl.Int64}


@dataclass(frozen=True)
class Submitted:
    """Records of the year: ``kasse`` (0A/0C) and ``konsern`` (0M/0P), ``RECORD_SCHEMA`` columns."""

    year: int
    kasse: pl.DataFrame
    konsern: pl.DataFrame


def to_engine_rows(records: pl.DataFrame, kontoklasse: dict[str, str]) -> pl.DataFrame:
    """Raw records (``kontoklasse``, ``funksjon_kapittel``, ``art_sektor``, ``belop``, ``line``) as engine rows."""
    art = pl.col("art_sektor").str.strip_chars().str.slice(0, 3)
    reported = pl.col("belop").str.strip_chars().cast(pl.Int64, strict=False).fill_null(0)
    revenue = art.str.contains(r"^[6-9]\d\d$")
    return records.select(
        pl.col("kontoklasse").str.strip_chars().replace_strict(kontoklasse, default=None).alias("kontoklasse"),
        pl.col("funksjon_kapittel").str.strip_chars().str.slice(0, 3).alias("funksjon"),
        art.alias("art"),
        pl.when(revenue).then(-reported).otherwise(reported).alias("belop"),
        reported.alias("reported"),
        pl.col("line").cast(pl.Int64),
    ).filter(pl.col("kontoklasse").is_not_null())


def _parse(content: bytes, form_id: str, year: int) -> pl.DataFrame:
    records = parse_records(read_lines(content).frame, load_layout(form_id, year))
    return to_engine_rows(records, {**KASSE_FORMS, **KONSERN_FORMS}[form_id])


_cache_lock = threading.Lock()
_cache: OrderedDict[tuple[str, str, int], pl.DataFrame] = OrderedDict()
_CACHE_SIZE = 1024  # about three years of every unit's bevilgning files


def _parsed(session: Session, attachment_id: int, sha256: str, form_id: str, year: int) -> pl.DataFrame:
    """A file's engine rows, parsed once per content (SHA-256): an aggregate page reads hundreds of files."""
    key = (sha256, form_id, year)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    content = session.scalar(select(Attachment.content).where(Attachment.id == attachment_id))
    parsed = _parse(content or b"", form_id, year)
    with _cache_lock:
        _cache[key] = parsed
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return parsed


def read_submitted(session: Session, year: int, units: set[str] | None = None) -> Submitted:
    """The 0A/0C/0M/0P attachment of each unit's latest submission (only ``units`` when given).

    Only what was submitted counts (``kostra.dataset.submitted_attachments``): a file uploaded but not
    submitted, or replaced by a later submission, is not read.
    """
    from kostra.dataset import submitted_attachments

    forms = [*KASSE_FORMS, *KONSERN_FORMS]
    found = submitted_attachments(session, year, forms=forms, units=sorted(units) if units is not None else None)
    kasse, konsern = [], []
    for item in found:
        attachment_id, unit, form_id, sha256 = item.attachment_id, item.unit_code, item.form_id, item.sha256
        rows = _parsed(session, attachment_id, sha256, form_id, year).with_columns(
            pl.lit(unit, dtype=pl.String).alias("region"), pl.lit(form_id, dtype=pl.String).alias("form"),
            pl.lit(attachment_id, dtype=pl.Int64).alias("attachment"))
        rows = rows.with_columns(pl.format("{}:{}", pl.col("attachment"), pl.col("line")).alias("id"))
        (kasse if form_id in KASSE_FORMS else konsern).append(rows.select(list(RECORD_SCHEMA)))
    empty = pl.DataFrame(schema=RECORD_SCHEMA)
    return Submitted(year, pl.concat(kasse) if kasse else empty, pl.concat(konsern) if konsern else empty)
