"""The settings a command runs with, built the first time a command needs them.

The ``kostra`` group does not build them itself: reading the environment with pydantic-settings
costs about 0.1 s, which ``--help`` and commands that need no settings should not pay.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from kostra.settings import Settings

__all__ = ["pass_settings", "settings_of"]

F = TypeVar("F", bound=Callable[..., Any])


def settings_of(ctx: click.Context) -> Settings:
    """The settings given to the command (``obj=`` in tests), else built once from the environment."""
    from kostra.settings import Settings

    found = ctx.find_object(Settings)
    if found is None:
        found = Settings()
        ctx.find_root().obj = found  # later look-ups in this invocation reuse them
    return found


def pass_settings(function: F) -> F:
    """Like ``click.pass_obj`` for the settings: the command receives them as its first argument."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return function(settings_of(click.get_current_context()), *args, **kwargs)

    return wrapper  # type: ignore[return-value]
