"""Kontroll 001/002 on every layout, with records built from the layout itself."""

from __future__ import annotations

import polars as pl
import pytest

from kostra.controls.filecheck.generic import check_record_length, file_description_rule
from kostra.controls.filecheck.model import CheckArguments, Severity
from kostra.intake.fixedwidth import parse_records, read_lines
from kostra.intake.layouts import Layout, load_layout

LAYOUTS = [(form, year) for form in ("11F", "11CF") for year in range(2022, 2027)] + [
    (form, year) for form in ("52AF", "52BF", "53F", "55F") for year in range(2024, 2027)] + [("0A", 2025)]


def valid_values(layout: Layout) -> dict[str, str]:
    values = {}
    for field in layout.fields:
        if field.code_list:
            values[field.name] = field.code_list[-1].code
        elif field.data_type == "INTEGER_TYPE":
            values[field.name] = "7".rjust(field.size)
        elif field.data_type == "DATE_TYPE":
            values[field.name] = "290224" if field.date_pattern == "ddMMyy" else "29022024"
        else:
            values[field.name] = "1" * field.size
    return values


def records_of(layout: Layout, rows: list[dict[str, str]]) -> pl.DataFrame:
    text = "".join("".join(row[f.name].ljust(f.size) for f in layout.fields) + "\n" for row in rows)
    return parse_records(read_lines(text.encode()).frame, layout)


def run_002(layout: Layout, rows: list[dict[str, str]]) -> list[tuple[str, tuple[int, ...]]]:
    rule = file_description_rule(layout)
    entries = rule.check(records_of(layout, rows), CheckArguments(layout.id or "0A", layout.reporting_year, "030100"))
    assert all(e.severity == Severity.ERROR for e in entries)
    return [(e.rule_name.split(", ")[1], e.line_numbers) for e in entries]


@pytest.mark.parametrize(("form", "year"), LAYOUTS)
def test_valid_record_passes_and_each_fault_is_named(form: str, year: int) -> None:
    layout = load_layout(form, year)
    good = valid_values(layout)
    assert run_002(layout, [good]) == []
    assert check_record_length(records_of(layout, [good]).select(
        pl.concat_str([pl.col(f.name) for f in layout.fields]).alias("text"), pl.col("line")),
        layout.record_length) == []
    # 11F 2022–2023 declare no mandatory field at all
    mandatory = next((f for f in layout.fields if f.mandatory and f.name != "BYDELSNR"), None)
    coded = next((f for f in layout.fields if f.code_list and f.size == 1), None)
    integer = next((f for f in layout.fields if f.data_type == "INTEGER_TYPE"), None)
    date = next((f for f in layout.fields if f.data_type == "DATE_TYPE"), None)
    rows, expected = [good], []
    if mandatory is not None:
        rows.append({**good, mandatory.name: ""})
        expected.append(("mangler obligatorisk verdi", (len(rows),)))
    if coded is not None:
        rows.append({**good, coded.name: "X"})
        expected.append(("feil kode", (len(rows),)))
    if integer is not None:
        rows.append({**good, integer.name: "1 2".rjust(integer.size) if integer.size >= 3 else "x"})
        expected.append(("feil i heltall-felt", (len(rows),)))
    if date is not None:
        rows.append({**good, date.name: "31042024"[: date.size]})
        expected.append(("feil i dato-felt", (len(rows),)))
    assert run_002(layout, rows) == expected


def test_blank_bydelsnr_outside_oslo_is_valid_in_11f() -> None:
    # specs/kostra-files.md §7.1: the official program flags it although Kontroll 03 requires it blank
    layout = load_layout("11F", 2025)
    good = valid_values(layout)
    outside = {**good, "KOMMUNE_NR": "1103", "BYDELSNR": "  "}
    oslo = {**good, "KOMMUNE_NR": "0301", "BYDELSNR": "  "}
    assert run_002(layout, [outside, oslo]) == [("mangler obligatorisk verdi", (2,))]


def test_record_length_lists_each_bad_line() -> None:
    lines = read_lines(b"abc\nabcd\n\nab\tc\nab").frame
    entries = check_record_length(lines, 4)
    assert [e.line_numbers for e in entries] == [(1,), (4,), (5,)]
    assert all(e.severity == Severity.FATAL for e in entries)
