"""Last year's values in this year's region structure, through the code changes of ``kostra.reference``.

Comparisons with last year (``prev()``, HB, the thousand-error check, the portal's pre-fill, "new this year")
join on the unit code. Across a reform that join loses every renumbered municipality, so every comparison
goes through a :class:`Reform` between the two years' structures:

* a municipality whose code changed (``3001`` Halden → ``3101``) or that kept its code maps 1:1;
* a **merger** (several old municipalities → one new) sums its predecessors for *additive* fields
  (counts, FTEs, amounts: ``FormField.is_additive``, definition data) and is **not applicable** for the
  others (yes/no, codes, prices, averages): no single last-year value describes the merged municipality;
* a **split** (one old municipality → several new) is not applicable, with the reason shown: last year's
  values cannot be divided without inventing data (``reference.convert_series`` apportions by population
  for time series; a control must not).

Units that are not municipalities (Oslo districts, institutions, counties' own units) keep their codes.
Real case of the 2024 reform: 1507 Ålesund (2023) split into 1508 Ålesund and 1580 Haram; read in the other
direction (2024 values in the 2023 structure) the same change is a merger of 1508 and 1580 into 1507.

:func:`carry_forward` maps last year's long values (``kostra.dataset.year_values``); the dataset's one entry
point for last year, ``kostra.dataset.previous_year_values``, applies it.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import polars as pl

from kostra.dataset.text import number_text
from kostra.reference import mapping, region, regions

__all__ = ["Link", "Reform", "ReformKind", "carry_forward", "reform_between"]


class ReformKind(enum.StrEnum):
    """How a unit of this year relates to last year's units."""

    UNCHANGED = "unchanged"
    CODE_CHANGE = "code_change"
    MERGE = "merge"
    SPLIT = "split"
    NEW = "new"          # no predecessor at all (a unit that did not exist last year)


@dataclass(frozen=True)
class Link:
    """This year's unit ``code`` and the units of last year its values come from."""

    code: str
    kind: ReformKind
    predecessors: tuple[str, ...]
    split_into: tuple[str, ...] = ()   # for a split: every unit the predecessor became
    from_year: int = 0                 # the structures linked (notes name the regions of each)
    to_year: int = 0

    @property
    def comparable(self) -> bool:
        """Whether last year's values can stand for this unit (not for a split part or a new unit)."""
        return self.kind not in (ReformKind.SPLIT, ReformKind.NEW)

    def note(self, lang: str = "nb") -> str:
        """Why last year's values are changed or missing (empty for an unchanged unit)."""
        olds = ", ".join(_named(self.from_year, c) for c in self.predecessors)
        nb, en = {
            ReformKind.UNCHANGED: ("", ""),
            ReformKind.CODE_CHANGE: (f"fikk nytt kommunenummer i {self.to_year}; i fjor {olds}",
                                     f"renumbered in {self.to_year}; last year {olds}"),
            ReformKind.MERGE: (f"slått sammen av {olds} i {self.to_year}: summerbare tall er summen av dem, "
                               "andre svar kan ikke sammenlignes",
                               f"merged from {olds} in {self.to_year}: additive numbers are their sum, other "
                               "answers are not comparable"),
            ReformKind.SPLIT: (f"delt fra {olds} i {self.to_year} (delt i {self._parts()}): fjorårets tall "
                               "kan ikke deles, sammenligning med i fjor er ikke mulig",
                               f"split from {olds} in {self.to_year} (into {self._parts()}): last year's "
                               "values cannot be divided, no comparison with last year"),
            ReformKind.NEW: ("ny enhet i år: ingen tall fra i fjor", "new unit this year: no values last year"),
        }[self.kind]
        return nb if lang == "nb" else en

    def _parts(self) -> str:
        return ", ".join(_named(self.to_year, c) for c in self.split_into)


def _named(year: int, code: str) -> str:
    try:
        return f"{code} {region(year, code).name}"
    except Exception:  # a code outside the year's regions (an institution): the code alone
        return code


@dataclass(frozen=True)
class Reform:
    """The links from ``from_year``'s municipalities to ``to_year``'s (usually last year → this year)."""

    from_year: int
    to_year: int
    links: Mapping[str, Link]                 # this year's municipality code → link
    old_codes: frozenset[str]                 # last year's municipality codes

    def link(self, code: str) -> Link:
        """The link of this year's unit ``code``; a non-municipality keeps its own code."""
        found = self.links.get(code)
        if found is not None:
            return found
        return Link(code, ReformKind.UNCHANGED, (code,), (), self.from_year, self.to_year)

    def changed(self) -> list[Link]:
        """The links that are not plain identities, ordered by code."""
        return [self.links[c] for c in sorted(self.links) if self.links[c].kind is not ReformKind.UNCHANGED]

    def predecessors(self, code: str) -> tuple[str, ...]:
        """Last year's codes behind this year's ``code`` (empty for a split part: nothing carries over)."""
        link = self.link(code)
        return link.predecessors if link.comparable else ()

    def counts(self) -> dict[str, int]:
        """How many of this year's municipalities are of each kind."""
        found: dict[str, int] = defaultdict(int)
        for link in self.links.values():
            found[link.kind.value] += 1
        return dict(found)


@lru_cache(maxsize=16)
def reform_between(from_year: int, to_year: int) -> Reform:
    """The reform from ``from_year``'s structure to ``to_year``'s (any two years held; usually Y−1 → Y).

    Raises UnknownYear when either structure is not held. Example: ``reform_between(2023, 2024).link("3101")``
    is a code change from ``3001``; ``.link("1580")`` is a split from ``1507``.
    """
    table = mapping(from_year, to_year)          # old → {new: share}
    sources: dict[str, list[str]] = defaultdict(list)
    for old, targets in table.items():
        for new in targets:
            sources[new].append(old)
    links: dict[str, Link] = {}
    for info in regions(to_year, "kommune"):
        olds = tuple(sorted(sources.get(info.code, ())))
        split = tuple(sorted({n for o in olds if len(table[o]) > 1 for n in table[o]}))
        links[info.code] = Link(info.code, _kind(info.code, olds, split), olds, split, from_year, to_year)
    return Reform(from_year, to_year, links, frozenset(table))


def _kind(code: str, olds: tuple[str, ...], split: tuple[str, ...]) -> ReformKind:
    if not olds:
        return ReformKind.NEW
    if split:
        return ReformKind.SPLIT
    if len(olds) > 1:
        return ReformKind.MERGE
    return ReformKind.UNCHANGED if olds[0] == code else ReformKind.CODE_CHANGE


# --- the long form of kostra.dataset ----------------------------------------------------------------

_COUNTING = ("reported", "edited", "estimated")


def carry_forward(values: pl.DataFrame, reform: Reform, additive: Callable[[str, str], bool]) -> pl.DataFrame:
    """Last year's long values (the columns of ``kostra.dataset.year_values``) in this year's structure.

    Same columns, ``unit_code`` this year's: a renumbered unit's rows keep their values and lineage; a split
    part gets each of its predecessor's cells as ``not_applicable`` with the reason in ``note``; a merger gets
    one row per cell, the exact sum (``value_text``) of its predecessors for an additive scalar field
    (``additive(form_id, field_name)``; a nil return counts as 0) and ``not_applicable`` with the reason for
    any other cell, table cells included. Merged rows name no single submission (lineage columns null).
    """
    links = _link_frame(reform)
    joined = values.join(links, left_on="unit_code", right_on="old", how="left").with_columns(
        pl.col("reform").fill_null(ReformKind.UNCHANGED.value))
    simple = joined.filter(pl.col("reform").is_in([ReformKind.UNCHANGED.value, ReformKind.CODE_CHANGE.value]))
    parts = [simple.with_columns(pl.coalesce("new", "unit_code").alias("unit_code"))]
    split = joined.filter(pl.col("reform") == ReformKind.SPLIT.value)
    if not split.is_empty():
        notes = [reform.link(code).note() for code in split["new"].to_list()]
        parts.append(split.with_columns(
            pl.col("new").alias("unit_code"), pl.lit("not_applicable").alias("status"),
            *[pl.lit(None, dtype=values.schema[c]).alias(c) for c in ("value_text", "value_number", "value_bool")],
            pl.Series("note", notes, dtype=pl.String)))
    merged = joined.filter(pl.col("reform") == ReformKind.MERGE.value)
    if not merged.is_empty():
        rows = _merged_rows(merged.to_dicts(), reform, additive)
        parts.append(pl.DataFrame(rows, schema=values.schema))
    return pl.concat([p.select(values.columns) for p in parts], how="vertical_relaxed")


def _link_frame(reform: Reform) -> pl.DataFrame:
    rows = [(old, link.code, link.kind.value) for link in reform.links.values() for old in link.predecessors]
    return pl.DataFrame(rows, schema={"old": pl.String, "new": pl.String, "reform": pl.String}, orient="row")


def _merged_rows(rows: list[dict[str, Any]], reform: Reform,
                 additive: Callable[[str, str], bool]) -> list[dict[str, Any]]:
    """Mergers are a handful of units: their cells are combined in Python, exactly (decimal text)."""
    cells: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = defaultdict(dict)
    sent: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        cells[(row["new"], row["form_id"], row["field_name"], row["row_key"])][row["unit_code"]] = row
        sent[(row["new"], row["form_id"])].add(row["unit_code"])
    found = []
    for (new, form_id, name, row_key), by_old in cells.items():
        link = reform.link(new)
        first = next(iter(by_old.values()))
        base = {**{k: None for k in first}, **{k: first[k] for k in ("year", "form_id", "field_id", "field_name",
                                                                      "field_type", "row_key", "row_number")},
                "unit_code": new}
        silent = [o for o in link.predecessors if o not in sent[(new, form_id)]]
        nil = [o for o, r in by_old.items() if r["status"] == "nil"]
        if len(nil) == len(link.predecessors):
            found.append({**base, "status": "nil", "note": first["note"]})
            continue
        why = _why_not(by_old, nil, silent, row_key is not None or not additive(form_id, name))
        if why:
            found.append({**base, "status": "not_applicable", "note": f"{link.note()}: {name} {why}"})
            continue
        total = sum((Decimal(r["value_text"]) for o, r in by_old.items() if o not in nil), Decimal(0))
        edited = any(r["status"] == "edited" for r in by_old.values())
        found.append({**base, "status": "edited" if edited else "reported", "value_text": number_text(total),
                      "value_number": float(total), "reported_text": number_text(total),
                      "note": f"sum av {', '.join(link.predecessors)} ({link.note()})"})
    return found


def _why_not(by_old: Mapping[str, Mapping[str, Any]], nil: list[str], silent: list[str], not_summed: bool) -> str:
    if not_summed:
        return "kan ikke summeres"
    if silent:
        return f"mangler: {', '.join(silent)} sendte ikke skjemaet"
    empty = [o for o, r in by_old.items() if o not in nil and (r["status"] not in _COUNTING or r["value_text"] is None)]
    return f"mangler hos {', '.join(empty)}" if empty else ""
