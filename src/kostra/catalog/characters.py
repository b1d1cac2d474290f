"""Characters no text answer may hold, whatever the channel (portal, API, file intake).

Refused: control characters other than tab and line breaks; lone surrogates (not text: they cannot
be stored as UTF-8); the line and paragraph separators; and the bidirectional controls that make
text display in another order than it is stored ("Trojan Source", CVE-2021-42574): U+202A–U+202E,
U+2066–U+2069, U+200E, U+200F and U+061C. A statistician reading ``\\u202e01 ecnerefer`` would see
``reference 10``.

    >>> refused_character("Kongsvinger sykehjem")
    >>> refused_character("abc\\u202edef")
    'U+202E RIGHT-TO-LEFT OVERRIDE'
"""

from __future__ import annotations

import unicodedata

__all__ = ["refused_character"]

_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_REFUSED_CATEGORIES = frozenset({"Cs", "Zl", "Zp"})


def refused_character(text: str) -> str | None:
    """The first character ``text`` may not hold, by code point and name, or None when all are allowed."""
    for character in text:
        category = unicodedata.category(character)
        if (character in _BIDI_CONTROLS or category in _REFUSED_CATEGORIES
                or (category == "Cc" and character not in _ALLOWED_CONTROLS)):
            name = unicodedata.name(character, "")
            return f"U+{ord(character):04X}{' ' + name if name else ''}"
    return None
