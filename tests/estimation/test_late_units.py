"""Proof: leave out municipalities whose true values are known, estimate them, and measure the totals.

The year is hand-made (``conftest.known_year``): every municipality's physician hours follow a ratio model
by KOSTRA group with noise, last year's values are known for all. The test leaves 10 % of the units out of
2025, runs the estimation, and compares the estimated national and group totals with the true ones: the
relative error and whether the CV's 95 % interval (±1.96 se) covers it. Run with ``-s`` to see the table.
"""

from __future__ import annotations

import random
from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.dataset import ValueStatus, year_values
from kostra.estimation import estimate_totals, estimate_year
from kostra.reference.grouping import kostra_grouping
from kostra.store.models import Estimate, EstimationRun
from tests.estimation.conftest import FIELD, YEAR, known_year, stored


def _year_with_late_units(session: Session, share: float = 0.10, seed: int = 7) -> tuple[dict[str, float], set[str]]:
    known = known_year()
    late = set(random.Random(seed).sample(sorted(known.truth), round(share * len(known.truth))))
    for code, value in known.last_year.items():
        stored(session, YEAR - 1, code, {FIELD: str(value)})
    for code, value in known.truth.items():
        if code not in late:
            stored(session, YEAR, code, {FIELD: str(value)})
    session.commit()
    return known.truth, late


def test_estimated_national_and_group_totals_against_the_truth(year_session: Session) -> None:
    truth, late = _year_with_late_units(year_session)
    result = estimate_year(year_session, YEAR, actor="test", forms=["1"])
    year_session.commit()
    counts = {(c.field_name, c.method): c.units for c in result.counts}
    assert counts[(FIELD, "ratio_last_year")] == len(late) == 36
    grouping = kostra_grouping(year_session, YEAR)
    groups = sorted(set(grouping.groups.values()))
    totals = {t.region: t for t in estimate_totals(year_session, YEAR, "1", FIELD, ["EAK", *groups])}
    lines, covered, with_estimates = [], 0, 0
    for code, total in totals.items():
        members = grouping.members(code) if code != "EAK" else sorted(truth)
        true_total = sum(Decimal(str(truth[m])) for m in members)
        assert total.total is not None and total.units == len(members)
        assert total.units_estimated == len(late.intersection(members)) and total.units_missing == 0
        error = float(total.total - true_total)
        inside = total.units_estimated == 0 or abs(error) <= 1.96 * (total.se or 0.0)
        if total.units_estimated:
            with_estimates += 1
            covered += inside
        lines.append(f"{code:6} true {float(true_total):10.1f} est {float(total.total):10.1f} "
                     f"rel.err {100 * error / float(true_total):+6.2f}% cv {total.cv_percent or 0:5.2f}% "
                     f"estimated {total.units_estimated:2}/{total.units:3} covered {'yes' if inside else 'NO'}")
    print("\n" + "\n".join(lines))
    national = totals["EAK"]
    national_error = abs(float(national.total or 0) - sum(truth.values())) / sum(truth.values())
    assert national_error < 0.01  # 36 of 357 late: the national total within 1 %
    assert abs(float(national.total or 0) - sum(truth.values())) <= 1.96 * (national.se or 0)
    assert covered >= 0.8 * with_estimates  # the 95 % intervals cover the error in (nearly) every group


def test_estimates_are_never_a_municipalitys_own_figure(year_session: Session) -> None:
    _, late = _year_with_late_units(year_session)
    estimate_year(year_session, YEAR, actor="test", forms=["1"])
    year_session.commit()
    unit = sorted(late)[0]
    own = year_values(year_session, YEAR, forms=["1"], units=[unit]).filter(pl.col("field_name") == FIELD)
    assert own["status"].to_list() == [ValueStatus.MISSING] and own["value_text"].to_list() == [None]
    aggregate = year_values(year_session, YEAR, forms=["1"], units=[unit], include_estimates=True).filter(
        pl.col("field_name") == FIELD).to_dicts()[0]
    stored_estimate = year_session.scalars(select(Estimate).where(Estimate.unit_code == unit,
                                                                  Estimate.field_name == FIELD)).one()
    assert aggregate["status"] == ValueStatus.ESTIMATED
    assert (aggregate["estimate_id"], aggregate["estimate_method"]) == (stored_estimate.id, "ratio_last_year")
    assert aggregate["value_text"] == stored_estimate.value_text and aggregate["submission_id"] is None
    assert stored_estimate.stratum == kostra_grouping(year_session, YEAR).group_of(unit)
    # the unit reports after the run: its own value stands, the estimate is ignored
    stored(year_session, YEAR, unit, {FIELD: "12.5"})
    year_session.commit()
    after = year_values(year_session, YEAR, forms=["1"], units=[unit], include_estimates=True).filter(
        pl.col("field_name") == FIELD).to_dicts()[0]
    assert (after["status"], after["value_text"], after["estimate_id"]) == ("reported", "12.5", None)


def test_a_nil_return_is_not_a_late_unit(year_session: Session) -> None:
    known = known_year()
    for code, value in known.last_year.items():
        stored(year_session, YEAR - 1, code, {FIELD: str(value)})
    codes = sorted(known.truth)
    stored(year_session, YEAR, codes[0], {}, state="nil")  # "nothing to report"
    for code in codes[2:]:
        stored(year_session, YEAR, code, {FIELD: str(known.truth[code])})  # codes[1] is late
    year_session.commit()
    result = estimate_year(year_session, YEAR, actor="test", forms=["1"])
    year_session.commit()
    estimated = set(year_session.scalars(select(Estimate.unit_code).where(Estimate.run_id == result.run_id,
                                                                          Estimate.field_name == FIELD)))
    assert estimated == {codes[1]}
    [national] = estimate_totals(year_session, YEAR, "1", FIELD, ["EAK"])
    assert (national.units_nil, national.units_estimated, national.units) == (1, 1, len(codes))


def test_the_run_records_who_when_and_how(year_session: Session) -> None:
    _year_with_late_units(year_session, share=0.02)
    result = estimate_year(year_session, YEAR, actor="statistiker", forms=["1"])
    year_session.commit()
    run = year_session.get(EstimationRun, result.run_id)
    assert run is not None and (run.year, run.created_by, run.forms) == (YEAR, "statistiker", "1")
    assert "limitModel = 2.5" in run.method and "limitIterate = 4.5" in run.method
    assert "stand-in" in run.method  # 2025's population is not loaded: 2024's stands in, and the run says so
