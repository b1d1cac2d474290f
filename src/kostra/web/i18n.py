"""Page texts in bokmål (default) and English. Keys are stable identifiers used by templates."""

from __future__ import annotations

from importlib import import_module

from kostra.web.i18n_types import LANGUAGES, Lang

__all__ = ["LANGUAGES", "Lang", "translate"]

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
    "login.title": {"nb": "Logg inn", "en": "Log in"},
    "login.username": {"nb": "Brukernavn", "en": "User name"},
    "login.password": {"nb": "Passord", "en": "Password"},
    "login.submit": {"nb": "Logg inn", "en": "Log in"},
    "login.failed": {"nb": "Feil brukernavn eller passord.", "en": "Wrong user name or password."},
    "login.throttled": {
        "nb": "For mange mislykkede innlogginger. Prøv igjen om {minutes} min.",
        "en": "Too many failed logins. Try again in {minutes} min.",
    },
    "login.expired": {
        "nb": "Økten din er utløpt. Logg inn igjen – det du har lagret, er tatt vare på.",
        "en": "Your session has expired. Log in again – what you saved has been kept.",
    },
    "portal.forms_title": {"nb": 'Skjema for rapporteringsåret', "en": 'Forms for reporting year'},
    "portal.form": {"nb": 'Skjema', "en": 'Form'},
    "portal.unit": {"nb": 'Enhet', "en": 'Unit'},
    "portal.deadline": {"nb": 'Frist', "en": 'Deadline'},
    "portal.status": {"nb": 'Status', "en": 'Status'},
    "portal.no_problems": {"nb": 'Ingen feil eller advarsler så langt.', "en": 'No errors or warnings so far.'},
    "portal.errors": {"nb": 'feil', "en": 'errors'},
    "portal.errors_block": {"nb": 'må rettes før skjemaet kan sendes inn.', "en": 'must be fixed before the form can be submitted.'},
    "portal.warnings": {"nb": 'advarsler', "en": 'warnings'},
    "portal.warnings_explain": {"nb": 'forklar med en kommentar, eller bekreft at tallene stemmer når du sender inn.', "en": 'explain with a comment, or confirm that the figures are right when you submit.'},
    "portal.comment": {"nb": 'Kommentar', "en": 'Comment'},
    "portal.required": {"nb": 'obligatorisk', "en": 'required'},
    "portal.yes": {"nb": 'Ja', "en": 'Yes'},
    "portal.no": {"nb": 'Nei', "en": 'No'},
    "portal.confirm_prefill": {"nb": 'Bekreft verdien fra i fjor', "en": "Confirm last year's value"},
    "portal.save": {"nb": 'Lagre utkast', "en": 'Save draft'},
    "portal.submit": {"nb": 'Send inn', "en": 'Submit'},
    "portal.confirm_warnings": {"nb": 'Jeg bekrefter at tallene med advarsler stemmer', "en": 'I confirm that the figures with warnings are right'},
    "portal.not_submitted": {"nb": 'Skjemaet er ikke sendt inn. Dette må rettes eller forklares:', "en": 'The form was not submitted. Fix or explain:'},
    "portal.nil_title": {"nb": 'Ingenting å rapportere', "en": 'Nothing to report'},
    "portal.nil_explain": {"nb": 'Kryss av her hvis enheten ikke har denne tjenesten i år. SSB trenger svaret for å vite at dere har rapportert.', "en": 'Use this if the unit has no such service this year. Statistics Norway needs the answer to know you have reported.'},
    "portal.nil_submit": {"nb": 'Send inn «ingenting å rapportere»', "en": 'Submit “nothing to report”'},
    "portal.history": {"nb": 'Innsendte versjoner', "en": 'Submitted versions'},
    "portal.version": {"nb": 'Versjon', "en": 'Version'},
    "portal.submitted_at": {"nb": 'Sendt', "en": 'Submitted'},
    "portal.by": {"nb": 'Av', "en": 'By'},
    "portal.receipt": {"nb": 'Kvittering', "en": 'Receipt'},
    "portal.receipt_title": {"nb": 'Kvittering for innsending', "en": 'Submission receipt'},
    "portal.receipt_unchanged": {"nb": 'Ingenting er endret siden denne versjonen ble sendt inn, så skjemaet ble ikke sendt inn på nytt. Her er kvitteringen for den.', "en": 'Nothing has changed since this version was submitted, so the form was not submitted again. Here is its receipt.'},
    "portal.hash": {"nb": 'Innholdets kontrollsum (SHA-256)', "en": 'Content hash (SHA-256)'},
    "portal.back_to_form": {"nb": 'Tilbake til skjemaet', "en": 'Back to the form'},
    "portal.attachment": {"nb": "Filvedlegg", "en": "File attachment"},
    "portal.rule": {"nb": "Kontroll", "en": "Control"},
    "portal.severity": {"nb": "Alvorlighet", "en": "Severity"},
    "portal.count": {"nb": "Antall", "en": "Count"},
    "portal.full_report": {"nb": "Hele kontrollrapporten", "en": "The full control report"},
    "portal.upload_label": {"nb": "Velg fil (fast postlengde, ISO-8859-1 eller UTF-8)", "en": "Choose a file (fixed-width, ISO-8859-1 or UTF-8)"},
    "portal.upload": {"nb": "Last opp og kontroller", "en": "Upload and check"},
    "status.not_started": {"nb": 'Ikke påbegynt', "en": 'Not started'},
    "status.draft": {"nb": 'Utkast', "en": 'Draft'},
    "status.submitted": {"nb": 'Sendt inn', "en": 'Submitted'},
    "status.submitted_with_warnings": {"nb": 'Sendt inn med advarsler', "en": 'Submitted with warnings'},
    "status.nil": {"nb": 'Ingenting å rapportere', "en": 'Nothing to report'},
    "status.approved": {"nb": 'Godkjent', "en": 'Approved'},
    "nav.logout": {"nb": "Logg ut", "en": "Log out"},
    "nav.portal": {"nb": "Mine skjema", "en": "My forms"},
    "nav.office": {"nb": "SSB-kontoret", "en": "Statistics office"},
    "nav.admin": {"nb": "Administrasjon", "en": "Administration"},
}

# Each area of the site keeps its texts beside its routes (same shape as MESSAGES); merged here so
# templates look every key up in one place. A key defined twice is a bug, caught by a test.
AREA_TEXTS = ("kostra.web.i18n_office", "kostra.web.i18n_controls", "kostra.web.i18n_followup",
              "kostra.web.i18n_admin", "kostra.web.i18n_errors", "kostra.web.i18n_accounts",
              "kostra.web.i18n_keyfigures", "kostra.web.i18n_publish", "kostra.web.i18n_statbank")


def _merge_area_texts() -> None:
    for module_name in AREA_TEXTS:
        texts: dict[str, dict[Lang, str]] = import_module(module_name).MESSAGES
        duplicated = sorted(set(texts) & set(MESSAGES))
        if duplicated:
            raise RuntimeError(f"{module_name} redefines text keys {duplicated}")
        MESSAGES.update(texts)


_merge_area_texts()


def translate(key: str, lang: Lang) -> str:
    """The text for ``key`` in ``lang``; the key itself when no text exists (visible, not a crash)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["nb"]
