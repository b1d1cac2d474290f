"""Only fields whose purpose is "published" appear in a release: the demo's release in every table and format
is searched for every other field, and a table definition showing one is refused with nothing written."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from kostra.catalog.form_models import Purpose
from kostra.catalog.forms import load_catalog
from kostra.catalog.tables import DEFINITIONS_ROOT
from kostra.publish import (
    ReleaseRefused,
    make_release,
    release_table,
    release_tables,
    releases,
    to_csv,
    to_jsonstat,
    to_px,
    to_statbank_files,
    to_xlsx,
)
from kostra.settings import Settings


def _not_published() -> dict[tuple[str, str], str]:
    """(form, field id) → field name of every field not for publication in 2025."""
    return {(form.id, f.id): f.name for form in load_catalog(2025).forms() for f in form.fields()
            if f.purpose is not Purpose.PUBLISHED}


def _codes_in_every_format(table) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """The contents codes each format shows, read from the format itself."""
    shown: dict[str, set[str]] = {}
    data = to_jsonstat(table, "nb")
    shown["json-stat"] = set(data["dimension"]["statistikkvariabel"]["category"]["index"])
    px = to_px(table, "en")
    line = next(x for x in px.split(";\n") if x.startswith('CODES("Contents")'))
    shown["px"] = {c.strip().strip('"') for c in line.split("=", 1)[1].replace("\n", "").split(",")}
    shown["csv"] = {row["statistikkvariabel"] for row in csv.DictReader(io.StringIO(to_csv(table, "nb")))}
    sheet = load_workbook(io.BytesIO(to_xlsx(table, "en")))["data"]
    header = [c.value for c in sheet[2]]
    at = header.index("statistikkvariabel")
    shown["xlsx"] = {row[at] for row in sheet.iter_rows(min_row=3, values_only=True)}
    description = json.loads(to_statbank_files(table)["uttrekksbeskrivelse.json"])
    shown["statbank"] = set(description["codelists"].get(f"{table.id}_statistikkvariabel", {}).get("koder", {}))
    labels = {s["Text"] for v in description["variables"].values() for s in v["statistikkvariabler"]}
    shown["statbank"] |= {c for c in table.dimension("statistikkvariabel").codes
                          if table.dimension("statistikkvariabel").code_label(c, "nb") in labels}
    return shown


def test_no_field_that_is_not_for_publication_appears_in_any_table_or_format(session: Session,
                                                                             demo: Settings) -> None:
    made = make_release(session, demo.home, 2025, "preliminary", actor="statistiker")
    session.commit()
    hidden = _not_published()
    assert ("5", "3.6") in hidden and ("1", "2.2") in hidden  # plasser_i_alt, antall_leger: calculation basis
    tables = release_tables(session, made.id)
    assert len(tables) >= 3
    for row in tables:
        table = release_table(session, demo.home, made.id, row.table_id)
        if "keyfigures" in table.meta:  # key figures (ratios) by name: no field of a form is shown
            figures = set(table.meta["keyfigures"].split(","))
            for fmt, codes in _codes_in_every_format(table).items():
                assert codes == figures and not codes & set(hidden.values()), (row.table_id, fmt)
            continue
        form = table.meta["form"]
        total, *fields = table.dimension("statistikkvariabel").codes
        for fmt, codes in _codes_in_every_format(table).items():
            assert codes - {total} == set(fields), (row.table_id, fmt)
            assert not {(form, c) for c in codes} & set(hidden), (row.table_id, fmt)
        texts = [json.dumps(to_jsonstat(table, "nb"), ensure_ascii=False), to_px(table, "nb"), to_csv(table, "en"),
                 *to_statbank_files(table).values()]
        for name in {n for (f, _), n in hidden.items() if f == form}:
            assert not any(name in text for text in texts), (row.table_id, name)


def test_a_table_showing_a_calculation_basis_field_is_refused_and_nothing_is_published(
        session: Session, demo: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "2025" / "tables"
    folder.mkdir(parents=True)
    source = (DEFINITIONS_ROOT / "2025" / "tables" / "skjema5_plasser.yaml").read_text(encoding="utf-8")
    leaking = source.replace('{code: "4.3", label: {nb: Plasser for rusmisbrukere, en: Places for substance abusers}}',
                             '{code: "3.6", label: {nb: Plasser i alt, en: Places in all}}')
    assert leaking != source
    (folder / "skjema5_plasser.yaml").write_text(leaking, encoding="utf-8")
    shutil.copy(DEFINITIONS_ROOT / "2025" / "tables" / "skjema1_legetimer.yaml", folder)
    count = len(releases(session, 2025))
    files = _stored(demo.home)
    with pytest.raises(ReleaseRefused, match=r"field 3\.6 \(plasser_i_alt\) of form 5 has purpose "
                                             r"'calculation_basis', not 'published'"):
        make_release(session, demo.home, 2025, "final", actor="statistiker", tables_root=tmp_path)
    session.commit()
    assert len(releases(session, 2025)) == count
    assert _stored(demo.home) == files


def _stored(home: Path) -> set[Path]:
    """What a refused release must leave as it was: every file but the derived cache (always safe to rebuild)."""
    return {p for p in home.rglob("*") if "cache" not in p.relative_to(home).parts[:1]}
