"""Database models. Every schema change comes with an Alembic migration in ``migrations/``.

Timestamps are timezone-aware UTC; calendar facts (population on 1 January) are dates or years.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiToken",
    "Approval",
    "Attachment",
    "AuditEvent",
    "Base",
    "Contact",
    "ControlResult",
    "ControlRun",
    "DatasetSnapshot",
    "Delivery",
    "Draft",
    "Edit",
    "Estimate",
    "EstimationRun",
    "LoginFailure",
    "LoginSession",
    "OutboxMessage",
    "PopulationCount",
    "ReferenceLoad",
    "Region",
    "RegionMembership",
    "RegisterValue",
    "Release",
    "ReleaseTable",
    "Submission",
    "Unit",
    "User",
    "utcnow",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Region(Base):
    """A region of one year's structure: municipality, county, district, group or aggregate."""

    __tablename__ = "regions"
    __table_args__ = (UniqueConstraint("year", "code", name="uq_regions_year_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))


class RegionMembership(Base):
    """``region_code`` belongs to aggregate ``aggregate_code`` in ``year`` (EKA03, EKG12, EAK …)."""

    __tablename__ = "region_memberships"
    __table_args__ = (
        UniqueConstraint("year", "region_code", "aggregate_code", name="uq_region_memberships"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    aggregate_code: Mapped[str] = mapped_column(String(12), index=True)


class PopulationCount(Base):
    """Persons on 1 January of ``year`` in a municipality or district, by single year of age and sex."""

    __tablename__ = "population"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    age: Mapped[int] = mapped_column(Integer, primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    persons: Mapped[int] = mapped_column(Integer)


class ReferenceLoad(Base):
    """Provenance of a reference data set loaded into the database."""

    __tablename__ = "reference_loads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(300))
    rows: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Unit(Base):
    """A reporting unit: a municipality (4 digits), an Oslo district (6 digits), a county (2 digits)
    or an institution reporting form 5 under its organisation number."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    orgnr: Mapped[str | None] = mapped_column(String(9), nullable=True)
    municipality_code: Mapped[str | None] = mapped_column(String(4), nullable=True)
    population: Mapped[int | None] = mapped_column(Integer, nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class User(Base):
    """A person who logs in; reporters belong to one unit, statisticians and administrators to none."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    """A bearer token for vendors' systems; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginSession(Base):
    """A page session: the cookie carries its random id, only the id's SHA-256 is stored.

    Checked on every request, so logging out, a password reset or a deactivation ends it at once.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    client: Mapped[str] = mapped_column(String(64), default="")
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)


class LoginFailure(Base):
    """A failed login or token request: what the throttle counts (the audit log keeps the history)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)


class Draft(Base):
    """The working copy of a form being filled in: one per (year, form, unit), saved on every change."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("year", "form_id", "unit_code", name="uq_drafts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    form_id: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    values_json: Mapped[str] = mapped_column(Text, default="{}")
    confirmed_json: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80))


class Submission(Base):
    """A submitted version (or nil return) of a form: never updated, corrections add a version."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("year", "form_id", "unit_code", "version", name="uq_submissions_version"),
        # A client's Idempotency-Key names one request of one user (kostra.reporting.versions).
        UniqueConstraint("created_by", "idempotency_key", name="uq_submissions_idempotency"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    form_id: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(30))
    values_json: Mapped[str] = mapped_column(Text)
    comments_json: Mapped[str] = mapped_column(Text, default="{}")
    worst_severity: Mapped[str] = mapped_column(String(10))
    content_hash: Mapped[str] = mapped_column(String(64))
    receipt_id: Mapped[str] = mapped_column(String(40), unique=True)
    # The file attachment this version was submitted with (file and accounts forms); controls read only it.
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True, default=None)
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)


class Attachment(Base):
    """An uploaded file attachment (11F, 11CF, accounts …) with its control report."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    form_id: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(10))
    report_json: Mapped[str] = mapped_column(Text)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(80))


class AuditEvent(Base):
    """Who did what, when and why: every change to reported data and users is logged here."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    object_ref: Mapped[str] = mapped_column(String(120), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    detail_json: Mapped[str] = mapped_column(Text, default="{}")


class ControlRun(Base):
    """One run of the controls over all units of a year (or of one form): who started it, what it found."""

    __tablename__ = "control_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    form_id: Mapped[str | None] = mapped_column(String(10), nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    started_by: Mapped[str] = mapped_column(String(80))
    # Set when the run judged one unit only (re-run at once when the unit submitted a new version).
    unit_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    rules: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    summary_json: Mapped[str] = mapped_column(Text, default="[]")


class ControlResult(Base):
    """The outcome of one rule or statistical check for one unit in a run, with the values it read."""

    __tablename__ = "control_results"
    __table_args__ = (Index("ix_control_results_run_unit", "run_id", "unit_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("control_runs.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(120))
    form_id: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(10))
    fields_json: Mapped[str] = mapped_column(Text, default="[]")
    values_json: Mapped[str] = mapped_column(Text, default="{}")
    message: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    # The submission (id, version) of the unit's form the result judged; None when it had none.
    submission_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Edit(Base):
    """A statistician's value for one field of a submitted form; the reported value stays as it was.

    An edit belongs to the submission version it was made against (``submission_id``, ``version``) and
    keeps the reported value it replaced (``reported_json``). The newest edit of a (year, form, unit,
    field, row key) counts; older ones remain as history. ``kind`` is ``value`` or ``withdrawal`` (the
    statistician withdrew the edits of the cell: the reported value stands). Table cells are named by
    ``row_key``: the key column's value where the form names one, else the 1-based position.
    """

    __tablename__ = "edits"
    __table_args__ = (Index("ix_edits_form_unit", "year", "form_id", "unit_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    form_id: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    field_name: Mapped[str] = mapped_column(String(80))
    row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    row_key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    kind: Mapped[str] = mapped_column(String(12), default="value", server_default="value")
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), nullable=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reported_json: Mapped[str] = mapped_column(Text, default="null")
    value_json: Mapped[str] = mapped_column(Text)
    reason_code: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    control_result_id: Mapped[int | None] = mapped_column(ForeignKey("control_results.id", ondelete="SET NULL"),
                                                          nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))


class Approval(Base):
    """A statistician approves (or withdraws approval of) one submitted version of a unit's form."""

    __tablename__ = "approvals"
    __table_args__ = (Index("ix_approvals_form_unit", "year", "form_id", "unit_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    form_id: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    approved: Mapped[bool] = mapped_column(Boolean, default=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))


class Contact(Base):
    """An entry in a unit's contact log: a call, an e-mail or a meeting with the municipality."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_unit", "unit_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    form_id: Mapped[str | None] = mapped_column(String(10), nullable=True)
    channel: Mapped[str] = mapped_column(String(20))
    person: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text)
    follow_up_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))


class OutboxMessage(Base):
    """A message to a unit (a deadline reminder …), kept after sending; ``dedupe_key`` stops repeats."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    form_id: Mapped[str | None] = mapped_column(String(10), nullable=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    send_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class RegisterValue(Base):
    """A measure from an administrative register for one unit and year (e.g. midwife FTEs from the
    register of health personnel), read by controls as ``register(<measure>)``."""

    __tablename__ = "register_values"
    __table_args__ = (UniqueConstraint("year", "unit_code", "measure", name="uq_register_values"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    unit_code: Mapped[str] = mapped_column(String(12))
    measure: Mapped[str] = mapped_column(String(80))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(200), default="")


class DatasetSnapshot(Base):
    """A frozen copy of a year's values (``kostra dataset freeze``): a Parquet file and its SHA-256.

    Never updated or deleted; a label is used once per year. Releases are built from one.
    """

    __tablename__ = "dataset_snapshots"
    __table_args__ = (UniqueConstraint("year", "label", name="uq_dataset_snapshots_label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    label: Mapped[str] = mapped_column(String(80))
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date | None] = mapped_column(Date, nullable=True)
    approved_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))


class EstimationRun(Base):
    """One run of the estimation for non-respondents (``kostra estimate``): who, when, as of which day, how."""

    __tablename__ = "estimation_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date | None] = mapped_column(Date, nullable=True)
    forms: Mapped[str | None] = mapped_column(String(200), nullable=True)  # comma-joined; null: every form
    method: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Estimate(Base):
    """An estimated value of one field for one unit and form that had not reported (never its own figure).

    ``value_text`` is the exact decimal; ``model_json`` holds what the aggregate CV needs (the stratum's
    residual variance ``sigma2``, the auxiliary total of the model units ``x_model``, the unit's ``x``).
    """

    __tablename__ = "estimates"
    __table_args__ = (UniqueConstraint("run_id", "form_id", "unit_code", "field_name", name="uq_estimates_cell"),
                      Index("ix_estimates_year_form", "year", "form_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("estimation_runs.id"))
    year: Mapped[int] = mapped_column(Integer)
    form_id: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(String(12))
    field_id: Mapped[str] = mapped_column(String(20))
    field_name: Mapped[str] = mapped_column(String(80))
    value_text: Mapped[str] = mapped_column(String(60))
    method: Mapped[str] = mapped_column(String(30))
    auxiliary: Mapped[str | None] = mapped_column(String(60), nullable=True)
    stratum: Mapped[str | None] = mapped_column(String(12), nullable=True)
    ratio_text: Mapped[str | None] = mapped_column(String(60), nullable=True)
    n_model: Mapped[int | None] = mapped_column(Integer, nullable=True)
    model_json: Mapped[str] = mapped_column(Text, default="{}")
class Release(Base):
    """A publication of a year's tables (``kostra publish``): preliminary, final or a correction.

    Built from one frozen snapshot; never updated or deleted. ``sha256`` covers every table file and the
    corrections log; ``previous_id`` is the release it follows (the corrections log compares against it).
    ``public_from`` (UTC) is its embargo: the public statbank and profile pages show it from then on.
    """

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("dataset_snapshots.id"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"), nullable=True)
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    tables: Mapped[int] = mapped_column(Integer)
    cells: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    public_from: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReleaseTable(Base):
    """One table of a release: its Parquet file (hash), metadata as published, and the suppression audit."""

    __tablename__ = "release_tables"
    __table_args__ = (UniqueConstraint("release_id", "table_id", name="uq_release_tables_table"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    table_id: Mapped[str] = mapped_column(String(80))
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    cells: Mapped[int] = mapped_column(Integer)
    suppressed: Mapped[int] = mapped_column(Integer)
    metadata_json: Mapped[str] = mapped_column(Text)
    audit_json: Mapped[str] = mapped_column(Text)


class Delivery(Base):
    """A package of unit-level values sent to a recipient (``kostra deliver``): what, to whom, when, which
    snapshot. Never updated or deleted."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    recipient: Mapped[str] = mapped_column(String(120))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("dataset_snapshots.id"))
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    fields_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
