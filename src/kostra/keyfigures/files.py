"""The records of the submitted 11F/11CF files key figures read: one row per record, only the fields the
figures need (a year holds 100 000+ records), with the person each record is about and its months of help.

A person is the national identity number where it has 11 digits, else the DUF number, else the district's
journal number: Oslo counts a person helped by several districts once. With a ``cache_dir`` the frame is kept
under a key over the counted files (unit, submission, attachment id and SHA-256), the fields cut and the code
and layout that cut them, so a new process reads it instead of cutting every file again; never stale.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.dataset import latest_submissions
from kostra.keyfigures.cache import CODE, cached_frame, code_stamp, key_of
from kostra.store.models import Attachment, Submission

__all__ = ["file_records"]

_VERSION = 1  # bump when the frame's shape or meaning changes
_MONTHS = [f"STMND_{m}" for m in range(1, 13)]
_FILE_SCHEMA = {"text": pl.String, "unit": pl.String, "submission_id": pl.Int64, "version": pl.Int64,
                "attachment_id": pl.Int64}


def _slices(layout_fields: list[Any], names: set[str]) -> list[tuple[str, int, int]]:
    return [(f.name, f.start, f.size) for f in layout_fields if f.name in names]


def _cut(session: Session, found: list[Submission], cuts: list[tuple[str, int, int]]) -> pl.DataFrame:
    """The fields ``cuts`` of every non-blank line of the submitted files ``found``, in one Polars pass."""
    if not found:
        return pl.DataFrame(schema={"unit": pl.String, **{n: pl.String for n, _, _ in cuts}})
    contents = dict(session.execute(select(Attachment.id, Attachment.content).where(
        Attachment.id.in_([s.attachment_id for s in found]))).all())
    files = pl.DataFrame([((contents.get(s.attachment_id) or b"").decode("latin-1"), s.unit_code, s.id, s.version,
                           s.attachment_id) for s in found if s.attachment_id in contents],
                         schema=_FILE_SCHEMA, orient="row")
    # Lines end in \n, \r\n or \r (as str.splitlines reads them); blank lines are not records.
    lines = files.with_columns(pl.col("text").str.replace_all("\r\n?", "\n").str.split("\n")).explode("text") \
        .filter(pl.col("text").str.strip_chars() != "")
    return lines.select("unit", "submission_id", "version", "attachment_id",
                        *[pl.col("text").str.slice(start, size).str.strip_chars().alias(n) for n, start, size in cuts])


def _with_person(frame: pl.DataFrame) -> pl.DataFrame:
    present = [m for m in _MONTHS if m in frame.columns]
    person = pl.coalesce(
        pl.when(pl.col("PERSON_FODSELSNR").str.len_chars() == 11).then("fnr:" + pl.col("PERSON_FODSELSNR")),
        *([pl.when(pl.col("PERSON_DUF").str.len_chars() > 0).then("duf:" + pl.col("PERSON_DUF"))]
          if "PERSON_DUF" in frame.columns else []),
        pl.format("jnr:{}:{}", pl.col("unit"), pl.col("PERSON_JOURNALNR")))
    return frame.with_columns(person.alias("person"),
                              pl.sum_horizontal([(pl.col(m).str.len_chars() > 0).cast(pl.Int32)
                                                 for m in present]).alias("months"))


def _key(session: Session, name: str, layout_year: int, cuts: list[tuple[str, int, int]],
         found: list[Submission]) -> str:
    hashes = dict(session.execute(select(Attachment.id, Attachment.sha256).where(
        Attachment.id.in_([s.attachment_id for s in found]))).all()) if found else {}
    code = code_stamp([CODE / "keyfigures" / "files.py", *(CODE / "intake" / "layouts").rglob(f"{name}*")])
    return key_of(_VERSION, name, layout_year, cuts, code,
                  [(s.unit_code, s.id, s.version, s.attachment_id, hashes.get(s.attachment_id)) for s in found])


def file_records(session: Session, layout_year: int, files: set[str], file_fields: dict[str, set[str]],
                 units: list[str] | None, year: int, *, as_of: datetime | None = None, approved_only: bool = False,
                 cache_dir: Path | None = None) -> tuple[dict[str, pl.DataFrame], dict[str, dict[str, str]]]:
    """Per file (``11F``, ``11CF``): its records, and each unit's state (``value`` or ``nil``) of the form it
    is submitted with; a unit without a counted submission has no state (missing)."""
    from kostra.intake.layouts import load_layout
    from kostra.keyfigures.definitions import FILE_FORMS

    records: dict[str, pl.DataFrame] = {}
    states: dict[str, dict[str, str]] = {}
    for name in sorted(files):
        names = {"PERSON_FODSELSNR", "PERSON_JOURNALNR", "PERSON_DUF", *file_fields.get(name, set()), *_MONTHS}
        names.discard("months")
        cuts = _slices(list(load_layout(name, layout_year).fields), names)
        state: dict[str, str] = {}
        found = []
        for sub in latest_submissions(session, year, forms=[FILE_FORMS[name]], units=units, as_of=as_of,
                                      approved_only=approved_only):
            state[sub.unit_code] = "nil" if sub.state == "nil" else "value"
            if sub.attachment_id is not None and sub.state != "nil":
                found.append(sub)
        key = _key(session, name, layout_year, cuts, found) if cache_dir is not None else ""
        frame = cached_frame(cache_dir, f"keyfigures-{name}-{year}", key,
                             lambda found=found, cuts=cuts: _with_person(_cut(session, found, cuts)))
        assert frame is not None
        records[name], states[name] = frame, state
    return records, states
