"""Build a demonstration reporting year step by step, reproducibly from a seed.

Each step is a small function registered in ``STEPS``; later features add their own step
(forms filled in, files submitted, controls run …) without touching the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from kostra.settings import Settings
from kostra.store import create_engine_for, session_factory, upgrade

__all__ = ["DEFAULT_YEAR", "STEPS", "DemoOptions", "DemoStep", "Progress", "build_demo"]

# Statistics year 2025 is reported in January–February 2026: the newest year with official
# layouts for every attachment form and the same municipality structure as the year before.
DEFAULT_YEAR = 2025

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoOptions:
    """What to build: the statistics year and the seed every random choice derives from.

    ``limit_units`` keeps only that many municipalities (plus ``always_units``) for quick builds;
    ``home`` is where files such as the seeded-error ledger go (KOSTRA_HOME when built by build_demo).
    """

    year: int = DEFAULT_YEAR
    seed: int = 2025
    limit_units: int | None = None
    always_units: tuple[str, ...] = ("0301", "3401", "030102")
    home: Path | None = None
    release: bool = False  # also publish the year's preliminary release (the statbank's data)


@dataclass(frozen=True)
class DemoStep:
    """One step of the demo: a label for the progress bar and the work, returning a summary line."""

    key: str
    label: str
    run: Callable[[Session, DemoOptions, Progress], str]


def _load_reference(session: Session, options: DemoOptions, progress: Progress) -> str:
    from kostra.reference.loader import load_reference_into_database

    loaded = load_reference_into_database(session, progress=progress)
    return f"reference data: {loaded}"


def _units(session: Session, options: DemoOptions, progress: Progress) -> str:
    from kostra.demo.reporting_year import units_step

    return units_step(session, options, progress)


def _pre_reform_year(session: Session, options: DemoOptions, progress: Progress) -> str:
    from kostra.demo.pre_reform import pre_reform_step

    return pre_reform_step(session, options, progress)


def _previous_year(session: Session, options: DemoOptions, progress: Progress) -> str:
    from kostra.demo.reporting_year import previous_year_step

    return previous_year_step(session, options, progress)


def _current_year(session: Session, options: DemoOptions, progress: Progress) -> str:
    from kostra.demo.reporting_year import current_year_step

    return current_year_step(session, options, progress)


def _attachments(session: Session, options: DemoOptions, progress: Progress) -> str:
    from kostra.demo.attachments import attachments_step

    return attachments_step(session, options, progress)


def _registers(session: Session, options: DemoOptions, progress: Progress) -> str:
    from kostra.demo.registers import registers_step

    return registers_step(session, options, progress)


def _controls(session: Session, options: DemoOptions, progress: Progress) -> str:
    from kostra.controls.runs import run_controls

    # The demo's run fills KOSTRA_HOME/cache (last year, parsed accounts) as a statistician's first run would.
    cache = options.home / "cache" if options.home is not None else None
    run = run_controls(session, options.year, actor="demo", progress=progress, cache_dir=cache)
    return f"controls: run {run.id}, {run.rules} rules and checks over {run.units} units, {run.hits} hits"


def _followup(session: Session, options: DemoOptions, progress: Progress) -> str:
    from kostra.demo.followup import followup_step

    return followup_step(session, options, progress)


def _release(session: Session, options: DemoOptions, progress: Progress) -> str:
    """The year's preliminary release (what the statbank and the profile pages serve)."""
    from kostra.publish import make_release, releases

    if any(r.kind == "preliminary" for r in releases(session, options.year)):
        return "release: the preliminary release exists already"
    assert options.home is not None
    release = make_release(session, options.home, options.year, "preliminary", actor="demo")
    return f"release: preliminary release {release.id}, {release.tables} tables, {release.cells} cells"


STEPS: list[DemoStep] = [
    DemoStep("reference", "Loading reference data", _load_reference),
    DemoStep("units", "Creating units and demo users", _units),
    DemoStep("pre-reform-year", "Filling in the forms of the year before last, in its own structure",
             _pre_reform_year),
    DemoStep("previous-year", "Filling in last year's forms", _previous_year),
    DemoStep("current-year", "Filling in this year's forms", _current_year),
    DemoStep("attachments", "Controlling this year's file attachments", _attachments),
    DemoStep("registers", "Writing register values", _registers),
    DemoStep("controls", "Running every control over the year", _controls),
    DemoStep("followup", "Following up: edits, contacts, approvals, reminders", _followup),
]
# `kostra demo` ends with this step; build_demo runs it only when asked (tests build years without a release).
RELEASE_STEP = DemoStep("release", "Publishing the preliminary release", _release)


def build_demo(settings: Settings, options: DemoOptions,
               start_step: Callable[[DemoStep], Progress] | None = None) -> list[str]:
    """Create or upgrade the database and run every demo step; return one summary line per step.

    ``start_step`` is called as each step begins and returns the progress callback for it (the
    CLI shows a progress bar; tests pass nothing).
    """
    settings.ensure_home()
    options = options if options.home is not None else replace(options, home=settings.home)
    url = settings.effective_database_url
    upgrade(url)
    engine = create_engine_for(url)
    summaries: list[str] = []
    try:
        sessions = session_factory(engine)
        for step in [*STEPS, RELEASE_STEP] if options.release else STEPS:
            progress = start_step(step) if start_step else _silent
            with sessions() as session:
                summaries.append(step.run(session, options, progress))
                session.commit()
    finally:
        engine.dispose()
    return summaries


def _silent(done: int, total: int) -> None:
    """Progress callback that shows nothing."""
