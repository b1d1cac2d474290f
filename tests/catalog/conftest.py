"""A tiny, valid form definition written to a temporary definitions folder, to break on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

MINIMAL_FORM = """\
kind: form
version: 1
year: 2025
id: "9"
name: {nb: "Testskjema", en: "Test form"}
description: {nb: "Et lite skjema.", en: "A small form."}
unit_kinds: [municipality, oslo_district]
deadline: 2026-01-15
delivery: web
field_defaults:
  purpose: published
  recipients: [SSB]
  minutes: 2
sections:
  - id: "1"
    title: {nb: "Del 1", en: "Part 1"}
    fields:
      - id: "1.1"
        name: har_tilbud
        label: {nb: "Har kommunen tilbudet?", en: "Does the municipality have the offer?"}
        type: yes_no
        required: true
      - id: "1.2"
        name: plasser
        label: {nb: "Plasser", en: "Places"}
        type: integer
        unit: antall
        max: 1000
        plausible_max: 100
        required: true
        applies_when: {field: "1.1", equals: true}
        minutes: 4
      - id: "1.3"
        name: bydel_merknad
        label: {nb: "Merknad fra bydelen", en: "Remark from the district"}
        type: text
        applies_when: {unit_kind: oslo_district}
        minutes: 6
      - id: "1.4"
        name: storby_tall
        label: {nb: "Tall for store kommuner", en: "Figure for large municipalities"}
        type: decimal
        unit: FTE
        decimals: 1
        applies_when: {min_population: 10000}
        minutes: 3
"""


def write_form(root: Path, text: str, *, year: int = 2025, form_id: str = "9") -> Path:
    """Write one form file under ``root/<year>/forms`` and return its path."""
    folder = root / str(year) / "forms"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{form_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    """1-based number of the first line containing ``fragment``."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


@pytest.fixture
def minimal_root(tmp_path: Path) -> Path:
    write_form(tmp_path, MINIMAL_FORM)
    return tmp_path
