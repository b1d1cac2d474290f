"""Refusals of the follow-up services, worded in bokmål and English.

The command line shows the English text (``str(error)``); pages show ``error.text(lang)``.
"""

from __future__ import annotations

from kostra.errors import UsageError

__all__ = ["FollowupRefused"]


class FollowupRefused(UsageError):
    """A follow-up action that cannot be done as asked: says what is wrong and what is expected."""

    def __init__(self, *, nb: str, en: str) -> None:
        self.nb = nb
        self.en = en
        super().__init__(en)

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``nb`` or ``en``)."""
        return self.en if lang == "en" else self.nb
