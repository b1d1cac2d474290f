"""The accounts values key figures read: (function, art, scope) per unit, from the accounts engine over the
submitted kasse (0A/0C) and konsern (0M/0P) files, with the year's definitions (brutto AGD9, netto AGD1).

The files counted are those submitted by ``as_of`` (an instant: the moment a snapshot was frozen) and, when
asked, only approved versions. With a ``cache_dir`` (KOSTRA_HOME/cache) the engine's output is kept as Parquet
under a key over everything it is derived from: the counted files (attachment id and SHA-256 of each unit's
form), the units and cells asked for, the accounts definitions' contents and the code that parses and
computes. Any change gives another key, so a cached result is never stale; deleting the folder is safe.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from kostra.dataset import SubmittedAttachment, submitted_attachments
from kostra.errors import KostraError
from kostra.keyfigures.cache import CODE, cached_frame, code_stamp, key_of
from kostra.keyfigures.definitions import DEFINITIONS

__all__ = ["KASSE", "KONSERN", "AccountsValues", "accounts_attachments", "accounts_values", "summed_accounts"]

KASSE, KONSERN = ("0A", "0C"), ("0M", "0P")  # as kostra.accounts.submitted (not imported: it loads the engine)
_VERSION = 1  # bump when the cached frame's shape or meaning changes
_SCHEMA = {"scope": pl.String, "function": pl.String, "art": pl.String, "unit": pl.String, "value": pl.Float64}


@dataclass
class AccountsValues:
    """``values[(function, art, scope)][unit]``; ``have[scope]``: the units with a file; ``error``: why none."""

    values: dict[tuple[str, str, str], dict[str, float]] = field(default_factory=dict)
    have: dict[str, set[str]] = field(default_factory=dict)
    error: str = ""


def accounts_attachments(session: Session, year: int, units: Iterable[str] | None, *, as_of: datetime | None = None,
                         approved_only: bool = False) -> list[SubmittedAttachment]:
    """The submitted 0A/0C/0M/0P attachments that count (of ``units`` when given)."""
    return submitted_attachments(session, year, forms=[*KASSE, *KONSERN],
                                 units=sorted(units) if units is not None else None, as_of=as_of,
                                 approved_only=approved_only)


def summed_accounts(session: Session, year: int, found: list[SubmittedAttachment],
                    cache_dir: Path | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The attachments ``found`` as engine rows summed per file, kontoklasse, function and art: (kasse,
    konsern), columns region, kontoklasse (D/I), funksjon, art, belop (revenue arts negated), id.

    The sums are what the engine's values are made of (it adds records up), read from the per-file sums the
    control run keeps (:func:`kostra.controls.snapshot.parsed_accounts`), so a file is parsed once for both and
    a new process after a new file parses only that file. Lineage to the record lines is
    :func:`kostra.accounts.submitted.read_submitted`."""
    from kostra.accounts.submitted import KASSE_FORMS, KONSERN_FORMS
    from kostra.controls.snapshot import parsed_accounts

    sums = parsed_accounts(session, year, {(a.sha256, a.form_id): a.attachment_id for a in found}, cache_dir)
    owners = pl.DataFrame([(a.unit_code, a.form_id, a.sha256) for a in found],
                          schema={"region": pl.String, "form_id": pl.String, "sha256": pl.String}, orient="row")
    rows = owners.join(sums, on=["sha256", "form_id"])
    kinds = []
    for forms in (KASSE_FORMS, KONSERN_FORMS):
        mine = rows.filter(pl.col("form_id").is_in(list(forms)))
        kontoklasse = pl.concat_str("form_id", pl.lit(":"), "kontoklasse").replace_strict(
            {f"{form}:{k}": v for form, codes in forms.items() for k, v in codes.items()}, default=None)
        revenue = pl.col("art").str.contains(r"^[6-9]\d\d$")
        kinds.append(mine.select(
            "region", kontoklasse.alias("kontoklasse"), "funksjon", "art",
            pl.when(revenue).then(-pl.col("belop")).otherwise(pl.col("belop")).alias("belop"),
        ).filter(pl.col("kontoklasse").is_not_null()).with_columns(
            pl.int_range(pl.len()).cast(pl.String).alias("id")))
    return kinds[0], kinds[1]


def _unit_codes(units: list[str]) -> dict[str, str]:
    # A county municipality ff00 may report its accounts as unit ff (as kostra.accounts.regions reads them).
    codes = {u: u for u in units}
    codes.update({u[:2]: u for u in units if len(u) == 4 and u.endswith("00") and u != "0300"})
    return codes


def _engine(session: Session, year: int, units: list[str], cells: set[tuple[str, str, str]],
            found: list[SubmittedAttachment], cache_dir: Path | None) -> AccountsValues:
    """One engine run per scope that has files and cells asked for."""
    import numpy as np

    from kostra.accounts.definitions import load_year
    from kostra.accounts.engine import Definitions, compute

    try:
        defs = load_year(year)
    except KostraError as error:
        return AccountsValues(error=f"no accounts definitions for {year}: {error}")
    plain = Definitions(defs.definitions.funksjonshierarki, defs.definitions.artshierarki, None, None,
                        defs.definitions.formulas)
    codes = _unit_codes(units)
    result = AccountsValues()
    kasse, konsern = summed_accounts(session, year, found, cache_dir)
    for scope, raw in (("kasse", kasse), ("konsern", konsern)):
        frame = raw.with_columns(pl.col("region").replace(codes))
        wanted = sorted({(f, a) for f, a, s in cells if s == scope})
        result.have[scope] = set(frame.get_column("region").unique().to_list())
        if not wanted or frame.is_empty():  # no file of this kind: every unit is missing, nothing to compute
            continue
        engine_cells = [(defs.manifest.office.kontoklasse, f, a) for f, a in wanted]
        values = compute(plain, frame, None, engine_cells, units).values("kasse")
        for i, (function, art) in enumerate(wanted):
            row = np.asarray(values[i]).ravel()
            result.values[(function, art, scope)] = dict(zip(units, row.tolist(), strict=True))
    return result


def _key(year: int, units: list[str], cells: set[tuple[str, str, str]], found: list[SubmittedAttachment]) -> str:
    folder = DEFINITIONS / str(year) / "accounts"
    definitions = [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(folder.glob("*"))] \
        if folder.is_dir() else []
    code = code_stamp([*(CODE / "accounts").glob("*.py"), *(CODE / "intake").glob("*.py"),
                       *(CODE / "intake" / "layouts").glob("Regnskap*"), CODE / "keyfigures" / "accounts.py"])
    return key_of(_VERSION, year, units, sorted(cells), definitions, code,
                  [(a.form_id, a.unit_code, a.attachment_id, a.sha256) for a in found])


def _to_frame(result: AccountsValues) -> pl.DataFrame:
    rows = [(scope, f, a, unit, value) for (f, a, scope), by_unit in result.values.items()
            for unit, value in by_unit.items()]
    rows += [(scope, None, None, unit, None) for scope, units in result.have.items() for unit in units]
    rows += [(scope, None, None, None, None) for scope in result.have]  # a scope whose set is empty
    return pl.DataFrame(rows, schema=_SCHEMA, orient="row")


def _from_frame(frame: pl.DataFrame) -> AccountsValues:
    result = AccountsValues()
    for scope, function, art, unit, value in frame.iter_rows():
        if function is None:
            units = result.have.setdefault(scope, set())
            if unit is not None:
                units.add(unit)
        else:
            result.values.setdefault((function, art, scope), {})[unit] = value
    return result


def accounts_values(session: Session, year: int, units: list[str], cells: set[tuple[str, str, str]], *,
                    as_of: datetime | None = None, approved_only: bool = False,
                    cache_dir: Path | None = None) -> AccountsValues:
    """Every (function, art, scope) in ``cells`` for ``units`` (from ``cache_dir`` when computed before)."""
    found = accounts_attachments(session, year, _unit_codes(units), as_of=as_of, approved_only=approved_only)
    if cache_dir is None:
        return _engine(session, year, units, cells, found, None)
    error = ""

    def build() -> pl.DataFrame | None:
        nonlocal error
        result = _engine(session, year, units, cells, found, cache_dir)
        error = result.error
        return None if result.error else _to_frame(result)  # an error is not kept: it says what to fix

    frame = cached_frame(cache_dir, f"keyfigures-accounts-{year}", _key(year, units, cells, found), build)
    return AccountsValues(error=error) if frame is None else _from_frame(frame)
