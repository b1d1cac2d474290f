"""From data to a table: dimensions, inner cells and the model matrix (R's ``GaussSuppressionFromData`` set-up).

Inner cells are the data aggregated to the dimension variables. As R does: frequency data whose rows are
already unique keep their order; otherwise (and always for magnitude tables) rows are aggregated and sorted
with the last variable varying slowest. ``extend0`` appends the missing combinations as zero rows.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise, product

import numpy as np
import polars as pl
import scipy.sparse as sp

from kostra.disclosure.formula import parse_formula
from kostra.disclosure.hierarchy import (
    Dimension,
    Hierarchy,
    Link,
    dimension_from_links,
    flat_dimension,
    nested_dimension,
)
from kostra.disclosure.inputs import TableInputError
from kostra.disclosure.model import ModelMatrix, crossed_model, formula_model

__all__ = ["HierarchySpec", "Table", "build_table", "find_nested_groups"]

HierarchySpec = Sequence[Link] | Hierarchy | str


@dataclass
class Table:
    """A table ready for suppression."""

    dims: list[Dimension]
    keys: list[str]                 # data columns that identify an inner cell
    inner: pl.DataFrame             # keys, "freq" (rows), the value column, "n_unique"
    model: ModelMatrix
    micro_inner: np.ndarray         # inner cell of each data row
    data: pl.DataFrame

    @property
    def x(self) -> sp.csc_matrix:
        return self.model.x


def _check_columns(data: pl.DataFrame, names: Sequence[str], source: str, what: str) -> None:
    for name in names:
        if name not in data.columns:
            raise TableInputError(f"{source}: {what} {name!r} is not a column; the columns are "
                                  f"{', '.join(data.columns)}")


def find_nested_groups(data: pl.DataFrame, variables: Sequence[str]) -> list[list[str]]:
    """Group variables whose codes nest (R's ``FindDimLists``): each group finest first.

    A variable nests in another when each of its codes has one code of the other and the other has fewer codes.
    Groups are ordered by the position of their finest variable.
    """
    distinct = {v: data[v].n_unique() for v in variables}
    coarser: dict[str, list[str]] = {v: [] for v in variables}
    for a in variables:
        for b in variables:
            if a != b and distinct[b] < distinct[a]:
                pairs = data.select(pl.col(a), pl.col(b)).unique()
                if pairs.height == distinct[a]:
                    coarser[a].append(b)
    groups: list[list[str]] = []
    used: set[str] = set()
    for v in sorted(variables, key=lambda v: -distinct[v]):
        if v in used:
            continue
        chain = [v, *sorted(coarser[v], key=lambda b: -distinct[b])]
        chain = [c for c in chain if c not in used]
        for finer, coarse in pairwise(chain):
            if coarse not in coarser[finer]:
                raise TableInputError(f"dimVar: {finer!r} and {coarse!r} both nest in {v!r} but not in each other; "
                                      "give hierarchies instead")
        used.update(chain)
        groups.append(chain)
    position = {v: k for k, v in enumerate(variables)}
    return sorted(groups, key=lambda g: position[g[0]])


def _dimensions(data: pl.DataFrame, source: str, hierarchies: Mapping[str, HierarchySpec] | None,
                groups: list[list[str]]) -> list[Dimension]:
    if hierarchies:
        dims = []
        for name, spec in hierarchies.items():
            codes = data[name].unique(maintain_order=True).to_list()
            if isinstance(spec, str):
                dims.append(flat_dimension(name, codes, spec))
            elif isinstance(spec, Hierarchy):
                dims.append(dimension_from_links(name, spec.links, codes, source=spec.source, data_source=source))
            else:
                dims.append(dimension_from_links(name, spec, codes, source=f"the hierarchy of {name}",
                                                 data_source=source))
        return dims
    dims = []
    for group in groups:
        rows = data.select(*[pl.col(k) for k in group]).unique(maintain_order=True).rows()
        dims.append(nested_dimension(group, rows))
    return dims


def _aggregate(data: pl.DataFrame, keys: list[str], freq_var: str | None, num_vars: Sequence[str],
               contributor: str | None, *, force: bool) -> tuple[pl.DataFrame, np.ndarray]:
    rows = data.with_row_index("_row")
    unique = bool(data.select(*[pl.col(k) for k in keys]).is_unique().all())
    count = pl.col(freq_var).sum() if freq_var else pl.len()
    aggs = [count.alias("freq"), *[pl.col(v).sum().alias(v) for v in num_vars]]
    aggs.append((pl.col(contributor).n_unique() if contributor else pl.len()).alias("n_unique"))
    if contributor:
        aggs.append(pl.col(contributor).first().alias("_contributor"))
    if unique and not force:
        inner = rows.select(*[pl.col(k) for k in keys], (pl.col(freq_var) if freq_var else pl.lit(1)).alias("freq"),
                            *[pl.col(v) for v in num_vars], pl.lit(1).alias("n_unique"))
        return inner, np.arange(data.height)
    inner = rows.group_by(*[pl.col(k) for k in keys]).agg(aggs).sort([pl.col(k) for k in reversed(keys)])
    index = inner.select(*[pl.col(k) for k in keys]).with_row_index("_inner")
    mapped = rows.join(index, on=keys, how="left").sort("_row")
    return inner, mapped["_inner"].to_numpy()


def _extend0(inner: pl.DataFrame, keys: list[str], groups: list[list[str]], num_vars: Sequence[str]) -> pl.DataFrame:
    """Append every missing combination of the groups' code tuples as a zero inner cell.

    Codes in order of first appearance, the first variable varying fastest (R's ``Extend0``)."""
    tuples = [inner.select(*[pl.col(k) for k in g]).unique(maintain_order=True).rows() for g in groups]
    present = set(inner.select(*[pl.col(k) for k in keys]).rows())
    position = {k: i for i, k in enumerate(functools.reduce(operator.iadd, groups, []))}
    missing = []
    for reversed_combo in product(*reversed(tuples)):  # R's expand.grid: the first variable varies fastest
        flat = [code for part in reversed(reversed_combo) for code in part]
        row = tuple(flat[position[k]] for k in keys)
        if row not in present:
            missing.append(row)
    if not missing:
        return inner
    extra = pl.DataFrame(missing, schema=keys, orient="row")
    extra = extra.with_columns(pl.lit(0).cast(inner["freq"].dtype).alias("freq"),
                               *[pl.lit(0).cast(inner[v].dtype).alias(v) for v in num_vars],
                               pl.lit(0).cast(inner["n_unique"].dtype).alias("n_unique"),
                               *[pl.lit(None).cast(inner[c].dtype).alias(c)
                                 for c in inner.columns if c == "_contributor"])
    return pl.concat([inner, extra.select(inner.columns)])


def build_table(data: pl.DataFrame, *, source: str = "data", hierarchies: Mapping[str, HierarchySpec] | None = None,
                dim_var: Sequence[str] | None = None, formula: str | None = None, freq_var: str | None = None,
                num_vars: Sequence[str] = (), contributor_var: str | None = None, extend0: bool = False,
                remove_empty: bool | None = None, aggregate: bool = False) -> Table:
    """Dimensions, inner cells and model matrix of a table; raises TableInputError for unusable input."""
    specified = [s for s in (hierarchies, dim_var, formula) if s]
    if not specified:
        raise TableInputError("give the table's dimensions: hierarchies, dimVar or formula")
    terms = None
    if formula:
        terms, variables = parse_formula(formula)
        if hierarchies:
            raise TableInputError("formula together with hierarchies is not supported; use one of them")
    elif hierarchies:
        variables = list(hierarchies)
    else:
        variables = list(dim_var or [])
    _check_columns(data, variables, source, "dimension variable")
    _check_columns(data, [v for v in (freq_var, contributor_var) if v], source, "variable")
    _check_columns(data, num_vars, source, "numVar")
    groups = [[v] for v in variables] if hierarchies else find_nested_groups(data, variables)
    for name in variables:
        missing = np.flatnonzero(data[name].is_null().to_numpy())
        if len(missing):
            raise TableInputError(f"{source} line {int(missing[0]) + 2}, column {name}: the code is missing (NA or "
                                  "empty); every row needs a code in each dimension")
    dims = _dimensions(data, source, hierarchies, groups)
    keys = list(variables)
    inner, micro = _aggregate(data, keys, freq_var, num_vars, contributor_var,
                              force=aggregate or contributor_var is not None)
    if extend0:
        inner = _extend0(inner, keys, groups, num_vars)
    if terms is not None:
        model = formula_model(terms, dims, {v: inner[v].to_list() for v in keys},
                              remove_empty=True if remove_empty is None else remove_empty)
    else:
        finest = [inner[d.variables[0]].to_list() for d in dims]
        model = crossed_model(dims, finest, remove_empty=bool(remove_empty))
    return Table(dims, keys, inner, model, micro, data)
