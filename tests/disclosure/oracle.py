"""Read the GaussSuppression reference cases (tests/data/oracle-gausssuppression) into our arguments.

The R call of each case is in manifest.csv; this turns it into a SuppressionSpec. The parsing is deliberately
narrow: it knows the argument shapes the manifest uses and fails loudly on anything else.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kostra.disclosure.hierarchy import Link
from kostra.disclosure.inputs import read_hierarchy_file
from kostra.disclosure.suppress import Fun, SuppressionSpec

DATA = Path(__file__).resolve().parents[1] / "data" / "oracle-gausssuppression"


@dataclass(frozen=True)
class Case:
    case_id: str
    call: str
    bindings: dict[str, Path]
    n_cells: int
    n_primary: int
    n_secondary: int

    def file(self, suffix: str) -> Path:
        return DATA / f"{self.case_id}_{suffix}.csv"


def cases() -> list[Case]:
    with (DATA / "manifest.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        bindings = {}
        for part in row["bindings"].split(";"):
            name, _, file = part.strip().partition("=")
            bindings[name] = DATA / file
        out.append(Case(row["case_id"], row["call"], bindings, int(row["n_cells"]), int(row["n_primary"]),
                        int(row["n_secondary"])))
    return out


def _vector(text: str) -> list[str]:
    text = text.strip()
    if re.fullmatch(r"\d+:\d+", text):
        a, b = map(int, text.split(":"))
        return [str(i) for i in range(a, b + 1)]
    if text.startswith("c("):
        return [p.strip().strip('"') for p in text[2:-1].split(",")]
    return [text.strip('"')]


def _arguments(call: str) -> dict[str, str]:
    inner = call[call.index("(") + 1:call.rindex(")")]
    args, depth, current = [], 0, ""
    for char in inner:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            args.append(current)
            current = ""
        else:
            current += char
    args.append(current)
    named = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        if sep:
            named[name.strip()] = value.strip()
    return named


def spec_of(case: Case) -> SuppressionSpec:
    fun = Fun(case.call[:case.call.index("(")])
    args = _arguments(case.call)
    hierarchies = None
    if "hierarchies" in args:
        hierarchies = {}
        for part in _arguments(args["hierarchies"]).items():
            var, value = part
            if value.startswith('"'):
                hierarchies[var] = value.strip('"')
            else:
                links = read_hierarchy_file(case.bindings[value])
                hierarchies[var] = [Link(c, p, s) for c, p, s in links]
    logical = {"TRUE": True, "FALSE": False}
    return SuppressionSpec(
        fun=fun, hierarchies=hierarchies,
        dim_var=_vector(args["dimVar"]) if "dimVar" in args else None,
        formula=args.get("formula"),
        freq_var=args["freqVar"].strip('"') if "freqVar" in args else None,
        num_var=tuple(_vector(args["numVar"])) if "numVar" in args else (),
        contributor_var=args["contributorVar"].strip('"') if "contributorVar" in args else None,
        max_n=int(args["maxN"]) if "maxN" in args else None,
        protect_zeros=logical[args["protectZeros"]] if "protectZeros" in args else None,
        n=tuple(int(v) for v in _vector(args["n"])) if "n" in args else (),
        k=tuple(float(v) for v in _vector(args["k"])) if "k" in args else (),
        all_dominance=logical.get(args.get("allDominance", "FALSE"), False),
    )


def read_data(path: Path) -> pl.DataFrame:
    """Every column as text, as the README asks (codes such as "0301" keep their zeros)."""
    return pl.read_csv(path, infer_schema=False)
