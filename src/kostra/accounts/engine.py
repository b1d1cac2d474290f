"""The accounts aggregation: sparse matrices from input rows to KOSTRA cells (one period).

For every output cell (kontoklasse, funksjon, art) and every distinct input combination of a data set the
engine builds the coefficient ``F[funksjon, input funksjon] × X[art, input art]`` (same kontoklasse), where
``F`` is the flattened function hierarchy and ``X`` is one of

* the flattened art hierarchy (kasse, særbedrift),
* the netting hierarchy composed with the art hierarchy (nettinger), zero for output arts that are input
  arts (codes in the ``art`` column of either data set), as kostraregnskap does.

Formulas then replace the rows of their left-hand cells by the combination of the right-hand cells' rows
(values before any formula), so every amount column, and konsern as their sum, is corrected alike, and each
corrected value is still a signed sum of input rows. ``values`` multiplies by the amounts per region;
``contributions`` lists the input rows of one cell with sign (coefficient) and amount.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import sparse

from kostra.accounts.formulas import Cell, Formula
from kostra.accounts.hierarchy import Hierarchy

__all__ = ["COMPONENTS", "Computation", "Contribution", "Definitions", "compute"]

COMPONENTS = ("kasse", "saerbedrift", "nettinger_kasse", "nettinger_saer")
KEYS = ("region", "kontoklasse", "funksjon", "art")


@dataclass(frozen=True)
class Definitions:
    """The hierarchies and formulas of one period (codes already fixed)."""

    funksjonshierarki: Hierarchy
    artshierarki: Hierarchy
    nettinger: Hierarchy | None = None
    nettinger_kasse: Hierarchy | None = None
    formulas: tuple[Formula, ...] = ()


@dataclass(frozen=True)
class Contribution:
    """One input row in one output value: ``belop`` (as reported) counts with ``sign``."""

    id: str
    sign: float
    belop: float
    dataset: str  # "data" (kasse) or "data_saer"


@dataclass
class _Dataset:
    name: str
    frame: pl.DataFrame
    combos: list[Cell]  # distinct (kontoklasse, funksjon, art), sorted by kontoklasse, art, funksjon
    combo_of_row: np.ndarray


class Computation:
    """Matrices of one period: ``values(component)`` is cells × regions; konsern is the sum of components."""

    def __init__(self, cells: list[Cell], regions: list[str], parts: dict[str, sparse.csr_matrix],
                 datasets: dict[str, _Dataset]) -> None:
        self.cells = cells
        self.regions = regions
        self._parts = parts
        self._datasets = datasets
        self._values: dict[str, np.ndarray] = {}
        self._amounts: dict[str, sparse.csr_matrix] = {}

    def values(self, component: str) -> np.ndarray:
        """``kasse``, ``saerbedrift``, ``nettinger_kasse``, ``nettinger_saer`` or ``konsern``."""
        if component == "konsern":
            return sum((self.values(c) for c in COMPONENTS), start=np.zeros((len(self.cells), len(self.regions))))
        if component not in self._values:
            name = "data" if component in ("kasse", "nettinger_kasse") else "data_saer"
            if name not in self._amounts:
                self._amounts[name] = _amounts(self._datasets[name], self.regions)
            product = self._parts[component] @ self._amounts[name]
            self._values[component] = np.asarray(product.todense()).reshape(len(self.cells), len(self.regions))
        return self._values[component]

    def contributions(self, scope: str, cell: int, region: int) -> list[Contribution]:
        """Input rows of cell × region: kasse rows, then særbedrift rows, each by (kontoklasse, art, funksjon).

        ``scope`` is ``konsern`` (all four components) or ``kasse``."""
        groups = [("data", ("kasse",))] if scope == "kasse" else [
            ("data", ("kasse", "nettinger_kasse")), ("data_saer", ("saerbedrift", "nettinger_saer"))]
        out: list[Contribution] = []
        for name, components in groups:
            dataset = self._datasets.get(name)
            if dataset is None or dataset.frame.is_empty():
                continue
            row = sum((self._parts[c][cell] for c in components), start=sparse.csr_matrix((1, len(dataset.combos))))
            row = sparse.csr_matrix(row)
            row.eliminate_zeros()
            out.extend(_rows_of(dataset, row, self.regions[region]))
        return out


def _rows_of(dataset: _Dataset, row: sparse.csr_matrix, region: str) -> list[Contribution]:
    indices = np.flatnonzero((dataset.frame.get_column("region") == region).to_numpy())
    if indices.size == 0:
        return []
    combos = dataset.combo_of_row[indices]
    coef = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
    order = np.lexsort((indices, combos))
    ids = _ids(dataset)
    amounts = dataset.frame.get_column("belop")
    out = []
    for k in order.tolist():
        sign = coef.get(int(combos[k]))
        if sign:
            i = int(indices[k])
            out.append(Contribution(ids(i), sign, float(amounts[i]), dataset.name))
    return out


def _ids(dataset: _Dataset) -> Callable[[int], str]:
    """Row ids: the ``id`` column when the data has one (a UUID, a file and line), else R's
    ``data_row_<n>`` / ``data_saer_row_<n>`` (row number within the period)."""
    if "id" in dataset.frame.columns:
        column = dataset.frame.get_column("id")
        return lambda i: str(column[i])
    return lambda i: f"{dataset.name}_row_{i + 1}"


def _dataset(name: str, frame: pl.DataFrame) -> _Dataset:
    # One text key per row; the distinct keys sorted by (kontoklasse, art, funksjon), and each row's key
    # looked up among them (an Enum cast is a hash lookup).
    key = frame.select(pl.concat_str(["kontoklasse", "funksjon", "art"], separator="\x1f")).to_series()
    parts = [tuple(k.split("\x1f")) for k in key.unique().to_list()]
    combos = sorted(((k, f, a) for k, f, a in parts), key=lambda c: (c[0], c[2], c[1]))
    labels = ["\x1f".join(c) for c in combos]
    index = key.cast(pl.Enum(labels)).to_physical().to_numpy().astype(np.int64)
    return _Dataset(name, frame, combos, index)


def _amounts(dataset: _Dataset, regions: list[str]) -> sparse.csr_matrix:
    """Input combinations × regions, reported amounts summed (regions absent from the data stay 0)."""
    column = dataset.frame.get_column("region")
    wanted = set(regions)
    others = [r for r in column.unique().to_list() if r not in wanted]
    # Regions not asked for get positions after the asked ones and are dropped (an Enum cast is a lookup).
    r = column.cast(pl.Enum([*regions, *others])).to_physical().to_numpy().astype(np.int64)
    keep = r < len(regions)
    belop = dataset.frame.get_column("belop").cast(pl.Float64).to_numpy()
    return sparse.csr_matrix((belop[keep], (dataset.combo_of_row[keep], r[keep])),
                             shape=(len(dataset.combos), len(regions)))


def _hierarchy_part(cells: list[Cell], dataset: _Dataset, funksjoner: Hierarchy,
                    art_matrix: sparse.csr_matrix, art_rows: dict[str, int], art_cols: dict[str, int]
                    ) -> sparse.csr_matrix:
    """Cells × input combinations: F[f, g] · X[a, b] where kontoklasse agrees."""
    in_f = list(dict.fromkeys(c[1] for c in dataset.combos))
    out_f = list(dict.fromkeys(c[1] for c in cells))
    fm = funksjoner.matrix(out_f, in_f).tocsr()
    f_row = {f: i for i, f in enumerate(out_f)}
    f_col = {f: i for i, f in enumerate(in_f)}
    blocks_r, blocks_c, blocks_v = [], [], []
    for kk in sorted({c[0] for c in cells} & {c[0] for c in dataset.combos}):
        rows = np.array([i for i, c in enumerate(cells) if c[0] == kk], dtype=np.int64)
        cols = np.array([j for j, c in enumerate(dataset.combos) if c[0] == kk], dtype=np.int64)
        fo = np.array([f_row[cells[i][1]] for i in rows])
        fc = np.array([f_col[dataset.combos[j][1]] for j in cols])
        ao = np.array([art_rows[cells[i][2]] for i in rows])
        ac = np.array([art_cols[dataset.combos[j][2]] for j in cols])
        block = fm[fo][:, fc].multiply(art_matrix[ao][:, ac]).tocoo()
        blocks_r.append(rows[block.row])
        blocks_c.append(cols[block.col])
        blocks_v.append(block.data)
    if not blocks_r:
        return sparse.csr_matrix((len(cells), len(dataset.combos)))
    return sparse.csr_matrix((np.concatenate(blocks_v), (np.concatenate(blocks_r), np.concatenate(blocks_c))),
                             shape=(len(cells), len(dataset.combos)))


def _netting_matrix(netting: Hierarchy | None, arts: Hierarchy, out_arts: list[str], in_arts: list[str],
                    input_arts: set[str]) -> sparse.csr_matrix:
    """Netting coefficients of input arts: the netting hierarchy's leaves taken through the art hierarchy."""
    rows, cols, vals = [], [], []
    column = {a: j for j, a in enumerate(in_arts)}
    if netting is not None:
        for i, t in enumerate(out_arts):
            if t in input_arts or not netting.is_to(t):
                continue
            total: dict[int, float] = {}
            for leaf, n in netting.expand(t).items():
                for code, coef in arts.expand(leaf).items():
                    j = column.get(code)
                    if j is not None:
                        total[j] = total.get(j, 0.0) + n * coef
            for j, v in total.items():
                if v != 0:
                    rows.append(i)
                    cols.append(j)
                    vals.append(v)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(out_arts), len(in_arts)))


def _formula_operator(cells: list[Cell], output_count: int, formulas: Sequence[Formula]) -> sparse.csr_matrix | None:
    """Identity, except that each output cell with a formula becomes its right-hand combination."""
    position = {c: i for i, c in enumerate(cells)}
    lefts = {f.left: f for f in formulas if position.get(f.left, output_count) < output_count}
    if not lefts:
        return None
    rows, cols, vals = [], [], []
    for i, cell in enumerate(cells):
        formula = lefts.get(cell)
        terms = formula.terms if formula is not None else {cell: 1.0}
        for term, coef in terms.items():
            rows.append(i)
            cols.append(position[term])
            vals.append(coef)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(cells), len(cells)))


def compute(definitions: Definitions, data: pl.DataFrame, data_saer: pl.DataFrame | None,
            cells: Sequence[Cell], regions: Sequence[str]) -> Computation:
    """Matrices for ``cells`` × ``regions``; data frames have region, kontoklasse, funksjon, art, belop, id.

    Formula right-hand cells outside ``cells`` are computed too (as extra rows, not returned)."""
    cells = list(cells)
    n_out = len(cells)
    known = set(cells)
    for formula in definitions.formulas:
        if formula.left in known:
            for term in formula.terms:
                if term not in known:
                    known.add(term)
                    cells.append(term)
    datasets = {"data": _dataset("data", data)}
    if data_saer is not None:
        datasets["data_saer"] = _dataset("data_saer", data_saer)
    input_arts = {c[2] for d in datasets.values() for c in d.combos}
    out_arts = list(dict.fromkeys(c[2] for c in cells))
    art_rows = {a: i for i, a in enumerate(out_arts)}
    parts: dict[str, sparse.csr_matrix] = {}
    for name, (plain, netted, netting) in {"data": ("kasse", "nettinger_kasse", definitions.nettinger_kasse),
                                           "data_saer": ("saerbedrift", "nettinger_saer",
                                                         definitions.nettinger)}.items():
        dataset = datasets.get(name) or _dataset(name, data.clear())
        in_arts = list(dict.fromkeys(c[2] for c in dataset.combos))
        art_cols = {a: j for j, a in enumerate(in_arts)}
        plain_arts = definitions.artshierarki.matrix(out_arts, in_arts).tocsr()
        netting_arts = _netting_matrix(netting, definitions.artshierarki, out_arts, in_arts, input_arts)
        fh = definitions.funksjonshierarki
        parts[plain] = _hierarchy_part(cells, dataset, fh, plain_arts, art_rows, art_cols)
        parts[netted] = _hierarchy_part(cells, dataset, fh, netting_arts, art_rows, art_cols)
        datasets.setdefault(name, dataset)
    operator = _formula_operator(cells, n_out, definitions.formulas)
    for component, matrix in parts.items():
        corrected = operator @ matrix if operator is not None else matrix
        parts[component] = sparse.csr_matrix(corrected[:n_out])
    return Computation(cells[:n_out], list(regions), parts, datasets)
