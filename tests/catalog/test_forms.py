"""The form catalogue: every shipped definition loads; broken ones fail with file, item and line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kostra.catalog.form_models import Delivery, FieldType, UnitKind
from kostra.catalog.forms import KNOWN_UNITS, available_years, load_catalog, load_catalog_from
from kostra.errors import DefinitionError, NotFound, UnknownYear
from tests.catalog.conftest import MINIMAL_FORM, line_of, write_form

WEB_FORMS = ("1", "4", "5", "7", "13", "PSYK")
FILE_FORMS = ("11", "11C")
ACCOUNTS_FORMS = ("0A", "0B", "0M", "0N")


@pytest.mark.parametrize("year", [2024, 2025])
def test_every_shipped_form_loads(year: int) -> None:
    catalog = load_catalog(year)
    ids = {f.id for f in catalog.forms()}
    assert set(WEB_FORMS + FILE_FORMS + ACCOUNTS_FORMS) <= ids
    for form in catalog.forms():
        assert form.definition.year == year
        assert Path(form.file).stem == form.id
        for f in form.fields():
            assert f.type not in (FieldType.INTEGER, FieldType.DECIMAL, FieldType.AMOUNT) or f.unit in KNOWN_UNITS


@pytest.mark.parametrize("year", [2024, 2025])
def test_web_forms_are_realistic_in_size(year: int) -> None:
    catalog = load_catalog(year)
    for form_id in WEB_FORMS:
        form = catalog.form(form_id)
        assert form.definition.delivery is Delivery.WEB
        assert 10 <= len(form.fields()) <= 40, form_id
        assert all(f.label.nb and f.label.en and f.recipients for f in form.fields())


@pytest.mark.parametrize(("year", "january", "february", "accounts"), [
    # 15 Feb and 22 Feb 2025 are Saturdays, 15 Feb and 22 Feb 2026 Sundays: moved to Monday
    (2024, date(2025, 1, 15), date(2025, 2, 17), date(2025, 2, 24)),
    (2025, date(2026, 1, 15), date(2026, 2, 16), date(2026, 2, 23)),
])
def test_deadlines_follow_the_kostra_timeline(year: int, january: date, february: date, accounts: date) -> None:
    catalog = load_catalog(year)
    for form_id in ("4", "5", "11", "11C"):
        assert catalog.form(form_id).definition.deadline == january
    for form_id in ("1", "7", "13", "PSYK"):
        assert catalog.form(form_id).definition.deadline == february
    for form_id in ACCOUNTS_FORMS:
        assert catalog.form(form_id).definition.deadline == accounts
    assert all(f.definition.deadline.weekday() < 5 for f in catalog.forms())


def test_form_5_is_per_institution_with_rooms_places_and_orgnr() -> None:
    form = load_catalog(2025).form("5")
    assert form.definition.one_per is UnitKind.INSTITUTION
    names = {f.name for f in form.fields()}
    assert {"orgnr", "naeringskode", "naeringskode_sn2025", "rom_i_alt", "enerom", "rom_for_flere",
            "brukertilpassede_enerom", "plasser_i_alt", "plasser_demens", "plasser_psykiatri", "plasser_rus",
            "plasser_rehabilitering", "plasser_utredning", "plasser_avlastning", "plasser_kad",
            "plasser_andre_kommuner"} <= names
    assert form.field("orgnr").type is FieldType.ORGNR
    assert form.field("3.2") is form.field("rom_i_alt")


def test_2025_differs_from_2024_as_documented() -> None:
    new, old = load_catalog(2025).form("5"), load_catalog(2024).form("5")
    assert "naeringskode_sn2025" not in {f.name for f in old.fields()}
    assert any("SN2025" in change.nb for change in new.definition.changes)
    with pytest.raises(NotFound, match="psykologkompetanse"):
        load_catalog(2024).form("1").field("psykologkompetanse")


def test_psyk_has_questions_1_to_31_marked_as_modelled() -> None:
    form = load_catalog(2025).form("PSYK")
    assert [f.id for f in form.fields()] == [str(n) for n in range(1, 32)]
    assert "modellert" in form.definition.description.nb
    assert form.field("1").unit == "1000 NOK"


def test_file_and_accounts_forms_name_their_attachment() -> None:
    catalog = load_catalog(2025)
    assert catalog.form("11").definition.attachment.form == "11F"
    assert catalog.form("11C").definition.attachment.form == "11CF"
    assert catalog.form("11").definition.attachment.record_length == 338
    assert catalog.form("0A").definition.attachment.form == "0A"


def test_unknown_year_and_form() -> None:
    with pytest.raises(UnknownYear, match="1999"):
        load_catalog(1999)
    with pytest.raises(NotFound, match="'99'"):
        load_catalog(2025).form("99")
    assert {2024, 2025} <= set(load_catalog(2025).years()) == set(available_years())


def test_minimal_form_loads_with_field_lines(minimal_root: Path) -> None:
    form = load_catalog_from(minimal_root, 2025).form("9")
    assert form.field_line("1.2") == line_of(MINIMAL_FORM, 'id: "1.2"')
    assert form.field("plasser").minutes == 4 and form.field("har_tilbud").minutes == 2


BROKEN = [
    pytest.param('id: "1.2"', 'id: "1.1"', ("name: plasser", -1), "duplicate field id '1.1'",
                 id="duplicate-field-id"),
    pytest.param('{field: "1.1", equals: true}', '{field: "8.8", equals: true}', '{field: "8.8"',
                 "'8.8', which is not an earlier field", id="unknown-field-in-applies-when"),
    pytest.param("type: integer", "type: integre", "type: integre", "type", id="bad-type"),
    pytest.param('        label: {nb: "Plasser", en: "Places"}\n', "", 'id: "1.2"', "label", id="missing-label"),
    pytest.param("        max: 1000\n", "        max: 1000\n        colour: red\n", "colour: red", "colour",
                 id="extra-key"),
    pytest.param("unit: antall", "unit: stykk", 'id: "1.2"', "unknown unit 'stykk'", id="unknown-unit"),
    pytest.param('{field: "1.1", equals: true}', '{field: "1.1", greater_than: 3}', "greater_than: 3",
                 "greater_than needs a number field", id="condition-on-wrong-type"),
    pytest.param("type: yes_no", "type: single_choice", "type: single_choice", "at least two options",
                 id="choice-without-options"),
    pytest.param("deadline: 2026-01-15", "deadline: 2025-01-15", "deadline:", "is not in 2026",
                 id="deadline-in-wrong-year"),
    pytest.param("deadline: 2026-01-15", "deadline: 2026-02-30", "deadline:", "deadline", id="invalid-date"),
    pytest.param("year: 2025", "year: 2024", "year: 2024", "does not match the folder's year 2025",
                 id="year-not-folder"),
    pytest.param("        minutes: 6\n", "        minutes: 6\n        minutes: 7\n", "minutes: 7",
                 "duplicate key 'minutes'", id="duplicate-yaml-key"),
]


@pytest.mark.parametrize(("old", "new", "line_fragment", "message"), BROKEN)
def test_broken_definitions_name_file_and_line(tmp_path: Path, old: str, new: str,
                                               line_fragment: str | tuple[str, int], message: str) -> None:
    assert old in MINIMAL_FORM
    text = MINIMAL_FORM.replace(old, new, 1)
    path = write_form(tmp_path, text)
    with pytest.raises(DefinitionError, match=message) as caught:
        load_catalog_from(tmp_path, 2025)
    assert caught.value.file == str(path)
    fragment, offset = line_fragment if isinstance(line_fragment, tuple) else (line_fragment, 0)
    assert caught.value.line == line_of(text, fragment) + offset
    assert str(path) in str(caught.value) and f"line {caught.value.line}" in str(caught.value)


def test_table_field_needs_columns(tmp_path: Path) -> None:
    text = MINIMAL_FORM.replace("type: text", "type: table", 1)
    write_form(tmp_path, text)
    with pytest.raises(DefinitionError, match="needs columns") as caught:
        load_catalog_from(tmp_path, 2025)
    assert caught.value.item == "1.3" and caught.value.line == line_of(text, "type: table")


def test_file_name_must_be_the_form_id(tmp_path: Path) -> None:
    write_form(tmp_path, MINIMAL_FORM, form_id="10")
    with pytest.raises(DefinitionError, match=r"does not match the file name '10\.yaml'"):
        load_catalog_from(tmp_path, 2025)
