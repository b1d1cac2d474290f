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

Two shapes share one set of rules: :func:`carry_forward` maps a long frame (``unit``, ``form``, ``field``,
``row_key``, ``value``; table cells are ``table.column`` with a ``row_key``) and :func:`combine` merges the
answers of one form of several predecessors (used by the per-submission readers).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import polars as pl

from kostra.reference import mapping, region, regions

__all__ = ["LONG_COLUMNS", "Combined", "Link", "Reform", "ReformKind", "carry_forward", "combine", "reform_between"]

LONG_COLUMNS = ("unit", "form", "field", "row_key", "value")


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

    @property
    def comparable(self) -> bool:
        """Whether last year's values can stand for this unit (not for a split part or a new unit)."""
        return self.kind not in (ReformKind.SPLIT, ReformKind.NEW)

    def note(self, lang: str = "nb") -> str:
        """Why last year's values are changed or missing (empty for an unchanged unit)."""
        olds = ", ".join(_named(self._from_year, c) for c in self.predecessors)
        nb, en = {
            ReformKind.UNCHANGED: ("", ""),
            ReformKind.CODE_CHANGE: (f"fikk nytt kommunenummer i {self._to_year}; i fjor {olds}",
                                     f"renumbered in {self._to_year}; last year {olds}"),
            ReformKind.MERGE: (f"slått sammen av {olds} i {self._to_year}: summerbare tall er summen av dem, "
                               "andre svar kan ikke sammenlignes",
                               f"merged from {olds} in {self._to_year}: additive numbers are their sum, other "
                               "answers are not comparable"),
            ReformKind.SPLIT: (f"delt fra {olds} i {self._to_year} (delt i {self._parts()}): fjorårets tall "
                               "kan ikke deles, sammenligning med i fjor er ikke mulig",
                               f"split from {olds} in {self._to_year} (into {self._parts()}): last year's "
                               "values cannot be divided, no comparison with last year"),
            ReformKind.NEW: ("ny enhet i år: ingen tall fra i fjor", "new unit this year: no values last year"),
        }[self.kind]
        return nb if lang == "nb" else en

    # The years are set by Reform so that notes can name the regions.
    _from_year: int = field(default=0, compare=False)
    _to_year: int = field(default=0, compare=False)

    def _parts(self) -> str:
        return ", ".join(_named(self._to_year, c) for c in self.split_into)


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


# --- merging one form's answers ----------------------------------------------------------------------

@dataclass(frozen=True)
class Combined:
    """The merged answers of one form, and why each dropped field was dropped."""

    values: dict[str, Any]
    dropped: dict[str, str]     # field → reason (bokmål)
    nil: bool


def combine(answers: Sequence[Mapping[str, Any] | None], additive: Callable[[str], bool]) -> Combined:
    """The answers of one form of a merger's predecessors as one unit's answers.

    ``answers`` holds each predecessor's answers, ``None`` for a nil return (nothing to report: its additive
    numbers count as 0). An additive number is the sum when every predecessor that returned the form answered
    it; any other field (yes/no, codes, prices, tables) is dropped with its reason. The merged unit is nil
    only when every predecessor was. Example: ``combine([{"plasser": 4}, {"plasser": 6}], lambda f: True)``
    gives ``{"plasser": 10}``.
    """
    returned = [a for a in answers if a is not None]
    names = list(dict.fromkeys(name for a in returned for name in a))
    values: dict[str, Any] = {}
    dropped: dict[str, str] = {}
    for name in names:
        cells = [a.get(name) for a in returned]
        if not additive(name):
            dropped[name] = "ikke summerbart: kan ikke slås sammen"
        elif any(c is None for c in cells):
            dropped[name] = "mangler hos minst én av de sammenslåtte kommunene"
        elif not all(_is_number(c) for c in cells):
            dropped[name] = "ikke et tall: kan ikke slås sammen"
        else:
            values[name] = _sum(cells)
    return Combined(values, dropped, nil=not returned and bool(answers))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _sum(cells: Iterable[Any]) -> Any:
    cells = list(cells)
    if any(isinstance(c, Decimal) for c in cells):
        return sum((Decimal(str(c)) for c in cells), Decimal(0))
    total = sum(cells)
    # Floats of one decimal (FTEs, hours) sum without binary artefacts: 0.1 + 0.2 is 0.3.
    return round(total, 9) if isinstance(total, float) else total


# --- the long form -----------------------------------------------------------------------------------

def carry_forward(values: pl.DataFrame, reform: Reform, additive: Callable[[str, str], bool]) -> pl.DataFrame:
    """Last year's long values (``LONG_COLUMNS``, other columns kept) in this year's structure.

    Returns the same columns plus ``reform`` (the unit's ReformKind), ``predecessors`` (comma-joined old
    codes) and ``reason`` (bokmål, null unless the value is not applicable); a ``status`` column, when
    present, becomes ``not_applicable`` where the value is dropped. ``additive(form, field)`` says whether a
    merger sums a field (a table cell's field is ``table.column``: table cells are never summed).
    A split part gets one not-applicable row per value of its predecessor.
    """
    missing = [c for c in LONG_COLUMNS if c not in values.columns]
    if missing:
        raise ValueError(f"carry_forward needs the columns {', '.join(LONG_COLUMNS)}; missing {', '.join(missing)}")
    links = _link_frame(reform)
    joined = values.join(links, left_on="unit", right_on="old", how="left").with_columns(
        pl.col("new").fill_null(pl.col("unit")),
        pl.col("reform").fill_null(pl.lit(ReformKind.UNCHANGED.value)),
        pl.col("predecessors").fill_null(pl.col("unit")))
    simple = joined.filter(pl.col("reform").is_in([ReformKind.UNCHANGED.value, ReformKind.CODE_CHANGE.value]))
    parts = [simple.with_columns(pl.col("new").alias("unit"), pl.lit(None, dtype=pl.String).alias("reason"))]
    split = joined.filter(pl.col("reform") == ReformKind.SPLIT.value)
    if not split.is_empty():
        parts.append(_not_applicable(split.with_columns(pl.col("new").alias("unit")),
                                     [reform.link(c).note() for c in split["new"].to_list()]))
    merged = joined.filter(pl.col("reform") == ReformKind.MERGE.value)
    if not merged.is_empty():
        parts.append(_merged(merged, reform, additive))
    columns = [*values.columns, "reform", "predecessors", "reason"]
    return pl.concat([p.select(columns) for p in parts], how="vertical_relaxed")


def _link_frame(reform: Reform) -> pl.DataFrame:
    rows = [(old, link.code, link.kind.value, ",".join(link.predecessors))
            for link in reform.links.values() for old in link.predecessors]
    return pl.DataFrame(rows, schema={"old": pl.String, "new": pl.String, "reform": pl.String,
                                      "predecessors": pl.String}, orient="row")


def _not_applicable(frame: pl.DataFrame, reasons: list[str]) -> pl.DataFrame:
    out = frame.with_columns(pl.lit(None, dtype=frame.schema["value"]).alias("value"),
                             pl.Series("reason", reasons, dtype=pl.String))
    if "status" in out.columns:
        out = out.with_columns(pl.lit("not_applicable", dtype=out.schema["status"]).alias("status"))
    return out


def _merged(frame: pl.DataFrame, reform: Reform, additive: Callable[[str, str], bool]) -> pl.DataFrame:
    """Mergers are a handful of units: their rows are summed in Python, exactly (Decimal stays Decimal)."""
    rows: list[dict[str, Any]] = []
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in frame.to_dicts():
        groups[(row["new"], row["form"], row["field"], row["row_key"])].append(row)
    reported = {(r["new"], r["form"], r["unit"]) for r in frame.select("new", "form", "unit").to_dicts()}
    for (new, form, name, row_key), members in groups.items():
        olds = reform.link(new).predecessors
        by_old = {m["unit"]: m["value"] for m in members}
        expected = [o for o in olds if (new, form, o) in reported]
        base = {**members[0], "unit": new}
        if row_key is not None or not additive(form, name):
            reason = "kan ikke slås sammen (tabellrad)" if row_key is not None else "ikke summerbart"
            rows.append(_dropped(base, f"{reform.link(new).note()}: {name} {reason}"))
        elif any(by_old.get(o) is None for o in expected) or not all(_is_number(by_old[o]) for o in expected):
            rows.append(_dropped(base, f"{reform.link(new).note()}: {name} mangler hos minst én av dem"))
        else:
            rows.append({**base, "value": _sum(by_old[o] for o in expected), "reason": None})
    out_schema = {**dict(frame.schema), "reason": pl.String}
    return pl.DataFrame([{k: r.get(k) for k in out_schema} for r in rows], schema=out_schema)


def _dropped(row: dict[str, Any], reason: str) -> dict[str, Any]:
    dropped = {**row, "value": None, "reason": reason}
    if "status" in dropped:
        dropped["status"] = "not_applicable"
    return dropped
