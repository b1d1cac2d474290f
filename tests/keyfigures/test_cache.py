"""Key figures through KOSTRA_HOME/cache: the same numbers as without it, and never a stale one.

Inputs as in test_hand_cases.py (3401: 0A F120 art 010 500, art 600 −200; form 5 enerom 27 + 10 of
rom 30 + 10; 11F of 030101: persons A, B). After a first run fills the cache, 3401 submits a new 0A
(art 010 900 → brutto 900, netto 700), 974600951 a new form 5 (enerom 20 → (20 + 10) / 40 = 75.0 %) and
030101 a new 11F (persons A, B, D → 3): the next run must count all three.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from kostra.keyfigures import compute
from kostra.reference import population
from tests.keyfigures.inputs import STAND_IN, YEAR, attach, f0a, f11, half_up, store_inputs, submit

FIGURES = ["andel_enerom", "brutto_driftsutgifter_per_innbygger", "netto_administrasjon_per_innbygger"]


def _values(session: Session, cache: Path | None) -> dict[str, object]:
    result = compute(session, YEAR, figures=[*FIGURES, "sosialhjelpsmottakere"], regions=["3401", "3405", "030101"],
                     population_stand_in=True, cache_dir=cache)
    return {f: result.value(f, "3401")["value"] for f in FIGURES} | \
        {"3405 brutto": result.value("brutto_driftsutgifter_per_innbygger", "3405")["symbol"],
         "030101 persons": result.value("sosialhjelpsmottakere", "030101")["value"]}


def test_cached_figures_are_the_computed_ones_and_follow_new_submissions(session: Session, tmp_path: Path) -> None:
    stored, cache = store_inputs(session), tmp_path / "cache"
    inhabitants = population(STAND_IN, "3401")
    before = {"andel_enerom": 92.5, "brutto_driftsutgifter_per_innbygger": half_up(500_000, inhabitants, 1, 0),
              "netto_administrasjon_per_innbygger": half_up(300_000, inhabitants, 1, 0), "3405 brutto": "..",
              "030101 persons": 2}
    assert _values(stored, None) == before
    assert _values(stored, cache) == before                      # computed, then stored
    assert len(list(cache.glob("keyfigures-accounts-2025-*.parquet"))) == 1
    assert len(list(cache.glob("keyfigures-11F-2025-*.parquet"))) == 1
    assert _values(stored, cache) == before                      # read back
    attach(stored, "0A", "3401", [f0a("3401", "120", "010", 900), f0a("3401", "120", "600", -200)])
    submit(stored, "5", "974600951", {"enerom": 20, "rom_i_alt": 30}, version=2)
    attach(stored, "11", "030101", [f11("030101", "01010150000", "01", 100), f11("030101", "02020250000", "02", 100),
                                    f11("030101", "04040450000", "03", 100)])
    stored.commit()
    after = {"andel_enerom": 75.0, "brutto_driftsutgifter_per_innbygger": half_up(900_000, inhabitants, 1, 0),
             "netto_administrasjon_per_innbygger": half_up(700_000, inhabitants, 1, 0), "3405 brutto": "..",
             "030101 persons": 3}
    assert _values(stored, cache) == after
    assert len(list(cache.glob("keyfigures-accounts-2025-*.parquet"))) == 1  # the old key is gone


def test_a_broken_cache_file_is_computed_again(session: Session, tmp_path: Path) -> None:
    stored, cache = store_inputs(session), tmp_path / "cache"
    first = _values(stored, cache)
    for path in [*cache.glob("keyfigures-accounts-2025-*.parquet"), *cache.glob("keyfigures-11F-2025-*.parquet")]:
        path.write_bytes(b"not parquet")  # a crash while writing
    assert _values(stored, cache) == first
