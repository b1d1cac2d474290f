"""Derive municipality code changes between two years' code lists by matching names.

The 2024 reform gave most municipalities of Viken (30xx), Vestfold og Telemark (38xx) and Troms og Finnmark
(54xx) new codes under unchanged names, so a name match finds them. Names that changed at the same time and the
Ålesund/Haram split are listed explicitly below (specs/kostra-domain.md §3.1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kostra.errors import DefinitionError
from kostra.reference.changes import CodeChange

__all__ = ["CodeChange", "derive_changes", "normalised_names"]

# old code → new code where the name changed with the code (2023 → 2024)
EXPLICIT_RENAMES: dict[tuple[int, int], dict[str, str]] = {
    (2023, 2024): {"3018": "3114", "5414": "5516"},  # Våler (Viken) → Våler (Østfold); Gratangen → Gratangen - Rivtták
}
# old code → new codes of a municipality divided between two years
EXPLICIT_SPLITS: dict[tuple[int, int], dict[str, tuple[str, ...]]] = {
    (2023, 2024): {"1507": ("1508", "1580")},  # Ålesund → Ålesund + Haram
}


def normalised_names(name: str) -> frozenset[str]:
    """The comparable forms of an official name: each language form, lower-case, without a (county) suffix."""
    plain = re.sub(r"\s*\([^)]*\)", "", name).lower()
    return frozenset(part.strip() for part in re.split(r"\s+-\s+", plain) if part.strip()) | {plain.strip()}


def derive_changes(from_year: int, to_year: int, old: Mapping[str, str], new: Mapping[str, str],
                   split_weights: Mapping[str, int]) -> list[CodeChange]:
    """The changes between code list ``old`` (of ``from_year``) and ``new`` (of ``to_year``).

    Codes in both lists with different names are renames; a vanished code maps to the one new code whose
    name matches (code_change); explicit splits are shared by ``split_weights`` (population of the new codes
    in ``to_year``). Raises DefinitionError when a vanished or new code is left without a match.
    """
    key = (from_year, to_year)
    changes = [CodeChange(from_year, to_year, code, code, "rename", 1.0)
               for code in sorted(old) if code in new and old[code] != new[code]]
    gone = sorted(set(old) - set(new))
    added = set(new) - set(old)
    matched: set[str] = set()
    for code in gone:
        if code in EXPLICIT_SPLITS.get(key, {}):
            targets = EXPLICIT_SPLITS[key][code]
            total = sum(split_weights[t] for t in targets)
            changes += [CodeChange(from_year, to_year, code, t, "split", split_weights[t] / total) for t in targets]
            matched.update(targets)
            continue
        target = EXPLICIT_RENAMES.get(key, {}).get(code) or _match_by_name(code, old[code], new, added - matched)
        changes.append(CodeChange(from_year, to_year, code, target, "code_change", 1.0))
        matched.add(target)
    if unmatched := sorted(added - matched):
        raise DefinitionError(f"new codes without a predecessor: {unmatched}", item=f"{from_year}→{to_year}")
    return _mark_merges(changes)


def _match_by_name(code: str, name: str, new: Mapping[str, str], candidates: set[str]) -> str:
    wanted = normalised_names(name)
    hits = sorted(c for c in candidates if normalised_names(new[c]) & wanted)
    if len(hits) != 1:
        raise DefinitionError(f"old code {code} {name!r} matches {len(hits)} new codes by name ({hits}); "
                              "expected exactly one — add it to EXPLICIT_RENAMES")
    return hits[0]


def _mark_merges(changes: list[CodeChange]) -> list[CodeChange]:
    # several old codes pointing at one new code form a merge
    targets: dict[str, int] = {}
    for change in changes:
        if change.kind != "rename":
            targets[change.new_code] = targets.get(change.new_code, 0) + 1
    return [CodeChange(c.from_year, c.to_year, c.old_code, c.new_code, "merge", c.share)
            if c.kind == "code_change" and targets[c.new_code] > 1 else c for c in changes]
