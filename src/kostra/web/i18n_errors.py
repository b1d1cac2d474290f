"""Texts of error answers (request checks, body caps, parameters), in bokmål and English.

Merged into ``kostra.web.i18n.MESSAGES``; ``{name}``, ``{value}``, ``{limit}`` are filled in by
``kostra.web.error_messages``.
"""

from __future__ import annotations

from kostra.web.i18n_types import Lang

MESSAGES: dict[str, dict[Lang, str]] = {
    "error.invalid_request": {"nb": "Ugyldig forespørsel", "en": "Invalid request"},
    "error.too_large": {"nb": "Forespørselen er for stor: høyst {limit} godtas.", "en": "The request is too large: at most {limit} is accepted."},
    "error.param.year": {"nb": "{name}: {value} er ikke et årstall; forventet fire siffer 0–9, f.eks. 2025", "en": "{name}: {value} is not a year; expected four digits 0–9, e.g. 2025"},
    "error.param.integer": {"nb": "{name}: {value} er ikke et heltall skrevet med sifrene 0–9", "en": "{name}: {value} is not a whole number written with the digits 0–9"},
    "error.param.range": {"nb": "{name}: {value} er utenfor gyldig område (høyst {limit})", "en": "{name}: {value} is out of range (at most {limit})"},
    "error.param.missing": {"nb": "{name} mangler", "en": "{name} is missing"},
    "error.param.message": {"nb": "{message}", "en": "{message}"},
    "error.param.other": {"nb": "{name}: {value}: {message}", "en": "{name}: {value}: {message}"},
}
