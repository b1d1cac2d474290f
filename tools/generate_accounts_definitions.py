"""Write ``src/kostra/definitions/<year>/accounts/`` (hierarchies, nettings, stjernetabell, formulas).

* 2015, 2016: SSB's own tables (kostraRegnskapData, tests/data/oracle-kostraregnskap), period column dropped.
* 2023, 2024, 2025: SSB's 2016 tables brought to the year's official function and art lists (the accounts code
  lists in ``controls/filecheck/codelists``): codes replaced by their official successors, codes no longer
  valid dropped, valid codes the 2016 tables do not place added to the totals (functions) or listed in the
  group ``AGNY`` (arts). What is approximate is written into each year's ``accounts.yaml`` and docs/accounts.md.

Run: ``python3 tools/generate_accounts_definitions.py`` (rewrites the files; review the diff).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import yaml

from kostra.controls.filecheck.accounts_codes import code_list

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "data" / "oracle-kostraregnskap"
TARGET = ROOT / "src" / "kostra" / "definitions"
TABLES = {"funksjonshierarki": "input_funksjonshierarki.csv", "artshierarki": "input_artshierarki.csv",
          "artshierarki_nettinger": "input_artshierarki_nettinger.csv",
          "artshierarki_nettinger_kasse": "input_artshierarki_nettinger_kasse.csv",
          "stjernetabell": "input_stjernetabell.csv", "formler": "input_formler.csv"}
FUNCTION_SUCCESSORS = {2023: {"715": ["713", "714"]}, 2024: {"254": ["257", "258"], "715": ["713", "714"]}}
ART_SUCCESSORS = {2023: {"874": ["871", "872", "873", "876"]}}
OFFICE = {"arter": {"AGD9": "brutto driftsutgifter", "AGD1": "netto driftsutgifter"}, "kontoklasse": "D"}


def _pad(code: str) -> str:
    code = code.strip()
    return code.zfill(3) if code.isdigit() else code


def _ssb(name: str, period: str) -> pl.DataFrame:
    frame = pl.read_csv(SOURCE / TABLES[name], infer_schema=False)
    frame = frame.filter(pl.col("periode") == period).drop("periode")
    if "to" in frame.columns:
        frame = frame.with_columns(pl.col("to").map_elements(_pad, return_dtype=pl.String),
                                   pl.col("from").map_elements(_pad, return_dtype=pl.String))
    return frame


def _successors(table: dict[int, dict[str, list[str]]], year: int) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for first, mapping in sorted(table.items()):
        if year >= first:
            found.update(mapping)
    return found


def _bring_to_year(frame: pl.DataFrame, valid: set[str], successors: dict[str, list[str]]) -> pl.DataFrame:
    """Replace codes by successors and drop numeric leaf codes that are not valid in the year."""
    rows = []
    for to, from_, sign in frame.select("to", "from", "sign").iter_rows():
        for code in successors.get(from_, [from_]):
            if code.isdigit() and code not in valid:
                continue
            rows.append((to, code, sign))
    while True:  # a group left without members is no code any more
        tos = {r[0] for r in rows}
        empty = [r for r in rows if not r[1].isdigit() and r[1] not in tos and r[1] in _groups(successors)]
        if not empty:
            break
        rows = [r for r in rows if r not in empty]
    return pl.DataFrame(rows, schema=["to", "from", "sign"], orient="row").unique(maintain_order=True)


def _groups(successors: dict[str, list[str]]) -> set[str]:
    """Group codes of SSB's 2016 tables (a ``to`` there), which are dropped when they lose every member."""
    return {c for name in ("funksjonshierarki", "artshierarki") for c in _ssb(name, "2016").get_column("to")}


def _functions(year: int) -> tuple[pl.DataFrame, list[str]]:
    valid = set().union(*(code_list("funksjon", g, year) for g in
                          ("kommune", "fylke", "oslo", "kommune_finans", "fylke_finans")))
    frame = _bring_to_year(_ssb("funksjonshierarki", "2016"), valid, _successors(FUNCTION_SUCCESSORS, year))
    placed = set(frame.get_column("from"))
    new = sorted(valid - placed)
    # A new service function joins FG4 (services), a new finance function FG1; then each total that should
    # hold every function once (FGK22, FGF10, FG2 = FGF10 + FGK22 + 321 + 711 - FG1 - FG4 in SSB's table)
    # gets a direct row where the count through the groups is not 1.
    rows = [(("FG1" if code >= "800" else "FG4"), code, "+") for code in new]
    for total in ("FGK22", "FGF10", "FG2"):
        table = pl.concat([frame, pl.DataFrame(rows, schema=["to", "from", "sign"], orient="row")])
        for code in new:
            missing = 1 - _coefficient(table, total, code)
            rows += [(total, code, "+" if missing > 0 else "-")] * abs(missing)
    if rows:
        frame = pl.concat([frame, pl.DataFrame(rows, schema=["to", "from", "sign"], orient="row")])
    return frame, new


def _coefficient(frame: pl.DataFrame, total: str, code: str) -> int:
    children: dict[str, list[tuple[str, int]]] = {}
    for to, from_, sign in frame.select("to", "from", "sign").iter_rows():
        children.setdefault(to, []).append((from_, 1 if sign == "+" else -1))

    def count(node: str) -> int:
        if node == code:
            return 1
        return sum(s * count(child) for child, s in children.get(node, []))

    return count(total)


def _arts(year: int) -> tuple[pl.DataFrame, list[str]]:
    valid = set().union(*(code_list("art", g, year) for g in ("basis", "kommune", "oslo")))
    frame = _bring_to_year(_ssb("artshierarki", "2016"), valid, _successors(ART_SUCCESSORS, year))
    new = sorted(valid - set(frame.get_column("from")))
    if new:
        frame = pl.concat([frame, pl.DataFrame([("AGNY", c, "+") for c in new], schema=["to", "from", "sign"],
                                               orient="row")])
    return frame, new


def _netting(name: str, year: int, arts: pl.DataFrame) -> pl.DataFrame:
    known = set(arts.get_column("to")) | set(arts.get_column("from")) | {"COPY"}
    valid = {c for c in known if c.isdigit()} | {c for c in known if not c.isdigit()}
    frame = _bring_to_year(_ssb(name, "2016"), valid, _successors(ART_SUCCESSORS, year))
    return frame.filter(pl.col("from").is_in(sorted(known)) | ~pl.col("from").str.contains(r"^\d+$"))


def _formulas(functions: pl.DataFrame, arts: pl.DataFrame,
              nettings: list[pl.DataFrame]) -> tuple[pl.DataFrame, list[str]]:
    codes = {c for f in (functions, arts, *nettings) for col in ("to", "from") for c in f.get_column(col)}
    keep, dropped = [], []
    for text in _ssb("formler", "2016").get_column("formel"):
        cells = [t for t in text.replace("=", " ").replace("-", " ").replace("+", " ").split() if ":" in t]
        if all(p in codes or p in ("D", "I") for cell in cells for p in cell.split(":")):
            keep.append(text)
        else:
            dropped.append(text)
    return pl.DataFrame({"formel": keep}), dropped


def _write(year: int, tables: dict[str, pl.DataFrame], manifest: dict[str, object]) -> None:
    folder = TARGET / str(year) / "accounts"
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.write_csv(folder / f"{name}.csv")
    text = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=110)
    (folder / "accounts.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    for period in ("2015", "2016"):
        tables = {name: _ssb(name, period) for name in TABLES}
        _write(int(period), tables, {
            "kind": "accounts", "version": 1, "year": int(period),
            "source": "SSB kostraRegnskapData (R packages Kostra / kostraregnskap @ f539bdf, MIT), period "
                      f"{period}, unchanged", "approximations": [], "files": {n: f"{n}.csv" for n in tables},
            "office": OFFICE})
    for year in (2023, 2024, 2025):
        functions, new_functions = _functions(year)
        arts, new_arts = _arts(year)
        nettings = {n: _netting(n, year, arts) for n in ("artshierarki_nettinger", "artshierarki_nettinger_kasse")}
        formulas, dropped = _formulas(functions, arts, list(nettings.values()))
        tables = {"funksjonshierarki": functions, "artshierarki": arts, **nettings,
                  "stjernetabell": _ssb("stjernetabell", "2016"), "formler": formulas}
        notes = [f"SSB's 2016 tables brought to the {year} function and art lists (controls/filecheck/codelists).",
                 "Successors: " + "; ".join(f"{a} -> {' '.join(b)}" for a, b in
                                            {**_successors(FUNCTION_SUCCESSORS, year),
                                             **_successors(ART_SUCCESSORS, year)}.items()),
                 "Functions valid in the year but placed in no 2016 group, counted only in the totals "
                 f"(FG4 or FG1, FGK22, FGF10): {' '.join(new_functions) or 'none'}",
                 f"Arts valid in the year but placed in no 2016 group, counted only in AGNY: "
                 f"{' '.join(new_arts) or 'none'}",
                 "Formulas of 2016 whose codes no longer exist, dropped: " + ("; ".join(dropped) or "none"),
                 "The stjernetabell and the netting hierarchies are 2016's (rows of codes no longer valid dropped)."]
        _write(year, tables, {"kind": "accounts", "version": 1, "year": year,
                              "source": "derived from SSB kostraRegnskapData 2016 (MIT) and the official code "
                                        "lists of the year", "approximations": notes,
                              "files": {n: f"{n}.csv" for n in tables}, "office": OFFICE})


if __name__ == "__main__":
    main()
