"""The accounts files as the engine reads them for key figures (keyfigures.accounts.summed_accounts): the
control run's per-file sums, the same numbers as the accounts package's own record reader
(kostra.accounts.submitted.read_submitted) added up per unit, kontoklasse, function and art.

Stored: 3401 0A with a blank line between two records (F120 art 010 500; art 600 −200) and CRLF endings;
3400 0C with one record (F420 art 010 800); 3405 0A with only a blank line (no records). Revenue arts
(600–999) are negated: art 600 −200 → belop 200.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from kostra.accounts.submitted import read_submitted
from kostra.keyfigures.accounts import accounts_attachments, summed_accounts
from kostra.store.models import Attachment, Unit
from tests.factories import submit_attachment
from tests.keyfigures.inputs import YEAR, f0a

_KEYS = ("region", "kontoklasse", "funksjon", "art")


def _sums(frame: pl.DataFrame) -> list[tuple[object, ...]]:
    return sorted(frame.group_by(*_KEYS).agg(pl.col("belop").sum().cast(pl.Float64)).rows())


def _store(session: Session, form: str, unit: str, content: bytes) -> int:
    attachment = Attachment(year=YEAR, form_id=form, unit_code=unit, filename=f"{form}.dat", content=content,
                            sha256=hashlib.sha256(content).hexdigest(), severity="OK", report_json="{}",
                            uploaded_by="test")
    session.add(attachment)
    session.flush()
    submit_attachment(session, attachment)
    return attachment.id


def test_sums_equal_the_accounts_readers_records_added_up(session: Session, tmp_path: Path) -> None:
    session.add(Unit(code="3400", kind="county", name="Innlandet fylkeskommune"))
    session.flush()
    _store(session, "0A", "3401", (f0a("3401", "120", "010", 500) + "\r\n\r\n"
                                   + f0a("3401", "120", "600", -200) + "\r\n").encode("latin-1"))
    _store(session, "0C", "3400", (f0a("3400", "420", "010", 800).replace("0A", "0C", 1) + "\n").encode())
    _store(session, "0A", "3405", b"\n")
    session.commit()
    found = accounts_attachments(session, YEAR, None)
    kasse, konsern = summed_accounts(session, YEAR, found, tmp_path)
    reference = read_submitted(session, YEAR)
    assert _sums(kasse) == _sums(reference.kasse) and konsern.is_empty() and reference.konsern.is_empty()
    assert _sums(kasse) == [("3400", "D", "420", "010", 800.0), ("3401", "D", "120", "010", 500.0),
                            ("3401", "D", "120", "600", 200.0)]


def test_summed_rows_are_the_record_rows_added_up_per_file(session: Session, tmp_path: Path) -> None:
    """A file's records with the same function and art are one row; the sums are kept for the next process
    and the control run."""
    _store(session, "0A", "3401", (f0a("3401", "120", "010", 500) + "\r\n" + f0a("3401", "120", "010", 70)
                                   + "\r\n" + f0a("3401", "120", "600", -200) + "\r\n").encode("latin-1"))
    _store(session, "0A", "3405", (f0a("3405", "201", "010", 9) + "\n").encode())
    session.commit()
    found = accounts_attachments(session, YEAR, None)
    kasse, _ = summed_accounts(session, YEAR, found, tmp_path)
    got = sorted(kasse.select(*_KEYS, "belop").rows())
    assert got == [("3401", "D", "120", "010", 570.0), ("3401", "D", "120", "600", 200.0),
                   ("3405", "D", "201", "010", 9.0)]
    assert _sums(read_submitted(session, YEAR).kasse) == got
    assert (tmp_path / f"accounts-{YEAR}.parquet").is_file()
    again, _ = summed_accounts(session, YEAR, found, tmp_path)
    assert sorted(again.select(*_KEYS, "belop").rows()) == got
