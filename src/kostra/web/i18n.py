"""Page texts in bokmål (default) and English. Keys are stable identifiers used by templates."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGUAGES", "Lang", "translate"]

Lang = Literal["nb", "en"]
LANGUAGES: tuple[Lang, ...] = ("nb", "en")

MESSAGES: dict[str, dict[Lang, str]] = {
    "app.title": {"nb": "KOSTRA – kommune-stat-rapportering", "en": "KOSTRA – municipality–state reporting"},
    "app.tagline": {
        "nb": "Rapportering fra kommunene til Statistisk sentralbyrå: skjema, kontroller, oppfølging og publisering.",
        "en": "Reporting from the municipalities to Statistics Norway: forms, controls, follow-up and publication.",
    },
    "nav.home": {"nb": "Forside", "en": "Home"},
    "nav.check": {"nb": "Kontroller fil", "en": "Check a file"},
    "nav.api": {"nb": "API", "en": "API"},
    "nav.language": {"nb": "English", "en": "Norsk"},
    "home.holdings": {"nb": "Dette inneholder systemet", "en": "What the system holds"},
    "home.year": {"nb": "År", "en": "Year"},
    "home.municipalities": {"nb": "Kommuner", "en": "Municipalities"},
    "home.counties": {"nb": "Fylker", "en": "Counties"},
    "home.districts": {"nb": "Bydeler", "en": "Districts"},
    "home.population": {"nb": "Folkemengde 1. januar", "en": "Population 1 January"},
    "home.empty": {
        "nb": "Databasen er tom. Kjør «kostra demo» for å bygge et demonstrasjonsår.",
        "en": "The database is empty. Run “kostra demo” to build a demonstration year.",
    },
    "home.reference_loads": {"nb": "Innlastinger av referansedata", "en": "Reference data loads"},
    "error.title": {"nb": "Noe gikk galt", "en": "Something went wrong"},
    "error.not_found": {"nb": "Siden finnes ikke.", "en": "The page does not exist."},
    "error.internal": {
        "nb": "En uventet feil oppstod. Feilen er logget; prøv igjen senere.",
        "en": "An unexpected error occurred. It has been logged; please try again later.",
    },
    "missing": {"nb": "mangler", "en": "missing"},
}


def translate(key: str, lang: Lang) -> str:
    """The text for ``key`` in ``lang``; the key itself when no text exists (visible, not a crash)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["nb"]
