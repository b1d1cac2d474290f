"""Submitted accounts files → the engine → gross and net operating expenditure per function group.

Hand-made 0A files (48-character records) for Kongsvinger (3401) and Lillehammer (3405), 2025:

    3401  D 253 010   100   lønn                      AGD9 +100  AGD1 +100
          D 253 600   -30   salgsinntekt (negative)   AGD9    0  AGD1  -30   (revenue: 600 counts -1 in SSB's
          D 261 590    20   avskrivninger             AGD9  +20  AGD1  +20    AGD1 on the positive amount 30)
          I 253 010    55   investering                kontoklasse I is not shown (D only)
    3405  D 253 010    40                             AGD9  +40  AGD1  +40
    an older 3405 file (replaced) with 9999 on 253/010 must not count.

    FGK11b = 253 + 261:  3401 AGD9 120, AGD1 90;  3405 AGD9 40, AGD1 40;  EKA34 (both) AGD9 160, AGD1 130.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kostra.accounts.regions import accounting_units, region_accounts, trace
from kostra.cli import cli
from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.store.models import Attachment, Unit
from kostra.web.app import create_app
from tests.factories import add_units_and_users, login, submit_attachment

YEAR = 2025


def record(region: str, kontoklasse: str, funksjon: str, art: str, belop: int) -> str:
    line = f"0A{YEAR} {region}00" + " " * 18 + kontoklasse + f"{funksjon:<4}" + art + f"{belop:>9}"
    assert len(line) == 48
    return line


FILES = {
    "3401": [record("3401", "1", "253", "010", 100), record("3401", "1", "253", "600", -30),
             record("3401", "1", "261", "590", 20), record("3401", "0", "253", "010", 55)],
    "3405": [record("3405", "1", "253", "010", 40)],
}


def add_files(session: Session) -> None:
    # 3405 submitted an older file first (version 1); only each unit's latest submission counts.
    old = "\n".join([record("3405", "1", "253", "010", 9999)]).encode()
    first = Attachment(year=YEAR, form_id="0A", unit_code="3405", filename="old.dat", content=old, sha256="0",
                       severity="OK", report_json="{}", uploaded_by="demo-3405")
    session.add(first)
    session.flush()
    submit_attachment(session, first)
    for unit, lines in FILES.items():
        attachment = Attachment(year=YEAR, form_id="0A", unit_code=unit, filename=f"{unit}.dat",
                                content=("\r\n".join(lines) + "\r\n").encode(), sha256=unit, severity="OK",
                                report_json="{}", uploaded_by=f"demo-{unit}")
        session.add(attachment)
        session.flush()
        submit_attachment(session, attachment)
    # Uploaded but never submitted: not read.
    session.add(Attachment(year=YEAR, form_id="0A", unit_code="3401", filename="draft.dat",
                           content=record("3401", "1", "253", "010", 77777).encode(), sha256="draft",
                           severity="OK", report_json="{}", uploaded_by="demo-3401"))
    session.commit()


@pytest.fixture
def database(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        add_units_and_users(session)
        add_files(session)
    engine.dispose()
    yield url


def _values(url: str, region: str) -> dict[str, int | None]:
    engine = create_engine_for(url)
    with Session(engine) as session:
        result = region_accounts(session, YEAR, region)
    engine.dispose()
    return next(r.values for r in result.rows if r.funksjon == "FGK11b")


def test_a_municipality_and_an_aggregate(database: str) -> None:
    assert _values(database, "3401") == {"kasse:AGD9": 120, "kasse:AGD1": 90, "konsern:AGD9": None,
                                         "konsern:AGD1": None}
    assert _values(database, "3405")["kasse:AGD9"] == 40
    eka34 = _values(database, "EKA34")
    assert (eka34["kasse:AGD9"], eka34["kasse:AGD1"]) == (160, 130)
    assert "3401" in accounting_units(YEAR, "EKA34") and "3405" in accounting_units(YEAR, "EKA34")


def test_each_amount_is_traced_to_its_records(database: str) -> None:
    engine = create_engine_for(database)
    with Session(engine) as session:
        rows = trace(session, YEAR, "EKA34", "FGK11b", "AGD1")
    engine.dispose()
    got = [(r.unit, r.line, r.funksjon, r.art, r.reported, r.sign) for r in rows]
    # by unit, then (kontoklasse, art, funksjon); the revenue counts with sign +1 on its reported -30
    assert got == [("3401", 1, "253", "010", 100, 1.0), ("3401", 3, "261", "590", 20, 1.0),
                   ("3401", 2, "253", "600", -30, 1.0), ("3405", 1, "253", "010", 40, 1.0)]
    assert sum(r.reported * r.sign for r in rows) == 130


def test_cli(database: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner(env={"KOSTRA_DATABASE_URL": database, "KOSTRA_HOME": str(tmp_path)})
    result = runner.invoke(cli, ["accounts", "--year", str(YEAR), "--region", "3401", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "FGK11b,120,90,," in result.stdout.splitlines()
    traced = runner.invoke(cli, ["accounts", "--year", str(YEAR), "--region", "3401", "--trace", "FGK11b:AGD9",
                                 "--format", "json"])
    assert traced.exit_code == 0, traced.stderr
    assert '"line": 3' in traced.stdout and "FGK11b:AGD9 kasse = 120" in traced.stderr
    bad = runner.invoke(cli, ["accounts", "--year", str(YEAR), "--region", "9999"])
    assert bad.exit_code == 2 and "unknown region '9999'" in bad.stderr


def test_office_page_and_json(database: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(Settings(home=tmp_path, database_url=database))) as client:
        login(client, "demo-3401")
        assert client.get(f"/office/{YEAR}/accounts/3401").status_code == 403
        login(client, "statistiker")
        page = client.get(f"/office/{YEAR}/accounts/EKA34?trace=FGK11b:AGD1&scope=kasse")
        assert page.status_code == 200
        assert 'id="group-FGK11b"' in page.text and ">160<" in page.text and ">130<" in page.text
        # the chart: one bar per main service group, FGK11 (pleie og omsorg) at netto 130, linked to its records
        assert 'aria-label="Netto driftsutgifter (kasse)' in page.text and "?trace=FGK11:AGD1" in page.text
        data = client.get(f"/office/{YEAR}/accounts/EKA34.json?trace=FGK11b:AGD1").json()
        row = next(r for r in data["rows"] if r["funksjon"] == "FGK11b")
        assert row["values"]["kasse:AGD9"] == 160 and data["trace"]["total"] == 130
        assert len(data["trace"]["records"]) == 4 and data["submitted"] == {"kasse": 2, "konsern": 0}
        assert client.get(f"/office/{YEAR}/accounts/XX99").status_code == 404


def test_a_county_municipality_reporting_as_its_county(database: str) -> None:
    # Innlandet fylkeskommune (region 3400) sends 0C as unit 34: D 520 (videregående) art 010 = 70 and
    # revenue 620 = -20  ->  FG4 (services) brutto 70, netto 50; the 3400 row and EAFK show it.
    engine = create_engine_for(database)
    with Session(engine) as session:
        session.add(Unit(code="34", kind="county", name="Innlandet fylkeskommune"))
        session.flush()
        lines = [f"0C{YEAR} 340000" + " " * 18 + "1520 010" + f"{70:>9}",
                 f"0C{YEAR} 340000" + " " * 18 + "1520 620" + f"{-20:>9}"]
        county_file = Attachment(year=YEAR, form_id="0C", unit_code="34", filename="0C.dat", sha256="34",
                                 content="\n".join(lines).encode(), severity="OK", report_json="{}", uploaded_by="x")
        session.add(county_file)
        session.flush()
        submit_attachment(session, county_file)
        session.commit()
        for code in ("3400", "EAFK"):
            result = region_accounts(session, YEAR, code)
            fg4 = next(r.values for r in result.rows if r.funksjon == "FG4")
            assert (fg4["kasse:AGD9"], fg4["kasse:AGD1"]) == (70, 50), code
    engine.dispose()
