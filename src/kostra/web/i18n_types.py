"""The page languages (kept apart so area text modules and ``i18n`` can share them without a cycle)."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGUAGES", "Lang"]

Lang = Literal["nb", "en"]
LANGUAGES: tuple[Lang, ...] = ("nb", "en")
