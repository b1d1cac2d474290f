"""Rules and screens are kept per the check arguments they read (kostra.controls.filecheck.memo)."""

from __future__ import annotations

import pytest

from kostra.controls.filecheck.memo import by_arguments_read
from kostra.controls.filecheck.model import CheckArguments
from kostra.controls.filecheck.registry import rules_of


def test_a_build_is_kept_for_arguments_that_agree_on_what_it_read() -> None:
    calls: list[tuple[int, str]] = []

    def build(args: CheckArguments, suffix: str) -> str:
        calls.append((args.year, suffix))
        return f"{args.form}-{args.year}{suffix}"

    memo = by_arguments_read(build)
    first = memo(CheckArguments("11F", 2025, "110300"), "!")
    assert memo(CheckArguments("11F", 2025, "030105"), "!") is first  # the region was not read
    assert memo(CheckArguments("11F", 2024, "110300"), "!") == "11F-2024!"  # the year was
    assert memo(CheckArguments("11F", 2025, "110300"), "?") == "11F-2025?"  # so are the other arguments
    assert calls == [(2025, "!"), (2024, "!"), (2025, "?")]


def test_a_branch_on_one_argument_keys_on_what_that_branch_read() -> None:
    def build(args: CheckArguments) -> str:
        return args.region if args.form == "11CF" else args.form

    memo = by_arguments_read(build)
    assert memo(CheckArguments("11CF", 2025, "110300")) == "110300"
    assert memo(CheckArguments("11CF", 2025, "030105")) == "030105"
    assert memo(CheckArguments("11F", 2025, "110300")) == "11F"


def test_a_result_that_keeps_the_arguments_fails_instead_of_caching_wrong() -> None:
    memo = by_arguments_read(lambda args: (lambda: args.region))
    later = memo(CheckArguments("11F", 2025, "110300"))
    with pytest.raises(RuntimeError, match="after the cached build"):
        later()


def test_the_11f_rules_are_shared_by_every_municipality_and_screens_keep_the_region() -> None:
    oslo, halden = CheckArguments("11F", 2025, "030101"), CheckArguments("11F", 2025, "300100")
    rules = rules_of("kostra.controls.filecheck.sosialhjelp", oslo)
    assert rules_of("kostra.controls.filecheck.sosialhjelp", halden) is rules
    municipality = next(r for r in rules if r.name == "Kontroll 03 : Kommunenummer")
    assert municipality.screen is not None
    columns = frozenset({"KOMMUNE_NR"})
    assert str(municipality.screen(oslo, columns)) != str(municipality.screen(halden, columns))
    assert "0301" in str(municipality.screen(oslo, columns)) and "3001" in str(municipality.screen(halden, columns))
