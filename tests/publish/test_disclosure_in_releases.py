"""Disclosure control in a release: dominance per institution, linked tables consistent on their shared
cells, the LP audit stored, and refusals (a linked table without rules)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.catalog.tables import DEFINITIONS_ROOT, load_tables
from kostra.dataset import year_values
from kostra.disclosure.audit import audit
from kostra.disclosure.defined import suppress_defined
from kostra.publish import ReleaseRefused, make_release, release_table, release_tables
from kostra.settings import Settings
from kostra.store.models import Unit


@pytest.fixture(scope="module")
def release_id(demo: Settings) -> int:
    from sqlalchemy import create_engine

    with Session(create_engine(demo.effective_database_url)) as session:
        made = make_release(session, demo.home, 2025, "preliminary", actor="statistiker")
        session.commit()
        return made.id


def test_a_municipality_with_one_institution_is_suppressed(session: Session, demo: Settings, release_id: int) -> None:
    municipality = dict(session.execute(select(Unit.code, Unit.municipality_code)).all())
    values = year_values(session, 2025, forms=["5"]).filter((pl.col("field_id") == "4.1")
                                                             & (pl.col("value_number") > 0))
    per_municipality = values.with_columns(pl.col("unit_code").replace_strict(municipality).alias("m")) \
        .group_by("m").agg(pl.col("unit_code").n_unique().alias("institutions"))
    single = per_municipality.filter(pl.col("institutions") == 1)["m"].to_list()
    assert single, "the demo has municipalities with a single institution"
    table = release_table(session, demo.home, release_id, "skjema5_plasser")
    cells = table.frame.filter(pl.col("region").is_in(single) & (pl.col("statistikkvariabel") == "4.1"))
    assert set(cells["symbol"]) == {":"} and cells["value"].null_count() == cells.height


def test_linked_tables_suppress_their_shared_cells_alike(session: Session, demo: Settings, release_id: int) -> None:
    first = release_table(session, demo.home, release_id, "skjema5_plasser")
    second = release_table(session, demo.home, release_id, "skjema5_plasser_varighet")

    def hidden(table) -> set[str]:  # type: ignore[no-untyped-def]
        cells = table.frame.filter((pl.col("statistikkvariabel") == "4.3") & (pl.col("symbol") == ":"))
        return set(cells["region"])

    assert hidden(first) and hidden(first) == hidden(second)
    audits = {r.table_id: json.loads(r.audit_json) for r in release_tables(session, release_id)}
    assert audits["skjema5_plasser"]["passed"] is True and audits["skjema5_plasser_varighet"]["passed"] is True
    assert audits["skjema1_legetimer"] == {"rules": None}
    # audited as one system of equations with the table it shares field 4.3 with
    assert audits["skjema5_plasser"]["audited_with"] == ["skjema5_plasser_varighet"]
    assert audits["skjema5_plasser_varighet"]["audited_with"] == ["skjema5_plasser"]


def test_a_forced_cell_is_suppressed_and_protected() -> None:
    table = load_tables(2025)["helse_omsorg_brukere"]
    data = pl.DataFrame({"region": ["3401", "3403", "3405", "3407"], "tjeneste": ["HJS"] * 4,
                         "antall": [40, 50, 60, 70]})
    free = suppress_defined(table, data, year=2025)
    forced = suppress_defined(table, data, year=2025, forced=[("3401", "HJS")])
    key = (pl.col("region") == "3401") & (pl.col("tjeneste") == "HJS")
    assert not free.cells.filter(key)["suppressed"][0]
    assert forced.cells.filter(key)["suppressed"][0] and forced.cells.filter(key)["primary"][0]
    # a lone suppressed cell would follow from its county: at least one more is suppressed, and the LP finds
    # an interval for the forced cell (the zero cells of regions without data are another matter)
    assert forced.cells.filter(pl.col("antall") > 0)["suppressed"].sum() >= 2
    at = forced.cells.with_row_index().filter(key)["index"][0]
    interval = next(i for i in audit(forced).intervals if i.cell == at)
    assert interval.value == 40 and not interval.exact


def test_a_linked_table_without_rules_refuses_the_release(session: Session, demo: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "2025" / "tables"
    folder.mkdir(parents=True)
    shutil.copy(DEFINITIONS_ROOT / "2025" / "tables" / "skjema5_plasser.yaml", folder)
    text = (DEFINITIONS_ROOT / "2025" / "tables" / "skjema5_plasser_varighet.yaml").read_text(encoding="utf-8")
    unruled = text.replace("  rules: {fun: SuppressDominantCells, n: [1, 2], k: [80, 95]}\n", "")
    assert unruled != text
    (folder / "skjema5_plasser_varighet.yaml").write_text(unruled, encoding="utf-8")
    with pytest.raises(ReleaseRefused, match="skjema5_plasser_varighet names no disclosure rules but shows"):
        make_release(session, demo.home, 2025, "final", actor="statistiker", tables_root=tmp_path)
