"""Statistical checks flag planted values; a broken check or rule never stops the others."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from kostra.controls.language import ControlData
from kostra.controls.runs import run_outcomes
from kostra.controls.snapshot import LastYear, Snapshot, UnitInfo
from kostra.controls.statistical_checks import run_statistical_checks
from kostra.controls.statistical_config import StatisticalCheck, load_statistical_checks
from kostra.errors import DefinitionError

UNITS = [f"{3401 + i}" for i in range(40)]


def _snapshot(now: dict[str, float], before: dict[str, float], column: str = "skjema13.omsorgsboliger",
              form: str = "13", population: dict[str, int] | None = None,
              previous: bool = True) -> Snapshot:
    units = {u: UnitInfo(u, "municipality", u, u[:2], "EKG01" if i % 2 else "EKG02") for i, u in enumerate(UNITS)}
    frame = pl.DataFrame({"unit": UNITS, column: [now.get(u) for u in UNITS]},
                         schema={"unit": pl.String, column: pl.Float64})
    prev = pl.DataFrame({"unit": UNITS, column: [before.get(u) for u in UNITS]},
                        schema={"unit": pl.String, column: pl.Float64})
    people = pl.DataFrame({"unit": list((population or {}).keys()), "age": [40] * len(population or {}),
                           "sex": [1] * len(population or {}), "persons": list((population or {}).values())},
                          schema={"unit": pl.String, "age": pl.Int64, "sex": pl.Int64, "persons": pl.Int64})
    data = ControlData(units=frame, previous=ControlData(units=prev) if previous else None, population=people)
    return Snapshot(2025, data, units, frozenset((u, form) for u in UNITS), frozenset(), 2024)


def _check(**fields: object) -> StatisticalCheck:
    return StatisticalCheck.model_validate({"name": "c", "label": {"nb": "Sjekk", "en": "Check"}, "form": "13",
                                            "field": "omsorgsboliger", **fields})


def _sizes(seed: int) -> tuple[dict[str, float], dict[str, float]]:
    rng = random.Random(seed)
    before = {u: float(rng.randint(50, 500)) for u in UNITS}
    now = {u: round(v * rng.uniform(0.97, 1.05)) for u, v in before.items()}
    return now, before


def _failed(outcomes: list) -> set[str]:
    return {o.unit for o in outcomes if o.outcome == "fail"}


def test_hb_flags_the_unit_whose_value_tripled() -> None:
    now, before = _sizes(1)
    now["3410"] = before["3410"] * 3
    outcomes = run_statistical_checks([_check(kind="hb", params={"pU": 0.5, "pA": 0.05, "pC": 20})],
                                      _snapshot(now, before))
    assert _failed(outcomes) == {"3410"}
    hit = next(o for o in outcomes if o.unit == "3410")
    assert hit.values["ratio"] == pytest.approx(3.0) and "HB-grenser" in hit.message


def test_thousand_check_flags_factor_1000_and_proposes_the_value_divided() -> None:
    now, before = _sizes(2)
    now["3420"] = before["3420"] * 1000
    outcomes = run_statistical_checks([_check(kind="thousand", params={"delta": 0.1})], _snapshot(now, before))
    assert _failed(outcomes) == {"3420"}
    hit = next(o for o in outcomes if o.unit == "3420")
    assert hit.values["proposed"] == pytest.approx(before["3420"]) and hit.values["factor"] == 1000


def test_quartile_fences_flag_the_outlier_per_inhabitant_within_its_group() -> None:
    now, before = _sizes(3)
    population = {u: 10_000 for u in UNITS}
    now["3405"] = now["3405"] * 20
    check = _check(kind="quartile", scale=1000, params={"pKL": 1.5, "pKU": 1.5}, min_stratum=5)
    outcomes = run_statistical_checks([check], _snapshot(now, before, population=population))
    assert "3405" in _failed(outcomes)
    hit = next(o for o in outcomes if o.unit == "3405")
    assert hit.values["ratio"] > hit.values["upperLimit"]


def test_a_check_that_breaks_gives_error_and_the_next_check_still_runs() -> None:
    now, before = _sizes(4)
    now["3410"] = before["3410"] * 1000
    broken = StatisticalCheck.model_validate({
        "name": "broken", "label": {"nb": "x", "en": "x"}, "kind": "hb", "form": "13", "field": "omsorgsboliger",
        "params": {"pU": 7}})  # pU outside [0, 1]: the method refuses it
    outcomes = run_statistical_checks([broken, _check(kind="thousand")], _snapshot(now, before))
    assert {o.outcome for o in outcomes if o.check.name == "broken"} == {"error"}
    assert "pU" in next(o.message for o in outcomes if o.check.name == "broken")
    assert _failed([o for o in outcomes if o.check.name == "c"]) == {"3410"}


def test_issue_9_rules_reading_last_year_are_not_applicable_without_it() -> None:
    now, before = _sizes(5)
    snapshot = replace(_snapshot(now, before, column="skjema13.omsorgsboliger", previous=False),
                       last_year=LastYear.absent(2025, "ingen innsendte skjemaer for 2024",
                                                 "no submitted forms for 2024"))
    outcome = run_outcomes(snapshot, form_id="13")
    results = outcome.results
    outcomes = dict(zip(results.filter(pl.col("unit_code") == "3401")["rule"].to_list(),
                        results.filter(pl.col("unit_code") == "3401")["outcome"].to_list(), strict=True))
    # Point 5 of issue 9: without last year prev() is missing, so the rule is not applicable (not broken).
    assert outcomes["s13_boliger_endring"] == "not_applicable"
    assert outcomes["s13_omsorgsboliger_le_boliger"] == "not_applicable"   # still evaluated
    # Without last year the year-over-year checks are skipped: no result, and the summary says why.
    assert "hb_13_omsorgsboliger" not in outcomes
    skipped = next(row for row in outcome.summary if row["rule"] == "hb_13_omsorgsboliger")
    assert skipped["items"] == 0 and "ingen innsendte skjemaer for 2024" in skipped["skipped"]
    assert outcome.notes and "No data for 2024 (no submitted forms for 2024)" in outcome.notes[0]["en"]


@pytest.mark.parametrize(("text", "line", "what"), [
    ("  - name: a\n    label: {nb: x, en: y}\n    kind: hb\n    form: '13'\n    field: nope\n", 8, "nope"),
    ("  - name: a\n    label: {nb: x, en: y}\n    kind: magic\n    form: '13'\n    field: omsorgsboliger\n", 6,
     "kind"),
    ("  - name: a\n    label: {nb: x, en: y}\n    kind: hb\n    form: '13'\n    field: gjengs_leie\n", 8,
     "not a number"),
    ("  - name: a\n    label: {nb: x, en: y}\n    kind: ratio\n    form: '5'\n"
     "    numerator: {accounts: {function: '9x9'}}\n    denominator: {register: x}\n", 8, "9x9"),
    # names come from the year's accounts definitions: 254 was replaced by 257 and 258 from 2024
    ("  - name: a\n    label: {nb: x, en: y}\n    kind: ratio\n    form: '5'\n"
     "    numerator: {accounts: {function: '254', art: AGD1}}\n    denominator: {register: x}\n", 8,
     "unknown function '254' in the 2025 accounts definitions (definitions/2025/accounts/funksjonshierarki.csv)"),
    ("  - name: a\n    label: {nb: x, en: y}\n    kind: ratio\n    form: '5'\n"
     "    numerator: {accounts: {function: '253', art: AGD99}}\n    denominator: {register: x}\n", 8,
     "unknown art 'AGD99'"),
])
def test_statistical_yaml_errors_name_file_check_and_line(tmp_path: Path, text: str, line: int, what: str) -> None:
    path = tmp_path / "statistical.yaml"
    path.write_text("kind: statistical\nversion: 1\nchecks:\n" + text, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_statistical_checks(path, 2025)
    assert what in str(caught.value) and caught.value.file == str(path) and caught.value.item == "a"
    assert caught.value.line == line
