"""Generic rules of every fixed-width form: Kontroll 000, 001 and 002 (``specs/kostra-files.md`` §3.3 items 1–3).

000 and 001 are *pre-rules* on the raw file and lines: the first that reports stops the check. 002 checks every
record × field against the layout (mandatory, integer, date, code list), vectorised with Polars.
"""

from __future__ import annotations

import polars as pl

from kostra.controls.filecheck.model import CheckArguments, FileRule, ReportEntry, Severity
from kostra.intake.fixedwidth import LINE_COLUMN, TEXT_COLUMN
from kostra.intake.layouts import FieldDefinition, Layout

__all__ = [
    "RULE_000",
    "RULE_001",
    "RULE_002",
    "check_has_attachment",
    "check_record_length",
    "file_description_rule",
]

RULE_000 = "Kontroll 000 : Skal levere filuttrekk"
RULE_001 = "Kontroll 001 : Recordlengde"
RULE_002 = "Kontroll 002 : Filbeskrivelse"

_MISSING, _BAD_INTEGER, _BAD_DATE, _BAD_CODE = 1, 2, 3, 4
_SUB_NAMES = {
    _MISSING: "mangler obligatorisk verdi",
    _BAD_INTEGER: "feil i heltall-felt",
    _BAD_DATE: "feil i dato-felt",
    _BAD_CODE: "feil kode",
}
_DATE_FORMATS = {"ddMMyyyy": ("%d%m%Y", 8), "ddMMyy": ("%d%m%y", 6)}

# Fields whose 'mandatory' flag only holds under a condition. 11F BYDELSNR is mandatory in SSB's YAML, yet
# Kontroll 03 requires it blank outside Oslo, so no non-Oslo record could pass (specs/kostra-files.md §7.1).
_CONDITIONALLY_MANDATORY: dict[tuple[str, str], pl.Expr] = {
    ("11F", "BYDELSNR"): pl.col("KOMMUNE_NR") == "0301",
    ("11CF", "BYDELSNR"): pl.col("KOMMUNE_NR") == "0301",
}


def check_has_attachment(content: str, args: CheckArguments) -> list[ReportEntry]:
    """Kontroll 000: the 'has data' answer of the form must agree with the file (11F/11CF only).

    A file consisting of a single space (line end allowed) means "nothing to report".
    """
    if args.form not in ("11F", "11CF"):
        return []
    only_space = content.rstrip("\r\n") == " "  # SourceLines keeps the text of tiny files only
    if args.has_data and only_space:
        text = ("Det er krysset av i skjemaet at det finnes deltakere, men fil som kun inneholder "
                "et mellomrom er levert.")
        return [ReportEntry(Severity.FATAL, RULE_000, text)]
    if not args.has_data and not only_space:
        text = ("Det er krysset av i skjemaet at det ikke finnes deltakere, men filen som er levert har "
                "annet innhold enn ett mellomrom. Lever en fil som kun inneholder ett mellomrom, eller "
                "kryss av for at det finnes deltakere.")
        return [ReportEntry(Severity.FATAL, RULE_000, text)]
    if not args.has_data:
        text = ("Det er krysset av i skjemaet at det ikke finnes deltakere og fil som kun inneholder "
                "et mellomrom er levert.")
        return [ReportEntry(Severity.OK, RULE_000, text)]
    return []


def check_record_length(lines: pl.DataFrame, length: int) -> list[ReportEntry]:
    """Kontroll 001: every line has exactly ``length`` characters and no TAB; one FATAL entry per bad line."""
    if lines.height == 0:
        text = (f"Filen inneholder ingen records. Korrigér filen slik at den har én record på {length} tegn "
                "per linje.")
        return [ReportEntry(Severity.FATAL, RULE_001, text)]
    text_col = pl.col(TEXT_COLUMN)
    bad = lines.select(
        pl.col(LINE_COLUMN),
        text_col.str.len_chars().alias("length"),
        text_col.str.contains("\t", literal=True).alias("tab"),
    ).filter((pl.col("length") != length) | pl.col("tab"))
    entries = []
    for line, found, tab in bad.iter_rows():
        problem = "inneholder tabulator" if tab and found == length else f"har {found} tegn"
        text = (f"Korrigér filen slik at alle records er på {length} tegn (linjen {problem}).<br/>"
                "Mellomrom brukes for alle blanke posisjoner og hver record avsluttes med linjeskift.<br/>"
                "Denne feilen hindrer de andre kontrollene i å bli kjørt.")
        entries.append(ReportEntry(Severity.FATAL, RULE_001, text, (line,)))
    return entries


def file_description_rule(layout: Layout) -> FileRule:
    """Kontroll 002 for ``layout``: one ERROR entry per record × field that breaks the layout."""

    def check(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        return _check_file_description(records, layout)

    def screen(args: CheckArguments, columns: frozenset[str]) -> pl.Expr | None:
        return _screen(layout)

    # The screen is the check's own condition: worth it only for many files screened together.
    return FileRule(name=RULE_002, severity=Severity.ERROR, check=check, screen=screen, screen_alone=False)


def _screen(layout: Layout) -> pl.Expr | None:
    """True on a record where some checked field fails (one expression per layout); None when none is checked."""
    cached = _SCREENS.get(id(layout))
    if cached is None or cached[0] is not layout:
        _, expressions = _checked_fields(layout)
        screen = pl.any_horizontal([kind.is_not_null() for kind in expressions]) if expressions else None
        cached = (layout, screen)
        _SCREENS[id(layout)] = cached
    return cached[1]


def _failure_kind(field: FieldDefinition, layout_id: str) -> pl.Expr:
    """UInt8 code of what is wrong with the field's value (null when fine)."""
    raw = pl.col(field.name)
    trimmed = raw.str.strip_chars()
    blank = trimmed.str.len_bytes() == 0
    mandatory: pl.Expr = pl.lit(field.mandatory)
    if field.mandatory and (layout_id, field.name) in _CONDITIONALLY_MANDATORY:
        mandatory = _CONDITIONALLY_MANDATORY[(layout_id, field.name)]
    invalid: pl.Expr | None = None
    kind = _BAD_CODE
    if field.data_type == "INTEGER_TYPE":
        invalid, kind = ~trimmed.str.contains(r"^[+-]?[0-9]{1,9}$"), _BAD_INTEGER
    elif field.data_type == "DATE_TYPE":
        fmt, width = _DATE_FORMATS.get(field.date_pattern, ("%d%m%Y", 8))
        parsed = raw.str.strptime(pl.Date, fmt, strict=False)
        invalid = ~raw.str.contains(rf"^[0-9]{{{width}}}$") | parsed.is_null()
        kind = _BAD_DATE
    elif field.code_list:
        invalid = ~raw.is_in(sorted(field.codes))
    expr = pl.when(blank & mandatory).then(pl.lit(_MISSING, pl.UInt8))
    if invalid is not None:
        expr = expr.when(~blank & invalid).then(pl.lit(kind, pl.UInt8))
    return expr.otherwise(pl.lit(None, pl.UInt8)).alias(field.name)


# Built once per layout: building the ≈ 80 expressions costs more than running them on a small file.
_EXPRESSIONS: dict[int, tuple[Layout, list[FieldDefinition], list[pl.Expr]]] = {}
_SCREENS: dict[int, tuple[Layout, pl.Expr | None]] = {}


def _checked_fields(layout: Layout) -> tuple[list[FieldDefinition], list[pl.Expr]]:
    """The fields 002 checks and their failure-kind expressions (cached; the entry keeps ``layout`` alive)."""
    cached = _EXPRESSIONS.get(id(layout))
    if cached is None or cached[0] is not layout:
        fields = [f for f in layout.fields if f.mandatory or f.data_type != "STRING_TYPE" or f.code_list]
        cached = (layout, fields, [_failure_kind(f, layout.id) for f in fields])
        _EXPRESSIONS[id(layout)] = cached
    return cached[1], cached[2]


def _check_file_description(records: pl.DataFrame, layout: Layout) -> list[ReportEntry]:
    checked, expressions = _checked_fields(layout)
    if not checked or records.height == 0:
        return []
    kinds = records.select(expressions)
    counts = kinds.null_count().row(0)
    entries: list[ReportEntry] = []
    for field, nulls in zip(checked, counts, strict=True):
        if nulls == records.height:
            continue
        failing = pl.DataFrame({
            "kind": kinds[field.name], "value": records[field.name], LINE_COLUMN: records[LINE_COLUMN],
        }).filter(pl.col("kind").is_not_null())
        entries.extend(_entry(field, kind, value, line) for kind, value, line in failing.iter_rows())
    entries.sort(key=lambda entry: entry.line_numbers)
    return entries


def _entry(field: FieldDefinition, kind: int, value: str, line: int) -> ReportEntry:
    where = (f"Korrigér felt {field.number} / '{field.name}', posisjon fra og med {field.position_from} "
             f"til og med {field.position_to}, ")
    if kind == _MISSING:
        text = where + "mangler obligatorisk verdi."
    elif kind == _BAD_INTEGER:
        text = where + f"er et tallfelt, men inneholder '{value}'."
    elif kind == _BAD_DATE:
        text = where + f"er et datofelt med datomønster '{field.date_pattern.upper()}', men inneholder '{value}'."
    else:
        text = where + f"sin kode '{value}' fins ikke i kodelisten ({_codes_text(field)})."
    return ReportEntry(Severity.ERROR, f"{RULE_002}, {_SUB_NAMES[kind]}", text, (line,))


def _codes_text(field: FieldDefinition, limit: int = 20) -> str:
    codes = [item.code for item in field.code_list]
    if len(codes) > limit:
        return f"{len(codes)} gyldige koder, f.eks. {', '.join(codes[:5])}"
    return ", ".join(f"'{code}'" for code in codes)
