"""Last year across the 2024 reform, on named municipalities (issue 9, point 4).

Checked by hand in ``reference/data/code_changes.csv`` and ``regions.csv``: 3001 Halden (2023) is 3101 Halden
(2024, Østfold re-established); 1507 Ålesund (2023) split into 1508 Ålesund and 1580 Haram (2024); 3401
Kongsvinger kept its code. Read backwards (2024 values in the 2023 structure) the split is a merger of 1508
and 1580 into 1507: the real merger case the reference data holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from kostra.controls.runs import run_outcomes
from kostra.controls.snapshot import load_snapshot
from kostra.dataset import previous_year_values, year_values
from kostra.dataset.reform import ReformKind, carry_forward, reform_between
from kostra.store.models import Submission, Unit

_serial = iter(range(1, 1_000_000))
_FTE = "okonomisk_radgivning_aarsverk"      # form 7, decimal FTEs: additive
_WAIT = "ventetid_gjeldsradgivning"         # form 7, an average (days): additive: false in the definition


def _submit(session: Session, year: int, unit: str, values: dict[str, object]) -> None:
    number = next(_serial)
    session.execute(insert(Submission), [{
        "year": year, "form_id": "7", "unit_code": unit, "version": 1, "state": "submitted",
        "values_json": json.dumps(values), "comments_json": "{}", "worst_severity": "OK",
        "content_hash": f"{number:064d}", "receipt_id": f"R{year}-7-{unit}-{number}", "created_by": "test"}])


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = create_engine(database_url)
    with Session(engine) as session:
        for code, name, active in (("3001", "Halden", False), ("1507", "Ålesund", False), ("3101", "Halden", True),
                                   ("1508", "Ålesund", True), ("1580", "Haram", True), ("3401", "Kongsvinger", True)):
            session.add(Unit(code=code, kind="municipality", name=name, municipality_code=code, population=10_000,
                             active=active))
        session.flush()
        for unit, fte in (("3001", 2.5), ("1507", 4.0), ("3401", 1.2)):
            _submit(session, 2023, unit, {_FTE: fte, _WAIT: 30, "gjeldsradgivning_saker": 40})
        for unit, fte in (("3101", 2.6), ("1508", 0.1), ("1580", 0.2), ("3401", 1.3)):
            _submit(session, 2024, unit, {_FTE: fte, _WAIT: 20, "gjeldsradgivning_saker": 10})
        session.commit()
        yield session
    engine.dispose()


def test_the_2024_reform_links_named_municipalities() -> None:
    reform = reform_between(2023, 2024)
    assert (reform.link("3101").kind, reform.link("3101").predecessors) == (ReformKind.CODE_CHANGE, ("3001",))
    assert reform.link("3401").kind is ReformKind.UNCHANGED
    for part in ("1508", "1580"):
        link = reform.link(part)
        assert (link.kind, link.predecessors, link.split_into) == (ReformKind.SPLIT, ("1507",), ("1508", "1580"))
        assert "delt fra 1507 Ålesund" in link.note() and "1580 Haram" in link.note()
    assert reform.counts() == {"unchanged": 242, "code_change": 113, "split": 2}
    backwards = reform_between(2024, 2023).link("1507")
    assert (backwards.kind, backwards.predecessors) == (ReformKind.MERGE, ("1508", "1580"))


def test_last_year_is_read_in_this_years_structure(session: Session) -> None:
    last = previous_year_values(session, 2024, forms=["7"])
    cells = {(r["unit_code"], r["field_name"]): r for r in last.to_dicts()}
    # Renumbered: 3001's value now belongs to 3101, exactly, with its lineage.
    assert cells[("3101", _FTE)]["value_text"] == "2.5" and cells[("3101", _FTE)]["submission_id"] is not None
    assert ("3001", _FTE) not in cells and cells[("3401", _FTE)]["value_text"] == "1.2"
    # Split: both parts are not applicable, the reason names the split.
    for part in ("1508", "1580"):
        row = cells[(part, _FTE)]
        assert row["status"] == "not_applicable" and row["value_text"] is None and "delt fra 1507" in row["note"]


def test_prev_hb_and_thousand_follow_the_reform(session: Session) -> None:
    snapshot = load_snapshot(session, 2024)
    previous = snapshot.data.previous
    assert previous is not None
    before = dict(zip(previous.units["unit"].to_list(), previous.units[f"skjema7.{_FTE}"].to_list(), strict=True))
    assert before["3101"] == 2.5 and before["3401"] == 1.2 and before["1508"] is None and before["1580"] is None
    results = run_outcomes(snapshot, form_id="7").results
    outcome = {(r["rule"], r["unit_code"]): r for r in results.to_dicts()}
    # prev() rule: Halden is compared with its 2023 self (2.6 against 2.5 passes); Haram is not applicable, saying why.
    assert outcome[("s7_aarsverk_endring", "3101")]["outcome"] == "pass"
    haram = outcome[("s7_aarsverk_endring", "1580")]
    assert haram["outcome"] == "not_applicable" and "delt fra 1507 Ålesund" in haram["message"]
    # The thousand-error check reads Halden's last year too: 2.6 against 2.5 is no factor error.
    assert outcome[("th_7_okonomisk_radgivning_aarsverk", "3101")]["outcome"] == "pass"
    assert outcome[("th_7_okonomisk_radgivning_aarsverk", "1580")]["outcome"] == "not_applicable"
    assert snapshot.last_year is not None and "113 renumbered" in snapshot.last_year.reasons()[0]["en"]


def test_a_merger_sums_additive_fields_exactly_and_drops_the_others(session: Session) -> None:
    values = year_values(session, 2024, forms=["7"], expected=False)
    additive = {("7", _FTE), ("7", "gjeldsradgivning_saker")}
    merged = carry_forward(values, reform_between(2024, 2023), lambda form, name: (form, name) in additive)
    cells = {(r["unit_code"], r["field_name"]): r for r in merged.to_dicts()}
    # 1508 + 1580 → 1507: 0.1 + 0.2 FTEs is exactly 0.3 (decimal text), 10 + 10 cases is 20.
    assert cells[("1507", _FTE)]["value_text"] == "0.3" and cells[("1507", _FTE)]["status"] == "reported"
    assert cells[("1507", "gjeldsradgivning_saker")]["value_number"] == 20
    # An average waiting time does not add up: not applicable, with the reason.
    wait = cells[("1507", _WAIT)]
    assert wait["status"] == "not_applicable" and wait["value_text"] is None and "kan ikke summeres" in wait["note"]
    assert ("1508", _FTE) not in cells and cells[("3001", _FTE)]["value_text"] == "2.6"


def test_a_merger_with_a_predecessor_that_did_not_report_is_not_applicable(session: Session) -> None:
    values = year_values(session, 2024, forms=["7"], expected=False).filter(pl.col("unit_code") != "1580")
    merged = carry_forward(values, reform_between(2024, 2023), lambda form, name: True)
    row = merged.filter((pl.col("unit_code") == "1507") & (pl.col("field_name") == _FTE)).to_dicts()[0]
    assert row["status"] == "not_applicable" and "1580 sendte ikke skjemaet" in row["note"]


def test_prefill_reads_last_years_answers_across_the_reform(session: Session) -> None:
    from kostra.catalog.forms import load_catalog
    from kostra.reporting.submissions import _prefill

    form = load_catalog(2024).form("4")
    for unit, alarm in (("3001", 350), ("1507", 300)):
        session.execute(insert(Submission), [{
            "year": 2023, "form_id": "4", "unit_code": unit, "version": 1, "state": "submitted",
            "values_json": json.dumps({"egenbetaling_trygghetsalarm": alarm, "dagplasser_demens": 4}),
            "comments_json": "{}", "worst_severity": "OK", "content_hash": f"{next(_serial):064d}",
            "receipt_id": f"R2023-4-{unit}", "created_by": "test"}])
    session.flush()
    assert _prefill(session, 2024, form, "3101") == {"egenbetaling_trygghetsalarm": 350}   # Halden's own price
    assert _prefill(session, 2024, form, "1580") == {}      # split from Ålesund: nothing to carry over


def test_new_this_year_on_the_status_board_follows_the_reform(session: Session) -> None:
    from kostra.followup.status import status_board

    rows = {r.unit_code: r for r in status_board(session, 2024, form_id="7").rows}
    assert not rows["3101"].new_this_year and "i fjor 3001 Halden" in rows["3101"].last_year_note
    assert not rows["3401"].new_this_year and rows["3401"].last_year_note == ""
    assert rows["1580"].new_this_year and "delt fra 1507 Ålesund" in rows["1580"].last_year_note
    assert "3001" not in rows   # a municipality that no longer exists is not asked for 2024
    before = {r.unit_code for r in status_board(session, 2023, form_id="7").rows}
    assert {"3001", "1507", "3401"} <= before and not {"3101", "1508", "1580"} & before   # the 2023 structure
