"""kostraregnskap's two entry points, ``KostraRegnskap`` and ``kostra_regnskap``, with R's arguments and output.

``run(tables, options)`` takes the R arguments as tables and returns R's output frame (same columns, rows
and row order) and R's warnings. What each output row holds, and in what order rows come:

* without a stjernetabell, every combination of the selected arts (fastest), functions and kontoklasser, for
  each region (sorted, slowest), block A (konsern) before block B (kasse);
* with a stjernetabell, the combinations it allows in R's order (``wildcards.star_table_combinations``).

``KostraRegnskap`` runs each period (all periods of ``data`` unless ``perioder``) and stacks them;
``kostra_regnskap`` takes one period and adds ``UUID`` (``generer_id``) and ``source`` (``bidrag``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from kostra.accounts.codes import ART_WARNING, FUNCTION_WARNING, Warnings, fix_codes, fix_regions, pad_code
from kostra.accounts.codes import pad_region as _pad_region
from kostra.accounts.engine import COMPONENTS, Computation, Contribution, compute
from kostra.accounts.prepare import PeriodTables, Prepared, prepare
from kostra.accounts.tables import STAR_VARIABLES, Table, star_rows
from kostra.accounts.wildcards import StarRow, has_wildcards, select, star_table_combinations
from kostra.errors import AccountsInputError, UsageError

__all__ = ["FUNCTIONS", "RunOptions", "RunResult", "format_number", "run"]

FUNCTIONS = ("KostraRegnskap", "kostra_regnskap")
_FIRE = [*list(COMPONENTS), "konsern"]


@dataclass(frozen=True)
class RunOptions:
    fun: str = "KostraRegnskap"
    regioner: list[str] | None = None
    funksjoner: list[str] | None = None
    arter: list[str] | None = None
    kontoklasser: list[str] | None = None
    perioder: list[str] | None = None
    regnskapsomfang: list[str] | None = None
    output: str = "standard"  # "standard" (= R's "en" for KostraRegnskap) or "fire"
    bidrag: bool | None = None  # None: R's default, TRUE for kostra_regnskap; KostraRegnskap has none
    generer_id: bool = True


@dataclass
class RunResult:
    frame: pl.DataFrame
    warnings: list[str] = field(default_factory=list)


def format_number(x: float) -> str:
    """As R prints a number in a data frame or string: integers without decimals, else 15 digits."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return format(x, ".15g")


def run(tables: PeriodTables, options: RunOptions) -> RunResult:
    """Raises AccountsInputError (bad table) or UsageError (bad argument), each one sentence."""
    if options.fun not in FUNCTIONS:
        raise UsageError(f"--fun {options.fun!r}: expected KostraRegnskap or kostra_regnskap")
    if options.output not in ("standard", "en", "fire"):
        raise UsageError(f"--output {options.output!r}: expected standard or fire")
    warnings = Warnings()
    if options.fun == "kostra_regnskap":
        periode = _single_period(tables)
        frame = _one_period(tables, periode, options, warnings, with_periode=periode is not None)
        return RunResult(frame, list(warnings))
    periods = _periods(tables, options.perioder)
    frames = [_one_period(tables, p, options, warnings, with_periode=True) for p in periods]
    return RunResult(pl.concat(frames, how="vertical_relaxed"), list(warnings))


def _tables(tables: PeriodTables) -> list[Table]:
    return [t for t in (tables.data, tables.funksjonshierarki, tables.artshierarki, tables.data_saer,
                        tables.artshierarki_nettinger, tables.artshierarki_nettinger_kasse, tables.stjernetabell,
                        tables.formler) if t is not None]


def _single_period(tables: PeriodTables) -> str | None:
    found = sorted({p for t in _tables(tables) for p in (t.periods() or [])})
    if len(found) > 1:
        raise UsageError(f"kostra_regnskap takes one period; the inputs hold {', '.join(found)} "
                         "(periode er ikke unik)")
    return found[0] if found else None


def _periods(tables: PeriodTables, wanted: list[str] | None) -> list[str]:
    in_data = tables.data.periods()
    if not in_data:
        raise AccountsInputError("KostraRegnskap needs a periode column in data (periode finnes ikke i data)",
                                 file=tables.data.name, line=1)
    periods = list(dict.fromkeys(wanted)) if wanted else in_data
    optional = {id(tables.stjernetabell), id(tables.formler)}
    for table in _tables(tables):
        have = table.periods()
        if have is None and id(table) in optional:
            continue
        missing = [p for p in periods if p not in (have or [])]
        if missing:
            raise AccountsInputError(f"periode {', '.join(missing)} is missing (Det er periode(r) som mangler)",
                                     file=table.name)
    return periods


def _chosen(codes: list[str] | None, universe: list[str], what: str, pad: bool, warnings: Warnings) -> list[str]:
    if codes is None:
        return []
    if pad:
        codes = fix_codes(codes, pad_code, ART_WARNING if what == "arter" else FUNCTION_WARNING, warnings)
    codes = list(dict.fromkeys(codes))
    if has_wildcards(codes):
        return select(universe, codes)
    unknown = [c for c in codes if c not in set(universe)]
    if unknown:
        raise UsageError(f"--{what}: {', '.join(unknown)} not in data or hierarchies "
                         f"(Disse {what[:-1]}ene finnes ikke i data eller hierarkier)")
    return codes


def _scopes(options: RunOptions, prepared: Prepared, warnings: Warnings) -> list[str]:
    """Output blocks: ``A`` konsern, ``B`` (or ``C``) kasse."""
    wanted = [s for s in (options.regnskapsomfang or []) if s not in ("*", "?")]
    wanted = list(dict.fromkeys(wanted)) or (["A", "C"] if options.regnskapsomfang and "C" in
                                               options.regnskapsomfang else ["A", "B"])
    bad = [s for s in wanted if s not in ("A", "B", "C")]
    if bad:
        raise UsageError(f"--regnskapsomfang {', '.join(bad)}: expected A (konsern), B or C (kasse) "
                         "(Feil regnskapsomfang)")
    if options.output == "fire" and options.regnskapsomfang:
        warnings.append("Inputparameter regnskapsomfang ignoreres ved dette valg av output.")
    return ["A", "B"] if options.output == "fire" else sorted(wanted)


def _check_saer(tables: PeriodTables, scopes: list[str], options: RunOptions, warnings: Warnings) -> None:
    if (tables.data_saer is None) != (tables.artshierarki_nettinger is None):
        raise UsageError("Either both 'data_saer' and 'artshierarki_nettinger' or none of them "
                         "(Enten må både 'data_saer' og 'artshierarki_nettinger' med eller ingen av dem)")
    if tables.data_saer is None and ("A" in scopes or options.output == "fire"):
        raise UsageError("--data_saer and --artshierarki_nettinger are needed for konsern (A); "
                         "without them give --regnskapsomfang B")
    if tables.data_saer is not None and tables.artshierarki_nettinger_kasse is None:
        warnings.append("artshierarki_nettinger_kasse er ikke i input. Alle kasse-nettinger blir 0.")


def _one_period(tables: PeriodTables, periode: str | None, options: RunOptions, warnings: Warnings,
                with_periode: bool) -> pl.DataFrame:
    prepared = prepare(tables, periode if options.fun == "KostraRegnskap" else None, warnings)
    if options.fun == "kostra_regnskap":
        _no_duplicates(tables.data, prepared.data)
        if tables.data_saer is not None and prepared.data_saer is not None:
            _no_duplicates(tables.data_saer, prepared.data_saer)
    scopes = _scopes(options, prepared, warnings)
    _check_saer(tables, scopes, options, warnings)
    data_regions = prepared.data.get_column("region").unique(maintain_order=True).to_list()
    regioner = None
    if options.regioner is not None:
        regioner = fix_regions(options.regioner, warnings)
        if has_wildcards(regioner):
            regioner = select(data_regions, regioner)
    arter = _chosen(options.arter, prepared.all_arts, "arter", True, warnings) or None
    funksjoner = _chosen(options.funksjoner, prepared.all_functions, "funksjoner", True, warnings) or None
    kontoklasser = _kontoklasser(options.kontoklasser, prepared)
    saer_regions = ([] if prepared.data_saer is None
                    else prepared.data_saer.get_column("region").unique(maintain_order=True).to_list())
    if tables.stjernetabell is not None:
        values = {"region": regioner or list(dict.fromkeys(data_regions + saer_regions)),
                  "kontoklasse": kontoklasser or prepared.kontoklasser,
                  "funksjon": funksjoner or prepared.all_functions, "art": arter or prepared.all_arts}
        columns, rows = star_table_combinations(values, _star(tables.stjernetabell, warnings))
        if not rows:
            raise UsageError("the stjernetabell and the selections leave no rows")
        layout = _Rows.of_star(columns, rows)
    else:
        cells = [(k, f, a) for k in (kontoklasser or prepared.kontoklasser)
                 for f in (funksjoner or prepared.all_functions) for a in (arter or prepared.output_arts)]
        regions = sorted(regioner or list(dict.fromkeys(saer_regions + data_regions)))
        layout = _Rows(["region", "art", "funksjon", "kontoklasse"], cells, regions,
                       np.tile(np.arange(len(cells)), len(regions)), np.repeat(np.arange(len(regions)), len(cells)))
    return _frame(prepared, layout, scopes, options, periode if with_periode else None)


@dataclass(frozen=True)
class _Rows:
    """The output rows: key columns in R's order, and for each row its cell and region."""

    columns: list[str]
    cells: list[tuple[str, str, str]]  # (kontoklasse, funksjon, art)
    regions: list[str]
    cell_index: np.ndarray
    region_index: np.ndarray

    @classmethod
    def of_star(cls, columns: list[str], rows: list[tuple[str, ...]]) -> _Rows:
        at = {c: i for i, c in enumerate(columns)}
        cell_of = [(r[at["kontoklasse"]], r[at["funksjon"]], r[at["art"]]) for r in rows]
        cells = list(dict.fromkeys(cell_of))
        regions = list(dict.fromkeys(r[at["region"]] for r in rows))
        ci, ri = {c: i for i, c in enumerate(cells)}, {r: i for i, r in enumerate(regions)}
        return cls(columns, cells, regions, np.array([ci[c] for c in cell_of], dtype=np.int64),
                   np.array([ri[r[at["region"]]] for r in rows], dtype=np.int64))

    def keys(self) -> dict[str, pl.Series]:
        part = {"kontoklasse": 0, "funksjon": 1, "art": 2}
        out = {}
        for column in self.columns:
            if column == "region":
                out[column] = pl.Series(self.regions, dtype=pl.String).gather(self.region_index)
            else:
                codes = pl.Series([c[part[column]] for c in self.cells], dtype=pl.String)
                out[column] = codes.gather(self.cell_index)
        return out


def _no_duplicates(table: Table, frame: pl.DataFrame) -> None:
    """kostra_regnskap stops on two rows for one combination (R's ``handleDuplicated = "stop"``)."""
    keys = ["region", "kontoklasse", "funksjon", "art"]
    twice = frame.filter(pl.len().over(keys) > 1)
    if twice.height:
        first = twice.row(0, named=True)
        lines = twice.filter(*(pl.col(k) == first[k] for k in keys)).get_column("line").to_list()
        raise AccountsInputError(f"region {first['region']}, kontoklasse {first['kontoklasse']}, funksjon "
                                 f"{first['funksjon']}, art {first['art']} is on lines {', '.join(map(str, lines))}; "
                                 "kostra_regnskap needs one row per combination (sum them, or use KostraRegnskap)",
                                 file=table.name, line=lines[1])


def _kontoklasser(wanted: list[str] | None, prepared: Prepared) -> list[str] | None:
    if wanted is None or "*" in wanted:
        return None
    wanted = list(dict.fromkeys(wanted))
    unknown = [k for k in wanted if k not in prepared.kontoklasser]
    if unknown:
        raise UsageError(f"--kontoklasser: {', '.join(unknown)} not in data (Disse kontoklassene finnes ikke i data)")
    return wanted


def _star(table: Table, warnings: Warnings) -> list[StarRow]:
    missing = [v for v in STAR_VARIABLES if v not in table.frame.columns]
    if missing:
        raise AccountsInputError(f"missing column(s) {', '.join(missing)}; a stjernetabell needs region, "
                                 "kontoklasse, funksjon, art and sign", file=table.name, line=1)
    rows = star_rows(table)
    fixes = {"region": (_pad_region, "Regionskoder endret"), "art": (pad_code, ART_WARNING),
             "funksjon": (pad_code, FUNCTION_WARNING)}
    for variable, (fix, text) in fixes.items():
        fixed = fix_codes([r.patterns[variable] for r in rows], fix, text, warnings)
        rows = [StarRow({**r.patterns, variable: f}, r.positive, r.line) for r, f in zip(rows, fixed, strict=True)]
    return rows


def _frame(prepared: Prepared, layout: _Rows, scopes: list[str], options: RunOptions,
           periode: str | None) -> pl.DataFrame:
    computation = compute(prepared.definitions, prepared.data, prepared.data_saer, layout.cells, layout.regions)
    at = (layout.cell_index, layout.region_index)
    n = len(layout.cell_index)
    integral = all(f.schema["belop"] == pl.Int64 for f in (prepared.data, prepared.data_saer) if f is not None)
    keys = layout.keys()
    if options.output == "fire":
        out = {**keys, **{c: _column(computation.values(c)[at], integral) for c in _FIRE}}
        return _with_periode(pl.DataFrame(out), periode)
    bidrag = options.bidrag if options.bidrag is not None else options.fun == "kostra_regnskap"
    blocks = []
    for scope in scopes:
        component = "konsern" if scope == "A" else "kasse"
        block: dict[str, object] = {"regnskapsomfang": pl.Series([scope], dtype=pl.String).gather([0] * n),
                                    **keys, "belop": _column(computation.values(component)[at], integral)}
        if options.fun == "kostra_regnskap" and options.generer_id:
            block["UUID"] = [str(uuid.uuid1()) for _ in range(n)]
        if bidrag:
            block["source"] = [_source(computation, component, int(c), int(r)) for c, r in zip(*at, strict=True)]
        blocks.append(pl.DataFrame(block))
    return _with_periode(pl.concat(blocks), periode)


def _column(values: np.ndarray, integral: bool) -> pl.Series:
    rounded = np.rint(values)
    if integral and np.all(np.abs(values - rounded) < 1e-9):
        return pl.Series(rounded.astype(np.int64))
    return pl.Series(values.astype(float))


def _with_periode(frame: pl.DataFrame, periode: str | None) -> pl.DataFrame:
    if periode is None:
        return frame
    return frame.select(pl.lit(periode).alias("periode"), pl.all())


def _source(computation: Computation, component: str, cell: int, region: int) -> str:
    items = computation.contributions(component, cell, region)
    return "" if not items else "[" + ", ".join(_item(c) for c in items) + "]"


def _item(c: Contribution) -> str:
    return f"{{'UUID': '{c.id}', 'sign': '{format_number(c.sign)}', 'belop': {format_number(c.belop)}}}"
