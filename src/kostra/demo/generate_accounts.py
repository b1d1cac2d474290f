"""Synthetic KOSTRA accounts files (48-character records) that pass the accounts controls, for demo and benchmark.

``generate(form, year, region, n, seed)`` writes ``n`` records using that year's valid functions and arts, with
amounts in 1000 NOK scaled by ``scale`` (about the municipality's population / 10 000) and closing records that
make the sum rules hold: tax (800/870) and block grant (840/800) close the drift account, borrowing (870/910)
closes investering, 590/990 depreciation and 570/970 transfers pair up, a balance closes on kapittel 56.
Named errors can be injected, each meant to trip one rule (see ``ERRORS``).

Duplicates: rule 015 keys on (kontoklasse, funksjon, art), and a year has only some thousands of valid
combinations; files larger than that reuse combinations, which the official program reports as 015 warnings
(one entry per combination, not per record). Below that size files contain no duplicates.
"""

from __future__ import annotations

import numpy as np

from kostra.controls.filecheck.accounts_codes import (
    FYLKE_FORMS,
    KONTOKLASSER,
    REGIONAL_FORMS,
    code_list,
    lists_for,
)
from kostra.controls.filecheck.model import CheckArguments
from kostra.errors import UsageError

__all__ = ["ERRORS", "FORMS", "generate"]

ERRORS: dict[str, str] = {
    "invalid_function": "Kontroll 010 : Funksjon",
    "invalid_art": "Kontroll 012 : Art",
    "invalid_sector": "Kontroll 013 : Sektor",
    "duplicate": "Kontroll 015 : Dubletter",
    "drift_imbalance": "Kontroll 110 : Summeringskontroller driftsregnskapet, differanse i driftsregnskapet",
    "wrong_region": "Kontroll 006 : Region",
    "thousand_error": "Kontroll 110 : Summeringskontroller driftsregnskapet, differanse i driftsregnskapet",
}
_BEVILGNING = ("0A", "0C", "0M", "0P")
_BALANCE = ("0B", "0D", "0N", "0Q")
FORMS: frozenset[str] = frozenset(
    _BEVILGNING + _BALANCE + tuple(f"{f}K{q}" for f in ("0A", "0B", "0C", "0D") for q in "1234")
)
# Arts with no combination rule attached (rules 025–081), split by kind and account.
_DRIFT_UTG = "010 020 030 040 050 070 075 080 089 090 099 100 105 110 114 115 120 130 140 150 160 165 170 180 " \
    "181 182 183 184 185 190 195 200 209 210 220 230 240 250 260 270 300 330 350 370 400 429 430 450 470 500 " \
    "501 510 540 550"
_DRIFT_INN = "600 620 630 640 650 700 710 730 750 770 810 830 890"
_INV_UTG = "010 020 030 040 050 089 090 099 100 105 115 120 130 140 150 160 165 170 180 181 182 183 184 185 " \
    "190 195 200 209 210 220 230 250 260 270 280 300 330 350 370 400 429 430 450 470 500 501 510 512 521 522 " \
    "529 540 550"
_INV_INN = "660 670 700 710 730 750 770 810 830 850 890 911 912 921 922 929"
_NOT_SERVICE = {"290", "465", "100", "110", "121", "170", "171", "400", "410", "421", "470", "471"}
_KAPITTEL_AKTIVA = "10 11 12 13 14 15 16 18 19 20 21 22 23 24 27 28 29"
_KAPITTEL_PASSIVA = "31 32 33 34 35 39 40 47 51 53 55"


def _services(args: CheckArguments) -> list[str]:
    codes = lists_for(args).funksjon
    return sorted(c for c in codes if c.isdigit() and 100 <= int(c) <= 799 and c not in _NOT_SERVICE)


def _valid_arts(args: CheckArguments, arts: str) -> list[str]:
    valid = lists_for(args).art
    return [a for a in arts.split() if a in valid]


def _combos(rng: np.random.Generator, functions: list[str], arts: list[str], n: int) -> list[tuple[str, str]]:
    """``n`` (funksjon, art) pairs, distinct as long as there are enough combinations."""
    total = len(functions) * len(arts)
    picks = rng.permutation(total) if n <= total else rng.integers(0, total, n)
    return [(functions[i // len(arts)], arts[i % len(arts)]) for i in picks[:n].tolist()]


def _amounts(rng: np.random.Generator, n: int, median: float) -> list[int]:
    return np.maximum(1, np.rint(rng.lognormal(np.log(max(median, 1.0)), 1.0, n))).astype(np.int64).tolist()


Rows = list[tuple[str, str, str, int]]


def _bevilgning(args: CheckArguments, n: int, rng: np.random.Generator, scale: float) -> Rows:
    drift_kk, inv_kk = KONTOKLASSER[args.form]
    services = _services(args)
    body = max(n - 8, 4)
    n_inv = max(body // 10, 2)
    n_drift = body - n_inv
    median = scale * 1_000_000 / max(n, 100)
    rows: list[tuple[str, str, str, int]] = []
    for kk, count, utg, inn, income_share in ((drift_kk, n_drift, _DRIFT_UTG, _DRIFT_INN, 0.35),
                                              (inv_kk, n_inv, _INV_UTG, _INV_INN, 0.3)):
        n_inn = max(count // 4, 1)
        for (f, a), amt in zip(_combos(rng, services, _valid_arts(args, utg), count - n_inn),
                               _amounts(rng, count - n_inn, median), strict=True):
            rows.append((kk, f, a, amt))
        spend = sum(r[3] for r in rows if r[0] == kk)
        share = _amounts(rng, n_inn, median)
        factor = income_share * spend / max(sum(share), 1)
        for (f, a), amt in zip(_combos(rng, services, _valid_arts(args, inn), n_inn), share, strict=True):
            rows.append((kk, f, a, -max(1, round(amt * factor))))
    return rows + _closing(args, rows, services, median, rng)


def _closing(args: CheckArguments, rows: list[tuple[str, str, str, int]], services: list[str], median: float,
             rng: np.random.Generator) -> list[tuple[str, str, str, int]]:
    drift_kk, inv_kk = KONTOKLASSER[args.form]
    depreciation = max(1, round(median * 3))
    transfer = max(1, round(median * 2))
    f_dep = services[int(rng.integers(len(services)))]
    extra = [(drift_kk, f_dep, "590", depreciation), (drift_kk, "860", "990", -depreciation),
             (drift_kk, "880", "570", transfer), (inv_kk, "880", "970", -transfer)]
    drift = sum(r[3] for r in rows + extra if r[0] == drift_kk)
    grant = -(drift // 2)
    extra += [(drift_kk, "840", "800", grant), (drift_kk, "800", "870", -(drift + grant))]
    inv = sum(r[3] for r in rows + extra if r[0] == inv_kk)
    extra.append((inv_kk, "870", "910", -inv))
    return extra


def _balance(args: CheckArguments, n: int, rng: np.random.Generator, scale: float) -> list[tuple[str, str, str, int]]:
    kk = KONTOKLASSER[args.form][0]
    sectors = sorted(code_list("sektor", "kommune", args.year))
    median = scale * 2_000_000 / max(n, 100)
    n_akt = max((n - 1) // 2, 1)
    rows = [(kk, k, s, amt) for (k, s), amt in zip(_combos(rng, _KAPITTEL_AKTIVA.split(), sectors, n_akt),
                                                   _amounts(rng, n_akt, median), strict=True)]
    n_pas = max(n - 1 - n_akt, 1)
    rows += [(kk, k, s, -amt) for (k, s), amt in zip(_combos(rng, _KAPITTEL_PASSIVA.split(), sectors, n_pas),
                                                     _amounts(rng, n_pas, median * 0.8), strict=True)]
    rows.append((kk, "56", "900", -sum(r[3] for r in rows)))
    return rows


def _inject(rows: list[tuple[str, str, str, int]], errors: tuple[str, ...], balance: bool,
            rng: np.random.Generator) -> list[tuple[str, str, str, int]]:
    """Apply the named errors to body records (never to the closing records at the end)."""
    rows = list(rows)
    body = max(len(rows) - 8, 1)
    for name in errors:
        i = int(rng.integers(body))
        kk, f, a, amt = rows[i]
        if name == "invalid_function" and not balance:
            rows[i] = (kk, "999", a, amt)
        elif name == "invalid_art" and not balance:
            rows[i] = (kk, f, "011" if int(a) < 600 else "699", amt)
        elif name == "invalid_sector" and balance:
            rows[i] = (kk, f, "999", amt)
        elif name == "duplicate":
            half = amt // 2 or amt
            rows[i] = (kk, f, a, half)
            rows.insert(i + 1, (kk, f, a, amt - half))
        elif name == "drift_imbalance" and not balance:
            j = next(k for k, r in enumerate(rows) if r[0] == KONTOKLASSER_DRIFT.get(kk, kk) and r[3] > 0)
            rows[j] = (rows[j][0], rows[j][1], rows[j][2], rows[j][3] + 1000)
        elif name == "thousand_error" and not balance:
            j = min(range(body), key=lambda k: abs(rows[k][3]) if rows[k][0] in "13" else 1 << 60)
            rows[j] = (rows[j][0], rows[j][1], rows[j][2], rows[j][3] * 1000)
        elif name != "wrong_region":
            raise UsageError(f"cannot inject error {name!r} into this form: expected one of {', '.join(ERRORS)}")
    return rows


KONTOKLASSER_DRIFT = {"0": "1", "4": "3"}


def generate(form: str, year: int, region: str, n: int, seed: int, errors: tuple[str, ...] | list[str] = (),
             *, scale: float = 1.0, orgnr: str = "") -> bytes:
    """An accounts file of about ``n`` records for ``form``/``year``/``region`` that passes the controls.

    ``scale`` sizes the amounts (≈ population / 10 000); ``errors`` names faults from ``ERRORS`` to inject.
    """
    if form not in FORMS:
        raise UsageError(f"cannot generate accounts form {form!r}: expected one of {', '.join(sorted(FORMS))}")
    unknown = [e for e in errors if e not in ERRORS]
    if unknown:
        raise UsageError(f"unknown accounts error {unknown[0]!r}: expected one of {', '.join(ERRORS)}")
    if n < 1 or scale <= 0:
        raise UsageError(f"n must be ≥ 1 and scale > 0, got n={n!r}, scale={scale!r}")
    quarter = form[3] if len(form) == 4 else " "
    args = CheckArguments(form=form, year=year, region=region, orgnrs=(orgnr,) if orgnr else (), quarter=quarter)
    rng = np.random.default_rng(seed)
    balance = form[:2] in _BALANCE
    rows = _balance(args, n, rng, scale) if balance else _bevilgning(args, n, rng, scale)
    if not balance and form[:2] not in REGIONAL_FORMS and form[:2] not in ("0A", "0C"):
        raise UsageError(f"cannot generate accounts form {form!r}")  # pragma: no cover - guarded by FORMS
    rows = _inject(rows, tuple(errors), balance, rng)
    head = f"{form[:2]}{year:4d}{quarter}"
    regions = [region] * len(rows)
    if "wrong_region" in errors:
        regions[int(rng.integers(len(rows)))] = "999900" if region != "999900" else "888800"
    lines = [f"{head}{reg}{orgnr:9}{'':9}{kk}{f:<4}{a:<3}{amt:>9d}"
             for reg, (kk, f, a, amt) in zip(regions, rows, strict=True)]
    return ("\n".join(lines) + "\n").encode("latin-1")


def is_county(form: str) -> bool:
    """Whether ``form`` is a county (fylkeskommune) form, whose region is ``xx0000``."""
    return form[:2] in {f[:2] for f in FYLKE_FORMS} or form[:2] in ("0C", "0D")
