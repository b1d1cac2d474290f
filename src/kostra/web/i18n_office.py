"""Page texts of the statistics office's start page, in bokmål and English (merged into ``kostra.web.i18n.MESSAGES``)."""

from __future__ import annotations

from kostra.web.i18n_types import Lang

MESSAGES: dict[str, dict[Lang, str]] = {
    "office.title": {"nb": "SSB-kontoret", "en": "Statistics office"},
    "office.lead": {
        "nb": "Kontroller, oppfølging og status for rapporteringsåret.",
        "en": "Controls, follow-up and status for the reporting year.",
    },
    "office.section.status.title": {"nb": "Rapporteringsstatus", "en": "Reporting status"},
    "office.section.status.text": {"nb": "hvem har sendt inn hva, og hvem mangler per dato", "en": "who has sent what, and who is missing as of a date"},
    "office.section.controls.title": {"nb": "Kontroller", "en": "Controls"},
    "office.section.controls.text": {"nb": "kjør alle kontroller, se treff per kontroll, skjema og fylke, og enhetene som bør følges opp først", "en": "run every control, see hits per rule, form and county, and the units to follow up first"},
    "office.section.quality.title": {"nb": "Kvalitetsindikatorer", "en": "Quality indicators"},
    "office.section.quality.text": {"nb": "svarprosent, andel editerte verdier, treffrate og treffpresisjon per skjema", "en": "response rate, share of values edited, hit rate and hit accuracy per form"},
    "office.section.outbox.title": {"nb": "Utboks", "en": "Outbox"},
    "office.section.outbox.text": {"nb": "purringer og andre meldinger til enhetene", "en": "reminders and other messages to the units"},
    "office.section.burden.title": {"nb": "Oppgavebyrde", "en": "Reporting burden"},
    "office.section.burden.text": {"nb": "beregnet tid per skjema: minutter per felt × enheter det gjelder", "en": "estimated time per form: minutes per field × units it applies to"},
    "office.section.admin.title": {"nb": "Brukere og enheter", "en": "Users and units"},
    "office.section.admin.text": {"nb": "opprett, endre og deaktiver brukere og rapporteringsenheter", "en": "create, change and deactivate users and reporting units"},
    "office.year": {"nb": "Rapporteringsår", "en": "Reporting year"},
}
