"""``kostra dataset export | freeze | snapshots`` on a real database, run as the ``kostra`` command runs them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session

from kostra.access import Principal, Role
from kostra.cli import cli
from kostra.reporting import submissions
from kostra.store import create_engine_for
from tests.factories import add_units_and_users, form5_values

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        add_units_and_users(session)
        submissions.save_draft(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                               values=form5_values(plasser_i_alt="64"), confirm=["*"])
        submissions.submit(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                           confirm_warnings=True)
        session.commit()
    engine.dispose()
    yield {"KOSTRA_HOME": str(tmp_path), "KOSTRA_DATABASE_URL": database_url}


def _kostra(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def _places(rows: list[dict[str, object]]) -> list[object]:
    return [r["value_text"] for r in rows if r["field_name"] == "plasser_i_alt" and r["unit_code"] == "974600951"]


def test_export_in_every_format_holds_the_same_values(env: dict[str, str], tmp_path: Path) -> None:
    as_csv = _kostra(env, "dataset", "export", "--year", "2025", "--form", "5", "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert _places(rows) == ["64"] and {r["status"] for r in rows if r["unit_code"] == "976990803"} == {"missing"}
    as_json = _kostra(env, "dataset", "export", "--year", "2025", "--form", "5", "--format", "json")
    assert _places(json.loads(as_json.stdout)) == ["64"]
    target = tmp_path / "values.parquet"
    as_parquet = _kostra(env, "dataset", "export", "--year", "2025", "--unit", "974600951", "--format", "parquet",
                         "--output", str(target))
    assert as_parquet.exit_code == 0, as_parquet.output
    frame = pl.read_parquet(target)
    assert _places(frame.to_dicts()) == ["64"] and set(frame["unit_code"]) == {"974600951"}
    assert len(rows) == len(json.loads(as_json.stdout))


@pytest.mark.parametrize(("args", "says"), [
    (["--year", "2031"], "no data for 2031: the years with submitted data are 2025"),
    (["--year", "2025", "--form", "99"], "unknown form '99' for 2025: the forms are "),
    (["--year", "2025", "--unit", "9999"], "unknown unit '9999'"),
    (["--year", "2025", "--as-of", "2026-02-30"], "--as-of '2026-02-30' is not a date: expected YYYY-MM-DD"),
])
def test_bad_input_is_one_line_with_the_valid_values_and_exit_2(env: dict[str, str], args: list[str],
                                                                says: str) -> None:
    result = _kostra(env, "dataset", "export", *args, "--format", "csv")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.output
    wrong = _kostra(env, "dataset", "export", "--year", "2025", "--format", "xml")
    assert wrong.exit_code == 2 and "use one of csv, json, parquet" in wrong.output


def test_freeze_stores_an_immutable_snapshot_and_never_overwrites_a_label(env: dict[str, str],
                                                                           tmp_path: Path) -> None:
    frozen = _kostra(env, "dataset", "freeze", "--year", "2025", "--label", "preliminary-1", "--by", "kari")
    assert frozen.exit_code == 0, frozen.output
    path = tmp_path / "snapshots" / "2025" / "preliminary-1.parquet"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest in frozen.output
    assert path.stat().st_mode & 0o222 == 0  # read-only
    assert _places(pl.read_parquet(path).to_dicts()) == ["64"]
    again = _kostra(env, "dataset", "freeze", "--year", "2025", "--label", "preliminary-1")
    assert again.exit_code == 2 and "never overwritten" in again.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    listed = json.loads(_kostra(env, "dataset", "snapshots", "--year", "2025", "--format", "json").stdout)
    assert [(s["label"], s["sha256"], s["created_by"]) for s in listed] == [("preliminary-1", digest, "kari")]
    bad = _kostra(env, "dataset", "freeze", "--year", "2025", "--label", "../escape")
    assert bad.exit_code == 2 and "not usable" in bad.output


def test_a_changed_snapshot_file_is_detected(env: dict[str, str], tmp_path: Path, database_url: str) -> None:
    from kostra.dataset import SnapshotChanged, read_snapshot

    assert _kostra(env, "dataset", "freeze", "--year", "2025", "--label", "final").exit_code == 0
    path = tmp_path / "snapshots" / "2025" / "final.parquet"
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        assert read_snapshot(session, tmp_path, 2025, "final").height > 0
        path.chmod(0o644)
        path.write_bytes(path.read_bytes() + b"tampered")
        with pytest.raises(SnapshotChanged, match="changed since it was frozen"):
            read_snapshot(session, tmp_path, 2025, "final")
    engine.dispose()
