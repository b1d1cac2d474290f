"""Queries behind the control pages, on SQLite and PostgreSQL, over runs and results inserted as plain rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from kostra.controls import reports
from kostra.controls.reports import Filters
from kostra.errors import NotFound
from kostra.store.models import Region
from tests.factories import T0, YEAR, R, add_run, fld


def test_latest_run_skips_unfinished_runs_and_follows_the_form(session: Session) -> None:
    full = add_run(session, [R("a", "5", "3401")], started=T0)
    single = add_run(session, [R("a", "5", "3401")], form_id="5", started=T0 + timedelta(hours=1))
    add_run(session, [R("a", "1", "3401")], started=T0 + timedelta(hours=2), finished=False)
    add_run(session, [R("a", "1", "3401")], year=YEAR - 1, started=T0 + timedelta(hours=3))

    latest = reports.latest_run(session, YEAR)
    assert latest is not None and latest.id == single and latest.form_id == "5"
    covering_1 = reports.latest_run(session, YEAR, "1")
    assert covering_1 is not None and covering_1.id == full  # the run of form 5 did not cover form 1
    assert [r.id for r in reports.runs(session, YEAR)] == [single, full]
    assert reports.latest_run(session, YEAR + 1) is None
    with pytest.raises(NotFound):
        reports.get_run(session, YEAR + 1, full)


def test_hits_per_rule_takes_counts_and_labels_from_the_summary(session: Session) -> None:
    summary = [
        {"rule": "skjema5.rom", "kind": "rule", "form": "5", "severity": "ERROR", "label_nb": "Rom stemmer",
         "label_en": "Rooms add up", "items": 40, "passes": 30, "fails": 10, "not_applicable": 0, "errors": 0},
        {"rule": "hb.plasser", "kind": "hb", "form": "5", "severity": "WARNING", "label_nb": "Uvanlig endring",
         "label_en": "Unusual change", "items": 40, "passes": 38, "fails": 2, "not_applicable": 0, "errors": 0},
        {"rule": "skjema1.tom", "kind": "rule", "form": "1", "severity": "INFO", "label_nb": "Ingen treff",
         "label_en": "No hits", "items": 5, "passes": 5, "fails": 0, "not_applicable": 0, "errors": 0},
    ]
    results = [R("skjema5.rom", "5", "974600951", severity="ERROR"), R("hb.plasser", "5", "976990803"),
               R("skjema13.boliger", "13", "3401"), R("skjema13.boliger", "13", "3405", outcome="pass"),
               R("skjema13.boliger", "13", "030102", outcome="error")]
    run = add_run(session, results, summary=summary)

    rows = reports.hits_per_rule(session, run)
    assert [r.rule for r in rows] == ["skjema5.rom", "hb.plasser", "skjema13.boliger", "skjema1.tom"]
    rom = rows[0]
    assert (rom.label_en, rom.fails, rom.items, rom.hit_rate) == ("Rooms add up", 10, 40, 10 / 40)
    boliger = rows[2]  # not in the summary: counted from the stored results, named by the rule itself
    assert (boliger.label_nb, boliger.passes, boliger.fails, boliger.errors, boliger.items) == (
        "skjema13.boliger", 1, 1, 1, 3)
    assert boliger.hit_rate == 0.5
    assert rows[3].hit_rate == 0.0

    assert [r.rule for r in reports.hits_per_rule(session, run, Filters(form_id="5"))] == ["skjema5.rom", "hb.plasser"]
    assert [r.rule for r in reports.hits_per_rule(session, run, Filters(severity="ERROR"))] == ["skjema5.rom"]


def test_hits_per_form_and_county(session: Session) -> None:
    session.add_all([Region(year=YEAR, code="34", name="Innlandet", level="fylke"),
                     Region(year=YEAR, code="03", name="Oslo", level="fylke"),
                     Region(year=YEAR - 1, code="34", name="Gammelt navn", level="fylke")])
    session.commit()
    run = add_run(session, [
        R("a", "5", "974600951"), R("b", "5", "974600951"),  # institution in 3401: county 34
        R("a", "5", "976990803", severity="ERROR"),          # institution in 3405: county 34
        R("c", "1", "030102"),                               # Oslo district: county 03
        R("c", "1", "3405", outcome="pass"),                 # not a hit
    ])
    per_form = reports.hits_per_form(session, run, form_names={"5": "Helse- og omsorgsinstitusjon"})
    assert [(r.key, r.name, r.hits, r.units) for r in per_form] == [
        ("5", "Helse- og omsorgsinstitusjon", 3, 2), ("1", "1", 1, 1)]
    per_county = reports.hits_per_county(session, run, YEAR)
    assert [(r.key, r.name, r.hits, r.units) for r in per_county] == [("34", "Innlandet", 3, 2), ("03", "Oslo", 1, 1)]
    only_errors = reports.hits_per_county(session, run, YEAR, Filters(severity="ERROR"))
    assert [(r.key, r.hits) for r in only_errors] == [("34", 1)]


def test_units_are_ranked_by_the_sum_of_their_largest_score_per_item(session: Session) -> None:
    plasser = [fld("5", "6.1", "plasser_i_alt")]
    rom = [fld("5", "5.1", "rom_i_alt")]
    run = add_run(session, [
        # 974600951: the same item flagged twice (0.2 and 0.5) counts once, with 0.5; another item adds 0.1
        R("hb.plasser", "5", "974600951", score=0.2, fields=plasser),
        R("tusen.plasser", "5", "974600951", score=0.5, fields=plasser),
        R("hb.rom", "5", "974600951", score=0.1, fields=rom),
        # 976990803: one item at 0.55 (more than any single score of the other unit, less than its sum)
        R("hb.plasser", "5", "976990803", score=0.55, fields=plasser),
        # 3401: an error without any score ranks after the scored units
        R("skjema1.x", "1", "3401", severity="ERROR"),
        R("hb.plasser", "5", "3405", outcome="pass", score=0.9, fields=plasser),  # passes never count
    ])
    ranked = reports.ranked_units(session, run)
    assert [(u.rank, u.unit_code) for u in ranked] == [(1, "974600951"), (2, "976990803"), (3, "3401")]
    assert ranked[0].score == pytest.approx(0.6)
    assert ranked[0].hits == 3 and ranked[0].county == "34" and ranked[0].unit_name == "Kongsvinger sykehjem"
    assert ranked[2].score is None and ranked[2].worst_severity == "ERROR"
    assert [u.unit_code for u in reports.ranked_units(session, run, limit=1)] == ["974600951"]
    assert [u.unit_code for u in reports.ranked_units(session, run, Filters(form_id="1"))] == ["3401"]


def test_current_hits_take_each_form_from_the_newest_run_covering_it(session: Session) -> None:
    add_run(session, [R("old", "1", "3401")], started=T0 - timedelta(days=1))  # replaced by the next full run
    full = add_run(session, [
        R("skjema5.rom", "5", "974600951", severity="ERROR", values={"skjema5.rom_i_alt": 60}),
        R("skjema1.x", "1", "3401", fields=[fld("1", "2.1", "x")]),
        R("skjema1.x", "1", "3405"),
    ], started=T0)
    # the municipality corrected form 5; a run of form 5 alone finds nothing left for its institution
    add_run(session, [R("skjema5.rom", "5", "974600951", outcome="pass")], form_id="5", started=T0 + timedelta(hours=1))

    codes = reports.units_reported_by(session, "3401")
    assert codes == ["3401", "974600951"]
    hits = reports.current_hits(session, YEAR, codes)
    assert [(h.rule, h.unit_code, h.run_id) for h in hits] == [("skjema1.x", "3401", full)]
    assert hits[0].fields[0].name == "x" and hits[0].unit_name == "Kongsvinger"

    in_full_run = reports.run_hits(session, full, codes)
    assert {(h.rule, h.unit_code) for h in in_full_run} == {("skjema1.x", "3401"), ("skjema5.rom", "974600951")}
    rom = next(h for h in in_full_run if h.rule == "skjema5.rom")
    assert rom.values == {"skjema5.rom_i_alt": 60} and rom.severity == "ERROR"


def test_rule_hits_list_the_failing_units_highest_score_first(session: Session) -> None:
    run = add_run(session, [R("hb.plasser", "5", "974600951", score=0.1), R("hb.plasser", "5", "976990803", score=0.3),
                            R("hb.plasser", "5", "3405", outcome="pass"), R("other", "5", "3401")])
    assert [h.unit_code for h in reports.rule_hits(session, run, "hb.plasser")] == ["976990803", "974600951"]
    assert reports.rule_hits(session, run, "missing") == []


def test_county_of_each_kind_of_unit(session: Session) -> None:
    from kostra.store.models import Unit

    assert reports.county_of(session.get(Unit, "3405"), "3405") == "34"
    assert reports.county_of(session.get(Unit, "030102"), "030102") == "03"
    assert reports.county_of(session.get(Unit, "976990803"), "976990803") == "34"
    assert reports.county_of(None, "999999999") is None


def test_county_names_fall_back_to_the_packaged_regions(session: Session) -> None:
    run = add_run(session, [R("a", "5", "974600951"), R("a", "1", "030102")])
    from kostra.reference.regions import region

    expected = {"34": region(YEAR, "34").name, "03": region(YEAR, "03").name}
    assert {r.key: r.name for r in reports.hits_per_county(session, run, YEAR)} == expected
    assert {r.key: r.name for r in reports.hits_per_county(session, run, 1900)} == {"34": "34", "03": "03"}
