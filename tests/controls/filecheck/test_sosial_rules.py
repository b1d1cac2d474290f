"""11F (sosialhjelp) rules: boundary cases after SSB's test tables, one passing and one failing case each."""

from __future__ import annotations

import pytest

from kostra.controls.filecheck import sosialhjelp
from kostra.controls.filecheck.model import CheckArguments, Severity

from .sosial_frames import base_record, fnr_born, frame, run, with_values

YEAR = 2025


def names(line: str, region: str = "110300", year: int = YEAR) -> dict[str, Severity]:
    args = CheckArguments("11F", year, region)
    entries = run(sosialhjelp.rules_for(args), frame((line + "\n").encode("latin-1"), "11F", year), args)
    return {e.rule_name: e.severity for e in entries}


def born(age: int) -> dict[str, str]:
    return {"FODSELSDATO": f"1506{YEAR - age}", "PERSON_FODSELSNR": fnr_born(YEAR - age)}


MONTHLY = {f"BIDRAG_{m}": "" for m in sosialhjelp.MONTHS} | {f"LAAN_{m}": "" for m in sosialhjelp.MONTHS} | {
    f"STMND_{m}": "" for m in range(1, 13)}


def amounts(bidrag: int, laan: int = 0) -> dict[str, str]:
    return MONTHLY | {"STMND_1": "01", "BIDRAG": str(bidrag), "LAAN": str(laan), "BIDRAG_JAN": str(bidrag),
                      "LAAN_JAN": str(laan)}


CASES = [
    ("Kontroll 03 : Kommunenummer", {"KOMMUNE_NR": "1103"}, False),
    ("Kontroll 03 : Kommunenummer", {"KOMMUNE_NR": "1104"}, True),
    ("Kontroll 03 : Bydelsnummer", {"BYDELSNR": ""}, False),
    ("Kontroll 03 : Bydelsnummer", {"BYDELSNR": "01"}, True),
    ("Kontroll 04 : Oppgaveår", {"VERSION": "25"}, False),
    ("Kontroll 04 : Oppgaveår", {"VERSION": "24"}, True),
    ("Kontroll 04A : Fødselsdato", {"FODSELSDATO": "31121990"}, False),
    ("Kontroll 04A : Fødselsdato", {"FODSELSDATO": "31021990"}, True),
    ("Kontroll 05 : Fødselsnummer", {"PERSON_FODSELSNR": fnr_born(1980)}, False),
    ("Kontroll 05 : Fødselsnummer", {"PERSON_FODSELSNR": fnr_born(1980)[:10] + "9"}, True),
    ("Kontroll 06 : Alder under 18 år", born(18), False),
    ("Kontroll 06 : Alder under 18 år", born(17), True),
    ("Kontroll 07 : Alder 96 år eller over", born(95), False),
    ("Kontroll 07 : Alder 96 år eller over", born(96), True),
    ("Kontroll 08 : Kjønn", {"KJONN": "2"}, False),
    ("Kontroll 08 : Kjønn", {"KJONN": "3"}, True),
    ("Kontroll 09 : Sivilstand", {"EKTSTAT": "5"}, False),
    ("Kontroll 09 : Sivilstand", {"EKTSTAT": "6"}, True),
    ("Kontroll 11 : Det bor barn under 18 år i husholdningen. Mangler antall barn.",
     {"BU18": "1", "ANTBU18": "1"}, False),
    ("Kontroll 11 : Det bor barn under 18 år i husholdningen. Mangler antall barn.",
     {"BU18": "1", "ANTBU18": ""}, True),
    ("Kontroll 12 : Det bor barn under 18 år i husholdningen.", {"BU18": "2", "ANTBU18": "0"}, False),
    ("Kontroll 12 : Det bor barn under 18 år i husholdningen.", {"BU18": "2", "ANTBU18": "2"}, True),
    ("Kontroll 13 : Mange barn under 18 år i husholdningen.", {"BU18": "1", "ANTBU18": "13"}, False),
    ("Kontroll 13 : Mange barn under 18 år i husholdningen.", {"BU18": "1", "ANTBU18": "14"}, True),
    ("Kontroll 15 : Viktigste kilde til livsopphold i relasjon til arbeidssituasjon. Arbeidsinntekt",
     {"VKLO": "1", "ARBSIT": "02", "TRYGDESIT": "12"}, False),
    ("Kontroll 15 : Viktigste kilde til livsopphold i relasjon til arbeidssituasjon. Arbeidsinntekt",
     {"VKLO": "1", "ARBSIT": "03", "TRYGDESIT": "12"}, True),
    ("Kontroll 20_B : Viktigste kilde til livsopphold i relasjon til arbeidssituasjon. Trygd/pensjon",
     {"VKLO": "3", "ARBSIT": "04", "TRYGDESIT": "04"}, False),
    ("Kontroll 20_B : Viktigste kilde til livsopphold i relasjon til arbeidssituasjon. Trygd/pensjon",
     {"VKLO": "3", "ARBSIT": "04", "TRYGDESIT": "12"}, True),
    ("Kontroll 23A : Tilknytning til trygdesystemet og alder. Alderspensjon under 62 år",
     {**born(62), "VKLO": "3", "ARBSIT": "04", "TRYGDESIT": "07"}, False),
    ("Kontroll 23A : Tilknytning til trygdesystemet og alder. Alderspensjon under 62 år",
     {**born(61), "VKLO": "3", "ARBSIT": "04", "TRYGDESIT": "07"}, True),
    ("Kontroll 23B : Tilknytning til trygdesystemet og barn. Overgangsstønad",
     {"VKLO": "3", "ARBSIT": "04", "TRYGDESIT": "05", "BU18": "1", "ANTBU18": "1"}, False),
    ("Kontroll 23B : Tilknytning til trygdesystemet og barn. Overgangsstønad",
     {"VKLO": "3", "ARBSIT": "04", "TRYGDESIT": "05", "BU18": "2", "ANTBU18": ""}, True),
    ("Kontroll 24 : Tilknytning til trygdesystemet og arbeidssituasjon. Uføretrygd/alderspensjon",
     {"VKLO": "3", "ARBSIT": "04", "TRYGDESIT": "04"}, False),
    ("Kontroll 24 : Tilknytning til trygdesystemet og arbeidssituasjon. Uføretrygd/alderspensjon",
     {"VKLO": "3", "ARBSIT": "01", "TRYGDESIT": "04"}, True),
    ("Kontroll 26 : Stønadsmåneder. Gyldige koder", amounts(5000), False),
    ("Kontroll 26 : Stønadsmåneder. Gyldige koder", amounts(5000) | {"STMND_1": ""}, True),
    ("Kontroll 27 : Stønadssum mangler eller har ugyldige tegn", amounts(5000), False),
    ("Kontroll 27 : Stønadssum mangler eller har ugyldige tegn", amounts(0), True),
    ("Kontroll 30 : Stønadssum over kr 1 000 000", amounts(1_000_000), False),
    ("Kontroll 30 : Stønadssum over kr 1 000 000", amounts(1_000_001), True),
    ("Kontroll 31 : Stønadssum på kr 200,- eller lavere", amounts(201), False),
    ("Kontroll 31 : Stønadssum på kr 200,- eller lavere", amounts(200), True),
    ("Kontroll 36 : Bidrag fordelt på måneder", amounts(5000), False),
    ("Kontroll 36 : Bidrag fordelt på måneder", amounts(5000) | {"BIDRAG_JAN": "4999"}, True),
    ("Kontroll 37 : Lån fordelt på måneder", amounts(5000, 300), False),
    ("Kontroll 37 : Lån fordelt på måneder", amounts(5000, 300) | {"LAAN_JAN": "301"}, True),
    ("Kontroll 38 : DUF-nummer", {"PERSON_FODSELSNR": "", "PERSON_DUF": "198603720110"}, False),
    ("Kontroll 38 : DUF-nummer", {"PERSON_FODSELSNR": "", "PERSON_DUF": "198603720111"}, True),
    ("Kontroll 41 : Dato for utbetalingsvedtak", {"VILKARSOSLOV": "1", "UTBETDATO": "01022025"}, False),
    ("Kontroll 41 : Dato for utbetalingsvedtak", {"VILKARSOSLOV": "1", "UTBETDATO": ""}, True),
    ("Kontroll 43 : Type vilkår det stilles til mottakeren", {"VILKARSOSLOV": "1", "VILKARHELSE": "14"}, False),
    ("Kontroll 43 : Type vilkår det stilles til mottakeren",
     {"VILKARSOSLOV": "1", "VILKARARBEID": "", "VILKARSAMT": ""}, True),
]


@pytest.mark.parametrize(("rule", "values", "fires"), CASES, ids=[f"{c[0][:14]}-{c[2]}" for c in CASES])
def test_rule_boundaries(rule: str, values: dict[str, str], fires: bool) -> None:
    base = base_record("11F", YEAR) | {"VILKARSOSLOV": "2", "UTBETDATO": "", "UTBETTOMDATO": "",
                                       "VILKARARBEID": "", "VILKARSAMT": ""}
    found = names(with_values("11F", YEAR, base, **values))
    assert (rule in found) is fires, found


def test_base_record_passes_every_rule() -> None:
    assert names(with_values("11F", YEAR, base_record("11F", YEAR))) == {}


@pytest.mark.parametrize(("region", "district", "fires"), [
    ("030105", "05", False), ("030105", "15", False), ("030105", "16", True), ("030105", "", True),
    ("110300", "", False), ("110300", "05", True),
])
def test_oslo_versus_other_districts(region: str, district: str, fires: bool) -> None:
    line = with_values("11F", YEAR, base_record("11F", YEAR, region), BYDELSNR=district)
    assert ("Kontroll 03 : Bydelsnummer" in names(line, region)) is fires


def test_severities_and_entry_identity() -> None:
    base = base_record("11F", YEAR)
    line = with_values("11F", YEAR, base, **born(17), ANTBU18="14", BU18="1")
    args = CheckArguments("11F", YEAR, "110300")
    entries = run(sosialhjelp.rules_for(args), frame((line + "\n").encode("latin-1"), "11F", YEAR), args)
    by_name = {e.rule_name: e for e in entries}
    assert by_name["Kontroll 06 : Alder under 18 år"].severity is Severity.WARNING
    assert by_name["Kontroll 13 : Mange barn under 18 år i husholdningen."].severity is Severity.ERROR
    entry = by_name["Kontroll 13 : Mange barn under 18 år i husholdningen."]
    assert entry.journal_id == base["PERSON_JOURNALNR"].strip() and entry.line_numbers == (1,)
    assert entry.caseworker == base["SAKSBEHANDLER"].strip() and "'14'" in entry.message_text


def test_duplicates_are_reported_on_every_line() -> None:
    base = base_record("11F", YEAR)
    first = with_values("11F", YEAR, base)
    second = with_values("11F", YEAR, base, PERSON_JOURNALNR="OTHER")
    args = CheckArguments("11F", YEAR, "110300")
    entries = run(sosialhjelp.rules_for(args), frame(f"{first}\n{second}\n{first}\n".encode("latin-1"), "11F",
                                                   YEAR), args)
    fnr_lines = sorted(e.line_numbers[0] for e in entries if e.rule_name.startswith("Kontroll 05A"))
    journal_lines = sorted(e.line_numbers[0] for e in entries if e.rule_name.startswith("Kontroll 05B"))
    assert fnr_lines == [1, 2, 3] and journal_lines == [1, 3]


def test_age_from_fnr_in_layouts_without_birth_date() -> None:
    base = base_record("11F", 2024)
    args = CheckArguments("11F", 2024, "110300")
    young = with_values("11F", 2024, base, PERSON_FODSELSNR=fnr_born(2007))
    entries = run(sosialhjelp.rules_for(args), frame((young + "\n").encode("latin-1"), "11F", 2024), args)
    assert [e.rule_name for e in entries] == ["Kontroll 06 : Alder under 18 år"]
