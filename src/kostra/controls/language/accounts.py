"""Function groups, art groups and kontoklasse groups known to ``accounts(...)``.

From ``specs/kostra-domain.md`` §2.1 (SSB's ``funksjonshierarki`` and ``artshierarki`` 2015/16).
Amounts are stored as reported: expenses positive, revenues negative. A group is therefore the
plain sum of its member arts; where SSB writes "− 690" or "− DR_INNT" the stored (negative)
revenue amounts are simply added.
"""

from __future__ import annotations

__all__ = ["ART_GROUPS", "FUNCTION_GROUPS", "KONTOKLASSE_GROUPS", "expand"]


def _span(low: int, high: int) -> frozenset[str]:
    return frozenset(f"{code:03d}" for code in range(low, high + 1))


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FGK11B = _codes("253 261")
# 254 existed until 2023 and was replaced by 257 and 258 from 2024; a year only has one of them.
_FGK11A = _FGK11B | _codes("234 254 257 258")
FUNCTION_GROUPS: dict[str, frozenset[str]] = {
    "FGK10a": _codes("232 233 241"),
    "FGK11b": _FGK11B,
    "FGK11a": _FGK11A,
    "FGK11": _FGK11A | _codes("256"),
}

_LONN = _codes("010 020 030 040 050 070 075 080 089")
_SOSIALE = _codes("090 099")
_EGENPRODUKSJON = _LONN | _SOSIALE | _span(100, 285)
_KJOP = _codes("300 330 350 370 375 380")
_OVERFORING = _codes("400 429 430 450 470 475 480")
_DR_UTG = _EGENPRODUKSJON | _KJOP | _OVERFORING
_DR_INNT = (_span(600, 670) | _codes("690 700 710 729 730 750 770 775 780")
            | _codes("800 810 830 850 870 874 875 880 890 895"))
ART_GROUPS: dict[str, frozenset[str]] = {
    "LONN": _LONN,
    "DR_UTG": _DR_UTG,
    "DR_INNT": _DR_INNT,
    "AGD9": _DR_UTG | _codes("590 690"),   # brutto driftsutgifter
    "AGD1": _DR_UTG | _codes("590") | _DR_INNT,   # netto driftsutgifter
}

KONTOKLASSE_GROUPS: dict[str, frozenset[str]] = {
    "drift": _codes("1 3"),
    "investering": _codes("0 4"),
}


def expand(code: str, groups: dict[str, frozenset[str]], digits: int) -> frozenset[str]:
    """A single code (``'253'``), a range (``'100-285'``) or a group name, as a set of codes.

    Raises ValueError naming the accepted forms.
    """
    if code in groups:
        return groups[code]
    low, _, high = code.partition("-")
    if low.isdigit() and len(low) == digits and (not high or (high.isdigit() and len(high) == digits)):
        return frozenset(f"{c:0{digits}d}" for c in range(int(low), int(high or low) + 1))
    raise ValueError(f"{code!r} is neither a {digits}-digit code, a range like '100-285' nor a group "
                     f"({', '.join(sorted(groups))})")
