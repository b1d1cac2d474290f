"""Load a year's key figures from ``definitions/<year>/keyfigures/*.yaml``, checked on load.

Two stages, as the forms: YAML → frozen pydantic models (``extra="forbid"``: an unknown field or a type
mismatch is refused with file, figure and line), then every expression parsed with the rule language's
parser and checked against what it may read: known forms and fields of the year, file layouts (11F, 11CF),
the functions below, references to other figures (a circular reference is refused, naming the cycle).

Functions a numerator or denominator may use:

``skjema5.enerom``                 a form field (form 5 is summed over the municipality's institutions);
                                   ``skjema4.table.column`` sums a table column over its rows
``rows(skjema4.beboere_heldogn.kvinner, skjema4.beboere_heldogn.aldersgruppe, ('80-89', '90+'))``
                                   a table column summed over the rows whose key column is one of the codes
``records('11F')``                 persons in a file attachment (Oslo 0301: each person once)
``records_sum('11F', 'BIDRAG')``   a numeric field summed over the records; ``'months'`` counts STMND_1..12
``population(80, 105)``            inhabitants aged 80 or more on 1 January of the next year (31 December);
                                   ``date='jan1_year'`` for 1 January of the year itself
``accounts(function='FGK11', art='AGD9', scope='kasse')``  the accounts engine (1000 NOK)
``register('jordmor_aarsverk')``   a register measure of the unit
``numerator_of('id')``, ``denominator_of('id')``   another figure's numerator or denominator
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kostra.catalog.forms import _line_at, load_catalog, load_catalog_from, read_yaml
from kostra.controls.language import parse
from kostra.controls.language.syntax import Binary, Call, ListLit, Name, Node, Number, String, Unary, walk
from kostra.errors import DefinitionError, UnknownYear
from kostra.intake.layouts import load_layout
from kostra.keyfigures.models import FAMILIES, Indicator, IndicatorFile

__all__ = ["DEFINITIONS", "FILE_FORMS", "available_years", "form_ref", "load_indicators"]

DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"
FILE_FORMS = {"11F": "11", "11CF": "11C"}   # file attachment → the form it is submitted with
_FUNCTIONS = {"records", "records_sum", "population", "accounts", "register", "numerator_of", "denominator_of",
              "rows"}
_ARTS = ("AGD1", "AGD9")
_DATES = ("jan1_year", "jan1_next_year")


def available_years(root: Path | None = None) -> list[int]:
    """Years with a ``keyfigures/`` folder, e.g. ``[2023, 2024, 2025]``."""
    return sorted(int(p.parent.name) for p in (root or DEFINITIONS).glob("*/keyfigures") if p.parent.name.isdigit())


def form_ref(form_id: str) -> str:
    """How expressions name a form: ``skjema5``, ``skjemapsyk``."""
    return "skjema" + form_id.lower()


@lru_cache(maxsize=8)
def load_indicators(year: int, root: Path | None = None) -> tuple[Indicator, ...]:
    """Every key figure of ``year``, in file and definition order (``root``: another definitions folder).

    Raises UnknownYear for a year without key figures, DefinitionError naming file, figure and line.
    """
    folder = (root or DEFINITIONS) / str(year) / "keyfigures"
    if not folder.is_dir():
        raise UnknownYear(year, available_years(root), what="key-figure definitions")
    found: list[Indicator] = []
    seen: dict[str, Indicator] = {}
    for path in sorted(folder.glob("*.yaml")):
        for indicator in _load_file(path, year, root):
            first = seen.setdefault(indicator.id, indicator)
            if first is not indicator:
                raise DefinitionError(f"figure id {indicator.id!r} is defined twice (first in {first.file}, "
                                      f"line {first.line})", file=indicator.file, item=indicator.id,
                                      line=indicator.line)
            found.append(indicator)
    _check_references(seen)
    return tuple(found)


def _load_file(path: Path, year: int, root: Path | None) -> list[Indicator]:
    data, lines = read_yaml(path)
    name = f"{year}/keyfigures/{path.name}"
    try:
        model = IndicatorFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        item = _item_of(data, loc)
        where = ".".join(str(p) for p in loc)
        raise DefinitionError(f"{where}: {first['msg']} (got {repr(first.get('input'))[:80]})", file=name, item=item,
                              line=_line_at(lines, loc)) from None
    if model.family not in FAMILIES:
        raise DefinitionError(f"family {model.family!r}: expected one of {', '.join(FAMILIES)}", file=name,
                              line=_line_at(lines, ("family",)))
    checker = _Checker(year, root)
    result = []
    for index, figure in enumerate(model.figures):
        line = _line_at(lines, ("figures", index)) or 1
        parsed = {}
        for part in ("numerator", "denominator"):
            text = getattr(figure, part)
            where = dict(file=name, item=figure.id, line=_line_at(lines, ("figures", index, part)))
            try:
                parsed[part] = parse(text)
            except DefinitionError as error:
                raise DefinitionError(f"{part}: {error}", **where) from None
            problem = checker.problem(parsed[part])
            if problem:
                raise DefinitionError(f"{part} {text!r}: {problem}", **where)
        depends = tuple(sorted({_str_arg(n) for p in parsed.values() for n in walk(p)
                                if isinstance(n, Call) and n.func in ("numerator_of", "denominator_of")}))
        result.append(Indicator(
            figure.id, year, model.family, figure.title.nb, figure.title.en, parsed["numerator"],
            parsed["denominator"], figure.numerator, figure.denominator, figure.scale, figure.unit,
            figure.decimals, figure.additive, tuple(figure.tables), figure.source, figure.note, figure.units, name,
            line, depends))
    return result


def _item_of(data: Any, loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "figures" and isinstance(data, Mapping):
        try:
            return str(data["figures"][loc[1]].get("id"))
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
    return None


def _str_arg(node: Call, index: int = 0) -> str:
    arg = node.args[index] if len(node.args) > index else None
    return arg.value if isinstance(arg, String) else ""


class _Checker:
    """What an expression may read in ``year``: forms and fields of the catalogue, layouts of the files."""

    def __init__(self, year: int, root: Path | None) -> None:
        self.year = year
        catalog = load_catalog(year) if root is None else load_catalog_from(root, year)
        self.fields: dict[str, dict[str, set[str]]] = {}
        for form in catalog.forms():
            columns: dict[str, set[str]] = {}
            for spec in form.fields():
                columns[spec.name] = {c.name for c in spec.columns or ()}
            self.fields[form_ref(form.id)] = columns

    def problem(self, tree: Node) -> str | None:
        for node in walk(tree):
            message = self._node(node)
            if message:
                return message
        return None

    def _node(self, node: Node) -> str | None:
        if isinstance(node, Binary) and node.op not in "+-*/":
            return f"operator {node.op!r} at {node.pos}: a key figure adds, subtracts, multiplies and divides"
        if isinstance(node, Unary) and node.op != "-":
            return f"operator {node.op!r} at {node.pos}: not allowed in a key figure"
        if isinstance(node, Name):
            return self._name(node)
        if isinstance(node, Call):
            return self._call(node)
        if not isinstance(node, Number | String | ListLit | Binary | Unary):
            return f"{type(node).__name__} at {node.pos}: not allowed in a key figure"
        return None

    def _name(self, node: Name) -> str | None:
        form, *rest = node.parts
        if form not in self.fields:
            return f"unknown form {form!r} at {node.pos}; known: {', '.join(sorted(self.fields))}"
        columns = self.fields[form]
        if not rest or rest[0] not in columns:
            known = ", ".join(sorted(columns)[:12])
            return f"unknown field {node.text!r} at {node.pos}; {form} has e.g. {known}"
        if len(rest) == 2 and rest[1] not in columns[rest[0]]:
            return f"unknown column {node.text!r} at {node.pos}; {rest[0]} has {', '.join(sorted(columns[rest[0]]))}"
        if len(rest) > 2 or (len(rest) == 1 and columns[rest[0]]):
            return f"{node.text!r} at {node.pos}: name a table's column, e.g. {form}.{rest[0]}.<column>"
        return None

    def _call(self, node: Call) -> str | None:
        if node.func not in _FUNCTIONS:
            return f"unknown function {node.func!r} at {node.pos}; known: {', '.join(sorted(_FUNCTIONS))}"
        return getattr(self, f"_check_{node.func}")(node)

    def _check_records(self, node: Call) -> str | None:
        name = _str_arg(node)
        if name not in FILE_FORMS or len(node.args) != 1:
            return f"records() at {node.pos}: expected one file, {' or '.join(repr(f) for f in FILE_FORMS)}"
        return None

    def _check_records_sum(self, node: Call) -> str | None:
        name, column = _str_arg(node), _str_arg(node, 1)
        if name not in FILE_FORMS or len(node.args) != 2:
            return f"records_sum() at {node.pos}: expected a file ('11F', '11CF') and a field"
        known = {f.name for f in load_layout(name, self.year).fields} | {"months"}
        if column not in known:
            return f"records_sum() at {node.pos}: {column!r} is not a field of {name} {self.year}"
        return None

    def _check_population(self, node: Call) -> str | None:
        ages = [a.value for a in node.args if isinstance(a, Number)]
        if len(node.args) != 2 or len(ages) != 2 or not 0 <= ages[0] <= ages[1] <= 105:
            return f"population() at {node.pos}: expected two ages 0 ≤ from ≤ to ≤ 105"
        for key, value in node.kwargs:
            if key != "date" or not isinstance(value, String) or value.value not in _DATES:
                return f"population() at {node.pos}: only date= {' or '.join(_DATES)}"
        return None

    def _check_accounts(self, node: Call) -> str | None:
        kwargs = {k: v.value if isinstance(v, String) else None for k, v in node.kwargs}
        if node.args or set(kwargs) - {"function", "art", "scope"} or not kwargs.get("function"):
            return f"accounts() at {node.pos}: expected function='…', art='AGD1'|'AGD9', scope='kasse'|'konsern'"
        if kwargs.get("art") not in _ARTS or kwargs.get("scope", "kasse") not in ("kasse", "konsern"):
            return f"accounts() at {node.pos}: art must be AGD1 (netto) or AGD9 (brutto), scope kasse or konsern"
        return None

    def _check_register(self, node: Call) -> str | None:
        if len(node.args) != 1 or not _str_arg(node):
            return f"register() at {node.pos}: expected one measure name"
        return None

    def _check_rows(self, node: Call) -> str | None:
        if len(node.args) != 3 or not all(isinstance(a, Name) for a in node.args[:2]) \
                or not isinstance(node.args[2], ListLit):
            return f"rows() at {node.pos}: expected rows(form.table.column, form.table.key, ('code', …))"
        value, key = node.args[0], node.args[1]
        assert isinstance(value, Name) and isinstance(key, Name)
        if value.parts[:2] != key.parts[:2]:
            return f"rows() at {node.pos}: the value and the key must be columns of one table"
        return self._name(value) or self._name(key)

    def _check_numerator_of(self, node: Call) -> str | None:
        return None if len(node.args) == 1 and _str_arg(node) else f"{node.func}() at {node.pos}: expected an id"

    _check_denominator_of = _check_numerator_of


def _check_references(figures: Mapping[str, Indicator]) -> None:
    for indicator in figures.values():
        for target in indicator.depends_on:
            if target not in figures:
                raise DefinitionError(f"refers to unknown figure {target!r}", file=indicator.file,
                                      item=indicator.id, line=indicator.line)
    state: dict[str, int] = {}

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = " → ".join([*path[path.index(code):], code])
            found = figures[code]
            raise DefinitionError(f"circular reference: {cycle}", file=found.file, item=code, line=found.line)
        state[code] = 1
        for target in figures[code].depends_on:
            visit(target, [*path, code])
        state[code] = 2

    for code in figures:
        visit(code, [])
