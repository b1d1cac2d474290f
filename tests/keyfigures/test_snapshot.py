"""Key figures from a frozen snapshot stay as they were when later submissions change the live data.

Inputs as in test_hand_cases.py (3401: form 5 enerom 27 + 10 of rom 30 + 10, 0A F120 art 010 500 and
art 600 −200; 11F: district 030101 persons A, B, district 030102 persons B, C). After the freeze, new
versions arrive the same day:
  form 5   974600951 v2: enerom 15, rom_i_alt 30    → live (15 + 10) / (30 + 10) = 62.5 %, snapshot 92.5 %
  0A       3401 v2: art 010 800, art 600 −200       → live brutto 800, netto 600; snapshot 500 and 300
  11F      030101 v2: persons A, B, D               → live 030101 3, Oslo 4 (A, B, C, D); snapshot 2 and 3
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from kostra.dataset import freeze
from kostra.keyfigures import compute, compute_snapshot, snapshot_cutoff
from kostra.reference import population
from tests.keyfigures.inputs import STAND_IN, YEAR, attach, f0a, f11, half_up, store_inputs, submit

FIGURES = ["andel_enerom", "brutto_driftsutgifter_per_innbygger", "netto_administrasjon_per_innbygger",
           "sosialhjelpsmottakere"]
REGIONS = ["3401", "030101", "0301"]  # Oslo without 030102 asked for: its districts are read all the same


def _figures(result) -> dict[tuple[str, str], object]:
    return {(r["figure"], r["region"]): r["value"] for r in result.frame.to_dicts()}


def _expected(enerom: int, brutto: int, netto: int, district: int, oslo: int) -> dict[tuple[str, str], object]:
    inhabitants = population(STAND_IN, "3401")
    return {("andel_enerom", "3401"): half_up(enerom + 10, 30 + 10, 100, 1),
            ("brutto_driftsutgifter_per_innbygger", "3401"): half_up(brutto * 1000, inhabitants, 1, 0),
            ("netto_administrasjon_per_innbygger", "3401"): half_up(netto * 1000, inhabitants, 1, 0),
            ("sosialhjelpsmottakere", "030101"): district, ("sosialhjelpsmottakere", "0301"): oslo}


def test_a_snapshot_result_ignores_later_submissions_the_live_one_counts_them(session: Session,
                                                                               tmp_path: Path) -> None:
    stored = store_inputs(session)
    frozen = freeze(stored, tmp_path, YEAR, "preliminary", by="test")
    stored.commit()
    later = snapshot_cutoff(frozen) + timedelta(seconds=1)  # the same day, after the freeze
    newer = [submit(stored, "5", "974600951", {"enerom": 15, "rom_i_alt": 30}, version=2),
             attach(stored, "0A", "3401", [f0a("3401", "120", "010", 800), f0a("3401", "120", "600", -200)]),
             attach(stored, "11", "030101", [f11("030101", "01010150000", "01 02", 1000),
                                             f11("030101", "02020250000", "03", 500),
                                             f11("030101", "04040450000", "06", 200)])]
    for submission in newer:
        submission.created_at = later
    stored.commit()
    options = {"figures": FIGURES, "regions": REGIONS, "population_stand_in": True}
    wanted, was = _expected(15, 800, 600, 3, 4), _expected(27, 500, 300, 2, 3)
    live = _figures(compute(stored, YEAR, **options))
    assert {k: live[k] for k in wanted} == wanted
    from_snapshot = _figures(compute_snapshot(stored, tmp_path, YEAR, "preliminary", **options))
    assert {k: from_snapshot[k] for k in was} == was


def test_the_values_alone_without_a_cutoff_still_count_the_later_files(session: Session, tmp_path: Path) -> None:
    # The snapshot's frame holds the forms; the files are read from the database unless ``as_of`` limits them.
    from kostra.dataset import read_snapshot

    stored = store_inputs(session)
    frozen = freeze(stored, tmp_path, YEAR, "preliminary", by="test")
    stored.commit()
    attach(stored, "0A", "3401", [f0a("3401", "120", "010", 800)]).created_at = \
        snapshot_cutoff(frozen) + timedelta(seconds=1)
    stored.commit()
    values = read_snapshot(stored, tmp_path, YEAR, "preliminary")
    figure, inhabitants = "brutto_driftsutgifter_per_innbygger", population(STAND_IN, "3401")
    unlimited = compute(stored, YEAR, figures=[figure], regions=["3401"], population_stand_in=True, values=values)
    assert unlimited.value(figure, "3401")["value"] == half_up(800 * 1000, inhabitants, 1, 0)
    limited = compute(stored, YEAR, figures=[figure], regions=["3401"], population_stand_in=True, values=values,
                      as_of=snapshot_cutoff(frozen))
    assert limited.value(figure, "3401")["value"] == half_up(500 * 1000, inhabitants, 1, 0)

