"""The official severities of KOSTRA controls, shared by file controls, form validation and rules.

Values and names as Statistics Norway's control program (``Severity.kt``; ``specs/kostra-files.md`` §3.1).
They live here, below ``controls``, because form definitions and value validation use them too.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Severity"]


class Severity(IntEnum):
    """Severity of a report entry, ordered; values and names as SSB's ``Severity.kt``."""

    OK = 0
    INFO = 1
    WARNING = 2
    ERROR = 3
    FATAL = 4

    @property
    def return_code(self) -> int:
        """Process exit code of a report whose worst entry has this severity: 0, 0, 1, 2, 2."""
        return {0: 0, 1: 0, 2: 1, 3: 2, 4: 2}[int(self)]

    @property
    def label_nb(self) -> str:
        return {0: "Suksess", 1: "Informasjon", 2: "Advarsel", 3: "Feil", 4: "Kritisk feil"}[int(self)]

    @property
    def blocks_submission(self) -> bool:
        return self >= Severity.ERROR
