"""Deliveries per recipient from the fields' recipients, logged; the overview of every field."""

from __future__ import annotations

import io
import json
import zipfile

import polars as pl
import pytest
from sqlalchemy.orm import Session

from kostra.errors import UsageError
from kostra.publish.deliveries import deliver, deliveries, delivery_fields, field_overview, recipients
from kostra.settings import Settings


def test_helsedirektoratet_gets_its_fields_of_form_1_and_not_ssb_only_ones() -> None:
    fields = {(f.form_id, f.field_id) for f in delivery_fields(2025, "helsedirektoratet")}
    # the working group's example (bestilleroversikt): form 1 questions 2.3, 4.4 and 5.2
    assert {("1", "2.3"), ("1", "4.4"), ("1", "5.2")} <= fields
    assert ("1", "1.1") not in fields  # contact person: SSB only
    assert "SSB" not in recipients(2025) and "Husbanken" in recipients(2025)


def test_an_unknown_recipient_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"no field of 2025 goes to 'Skatteetaten'; the recipients are .*Helsedir"):
        delivery_fields(2025, "Skatteetaten")


def test_a_delivery_is_a_logged_package_of_the_recipients_fields(session: Session, demo: Settings) -> None:
    made = deliver(session, demo.home, 2025, "Husbanken", actor="statistiker")
    session.commit()
    package = zipfile.ZipFile(io.BytesIO((demo.home / made.path).read_bytes()))
    values = pl.read_csv(package.open("values.csv"), infer_schema=False)
    manifest = json.loads(package.read("manifest.json"))
    wanted = {(f.form_id, f.field_id) for f in delivery_fields(2025, "Husbanken")}
    assert set(zip(values["form_id"], values["field_id"], strict=True)) <= wanted
    assert set(values["form_id"]) == {"13"} and values.height == made.rows > 0
    assert manifest["recipient"] == "Husbanken" and manifest["snapshot"].startswith("delivery-")
    assert [d.recipient for d in deliveries(session, 2025)] == ["Husbanken"]
    overview = {(r["form_id"], r["field_id"]): r for r in field_overview(session, 2025)}
    husbanken = [r for r in overview.values() if "Husbanken" in r["recipients"]]
    assert husbanken and all("Husbanken" in r["delivered"] for r in husbanken)
    assert overview[("5", "4.1")]["use"] == "published" and overview[("5", "2.1")]["use"] == "control_only"
