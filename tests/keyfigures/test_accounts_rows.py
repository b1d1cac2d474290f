"""The accounts files as engine rows, read in one pass over all files (keyfigures.accounts.read_accounts):
the same rows as the accounts package's own reader (kostra.accounts.submitted.read_submitted), file by file.

Stored: 3401 0A with a blank line between two records (F120 art 010 500; art 600 −200) and CRLF endings;
3400 0C with one record (F420 art 010 800); 3405 0A with only a blank line (no records). Revenue arts
(600–999) are negated: art 600 −200 → belop 200. A second read (from memory) gives the same rows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from kostra.accounts.submitted import read_submitted
from kostra.keyfigures.accounts import accounts_attachments, read_accounts, summed_accounts
from kostra.store.models import Attachment, Unit
from tests.factories import submit_attachment
from tests.keyfigures.inputs import YEAR, f0a


def _store(session: Session, form: str, unit: str, content: bytes) -> int:
    attachment = Attachment(year=YEAR, form_id=form, unit_code=unit, filename=f"{form}.dat", content=content,
                            sha256=hashlib.sha256(content).hexdigest(), severity="OK", report_json="{}",
                            uploaded_by="test")
    session.add(attachment)
    session.flush()
    submit_attachment(session, attachment)
    return attachment.id


def test_one_pass_rows_equal_the_accounts_readers_rows(session: Session) -> None:
    session.add(Unit(code="3400", kind="county", name="Innlandet fylkeskommune"))
    session.flush()
    a = _store(session, "0A", "3401", (f0a("3401", "120", "010", 500) + "\r\n\r\n"
                                        + f0a("3401", "120", "600", -200) + "\r\n").encode("latin-1"))
    c = _store(session, "0C", "3400", (f0a("3400", "420", "010", 800).replace("0A", "0C", 1) + "\n").encode())
    _store(session, "0A", "3405", b"\n")
    session.commit()
    found = accounts_attachments(session, YEAR, None)
    kasse, konsern = read_accounts(session, YEAR, found)
    reference = read_submitted(session, YEAR)
    assert kasse.equals(reference.kasse) and konsern.equals(reference.konsern) and konsern.is_empty()
    again, _ = read_accounts(session, YEAR, found[::-1])  # from memory, the files asked in another order
    assert sorted(again.rows()) == sorted(kasse.rows())
    rows = sorted(kasse.select("region", "form", "funksjon", "art", "belop", "reported", "id").rows())
    assert rows == [("3400", "0C", "420", "010", 800, 800, f"{c}:1"),
                    ("3401", "0A", "120", "010", 500, 500, f"{a}:1"),
                    ("3401", "0A", "120", "600", 200, -200, f"{a}:3")]


def test_summed_rows_are_the_record_rows_added_up_per_file(session: Session, tmp_path: Path) -> None:
    """What the engine's values are computed from: the control run's per-file sums (one file parsed once for
    both), the same numbers as the record rows summed per unit, kontoklasse, function and art."""
    _store(session, "0A", "3401", (f0a("3401", "120", "010", 500) + "\r\n" + f0a("3401", "120", "010", 70)
                                   + "\r\n" + f0a("3401", "120", "600", -200) + "\r\n").encode("latin-1"))
    _store(session, "0A", "3405", (f0a("3405", "201", "010", 9) + "\n").encode())
    session.commit()
    found = accounts_attachments(session, YEAR, None)
    kasse, _ = summed_accounts(session, YEAR, found, tmp_path)
    got = sorted(kasse.select("region", "kontoklasse", "funksjon", "art", "belop").rows())
    assert got == [("3401", "D", "120", "010", 570.0), ("3401", "D", "120", "600", 200.0),
                   ("3405", "D", "201", "010", 9.0)]
    records, _ = read_accounts(session, YEAR, found)
    summed = records.group_by("region", "kontoklasse", "funksjon", "art").agg(pl.col("belop").sum())
    assert sorted(summed.rows()) == [(*row[:4], int(row[4])) for row in got]
    assert (tmp_path / f"accounts-{YEAR}.parquet").is_file()  # kept for the next process and the control run
    again, _ = summed_accounts(session, YEAR, found, tmp_path)
    assert sorted(again.select("region", "kontoklasse", "funksjon", "art", "belop").rows()) == got
