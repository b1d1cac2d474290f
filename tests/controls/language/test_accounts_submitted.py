"""``accounts()`` in a rule reads the units' submitted accounts files through the accounts engine.

Hand-made 2025 files (48-character records; revenues negative as the files carry them):

    3401  0A  kasse drift   265 230   1200  vedlikehold            brutto 265 +1200  netto +1200
              kasse drift   265 010    300  lønn                   brutto 265  +300  netto  +300
              kasse drift   265 630  -2000  husleieinntekter       brutto 265     0  netto -2000
              kasse drift   253 010   5000  another function       not in 265
              investering   265 230    700  kontoklasse 0          not drift
          0M  konsern drift 265 230   1800                         konsern brutto 265 +1800
          a draft 0A (uploaded, never submitted) with 77777 on 265 230 must not count
    3405  0A  version 1 (replaced) 265 230 999; version 2: 253 010 40 only          brutto 265 = 0
    030102 (Grünerløkka) has no accounts file.

    3401: brutto (AGD9) on 265 = 1200 + 300 = 1500, netto (AGD1) = 1500 − 2000 = −500, konsern brutto = 1800.
    3405: brutto on 265 = 0 (the file of version 2 has nothing on 265).

Form 13 says 3401 and 3405 manage 400 and 250 dwellings, so the shipped rule x_boliger_uten_utgifter_265
passes for 3401 and fails for 3405.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session
from tests.factories import submit_attachment

from kostra.controls.form_rules import schema_of_year
from kostra.controls.language import Rule, compile_rules, evaluate
from kostra.controls.runs import rule_results
from kostra.controls.snapshot import load_snapshot
from kostra.store.models import Attachment, Submission

YEAR = 2025
BRUTTO, NETTO = "accounts(function='265', art='AGD9')", "accounts(function='265', art='AGD1')"
KONSERN = "accounts(function='265', art='AGD9', scope='konsern')"


def record(form: str, region: str, kontoklasse: str, funksjon: str, art: str, belop: int) -> str:
    line = f"{form}{YEAR} {region}00" + " " * 18 + kontoklasse + f"{funksjon:<4}" + art + f"{belop:>9}"
    assert len(line) == 48
    return line


def _file(session: Session, form: str, unit: str, lines: list[str], *, submit: bool = True) -> None:
    content = ("\r\n".join(lines) + "\r\n").encode("latin-1")
    attachment = Attachment(year=YEAR, form_id=form, unit_code=unit, filename=f"{form}.dat", content=content,
                            sha256=f"{unit}{form}{len(content)}{submit}".ljust(64, "0"), severity="OK",
                            report_json="{}", uploaded_by=f"demo-{unit}")
    session.add(attachment)
    session.flush()
    if submit:
        submit_attachment(session, attachment)


def _form13(session: Session, unit: str, dwellings: int) -> None:
    session.add(Submission(year=YEAR, form_id="13", unit_code=unit, version=1, state="submitted",
                           values_json=json.dumps({"kommunalt_disponerte_boliger": dwellings}),
                           worst_severity="OK", content_hash="a" * 64, receipt_id=f"K{YEAR}-13-{unit}-1",
                           created_by=f"demo-{unit}"))
    session.flush()


@pytest.fixture
def stored(session: Session) -> Session:
    _file(session, "0A", "3401", [record("0A", "3401", "1", "265", "230", 1200),
                                  record("0A", "3401", "1", "265", "010", 300),
                                  record("0A", "3401", "1", "265", "630", -2000),
                                  record("0A", "3401", "1", "253", "010", 5000),
                                  record("0A", "3401", "0", "265", "230", 700)])
    _file(session, "0M", "3401", [record("0M", "3401", "3", "265", "230", 1800)])
    _file(session, "0A", "3401", [record("0A", "3401", "1", "265", "230", 77777)], submit=False)
    _file(session, "0A", "3405", [record("0A", "3405", "1", "265", "230", 999)])
    _file(session, "0A", "3405", [record("0A", "3405", "1", "253", "010", 40)])
    _form13(session, "3401", 400)
    _form13(session, "3405", 250)
    session.commit()
    return session


def test_a_rule_reads_the_engines_value_of_the_submitted_files(stored: Session) -> None:
    snapshot = load_snapshot(stored, YEAR)
    rules = [Rule("brutto", f"{BRUTTO} == 1500", "skjema13"), Rule("netto", f"{NETTO} == -500", "skjema13"),
             Rule("konsern", f"{KONSERN} == 1800", "skjema13")]
    run = evaluate(compile_rules(rules, schema_of_year(YEAR)), snapshot.data)
    assert [run.outcome(r, "3401") for r in ("brutto", "netto", "konsern")] == ["pass"] * 3
    assert run.values("brutto", "3401") == {BRUTTO: 1500.0}
    assert run.values("netto", "3401") == {NETTO: -500.0}
    assert run.values("konsern", "3401") == {KONSERN: 1800.0}
    assert run.values("brutto", "3405") == {BRUTTO: 0.0}          # the replaced version's 999 is not read
    assert run.outcome("konsern", "3405") == "not_applicable"      # no 0M submitted: missing, not 0
    assert run.outcome("brutto", "030102") == "not_applicable"     # no accounts at all


def test_the_shipped_rule_relates_form_13_to_function_265(stored: Session) -> None:
    results, _ = rule_results(load_snapshot(stored, YEAR), "13")
    found = {row["unit_code"]: row for row in results.filter(results["rule"] == "x_boliger_uten_utgifter_265")
             .to_dicts()}
    assert (found["3401"]["outcome"], found["3405"]["outcome"]) == ("pass", "fail")
    assert json.loads(found["3405"]["values_json"]) == {"skjema13.kommunalt_disponerte_boliger": 250, BRUTTO: 0.0}
    # the fields a hit involves are form fields only, not the words inside accounts(...)
    assert [f["name"] for f in json.loads(found["3405"]["fields_json"])] == ["kommunalt_disponerte_boliger"]
