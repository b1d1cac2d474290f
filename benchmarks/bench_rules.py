"""Rule-language performance smoke test: 400 units × 60 rules, and one unit × 30 rules.

Run: ``python benchmarks/bench_rules.py``. Targets: full run ≤ 3 s, one unit ≤ 20 ms (2 cores).
"""

from __future__ import annotations

import random
import time

import polars as pl

from kostra.controls.language import ControlData, Rule, Schema, compile_rules, evaluate

UNITS, RULES, ONE_UNIT_RULES = 400, 60, 30
_TEMPLATES = [
    "f{i} <= f{j} + f{k}", "f{i} + f{j} == f{k}", "between(f{i}, 0, 1000)", "f{i} > 0 implies f{j} > 0",
    "abs(ratio(f{i}, prev(f{i})) - 1) <= 0.5", "sum(inst.plasser) <= f{i} * 2", "count(inst, inst.plasser > 40) <= 3",
    "coalesce(f{i}, 0) >= 0 and not is_missing(f{j})", "accounts(function='FGK11', art='AGD9') >= 0",
    "ratio(population(80, 120), f{i}) < 100",
]


def _rules(count: int, rng: random.Random) -> list[Rule]:
    return [Rule(f"r{n}", rng.choice(_TEMPLATES).format(i=rng.randrange(20), j=rng.randrange(20),
                                                          k=rng.randrange(20)), "skjema5", tolerance=0.5)
            for n in range(count)]


def _schema() -> Schema:
    return Schema.from_mapping({"forms": {"skjema5": {
        "fields": {f"f{i}": "integer" for i in range(20)}, "tables": {"inst": {"plasser": "integer"}}}}})


def _data(rng: random.Random, units: list[str]) -> ControlData:
    def wide() -> pl.DataFrame:
        return pl.DataFrame({"unit": units, **{f"skjema5.f{i}": [rng.choice([None, *range(0, 500)])
                                                                  for _ in units] for i in range(20)}})
    inst = pl.DataFrame([{"unit": u, "row": r, "plasser": rng.randrange(80)} for u in units
                         for r in range(rng.randrange(0, 6))])
    accounts = pl.DataFrame([{"unit": u, "kontoklasse": "1", "funksjon": rng.choice(["253", "254", "120"]),
                              "art": rng.choice(["010", "590", "690", "700"]), "belop": float(rng.randrange(9999))}
                             for u in units for _ in range(40)])
    population = pl.DataFrame([{"unit": u, "age": a, "sex": s, "persons": rng.randrange(100)}
                               for u in units for a in range(0, 106, 5) for s in (1, 2)])
    previous = ControlData(units=wide(), tables={"skjema5.inst": inst})
    return ControlData(units=wide(), tables={"skjema5.inst": inst}, previous=previous, accounts=accounts,
                       population=population)


def main() -> None:
    rng = random.Random(2025)
    schema = _schema()
    started = time.perf_counter()
    compiled = compile_rules(_rules(RULES, rng), schema)
    compile_ms = (time.perf_counter() - started) * 1000
    data = _data(rng, [f"{3000 + n:04d}" for n in range(UNITS)])
    started = time.perf_counter()
    run = evaluate(compiled, data)
    full_s = time.perf_counter() - started
    print(f"compile {RULES} rules: {compile_ms:.1f} ms")
    print(f"full run {UNITS} units × {RULES} rules: {full_s:.3f} s ({run.results.height} results, "
          f"{run.errors().height} errors)")
    one = compile_rules(_rules(ONE_UNIT_RULES, rng), schema)
    unit = _data(rng, ["3401"])
    timings = []
    for _ in range(30):
        started = time.perf_counter()
        evaluate(one, unit)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"one unit × {ONE_UNIT_RULES} rules: median {timings[len(timings) // 2]:.1f} ms, "
          f"max {timings[-1]:.1f} ms")


if __name__ == "__main__":
    main()
