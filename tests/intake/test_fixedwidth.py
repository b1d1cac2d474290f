"""Reading fixed-width files: encodings, line ends, empty lines and original line numbers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kostra.intake.fixedwidth import decode, parse_records, read_lines
from kostra.intake.layouts import load_layout


def test_decode_utf8_and_latin1() -> None:
    assert decode("Bærum".encode()) == ("Bærum", "UTF-8")
    assert decode("Bærum".encode("latin-1")) == ("Bærum", "ISO-8859-1")
    assert decode("\ufeffÅs".encode()) == ("Ås", "UTF-8")


def test_crlf_empty_lines_and_missing_final_newline_keep_line_numbers() -> None:
    source = read_lines(b"abc\r\n\r\ndef\n\nghi")
    assert source.frame["text"].to_list() == ["abc", "def", "ghi"]
    assert source.frame["line"].to_list() == [1, 3, 5]


def test_parse_records_slices_raw_untrimmed_fields() -> None:
    layout = load_layout("0G", 2022)
    line = "0G2022 380500976990803         510  070     1139"
    records = parse_records(read_lines((line + "\n").encode()).frame, layout)
    row = records.row(0, named=True)
    assert row["skjema"] == "0G"
    assert row["kvartal"] == " "
    assert row["orgnr"] == "976990803"
    assert row["belop"] == "     1139"
    assert row["line"] == 1
    assert "".join(row[f.name] for f in layout.fields) == line


def test_latin1_and_utf8_give_same_columns() -> None:
    layout = load_layout("52BF", 2025)
    line = "667200017" + "00000001" + "Gruppe for Ærlige Øyeblikk".ljust(30) + "0" * (88 - 47)
    a = parse_records(read_lines(line.encode("latin-1")).frame, layout)
    b = parse_records(read_lines(line.encode("utf-8")).frame, layout)
    assert a.equals(b)
    assert a["GRUPPE_NAVN_B"][0].startswith("Gruppe for Ærlige")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_read_without_error(data: bytes) -> None:
    source = read_lines(data)
    assert source.frame.columns == ["text", "line"]
    assert all(n >= 1 for n in source.frame["line"].to_list())
    records = parse_records(source.frame, load_layout("53F", 2025))
    assert records.height == source.count
