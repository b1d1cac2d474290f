"""Demo step: every municipality's and district's file attachments (11F, 11CF, 0A, 0B), controlled on upload.

Files come from the seeded generators and go through the same upload service as the portal, so each
keeps its control report. Most units then submit the file forms; a few upload a file with a seeded
error and leave the form unsubmitted, as a municipality would until it has corrected its system's export.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kostra.access.roles import Principal, Role
from kostra.catalog.forms import load_catalog
from kostra.demo.builder import DemoOptions, Progress
from kostra.demo.generate_accounts import generate as generate_accounts
from kostra.demo.generate_sosial import generate as generate_sosial
from kostra.demo.reporting_year import demo_units, submission_moment
from kostra.demo.units import DemoUnit
from kostra.reporting import submissions
from kostra.reporting.attachments import ControlledUpload, Upload, control_uploads, keep_upload, region_of
from kostra.store.models import Unit

__all__ = ["attachments_step"]

FILE_FORMS = {"11": "11F", "11C": "11CF", "0A": "0A", "0B": "0B"}
ERROR_SHARE = 0.04
SOSIAL_ERRORS = ("invalid_fnr", "too_many_children", "age_under_18")


def _size(file_form: str, population: int) -> int:
    """Records in a plausible file: recipients of social assistance are ~2–3 % of inhabitants, etc."""
    sizes = {"11F": min(6000, max(3, population // 40)), "11CF": max(2, population // 2500),
             "0A": min(2500, 200 + population // 100), "0B": 60}
    return sizes[file_form]


def _file(file_form: str, year: int, region: str, population: int, seed: int, errors: tuple[str, ...]) -> bytes:
    n = _size(file_form, population)
    if file_form in ("11F", "11CF"):
        return generate_sosial(file_form, year, region, n, seed, errors=errors)
    return generate_accounts(file_form, year, region, n, seed, scale=max(population, 500) / 10_000)


def _contact(unit: DemoUnit) -> dict[str, object]:
    slug = re.sub(r"[^a-z]", "", unit.name.split(" - ")[0].lower().replace("ø", "o").replace("å", "a")
                  .replace("æ", "ae")) or "kommune"
    return {"ansvarlig_navn": f"Saksbehandler {unit.name}", "ansvarlig_epost": f"postmottak@{slug}.kommune.no"}


@dataclass(frozen=True, slots=True)
class _Planned:
    """One unit's file for one file form, drawn from the seed; ``submitted_at`` is None for a faulty file."""

    unit: DemoUnit
    form_id: str
    upload: Upload
    submitted_at: datetime | None
    uploaded_before: timedelta


def _unit_plan(row: Unit | None, unit: DemoUnit, options: DemoOptions, rng: random.Random) -> list[_Planned]:
    """The unit's files and when they were submitted, drawn in the order the seed has always been used."""
    reporter = Principal(f"demo-{unit.code}", Role.REPORTER, unit.code)
    catalog = load_catalog(options.year)
    planned = []
    for form_id, file_form in FILE_FORMS.items():
        form = catalog.form(form_id)
        if row is None or row.kind not in {k.value for k in form.definition.unit_kinds}:
            continue
        faulty = file_form in ("11F", "11CF") and rng.random() < ERROR_SHARE
        errors = (rng.choice(SOSIAL_ERRORS),) if faulty else ()
        data = _file(file_form, options.year, region_of(row), unit.population or 1000, rng.randrange(1 << 30), errors)
        upload = Upload(reporter, form, row, options.year, f"{file_form}_{options.year}_{unit.code}.dat", data)
        if faulty:
            planned.append(_Planned(unit, form_id, upload, None, timedelta()))
            continue
        # Submitted before the deadline, as the status board's "as of" dates should show, not at build time.
        submitted_at = submission_moment(rng, form.definition.deadline, late=False)
        planned.append(_Planned(unit, form_id, upload, submitted_at, timedelta(minutes=rng.uniform(2, 90))))
    return planned


def _keep_and_submit(session: Session, planned: _Planned, controlled: ControlledUpload) -> bool:
    """Keep the controlled file; submit its form unless the file is one of the faulty ones. True if submitted."""
    attachment = keep_upload(session, controlled)
    if planned.submitted_at is None:
        return False
    upload, unit = planned.upload, planned.unit
    if upload.form.fields():  # the contact person; a form of only a file (accounts) has nothing to save
        submissions.save_draft(session, upload.principal, year=upload.year, form_id=planned.form_id,
                               unit_code=unit.code, values=_contact(unit))
    receipt = submissions.submit(session, upload.principal, year=upload.year, form_id=planned.form_id,
                                 unit_code=unit.code, confirm_warnings=True, recontrol=False)
    receipt.created_at = planned.submitted_at
    attachment.uploaded_at = receipt.created_at - planned.uploaded_before
    return True


def attachments_step(session: Session, options: DemoOptions, progress: Progress) -> str:
    """Demo step: generate, control and keep every unit's files; submit the clean ones.

    The files of a few dozen units are drawn first and controlled together (``control_uploads``: one query for
    the rule screens of many files instead of one per file), then kept and submitted one by one in the order
    they were drawn: the seed is used in the same order and the database holds the same rows, in the same
    order, as when each file was uploaded and submitted in turn.
    """
    units = [u for u in demo_units(options.year, options.seed, options.limit_units, options.always_units)
             if u.kind in ("municipality", "oslo_district")]
    rng = random.Random(f"attachments-{options.seed}-{options.year}")
    uploaded = submitted = 0
    for start in range(0, len(units), _UNITS_TOGETHER):
        chunk = units[start:start + _UNITS_TOGETHER]
        plan = [planned for unit in chunk for planned in _unit_plan(session.get(Unit, unit.code), unit, options, rng)]
        for planned, controlled in zip(plan, control_uploads([planned.upload for planned in plan]), strict=True):
            submitted += _keep_and_submit(session, planned, controlled)
        uploaded += len(plan)
        progress(start + len(chunk), len(units))
    return f"{uploaded} file attachments controlled, {submitted} file forms submitted"


# Units whose files are controlled together: enough to share Polars' fixed costs, few enough to show progress.
_UNITS_TOGETHER = 64
