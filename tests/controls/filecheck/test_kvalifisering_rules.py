"""11CF (kvalifisering) rules: boundary cases, one passing and one failing case each."""

from __future__ import annotations

import pytest

from kostra.controls.filecheck import kvalifisering
from kostra.controls.filecheck.model import CheckArguments, Severity

from .sosial_frames import base_record, fnr_born, frame, layout, run, with_values

YEAR = 2025


def municipalities(year: int) -> list[str]:
    fields = layout("11CF", year)["fields"]
    return [c["code"] for f in fields if f["name"] == "KOMMNR_KVP_KOMM" for c in f["codeList"]]


def names(line: str, region: str = "110300") -> dict[str, Severity]:
    args = CheckArguments("11CF", YEAR, region)
    rules = kvalifisering.rules_for(args, municipalities=municipalities(YEAR))
    return {e.rule_name: e.severity for e in run(rules, frame((line + "\n").encode("latin-1"), "11CF", YEAR), args)}


def born(age: int) -> dict[str, str]:
    return {"FODSELSDATO": f"0101{YEAR - age}", "PERSON_FODSELSNR": fnr_born(YEAR - age, day=1, month=1)}


MONTHS_OFF = {f"STMND_{m}": "" for m in range(1, 13)}
CASES = [
    ("Kontroll 06 : Alder under 18 år", born(18), None),
    ("Kontroll 06 : Alder under 18 år", born(17), Severity.ERROR),
    ("Kontroll 07 : Alder over 68 år", born(68), None),
    ("Kontroll 07 : Alder over 68 år", born(69), Severity.WARNING),
    ("Kontroll 14 : Registreringsdato", {"REG_DATO": f"0101{YEAR - 4}"}, None),
    ("Kontroll 14 : Registreringsdato", {"REG_DATO": f"3112{YEAR - 5}"}, Severity.ERROR),
    ("Kontroll 15 : Vedtaksdato", {"VEDTAK_DATO": f"0101{YEAR - 4}"}, None),
    ("Kontroll 15 : Vedtaksdato", {"VEDTAK_DATO": "31022025"}, Severity.ERROR),
    ("Kontroll 16 : Begyntdato", {"BEGYNT_DATO": f"3112{YEAR}"}, None),
    ("Kontroll 16 : Begyntdato", {"BEGYNT_DATO": f"0101{YEAR + 1}"}, Severity.ERROR),
    ("Kontroll 20 : Kvalifiseringsprogram i annen kommune. Kommunenummer",
     {"KVP_KOMM": "1", "KOMMNR_KVP_KOMM": "4601"}, None),
    ("Kontroll 20 : Kvalifiseringsprogram i annen kommune. Kommunenummer",
     {"KVP_KOMM": "1", "KOMMNR_KVP_KOMM": "3001"}, Severity.ERROR),  # Halden before 2024, gone in 2025
    ("Kontroll 30 : Har varighet, men mangler kvalifiseringssum", {"STMND_3": "03", "KVP_STONAD": "100"}, None),
    ("Kontroll 30 : Har varighet, men mangler kvalifiseringssum", {"STMND_3": "03", "KVP_STONAD": "0"},
     Severity.ERROR),
    ("Kontroll 31 : Har kvalifiseringssum, men mangler varighet", MONTHS_OFF | {"KVP_STONAD": "0"}, None),
    ("Kontroll 31 : Har kvalifiseringssum, men mangler varighet", MONTHS_OFF | {"KVP_STONAD": "10"},
     Severity.ERROR),
    ("Kontroll 32 : Kvalifiseringssum over kr 600 000", {"STMND_1": "01", "KVP_STONAD": "600000"}, None),
    ("Kontroll 32 : Kvalifiseringssum over kr 600 000", {"STMND_1": "01", "KVP_STONAD": "600001"},
     Severity.WARNING),
    ("Kontroll 37 : Dato for avsluttet program", {"STATUS": "3", "AVSL_DATO": f"3112{YEAR}"}, None),
    ("Kontroll 37 : Dato for avsluttet program", {"STATUS": "4", "AVSL_DATO": f"3112{YEAR - 1}"}, Severity.ERROR),
    ("Kontroll 37 : Dato for avsluttet program", {"STATUS": "1", "AVSL_DATO": ""}, None),
    ("Kontroll 37 : Dato for avsluttet program", {"STATUS": "7", "AVSL_DATO": ""}, Severity.ERROR),
]


@pytest.mark.parametrize(("rule", "values", "severity"), CASES, ids=[f"{c[0][:14]}-{c[2]}" for c in CASES])
def test_rule_boundaries(rule: str, values: dict[str, str], severity: Severity | None) -> None:
    found = names(with_values("11CF", YEAR, base_record("11CF", YEAR), **values))
    assert found.get(rule) is severity, found


def test_base_record_passes() -> None:
    assert names(with_values("11CF", YEAR, base_record("11CF", YEAR))) == {}


def test_oslo_is_exempt_from_the_four_year_window_but_not_from_missing_dates() -> None:
    base = base_record("11CF", YEAR, "030101")
    old = with_values("11CF", YEAR, base, REG_DATO=f"0101{YEAR - 8}")
    assert "Kontroll 14 : Registreringsdato" not in names(old, "030101")
    assert "Kontroll 14 : Registreringsdato" in names(old, "110300")
    assert "Kontroll 14 : Registreringsdato" in names(with_values("11CF", YEAR, base, REG_DATO=""), "030101")


def test_statistics_rows() -> None:
    from kostra.demo.generate_sosial import generate

    data = generate("11CF", YEAR, "110300", 100, seed=2)
    rows = kvalifisering.statistics(frame(data, "11CF", YEAR), CheckArguments("11CF", YEAR, "110300"))
    bands = [r for r in rows if r["statistic"] == "age band"]
    assert sum(int(r["count"]) for r in bands) == 100  # type: ignore[call-overload]
    assert any(r["statistic"] == "sum KVP_STONAD (kr)" and int(r["count"]) > 0 for r in rows)  # type: ignore
