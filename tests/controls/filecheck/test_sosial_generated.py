"""Generated 11F/11CF files: clean files pass every rule (also through the engine); injected errors are found."""

from __future__ import annotations

import pytest

from kostra.controls.filecheck import kvalifisering, sosialhjelp
from kostra.controls.filecheck.engine import check_file
from kostra.controls.filecheck.model import CheckArguments, Severity
from kostra.demo.generate_sosial import generate

from .sosial_frames import frame, layout, run

MODULES = {"11F": sosialhjelp, "11CF": kvalifisering}


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025, 2026])
@pytest.mark.parametrize("form", ["11F", "11CF"])
@pytest.mark.parametrize("region", ["110300", "030112"])
def test_generated_file_passes_all_rules(form: str, year: int, region: str) -> None:
    data = generate(form, year, region, 300, seed=year)
    args = CheckArguments(form, year, region)
    assert run(MODULES[form].rules_for(args), frame(data, form, year), args) == []


@pytest.mark.parametrize("form", ["11F", "11CF"])
def test_generated_file_is_clean_through_the_engine(form: str) -> None:
    args = CheckArguments(form, 2025, "030112")
    report = check_file(generate(form, 2025, "030112", 200, seed=5), args)
    assert [e for e in report.entries if e.severity >= Severity.WARNING] == []
    assert any(row.get("statistic") == "age band" for row in report.statistics)


INJECTED = [
    ("11F", "invalid_fnr", "Kontroll 05 : Fødselsnummer"),
    ("11F", "duplicate_journal", "Kontroll 05B : Journalnummer, dubletter"),
    ("11F", "age_under_18", "Kontroll 06 : Alder under 18 år"),
    ("11F", "too_many_children", "Kontroll 13 : Mange barn under 18 år i husholdningen."),
    ("11F", "month_sum_mismatch", "Kontroll 36 : Bidrag fordelt på måneder"),
    ("11F", "missing_months", "Kontroll 26 : Stønadsmåneder. Gyldige koder"),
    ("11F", "vklo_arbsit_mismatch",
     "Kontroll 15 : Viktigste kilde til livsopphold i relasjon til arbeidssituasjon. Arbeidsinntekt"),
    ("11CF", "invalid_fnr", "Kontroll 05 : Fødselsnummer"),
    ("11CF", "age_under_18", "Kontroll 06 : Alder under 18 år"),
    ("11CF", "missing_months", "Kontroll 31 : Har kvalifiseringssum, men mangler varighet"),
    ("11CF", "stonad_over_max", "Kontroll 32 : Kvalifiseringssum over kr 600 000"),
]


@pytest.mark.parametrize(("form", "error", "rule"), INJECTED)
def test_injected_error_is_found_by_its_rule(form: str, error: str, rule: str) -> None:
    data = generate(form, 2025, "110300", 50, seed=11, errors=(error,))
    args = CheckArguments(form, 2025, "110300")
    entries = run(MODULES[form].rules_for(args), frame(data, form, 2025), args)
    assert rule in {e.rule_name for e in entries}
    assert all(e.line_numbers[0] in (1, 2) for e in entries)  # only the target record (and its twin)


def test_generated_file_shape() -> None:
    data = generate("11F", 2024, "110300", 20, seed=1)
    lines = data.split(b"\n")
    assert lines[-1] == b"" and len(lines) == 21
    width = sum(f["size"] for f in layout("11F", 2024)["fields"])
    assert {len(line) for line in lines[:-1]} == {width}
    assert generate("11F", 2024, "110300", 20, seed=1) == data
