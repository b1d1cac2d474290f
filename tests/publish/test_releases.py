"""Releases of the demo year: preliminary, final, correction; immutable; values, statuses and symbols; the
corrections log with the edit behind a change."""

from __future__ import annotations

import json

import polars as pl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access.users import principal_of
from kostra.dataset import year_values
from kostra.followup.edits import edit_value
from kostra.publish import (
    ReleaseChanged,
    ReleaseRefused,
    corrections,
    make_release,
    release_table,
    release_tables,
    releases,
)
from kostra.settings import Settings
from kostra.store.models import AuditEvent, User


def _cell(table, **codes: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    frame = table.frame
    for name, code in codes.items():
        frame = frame.filter(pl.col(name) == code)
    assert frame.height == 1
    return frame.row(0, named=True)


def _reported(session: Session, form: str, unit: str, field: str) -> dict[str, object]:
    frame = year_values(session, 2025, forms=[form], units=[unit]).filter(pl.col("field_id") == field)
    return frame.row(0, named=True)


def test_a_correction_needs_a_final_release_and_a_preliminary_comes_first(session: Session, demo: Settings) -> None:
    with pytest.raises(ReleaseRefused, match="no final release yet"):
        make_release(session, demo.home, 2025, "correction", actor="statistiker")
    assert releases(session, 2025) == []
    assert not list((demo.home / "snapshots" / "2025").glob("release-*"))  # the refusal left nothing behind


def test_the_preliminary_release_sums_what_units_reported(session: Session, demo: Settings) -> None:
    made = make_release(session, demo.home, 2025, "preliminary", actor="statistiker")
    session.commit()
    assert made.kind == "preliminary" and made.created_by == "statistiker" and len(made.sha256) == 64
    table = release_table(session, demo.home, made.id, "skjema1_legetimer")
    assert table.frame.columns == ["region", "statistikkvariabel", "Tid", "value", "status", "symbol"]
    assert set(table.frame["status"]) == {"preliminary"}
    # Kongsvinger's own figure is what it reported; Oslo is the sum of its districts that reported
    kongsvinger = _reported(session, "1", "3401", "2.1.1")
    own = _cell(table, region="3401", statistikkvariabel="2.1.1")["value"]
    assert own == pytest.approx(kongsvinger["value_number"])
    grunerlokka = _reported(session, "1", "030102", "2.1.3")
    oslo = _cell(table, region="0301", statistikkvariabel="2.1.3")["value"]
    assert oslo == pytest.approx(grunerlokka["value_number"])
    # a municipality outside the small demo has reported nothing: '..' and no value
    assert _cell(table, region="5636", statistikkvariabel="2.1.1") == {
        "region": "5636", "statistikkvariabel": "2.1.1", "Tid": "2025", "value": None, "status": "preliminary",
        "symbol": ".."}
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "publish.release")).all()
    assert [json.loads(e.detail_json)["kind"] for e in events] == ["preliminary"]


def test_a_release_is_immutable_and_a_changed_file_is_refused(session: Session, demo: Settings) -> None:
    made = releases(session, 2025)  # the first test's release, unless that test ran in another worker
    first = made[0] if made else make_release(session, demo.home, 2025, "preliminary", actor="statistiker")
    session.commit()
    row = release_tables(session, first.id)[0]
    path = demo.home / row.path
    assert not path.stat().st_mode & 0o222  # read-only
    original = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    try:
        with pytest.raises(ReleaseChanged, match="changed since the release was made"):
            release_table(session, demo.home, first.id, row.table_id)
    finally:
        path.write_bytes(original)
        path.chmod(0o444)
    with pytest.raises(ReleaseRefused, match="a preliminary release is only the year's first"):
        make_release(session, demo.home, 2025, "preliminary", actor="statistiker")


def test_final_then_a_correction_marks_what_an_edit_changed_as_revised(session: Session, demo: Settings) -> None:
    final = make_release(session, demo.home, 2025, "final", actor="statistiker")
    session.commit()
    reported = _reported(session, "1", "3401", "2.1.1")
    statistician = principal_of(session.scalars(select(User).where(User.username == "statistiker")).one())
    edit_value(session, statistician, year=2025, form_id="1", unit_code="3401", field="legetimer_f232",
               value="77,5", reason="REVIEW", comment="checked with the municipality")
    session.commit()
    fixed = make_release(session, demo.home, 2025, "correction", actor="statistiker")
    session.commit()
    table = release_table(session, demo.home, fixed.id, "skjema1_legetimer")
    before = release_table(session, demo.home, final.id, "skjema1_legetimer")
    cell = _cell(table, region="3401", statistikkvariabel="2.1.1")
    assert (cell["value"], cell["status"]) == (77.5, "revised")
    assert _cell(table, region="3401", statistikkvariabel="2.1.3")["status"] == "final"
    # the total over functions and every aggregate above Kongsvinger moved by the same amount
    delta = 77.5 - float(reported["value_number"])  # type: ignore[arg-type]
    for region in ("3401", "EKA34", "EAK"):
        old = _cell(before, region=region, statistikkvariabel="2.1")["value"]
        assert _cell(table, region=region, statistikkvariabel="2.1")["value"] == pytest.approx(old + delta)
    log = corrections(session, demo.home, fixed.id)
    changed = set(log.filter(pl.col("table_id") == "skjema1_legetimer")["cell"])
    assert "region=3401, statistikkvariabel=2.1.1, Tid=2025" in changed
    assert log.height == fixed.changed and set(log["table_id"]) == {"skjema1_legetimer"}
    reason = log.filter(pl.col("cell") == "region=EAK, statistikkvariabel=2.1.1, Tid=2025")["reason"][0]
    assert reason.startswith("3401 2.1.1: edit") and "(REVIEW) by statistiker: checked with the municipality" in reason
