"""Shared preparation of an accounts frame for the rules in ``accounts_records`` and ``accounts_sums``.

The engine hands every rule the same frame of raw (untrimmed) string columns. Each rule needs the same derived
columns (trimmed function, integer amount, drift/investering flags), so they are computed once per frame and
cached by identity: the cache keeps a reference to the input frame, so its ``id`` cannot be reused meanwhile.
Records whose trimmed ``belop`` is ``"0"`` are dropped here, as the official program does before its content
rules (``RegnskapValidator.getRecordsList``).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence

import polars as pl

from kostra.controls.filecheck.accounts_codes import (
    KONTOKLASSER,
    LONGYEARBYEN,
    OSLO,
    OSLO_DISTRICTS,
    REGIONAL_FORMS,
)
from kostra.controls.filecheck.model import CheckArguments, ReportEntry, Severity

__all__ = ["kept_records", "lenient", "per_record", "prepare_records", "prepared", "quarter", "sum_of", "total_entry"]

_lock = threading.Lock()
_cache: list[tuple[pl.DataFrame, str, pl.DataFrame]] = []
_made: dict[int, tuple[weakref.ref[pl.DataFrame], str]] = {}  # frames made by prepare_records, by id, with form


def quarter(args: CheckArguments) -> str:
    """The quarter the file must state: ``" "`` for annual accounts, ``"1"``–``"4"`` for quarterly ones."""
    if args.quarter and args.quarter.strip():
        return args.quarter.strip()
    return args.form[3] if len(args.form) == 4 else " "


def lenient(args: CheckArguments) -> Severity:
    """ERROR for annual and Q4 files, WARNING for Q1–Q3 (incomplete quarterly data must be submittable)."""
    return Severity.WARNING if quarter(args) in ("1", "2", "3") else Severity.ERROR


def _prepare(frame: pl.DataFrame, form: str) -> pl.DataFrame:
    classes = KONTOKLASSER.get(form, ())
    drift = classes[0] if len(classes) == 2 else None
    inv = classes[1] if len(classes) == 2 else None
    f = pl.col("funksjon_kapittel").str.strip_chars()
    a = pl.col("art_sektor").str.strip_chars()
    keep = frame.select(kept_records()).to_series()
    if not keep.all():  # filtering copies every column: only when some record is dropped (the engine
        frame = frame.filter(keep)  # drops them from the lines already, see ``kept_records``)
    del keep
    belop = frame["belop"].str.strip_chars()
    anum = pl.col("anum")
    return (
        frame.lazy()
        .with_columns(
            f.alias("f"),
            a.alias("a"),
            f.cast(pl.Int64, strict=False).alias("fnum"),
            a.cast(pl.Int64, strict=False).alias("anum"),
            belop.cast(pl.Int64, strict=False).fill_null(0).alias("amt"),
            (pl.col("kontoklasse") == pl.lit(drift)).fill_null(False).alias("drift"),
            (pl.col("kontoklasse") == pl.lit(inv)).fill_null(False).alias("inv"),
        )
        .with_columns(
            anum.is_between(10, 599).fill_null(False).alias("utgift"),
            anum.is_between(600, 999).fill_null(False).alias("inntekt"),
        )
        .collect()
    )


def kept_records() -> pl.Expr:
    """The records the content rules see and count: those whose trimmed ``belop`` is not "0" (official)."""
    return pl.col("belop").str.strip_chars() != "0"


def prepared(frame: pl.DataFrame, args: CheckArguments) -> pl.DataFrame:
    """The records of ``frame`` with belop ≠ "0" plus derived columns, computed once per frame and form.

    A frame returned by :func:`prepare_records` is recognised and returned as is.
    """
    with _lock:
        made = _made.get(id(frame))
        if made is not None and made[0]() is frame and made[1] == args.form:
            return frame
        for source, form, result in _cache:
            if (source is frame or result is frame) and form == args.form:
                return result
    result = _prepare(frame, args.form)
    with _lock:
        _cache[:] = [(frame, args.form, result)]
    return result


def prepare_records(frame: pl.DataFrame, args: CheckArguments) -> pl.DataFrame:
    """:func:`prepared` without keeping ``frame`` alive: the engine drops the raw records afterwards."""
    result = _prepare(frame, args.form)
    with _lock:
        _cache[:] = [(result, args.form, result)]
        # Recognised for as long as it lives, not only while it is the last one: the engine prepares a batch
        # of files before their rules run (engine.check_files).
        _made[id(result)] = (weakref.ref(result), args.form)
    weakref.finalize(result, _forget, id(result))
    return result


def _forget(ident: int) -> None:
    with _lock:
        _made.pop(ident, None)


def region_flags(args: CheckArguments) -> tuple[bool, bool, bool, bool]:
    """(is Oslo municipality, is Oslo district, is Longyearbyen, is a REG-type form) for the checked unit."""
    return (args.region == OSLO, args.region in OSLO_DISTRICTS, args.region == LONGYEARBYEN,
            args.form in REGIONAL_FORMS)


def per_record(
    rule: str, severity: Severity, rows: pl.DataFrame, message: pl.Expr
) -> list[ReportEntry]:
    """One entry per failing record, as the official program reports code-list and combination rules."""
    if rows.is_empty():
        return []
    out = rows.select(pl.col("line"), message.alias("msg"))
    return [
        ReportEntry(severity, rule, msg, (line,))
        for line, msg in zip(out["line"].to_list(), out["msg"].to_list(), strict=True)
    ]


def sum_of(rows: pl.DataFrame, condition: pl.Expr | None = None) -> int:
    """Sum of ``amt`` over ``rows`` (optionally filtered); unparsable amounts count as 0, as officially."""
    selected = rows if condition is None else rows.filter(condition)
    return int(selected["amt"].sum() or 0)


def total_entry(rule: str, severity: Severity, message: str) -> list[ReportEntry]:
    """A file-level entry: sum rules carry no line numbers."""
    return [ReportEntry(severity, rule, message)]


RuleCheck = Callable[[pl.DataFrame, CheckArguments], Sequence[ReportEntry]]
