"""Seeded generator of valid family-counselling files (52AF, 52BF, 53F, 55F), with injectable named errors.

``generate(form, year, region, n, seed, errors=())`` returns the file bytes (ISO-8859-1, LF line ends).
Valid files pass every famvern rule; each name in ``errors`` breaks one record (see ``ERRORS``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from kostra.errors import UsageError
from kostra.intake.layouts import (
    FAMVERN_FORMS,
    FamvernOffice,
    FieldDefinition,
    Layout,
    famvern_offices,
    load_layout,
)

__all__ = ["ERRORS", "generate"]

Record = dict[str, str]


def _fit(value: int | str, size: int) -> str:
    return str(value).rjust(size)[-size:]


def _day(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randrange(0, 300))


def _ddmmyyyy(day: date) -> str:
    return day.strftime("%d%m%Y")


def _base(layout: Layout, rng: random.Random, year: int) -> Record:
    """Every field filled with a value its type and code list accept."""
    record: Record = {}
    for field in layout.fields:
        if field.code_list:
            record[field.name] = rng.choice(field.code_list).code
        elif field.data_type == "INTEGER_TYPE":
            record[field.name] = _fit(rng.randrange(1, min(10 ** field.size, 20)), field.size)
        elif field.data_type == "DATE_TYPE":
            record[field.name] = _ddmmyyyy(_day(rng, year))
        else:
            record[field.name] = _fit(rng.randrange(10 ** (field.size - 1), 10 ** field.size), field.size) \
                if field.size < 10 else "Gruppe".ljust(field.size)
    return record


def _offices(year: int, region: str) -> list[FamvernOffice]:
    offices = list(famvern_offices(year))
    own = [o for o in offices if region in (o.region, o.fylke + "0000")]
    return own or offices


def _record_52a(record: Record, rng: random.Random, year: int, office: FamvernOffice, i: int) -> None:
    henv = _day(rng, year)
    forste = henv + timedelta(days=rng.randrange(0, 40))
    record.update(REGION_NR_A=office.region, KONTOR_NR_A=office.kontor, JOURNAL_NR_A=f"{i + 1:09d}",
                  HENV_DATO_A=_ddmmyyyy(henv), FORSTE_SAMT_A=_ddmmyyyy(forste),
                  PRIMK_FODT_A=str(rng.randrange(year - 80, year - 18)), TIMER_IARET_A=_fit(rng.randrange(1, 40), 3),
                  STATUS_ARETSSL_A="3", DATO_AVSL_A=" " * 8, HOVEDTEMA_A="  ")
    for name in [n for n in record if n.startswith("DELT_")]:
        record[name] = "2"
    record["DELT_PARTNER_A"] = "1"
    record["SAMT_PARTNER_A"] = _fit(rng.randrange(1, 20), 2)
    if rng.random() < 0.5:  # a closed case needs its closing date and main theme (035, 034)
        record.update(STATUS_ARETSSL_A="1", DATO_AVSL_A=_ddmmyyyy(forste + timedelta(days=rng.randrange(0, 60))),
                      HOVEDTEMA_A=f"{rng.randrange(1, 19):02d}")


def _record_52b(record: Record, rng: random.Random, year: int, office: FamvernOffice, i: int) -> None:
    start = _day(rng, year)
    record.update(REGION_NR_B=office.region, KONTOR_NR_B=office.kontor, GRUPPE_NR_B=f"{i + 1:08d}",
                  DATO_GRSTART_B=_ddmmyyyy(start), ANTTER_GRUPPEB_B=_fit(rng.randrange(1, 4), 2),
                  STATUS_ARETSSL_B="2", DATO_GRAVSLUTN_B=_ddmmyyyy(start + timedelta(days=rng.randrange(0, 60))))


def _record_53(record: Record, rng: random.Random, year: int, office: FamvernOffice, i: int) -> None:
    record.update(FYLKE_NR=office.fylke, KONTORNR=office.kontor)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _record_55(record: Record, rng: random.Random, year: int, office: FamvernOffice, i: int) -> None:
    kinds = ("SEP", "SAM", "SAK", "TILB", "FLY")
    values: dict[str, int] = {}
    for kind in kinds:
        cells = [rng.randrange(0, 30) for _ in range(3)]
        values |= {f"MEKLING_{kind}_{c}": v for c, v in zip("123", cells, strict=True)}
        total = values[f"MEKLING_{kind}_TOT"] = sum(cells)
        values[f"{kind}_BEGGE"], values[f"{kind}_EN"] = _split(rng, total, 2)
        values[f"{kind}_TOT"] = total
        for prefix, width in (("VENTETID", 4), ("VARIGHET", 3)):
            values |= {f"{prefix}_{kind}_{c + 1}": v for c, v in enumerate(_split(rng, total, width))}
            values[f"{prefix}_{kind}_TOT"] = total
    for prefix, columns in (("MEKLING", "123"), ("VENTETID", "1234"), ("VARIGHET", "123")):
        for c in columns:
            values[f"{prefix}_TOT_{c}"] = sum(values[f"{prefix}_{k}_{c}"] for k in kinds)
    grand = sum(values[f"MEKLING_{k}_TOT"] for k in kinds)
    values |= {"MEKLING_TOT_ALLE": grand, "VENTETID_TOT_TOT": grand, "VARIGHET_TOT_TOT": grand,
               "ENBEGGE_TOT": grand, "RESULT_TOT_TOT": grand,
               "BEGGE_TOT": sum(values[f"{k}_BEGGE"] for k in kinds), "EN_TOT": sum(values[f"{k}_EN"] for k in kinds)}
    values |= dict(zip(("RESULT_TOT_1", "RESULT_TOT_2", "RESULT_TOT_3"), _split(rng, grand, 3), strict=True))
    values["FORHOLD_TOT"] = rng.randrange(0, 20)
    values["FORHOLD_MEKLER"], values["FORHOLD_KLIENT"] = _split(rng, values["FORHOLD_TOT"], 2)
    children = rng.randrange(1, 20)
    for prefix, (a, b) in {"BARN": ("DELT", "IKKE_DELT"), "BEKYMR": ("SENDT", "IKKE_SENDT"),
                           "VOLD": ("TEMA", "IKKE_TEMA")}.items():
        values[f"{prefix}_{a}"], values[f"{prefix}_{b}"] = _split(rng, children, 2)
        values[f"{prefix}_TOT"] = children
    values |= _tables_2024(rng, values, kinds)
    record.update(FYLKE_NR=office.fylke, KONTOR_NR=office.kontor, FYLKE_NAVN=office.fylke_name[:34].ljust(34))
    record.update({name: str(value) for name, value in values.items() if name in record})


def _table(rng: random.Random, prefix: str, row_totals: dict[str, int], columns: int) -> dict[str, int]:
    """A ``PREFIX_KIND_1..n`` / ``_TOT`` table whose rows add up to ``row_totals`` and columns to the TOT row."""
    cells: dict[str, int] = {}
    for kind, total in row_totals.items():
        cells |= {f"{prefix}_{kind}_{c + 1}": v for c, v in enumerate(_split(rng, total, columns))}
        cells[f"{prefix}_{kind}_TOT"] = total
    for c in range(1, columns + 1):
        cells[f"{prefix}_TOT_{c}"] = sum(cells[f"{prefix}_{kind}_{c}"] for kind in row_totals)
    cells[f"{prefix}_TOT_TOT"] = sum(row_totals.values())
    return cells


def _tables_2024(rng: random.Random, values: dict[str, int], kinds: Sequence[str]) -> dict[str, int]:
    """The cells only the 2024 layout has (55F 010–016), consistent with the mediation totals."""
    per_kind = {kind: values[f"MEKLING_{kind}_TOT"] for kind in kinds}
    cells = _table(rng, "RESULT", per_kind, 3) | _table(rng, "BEKYMR", per_kind, 2)
    agreements = cells["RESULT_TOT_1"]  # written agreements: the mediations that ended in agreement (015)
    cells |= _table(rng, "AVTALE", dict(zip(kinds, _split(rng, agreements, len(kinds)), strict=True)), 3)
    children = {kind: rng.randrange(0, total + 1) for kind, total in per_kind.items()}
    cells |= {f"BARNDELT_{kind}_TOT": n for kind, n in children.items()} | {"BARNDELT_TOT_TOT": sum(children.values())}
    no_show = _split(rng, rng.randrange(0, 10), 5)
    cells |= {f"UTEN_OPPM_{n + 1}": v for n, v in enumerate(no_show)} | {"UTEN_OPPM_TOT": sum(no_show)}
    return cells


_FILLERS: dict[str, Callable[[Record, random.Random, int, FamvernOffice, int], None]] = {
    "52AF": _record_52a, "52BF": _record_52b, "53F": _record_53, "55F": _record_55,
}


_OFFICE_FIELDS = ("KONTOR_NR_A", "KONTOR_NR_B", "KONTORNR", "KONTOR_NR")


def _first(layout: Layout, wanted: Callable[[FieldDefinition], bool], error: str) -> FieldDefinition:
    for field in layout.fields:
        if wanted(field):
            return field
    raise UsageError(f"error {error!r} does not apply to form {layout.id}")


def _setter(error: str, wanted: Callable[[FieldDefinition], bool],
            value: Callable[[FieldDefinition], str]) -> Callable[[Layout, Record], None]:
    def inject(layout: Layout, record: Record) -> None:
        field = _first(layout, wanted, error)
        record[field.name] = value(field)

    return inject


# Named errors: each breaks the first record (the rules that find them: docs/file-controls.md).
ERRORS: dict[str, Callable[[Layout, Record], None]] = {
    "missing_mandatory": _setter("missing_mandatory", lambda f: f.mandatory and f.number > 2, lambda f: ""),
    "bad_code": _setter("bad_code", lambda f: bool(f.code_list) and f.number > 2, lambda f: "X" * f.size),
    "bad_date": _setter("bad_date", lambda f: f.data_type == "DATE_TYPE", lambda f: "31022025"),
    "bad_integer": _setter("bad_integer", lambda f: f.data_type == "INTEGER_TYPE", lambda f: "x"),
    "unknown_office": _setter("unknown_office", lambda f: f.name in _OFFICE_FIELDS, lambda f: "999"),
}


def generate(form: str, year: int, region: str, n: int, seed: int, errors: Sequence[str] = ()) -> bytes:
    """A file of ``n`` records of ``form`` for ``year``; ``errors`` names faults injected in record 1.

    Raises UsageError for a non-famvern form or an unknown error name. Extra errors: ``record_length``
    (line 1 one character short), ``duplicate`` (record 2 repeats record 1's key).
    """
    if form not in FAMVERN_FORMS:
        raise UsageError(f"unknown family-counselling form {form!r}: expected {', '.join(sorted(FAMVERN_FORMS))}")
    unknown = set(errors) - set(ERRORS) - {"record_length", "duplicate"}
    if unknown:
        raise UsageError(f"unknown error name(s) {sorted(unknown)}: expected {sorted([*ERRORS, 'duplicate'])}")
    layout, rng = load_layout(form, year), random.Random(seed)
    offices = _offices(year, region)
    records = []
    for i in range(n):
        record = _base(layout, rng, year)
        _FILLERS[form](record, rng, year, rng.choice(offices), i)
        records.append(record)
    if records:
        for name in errors:
            if name in ERRORS:
                ERRORS[name](layout, records[0])
        if "duplicate" in errors and len(records) > 1:
            records[1] = dict(records[0])
    lines = ["".join(record[f.name].ljust(f.size)[:f.size] for f in layout.fields) for record in records]
    if "record_length" in errors and lines:
        lines[0] = lines[0][:-1]
    return "".join(line + "\n" for line in lines).encode("latin-1")
