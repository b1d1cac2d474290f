"""Unit administration services on both backends: codes by kind, the region structure, deactivation, audit."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kostra.access.admin import (
    AdminError,
    add_unit,
    deactivate_unit,
    get_unit,
    list_units,
    structure_year,
    update_unit,
)
from kostra.errors import NotFound
from kostra.intake.identifiers import orgnr_check_digit
from kostra.reference import regions
from kostra.reference.loader import load_reference_into_database
from kostra.store.models import AuditEvent, Unit


def _valid_orgnr(first_eight: str) -> str:
    check = orgnr_check_digit(first_eight)
    assert check is not None
    return f"{first_eight}{check}"


def _refused(session: Session, expected: str, call: object, *args: object, **kwargs: object) -> AdminError:
    session.commit()
    units_before = session.scalar(select(func.count()).select_from(Unit))
    events_before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(AdminError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    session.rollback()
    assert caught.value.code == expected
    assert session.scalar(select(func.count()).select_from(Unit)) == units_before
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events_before
    return caught.value


def test_add_each_kind_without_reference_data(session: Session) -> None:
    assert structure_year(session) is None  # no region rows: only the code format is checked
    add_unit(session, "admin", code="3403", kind="municipality", name="Hamar", population=32_000,
             orgnr="970540008", email="postmottak@hamar.kommune.no", reason="ny kommune")
    add_unit(session, "admin", code="030105", kind="oslo_district", name="Frogner")
    add_unit(session, "admin", code="34", kind="county", name="Innlandet")
    orgnr = _valid_orgnr("99887766")
    add_unit(session, "admin", code=orgnr, kind="institution", name="Hamar helsehus", municipality_code="3403")
    session.commit()
    assert (get_unit(session, "3403").municipality_code, get_unit(session, "030105").municipality_code) == (
        "3403", "0301")
    institution = get_unit(session, orgnr)
    assert (institution.orgnr, institution.municipality_code, institution.active) == (orgnr, "3403", True)
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "unit.create")
                                  .order_by(AuditEvent.id)))
    assert [e.object_ref for e in events] == ["unit/3403", "unit/030105", "unit/34", f"unit/{orgnr}"]
    assert events[0].reason == "ny kommune" and json.loads(events[0].detail_json)["population"] == 32_000


@pytest.mark.parametrize(("arguments", "code", "field"), [
    ({"code": "340", "kind": "municipality"}, "code_format_municipality", "code"),
    ({"code": "030201", "kind": "oslo_district"}, "code_format_oslo_district", "code"),
    ({"code": "341", "kind": "county"}, "code_format_county", "code"),
    ({"code": "3401", "kind": "municipality"}, "code_taken", "code"),
    ({"code": "3499", "kind": "kommune"}, "kind_invalid", "kind"),
    ({"code": "3499", "kind": "municipality", "name": "  "}, "name_required", "name"),
    ({"code": "3499", "kind": "municipality", "email": "post@"}, "email_invalid", "email"),
    ({"code": "3499", "kind": "municipality", "population": "mange"}, "population_invalid", "population"),
    ({"code": "3499", "kind": "municipality", "orgnr": "970540009"}, "orgnr_invalid", "orgnr"),
    ({"code": "974600952", "kind": "institution", "municipality_code": "3401"}, "orgnr_invalid", "code"),
    ({"code": "998877660", "kind": "institution"}, "municipality_required", "municipality_code"),
    ({"code": "998877660", "kind": "institution", "municipality_code": "5001"}, "municipality_unknown",
     "municipality_code"),
])
def test_bad_units_are_refused_and_change_nothing(session: Session, arguments: dict[str, object], code: str,
                                                  field: str) -> None:
    arguments = {"name": "Ny enhet", **arguments}
    if arguments["code"] == "998877660":
        arguments["code"] = _valid_orgnr("99887766")
    error = _refused(session, code, add_unit, session, "admin", **arguments)
    assert error.field == field


def test_codes_are_checked_against_the_loaded_region_structure(session: Session) -> None:
    load_reference_into_database(session, years=[2024])
    session.commit()
    assert structure_year(session, today=date(2026, 5, 1)) == 2024
    assert structure_year(session) == 2024
    municipality = next(r for r in regions(2024, "kommune") if r.code not in ("3401", "3405"))
    add_unit(session, "admin", code=municipality.code, kind="municipality", name=municipality.name)
    error = _refused(session, "code_not_in_structure", add_unit, session, "admin", code="3499",
                     kind="municipality", name="Finnes ikke")
    assert error.params["year"] == "2024"
    _refused(session, "code_not_in_structure", add_unit, session, "admin", code="030199", kind="oslo_district",
             name="Finnes ikke")
    _refused(session, "code_not_in_structure", add_unit, session, "admin", code="99", kind="county", name="X")
    # a 2024 municipality with no unit is accepted as an institution's location
    orgnr = _valid_orgnr("99887766")
    other = next(r.code for r in regions(2024, "kommune") if r.code not in ("3401", "3405", municipality.code))
    add_unit(session, "admin", code=orgnr, kind="institution", name="Et sykehjem", municipality_code=other)


def test_update_and_deactivate(session: Session) -> None:
    update_unit(session, "admin", "3401", name="Kongsvinger kommune", population="18 300", email="post@k.no",
                reason="retting")
    deactivate_unit(session, "admin", "3401", reason="sammenslått")
    deactivate_unit(session, "admin", "3401")  # already inactive: no second event
    session.commit()
    unit = get_unit(session, "3401")
    assert (unit.name, unit.population, unit.email, unit.active) == ("Kongsvinger kommune", 18_300, "post@k.no",
                                                                     False)
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.object_ref == "unit/3401")
                                  .order_by(AuditEvent.id)))
    assert [e.action for e in events] == ["unit.update", "unit.deactivate"]
    assert json.loads(events[0].detail_json)["population"] == [18_203, 18_300]
    deactivated = json.loads(events[1].detail_json)
    assert deactivated["active"] == [True, False] and deactivated["active_reporters"] == 1
    assert events[1].reason == "sammenslått"
    assert "3401" not in [u.code for u in list_units(session, active=True)]
    update_unit(session, "admin", "3401", active=True)
    assert get_unit(session, "3401").active


def test_institution_rules_on_update(session: Session) -> None:
    _refused(session, "orgnr_mismatch", update_unit, session, "admin", "974600951", orgnr="976990803")
    _refused(session, "municipality_unknown", update_unit, session, "admin", "974600951", municipality_code="5001")
    update_unit(session, "admin", "974600951", municipality_code="3405")
    assert get_unit(session, "974600951").municipality_code == "3405"


def test_list_filters(session: Session) -> None:
    assert [u.code for u in list_units(session)] == ["3401", "3405", "030102", "974600951", "976990803"]
    assert [u.code for u in list_units(session, kind="institution", municipality_code="3405")] == ["976990803"]
    assert [u.code for u in list_units(session, query="lillehammer")] == ["3405", "976990803"]


def test_unknown_unit(session: Session) -> None:
    with pytest.raises(NotFound):
        deactivate_unit(session, "admin", "9999")
