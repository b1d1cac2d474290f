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
    "error.csrf": {"nb": "Ugyldig eller manglende CSRF-nøkkel. Last siden på nytt og prøv igjen.", "en": "Invalid or missing CSRF token. Reload the page and try again."},
    # AccessDenied by reason (kostra.access.roles); {roles}, {role} are role names in the page's language
    "error.access.role": {"nb": "Dette krever rollen {roles}; du er logget inn som {role}.", "en": "This needs the role {roles}; you are logged in as {role}."},
    "error.access.own_unit": {"nb": "Du kan bare se og endre rapportene til din egen enhet.", "en": "You may only see and change your own unit's reports."},
    "error.access.office_reads": {"nb": "Bare enhetens egen rapportør fyller ut og sender inn skjemaene; som {role} kan du lese dem.", "en": "Only the unit's own reporter fills in and submits its forms; as {role} you can read them."},
    "error.access.own_keyfigures": {"nb": "Du kan bare se nøkkeltallene til din egen enhet.", "en": "You may only see your own unit's key figures."},
    "error.or": {"nb": "eller", "en": "or"},
}
