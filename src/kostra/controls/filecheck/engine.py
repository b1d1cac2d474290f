"""Check one KOSTRA file attachment: ``check_file(data, args) -> Report``.

Flow as the official program (``specs/kostra-files.md`` §3.1): validate the arguments, run the pre-rules
on the raw lines (000 attachment, 001 record length; the first that reports stops the check), parse the
records, then run every content rule (generic 002 and the form family's rules) on the whole frame.
A rule that raises is reported as broken and the others still run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType

import polars as pl

from kostra.controls.filecheck import generic
from kostra.controls.filecheck.model import CheckArguments, FileRule, ReportEntry, Severity
from kostra.controls.filecheck.registry import family_of, load_rule_module, rules_of
from kostra.controls.filecheck.report import Report, now
from kostra.controls.filecheck.screens import ScreenedFile, screened_out, screened_out_together
from kostra.controls.filecheck.statistics import StatisticsQuery, statistics_together
from kostra.errors import UsageError
from kostra.intake.fixedwidth import TEXT_COLUMN, parse_records, read_lines
from kostra.intake.layouts import Layout, layout_years, load_layout

__all__ = ["ArgumentProblem", "argument_problems", "check_file", "check_files", "validate_arguments"]

log = logging.getLogger(__name__)

_REGION = re.compile(r"^[0-9]{6}$")
_ORGNR = re.compile(r"^[0-9]{9}$")


@dataclass(frozen=True, slots=True)
class ArgumentProblem:
    """One argument that cannot be used: which one and why (Norwegian-free, for CLI and API)."""

    field: str
    message: str


def argument_problems(args: CheckArguments) -> list[ArgumentProblem]:
    """Everything wrong with ``args`` (form, year, region, orgnrs, quarter); empty when usable."""
    problems: list[ArgumentProblem] = []
    try:
        years = layout_years(args.form)
        if args.year not in years:
            problems.append(ArgumentProblem(
                "year", f"unknown year {args.year!r} for form {args.form}: layouts exist for "
                        f"{years[0]}–{years[-1]}"))
    except UsageError as error:
        problems.append(ArgumentProblem("form", str(error)))
    if not _REGION.match(args.region):
        problems.append(ArgumentProblem(
            "region", f"invalid region {args.region!r}: expected 6 digits, a municipality number + district "
                      "(030100, 030112), a county (500000) or a family-counselling region (667200)"))
    problems.extend(
        ArgumentProblem("orgnr", f"invalid organisation number {orgnr!r}: expected 9 digits")
        for orgnr in args.orgnrs if not _ORGNR.match(orgnr)
    )
    if args.quarter is not None and args.quarter not in {"1", "2", "3", "4"}:
        problems.append(ArgumentProblem("quarter", f"invalid quarter {args.quarter!r}: expected 1, 2, 3 or 4"))
    return problems


def validate_arguments(args: CheckArguments) -> None:
    """Raise ``UsageError`` listing every unusable argument."""
    problems = argument_problems(args)
    if problems:
        raise UsageError("; ".join(problem.message for problem in problems))


def check_file(data: bytes, args: CheckArguments) -> Report:
    """Control the file ``data`` against the form, year and region in ``args``.

    Never raises for bad input: unusable arguments, empty files, junk and wrong layouts all come back as
    FATAL or ERROR entries. Example: ``check_file(path.read_bytes(), CheckArguments("52AF", 2025, "667200"))``.
    """
    holder = [data]
    del data  # a caller that passes the bytes without keeping them frees them once split into lines
    started = _started(holder, args)
    if isinstance(started, Report):
        return started
    return _finished(started, screened_out(started.rules, started.records, started.args))


def check_files(files: Sequence[tuple[bytes, CheckArguments]]) -> list[Report]:
    """Control many files: the report of each is the one ``check_file`` gives it, but for its times (a file's
    start and completion stamps also span the work on the other files of its batch).

    The rule screens of the files of one form and year are evaluated in one grouped query instead of one
    query per file: on the small files a municipality sends, Polars' fixed cost per query and expression
    outweighs the work (see ``screens.screened_out_together``). Example:
    ``check_files([(data, CheckArguments("11F", 2025, "340100")), ...])``.
    """
    done: list[Report | None] = []
    pending: list[tuple[int, _Started]] = []
    held = 0  # records of the pending files
    for data, args in files:
        started = _started([data], args)
        if isinstance(started, Report):
            done.append(started)
            continue
        done.append(None)
        pending.append((len(done) - 1, started))
        held += started.records.height
        if held >= _BATCH_RECORDS:
            _finish_together(pending, done)
            held = 0
    _finish_together(pending, done)
    return [report for report in done if report is not None]


# Records screened together at most: bounds the memory held by a batch (the records of its files).
_BATCH_RECORDS = 50_000


def _finish_together(pending: list[tuple[int, _Started]], done: list[Report | None]) -> None:
    """Screen the pending files together, run their rules into ``done``, and empty ``pending``."""
    quiet = screened_out_together([ScreenedFile(item.rules, item.records, item.args) for _, item in pending])
    queries = [(position, query) for position, (_, item) in enumerate(pending)
               if (query := _statistics_query(item)) is not None]
    counted = statistics_together([(query, pending[position][1].records) for position, query in queries])
    statistics: list[list[dict[str, object]] | None] = [None] * len(pending)
    for (position, _), rows in zip(queries, counted, strict=True):
        statistics[position] = rows
    for (index, item), screened, rows in zip(pending, quiet, statistics, strict=True):
        done[index] = _finished(item, screened, rows)
    pending.clear()


def _statistics_query(item: _Started) -> StatisticsQuery | None:
    """The module's statistics as one query, when it has one (else its ``statistics`` runs per file)."""
    build = getattr(item.module, "statistics_query", None)
    if build is None:
        return None
    try:
        query: StatisticsQuery = build(item.args, frozenset(item.records.columns))
    except Exception:
        log.debug("statistics query of %s failed to build", item.args.form, exc_info=True)
        return None
    return query


@dataclass(slots=True)
class _Started:
    """A file cut into records and prepared, whose content rules are still to run."""

    args: CheckArguments
    started: datetime
    encoding: str
    controls: int  # of the pre-rules
    module: ModuleType | None
    records: pl.DataFrame  # as the module's ``prepare`` made them
    rules: list[FileRule]
    entries: list[ReportEntry]  # a broken rule module's


def _started(holder: list[bytes], args: CheckArguments) -> Report | _Started:
    """The report when the arguments or the pre-rules stop the check, else the prepared records and rules.

    The bytes come in a one-element list that is emptied here, so that they are freed once split into lines.
    """
    started = now()
    problems = argument_problems(args)
    if problems:
        entries = tuple(_argument_entry(problem) for problem in problems)
        return _report(args, entries, 0, started)
    layout = load_layout(args.form, args.year)
    source = read_lines(holder.pop())
    pre_entries = generic.check_has_attachment(source.content, args)
    pre_rules = 2 if args.form in ("11F", "11CF") else 1
    if not pre_entries:
        pre_entries = generic.check_record_length(source.frame, layout.record_length)
    controls = max(source.count, 1) * pre_rules
    if pre_entries:
        return _report(args, tuple(pre_entries), controls, started, encoding=source.encoding)
    encoding = source.encoding
    module = load_rule_module(args.form)
    records = [parse_records(_kept_lines(source.frame, layout, module, args), layout)]
    del source  # the lines are not needed once cut into fields (peak memory of large files)
    prepared, rules, entries = _prepared(records, args, module)
    return _Started(args, started, encoding, controls, module, prepared, rules, entries)


def _finished(item: _Started, quiet: set[int], counted: list[dict[str, object]] | None = None) -> Report:
    """Run the rules not in ``quiet`` and the statistics (unless ``counted`` already): the file's report."""
    entries, checked, statistics = _run_content_rules(item, quiet, counted)
    args, started, encoding = item.args, item.started, item.encoding
    report = _report(args, tuple(entries), item.controls + checked, started, encoding=encoding)
    if statistics and report.severity < Severity.ERROR:
        report = _report(args, report.entries, report.number_of_controls, started, statistics,
                         encoding=encoding)
    return report


def _kept_lines(lines: pl.DataFrame, layout: Layout, module: ModuleType | None,
                args: CheckArguments) -> pl.DataFrame:
    """The lines of the records the content rules see: the module's ``kept_records`` filter, if any.

    The filter is evaluated on just the fields it reads, cut from the lines, so that records left out
    (accounts: amounts of 0) are never cut into fields and no frame of all fields is copied to drop them.
    """
    keep = getattr(module, "kept_records", None)
    condition = keep(args) if keep is not None else None
    if condition is None:
        return lines
    fields = {field.name: field for field in layout.fields}
    needed = [pl.col(TEXT_COLUMN).str.slice(fields[name].start, fields[name].size).alias(name)
              for name in condition.meta.root_names()]
    kept = lines.lazy().with_columns(needed).select(condition.fill_null(False)).collect().to_series()
    return lines if kept.all() else lines.filter(kept)


def _prepared(
    holder: list[pl.DataFrame], args: CheckArguments, module: ModuleType | None
) -> tuple[pl.DataFrame, list[FileRule], list[ReportEntry]]:
    """The records the rules see (the module's ``prepare``), the rules that apply, a broken module's entry.

    The records come in a one-element list that is emptied here, so that the raw records can be freed as
    soon as the module's ``prepare`` has derived its frame from them.
    """
    records = holder.pop()
    rules: list[FileRule] = []
    family = family_of(args.form)
    if family is not None and family.runs_rule_002:
        rules.append(generic.file_description_rule(load_layout(args.form, args.year)))
    entries: list[ReportEntry] = []
    prepared = records
    if module is not None:
        try:
            if hasattr(module, "prepare"):
                prepared = module.prepare(records, args)
                del records
            rules.extend(rules_of(module.__name__, args))
        except Exception as error:  # a broken rule module must not hide the generic results
            log.exception("rule module %s failed", module.__name__)
            entries.append(_broken_entry(module.__name__, error))
    rules = [rule for rule in rules if not rule.applies_to or args.form in rule.applies_to]
    return prepared, rules, entries


def _run_content_rules(item: _Started, quiet: set[int], counted: list[dict[str, object]] | None
                       ) -> tuple[list[ReportEntry], int, list[dict[str, object]]]:
    """Run 002 and the module's rules but those in ``quiet``; returns entries, number of controls and statistics
    (``counted`` when given, else the module's)."""
    args, module, prepared, rules = item.args, item.module, item.records, item.rules
    entries = [*item.entries, *_run_rules(rules, prepared, args, quiet)]
    statistics: list[dict[str, object]] = counted or []
    if counted is None and module is not None and hasattr(module, "statistics"):
        try:
            statistics = list(module.statistics(prepared, args))
        except Exception:
            log.exception("statistics of %s failed", module.__name__)
    return entries, prepared.height * len(rules), statistics


def _run_rules(rules: Sequence[FileRule], records: pl.DataFrame, args: CheckArguments,
               quiet: set[int]) -> list[ReportEntry]:
    entries: list[ReportEntry] = []
    for index, rule in enumerate(rules):
        if index in quiet:
            continue
        try:
            entries.extend(rule.check(records, args))
        except Exception as error:  # recorded as broken; the other rules still run
            log.exception("rule %r failed", rule.name)
            entries.append(_broken_entry(rule.name, error))
    return entries


def _broken_entry(name: str, error: Exception) -> ReportEntry:
    text = (f"Kontrollen kunne ikke gjennomføres på grunn av en intern feil ({type(error).__name__}: "
            f"{error}). Kontakt brukerstøtte.")
    return ReportEntry(Severity.ERROR, name, text)


def _argument_entry(problem: ArgumentProblem) -> ReportEntry:
    name = "Ukjent skjema" if problem.field == "form" else f"Ugyldig parameter: {problem.field}"
    return ReportEntry(Severity.FATAL, name, problem.message)


def _report(args: CheckArguments, entries: tuple[ReportEntry, ...], controls: int, started: datetime,
            statistics: list[dict[str, object]] | None = None, encoding: str = "") -> Report:
    return Report(
        form=args.form, year=args.year, region=args.region, entries=entries, number_of_controls=controls,
        started_at=started, completed_at=now(), statistics=statistics or [], encoding=encoding,
    )
