"""``kostra controls``: run every rule and statistical check over a year, and measure recall on the demo."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from kostra.cli.context import pass_settings
from kostra.cli.output import format_option, render, year_option
from kostra.errors import NotFound, UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kostra.settings import Settings
    from kostra.store.models import ControlRun

__all__ = ["controls"]

_SUMMARY_COLUMNS = ("rule", "kind", "form", "severity", "items", "passes", "fails", "not_applicable", "errors")


@click.group()
def controls() -> None:
    """Control runs over all units of a reporting year."""


def _sessions(settings: Settings) -> Any:
    from kostra.store import create_engine_for, session_factory

    engine = create_engine_for(settings.effective_database_url)
    return engine, session_factory(engine)


@controls.command("run")
@year_option()
@click.option("--form", "form_id", default=None, help="Only the rules and checks of this form (e.g. 5, PSYK).")
@format_option("table", "json")
@pass_settings
def run(settings: Settings, year: int, form_id: str | None, output_format: str) -> None:
    """Run every rule and statistical check of YEAR over all units and store the results."""
    from kostra.controls.runs import STAGES, run_controls

    if form_id is not None:
        from kostra.catalog.forms import load_catalog

        load_catalog(year).form(form_id)  # an unknown form is one clear line, not an empty run

    def progress(done: int, total: int) -> None:
        if output_format == "table" and done < total:
            click.echo(f"[{done + 1}/{total}] {STAGES[done]} …", err=True)

    engine, sessions = _sessions(settings)
    try:
        with sessions() as session:
            stored = run_controls(session, year, form_id=form_id, actor="cli", progress=progress,
                                  cache_dir=settings.home / "cache")
            session.commit()
            click.echo(_run_output(session, stored, output_format))
    finally:
        engine.dispose()


def _run_output(session: Session, run: ControlRun, output_format: str) -> str:
    from kostra.controls.reports import run_notes

    summary = [e for e in json.loads(run.summary_json) if "rule" in e]
    notes = run_notes(run.summary_json)
    head = {"id": run.id, "year": run.year, "form": run.form_id, "started_by": run.started_by,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "rules": run.rules, "units": run.units, "hits": run.hits, "notes": [n["en"] for n in notes]}
    if output_format == "json":
        return json.dumps({"run": head, "summary": summary, "hits": _hits(session, run.id)}, ensure_ascii=False,
                          indent=1)
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
    table = render(summary, "table", _SUMMARY_COLUMNS)
    shown = "".join(f"\n{n['en']}" for n in notes)
    return (f"{table}\n{shown}\nRun {run.id} ({run.year}{', form ' + run.form_id if run.form_id else ''}): "
            f"{run.rules} rules and checks, {run.units} units, {run.hits} hits in {seconds:.1f} s.")


def _hits(session: Session, run_id: int) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from kostra.store.models import ControlResult

    rows = session.scalars(select(ControlResult).where(ControlResult.run_id == run_id,
                                                       ControlResult.outcome == "fail").order_by(
        ControlResult.score.desc().nulls_last(), ControlResult.rule, ControlResult.unit_code))
    return [{"rule": r.rule, "severity": r.severity, "form": r.form_id, "unit": r.unit_code,
             "fields": [f["id"] or f["name"] for f in json.loads(r.fields_json)],
             "field_refs": json.loads(r.fields_json), "values": json.loads(r.values_json),
             "message": r.message, "score": r.score} for r in rows]


@controls.command("recall")
@year_option()
@format_option("table", "json")
@pass_settings
def recall(settings: Settings, year: int, output_format: str) -> None:
    """Seeded demo errors found by the latest control run of YEAR: recall per kind, precision of the hits."""
    from kostra.controls.runs import latest_run
    from kostra.demo.recall import recall_of_run
    from kostra.demo.seeded import seeded_errors

    ledger = seeded_errors(settings.home, year)
    if not ledger:
        raise NotFound(f"no seeded-error ledger for {year} in {settings.home}: build the demo first "
                       f"(kostra demo --year {year})")
    engine, sessions = _sessions(settings)
    try:
        with sessions() as session:
            found = latest_run(session, year)
            if found is None:
                raise UsageError(f"no control run for {year}: run 'kostra controls run --year {year}' first")
            report = recall_of_run(session, found, ledger)
    finally:
        engine.dispose()
    if output_format == "json":
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return
    rows = [{"kind": k.kind, "seeded": k.seeded, "in_draft": k.in_draft, "found": k.found,
             "recall": "" if k.recall is None else f"{k.recall:.0%}", "found_by": k.found_by}
            for k in report.kinds]
    click.echo(render(rows, "table", ("kind", "seeded", "in_draft", "found", "recall", "found_by")))
    precision = "" if report.precision is None else f"{report.precision:.0%}"
    click.echo(f"\nRun {report.run_id}: {report.hits} hits (WARNING or worse), {report.explained} explained by "
               f"seeded errors, {report.hits - report.explained} not seeded: precision {precision}. "
               f"{report.info_hits} INFO hits not counted.")
    click.echo("missing_form and late_submission are found by the status board (no submission / submitted "
               "after the deadline), not by rules; errors left in drafts are not in submitted data and are "
               "left out of recall.")
    if report.unexplained_by_rule:
        top = ", ".join(f"{rule} {count}" for rule, count in list(report.unexplained_by_rule.items())[:8])
        click.echo(f"Hits not seeded, by rule: {top}")
