"""The form catalogue: versioned form definitions per reporting year, loaded and checked.

Stage one reads ``definitions/<year>/forms/<id>.yaml`` into the frozen models of
``kostra.catalog.form_models``; stage two resolves every reference (field ids, ``applies_when``
targets, options, table columns, units, deadline and year). Any problem is a ``DefinitionError``
naming the file, the item and the YAML line.

    >>> catalog = load_catalog(2025)
    >>> catalog.form("5").field("rom_i_alt").unit
    'antall'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, ClassVar

import yaml
from pydantic import ValidationError

from kostra.catalog.form_models import (
    CHOICE_TYPES,
    NUMERIC_TYPES,
    Condition,
    Delivery,
    FieldType,
    FormField,
    FormFile,
)
from kostra.errors import DefinitionError, NotFound, UnknownYear

__all__ = [
    "DEFINITIONS_ROOT",
    "KNOWN_UNITS",
    "Catalog",
    "Form",
    "available_years",
    "load_catalog",
    "load_catalog_from",
    "read_yaml",
]

DEFINITIONS_ROOT = Path(__file__).resolve().parent.parent / "definitions"

# Units a numeric field may carry; "antall" is a plain count.
KNOWN_UNITS = frozenset({
    "antall", "1000 NOK", "NOK", "FTE", "timer per uke", "prosent", "dager", "kvm",
})

_LINE = "__line__"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD_ID = re.compile(r"^\d+(\.\d+)*[a-z]?$")
Path_ = tuple[str | int, ...]


# libyaml's parser (C) when installed: the same safe constructor and marks, about ten times faster.
_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[misc]
    """A safe loader that records the line of each mapping and each key, and refuses duplicate keys.

    Dates stay text, so that pydantic reports an impossible date with its line instead of the YAML
    library raising a bare ValueError.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        key_lines: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in key_lines:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            key_lines[key] = key_node.start_mark.line + 1
        mapping = super().construct_mapping(node, deep=True)
        mapping[_LINE] = (node.start_mark.line + 1, key_lines)
        return mapping


def read_yaml(path: Path) -> tuple[Any, dict[Path_, int]]:
    """Read a YAML file; return its data (without line marks) and the line of each mapping by path.

    Raises DefinitionError for syntax errors and duplicate keys, with file and line.
    """
    try:
        # _LineLoader is a SafeLoader: no arbitrary objects
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DefinitionError(f"not valid YAML: {getattr(error, 'problem', error)}", file=str(path),
                              line=mark.line + 1 if mark else None) from error
    lines: dict[Path_, int] = {}
    return _strip(raw, (), lines), lines


def _strip(node: Any, path: Path_, lines: dict[Path_, int]) -> Any:
    if isinstance(node, dict):
        if _LINE in node:
            lines[path], key_lines = node[_LINE]
            lines.update({(*path, key): line for key, line in key_lines.items()})
        return {k: _strip(v, (*path, k), lines) for k, v in node.items() if k != _LINE}
    if isinstance(node, list):
        return [_strip(v, (*path, i), lines) for i, v in enumerate(node)]
    return node


def _line_at(lines: Mapping[Path_, int], path: Path_) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


@dataclass(frozen=True)
class Form:
    """A resolved form: its definition, the file it came from and the line of each field."""

    definition: FormFile
    file: str
    line: int
    lines: Mapping[Path_, int] = field(default_factory=dict)
    field_paths: Mapping[str, Path_] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def rule_form(self) -> str:
        """The name rules use for this form: ``skjema`` + lower-case id (``skjema5``, ``skjemapsyk``)."""
        return "skjema" + self.definition.id.lower()

    @cached_property
    def _fields(self) -> tuple[FormField, ...]:
        return tuple(f for section in self.definition.sections for f in section.fields)

    @cached_property
    def _by_key(self) -> dict[str, FormField]:
        found: dict[str, FormField] = {}
        for candidate in self._fields:  # the first field with an id or name wins, as in form order
            found.setdefault(candidate.id, candidate)
            found.setdefault(candidate.name, candidate)
        return found

    def fields(self) -> tuple[FormField, ...]:
        """All fields in form order (computed once: validation and the office look fields up often)."""
        return self._fields

    def field(self, key: str) -> FormField:
        """A field by id (``"3.2"``) or name (``"rom_i_alt"``); raises NotFound."""
        found = self._by_key.get(key)
        if found is None:
            raise NotFound(f"form {self.id!r} has no field {key!r}")
        return found

    def field_line(self, field_id: str, key: str | None = None) -> int | None:
        """The YAML line where a field (or one of its keys, e.g. ``applies_when``) is defined."""
        path = self.field_paths.get(field_id)
        if path is None:
            return None
        return self.lines.get((*path, key), self.lines.get(path)) if key else self.lines.get(path)


@dataclass(frozen=True)
class Catalog:
    """All forms of one reporting year."""

    year: int
    root: Path
    _forms: Mapping[str, Form]

    def forms(self) -> tuple[Form, ...]:
        """The forms of the year, ordered by deadline and id."""
        return tuple(sorted(self._forms.values(), key=lambda f: (f.definition.deadline, _sort_key(f.id))))

    def form(self, form_id: str) -> Form:
        """One form by official id (``"5"``, ``"PSYK"``, ``"0A"``); raises NotFound."""
        try:
            return self._forms[form_id]
        except KeyError:
            known = ", ".join(sorted(self._forms, key=_sort_key))
            raise NotFound(f"no form {form_id!r} in {self.year}; forms are {known}") from None

    def schema_mapping(self) -> dict[str, Any]:
        """Field types of every form by rule name (``skjema5``), shaped for the rule language's schema.

        ``{"forms": {"skjema5": {"fields": {"rom_i_alt": "integer"}, "tables": {t: {col: type}}}}, "year": 2025}``
        (the year names the accounts definitions whose codes ``accounts()`` takes).
        """
        forms: dict[str, Any] = {}
        for form in self._forms.values():
            fields = {f.name: f.type.value for f in form.fields() if f.type is not FieldType.TABLE}
            tables = {f.name: {c.name: c.type.value for c in f.columns or ()}
                      for f in form.fields() if f.type is FieldType.TABLE}
            forms[form.rule_form] = {"fields": fields, "tables": tables}
        return {"forms": forms, "registers": register_measures(self.root / str(self.year) / "registers.yaml"),
                "year": self.year}

    def years(self) -> tuple[int, ...]:
        """Every reporting year with form definitions in this catalogue's root."""
        return available_years(self.root)


def register_measures(path: Path) -> dict[str, str]:
    """Register measure → field type from a ``registers.yaml`` (none when the year has no such file)."""
    if not path.exists():
        return {}
    data, lines = read_yaml(path)
    measures = data.get("registers") if isinstance(data, dict) else None
    if not isinstance(measures, dict):
        raise DefinitionError("expected 'registers:' mapping each measure to {type: ..., label: ...}",
                              file=str(path), line=1)
    for name, spec in measures.items():
        if not isinstance(spec, dict) or spec.get("type") not in {t.value for t in FieldType}:
            raise DefinitionError(f"register measure {name!r} needs a type, one of "
                                  f"{', '.join(t.value for t in FieldType if t is not FieldType.TABLE)}",
                                  file=str(path), item=str(name), line=_line_at(lines, ("registers", name)))
    return {str(name): str(spec["type"]) for name, spec in measures.items()}


def _sort_key(form_id: str) -> tuple[int, str]:
    return (int(form_id), "") if form_id.isdigit() else (10_000, form_id)


def available_years(root: Path | None = None) -> tuple[int, ...]:
    """Reporting years that have a ``<year>/forms`` folder under ``root`` (the packaged definitions)."""
    base = root or DEFINITIONS_ROOT
    if not base.is_dir():
        return ()
    return tuple(sorted(int(p.name) for p in base.iterdir() if p.name.isdigit() and (p / "forms").is_dir()))


@lru_cache(maxsize=8)
def load_catalog(year: int) -> Catalog:
    """The packaged form catalogue of a reporting year (cached). Raises UnknownYear, DefinitionError."""
    return load_catalog_from(DEFINITIONS_ROOT, year)


def load_catalog_from(root: Path, year: int) -> Catalog:
    """Load and resolve ``root/<year>/forms/*.yaml``. Raises UnknownYear, DefinitionError."""
    folder = Path(root) / str(year) / "forms"
    if not folder.is_dir():
        raise UnknownYear(year, available_years(Path(root)), what="form definitions")
    forms: dict[str, Form] = {}
    for path in sorted(folder.glob("*.yaml")):
        form = load_form(path, year)
        forms[form.id] = form
    return Catalog(year=year, root=Path(root), _forms=forms)


def load_form(path: Path, year: int) -> Form:
    """Load and resolve one form file of a given reporting year."""
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise DefinitionError("expected a mapping with kind: form", file=str(path), line=1)
    data = _with_field_defaults(data)
    try:
        definition = FormFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        raise DefinitionError(
            f"{'.'.join(map(str, loc)) or 'file'}: {first['msg']}",
            file=str(path), item=_item_at(data, loc), line=_line_at(lines, loc),
        ) from error
    field_paths = {
        f.id: ("sections", si, "fields", fi)
        for si, section in enumerate(definition.sections) for fi, f in enumerate(section.fields)
    }
    form = Form(definition=definition, file=str(path), line=lines.get((), 1), lines=lines,
                field_paths=field_paths)
    _resolve(form, path, year)
    return form


def _with_field_defaults(data: dict[str, Any]) -> dict[str, Any]:
    defaults = {k: v for k, v in (data.get("field_defaults") or {}).items() if v is not None}
    if not defaults or not isinstance(data.get("sections"), list):
        return data
    sections = []
    for section in data["sections"]:
        if isinstance(section, dict) and isinstance(section.get("fields"), list):
            section = {**section, "fields": [
                {**defaults, **f} if isinstance(f, dict) else f for f in section["fields"]
            ]}
        sections.append(section)
    return {**data, "sections": sections}


def _item_at(data: Any, loc: Path_) -> str | None:
    """The id or name of the innermost item on the error path, for the message."""
    item, node = None, data
    for key in loc:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            item = node.get("id") or node.get("name") or item
    return str(item) if item is not None else None


def _resolve(form: Form, path: Path, year: int) -> None:
    d = form.definition
    fail = _failer(form)
    if d.year != year:
        fail(f"year {d.year} does not match the folder's year {year}", None, "year")
    if path.stem != d.id:
        fail(f"form id {d.id!r} does not match the file name {path.name!r}", None, "id")
    if d.deadline.year != year + 1:
        fail(f"deadline {d.deadline.isoformat()} is not in {year + 1}: reporting year {year} is reported "
             f"in {year + 1}", None, "deadline")
    if d.delivery is Delivery.WEB and not d.sections:
        fail("a web form needs at least one section with fields", None)
    if d.delivery is not Delivery.WEB and d.attachment is None:
        fail(f"a {d.delivery.value} form needs an attachment (form, layout, record_length, minutes)", None, "delivery")
    seen_ids: set[str] = set()
    seen_names: set[str] = set()
    earlier: dict[str, FormField] = {}
    for f in form.fields():
        _check_field(f, fail, seen_ids, seen_names)
        if f.applies_when is not None:
            _check_condition(f.applies_when, f, earlier, fail)
        earlier[f.id] = f
        earlier[f.name] = f


def _failer(form: Form) -> Any:
    def fail(message: str, item: FormField | None, key: str | None = None) -> None:
        if item is not None:
            line = form.field_line(item.id, key)
        else:
            line = form.lines.get((key,), form.line) if key else form.line
        raise DefinitionError(message, file=form.file, item=item.id if item else form.id, line=line)
    return fail


def _check_field(f: FormField, fail: Any, ids: set[str], names: set[str]) -> None:
    if not _FIELD_ID.match(f.id):
        fail(f"field id {f.id!r} is not like '3.2' (numbers separated by dots)", f)
    if f.id in ids:
        fail(f"duplicate field id {f.id!r}: field ids must be unique within a form", f)
    if not _NAME.match(f.name):
        fail(f"field name {f.name!r} is not a snake_case identifier", f)
    if f.name in names:
        fail(f"duplicate field name {f.name!r}: field names must be unique within a form", f)
    ids.add(f.id)
    names.add(f.name)
    _check_value_spec(f, f.name, fail, f)
    if f.type is FieldType.TABLE:
        if not f.columns:
            fail("a table field needs columns", f, "type")
        column_names = [c.name for c in f.columns or ()]
        if len(set(column_names)) != len(column_names):
            fail(f"duplicate column names in table {f.name!r}: {column_names}", f)
        for column in f.columns or ():
            if column.type is FieldType.TABLE:
                fail(f"column {column.name!r} cannot itself be a table", f)
            _check_value_spec(column, f"{f.name}.{column.name}", fail, f)
        if f.key is not None and f.key not in column_names:
            fail(f"key {f.key!r} of table {f.name!r} is not one of its columns: {', '.join(column_names)}", f,
                 "key")
        if f.min_rows is not None and f.max_rows is not None and f.min_rows > f.max_rows:
            fail(f"min_rows {f.min_rows} is greater than max_rows {f.max_rows}", f)
    elif f.columns or f.min_rows is not None or f.max_rows is not None or f.key is not None:
        fail(f"columns, key, min_rows and max_rows are only for table fields, not {f.type.value}", f)


def _check_value_spec(spec: Any, where: str, fail: Any, f: FormField) -> None:
    if spec.type in CHOICE_TYPES:
        codes = [o.code for o in spec.options or ()]
        if len(codes) < 2:
            fail(f"{where}: a {spec.type.value} field needs at least two options", f, "type")
        if len(set(codes)) != len(codes):
            fail(f"{where}: duplicate option codes {codes}", f)
    elif spec.options:
        fail(f"{where}: options are only for choice fields, not {spec.type.value}", f)
    if spec.type in NUMERIC_TYPES:
        if spec.unit not in KNOWN_UNITS:
            fail(f"{where}: unknown unit {spec.unit!r}; expected one of {sorted(KNOWN_UNITS)}", f)
        limits = [x for x in (spec.min, spec.plausible_max, spec.max) if x is not None]
        if limits != sorted(limits):
            fail(f"{where}: limits must satisfy min <= plausible_max <= max, got {spec.min}, "
                 f"{spec.plausible_max}, {spec.max}", f)
    elif spec.unit is not None or spec.min is not None or spec.max is not None or spec.plausible_max:
        fail(f"{where}: unit and limits are only for numbers, not {spec.type.value}", f)
    if spec.decimals and spec.type not in (FieldType.DECIMAL, FieldType.AMOUNT):
        fail(f"{where}: decimals are only allowed for decimal and amount fields", f)


def _check_condition(cond: Condition, f: FormField, earlier: Mapping[str, FormField], fail: Any) -> None:
    for child in _children(cond):
        _check_condition(child, f, earlier, fail)
    if cond.field is None:
        return
    target = earlier.get(cond.field)
    problem = _condition_problem(cond, target)
    if problem:
        fail(f"applies_when: {problem}", f, "applies_when")


def _condition_problem(cond: Condition, target: FormField | None) -> str | None:
    if target is None:
        return f"refers to {cond.field!r}, which is not an earlier field of this form"
    kind = target.type.value
    if isinstance(cond.equals, bool) and target.type is not FieldType.YES_NO:
        return f"{cond.field!r} is {kind}; equals true/false needs a yes_no field"
    codes = {o.code for o in target.options or ()}
    wanted = (cond.one_of or ()) + ((cond.equals,) if isinstance(cond.equals, str) else ())
    if wanted and target.type not in CHOICE_TYPES:
        return f"{cond.field!r} is {kind}; option codes need a choice field"
    unknown = [c for c in wanted if c not in codes]
    if unknown:
        return f"{unknown} are not options of {cond.field!r}; options are {sorted(codes)}"
    if cond.greater_than is not None and target.type not in NUMERIC_TYPES:
        return f"greater_than needs a number field; {cond.field!r} is {kind}"
    return None


def _children(cond: Condition) -> Iterator[Condition]:
    yield from cond.all or ()
    yield from cond.any or ()
    if cond.not_ is not None:
        yield cond.not_
