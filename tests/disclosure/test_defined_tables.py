"""Tables from definitions: the year's region hierarchy, code lists with totals, rules from YAML."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from kostra.catalog.tables import load_table_file, load_tables
from kostra.disclosure.audit import audit
from kostra.disclosure.defined import suppress_defined
from kostra.disclosure.inputs import TableInputError
from kostra.errors import DefinitionError
from kostra.reference.regions import members, regions


def _frequency_data(year: int, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    units = [r.code for r in regions(year, "kommune") if r.code != "0301"] + [r.code for r in regions(year, "bydel")]
    rows = [(u, s, str(int(rng.poisson(rng.choice([2.5, 20, 80, 300]))))) for u in units
            for s in ("HJS", "PRB", "KOR", "LAN", "DAG")]
    return pl.DataFrame(rows, schema=["region", "tjeneste", "antall"], orient="row")


def test_every_table_definition_of_every_year_loads() -> None:
    tables = load_tables(2025)
    assert set(tables) == {"helse_omsorg_brukere", "helse_omsorg_utgifter",  # the method examples
                           "skjema1_legetimer", "skjema5_plasser", "skjema5_plasser_varighet"}  # published tables
    assert tables["helse_omsorg_utgifter"].model.contributor == "orgnr"


def test_frequency_table_over_the_region_hierarchy() -> None:
    table = load_tables(2025)["helse_omsorg_brukere"]
    data = _frequency_data(2025)
    result = suppress_defined(table, data, year=2025)
    cells = result.cells
    regions_out = cells["region"].unique().to_list()
    # districts, municipalities (Oslo as the sum of its districts), counties, KOSTRA groups and the country
    assert {"030101", "0301", "EKA03", "EKA11", "EKG01", "EAK"} <= set(regions_out)
    assert cells["tjeneste"].unique().sort().to_list() == ["DAG", "HJS", "INS", "KOR", "LAN", "PRB", "Total"]
    # hand check of one sum: Oslo's home nursing is the sum of its districts'
    districts = data.filter(pl.col("region").str.starts_with("0301") & (pl.col("tjeneste") == "HJS"))
    oslo = cells.filter((pl.col("region") == "0301") & (pl.col("tjeneste") == "HJS"))["antall"].item()
    assert oslo == districts["antall"].cast(pl.Int64).sum()
    county = cells.filter((pl.col("region") == "EKA11") & (pl.col("tjeneste") == "Total"))["antall"].item()
    in_county = data.filter(pl.col("region").is_in(members(2025, "EKA11")))["antall"].cast(pl.Int64).sum()
    assert county == in_county
    # every count 0…3 is primary (protectZeros), nothing else is
    assert (cells.filter(pl.col("antall") <= 3)["primary"]).all()
    assert not cells.filter(pl.col("antall") > 3)["primary"].any()
    assert audit(result).passed


def test_data_code_outside_the_code_list() -> None:
    table = load_tables(2025)["helse_omsorg_brukere"]
    data = pl.DataFrame({"region": ["1103"], "tjeneste": ["XYZ"], "antall": ["4"]})
    with pytest.raises(TableInputError, match=r"column tjeneste: code 'XYZ'"):
        suppress_defined(table, data, year=2025)


def test_sum_code_in_the_data_is_refused() -> None:
    table = load_tables(2025)["helse_omsorg_brukere"]
    data = pl.DataFrame({"region": ["1103"], "tjeneste": ["INS"], "antall": ["4"]})
    with pytest.raises(TableInputError, match=r"'INS' is a sum"):
        suppress_defined(table, data, year=2025)


def test_magnitude_table_with_contributors() -> None:
    table = load_tables(2025)["helse_omsorg_utgifter"]
    data = pl.DataFrame({"region": ["1101", "1101", "1103", "1103", "1103"], "tjeneste": ["BHG"] * 5,
                         "orgnr": ["A", "A", "B", "C", "D"], "utgift": ["50", "30", "20", "20", "25"]})
    result = suppress_defined(table, data, year=2025)
    cells = result.cells
    # 1101 BHG: one institution holds everything → primary; 1103 BHG: the largest holds 25/65 < 65 %
    assert cells.filter((pl.col("region") == "1101") & (pl.col("tjeneste") == "BHG"))["primary"].item()
    assert not cells.filter((pl.col("region") == "1103") & (pl.col("tjeneste") == "BHG"))["primary"].item()


def test_definition_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("kind: table\nversion: 1\ntable:\n  name: x\n  label: {nb: a, en: b}\n"
                    "  description: {nb: a, en: b}\n  dimensions:\n    - name: d\n      label: {nb: a, en: b}\n"
                    "      codes:\n        - {code: A, label: {nb: a, en: a}, parent: Q}\n"
                    "  measure: {kind: frequency}\n  rules: {fun: SuppressSmallCounts, maxN: 3}\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"bad.yaml, line 4.*parent 'Q'"):
        load_table_file(path)
    path.write_text("kind: table\nversion: 1\ntable:\n  name: x\n  colour: red\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"bad.yaml, line 4"):
        load_table_file(path)
