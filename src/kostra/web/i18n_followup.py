"""Page texts of the office's status board, follow-up, edits and audit trail, in bokmål and English (merged into ``kostra.web.i18n.MESSAGES``)."""

from __future__ import annotations

from kostra.web.i18n_types import Lang

MESSAGES: dict[str, dict[Lang, str]] = {
    "followup.all": {"nb": "Alle", "en": "All"},
    "followup.county": {"nb": "Fylke", "en": "County"},
    "followup.new_this_year": {"nb": "ny i år", "en": "new this year"},
    "followup.filter": {"nb": "Vis", "en": "Show"},
    "followup.total": {"nb": "I alt", "en": "Total"},
    "followup.reported": {"nb": "Rapportert", "en": "Reported"},
    "followup.current": {"nb": "Gjeldende", "en": "In force"},
    "followup.edited": {"nb": "editert", "en": "edited"},
    "followup.status.title": {"nb": "Rapporteringsstatus", "en": "Reporting status"},
    "followup.status.now_lead": {"nb": "Status nå for hver enhet og hvert skjema den skal rapportere.",
                                 "en": "Status now of every unit and every form it must report."},
    "followup.status.as_of_lead": {"nb": "Status slik den var ved slutten av dagen", "en": "Status as it was at the "
                                   "end of the day"},
    "followup.status.as_of": {"nb": "Per dato", "en": "As of date"},
    "followup.status.missing_only": {"nb": "Bare enheter som mangler", "en": "Only units that are missing"},
    "followup.status.chart": {"nb": "Status per skjema", "en": "Status per form"},
    "followup.status.chart_desc": {"nb": "Stablede stolper: antall enheter per status for hvert skjema; tallet til "
                                         "høyre er innsendt av i alt.",
                                   "en": "Stacked bars: number of units per status for each form; the figure on the "
                                         "right is delivered out of total."},
    "followup.status.counts": {"nb": "Antall enheter per skjema og status", "en": "Units per form and status"},
    "followup.status.rows": {"nb": "Enheter", "en": "Units"},
    "followup.status.missing": {"nb": "mangler", "en": "missing"},
    "followup.status.none": {"nb": "Ingen enheter passer til utvalget.", "en": "No units match the selection."},
    "followup.status.bad_filter": {"nb": "Utvalget kan ikke brukes; viser alle skjema", "en": "The selection cannot "
                                   "be used; showing all forms"},
    "followup.outbox.title": {"nb": "Utboks", "en": "Outbox"},
    "followup.outbox.lead": {
        "nb": "Purringer skrives 7 dager før fristen, på fristdagen og 7 dager etter, til enheter som ikke har sendt "
              "inn. Samme purring skrives aldri to ganger.",
        "en": "Reminders are written 7 days before the deadline, on the deadline and 7 days after, to units that "
              "have not delivered. The same reminder is never written twice.",
    },
    "followup.outbox.write": {"nb": "Skriv purringer for i dag", "en": "Write today's reminders"},
    "followup.outbox.and_send": {"nb": "og send dem", "en": "and send them"},
    "followup.outbox.send": {"nb": "Send usendte", "en": "Send unsent"},
    "followup.outbox.smtp_off": {
        "nb": "E-post er ikke satt opp (KOSTRA_SMTP_HOST): meldingene blir liggende her til det er gjort.",
        "en": "E-mail is not configured (KOSTRA_SMTP_HOST): the messages wait here until it is.",
    },
    "followup.outbox.without_recipient": {
        "nb": "meldinger har ingen mottaker: legg inn e-post på enheten eller dens rapportører.",
        "en": "messages have no recipient: add an e-mail address to the unit or its reporters.",
    },
    "followup.outbox.result.written": {"nb": "Skrevet", "en": "Written"},
    "followup.outbox.result.already": {"nb": "Fantes fra før", "en": "Already there"},
    "followup.outbox.result.without": {"nb": "Uten mottaker", "en": "Without recipient"},
    "followup.outbox.result.sent": {"nb": "Sendt", "en": "Sent"},
    "followup.outbox.result.failed": {"nb": "Feilet", "en": "Failed"},
    "followup.outbox.created": {"nb": "Skrevet", "en": "Written"},
    "followup.outbox.recipient": {"nb": "Mottaker", "en": "Recipient"},
    "followup.outbox.subject": {"nb": "Emne", "en": "Subject"},
    "followup.outbox.state": {"nb": "Sending", "en": "Sending"},
    "followup.outbox.no_recipient": {"nb": "ingen e-postadresse", "en": "no e-mail address"},
    "followup.outbox.sent": {"nb": "Sendt", "en": "Sent"},
    "followup.outbox.failed": {"nb": "Feilet", "en": "Failed"},
    "followup.outbox.waiting": {"nb": "Venter", "en": "Waiting"},
    "followup.outbox.empty": {"nb": "Utboksen er tom.", "en": "The outbox is empty."},
    "followup.unit.title": {"nb": "Oppfølging", "en": "Follow-up"},
    "followup.unit.controls": {"nb": "Kontrolltreff for enheten", "en": "The unit's control hits"},
    "followup.unit.institutions": {"nb": "Institusjoner (skjema 5)", "en": "Institutions (form 5)"},
    "followup.unit.values": {"nb": "Verdier, rapportert og editert", "en": "Values, reported and edited"},
    "followup.unit.field": {"nb": "Felt", "en": "Field"},
    "followup.unit.edit": {"nb": "Endre verdi", "en": "Edit value"},
    "followup.unit.new_value": {"nb": "Ny verdi", "en": "New value"},
    "followup.unit.reason": {"nb": "Årsak", "en": "Reason"},
    "followup.unit.save_edit": {"nb": "Lagre endring", "en": "Save edit"},
    "followup.stale.title": {"nb": "Endringer som ikke lenger gjelder", "en": "Edits that no longer apply"},
    "followup.stale.lead": {
        "nb": "Enheten har sendt en ny versjon med en annen verdi enn den endringen ble gjort mot. Den nye "
              "innrapporterte verdien gjelder. Bruk endringen på nytt, eller trekk den tilbake.",
        "en": "The unit has submitted a new version with another value than the edit was made against. The new "
              "reported value stands. Re-apply the edit, or withdraw it."},
    "followup.stale.then": {"nb": "Rapportert da", "en": "Reported then"},
    "followup.stale.now": {"nb": "Rapportert nå", "en": "Reported now"},
    "followup.stale.edit": {"nb": "Endringen", "en": "The edit"},
    "followup.stale.gone": {"nb": "raden finnes ikke lenger", "en": "the row is gone"},
    "followup.stale.reapply": {"nb": "Bruk på nytt", "en": "Re-apply"},
    "followup.stale.withdraw": {"nb": "Trekk tilbake", "en": "Withdraw"},
    "followup.stale.why": {"nb": "Hvorfor", "en": "Why"},
    "followup.contacts.title": {"nb": "Kontaktlogg", "en": "Contact log"},
    "followup.contacts.channel": {"nb": "Kontaktform", "en": "Channel"},
    "followup.contacts.person": {"nb": "Kontaktperson", "en": "Person"},
    "followup.contacts.summary": {"nb": "Sammendrag", "en": "Summary"},
    "followup.contacts.follow_up": {"nb": "Følges opp", "en": "Follow up on"},
    "followup.contacts.add": {"nb": "Legg til i loggen", "en": "Add to the log"},
    "followup.contacts.none": {"nb": "Ingen kontakter er logget.", "en": "No contacts logged."},
    "followup.approval.approve": {"nb": "Godkjenn", "en": "Approve"},
    "followup.approval.withdraw": {"nb": "Trekk tilbake godkjenningen", "en": "Withdraw the approval"},
    "followup.approval.why_withdraw": {"nb": "Hvorfor", "en": "Why"},
    "followup.trail.title": {"nb": "Historikk for verdien", "en": "Audit trail of the value"},
    "followup.trail.when": {"nb": "Tidspunkt", "en": "When"},
    "followup.trail.event": {"nb": "Hendelse", "en": "Event"},
    "followup.trail.value": {"nb": "Verdi", "en": "Value"},
    "followup.trail.detail": {"nb": "Detaljer", "en": "Details"},
    "followup.trail.none": {"nb": "Verdien er ikke sendt inn.", "en": "The value has not been submitted."},
    "followup.trail.kind.submitted": {"nb": "Sendt inn", "en": "Submitted"},
    "followup.trail.kind.nil": {"nb": "Ingenting å rapportere", "en": "Nothing to report"},
    "followup.trail.kind.edit": {"nb": "Editert", "en": "Edited"},
    "followup.trail.kind.approved": {"nb": "Godkjent", "en": "Approved"},
    "followup.trail.kind.withdrawn": {"nb": "Godkjenning trukket tilbake", "en": "Approval withdrawn"},
    "followup.reason.WITHDRAWN": {"nb": "Endring trukket tilbake", "en": "Edit withdrawn"},
    "followup.reason.OTHER_SOURCE": {"nb": "Annen kilde", "en": "Other source"},
    "followup.reason.REVIEW": {"nb": "Gjennomgang i SSB", "en": "Review at Statistics Norway"},
    "followup.reason.OWNER": {"nb": "Opplyst av enheten", "en": "Given by the unit"},
    "followup.reason.MARGINAL_UNIT": {"nb": "Marginal enhet", "en": "Marginal unit"},
    "followup.reason.DUPLICATE": {"nb": "Dobbeltrapportering", "en": "Duplicate"},
    "followup.reason.OTHER": {"nb": "Annet", "en": "Other"},
    "followup.quality.title": {"nb": "Kvalitetsindikatorer", "en": "Quality indicators"},
    "followup.quality.lead": {"nb": "Per skjema: svarprosent, andel editerte verdier, treffrate og treffpresisjon.",
                              "en": "Per form: response rate, share of values edited, hit rate and hit accuracy."},
    "followup.quality.response": {"nb": "Svarprosent", "en": "Response rate"},
    "followup.quality.edited": {"nb": "Andel editert", "en": "Share edited"},
    "followup.quality.hit_rate": {"nb": "Treffrate", "en": "Hit rate"},
    "followup.quality.accuracy": {"nb": "Treffpresisjon", "en": "Hit accuracy"},
    "followup.quality.explain": {
        "nb": "Svarprosent: innsendt, «ingenting å rapportere» eller godkjent av enhetene som skal rapportere. "
              "Treffrate: feil av vurderte kontroller (bestått eller feil) i siste kontrollkjøring for skjemaet. "
              "Treffpresisjon: andel treff der enheten fikk en endring i et av feltene kontrollen leste, etter at "
              "kjøringen startet. «..» betyr at tallet mangler (ingen nevner).",
        "en": "Response rate: submitted, nothing to report or approved, of the units that must report. Hit rate: "
              "fails of the checks evaluated (pass or fail) in the latest control run for the form. Hit accuracy: "
              "share of hits whose unit got an edit of a field the control read, after the run started. “..” means "
              "the figure is missing (no denominator).",
    },
    "followup.status.pages": {"nb": "Sider i tabellen", "en": "Pages of the table"},
    "followup.status.page": {"nb": "Side", "en": "Page"},
    "followup.status.previous": {"nb": "Forrige", "en": "Previous"},
    "followup.status.next": {"nb": "Neste", "en": "Next"},
}
