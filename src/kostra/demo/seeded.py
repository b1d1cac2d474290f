"""The ledger of errors seeded into the demo year, and the functions that seed them.

Each entry says what was planted where: ``{kind, form, unit, field, value, expected, stored, note}``.
The ledger is written to ``<KOSTRA_HOME>/seeded-errors-<year>.json`` so later features (controls,
the statistician's work list) can be measured against what is known to be wrong.

Every seeded error is chosen to raise at most WARNING-level problems, so the forms are still
submitted (with warnings confirmed) and the error sits in the stored data, as with real reporters.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = [
    "KINDS",
    "SeededError",
    "count_by_kind",
    "ledger_path",
    "seed_errors",
    "seeded_errors",
    "write_ledger",
]

KINDS = ("thousand_error", "implausible_change", "inconsistent_forms", "register_contradiction",
         "missing_form", "late_submission")
# Share of eligible units that get each kind of error (at least one each when any unit is eligible).
_SHARE = 0.02
_CHANGES = (("5", "plasser_i_alt", 0), ("7", "okonomisk_radgivning_aarsverk", 2), ("1", "legetimer_f253", 1))
_THOUSANDS_MAX = 100_000  # hard limit of PSYK brukermedvirkning_1000kr
Answers = dict[str, object]
# (unit code, form id) -> the answers about to be submitted
Batch = dict[tuple[str, str], Answers]


@dataclass(frozen=True)
class SeededError:
    """One planted error; ``stored`` says where it ended up: submission, draft or none (missing form)."""

    kind: str
    form: str
    unit: str
    field: str | None
    value: object
    expected: object
    stored: str = "submission"
    note: str = ""
    register: dict[str, object] = field(default_factory=dict)


def ledger_path(home: Path, year: int) -> Path:
    """Where the ledger of ``year`` lives in KOSTRA_HOME."""
    return Path(home) / f"seeded-errors-{year}.json"


def write_ledger(home: Path, year: int, entries: Iterable[SeededError]) -> Path:
    """Write the ledger as JSON (a list of entries, ordered by kind, form, unit) and return its path."""
    rows = sorted((asdict(e) for e in entries), key=lambda r: (r["kind"], r["form"], r["unit"], r["field"] or ""))
    path = ledger_path(home, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    return path


def seeded_errors(home: Path, year: int) -> list[dict[str, object]]:
    """The ledger of ``year`` from KOSTRA_HOME; an empty list when no demo was built for that year."""
    path = ledger_path(home, year)
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")))


def count_by_kind(entries: Iterable[Mapping[str, object] | SeededError]) -> dict[str, int]:
    """How many errors of each kind were seeded (every kind listed, zero when none)."""
    counts = Counter(e.kind if isinstance(e, SeededError) else str(e["kind"]) for e in entries)
    return {kind: counts.get(kind, 0) for kind in KINDS}


def _pick(rng: random.Random, candidates: list[str], total: int) -> list[str]:
    if not candidates:
        return []
    return rng.sample(sorted(candidates), min(len(candidates), max(1, round(total * _SHARE))))


def _thousands(rng: random.Random, batch: Batch, total: int) -> list[SeededError]:
    key = "brukermedvirkning_1000kr"
    fits = [u for (u, f), v in batch.items() if f == "PSYK" and 0 < int(v.get(key, 0)) * 1000 <= _THOUSANDS_MAX]  # type: ignore[call-overload]
    found = []
    for unit in _pick(rng, fits, total):
        values = batch[(unit, "PSYK")]
        right = values[key]
        values[key] = int(right) * 1000  # type: ignore[call-overload]
        found.append(SeededError("thousand_error", "PSYK", unit, key, values[key], right,
                                 note="reported in NOK instead of 1000 NOK"))
    return found


def _changes(rng: random.Random, batch: Batch, total: int) -> list[SeededError]:
    found = []
    for form, key, places in _CHANGES:
        eligible = [u for (u, f), v in batch.items() if f == form and key in v]
        for unit in _pick(rng, eligible, total):
            values = batch[(unit, form)]
            right = values[key]
            values[key] = round(float(right) * 3, places) if places else int(right) * 3  # type: ignore[arg-type, call-overload]
            found.append(SeededError("implausible_change", form, unit, key, values[key], right,
                                     note="three times the right value, far from last year's"))
    return found


def _inconsistent(rng: random.Random, batch: Batch, total: int) -> list[SeededError]:
    residents = {u: int(v["beboere_heldogn_i_alt"]) for (u, f), v in batch.items()  # type: ignore[call-overload]
                 if f == "4" and int(v.get("beboere_heldogn_i_alt", 0)) >= 20 and (u, "13") in batch}  # type: ignore[call-overload]
    found = []
    for unit in _pick(rng, list(residents), total):
        values = batch[(unit, "13")]
        right, needed = values["omsorgsboliger"], (residents[unit] - 10) / 2
        values["omsorgsboliger"] = max(0, (residents[unit] - 10) // 2 - 1 - rng.randint(0, 5))
        note = (f"form 4 beboere_heldogn_i_alt = {residents[unit]} needs at least {needed:g} care dwellings "
                "(rule x_beboere_heldogn_mot_omsorgsboliger)")
        found.append(SeededError("inconsistent_forms", "13", unit, "omsorgsboliger", values["omsorgsboliger"],
                                 right, note=note))
    return found


def _register(rng: random.Random, batch: Batch, total: int) -> list[SeededError]:
    eligible = [u for (u, f), v in batch.items() if f == "1" and v.get("jordmor_ansatt") is True]
    found = []
    for unit in _pick(rng, eligible, total):
        values = batch[(unit, "1")]
        ftes = values.pop("jordmor_aarsverk", None)
        values["jordmor_ansatt"] = False
        found.append(SeededError("register_contradiction", "1", unit, "jordmor_ansatt", False, True,
                                 note="the register of health personnel has midwife FTEs in the unit",
                                 register={"jordmor_aarsverk": ftes}))
    return found


def seed_errors(rng: random.Random, batch: Batch) -> list[SeededError]:
    """Plant thousand errors, implausible changes, inconsistencies between forms and contradictions
    with registers into ``batch`` (changed in place); return the ledger entries."""
    total = len({unit for unit, _ in batch})
    return (_thousands(rng, batch, total) + _changes(rng, batch, total) + _inconsistent(rng, batch, total)
            + _register(rng, batch, total))
