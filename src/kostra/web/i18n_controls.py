"""Page texts of the office's control runs and dashboards, in bokmål and English (merged into ``kostra.web.i18n.MESSAGES``)."""

from __future__ import annotations

from kostra.web.i18n_types import Lang

MESSAGES: dict[str, dict[Lang, str]] = {
    # the office's dashboard
    "controls.title": {"nb": "Kontroller", "en": "Controls"},
    "controls.lead": {
        "nb": "Kjør alle kontroller over alle enheter, og se hvor treffene er og hvilke enheter som bør følges opp først.",
        "en": "Run every control over all units, and see where the hits are and which units to follow up first.",
    },
    "controls.back": {"nb": "Tilbake til kontrolloversikten", "en": "Back to the controls overview"},
    "controls.latest_run": {"nb": "Kontrollkjøring", "en": "Control run"},
    "controls.no_run": {
        "nb": "Ingen kontrollkjøring er ferdig for dette året ennå. Trykk «Kjør kontroller».",
        "en": "No control run has finished for this year yet. Press “Run controls”.",
    },
    "controls.run.id": {"nb": "Kjøring", "en": "Run"},
    "controls.run.scope": {"nb": "Omfang", "en": "Scope"},
    "controls.run.started_at": {"nb": "Startet", "en": "Started"},
    "controls.run.finished_at": {"nb": "Ferdig", "en": "Finished"},
    "controls.run.by": {"nb": "Startet av", "en": "Started by"},
    "controls.run.rules": {"nb": "Kontroller", "en": "Controls"},
    "controls.run.units": {"nb": "Enheter", "en": "Units"},
    "controls.run.hits": {"nb": "Treff", "en": "Hits"},
    "controls.run.button": {"nb": "Kjør kontroller", "en": "Run controls"},
    "controls.run.form": {"nb": "Skjema som skal kontrolleres", "en": "Form to check"},
    "controls.run.explain": {
        "nb": "Kjøringen kontrollerer alle innsendte skjema mot alle regler og statistiske kontroller. Det kan ta litt tid.",
        "en": "The run checks every submitted form against every rule and statistical check. It may take a while.",
    },
    "controls.all_forms": {"nb": "Alle skjema", "en": "All forms"},
    "controls.run.failed": {"nb": "Kontrollkjøringen stoppet", "en": "The control run stopped"},
    "controls.run.crashed": {
        "nb": "Kontrollkjøringen feilet uventet. Feilen er logget; ingenting er lagret.",
        "en": "The control run failed unexpectedly. The error has been logged; nothing was stored.",
    },
    "controls.run.done": {
        "nb": "Kontrollkjøring {id} er ferdig: {rules} kontroller, {units} enheter, {hits} treff.",
        "en": "Control run {id} has finished: {rules} controls, {units} units, {hits} hits.",
    },
    "controls.filter.title": {"nb": "Utvalg", "en": "Filter"},
    "controls.filter.form": {"nb": "Skjema", "en": "Form"},
    "controls.filter.severity": {"nb": "Minste alvorlighet", "en": "Least severity"},
    "controls.filter.any": {"nb": "Alle", "en": "All"},
    "controls.filter.apply": {"nb": "Vis", "en": "Show"},
    "controls.rules.title": {"nb": "Treff per kontroll", "en": "Hits per control"},
    "controls.rules.none": {"nb": "Ingen kontroller har treff i dette utvalget.", "en": "No control has hits in this selection."},
    "controls.rules.quiet": {"nb": "kontroller uten treff", "en": "controls without hits"},
    "controls.chart.form": {"nb": "Treff per skjema", "en": "Hits per form"},
    "controls.chart.county": {"nb": "Treff per fylke", "en": "Hits per county"},
    "controls.ranked.title": {"nb": "Enheter å følge opp først", "en": "Units to follow up first"},
    "controls.ranked.explain": {
        "nb": "Rangert etter betydning for lands- og fylkestallene (selektiv editering): for hvert felt med treff "
              "teller den største avstanden fra forventet verdi, som andel av fjorårets total; andelene summeres "
              "per enhet. Enheter uten beregnet betydning kommer sist, etter alvorlighet og antall treff.",
        "en": "Ranked by their effect on the national and county figures (selective editing): for each field with "
              "hits the largest distance from the expected value counts, as a share of last year's total; the "
              "shares add up per unit. Units without a computed effect come last, by severity and number of hits.",
    },
    "controls.ranked.none": {"nb": "Ingen enheter har treff i dette utvalget.", "en": "No unit has hits in this selection."},
    "controls.runs.title": {"nb": "Kjøringer", "en": "Runs"},
    "controls.col.rule": {"nb": "Kontroll", "en": "Control"},
    "controls.col.label": {"nb": "Hva kontrollen sjekker", "en": "What the control checks"},
    "controls.col.kind": {"nb": "Type", "en": "Kind"},
    "controls.col.form": {"nb": "Skjema", "en": "Form"},
    "controls.col.severity": {"nb": "Alvorlighet", "en": "Severity"},
    "controls.col.fails": {"nb": "Treff", "en": "Hits"},
    "controls.col.items": {"nb": "Kontrollert", "en": "Checked"},
    "controls.col.not_applicable": {"nb": "Ikke aktuell", "en": "Not applicable"},
    "controls.col.errors": {"nb": "Kunne ikke avgjøres", "en": "Undecided"},
    "controls.col.hit_rate": {"nb": "Treffrate", "en": "Hit rate"},
    "controls.col.rank": {"nb": "Nr.", "en": "No."},
    "controls.col.unit": {"nb": "Enhet", "en": "Unit"},
    "controls.col.county": {"nb": "Fylke", "en": "County"},
    "controls.col.score": {"nb": "Betydning (% av total)", "en": "Effect (% of total)"},
    "controls.col.worst": {"nb": "Verste", "en": "Worst"},
    "controls.col.forms": {"nb": "Skjema", "en": "Forms"},
    "controls.col.fields": {"nb": "Felt", "en": "Fields"},
    "controls.col.values": {"nb": "Verdier som ble lest", "en": "Values read"},
    "controls.col.message": {"nb": "Melding", "en": "Message"},
    "controls.kind.rule": {"nb": "regel", "en": "rule"},
    "controls.kind.hb": {"nb": "HB-metoden", "en": "HB method"},
    "controls.kind.thousand": {"nb": "tusenfeil", "en": "thousand error"},
    "controls.kind.quartile": {"nb": "kvartilmetoden", "en": "quartile method"},
    "controls.kind.ratio": {"nb": "forholdstall", "en": "ratio"},
    "controls.severity.INFO": {"nb": "Info", "en": "Info"},
    "controls.severity.WARNING": {"nb": "Advarsel", "en": "Warning"},
    "controls.severity.ERROR": {"nb": "Feil", "en": "Error"},
    "controls.severity.FATAL": {"nb": "Kritisk feil", "en": "Fatal error"},
    # one rule, one unit
    "controls.rule.title": {"nb": "Enheter med treff på kontrollen", "en": "Units with hits on the control"},
    "controls.rule.none": {"nb": "Ingen enheter har treff på denne kontrollen.", "en": "No unit has hits on this control."},
    "controls.unit.title": {"nb": "Kontrolltreff for", "en": "Control hits for"},
    "controls.unit.none": {"nb": "Enheten har ingen treff i de siste kontrollkjøringene.", "en": "The unit has no hits in the latest control runs."},
    "controls.unit.followup": {"nb": "Oppfølging av enheten", "en": "Follow-up of the unit"},
    "controls.unit.score": {"nb": "Samlet betydning", "en": "Total effect"},
    "controls.unit.from_runs": {"nb": "Fra kjøring", "en": "From run"},
    # the municipalities' control report (portal)
    "controls.portal.title": {"nb": "Kontrollrapport fra SSB", "en": "Control report from Statistics Norway"},
    "controls.portal.lead": {
        "nb": "SSB kontrollerer tallene dere har sendt inn mot hverandre, mot fjoråret og mot andre kommuner. "
              "Her er det kontrollene fant for enheten og institusjonene dere rapporterer for.",
        "en": "Statistics Norway checks the figures you submitted against each other, against last year and against "
              "other municipalities. Here is what the checks found for the unit and the institutions you report for.",
    },
    "controls.portal.no_run": {
        "nb": "SSB har ikke kjørt kontroller på tallene for dette året ennå.",
        "en": "Statistics Norway has not checked the figures for this year yet.",
    },
    "controls.portal.none": {
        "nb": "Kontrollene fant ingenting å rette eller forklare. Takk!",
        "en": "The checks found nothing to correct or explain. Thank you!",
    },
    "controls.portal.checked_at": {"nb": "Sist kontrollert", "en": "Last checked"},
    "controls.portal.todo": {"nb": "Hva dere gjør", "en": "What to do"},
    "controls.portal.todo_error": {
        "nb": "Rett tallene i skjemaet og send det inn på nytt.",
        "en": "Correct the figures in the form and submit it again.",
    },
    "controls.portal.todo_warning": {
        "nb": "Sjekk tallene. Er de feil: rett dem og send inn på nytt. Er de riktige: forklar dem med en kommentar "
              "i skjemaet og send inn på nytt.",
        "en": "Check the figures. If they are wrong, correct them and submit again. If they are right, explain them "
              "with a comment in the form and submit again.",
    },
    "controls.portal.open_form": {"nb": "Åpne skjemaet", "en": "Open the form"},
    "controls.portal.link": {"nb": "Kontrollrapport fra SSB", "en": "Control report from Statistics Norway"},
    "controls.portal.hits": {"nb": "treff å rette eller forklare", "en": "hits to correct or explain"},
    "controls.portal.no_hits": {"nb": "ingen treff", "en": "no hits"},
    "controls.portal.superseded": {"nb": "Treff på eldre versjoner (erstattet)",
                                   "en": "Hits on older versions (superseded)"},
    "controls.portal.superseded_lead": {
        "nb": "Disse treffene gjaldt en versjon dere har sendt inn på nytt. De teller ikke lenger.",
        "en": "These hits were on a version you have since resubmitted. They no longer count."},
    "controls.portal.version": {"nb": "versjon", "en": "version"},
    "controls.portal.field": {"nb": "felt", "en": "field"},
    "controls.portal.other_form": {"nb": "leser også skjema", "en": "also reads form"},
}
