"""Demo step: register values for the demo year (midwife FTEs from the register of health personnel).

The register agrees with each municipality's form 1 (``jordmor_aarsverk``, 0 when no midwife is employed),
except where the seeded-error ledger planted a ``register_contradiction``: there the register keeps the
FTEs the form should have reported (the ledger entry's ``register`` dict).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from kostra.demo.seeded import seeded_errors
from kostra.followup.values import latest_submissions
from kostra.settings import Settings
from kostra.store.models import RegisterValue

if TYPE_CHECKING:
    from kostra.demo.builder import DemoOptions, Progress

__all__ = ["MIDWIFE_MEASURE", "REGISTER_SOURCE", "registers_step"]

MIDWIFE_MEASURE = "jordmor_aarsverk"
REGISTER_SOURCE = "Helsepersonellregisteret (demo)"


def _midwives_from_forms(session: Session, year: int) -> dict[str, float]:
    """Midwife FTEs per unit as form 1 reports them (0 when the unit says no midwife is employed)."""
    found: dict[str, float] = {}
    for submission in latest_submissions(session, year, "1"):
        if submission.state == "nil":
            continue
        values = json.loads(submission.values_json)
        ftes = values.get(MIDWIFE_MEASURE)
        employed = values.get("jordmor_ansatt")
        found[submission.unit_code] = float(str(ftes).replace(",", ".")) if employed and ftes is not None else 0.0
    return found


def registers_step(session: Session, options: DemoOptions, progress: Progress) -> str:
    """Write the register's midwife FTEs for every unit that reported form 1; contradictions as seeded."""
    home = options.home if options.home is not None else Settings().home
    values = _midwives_from_forms(session, options.year)
    planted = 0
    for entry in seeded_errors(home, options.year):
        register = entry.get("register") or {}
        if entry.get("kind") == "register_contradiction" and isinstance(register, dict) \
                and register.get(MIDWIFE_MEASURE) is not None:
            values[str(entry["unit"])] = float(register[MIDWIFE_MEASURE])
            planted += 1
    session.execute(delete(RegisterValue).where(RegisterValue.year == options.year,
                                                RegisterValue.measure == MIDWIFE_MEASURE))
    rows = [{"year": options.year, "unit_code": unit, "measure": MIDWIFE_MEASURE, "value": value,
             "source": REGISTER_SOURCE} for unit, value in sorted(values.items())]
    if rows:
        session.execute(insert(RegisterValue), rows)
    progress(len(rows), len(rows))
    return f"registers: {len(rows)} midwife FTE values ({planted} contradicting form 1 as seeded)"
