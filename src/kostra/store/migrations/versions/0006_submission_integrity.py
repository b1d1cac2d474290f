"""submission integrity: idempotency key and request hash stored with each submission

A submission made through the API with an ``Idempotency-Key`` header keeps the key and the SHA-256
of its request, unique per user, so a retried request answers with the first submission instead of
making another version. Versions were already unique per (year, form, unit) (``uq_submissions_version``,
revision 0002); ``kostra.reporting.versions`` now retries on that constraint instead of failing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite adds a unique constraint by rebuilding the table.
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("request_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_submissions_idempotency", ["created_by", "idempotency_key"])


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_submissions_idempotency", type_="unique")
        batch_op.drop_column("request_hash")
        batch_op.drop_column("idempotency_key")
