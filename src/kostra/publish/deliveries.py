"""Deliveries of unpublished data to other agencies (bestilleroversikt): the fields' ``recipients`` in the form
definitions say who gets what. A delivery is a zip of the recipient's fields, unit by unit, from a frozen
snapshot (``values.csv`` and ``manifest.json``), stored read-only under ``KOSTRA_HOME/deliveries/<year>/``
and logged (what, to whom, when, which snapshot, its SHA-256)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.catalog.form_models import Purpose
from kostra.catalog.forms import load_catalog
from kostra.dataset import freeze, read_snapshot
from kostra.errors import NotFound, UsageError
from kostra.publish.definitions import field_codes, table_definitions
from kostra.store.models import AuditEvent, DatasetSnapshot, Delivery

__all__ = ["FieldUse", "deliver", "deliveries", "delivery_fields", "field_overview", "recipients"]

COLLECTOR = "SSB"  # Statistics Norway collects; it is not a recipient of deliveries
_COLUMNS = ["year", "form_id", "unit_code", "field_id", "field_name", "row_key", "row_number", "status",
            "value_text", "submission_id", "version", "receipt_id"]


@dataclass(frozen=True)
class FieldUse:
    """One field of the year: what it is for, who receives it, whether a table publishes it."""

    form_id: str
    field_id: str
    name: str
    label: dict[str, str]
    purpose: str
    recipients: tuple[str, ...]
    published_in: tuple[str, ...]

    @property
    def delivered_to(self) -> tuple[str, ...]:
        return tuple(r for r in self.recipients if r != COLLECTOR)

    @property
    def use(self) -> str:
        """published, control_only, delivered (to another agency only) or collected (kept by SSB only)."""
        if self.published_in:
            return "published"
        if self.purpose == Purpose.CONTROL_ONLY.value:
            return "control_only"
        return "delivered" if self.delivered_to else "collected"


def _fields(year: int) -> list[FieldUse]:
    shown: dict[tuple[str, str], list[str]] = {}
    for name, table in table_definitions(year).items():
        for code in field_codes(table):
            shown.setdefault((table.model.source.form, code), []).append(name)  # type: ignore[union-attr]
    out = []
    for form in load_catalog(year).forms():
        for item in form.fields():
            out.append(FieldUse(form.id, item.id, item.name, {"nb": item.label.nb, "en": item.label.en},
                                item.purpose.value, tuple(item.recipients), tuple(shown.get((form.id, item.id), []))))
    return out


def recipients(year: int) -> list[str]:
    """Everyone but Statistics Norway who receives a field of the year."""
    return sorted({r for f in _fields(year) for r in f.delivered_to})


def _recipient(year: int, name: str) -> str:
    known = recipients(year)
    for candidate in known:
        if candidate.casefold() == name.strip().casefold():
            return candidate
    raise UsageError(f"no field of {year} goes to {name!r}; the recipients are {', '.join(known)}")


def delivery_fields(year: int, recipient: str) -> list[FieldUse]:
    """The fields ``recipient`` receives, in form order."""
    chosen = _recipient(year, recipient)
    return [f for f in _fields(year) if chosen in f.recipients]


def _package(values: pl.DataFrame, manifest: dict[str, object]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("values.csv", values.write_csv())
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, default=str))
    return buffer.getvalue()


def _snapshot(session: Session, home: Path, year: int, actor: str, label: str | None,
              as_of: date | None) -> DatasetSnapshot:
    if label is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        return freeze(session, home, year, f"delivery-{stamp}", by=actor, as_of=as_of)
    found = session.scalar(select(DatasetSnapshot).where(DatasetSnapshot.year == year, DatasetSnapshot.label == label))
    if found is None:
        raise NotFound(f"no snapshot {label!r} of {year} (kostra dataset snapshots --year {year} lists them)")
    return found


def deliver(session: Session, home: Path, year: int, recipient: str, *, actor: str, snapshot: str | None = None,
            as_of: date | None = None) -> Delivery:
    """Write and log the package of ``recipient``'s fields from a snapshot (frozen now unless given)."""
    fields = delivery_fields(year, recipient)
    chosen = _recipient(year, recipient)
    frozen = _snapshot(session, home, year, actor, snapshot, as_of)
    wanted = pl.DataFrame({"form_id": [f.form_id for f in fields], "field_id": [f.field_id for f in fields]})
    values = read_snapshot(session, home, year, frozen.label).join(wanted, on=["form_id", "field_id"], how="semi")
    values = values.select(_COLUMNS).sort("form_id", "unit_code", "field_id", "row_number", nulls_last=False)
    listed = [{"form": f.form_id, "field": f.field_id, "name": f.name, "purpose": f.purpose} for f in fields]
    manifest = {"year": year, "recipient": chosen, "snapshot": frozen.label, "snapshot_sha256": frozen.sha256,
                "made_by": actor, "made_at": datetime.now(UTC).isoformat(), "rows": values.height, "fields": listed}
    content = _package(values, manifest)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", chosen).strip("-").lower()
    relative = Path("deliveries") / str(year) / f"{slug}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.zip"
    target = home / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".zip.partial")
    partial.write_bytes(content)
    os.chmod(partial, 0o444)
    os.replace(partial, target)
    digest = hashlib.sha256(content).hexdigest()
    delivery = Delivery(year=year, recipient=chosen, snapshot_id=frozen.id, path=relative.as_posix(), sha256=digest,
                        rows=values.height, fields_json=json.dumps(listed, ensure_ascii=False), created_by=actor)
    session.add(delivery)
    session.add(AuditEvent(actor=actor, action="publish.deliver", object_ref=f"{year}/delivery/{chosen}",
                           detail_json=json.dumps({"sha256": digest, "rows": values.height, "snapshot": frozen.label,
                                                   "fields": len(listed)})))
    session.flush()
    return delivery


def deliveries(session: Session, year: int) -> list[Delivery]:
    """The delivery log of a year, oldest first."""
    return list(session.scalars(select(Delivery).where(Delivery.year == year).order_by(Delivery.id)))


def field_overview(session: Session, year: int) -> list[dict[str, object]]:
    """Per field: purpose, recipients, the tables publishing it, and when each recipient last got it."""
    last: dict[tuple[str, str, str], datetime] = {}
    for delivery in deliveries(session, year):
        for item in json.loads(delivery.fields_json):
            last[(delivery.recipient, item["form"], item["field"])] = delivery.created_at
    rows = []
    for f in _fields(year):
        delivered = {r: last[(r, f.form_id, f.field_id)] for r in f.delivered_to if (r, f.form_id, f.field_id) in last}
        rows.append({"form_id": f.form_id, "field_id": f.field_id, "name": f.name, "label": f.label,
                     "purpose": f.purpose, "recipients": list(f.recipients), "published_in": list(f.published_in),
                     "use": f.use, "delivered": delivered})
    return rows
