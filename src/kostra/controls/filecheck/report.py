"""The result of checking one file: entries, counts, severity, and its JSON and text renderings.

The JSON keeps the official field names of SSB's ``JSONValidationReport`` (``specs/kostra-files.md`` §3.2):
``validationSummary`` with ``severity`` as the return code, and ``reportEntries``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kostra import __version__
from kostra.controls.filecheck.model import ReportEntry, Severity

__all__ = ["MergedEntry", "Report", "RuleSummary", "render_text"]


@dataclass(frozen=True, slots=True)
class RuleSummary:
    """How many entries one rule produced, at its worst severity."""

    rule_name: str
    severity: Severity
    count: int


@dataclass(frozen=True, slots=True)
class MergedEntry:
    """Entries with the same caseworker, journal, rule and message merged, line numbers unioned."""

    severity: Severity
    rule_name: str
    message_text: str
    line_numbers: tuple[int, ...]
    journal_id: str
    caseworker: str


@dataclass(frozen=True)
class Report:
    """All findings of one file check. ``severity`` is the worst entry's (ERROR when nothing was checked)."""

    form: str
    year: int
    region: str
    entries: tuple[ReportEntry, ...]
    number_of_controls: int
    started_at: datetime
    completed_at: datetime
    statistics: list[dict[str, object]] = field(default_factory=list)
    name: str = ""
    encoding: str = ""

    @property
    def severity(self) -> Severity:
        worst = max((entry.severity for entry in self.entries), default=Severity.OK)
        # As the official program: a run that checked nothing cannot be accepted.
        if self.number_of_controls == 0:
            return max(worst, Severity.ERROR)
        return worst

    @property
    def return_code(self) -> int:
        """Process exit code: 0 OK/INFO, 1 WARNING, 2 ERROR/FATAL."""
        return self.severity.return_code

    @property
    def generation_ms(self) -> int:
        return int((self.completed_at - self.started_at).total_seconds() * 1000)

    def count(self, severity: Severity) -> int:
        return sum(1 for entry in self.entries if entry.severity == severity)

    def summary_by_rule(self) -> list[RuleSummary]:
        """One row per rule name, worst first, then by name."""
        counts: Counter[str] = Counter(entry.rule_name for entry in self.entries)
        worst: dict[str, Severity] = {}
        for entry in self.entries:
            worst[entry.rule_name] = max(worst.get(entry.rule_name, Severity.OK), entry.severity)
        rows = [RuleSummary(name, worst[name], counts[name]) for name in counts]
        return sorted(rows, key=lambda row: (-int(row.severity), row.rule_name))

    def merged_entries(self) -> list[MergedEntry]:
        """Entries de-duplicated as the official HTML report: by caseworker, journal, rule and message."""
        groups: dict[tuple[str, str, str, str], list[ReportEntry]] = {}
        for entry in self.entries:
            key = (entry.caseworker, entry.journal_id, entry.rule_name, entry.message_text)
            groups.setdefault(key, []).append(entry)
        merged = [
            MergedEntry(
                severity=max(item.severity for item in items),
                rule_name=key[2],
                message_text=key[3],
                line_numbers=tuple(sorted({n for item in items for n in item.line_numbers})),
                journal_id=key[1],
                caseworker=key[0],
            )
            for key, items in groups.items()
        ]
        return sorted(merged, key=lambda m: (m.caseworker, m.journal_id, m.rule_name, m.line_numbers))

    def to_json_dict(self) -> dict[str, object]:
        """The report as the official JSON shape (plus ``form``, ``severityName`` and ``statistics``)."""
        summary: dict[str, object] = {
            "form": self.form,
            "scheme": self.form,
            "year": self.year,
            "region": self.region,
            "name": self.name,
            "programVersion": __version__,
            "reportStartedAt": self.started_at.isoformat(),
            "reportCompletedAt": self.completed_at.isoformat(),
            "reportGenerationTime": self.generation_ms,
            "numberOfControls": self.number_of_controls,
            "severity": self.return_code,
            "severityName": self.severity.name,
            "numFatal": self.count(Severity.FATAL),
            "numErrors": self.count(Severity.ERROR),
            "numWarnings": self.count(Severity.WARNING),
            "numInfo": self.count(Severity.INFO),
            "numOk": self.count(Severity.OK),
        }
        result: dict[str, object] = {
            "validationSummary": summary,
            "reportEntries": [_entry_json(entry) for entry in self.entries],
        }
        if self.statistics and self.severity < Severity.ERROR:
            result["statistics"] = self.statistics
        return result


def _entry_json(entry: ReportEntry) -> dict[str, object]:
    return {
        "severity": entry.severity.name,
        "caseworker": entry.caseworker,
        "journalId": entry.journal_id,
        "individId": entry.individ_id,
        "contextId": entry.context_id,
        "ruleName": entry.rule_name,
        "messageText": entry.message_text,
        "lineNumbers": list(entry.line_numbers),
    }


def now() -> datetime:
    """The current time in UTC (reports store aware timestamps)."""
    return datetime.now(UTC)


def render_text(report: Report, max_entries: int = 200) -> str:
    """A plain-text summary: header, counts per rule, then the (merged) entries."""
    lines = [
        f"Kontroll av {report.form} {report.year}, region {report.region}",
        f"Antall kontroller utført: {report.number_of_controls}",
        f"Resultat: {report.severity.name} ({report.severity.label_nb}), returkode {report.return_code}",
    ]
    summary = report.summary_by_rule()
    if not summary:
        lines.append("Ingen feil funnet!")
        return "\n".join(lines)
    lines.append("")
    lines.append("Oppsummering pr. kontroll:")
    lines.extend(f"  {row.severity.name:<8} {row.count:>7}  {row.rule_name}" for row in summary)
    lines.append("")
    merged = report.merged_entries()
    for entry in merged[:max_entries]:
        where = _lines_text(entry.line_numbers)
        lines.append(f"{entry.severity.name:<8} {entry.rule_name}{where}")
        lines.append(f"         {entry.message_text.replace('<br/>', ' ')}")
    if len(merged) > max_entries:
        lines.append(f"... og {len(merged) - max_entries} meldinger til (bruk --format json for alle)")
    return "\n".join(lines)


def _lines_text(numbers: tuple[int, ...], limit: int = 20) -> str:
    if not numbers:
        return ""
    shown = ", ".join(str(n) for n in numbers[:limit])
    more = f" … (+{len(numbers) - limit})" if len(numbers) > limit else ""
    return f" (linje {shown}{more})"
