"""The social-service file generator: arguments, determinism and validity of its identity numbers."""

from __future__ import annotations

import pytest

from kostra.demo.generate_sosial import generate
from kostra.errors import UsageError
from kostra.intake.identifiers import validate_fnr


def test_every_generated_fnr_is_valid_and_unique() -> None:
    data = generate("11F", 2025, "110300", 2000, seed=9).decode("latin-1").splitlines()
    numbers = [line[24:35] for line in data]
    assert all(validate_fnr(n).valid for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_same_seed_same_file_other_seed_other_file() -> None:
    assert generate("11CF", 2024, "110300", 50, seed=1) == generate("11CF", 2024, "110300", 50, seed=1)
    assert generate("11CF", 2024, "110300", 50, seed=1) != generate("11CF", 2024, "110300", 50, seed=2)


@pytest.mark.parametrize(("form", "errors", "n", "fragment"), [
    ("15F", (), 10, "11F or 11CF"),
    ("11CF", ("vklo_arbsit_mismatch",), 10, "does not apply"),
    ("11F", ("no_such_error",), 10, "does not apply"),
    ("11F", ("invalid_fnr", "age_under_18"), 2, "n ≥ 3"),
])
def test_refuses_bad_arguments(form: str, errors: tuple[str, ...], n: int, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        generate(form, 2025, "110300", n, seed=1, errors=errors)
