"""11F 23C/24B and 11CF 21/26/27: the cases of SSB's own rule tests (``Rule0xx…Test.kt``) as parametrised tests.

Each row is (field values, expected to fire); SSB's records leave every other field at a default, ours start
from a valid generated record, so a row checks only whether the rule under test reports the record.
"""

from __future__ import annotations

import pytest

from kostra.controls.filecheck import kvalifisering, sosialhjelp
from kostra.controls.filecheck.model import CheckArguments, ReportEntry, Severity

from .sosial_frames import base_record, frame, layout, run, with_values

YEAR = 2025
RULE_23C = "Kontroll 23C : Tilknytning til trygdesystemet og barn. Barnetrygd"
RULE_24B = "Kontroll 24B : Tilknytning til trygdesystemet og arbeidssituasjon. Arbeidsavklaringspenger"
RULE_21, RULE_26, RULE_27 = "Kontroll 21 : Ytelser", "Kontroll 26 : Mottatt støtte", \
    "Kontroll 27 : Mottatt økonomisk sosialhjelp"
SUPPORT = ("KVP_MED_KOMMBOS", "KVP_MED_HUSBANKBOS", "KVP_MED_SOSHJ_ENGANG", "KVP_MED_SOSHJ_PGM", "KVP_MED_SOSHJ_SUP")


def entries_11f(values: dict[str, str], year: int = YEAR) -> list[ReportEntry]:
    args = CheckArguments("11F", year, "110300")
    line = with_values("11F", year, base_record("11F", year), **values)
    return run(sosialhjelp.rules_for(args), frame((line + "\n").encode("latin-1"), "11F", year), args)


def entries_11cf(values: dict[str, str]) -> list[ReportEntry]:
    args = CheckArguments("11CF", YEAR, "110300")
    municipalities = [c["code"] for f in layout("11CF", YEAR)["fields"] if f["name"] == "KOMMNR_KVP_KOMM"
                      for c in f["codeList"]]
    line = with_values("11CF", YEAR, base_record("11CF", YEAR), **values)
    rules = kvalifisering.rules_for(args, municipalities=municipalities)
    return run(rules, frame((line + "\n").encode("latin-1"), "11CF", YEAR), args)


def of_rule(entries: list[ReportEntry], name: str) -> list[ReportEntry]:
    return [e for e in entries if e.rule_name == name]


# Rule023CTilknytningTilTrygdesystemetOgBarnTest: (TRYGDESIT, BU18, ANTBU18)
CASES_23C = [
    (("00", "0", "0"), False), (("13", "1", "1"), False), (("13", "0", "0"), True), (("13", "1", "0"), True),
    (("13", "1", ""), True), (("13", "2", "0"), True), (("13", "2", ""), True),
]


@pytest.mark.parametrize(("values", "fires"), CASES_23C)
def test_23c_child_benefit_needs_children(values: tuple[str, str, str], fires: bool) -> None:
    trygdesit, bu18, antbu18 = values
    found = of_rule(entries_11f({"TRYGDESIT": trygdesit, "BU18": bu18, "ANTBU18": antbu18}), RULE_23C)
    assert bool(found) is fires
    if fires:
        assert found[0].severity is Severity.ERROR
        assert found[0].message_text.startswith("Mottakeren mottar barnetrygd, men det er ikke oppgitt barn under "
                                                "18 år i husholdningen")


# Rule024BTilknytningTilTrygdesystemetOgArbeidssituasjonTest: (VKLO, TRYGDESIT, ARBSIT)
CASES_24B = [
    (("0", "00", "00"), False), (("3", "01", "00"), False), (("3", "11", "01"), False), (("3", "11", "08"), True),
]


@pytest.mark.parametrize(("values", "fires"), CASES_24B)
def test_24b_work_assessment_allowance_and_unregistered_unemployment(values: tuple[str, str, str],
                                                                     fires: bool) -> None:
    vklo, trygdesit, arbsit = values
    found = of_rule(entries_11f({"VKLO": vklo, "TRYGDESIT": trygdesit, "ARBSIT": arbsit}), RULE_24B)
    assert bool(found) is fires
    if fires:
        assert found[0].severity is Severity.ERROR and found[0].line_numbers == (1,)
        assert found[0].message_text == (
            "Mottakeren mottar trygd (11=Arbeidsavklaringspenger), men det er oppgitt ugyldig kode "
            "(08=Arbeidsledig, men ikke registrert hos NAV) på arbeidssituasjon.")


def test_24b_without_labels_in_the_2022_layout_names_the_codes() -> None:
    found = of_rule(entries_11f({"VKLO": "3", "TRYGDESIT": "11", "ARBSIT": "08"}, year=2022), RULE_24B)
    assert [e.message_text for e in found] == [
        "Mottakeren mottar trygd (11), men det er oppgitt ugyldig kode (08) på arbeidssituasjon."]


# Rule021YtelserTest: (YTELSE_SOSHJELP, YTELSE_TYPE_SOSHJ)
CASES_21 = [(("0", "42"), False), (("1", "2"), False), (("1", "3"), False), (("1", "42"), True), (("1", ""), True),
            (("", ""), False)]


@pytest.mark.parametrize(("values", "fires"), CASES_21)
def test_21_type_of_assistance(values: tuple[str, str], fires: bool) -> None:
    found = of_rule(entries_11cf({"YTELSE_SOSHJELP": values[0], "YTELSE_TYPE_SOSHJ": values[1]}), RULE_21)
    assert bool(found) is fires
    if fires:
        assert found[0].severity is Severity.ERROR
        assert "inneholder ugyldige verdier" in found[0].message_text


# Rule026MottattStotteTest: KVP_MED_ASTONAD
@pytest.mark.parametrize(("answer", "fires"), [("1", False), ("2", False), ("4", True), ("", True)])
def test_26_support_question_must_be_answered(answer: str, fires: bool) -> None:
    found = of_rule(entries_11cf({"KVP_MED_ASTONAD": answer, **dict.fromkeys(SUPPORT, "")}
                                 | ({"KVP_MED_KOMMBOS": "4"} if answer == "1" else {})), RULE_26)
    assert bool(found) is fires
    if fires:
        assert f"Har deltakeren i {YEAR} i løpet av perioden" in found[0].message_text
        assert f"feil kode ({answer:1}) er benyttet" in found[0].message_text


POPULATED = dict(zip(SUPPORT, ("4", "5", "9", "8", "7"), strict=True))


# Rule027MottattOkonomiskSosialhjelpTest: (KVP_MED_ASTONAD, the five boxes) → fires, and which text
@pytest.mark.parametrize(("answer", "boxes", "expected"), [
    ("1", dict.fromkeys(SUPPORT, ""), "Det er mottatt støtte."),
    ("1", dict.fromkeys(SUPPORT, "0"), "Det er mottatt støtte."),
    ("1", POPULATED, None),
    ("1", dict.fromkeys(SUPPORT, "") | {"KVP_MED_SOSHJ_SUP": "7"}, None),
    ("2", dict.fromkeys(SUPPORT, ""), None),
    ("2", dict.fromkeys(SUPPORT, "0"), None),
    ("2", POPULATED, "Det er IKKE mottatt støtte."),
    ("2", dict.fromkeys(SUPPORT, "") | {"KVP_MED_HUSBANKBOS": "5"}, "Det er IKKE mottatt støtte."),
])
def test_27_support_boxes_agree_with_the_answer(answer: str, boxes: dict[str, str], expected: str | None) -> None:
    found = of_rule(entries_11cf({"KVP_MED_ASTONAD": answer, **boxes}), RULE_27)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].severity is Severity.ERROR
        assert f"har ugyldige koder. Feltet er obligatorisk å fylle ut. {expected}" in found[0].message_text
        assert "KVP_MED_KOMMBOS=" in found[0].message_text
