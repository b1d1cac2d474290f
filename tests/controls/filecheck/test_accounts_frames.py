"""A small frame builder for the accounts rule tests, independent of the engine's parser."""

from __future__ import annotations

import polars as pl

FIELDS = (("skjema", 2), ("aargang", 4), ("kvartal", 1), ("region", 6), ("orgnr", 9), ("foretaksnr", 9),
          ("kontoklasse", 1), ("funksjon_kapittel", 4), ("art_sektor", 3), ("belop", 9))


def frame_of(data: bytes | str) -> pl.DataFrame:
    """Slice each 48-character line by the Regnskap layout sizes into raw string columns plus ``line``."""
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    lines = [line.rstrip("\r") for line in text.split("\n")]
    columns: dict[str, list[str]] = {name: [] for name, _ in FIELDS}
    numbers: list[int] = []
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        start = 0
        for name, size in FIELDS:
            columns[name].append(line[start:start + size])
            start += size
        numbers.append(number)
    return pl.DataFrame({**columns, "line": pl.Series(numbers, dtype=pl.Int64)},
                        schema={**{n: pl.Utf8 for n, _ in FIELDS}, "line": pl.Int64})


def record(skjema: str = "0A", year: int = 2024, kvartal: str = " ", region: str = "030100", orgnr: str = "",
           foretaksnr: str = "", kontoklasse: str = "1", funksjon: str = "100", art: str = "010",
           belop: int | str = 100) -> str:
    """One 48-character accounts record; funksjon/kapittel and art/sektor are left-justified like the files."""
    line = (f"{skjema:2}{year:4}{kvartal:1}{region:6}{orgnr:9}{foretaksnr:9}{kontoklasse:1}{funksjon:<4}"
            f"{art:<3}{belop!s:>9}")
    assert len(line) == 48, line
    return line


def test_builder_slices_the_regnskap_layout() -> None:
    frame = frame_of("0G2022 380500976990803         510  070     1139\n")
    assert frame.row(0) == ("0G", "2022", " ", "380500", "976990803", " " * 9, "5", "10  ", "070", "     1139", 1)
