"""Issue 9 point 6: control results name the submission they judged; submitting a new version re-runs the
unit's own rules at once, so its report shows hits on the current version and lists older ones as superseded."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import form5_values

from kostra.access import Principal, Role
from kostra.controls.runs import run_controls
from kostra.controls.unit_reports import unit_hits
from kostra.reporting import submissions
from kostra.store.models import ControlResult, ControlRun

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
FORM5 = {"year": 2025, "form_id": "5", "unit_code": "974600951"}
TOO_FEW_PLACES = {"rom_i_alt": "61", "rom_for_flere": "5"}  # 56 + 2 × 5 = 66 > 64 places: a WARNING


def _submit(session: Session, **overrides: object) -> int:
    submissions.save_draft(session, KONGSVINGER, values=form5_values(**overrides), confirm=["*"], replace=True,
                           **FORM5)
    receipt = submissions.submit(session, KONGSVINGER, confirm_warnings=True, **FORM5)
    session.commit()
    return receipt.id


def _hits(session: Session, run_id: int) -> list[tuple[str, int | None, int | None]]:
    return [(r.rule, r.submission_id, r.version) for r in session.scalars(select(ControlResult).where(
        ControlResult.run_id == run_id, ControlResult.unit_code == "974600951", ControlResult.outcome == "fail"))]


def test_results_name_the_version_and_a_resubmission_supersedes_old_hits(session: Session) -> None:
    first = _submit(session, **TOO_FEW_PLACES)
    office = run_controls(session, 2025, actor="statistiker")
    session.commit()
    assert ("s5_plasser_ge_rom", first, 1) in _hits(session, office.id)
    judged = session.scalars(select(ControlResult).where(ControlResult.run_id == office.id,
                                                         ControlResult.unit_code == "974600951")).all()
    assert judged and all((r.submission_id, r.version) == (first, 1) for r in judged)
    before = unit_hits(session, 2025, ["3401", "974600951"])
    assert "s5_plasser_ge_rom" in [h.rule for h in before.current] and not before.superseded

    second = _submit(session)  # corrected: 56 + 2 × 4 = 64 places
    # one unit run per submission: the newest judged version 2
    *_, rerun = session.scalars(select(ControlRun).where(ControlRun.unit_code == "974600951")
                                .order_by(ControlRun.id)).all()
    assert (rerun.form_id, rerun.finished_at is not None, rerun.hits) == ("5", True, 0)
    assert session.scalars(select(ControlResult.version).where(ControlResult.run_id == rerun.id)).all()
    assert set(session.scalars(select(ControlResult.submission_id).where(ControlResult.run_id == rerun.id))) == \
        {second}
    after = unit_hits(session, 2025, ["3401", "974600951"])
    assert "s5_plasser_ge_rom" not in [h.rule for h in after.current]
    assert [(h.rule, h.version) for h in after.superseded if h.rule == "s5_plasser_ge_rom"] == \
        [("s5_plasser_ge_rom", 1)]


def test_a_new_version_with_the_same_error_shows_the_hit_on_the_new_version(session: Session) -> None:
    _submit(session, **TOO_FEW_PLACES)
    run_controls(session, 2025, actor="statistiker")
    session.commit()
    _submit(session, **TOO_FEW_PLACES, kontaktperson="Ola Nordmann")
    found = unit_hits(session, 2025, ["974600951"])
    assert [(h.rule, h.version) for h in found.current if h.rule == "s5_plasser_ge_rom"] == \
        [("s5_plasser_ge_rom", 2)]
    assert [h.version for h in found.superseded if h.rule == "s5_plasser_ge_rom"] == [1]


def test_accounts_are_read_from_the_submitted_file_also_through_the_cache(session: Session, tmp_path) -> None:
    from kostra.catalog.forms import load_catalog
    from kostra.controls import snapshot
    from kostra.demo.generate_accounts import generate
    from kostra.reporting.attachments import upload_attachment
    from kostra.store.models import Unit

    def sums(data: bytes) -> dict[tuple[str, str, str], float]:
        # Regnskap layout (1-based): kontoklasse 32, funksjon 33–36 (first 3 digits), art 37–39, beløp 40–48.
        found: dict[tuple[str, str, str], float] = {}
        for line in data.decode("latin-1").splitlines():
            key = (line[31], line[32:35], line[36:39])
            found[key] = found.get(key, 0.0) + int(line[39:48])
        return found

    form, unit = load_catalog(2025).form("0A"), session.get(Unit, "3401")
    submitted, replaced = generate("0A", 2025, "340100", 30, 1), generate("0A", 2025, "340100", 30, 2)
    upload_attachment(session, KONGSVINGER, form=form, unit=unit, year=2025, filename="0A.dat", data=submitted)
    submissions.submit(session, KONGSVINGER, year=2025, form_id="0A", unit_code="3401", confirm_warnings=True)
    upload_attachment(session, KONGSVINGER, form=form, unit=unit, year=2025, filename="0A.dat", data=replaced)
    session.commit()
    units = snapshot._units(session, 2025, ["3401"])
    first = snapshot.accounts_frame(session, 2025, units, tmp_path)
    read = {(r["kontoklasse"], r["funksjon"], r["art"]): r["belop"] for r in first.to_dicts()}
    assert read == sums(submitted) != sums(replaced)
    snapshot._accounts_cache.clear()  # as in a new process: the sums come from accounts-2025.parquet
    assert (tmp_path / "accounts-2025.parquet").is_file()
    again = snapshot.accounts_frame(session, 2025, units, tmp_path)
    assert again.sort(again.columns).equals(first.sort(first.columns))
