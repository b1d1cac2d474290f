"""Page texts of the office's accounts page, in bokmål and English (merged into ``kostra.web.i18n.MESSAGES``)."""

from __future__ import annotations

from kostra.web.i18n_types import Lang

MESSAGES: dict[str, dict[Lang, str]] = {
    "office.section.accounts.title": {"nb": "Regnskap", "en": "Accounts"},
    "office.section.accounts.text": {"nb": "brutto og netto driftsutgifter per funksjonsgruppe, kasse og konsern", "en": "gross and net operating expenditure per function group, treasury and consolidated"},
    "accounts.title": {"nb": "Regnskap", "en": "Accounts"},
    "accounts.lead": {"nb": "Brutto (AGD9) og netto (AGD1) driftsutgifter per funksjonsgruppe i 1000 kr, beregnet fra innsendte regnskapsfiler med årets hierarkier og formler (SSBs metode i kostraregnskap). Kasse er 0A/0C, konsern 0M/0P. Velg et beløp for å se postene det består av.", "en": "Gross (AGD9) and net (AGD1) operating expenditure per function group in NOK 1000, computed from the submitted accounts files with the year's hierarchies and formulas (SSB's method in kostraregnskap). Treasury is 0A/0C, consolidated 0M/0P. Choose an amount to see the records it is made of."},
    "accounts.region": {"nb": "Region", "en": "Region"},
    "accounts.show": {"nb": "Vis", "en": "Show"},
    "accounts.units": {"nb": "Enheter med godkjent fil", "en": "Units with an accepted file"},
    "accounts.of": {"nb": "av", "en": "of"},
    "accounts.group": {"nb": "Funksjonsgruppe", "en": "Function group"},
    "accounts.scope.kasse": {"nb": "Kasse", "en": "Treasury"},
    "accounts.scope.konsern": {"nb": "Konsern", "en": "Consolidated"},
    "accounts.missing": {"nb": "ingen fil", "en": "no file"},
    "accounts.trace": {"nb": "Poster bak", "en": "Records behind"},
    "accounts.trace.total": {"nb": "Sum av fortegn × beløp", "en": "Sum of sign × amount"},
    "accounts.unit": {"nb": "Enhet", "en": "Unit"},
    "accounts.form": {"nb": "Skjema", "en": "Form"},
    "accounts.attachment": {"nb": "Vedlegg", "en": "Attachment"},
    "accounts.line": {"nb": "Linje", "en": "Line"},
    "accounts.function": {"nb": "Funksjon", "en": "Function"},
    "accounts.art": {"nb": "Art", "en": "Type"},
    "accounts.reported": {"nb": "Rapportert beløp", "en": "Reported amount"},
    "accounts.sign": {"nb": "Fortegn", "en": "Sign"},
    "accounts.chart": {"nb": "Netto driftsutgifter (kasse) per hovedgruppe av tjenester, 1000 kr", "en": "Net operating expenditure (treasury) per main service group, NOK 1000"},
    "accounts.none": {"nb": "Ingen poster.", "en": "No records."},
}
