"""The inputs of the hand-computed key-figure cases (listed in test_hand_cases.py's docstring), stored as a
municipality would submit them: forms, 11F files (districts 030101, 030102) and a 0A file (3401)."""

from __future__ import annotations

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from kostra.store.models import Attachment, Submission, Unit
from tests.factories import submit_attachment

__all__ = ["STAND_IN", "YEAR", "attach", "f0a", "f11", "half_up", "store_inputs", "submit"]

YEAR = 2025
STAND_IN = 2024  # newest population held: 1 January 2024


def half_up(numerator: float, denominator: float, factor: int, decimals: int) -> float:
    exact = Decimal(str(numerator)) / Decimal(str(denominator)) * factor
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def submit(session: Session, form: str, unit: str, values: dict[str, object], *, year: int = YEAR,
           state: str = "submitted", version: int = 1) -> Submission:
    submission = Submission(year=year, form_id=form, unit_code=unit, version=version, state=state,
                            values_json=json.dumps(values), worst_severity="OK", content_hash="a" * 64,
                            receipt_id=f"K{year}-{form}-{unit}-{version}", created_by=f"demo-{unit}")
    session.add(submission)
    session.flush()
    return submission


def attach(session: Session, form: str, unit: str, lines: list[str], year: int = YEAR) -> Submission:
    content = ("\n".join(lines) + "\n").encode("latin-1")
    attachment = Attachment(year=year, form_id=form, unit_code=unit, filename=f"{form}.dat", content=content,
                            sha256=hashlib.sha256(content).hexdigest(), severity="OK", report_json="{}",
                            uploaded_by="test")
    session.add(attachment)
    session.flush()
    return submit_attachment(session, attachment)


def f11(district: str, fnr: str, months: str, bidrag: int) -> str:
    line = [" "] * 338

    def put(start: int, text: str) -> None:
        line[start:start + len(text)] = list(text)
    put(0, "0301")
    put(4, "25")
    put(6, district[-2:])
    put(16, f"{fnr[-4:]:>8}")
    put(24, fnr)
    for month in months.split():
        put(57 + 2 * (int(month) - 1), f"{int(month):02d}")
    put(81, f"{bidrag:>7}")
    put(88, f"{0:>7}")
    return "".join(line)


def f0a(region: str, funksjon: str, art: str, belop: int, year: int = YEAR) -> str:
    line = f"0A{year} {region}00" + " " * 18 + "1" + f"{funksjon:<4}" + art + f"{belop:>9}"
    assert len(line) == 48
    return line


def store_inputs(session: Session) -> Session:
    session.add_all([Unit(code="911111111", kind="institution", name="Kongsvinger helsehus", orgnr="911111111",
                          municipality_code="3401"),
                     Unit(code="0301", kind="municipality", name="Oslo"),
                     Unit(code="030101", kind="oslo_district", name="Gamle Oslo", municipality_code="0301")])
    session.flush()
    submit(session, "5", "974600951", {"enerom": 27, "rom_i_alt": 30})
    submit(session, "5", "911111111", {"enerom": 10, "rom_i_alt": 10})
    submit(session, "5", "976990803", {"enerom": 0, "rom_i_alt": 0})
    submit(session, "7", "3401", {"vedtak_kjop_rustiltak": 12})
    submit(session, "13", "3401", {"kommunalt_disponerte_boliger": 400})
    attach(session, "11", "030101", [f11("030101", "01010150000", "01 02", 1000),
                                      f11("030101", "02020250000", "03", 500)])
    attach(session, "11", "030102", [f11("030102", "02020250000", "03 04", 700),
                                      f11("030102", "03030350000", "05", 300)])
    attach(session, "0A", "3401", [f0a("3401", "120", "010", 500), f0a("3401", "120", "600", -200)])
    session.commit()
    return session
