"""The cache of the year's values under KOSTRA_HOME/cache is never stale: any change gives a new fingerprint."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from kostra.access import Principal, Role
from kostra.dataset import year_values
from kostra.followup.edits import edit_value
from kostra.reporting import submissions
from tests.factories import form5_values

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
FORM5 = {"year": 2025, "form_id": "5", "unit_code": "974600951"}


def _places(frame: pl.DataFrame) -> list[object]:
    return frame.filter(pl.col("field_name") == "plasser_i_alt", pl.col("unit_code") == "974600951")[
        "value_text"].to_list()


def test_cached_values_equal_fresh_ones_and_follow_every_change(session: Session, tmp_path: Path) -> None:
    submissions.save_draft(session, KONGSVINGER, values=form5_values(plasser_i_alt="64"), confirm=["*"], **FORM5)
    submissions.submit(session, KONGSVINGER, confirm_warnings=True, **FORM5)
    session.commit()
    first = year_values(session, 2025, cache_dir=tmp_path)
    [stored] = list(tmp_path.glob("values-2025-*.parquet"))
    assert first.equals(year_values(session, 2025)) and first.equals(year_values(session, 2025, cache_dir=tmp_path))
    edit_value(session, Principal("statistiker", Role.STATISTICIAN, None), field="plasser_i_alt", value="68",
               reason="REVIEW", **FORM5)
    session.commit()
    assert _places(year_values(session, 2025, cache_dir=tmp_path)) == ["68"]
    [renewed] = list(tmp_path.glob("values-2025-*.parquet"))
    assert renewed != stored  # a new key; the old file is gone
    submissions.save_draft(session, KONGSVINGER, values=form5_values(plasser_i_alt="66"), confirm=["*"],
                           replace=True, **FORM5)
    submissions.submit(session, KONGSVINGER, confirm_warnings=True, **FORM5)
    session.commit()
    assert _places(year_values(session, 2025, cache_dir=tmp_path)) == ["66"]  # the edit is stale now
    assert _places(year_values(session, 2025, units=["974600951"], cache_dir=tmp_path)) == ["66"]
