"""Test helper: slice fixed-width social-service files into the frame the engine hands to rules."""

from __future__ import annotations

from functools import cache
from typing import Any

import polars as pl
import yaml

from kostra.controls.filecheck.model import CheckArguments, ReportEntry
from tests.paths import package_layout


@cache
def layout(form: str, year: int) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(package_layout(form, year).read_text("utf-8"))
    return loaded


def frame(data: bytes, form: str, year: int) -> pl.DataFrame:
    """One Utf8 column per layout field (raw, exact width) plus ``line`` (1-based)."""
    lines = pl.Series("raw", [line for line in data.decode("latin-1").split("\n") if line])
    start, exprs = 0, []
    for field in layout(form, year)["fields"]:
        exprs.append(pl.col("raw").str.slice(start, field["size"]).alias(field["name"]))
        start += field["size"]
    return pl.DataFrame(lines).with_row_index("line", offset=1).with_columns(
        pl.col("line").cast(pl.Int64), *exprs).drop("raw")


def record(form: str, year: int, **values: str) -> str:
    """One record line: every field blank except the given ones (padded/cut to the field width)."""
    parts = []
    for field in layout(form, year)["fields"]:
        value = values.get(field["name"], "")
        is_int = field["dataType"] == "INTEGER_TYPE"
        parts.append((value.rjust(field["size"]) if is_int else value.ljust(field["size"]))[: field["size"]])
    return "".join(parts)


def run(rules: list[Any], records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
    return [entry for rule in rules for entry in rule.check(records, args)]


def fields_of(line: str, form: str, year: int) -> dict[str, str]:
    out, start = {}, 0
    for field in layout(form, year)["fields"]:
        out[field["name"]] = line[start:start + field["size"]]
        start += field["size"]
    return out


def base_record(form: str, year: int, region: str = "110300") -> dict[str, str]:
    """A valid generated record (seeded) as raw field values."""
    from kostra.demo.generate_sosial import generate

    data = generate(form, year, region, 1, seed=3, layout=layout(form, year))
    return fields_of(data.decode("latin-1").rstrip("\n"), form, year)


def with_values(form: str, year: int, base: dict[str, str], **values: str) -> str:
    merged = {**{k: v.strip() for k, v in base.items()}, **values}
    return record(form, year, **merged)


def fnr_born(born_year: int, day: int = 15, month: int = 6) -> str:
    """A valid fødselsnummer for a birth date (test helper, independent of the generator)."""
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    for individual in range(500 if born_year >= 2000 else 0, 1000):
        head = f"{day:02d}{month:02d}{born_year % 100:02d}{individual:03d}"
        k1 = (11 - sum(int(d) * w for d, w in zip(head, w1, strict=False)) % 11) % 11
        k2 = (11 - sum(int(d) * w for d, w in zip(head + str(k1), w2, strict=False)) % 11) % 11
        if 10 not in (k1, k2):
            return f"{head}{k1}{k2}"
    raise AssertionError("unreachable")
