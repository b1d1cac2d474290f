"""Issue 10, point 5: text answers refuse control and bidirectional-override characters, everywhere.

The refused bidirectional controls are the ones the "Trojan Source" paper lists (CVE-2021-42574):
LRE, RLE, PDF, LRO, RLO (U+202A–U+202E), LRI, RLI, FSI, PDI (U+2066–U+2069), LRM, RLM, ALM.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kostra.catalog.characters import refused_character
from kostra.catalog.forms import load_catalog
from kostra.catalog.free_text import comment_problems, nil_reason_problems
from kostra.catalog.validation import Unit, parse_number, validate_values

TROJAN_SOURCE = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
                 "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize("character", [*TROJAN_SOURCE, "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029",
                                       "\ud800"])
def test_refused(character: str) -> None:
    found = refused_character(f"Kongsvinger {character}sykehjem")
    assert found is not None and found.startswith(f"U+{ord(character):04X}")


@pytest.mark.parametrize("text", ["Grünerløkka bydel", "Åse og Øystein", "linje 1\nlinje 2\r\n\tinnrykk",
                                  "tusen\u00a0kroner", "myk\u00adbindestrek", "👩‍⚕️ sykepleier", "عربي", "עברית"])
def test_ordinary_text_is_allowed(text: str) -> None:
    assert refused_character(text) is None  # right-to-left scripts are text; only the controls are refused


def test_a_text_field_with_an_override_is_an_error_at_the_field() -> None:
    form = load_catalog(2025).form("5")
    result = validate_values(form, {"institusjonsnavn": "abc\u202edef"}, unit=Unit("974600951", "institution"),
                             lang="en")
    [problem] = [p for p in result.problems if p.field_name == "institusjonsnavn"]
    assert problem.code == "refused_character" and problem.severity.name == "ERROR"
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in problem.message and "institusjonsnavn" not in result.values


def test_a_quoted_answer_does_not_carry_its_override_into_the_message() -> None:
    form = load_catalog(2025).form("5")
    result = validate_values(form, {"rom_i_alt": "12\u202e34"}, unit=Unit("974600951", "institution"))
    [problem] = [p for p in result.problems if p.field_name == "rom_i_alt"]
    assert "\u202e" not in problem.message and "\\u202e" in problem.message


@pytest.mark.parametrize("raw", [float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("sNaN"),
                                 Decimal("Infinity"), "١٢", "۱۲", "१२", "²", "1_000", "NaN", "inf"])
def test_numbers_are_finite_and_written_with_the_digits_0_to_9(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_number(raw)


def test_norwegian_numbers_still_read() -> None:
    assert parse_number("1 234,5") == Decimal("1234.5") and parse_number("\u22123") == Decimal(-3)


def test_comment_limits() -> None:
    assert comment_problems({"rom_i_alt:above_plausible": "Nybygg tatt i bruk i 2025"}) == []
    assert [p.code for p in comment_problems({"k": "x" * 2001})] == ["too_long"]
    assert [p.code for p in comment_problems({"k" * 201: "x"})] == ["too_long"]
    assert [p.code for p in comment_problems({f"k{i}": "x" for i in range(201)})] == ["too_many_texts"]
    assert [p.code for p in comment_problems({"k": "\u2067x"})] == ["refused_character"]
    assert comment_problems({"k": "x" * 2000, "l" * 200: "y"}) == []
    assert [p.code for p in nil_reason_problems("r" * 1001)] == ["too_long"]
    assert nil_reason_problems("Kommunen har ikke sykehjem") == []
