from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from kostra.web.formatting import format_datetime, format_number


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (5_550_203, 0, "5\u00a0550\u00a0203"),
        (999, 0, "999"),
        (1000, 0, "1\u00a0000"),
        (12.5, 1, "12,5"),
        (-1234.56, 2, "\u22121\u00a0234,56"),
        (Decimal("0.25"), 2, "0,25"),
        (None, 0, ".."),
    ],
)
def test_norwegian_numbers(value: object, decimals: int, expected: str) -> None:
    assert format_number(value, decimals) == expected  # type: ignore[arg-type]


def test_times_are_shown_in_oslo_time() -> None:
    summer = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
    winter = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    assert format_datetime(summer) == "15.06.2026 kl. 12:00"
    assert format_datetime(winter, "en") == "15.01.2026 11:00"
