"""Writing the year's values as CSV, JSON (a list of objects, one per row) or Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import polars as pl

from kostra.errors import UsageError

__all__ = ["FORMATS", "write_values"]

FORMATS = ("csv", "json", "parquet")


def write_values(frame: pl.DataFrame, output_format: str, target: Path | BinaryIO) -> None:
    """Write ``frame`` to a file or a binary stream; times are ISO 8601 in UTC."""
    if output_format not in FORMATS:
        raise UsageError(f"unknown format {output_format!r}: use one of {', '.join(FORMATS)}")
    if output_format == "parquet":
        frame.write_parquet(target, statistics=True)
    elif output_format == "csv":
        frame.write_csv(target, datetime_format="%Y-%m-%dT%H:%M:%S%.6f%:z")
    else:
        frame.with_columns(pl.col(pl.Datetime).dt.to_string("%Y-%m-%dT%H:%M:%S%.6f%:z")).write_json(target)
