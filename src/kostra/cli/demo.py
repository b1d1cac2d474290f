"""``kostra demo``: build a full demonstration reporting year, then start the web app."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

import click

from kostra.cli.choices import DEMO_DEFAULT_YEAR
from kostra.cli.context import pass_settings

if TYPE_CHECKING:
    from kostra.demo.builder import DemoStep, Progress
    from kostra.settings import Settings

__all__ = ["demo"]


@click.command()
@click.option("--year", type=int, default=DEMO_DEFAULT_YEAR, show_default=True, help="Statistics year to build.")
@click.option("--seed", type=int, default=2025, show_default=True, help="Seed for the synthetic data.")
@click.option("--units", "limit_units", type=click.IntRange(min=1), default=None,
              help="Only this many municipalities (plus Oslo, 3401 and district 030102), for a quick build.")
@click.option("--no-serve", is_flag=True, help="Only build the database; do not start the web app.")
@click.option("--host", default=None, help="Address for the web app (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port for the web app (default 8000).")
@pass_settings
def demo(settings: Settings, year: int, seed: int, limit_units: int | None, no_serve: bool, host: str | None,
         port: int | None) -> None:
    """Build a demonstration year on an embedded database, then serve it.

    Creates the database (SQLite in KOSTRA_HOME unless KOSTRA_DATABASE_URL is set), loads
    reference data and the synthetic reporting year, and starts the web app on
    http://127.0.0.1:8000. The same --seed always gives the same data.
    """
    from kostra.demo.builder import DemoOptions, build_demo
    from kostra.reference import years as reference_years

    valid = reference_years()
    if year not in range(min(valid), max(valid) + 2):
        raise click.BadParameter(f"{year} is outside {min(valid)}–{max(valid) + 1}", param_hint="--year")
    _echo_users()
    timings = StepTimes()
    with _bars() as start_step:
        summaries = build_demo(settings, DemoOptions(year=year, seed=seed, limit_units=limit_units, release=True),
                               timings.timed(start_step))
    timings.stop()
    for line in summaries:
        click.echo(f"  {line}", err=True)
    click.echo(f"Demo year {year} built in {settings.home.resolve()}.", err=True)
    click.echo(timings.table(), err=True)
    if not no_serve:
        from kostra.cli.serve import run_server

        click.echo(f"Serving on http://{host or settings.host}:{port or settings.port}/ (Ctrl+C stops).", err=True)
        # The demo year's population (1 January after it) is not published yet: the key-figure pages use the
        # newest loaded year instead, and say so on every page.
        run_server(settings.model_copy(update={"population_stand_in": True}), host, port)


def _echo_users() -> None:
    """The demo users, shown at start-up (also listed in the README)."""
    click.echo("Demo users, all with password 'demo':", err=True)
    click.echo("  statistiker (statistician), admin (administrator),", err=True)
    click.echo("  demo-3401 (Kongsvinger), demo-030102 (Oslo, Grünerløkka) … and demo-<code> for every", err=True)
    click.echo("  municipality, Oslo district and private institution (organisation number).", err=True)


class StepTimes:
    """Wall time of each demo step, measured from one step's start to the next (any step, also new ones)."""

    def __init__(self) -> None:
        self._started = time.perf_counter()
        self._current: tuple[str, float, float] | None = None
        self.steps: list[tuple[str, float, float]] = []

    def timed(self, start_step: Callable[[DemoStep], Progress]) -> Callable[[DemoStep], Progress]:
        """``start_step`` that also closes the previous step's clock and starts this one's."""

        def start(step: DemoStep) -> Progress:
            self.stop()
            self._current = (step.label, time.perf_counter(), time.process_time())
            return start_step(step)

        return start

    def stop(self) -> None:
        """End the running step's clock (call once the build has returned)."""
        if self._current is not None:
            label, since, cpu_since = self._current
            self.steps.append((label, time.perf_counter() - since, time.process_time() - cpu_since))
            self._current = None

    def table(self) -> str:
        """The steps' wall times (and CPU times: on a busy machine they differ), with the total since this
        object was made (incl. database set-up)."""
        width = max((len(label) for label, _, _ in self.steps), default=0)
        lines = [f"Time per step:{'':<{max(width - 12, 0)}}  wall      CPU"]
        lines += [f"  {label:<{width}}  {wall:6.1f} s {cpu:6.1f} s" for label, wall, cpu in self.steps]
        lines.append(f"  {'total':<{width}}  {time.perf_counter() - self._started:6.1f} s {time.process_time():6.1f} s")
        return "\n".join(lines)


@contextmanager
def _bars() -> Iterator[Callable[[DemoStep], Progress]]:
    """Progress bars on stderr, one per demo step; plain lines when stderr is not a terminal."""
    with ExitStack() as stack:

        def start_step(step: DemoStep) -> Progress:
            stack.close()  # finish the previous step's bar
            if not sys.stderr.isatty():
                click.echo(f"{step.label} …", err=True)
                return lambda done, total: None
            bar = stack.enter_context(
                click.progressbar(length=1, label=step.label, file=sys.stderr, show_pos=True)
            )

            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            return progress

        yield start_step
