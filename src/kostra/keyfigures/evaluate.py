"""Evaluate a key figure's numerator or denominator for every base unit of a year.

Missing is not zero: an input without a value makes the expression missing (with the reason, e.g. which
unit has not sent which form); a nil return counts as 0 and says so; a field that does not apply counts
as 0 in a sum (nothing of that kind exists) and is named in the lineage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from kostra.controls.language.syntax import Binary, Call, ListLit, Name, Node, Number, String, Unary, walk
from kostra.dataset import ValueStatus
from kostra.keyfigures.definitions import FILE_FORMS, form_ref
from kostra.keyfigures.inputs import COUNTING, OSLO, Input, Lineage, YearData
from kostra.keyfigures.models import Indicator
from kostra.keyfigures.sources import AccountsSource, PopulationSource

__all__ = ["Evaluator"]

# The statuses as plain strings: compared for every value read (an enum's .value costs a call each time).
_ESTIMATED, _NOT_APPLICABLE, _NIL = (ValueStatus.ESTIMATED.value, ValueStatus.NOT_APPLICABLE.value,
                                     ValueStatus.NIL.value)
_NOT_SENT = (ValueStatus.MISSING.value, ValueStatus.PREFILLED_UNCONFIRMED.value)

_ROW = ("unit_code", "form_id", "field_name", "row_key", "row_number", "status", "value_number", "value_text",
        "note", "submission_id", "version", "edit_id", "edit_reason", "edit_comment", "_key")


def _combine(op: str, left: Input, right: Input) -> Input:
    lineage = (*left.lineage, *right.lineage)
    estimated = left.estimated or right.estimated
    for side in (left, right):
        if side.value is None:
            return Input(None, side.state, side.reason, estimated, lineage)
    assert left.value is not None and right.value is not None
    if op == "/" and right.value == 0:
        return Input(None, "not_applicable", "division by 0", estimated, lineage)
    value = {"+": left.value + right.value, "-": left.value - right.value, "*": left.value * right.value,
             "/": left.value / right.value if right.value else 0.0}[op]
    state = "nil" if left.state == right.state == "nil" else "value"
    return Input(value, state, "", estimated, lineage)


def _field_names(indicators: Iterable[Indicator]) -> set[str]:
    """Every form field (``table.column`` for tables) an expression of ``indicators`` reads."""
    return {".".join(node.parts[1:]) for i in indicators for part in (i.numerator, i.denominator)
            for node in walk(part) if isinstance(node, Name)}


def _file_stats(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Per unit of a file: persons, months and the sum of every other field (one pass, not one per unit)."""
    if frame.is_empty():
        return {}
    fields = [c for c in frame.columns if c not in ("unit", "person", "months", "submission_id", "version",
                                                    "attachment_id", "PERSON_FODSELSNR", "PERSON_JOURNALNR",
                                                    "PERSON_DUF") and not c.startswith("STMND_")]
    stats = frame.group_by("unit").agg(
        pl.col("person").n_unique().alias("persons"), pl.col("months").sum(),
        *[pl.col(c).cast(pl.Float64, strict=False).fill_null(0).sum() for c in fields])
    return {row["unit"]: row for row in stats.iter_rows(named=True)}


def _reported(rows: list[dict[str, Any]] | None) -> bool:
    """Whether a unit has sent the form (any value, or a nil return), not only rows of an expected form."""
    return bool(rows) and any(r["status"] not in _NOT_SENT for r in rows or ())


class Evaluator:
    """Expressions over the base ``units`` of ``data.year``; ``trace`` keeps each value's lineage."""

    def __init__(self, data: YearData, units: list[str], population: PopulationSource,
                 accounts: AccountsSource, indicators: Mapping[str, Indicator], *, trace: bool = False,
                 absent: str = "") -> None:
        self.data, self.units, self.population, self.accounts = data, units, population, accounts
        self.absent = absent  # why the year has no reported data at all (e.g. "no form data for 2021")
        self.indicators, self.trace = indicators, trace
        self._rows = self._index(data.values, _field_names(indicators.values()))
        self._memo: dict[tuple[str, str], dict[str, Input]] = {}
        self._columns: dict[Node, list[Input]] = {}
        self._keep: dict[tuple[str, ...], set[tuple[str, int]]] = {}
        self._stats = {name: _file_stats(frame) for name, frame in data.records.items()}

    @staticmethod
    def _index(values: pl.DataFrame, names: set[str]) -> dict[tuple[str, str], dict[str, list[dict[str, Any]]]]:
        found: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        if values.is_empty():
            return found
        frame = values.filter(pl.col("field_name").is_in(sorted(names))).with_columns(
            pl.lit(None, dtype=pl.String).alias("_key")).select(list(_ROW))
        # Column by column into Python, then zipped into rows: Polars' row-wise iteration is several times slower.
        columns = frame.to_dict(as_series=False)
        refs = {form: form_ref(form) for form in set(columns["form_id"])}
        for cells in zip(*columns.values(), strict=True):
            row = dict(zip(_ROW, cells, strict=True))
            found[(refs[row["form_id"]], row["field_name"])][row["unit_code"]].append(row)
        return found

    def figure_part(self, indicator: Indicator, part: str) -> dict[str, Input]:
        key = (indicator.id, part)
        if key not in self._memo:
            node = indicator.numerator if part == "numerator" else indicator.denominator
            self._memo[key] = dict(zip(self.units, self._column(node), strict=True))
        return self._memo[key]

    def _column(self, node: Node) -> list[Input]:
        """``node`` for every unit, in ``units`` order. Equal sub-expressions of different figures (nodes
        compare by value) are evaluated once: ``population(0, 105)`` serves every per-inhabitant figure."""
        found = self._columns.get(node)
        if found is None:
            found = self._columns[node] = self._evaluate_column(node)
        return found

    def _evaluate_column(self, node: Node) -> list[Input]:
        if isinstance(node, Number):
            return [Input(node.value, "value")] * len(self.units)
        if isinstance(node, Unary):
            return [Input(None if i.value is None else -i.value, i.state, i.reason, i.estimated, i.lineage)
                    for i in self._column(node.operand)]
        if isinstance(node, Binary):
            return [_combine(node.op, left, right)
                    for left, right in zip(self._column(node.left), self._column(node.right), strict=True)]
        if isinstance(node, Call) and node.func in ("numerator_of", "denominator_of"):
            other = self.indicators[node.args[0].value]  # type: ignore[union-attr]
            return self._column(other.numerator if node.func == "numerator_of" else other.denominator)
        return [self.node(node, unit) for unit in self.units]

    def node(self, node: Node, unit: str) -> Input:
        if isinstance(node, Number):
            return Input(node.value, "value")
        if isinstance(node, Unary):
            inner = self.node(node.operand, unit)
            return Input(None if inner.value is None else -inner.value, inner.state, inner.reason, inner.estimated,
                         inner.lineage)
        if isinstance(node, Binary):
            return _combine(node.op, self.node(node.left, unit), self.node(node.right, unit))
        if isinstance(node, Name):
            return self._field(node, unit, None)
        assert isinstance(node, Call)
        if self.absent and node.func not in ("population", "numerator_of", "denominator_of"):
            return Input(None, "missing", self.absent)
        return getattr(self, f"_fn_{node.func}")(node, unit)

    # --- form fields ---------------------------------------------------------------------------------

    def _reporters(self, form: str, unit: str, by_unit: Mapping[str, list[dict[str, Any]]]) -> list[str]:
        """Who reports ``form`` for ``unit``: its institutions (form 5), Oslo's districts, or itself."""
        if form == form_ref("5"):
            return sorted(self.data.expected_institutions.get(unit, []))
        if unit == OSLO and not _reported(by_unit.get(OSLO)) and any(_reported(by_unit.get(d))
                                                                      for d in self.data.districts):
            return list(self.data.districts)
        return [unit]

    def _field(self, node: Name, unit: str, keep: set[tuple[str, int]] | None) -> Input:
        if self.absent:
            return Input(None, "missing", self.absent)
        form, *rest = node.parts
        by_unit = self._rows.get((form, ".".join(rest)), {})
        reporters = self._reporters(form, unit, by_unit)
        total, nil_only, missing, estimated, lineage = 0.0, True, [], False, []
        for reporter in reporters:
            rows = by_unit.get(reporter)
            if not rows:
                missing.append(f"{reporter}: no {node.parts[0]} in the dataset")
                continue
            for row in rows:
                if keep is not None and (row["unit_code"], row["row_number"]) not in keep:
                    continue
                status = row["status"]
                if status in COUNTING and row["value_number"] is not None:
                    total += row["value_number"]
                    nil_only = False
                    estimated = estimated or status == _ESTIMATED
                elif status == _NOT_APPLICABLE:
                    nil_only = False
                elif status != _NIL:
                    missing.append(f"{reporter}: {node.text} {status}" + (f" ({row['note']})" if row["note"] else ""))
                if self.trace:
                    lineage.append(Lineage("form", reporter, {k: row[k] for k in _ROW if k != "_key"}))
        if missing:
            shown = "; ".join(missing[:3]) + (f"; and {len(missing) - 3} more" if len(missing) > 3 else "")
            return Input(None, "missing", shown, estimated, tuple(lineage))
        if not reporters:
            return Input(0.0, "value", f"{unit} has no institution reporting {node.parts[0]}", False, ())
        return Input(total, "nil" if nil_only else "value", "", estimated, tuple(lineage))

    def _fn_rows(self, node: Call, unit: str) -> Input:
        value, key, codes = node.args
        assert isinstance(value, Name) and isinstance(key, Name) and isinstance(codes, ListLit)
        wanted = tuple(sorted(item.value for item in codes.items if isinstance(item, String)))
        memo = (*key.parts, *wanted)
        keep = self._keep.get(memo)
        if keep is None:
            keys = self._rows.get((key.parts[0], ".".join(key.parts[1:])), {})
            keep = self._keep[memo] = {(r["unit_code"], r["row_number"]) for rows in keys.values() for r in rows
                                       if r["value_text"] in wanted}
        return self._field(value, unit, keep)

    # --- file records (11F, 11CF) ----------------------------------------------------------------------

    def _file_units(self, name: str, unit: str) -> list[str]:
        states = self.data.file_state.get(name, {})
        if unit == OSLO and any(d in states for d in self.data.districts):
            return list(self.data.districts)  # a district that has not reported leaves Oslo's total missing
        return [unit]

    def _records(self, name: str, unit: str) -> tuple[pl.DataFrame | None, Input | None, list[str]]:
        states = self.data.file_state.get(name, {})
        reporters = self._file_units(name, unit)
        missing = [r for r in reporters if r not in states]
        if missing:
            return None, Input(None, "missing", f"{', '.join(missing[:3])}: no {name} ({FILE_FORMS[name]}) "
                                                f"submitted for {self.data.year}"), reporters
        records = self.data.records.get(name)
        frame = None if records is None else records.filter(pl.col("unit").is_in(reporters))
        if frame is None or frame.is_empty():
            state = "nil" if all(states[r] == "nil" for r in reporters) else "value"
            return None, Input(0.0, state, "nothing to report" if state == "nil" else ""), reporters
        return frame, None, reporters

    def _file_lineage(self, frame: pl.DataFrame, name: str) -> tuple[Lineage, ...]:
        if not self.trace:
            return ()
        counts = frame.group_by("unit", "submission_id", "version", "attachment_id").len().sort("unit")
        return tuple(Lineage("file", r["unit"], {"file": name, "submission_id": r["submission_id"],
                                                 "version": r["version"], "attachment_id": r["attachment_id"],
                                                 "records": r["len"], "status": "reported"})
                     for r in counts.iter_rows(named=True))

    def _single(self, name: str, unit: str, column: str) -> Input | None:
        """The precomputed per-unit figure, for a unit that reports its own file (not Oslo's union)."""
        states = self.data.file_state.get(name, {})
        if self._file_units(name, unit) != [unit] or unit not in states or self.trace:
            return None
        found = self._stats[name].get(unit)
        if found is None:
            state = "nil" if states[unit] == "nil" else "value"
            return Input(0.0, state, "nothing to report" if state == "nil" else "")
        return Input(float(found[column] or 0.0), "value")

    def _fn_records(self, node: Call, unit: str) -> Input:
        name = node.args[0].value  # type: ignore[union-attr]
        quick = self._single(name, unit, "persons")
        if quick is not None:
            return quick
        frame, empty, reporters = self._records(name, unit)
        if frame is None:
            assert empty is not None
            return empty
        persons = frame.get_column("person").n_unique()
        note = f"{frame.height - persons} records of persons helped by more than one district counted once" \
            if len(reporters) > 1 and frame.height > persons else ""
        return Input(float(persons), "value", note, False, self._file_lineage(frame, name))

    def _fn_records_sum(self, node: Call, unit: str) -> Input:
        name, column = node.args[0].value, node.args[1].value  # type: ignore[union-attr]
        quick = self._single(name, unit, column)
        if quick is not None:
            return quick
        frame, empty, reporters = self._records(name, unit)
        if frame is None:
            assert empty is not None
            return empty
        if column == "months" and len(reporters) > 1:
            months = [f"STMND_{m}" for m in range(1, 13) if f"STMND_{m}" in frame.columns]
            per_person = frame.group_by("person").agg([(pl.col(m).str.len_chars() > 0).any() for m in months])
            total = float(per_person.select(pl.sum_horizontal(months).sum()).item())
        else:
            total = float(frame.get_column(column).cast(pl.Float64, strict=False).fill_null(0).sum())
        return Input(total, "value", "", False, self._file_lineage(frame, name))

    # --- population, accounts, registers, other figures ----------------------------------------------------

    def _fn_population(self, node: Call, unit: str) -> Input:
        low, high = (int(a.value) for a in node.args)  # type: ignore[union-attr]
        date = next((v.value for k, v in node.kwargs if k == "date"), "jan1_next_year")  # type: ignore[union-attr]
        persons, note = self.population.band(unit, low, high, date)
        if persons is None:
            return Input(None, "missing", note)
        chosen, _ = self.population.date_year(date)
        lineage = (Lineage("population", unit, {"table": "07459" if len(unit) == 4 else "10826", "date":
                                                f"{chosen}-01-01", "ages": f"{low}-{high}", "persons": persons,
                                                "note": note}),) if self.trace else ()
        return Input(float(persons), "value", note, False, lineage)

    def _fn_accounts(self, node: Call, unit: str) -> Input:
        kwargs = {k: v.value for k, v in node.kwargs}  # type: ignore[union-attr]
        scope = kwargs.get("scope", "kasse")
        value, reason = self.accounts.value(unit, kwargs["function"], kwargs["art"], scope)
        if value is None:
            return Input(None, "missing", reason)
        lineage = (Lineage("accounts", unit, {"function": kwargs["function"], "art": kwargs["art"],
                                              "scope": scope, "value_1000nok": value}),) if self.trace else ()
        return Input(value, "value", "", False, lineage)

    def _fn_register(self, node: Call, unit: str) -> Input:
        measure = node.args[0].value  # type: ignore[union-attr]
        values = self.data.registers.get(measure, {})
        value = values.get(unit)
        if value is None:
            return Input(None, "missing", f"register measure {measure!r} has no value for {unit} in "
                                          f"{self.data.year}")
        lineage = (Lineage("register", unit, {"measure": measure, "value": value}),) if self.trace else ()
        return Input(float(value), "value", "", False, lineage)

    def _fn_numerator_of(self, node: Call, unit: str) -> Input:
        return self.node(self.indicators[node.args[0].value].numerator, unit)  # type: ignore[union-attr]

    def _fn_denominator_of(self, node: Call, unit: str) -> Input:
        return self.node(self.indicators[node.args[0].value].denominator, unit)  # type: ignore[union-attr]
