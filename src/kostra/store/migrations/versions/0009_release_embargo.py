"""publication: a release's embargo (``public_from``, when the public statbank may show it)

Releases made before this revision were public as soon as they were made: their ``public_from`` is their
``created_at``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("releases") as batch:
        batch.add_column(sa.Column("public_from", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE releases SET public_from = created_at")
    with op.batch_alter_table("releases") as batch:
        batch.alter_column("public_from", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("releases") as batch:
        batch.drop_column("public_from")
