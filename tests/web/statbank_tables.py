"""A small published table for the statbank tests, written out by hand (the expected values are these).

Key figure table "KS001": Region (Kongsvinger 3401, Lillehammer 3405, KOSTRA group 7, Innlandet 34,
the country EAK, and the Oslo district Grünerløkka 030102 with all districts EAB and Oslo 0301) × the key
figure (two) × year (2022–2025), from the preliminary release of 2025. Kongsvinger's 2025 share of
children in kindergarten is suppressed (``:``), Lillehammer's 2022 figures are missing (``..``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from tests.factories import TEST_BASE_URL

from kostra.settings import Settings
from kostra.store import upgrade
from kostra.web.app import create_app
from kostra.web.statbank_source import Cell, Dimension, MemorySource, ReleaseInfo, StatTable, Value

RELEASE = ReleaseInfo(release_id="2025-preliminary-1", year=2025, kind="preliminary",
                      published_at="2026-03-15T08:00:00+01:00")
REGIONS = {"3401": "Kongsvinger", "3405": "Lillehammer", "EKG07": "KOSTRA-gruppe 7", "34": "Innlandet",
           "EAK": "Landet", "030102": "Bydel Grünerløkka", "EAB": "Oslo bydeler i alt", "0301": "Oslo"}
YEARS = ("2022", "2023", "2024", "2025")
FIGURES = {"BHG": ({"nb": "Andel barn 1–5 år med barnehageplass", "en": "Share of children 1–5 in kindergarten"}),
           "NDU": ({"nb": "Netto driftsutgifter per innbygger", "en": "Net operating expenditure per inhabitant"})}
# (region, figure) -> values 2022..2025 (None: see SYMBOL)
VALUES: dict[tuple[str, str], tuple[float | None, ...]] = {
    ("3401", "BHG"): (91.5, 92.0, 92.4, None), ("3401", "NDU"): (80100, 83250, 86900, 90200),
    ("3405", "BHG"): (None, 93.1, 93.0, 94.2), ("3405", "NDU"): (None, 79900, 82000, 85500),
    ("EKG07", "BHG"): (90.2, 90.8, 91.1, 91.9), ("EKG07", "NDU"): (81000, 84000, 87100, 90800),
    ("34", "BHG"): (90.9, 91.4, 91.7, 92.3), ("34", "NDU"): (82500, 85600, 88400, 92100),
    ("EAK", "BHG"): (92.8, 93.0, 93.2, 93.5), ("EAK", "NDU"): (78000, 81300, 84500, 88000),
    ("030102", "BHG"): (95.0, 95.5, 96.0, 96.2), ("030102", "NDU"): (30100, 31200, 32500, 33900),
    ("EAB", "BHG"): (94.0, 94.1, 94.5, 94.8), ("EAB", "NDU"): (33000, 34000, 35100, 36300),
    ("0301", "BHG"): (93.9, 94.0, 94.4, 94.7), ("0301", "NDU"): (90500, 93900, 97000, 99900),
}
SYMBOL = {("3401", "BHG", "2025"): ":", ("3405", "BHG", "2022"): "..", ("3405", "NDU", "2022"): ".."}


def key_figure_table() -> StatTable:
    cells: dict[tuple[str, ...], Cell] = {}
    for (code, figure), values in VALUES.items():
        for year, value in zip(YEARS, values, strict=True):
            cells[(code, figure, year)] = Cell(value, SYMBOL.get((code, figure, year)))
    return StatTable(
        id="KS001",
        title={"nb": "Nøkkeltall for barnehager og økonomi", "en": "Key figures for kindergartens and economy"},
        dimensions=(
            Dimension("Region", {"nb": "Region", "en": "Region"},
                      tuple(Value(c, {"nb": n, "en": n}) for c, n in REGIONS.items()), "geo"),
            Dimension("ContentsCode", {"nb": "Statistikkvariabel", "en": "Contents"},
                      tuple(Value(c, label) for c, label in FIGURES.items()), "metric"),
            Dimension("Tid", {"nb": "År", "en": "Year"}, tuple(Value(y, {"nb": y, "en": y}) for y in YEARS), "time"),
        ),
        cells=cells, release=RELEASE, unit={"nb": "prosent / kroner", "en": "per cent / NOK"}, decimals=1,
    )


def statbank_source() -> MemorySource:
    return MemorySource([key_figure_table()])


@contextmanager
def statbank_client(home: Path) -> Iterator[TestClient]:
    """The app on a new SQLite database under ``home``, serving this module's table as its statbank."""
    url = f"sqlite:///{home / 'k.sqlite3'}"
    upgrade(url)
    app = create_app(Settings(home=home, database_url=url, base_url=TEST_BASE_URL))
    app.state.statbank = statbank_source()
    with TestClient(app) as test_client:
        yield test_client
