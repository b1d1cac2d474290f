"""KOSTRA groups: the shipped APPROXIMATION and the KLASS correspondence reader."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kostra.errors import IntakeError
from kostra.reference import approximate_groups, members, read_klass_groups
from kostra.reference.datafiles import DATA

FIXTURES = Path(__file__).parent / "fixtures"
KNOWN = {"0301": "EKG13", "1103": "EKG12", "4204": "EKG12", "4601": "EKG12", "3401": "EKG07", "3405": "EKG09"}


@pytest.mark.parametrize("year", [2020, 2023, 2024, 2026])
def test_known_memberships(year: int) -> None:
    groups = approximate_groups(year)
    assert {code: groups[code] for code in KNOWN} == KNOWN
    if year >= 2024:
        assert (groups["1580"], groups["1508"]) == ("EKG01", "EKG11")
    else:
        assert groups["1507"] == "EKG11"
    assert groups["0301"] == "EKG13" and members(year, "EKG13") == ["0301"]


def test_group_sizes_roughly_published() -> None:
    published = {1: 40, 2: 18, 3: 9, 4: 39, 5: 33, 6: 28, 7: 38, 8: 13, 9: 27, 10: 13, 11: 10, 12: 11, 13: 1,
                 14: 25, 15: 36, 16: 8, 17: 8}
    sizes = Counter(approximate_groups(2024).values())
    for group, count in published.items():
        assert abs(sizes[f"EKG{group:02d}"] - count) <= 5, group


def test_approximation_is_labelled() -> None:
    assert (DATA / "kostra_groups_APPROXIMATION.csv").is_file()
    assert "APPROXIMATION" in (DATA / "PROVENANCE.md").read_text(encoding="utf-8")


def test_klass_semicolon_file() -> None:
    groups = read_klass_groups(FIXTURES / "klass_131_112_sample.csv")
    assert groups == {"0301": "EKG13", "1103": "EKG12", "3401": "EKG07", "1580": "EKG01"}


def test_klass_comma_text_unquoted() -> None:
    text = "sourceCode,sourceName,targetCode,targetName\n4601,Bergen,EKG12,KOSTRA-gruppe 12\n"
    assert read_klass_groups(text) == {"4601": "EKG12"}


@pytest.mark.parametrize(("text", "message"), [
    ("code;name\n0301;Oslo\n", "sourcecode"),
    ("sourceCode;targetCode\n301;13\n", "4-digit"),
    ("sourceCode;targetCode\n0301;18\n", "1–17"),
    ("", "empty"),
])
def test_klass_errors(text: str, message: str) -> None:
    with pytest.raises(IntakeError, match=message):
        read_klass_groups(text)
