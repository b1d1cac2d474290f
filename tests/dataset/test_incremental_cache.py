"""Issue 9 point 8: after a change the cached year is updated unit by unit, and equals a full rebuild.

Each step changes one thing the values are built from (a new version, an edit, an approval, a draft, a unit's
activity) and compares the frame read through ``KOSTRA_HOME/cache`` with one built from scratch without a
cache: same rows, same order, same values in every column. The unit stamps show that only the touched unit
was rebuilt (approvals touch none: they are laid on the frame on every read).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from kostra.access import Principal, Role
from kostra.dataset import year_values
from kostra.dataset.cache import cached_by_unit, unit_stamps
from kostra.followup.approval import approve
from kostra.followup.edits import edit_value
from kostra.reporting import submissions
from kostra.store.models import Unit
from tests.factories import form5_values

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
LILLEHAMMER = Principal("demo-3405", Role.REPORTER, "3405")
STATISTICIAN = Principal("statistiker", Role.STATISTICIAN, None)
KONGSVINGER_HOME = "974600951"
LILLEHAMMER_HOUSE = "976990803"


def _submit_form5(session: Session, principal: Principal, unit: str, **overrides: object) -> None:
    place = {"year": 2025, "form_id": "5", "unit_code": unit}
    submissions.save_draft(session, principal, values=form5_values(**overrides), confirm=["*"], replace=True,
                           **place)
    submissions.submit(session, principal, confirm_warnings=True, **place)
    session.commit()


def _assert_cache_equals_full_build(session: Session, cache: Path) -> None:
    for expected in (True, False):
        cached = year_values(session, 2025, expected=expected, cache_dir=cache)
        fresh = year_values(session, 2025, expected=expected)
        assert cached.schema == fresh.schema
        assert cached.height == fresh.height > 0
        assert cached.equals(fresh), f"expected={expected}: the cached frame differs from a full rebuild"
        assert year_values(session, 2025, expected=expected, cache_dir=cache).equals(fresh)  # read back as well


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {code for code in before.keys() | after.keys() if before.get(code) != after.get(code)}


def _cell(frame: pl.DataFrame, unit: str, field: str) -> dict[str, object]:
    [row] = frame.filter(pl.col("unit_code") == unit, pl.col("field_name") == field).to_dicts()
    return row


def test_each_change_rebuilds_one_unit_and_equals_a_full_build(session: Session, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _submit_form5(session, KONGSVINGER, KONGSVINGER_HOME, plasser_i_alt="64")
    _submit_form5(session, LILLEHAMMER, LILLEHAMMER_HOUSE, institusjonsnavn="Lillehammer helsehus",
                  orgnr="976990803")
    _assert_cache_equals_full_build(session, cache)
    stamps = unit_stamps(session, 2025, drafts=True)

    # A statistician's edit: one unit changes, the value shows as edited.
    edit_value(session, STATISTICIAN, field="plasser_i_alt", value="68", reason="REVIEW", year=2025, form_id="5",
               unit_code=KONGSVINGER_HOME)
    session.commit()
    stamps, before = unit_stamps(session, 2025, drafts=True), stamps
    assert _changed(before, stamps) == {KONGSVINGER_HOME}
    _assert_cache_equals_full_build(session, cache)
    edited = _cell(year_values(session, 2025, cache_dir=cache), KONGSVINGER_HOME, "plasser_i_alt")
    assert (edited["status"], edited["value_text"], edited["reported_text"]) == ("edited", "68", "64")

    # A new version from the unit: its new value stands, the edit is stale.
    _submit_form5(session, KONGSVINGER, KONGSVINGER_HOME, plasser_i_alt="66")
    stamps, before = unit_stamps(session, 2025, drafts=True), stamps
    assert _changed(before, stamps) == {KONGSVINGER_HOME}
    _assert_cache_equals_full_build(session, cache)
    resubmitted = _cell(year_values(session, 2025, cache_dir=cache), KONGSVINGER_HOME, "plasser_i_alt")
    assert (resubmitted["version"], resubmitted["value_text"], resubmitted["edit_state"]) == (2, "66", "stale")

    # An approval changes no stamp: the approved column is laid on from the approvals on every read.
    approve(session, STATISTICIAN, year=2025, form_id="5", unit_code=LILLEHAMMER_HOUSE)
    session.commit()
    stamps, before = unit_stamps(session, 2025, drafts=True), stamps
    assert _changed(before, stamps) == set()
    _assert_cache_equals_full_build(session, cache)
    approved = year_values(session, 2025, cache_dir=cache).filter(pl.col("form_id") == "5")
    assert dict(approved.group_by("unit_code").agg(pl.col("approved").unique()).iter_rows()) == {
        KONGSVINGER_HOME: [False], LILLEHAMMER_HOUSE: [True]}

    # A draft of a form not yet submitted: its pre-filled field shows as unconfirmed (expected rows only).
    submissions.save_draft(session, LILLEHAMMER, year=2025, form_id="1", unit_code="3405",
                           values={"ansvarlig_navn": "Ola Nordmann"})
    session.commit()
    stamps, before = unit_stamps(session, 2025, drafts=True), stamps
    assert _changed(before, stamps) == {"3405"}
    _assert_cache_equals_full_build(session, cache)
    drafted = _cell(year_values(session, 2025, forms=["1"], units=["3405"]), "3405", "ansvarlig_navn")
    assert (drafted["status"], drafted["value_text"]) == ("prefilled_unconfirmed", "Ola Nordmann")

    # A unit that stops reporting: its expected rows go.
    session.execute(update(Unit).where(Unit.code == "3401").values(active=False))
    session.commit()
    stamps, before = unit_stamps(session, 2025, drafts=True), stamps
    assert _changed(before, stamps) == {"3401"}
    _assert_cache_equals_full_build(session, cache)
    assert year_values(session, 2025, cache_dir=cache).filter(pl.col("unit_code") == "3401").is_empty()
    assert len(list(cache.glob("values-2025-*.parquet"))) == 1  # one file per name


@pytest.mark.parametrize("expected", [True, False])
def test_a_splice_builds_only_the_changed_units(session: Session, tmp_path: Path, expected: bool) -> None:
    asked: list[list[str] | None] = []

    def build(codes: list[str] | None) -> pl.DataFrame:
        asked.append(codes)
        return year_values(session, 2025, units=codes, expected=expected)

    def read() -> pl.DataFrame:
        stamps = unit_stamps(session, 2025, drafts=expected)
        return cached_by_unit(tmp_path, "values", "base", stamps, build)

    _submit_form5(session, KONGSVINGER, KONGSVINGER_HOME)
    pl.DataFrame({"unit_code": ["0000"]}).write_parquet(tmp_path / "values-0123abcd.parquet")  # an older format
    first = read()
    assert read().equals(first) and asked == [None]  # built once (the old file is not used), then read
    assert len(list(tmp_path.glob("values-*.parquet"))) == 1
    edit_value(session, STATISTICIAN, field="plasser_i_alt", value="70", reason="REVIEW", year=2025, form_id="5",
               unit_code=KONGSVINGER_HOME)
    session.commit()
    spliced = read()
    assert asked == [None, [KONGSVINGER_HOME]]
    assert spliced.equals(year_values(session, 2025, expected=expected))
    assert _cell(spliced, KONGSVINGER_HOME, "plasser_i_alt")["value_text"] == "70"
    # Another base (new definitions or code) never splices into the old frame.
    assert cached_by_unit(tmp_path, "values", "other", unit_stamps(session, 2025, drafts=expected), build).equals(
        spliced) and asked[-1] is None
