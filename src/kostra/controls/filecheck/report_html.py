"""The HTML report: self-contained (inline CSS), Norwegian, entries grouped and de-duplicated as the official
``ValidationReport`` (``specs/kostra-files.md`` §3.2)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from kostra import __version__
from kostra.controls.filecheck.model import Severity
from kostra.controls.filecheck.report import Report

__all__ = ["render_html"]

_OSLO = ZoneInfo("Europe/Oslo")
_PHRASES = {
    Severity.FATAL: "kritiske feil som hindrer innsending",
    Severity.ERROR: "feil som hindrer innsending",
    Severity.WARNING: "advarsler",
    Severity.INFO: "meldinger til informasjon",
    Severity.OK: "meldinger",
}


@dataclass(frozen=True, slots=True)
class _SummaryRow:
    rule_name: str
    severity: Severity
    count: int
    phrase: str


def _safe_breaks(text: str) -> Markup:
    """Escape a message but keep the official ``<br/>`` line breaks."""
    return Markup("<br/>").join(escape(part) for part in text.split("<br/>"))


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("kostra.controls.filecheck", "templates"),
                      autoescape=select_autoescape(["html"]))
    env.filters["safe_breaks"] = _safe_breaks
    return env


def render_html(report: Report, max_entries: int = 5000) -> str:
    """The report as one self-contained HTML page ("Ingen feil funnet!" when clean)."""
    summary = [_SummaryRow(row.rule_name, row.severity, row.count, _PHRASES[row.severity])
               for row in report.summary_by_rule()]
    entries = report.merged_entries()
    statistics = report.statistics if report.severity < Severity.ERROR else []
    return _environment().get_template("report.html").render(
        report=report, summary=summary, entries=entries[:max_entries],
        hidden=max(0, len(entries) - max_entries), statistics=statistics, version=__version__,
        started=report.started_at.astimezone(_OSLO).strftime("%d.%m.%Y %H:%M:%S"),
    )
