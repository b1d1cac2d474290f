"""dataset: edits belong to a version, submissions name their attachment, results name their submission,
frozen dataset snapshots

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: rebuilding ``submissions`` on SQLite would fail on a filled database
    # (edits and approvals refer to it while foreign keys are enforced).
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with a reference (default NULL) in place; alembic cannot express it.
        op.execute("ALTER TABLE submissions ADD COLUMN attachment_id INTEGER REFERENCES attachments (id)")
    else:
        op.add_column("submissions", sa.Column("attachment_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_submissions_attachment_id", "submissions", "attachments", ["attachment_id"],
                              ["id"])
    op.add_column("edits", sa.Column("row_key", sa.String(length=120), nullable=True))
    op.add_column("edits", sa.Column("kind", sa.String(length=12), server_default="value", nullable=False))
    op.add_column("edits", sa.Column("version", sa.Integer(), nullable=True))
    op.add_column("control_runs", sa.Column("unit_code", sa.String(length=12), nullable=True))
    op.add_column("control_results", sa.Column("submission_id", sa.Integer(), nullable=True))
    op.add_column("control_results", sa.Column("version", sa.Integer(), nullable=True))
    op.create_table(
        "dataset_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("approved_only", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "label", name="uq_dataset_snapshots_label"),
    )
    with op.batch_alter_table("dataset_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dataset_snapshots_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dataset_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataset_snapshots_year"))
    op.drop_table("dataset_snapshots")
    with op.batch_alter_table("control_results", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("submission_id")
    with op.batch_alter_table("control_runs", schema=None) as batch_op:
        batch_op.drop_column("unit_code")
    with op.batch_alter_table("edits", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("kind")
        batch_op.drop_column("row_key")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_submissions_attachment_id", type_="foreignkey")
        batch_op.drop_column("attachment_id")
