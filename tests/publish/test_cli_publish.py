"""``kostra publish`` and ``kostra deliver`` on the demo: one line and exit 2 for bad input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kostra.cli import cli
from kostra.settings import Settings


def _run(demo: Settings, *args: str) -> tuple[int, str, str]:
    env = {"KOSTRA_HOME": str(demo.home), "KOSTRA_DATABASE_URL": demo.effective_database_url}
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_publish_lists_and_exports_every_table_in_every_format(demo: Settings, tmp_path: Path) -> None:
    code, out, _ = _run(demo, "publish", "--year", "2025", "--release", "preliminary", "--by", "statistiker")
    # 3 field tables and 1 key-figure table
    assert code == 0 and out.startswith("Release 1 of 2025 (preliminary): 4 tables")
    # 15 March 2026, 08:00 in Oslo (winter time, UTC+1), is past: the release is public at once
    assert "public since 2026-03-15 07:00 UTC." in out
    code, out, _ = _run(demo, "publish", "--year", "2025", "--list", "--format", "json")
    assert code == 0 and [r["kind"] for r in json.loads(out)] == ["preliminary"]
    assert json.loads(out)[0]["public_from"].startswith("2026-03-15T07:00:00")
    code, out, _ = _run(demo, "publish", "--year", "2025", "--export", str(tmp_path / "out"))
    assert code == 0
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"skjema5_plasser.nb.json", "skjema5_plasser.en.px", "skjema5_plasser.nb.csv",
            "skjema5_plasser.en.xlsx", "skjema5_plasser.statbank.zip"} <= names
    assert len(names) == 4 * 9


def test_bad_input_is_one_line_and_exit_2(demo: Settings) -> None:
    for args, message in [
        (("publish", "--year", "2025", "--release", "monthly"), "unknown release 'monthly'"),
        (("publish", "--year", "2025"), "give one of --release, --list, --corrections or --export"),
        (("publish", "--year", "2025", "--release", "final", "--snapshot", "nope"), "no snapshot 'nope' of 2025"),
        (("publish", "--year", "2025", "--corrections", "99"), "no release 99"),
        (("publish", "--year", "2025", "--release", "final", "--public-from", "midsummer"),
         "--public-from 'midsummer': expected a day YYYY-MM-DD"),
        (("publish", "--year", "2025", "--list", "--public-from", "2027-01-01"), "--public-from goes with --release"),
        (("deliver", "--year", "2025", "--recipient", "Nobody"), "no field of 2025 goes to 'Nobody'"),
    ]:
        code, _, err = _run(demo, *args)
        assert code == 2, args
        assert message in err and "Traceback" not in err, (args, err)


def test_public_from_puts_a_release_under_embargo(demo: Settings) -> None:
    code, out, _ = _run(demo, "publish", "--year", "2025", "--release", "final", "--by", "statistiker",
                        "--public-from", "2099-06-15T09:30")
    # 09:30 Norwegian summer time is 07:30 UTC
    assert code == 0 and "under embargo until 2099-06-15 07:30 UTC." in out, out


def test_deliver_writes_and_lists_a_delivery(demo: Settings) -> None:
    code, out, _ = _run(demo, "deliver", "--year", "2025", "--recipient", "KS", "--by", "statistiker")
    assert code == 0 and out.startswith("Delivered ") and " to KS: " in out
    code, out, _ = _run(demo, "deliver", "--year", "2025", "--list", "--format", "json")
    assert code == 0 and [d["recipient"] for d in json.loads(out)] == ["KS"]
