"""Key figures through KOSTRA_HOME/cache: the same numbers as without it, and never a stale one.

Inputs as in test_hand_cases.py (3401: 0A F120 art 010 500, art 600 −200; form 5 enerom 27 + 10 of
rom 30 + 10). After a first run fills the cache, 3401 submits a new 0A (art 010 900 → brutto 900) and
974600951 a new form 5 (enerom 20 → (20 + 10) / 40 = 75.0 %): the next run must count both.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from kostra.keyfigures import compute
from kostra.reference import population
from tests.keyfigures.inputs import STAND_IN, YEAR, attach, f0a, half_up, store_inputs, submit

FIGURES = ["andel_enerom", "brutto_driftsutgifter_per_innbygger", "netto_administrasjon_per_innbygger"]


def _values(session: Session, cache: Path | None) -> dict[str, object]:
    result = compute(session, YEAR, figures=FIGURES, regions=["3401", "3405"], population_stand_in=True,
                     cache_dir=cache)
    return {f: result.value(f, "3401")["value"] for f in FIGURES} | \
        {"3405 brutto": result.value("brutto_driftsutgifter_per_innbygger", "3405")["symbol"]}


def test_cached_figures_are_the_computed_ones_and_follow_new_submissions(session: Session, tmp_path: Path) -> None:
    stored, cache = store_inputs(session), tmp_path / "cache"
    inhabitants = population(STAND_IN, "3401")
    before = {"andel_enerom": 92.5, "brutto_driftsutgifter_per_innbygger": half_up(500_000, inhabitants, 1, 0),
              "netto_administrasjon_per_innbygger": half_up(300_000, inhabitants, 1, 0), "3405 brutto": ".."}
    assert _values(stored, None) == before
    assert _values(stored, cache) == before                      # computed, then stored
    assert len(list(cache.glob("keyfigures-accounts-2025-*.parquet"))) == 1
    assert _values(stored, cache) == before                      # read back
    attach(stored, "0A", "3401", [f0a("3401", "120", "010", 900), f0a("3401", "120", "600", -200)])
    submit(stored, "5", "974600951", {"enerom": 20, "rom_i_alt": 30}, version=2)
    stored.commit()
    after = {"andel_enerom": 75.0, "brutto_driftsutgifter_per_innbygger": half_up(900_000, inhabitants, 1, 0),
             "netto_administrasjon_per_innbygger": half_up(700_000, inhabitants, 1, 0), "3405 brutto": ".."}
    assert _values(stored, cache) == after
    assert len(list(cache.glob("keyfigures-accounts-2025-*.parquet"))) == 1  # the old key is gone


def test_a_broken_cache_file_is_computed_again(session: Session, tmp_path: Path) -> None:
    stored, cache = store_inputs(session), tmp_path / "cache"
    first = _values(stored, cache)
    [path] = cache.glob("keyfigures-accounts-2025-*.parquet")
    path.write_bytes(b"not parquet")  # a crash while writing
    assert _values(stored, cache) == first
