"""The output table in R's columns: dimensions, count, values, rule diagnostics, ``primary``, ``suppressed``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from kostra.disclosure.rules import Contributions
from kostra.disclosure.table import Table

if TYPE_CHECKING:
    from kostra.disclosure.suppress import SuppressionSpec

__all__ = ["format_csv", "output_frame"]


def _measures(spec: SuppressionSpec, table: Table, freq: np.ndarray) -> dict[str, pl.Series]:
    x = table.x
    out: dict[str, pl.Series] = {}
    show_freq = not spec.magnitude or spec.contributor_var is not None
    if show_freq:
        name = spec.freq_var or "freq"
        out[name] = pl.Series(name, freq.astype(np.int64))
    for var in spec.num_var:
        inner = table.inner[var].to_numpy().astype(float)
        out[var] = pl.Series(var, np.asarray(x.T @ inner).ravel())
    return out


def _diagnostics(spec: SuppressionSpec, contrib: Contributions | None) -> dict[str, pl.Series]:
    out: dict[str, pl.Series] = {}
    if contrib is None:
        return out
    if spec.fun.value == "SuppressFewContributors":
        # R counts contributors over rows with a non-zero value (remove0) in both; nAll differs from nRule only
        # by removeCodes, which this implementation does not take
        out["nRule"] = pl.Series("nRule", contrib.n_nonzero)
        out["nAll"] = pl.Series("nAll", contrib.n_nonzero)
        return out
    if not spec.all_dominance:
        return out
    cumulative = np.cumsum(contrib.top, axis=1)
    total = contrib.total
    for n in spec.n or [1]:
        share = np.divide(cumulative[:, n - 1], total, out=np.zeros_like(total), where=total > 0)
        out[f"dominant{n}"] = pl.Series(f"dominant{n}", share)
    top = pl.Series("max1contributor", contrib.top_contributor, dtype=pl.String)
    if spec.contributor_var is None:  # R reports the data row number
        top = top.cast(pl.Int64)
    out["max1contributor"] = top
    out["n_contr"] = pl.Series("n_contr", contrib.n_contributors.astype(np.int64))
    out["n_non0_contr"] = pl.Series("n_non0_contr", contrib.n_nonzero)
    return out


def output_frame(spec: SuppressionSpec, table: Table, freq: np.ndarray, contrib: Contributions | None,
                 primary: np.ndarray, suppressed: np.ndarray) -> pl.DataFrame:
    """One row per cell in R's order."""
    cells = table.model.cells
    columns: dict[str, pl.Series] = {
        name: pl.Series(name, [c[k] for c in cells], dtype=pl.String)
        for k, name in enumerate(table.model.columns)
    }
    columns |= _measures(spec, table, freq)
    columns |= _diagnostics(spec, contrib)
    columns["primary"] = pl.Series("primary", primary)
    columns["suppressed"] = pl.Series("suppressed", suppressed)
    return pl.DataFrame(list(columns.values()))


def _number(value: float) -> str:
    if value != value:  # NaN
        return "NA"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def format_csv(frame: pl.DataFrame) -> str:
    """CSV as R's ``write.csv`` writes it: strings quoted, logicals TRUE/FALSE, missing NA, 15 digits."""
    lines = [",".join(f'"{c}"' for c in frame.columns)]
    kinds = [frame[c].dtype for c in frame.columns]
    for row in frame.iter_rows():
        parts = []
        for value, kind in zip(row, kinds, strict=True):
            if value is None:
                parts.append("NA")
            elif kind == pl.Boolean:
                parts.append("TRUE" if value else "FALSE")
            elif kind == pl.String:
                parts.append('"' + str(value).replace('"', '""') + '"')
            else:
                parts.append(_number(float(value)))
        lines.append(",".join(parts))
    return "\n".join(lines) + "\n"
