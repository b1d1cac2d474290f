"""The year's values in long form: statuses, exact decimals, lineage, ``as_of`` and ``approved_only``.

Expected values are written out by hand from the answers each test stores.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy.orm import Session

from kostra.access import Principal, Role
from kostra.dataset import COLUMNS, ValueStatus, submitted_attachments, year_values
from kostra.followup.approval import approve
from kostra.reporting import submissions
from kostra.store.models import Submission
from tests.factories import form5_values

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
LILLEHAMMER = Principal("demo-3405", Role.REPORTER, "3405")
STATISTICIAN = Principal("statistiker", Role.STATISTICIAN, None)
FORM5 = {"year": 2025, "form_id": "5", "unit_code": "974600951"}


def _submit5(session: Session, **overrides: object) -> Submission:
    submissions.save_draft(session, KONGSVINGER, values=form5_values(**overrides), confirm=["*"], replace=True,
                           **FORM5)
    receipt = submissions.submit(session, KONGSVINGER, confirm_warnings=True, **FORM5)
    session.commit()
    return receipt


def _stored_form1(session: Session, unit: str, values: dict[str, object], *, year: int = 2025, version: int = 1,
                  at: datetime | None = None) -> Submission:
    # Stored the way the demo stores forms in bulk (values as the validator normalises them: decimals as text).
    row = Submission(year=year, form_id="1", unit_code=unit, version=version, state="submitted",
                     values_json=json.dumps(values), worst_severity="OK", content_hash="f" * 64,
                     receipt_id=f"K{year}-1-{unit}-{version}", created_by=f"demo-{unit}",
                     created_at=at or datetime.now(UTC))
    session.add(row)
    session.commit()
    return row


def _value(frame: pl.DataFrame, form: str, unit: str, field: str) -> dict[str, object]:
    [row] = frame.filter((pl.col("form_id") == form) & (pl.col("unit_code") == unit)
                         & (pl.col("field_name") == field)).to_dicts()
    return row


def test_columns_are_the_documented_ones_in_order(session: Session) -> None:
    _submit5(session)
    frame = year_values(session, 2025)
    assert frame.columns == list(COLUMNS)
    assert dict(frame.schema)["value_number"] == pl.Float64 and dict(frame.schema)["version"] == pl.Int32


def test_decimals_keep_their_exact_text(session: Session) -> None:
    _stored_form1(session, "3401", {"jordmor_ansatt": True, "jordmor_aarsverk": "0.94",
                                    "helsesykepleier_aarsverk": "12.10", "antall_leger": 17})
    frame = year_values(session, 2025, forms=["1"], units=["3401"])
    midwives = _value(frame, "1", "3401", "jordmor_aarsverk")
    assert (midwives["value_text"], midwives["value_number"], midwives["status"]) == ("0.94", 0.94, "reported")
    assert _value(frame, "1", "3401", "helsesykepleier_aarsverk")["value_text"] == "12.1"
    assert _value(frame, "1", "3401", "antall_leger")["value_text"] == "17"
    employed = _value(frame, "1", "3401", "jordmor_ansatt")
    assert (employed["value_text"], employed["value_bool"], employed["value_number"]) == ("true", True, None)


def test_missing_not_applicable_nil_and_zero_are_different_states(session: Session) -> None:
    _stored_form1(session, "3401", {"jordmor_ansatt": False, "antall_leger": 0})
    submissions.declare_nil(session, LILLEHAMMER, year=2025, form_id="5", unit_code="976990803",
                            reason="lagt ned")
    session.commit()
    frame = year_values(session, 2025)
    assert _value(frame, "1", "3401", "antall_leger")["value_text"] == "0"  # a real zero is a value
    assert _value(frame, "1", "3401", "antall_leger")["status"] == ValueStatus.REPORTED
    assert _value(frame, "1", "3401", "jordmor_aarsverk")["status"] == ValueStatus.NOT_APPLICABLE  # 4.1 is no
    assert _value(frame, "1", "3401", "legetimer_f232")["status"] == ValueStatus.MISSING  # applies, left empty
    nil = _value(frame, "5", "976990803", "plasser_i_alt")
    assert (nil["status"], nil["note"], nil["version"]) == ("nil", "lagt ned", 1)
    never = _value(frame, "1", "3405", "antall_leger")  # Lillehammer has not submitted form 1
    assert (never["status"], never["submission_id"], never["value_text"]) == ("missing", None, None)
    expected = year_values(session, 2025, expected=False)
    assert expected.filter(pl.col("unit_code") == "3405", pl.col("form_id") == "1").is_empty()


def test_prefilled_values_never_confirmed_are_not_reported(session: Session) -> None:
    _stored_form1(session, "3405", {"ansvarlig_navn": "Kari Nordmann", "antall_leger": 30}, year=2024)
    submissions.save_draft(session, LILLEHAMMER, year=2025, form_id="1", unit_code="3405",
                           values={"antall_leger": "31"}, confirm=[])
    session.commit()
    frame = year_values(session, 2025, forms=["1"], units=["3405"])
    name = _value(frame, "1", "3405", "ansvarlig_navn")
    assert (name["status"], name["value_text"]) == ("prefilled_unconfirmed", "Kari Nordmann")
    assert _value(frame, "1", "3405", "antall_leger")["status"] == "missing"  # only in a draft: not received


def test_lineage_names_the_submission_version_and_receipt(session: Session) -> None:
    first = _submit5(session, plasser_i_alt="64")
    second = _submit5(session, plasser_i_alt="66")
    row = _value(year_values(session, 2025, forms=["5"]), "5", "974600951", "plasser_i_alt")
    assert (row["value_text"], row["submission_id"], row["version"]) == ("66", second.id, 2)
    assert row["receipt_id"] == second.receipt_id and row["content_hash"] == second.content_hash != first.content_hash
    assert row["submitted_by"] == "demo-3401" and row["approved"] is False


def test_as_of_and_approved_only(session: Session) -> None:
    _stored_form1(session, "3401", {"antall_leger": 17}, at=datetime(2026, 2, 1, 12, tzinfo=UTC))
    _stored_form1(session, "3401", {"antall_leger": 18}, version=2, at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    def doctors(**options: object) -> list[object]:
        frame = year_values(session, 2025, forms=["1"], units=["3401"], **options)  # type: ignore[arg-type]
        return frame.filter(pl.col("field_name") == "antall_leger")["value_text"].to_list()
    assert doctors() == ["18"]
    assert doctors(as_of=date(2026, 2, 15)) == ["17"]
    assert doctors(as_of=date(2026, 3, 2)) == ["18"]  # 23:30 UTC on 1 March is 00:30 on 2 March in Oslo
    assert doctors(as_of=date(2026, 3, 1)) == ["17"]
    assert doctors(as_of=date(2026, 1, 31)) == [None]  # not yet received: missing
    assert doctors(approved_only=True) == []
    approve(session, STATISTICIAN, year=2025, form_id="1", unit_code="3401")
    session.commit()
    assert doctors(approved_only=True) == ["18"]


def test_only_the_submitted_attachment_counts(session: Session) -> None:
    from kostra.catalog.forms import load_catalog
    from kostra.demo.generate_accounts import generate
    from kostra.reporting.attachments import upload_attachment
    from kostra.store.models import Unit

    form = load_catalog(2025).form("0A")
    unit = session.get(Unit, "3401")
    assert unit is not None
    first, _ = upload_attachment(session, KONGSVINGER, form=form, unit=unit, year=2025, filename="0A.dat",
                                 data=generate("0A", 2025, "340100", 40, 1))
    assert submitted_attachments(session, 2025) == []  # uploaded, not submitted
    submissions.submit(session, KONGSVINGER, year=2025, form_id="0A", unit_code="3401", confirm_warnings=True)
    session.commit()
    upload_attachment(session, KONGSVINGER, form=form, unit=unit, year=2025, filename="0A-new.dat",
                      data=generate("0A", 2025, "340100", 40, 2))
    session.commit()
    [counted] = submitted_attachments(session, 2025)
    assert (counted.attachment_id, counted.sha256, counted.version) == (first.id, first.sha256, 1)
