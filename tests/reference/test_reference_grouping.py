"""Loading an official KOSTRA grouping from a KLASS export replaces the approximation everywhere (issue 10, 7).

The expected groups are read from the hand-made KLASS file with the csv module, not with our reader.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from tests.paths import KLASS

from kostra import reference as ref
from kostra.cli import cli
from kostra.cli.choices import MAX_AGE, REGION_LEVELS
from kostra.controls.runs import run_controls
from kostra.errors import IntakeError
from kostra.reference.grouping import GroupingSource, kostra_grouping, load_official_groups
from kostra.reference.loader import load_reference_into_database
from kostra.store import create_engine_for
from kostra.store.models import ReferenceLoad, RegionMembership, Submission, Unit

FILE = KLASS / "kommune_131_kostragruppe_112_2025.csv"


def _file_groups() -> dict[str, str]:
    with FILE.open(encoding="utf-8", newline="") as handle:
        return {row["sourceCode"]: f"EKG{int(row['targetCode']):02d}" for row in csv.DictReader(handle, delimiter=";")}


OFFICIAL = _file_groups()


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def _stored(session: Session) -> tuple[list[tuple[int, str, str]], int]:
    rows = session.execute(select(RegionMembership.year, RegionMembership.region_code, RegionMembership.aggregate_code)
                           .order_by(RegionMembership.id)).all()
    return [tuple(r) for r in rows], session.scalar(select(func.count()).select_from(ReferenceLoad)) or 0


def test_the_test_file_differs_from_the_approximation() -> None:
    assert len(OFFICIAL) == 357 and OFFICIAL["0301"] == "EKG13" and OFFICIAL["3401"] == "EKG02"
    approximation = ref.approximate_groups(2025)
    assert sum(OFFICIAL[c] != approximation[c] for c in OFFICIAL) > 300


def test_without_a_load_the_approximation_is_in_force(db: Session) -> None:
    grouping = kostra_grouping(db, 2025)
    assert grouping.source is GroupingSource.APPROXIMATION and grouping.groups == ref.approximate_groups(2025)
    assert kostra_grouping(None, 2025).group_of("0301") == "EKG13"
    assert "APPROXIMATION" in grouping.note and "load-groups" in grouping.note


def test_loading_makes_the_file_the_grouping_and_survives_a_reference_reload(db: Session) -> None:
    load_reference_into_database(db, years=[2024, 2025])
    grouping = load_official_groups(db, 2025, FILE)
    db.commit()
    assert grouping.source is GroupingSource.OFFICIAL and dict(grouping.groups) == OFFICIAL
    assert grouping.members("EKG13") == sorted(c for c, g in OFFICIAL.items() if g == "EKG13")
    load_reference_into_database(db, years=[2024, 2025])  # the shipped data again: the official groups stay
    db.commit()
    assert dict(kostra_grouping(db, 2025).groups) == OFFICIAL
    assert kostra_grouping(db, 2024).source is GroupingSource.APPROXIMATION  # only the year loaded changes
    stored = dict(db.execute(select(RegionMembership.region_code, RegionMembership.aggregate_code).where(
        RegionMembership.year == 2025, RegionMembership.aggregate_code.like("EKG%"))).all())
    assert stored == OFFICIAL


def _bad_copies(tmp_path: Path) -> list[tuple[Path, str]]:
    lines = FILE.read_text(encoding="utf-8").splitlines()
    cases = {
        "columns.csv": (["code;name;group", *lines[1:]], "line 1: no column 'sourcecode'"),
        "unknown.csv": ([*lines[:5], '"9876";"Atlantis";"";"05";"KOSTRA-gruppe 5";""', *lines[5:]],
                        "line 6: '9876' is not a municipality of 2025"),
        "missing.csv": ([line for line in lines if not line.startswith('"3401"')],
                        "1 of the 357 municipalities of 2025 have no KOSTRA group, e.g. 3401 Kongsvinger"),
        "twice.csv": ([*lines, '"0301";"Oslo";"";"12";"KOSTRA-gruppe 12";""'],
                      "line 359: municipality 0301 is put in EKG12, but line 2 puts it in EKG13"),
        "again.csv": ([*lines, lines[1]], "line 359: municipality 0301 appears again (first on line 2"),
        "group18.csv": ([*lines[:3], '"1103";"Stavanger";"";"18";"KOSTRA-gruppe 18";""', *lines[4:]],
                        "line 4: target code '18' is not a KOSTRA group 1–17"),
    }
    result = []
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_text("\n".join(content) + "\n", encoding="utf-8")
        result.append((path, f"{name} {message}" if message.startswith("line") else f"{name}: {message}"))
    return result


def test_a_bad_file_is_refused_naming_file_line_and_code_and_nothing_changes(db: Session, tmp_path: Path) -> None:
    load_reference_into_database(db, years=[2025])
    load_official_groups(db, 2025, FILE)
    db.commit()
    before = _stored(db)
    for path, message in _bad_copies(tmp_path):
        with pytest.raises(IntakeError) as caught:
            load_official_groups(db, 2025, path)
        db.rollback()
        assert message in str(caught.value), str(caught.value)
        assert _stored(db) == before
    assert dict(kostra_grouping(db, 2025).groups) == OFFICIAL


# --- the command line ---------------------------------------------------------------------------------------

def _run(home: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["reference", *args], env={"KOSTRA_HOME": str(home), "KOSTRA_DATABASE_URL": ""})
    return result.exit_code, result.stdout, result.stderr


def _regions(home: Path) -> list[dict[str, str]]:
    code, out, _ = _run(home, "regions", "--year", "2025", "--level", "kommune", "--format", "csv")
    assert code == 0
    return list(csv.DictReader(out.splitlines()))


def test_cli_shows_county_and_group_and_switches_to_the_loaded_grouping(tmp_path: Path) -> None:
    before = _regions(tmp_path)
    assert not (tmp_path / "kostra.sqlite3").exists()  # listing regions creates no database
    oslo = next(r for r in before if r["code"] == "0301")
    assert (oslo["county"], oslo["county_name"], oslo["kostra_group"], oslo["grouping"]) == (
        "03", "Oslo", "EKG13", "approximation")
    code, _, err = _run(tmp_path, "load-groups", str(FILE), "--year", "2025")
    assert code == 0 and "357 municipalities in 17 groups" in err
    after = _regions(tmp_path)
    assert {r["code"]: r["kostra_group"] for r in after} == OFFICIAL
    assert {r["grouping"] for r in after} == {"official"}
    assert next(r for r in after if r["code"] == "4601")["county_name"] == "Vestland"
    _, _, note = _run(tmp_path, "regions", "--year", "2025", "--level", "kommune")
    assert "official KLASS grouping" in note and FILE.name in note


def test_cli_group_population_sums_the_loaded_members(tmp_path: Path) -> None:
    assert _run(tmp_path, "load-groups", str(FILE), "--year", "2024")[0] == 0
    code, out, _ = _run(tmp_path, "population", "--year", "2024", "--region", "EKG05", "--format", "json")
    members = [c for c, g in OFFICIAL.items() if g == "EKG05"]  # the 2025 list is the 2024 list
    assert code == 0 and json.loads(out)[0]["persons"] == sum(ref.population(2024, c) for c in members)
    assert json.loads(out)[0]["persons"] != ref.population(2024, "EKG05")  # the approximation's sum


@pytest.mark.parametrize("bad", ["columns.csv", "unknown.csv", "missing.csv", "twice.csv"])
def test_cli_refuses_a_bad_file_with_one_line_and_exit_2(tmp_path: Path, bad: str) -> None:
    (tmp_path / "home").mkdir()
    assert _run(tmp_path / "home", "load-groups", str(FILE), "--year", "2025")[0] == 0
    path, message = next((p, m) for p, m in _bad_copies(tmp_path) if p.name == bad)
    code, _out, err = _run(tmp_path / "home", "load-groups", str(path), "--year", "2025")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert {r["code"]: r["kostra_group"] for r in _regions(tmp_path / "home")} == OFFICIAL


def test_cli_refuses_a_bad_file_before_creating_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code;name\n0301;Oslo\n", encoding="utf-8")
    home = tmp_path / "home"
    assert _run(home, "load-groups", str(bad), "--year", "2025")[0] == 2
    assert not (home / "kostra.sqlite3").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["load-groups", "nope.csv", "--year", "2025"], "does not exist"),
    (["load-groups", "FILE", "--year", "2031"], "2020–2026"),
])
def test_cli_load_groups_argument_errors(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = _run(tmp_path, *[str(FILE) if a == "FILE" else a for a in args])
    assert code == 2 and message in err


def test_cli_option_constants_agree_with_the_reference_package() -> None:
    assert REGION_LEVELS == ref.LEVELS and MAX_AGE == ref.MAX_AGE


# --- controls ---------------------------------------------------------------------------------------------

def _form4_year(session: Session, units: list[str]) -> None:
    names = {r.code: r.name for r in ref.regions(2025, "kommune")}
    session.add_all([Unit(code=u, kind="municipality", name=names[u]) for u in units])
    session.flush()
    rows = []
    for year in (2024, 2025):
        for i, unit in enumerate(units):
            residents = 20 + i if year == 2024 else 21 + i
            rows.append({"year": year, "form_id": "4", "unit_code": unit, "version": 1, "state": "submitted",
                         "values_json": json.dumps({"beboere_heldogn_i_alt": residents}), "comments_json": "{}",
                         "worst_severity": "OK", "content_hash": f"{year}{unit}".ljust(64, "0"),
                         "receipt_id": f"R{year}-4-{unit}", "created_by": "test"})
    session.execute(insert(Submission), rows)
    session.commit()


def _strata(session: Session) -> dict[str, str]:
    # Year-over-year checks store hits only, so the strata are read where every check takes them from:
    # the control run's snapshot (kostra.controls.snapshot), after a real run of form 4.
    from kostra.controls.snapshot import load_snapshot

    run_controls(session, 2025, form_id="4", actor="test")
    session.commit()
    units = load_snapshot(session, 2025).units
    return {code: info.group for code, info in units.items() if info.group is not None}


def test_control_run_strata_follow_the_loaded_grouping(db: Session) -> None:
    # 12 municipalities of group 5 and 12 of group 6 in the file; the approximation scatters them.
    units = sorted(c for c, g in OFFICIAL.items() if g == "EKG05")[:12] + sorted(
        c for c, g in OFFICIAL.items() if g == "EKG06")[:12]
    load_reference_into_database(db, years=[2024, 2025])
    _form4_year(db, units)
    approximate = _strata(db)
    assert set(approximate) == set(units) and set(approximate.values()) != {"EKG05", "EKG06"}
    load_official_groups(db, 2025, FILE)
    db.commit()
    assert _strata(db) == {u: OFFICIAL[u] for u in units}
