"""Helpers for the oracle files of R ``Kostra::Hb/ThError/Quartile`` and an independent reader for them.

The oracle CSVs are parsed here with the csv module and polars, not with kostra's own reader, so
a bug in ``kostra.controls.statistical.csvio`` cannot hide a mismatch.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

TEXT_COLUMNS = {"id", "strata"}
INJECTED_ROWS = (0, 3, 4)  # rows 1, 4, 5 of the man-page example, 0-based


@dataclass(frozen=True)
class OracleCase:
    """One oracle file and the call that produced it."""

    file: str
    method: str
    args: dict[str, str]
    params: dict[str, float] = field(default_factory=dict)
    injected: bool = False


CASES = [
    OracleCase(
        "hb_testdata_areal_381_eier.csv", "hb", {"x1": "areal_381_eier_2015", "x2": "areal_381_eier_2014"}
    ),
    OracleCase(
        "hb_testdata_areal_381_eier_strata.csv",
        "hb",
        {"x1": "areal_381_eier_2015", "x2": "areal_381_eier_2014", "strata": "strata"},
    ),
    OracleCase(
        "hb_testdata_areal_381_eier_strata_pA0.1.csv",
        "hb",
        {"x1": "areal_381_eier_2015", "x2": "areal_381_eier_2014", "strata": "strata"},
        {"pA": 0.1},
    ),
    OracleCase(
        "hb_testdata_areal_130_leier_strata.csv",
        "hb",
        {"x1": "areal_130_leier_2015", "x2": "areal_130_leier_2014", "strata": "strata"},
    ),
    OracleCase(
        "therror_testdata_areal_381_eier.csv",
        "therror",
        {"x1": "areal_381_eier_2015", "x2": "areal_381_eier_2014"},
    ),
    OracleCase(
        "therror_testdata1000_areal_381_eier.csv",
        "therror",
        {"x1": "areal_381_eier_2015", "x2": "areal_381_eier_2014"},
        injected=True,
    ),
    OracleCase(
        "quartile_testdata_areal_381.csv",
        "quartile",
        {"x1": "areal_381_eier_2015", "y1": "areal_381_leier_2015"},
    ),
    OracleCase(
        "quartile_testdata_areal_381_prev_strata.csv",
        "quartile",
        {
            "x1": "areal_381_eier_2015",
            "y1": "areal_381_leier_2015",
            "x2": "areal_381_eier_2014",
            "y2": "areal_381_leier_2014",
            "strata": "strata",
        },
    ),
]


def read_input(oracle_dir: Path, injected: bool = False) -> pl.DataFrame:
    """input_testdata.csv (ids and strata as text), optionally with the man-page 1000× errors."""
    frame = pl.read_csv(
        oracle_dir / "input_testdata.csv",
        null_values="NA",
        schema_overrides={"Region": pl.String, "strata": pl.String},
    )
    if injected:
        column = "areal_381_eier_2015"
        rows = pl.int_range(pl.len()).is_in(list(INJECTED_ROWS))
        frame = frame.with_columns(
            pl.when(rows).then(pl.col(column) * 1000).otherwise(pl.col(column)).alias(column)
        )
    return frame


def read_oracle(path: Path) -> tuple[list[str], list[dict[str, object]]]:
    """Columns and rows of an R output CSV: text columns as str, the rest float, ``NA`` as None."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [
            {
                name: (None if cell == "NA" else cell if name in TEXT_COLUMNS else float(cell))
                for name, cell in zip(header, record, strict=True)
            }
            for record in reader
        ]
    return header, rows


def compare(
    actual: pl.DataFrame,
    expected_columns: list[str],
    expected_rows: list[dict[str, object]],
    rel: float = 1e-12,
) -> tuple[int, int]:
    """Assert same columns, rows, ids, NA and flags; floats within ``rel``. Returns (floats, identical)."""
    assert actual.columns == expected_columns
    assert actual.height == len(expected_rows)
    floats = identical = 0
    for position, (got, want) in enumerate(zip(actual.iter_rows(named=True), expected_rows, strict=True)):
        for name in expected_columns:
            g, w = got[name], want[name]
            where = f"row {position + 1} ({want.get('id')}), column {name}"
            if w is None or g is None:
                assert g is None and w is None, f"{where}: {g!r} vs {w!r}"
            elif name in TEXT_COLUMNS:
                assert str(g) == w, where
            elif name in {"outlier", "ranking"}:
                assert float(g) == w, where
            else:
                floats += 1
                identical += float(g) == w
                assert math.isclose(float(g), w, rel_tol=rel, abs_tol=0.0) or (
                    math.isnan(g) and math.isnan(w)
                ), f"{where}: {g!r} vs {w!r}"
    return floats, identical
