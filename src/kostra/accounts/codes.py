"""Code fixing as kostraregnskap does it: trimmed codes, leading zeros on regions, functions and arts.

The R package (``FixRegionkode``, ``SSBtools::AddLeadingZeros``) trims blanks, pads numeric region codes to
4 digits (6 when the number is above 9999: Oslo's districts) and numeric function and art codes to 3 digits,
and warns with the changed codes (``Regionskoder endret: 0100, 0101``). Non-numeric codes (``FG2``, ``AGD10``,
wildcards such as ``??00``) are only trimmed.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

__all__ = ["ART_WARNING", "FUNCTION_WARNING", "REGION_WARNING", "Warnings", "fix_code_column", "fix_codes",
           "fix_region_column", "fix_regions", "pad_code", "pad_region"]

REGION_WARNING = "Regionskoder endret"
ART_WARNING = "Artskoder endret"
# The package's own (misspelt) text, kept so warnings read as R's do.
FUNCTION_WARNING = "Funkjonskoder endret"


class Warnings(list[str]):
    """R's warnings of one run, in the order they were raised."""

    def changed(self, text: str, codes: list[str], trimmed: bool) -> None:
        if not codes:
            return
        shown = codes if len(codes) <= 7 else [*codes[:6], "...", codes[-1]]
        prefix = "Whitespace removed: " if trimmed else ""
        self.append(f"{prefix}{text}: {', '.join(shown)}")


def pad_code(code: str, places: int = 3) -> str:
    """``' 10 '`` → ``'010'``; codes that are not whole numbers are only trimmed."""
    code = code.strip()
    return code.zfill(places) if code.isdigit() and len(code) < places else code


def pad_region(code: str) -> str:
    """``'300'`` → ``'0300'``, ``'30101'`` → ``'030101'``; non-numeric codes are only trimmed."""
    code = code.strip()
    if not code.isdigit():
        return code
    return code.zfill(6 if int(code) > 9999 else 4)


def fix_codes(codes: list[str], fix: Callable[[str], str], text: str, warnings: Warnings) -> list[str]:
    """Fix a list of codes, warning once with the changed ones (as R does for each argument)."""
    fixed = [fix(c) for c in codes]
    _warn(codes, fixed, text, warnings)
    return fixed


def fix_regions(codes: list[str], warnings: Warnings) -> list[str]:
    return fix_codes(codes, pad_region, REGION_WARNING, warnings)


def fix_code_column(frame: pl.DataFrame, column: str, text: str, warnings: Warnings) -> pl.DataFrame:
    """Pad and trim one code column (vectorised: each distinct code is fixed once)."""
    return _fix_column(frame, column, pad_code, text, warnings)


def fix_region_column(frame: pl.DataFrame, column: str, warnings: Warnings) -> pl.DataFrame:
    return _fix_column(frame, column, pad_region, REGION_WARNING, warnings)


def _fix_column(frame: pl.DataFrame, column: str, fix: Callable[[str], str], text: str,
                warnings: Warnings) -> pl.DataFrame:
    if column not in frame.columns or frame.is_empty():
        return frame
    distinct = frame.get_column(column).unique(maintain_order=True).to_list()
    fixed = [fix(c) for c in distinct]
    if fixed == distinct:
        return frame
    _warn(distinct, fixed, text, warnings)
    mapping = pl.DataFrame({column: distinct, "__fixed": fixed}, schema={column: pl.String, "__fixed": pl.String})
    return (frame.join(mapping, on=column, how="left", maintain_order="left")
            .with_columns(pl.col("__fixed").alias(column)).drop("__fixed"))


def _warn(codes: list[str], fixed: list[str], text: str, warnings: Warnings) -> None:
    padded = sorted({f for c, f in zip(codes, fixed, strict=True) if c.strip() != f})
    trimmed = sorted({c.strip() for c, f in zip(codes, fixed, strict=True) if c != c.strip()})
    warnings.changed(text, padded, trimmed=False)
    warnings.changed(text, trimmed, trimmed=True)
