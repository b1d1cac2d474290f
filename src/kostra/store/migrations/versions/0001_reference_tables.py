"""Reference tables: regions, memberships, population, load provenance.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.UniqueConstraint("year", "code", name="uq_regions_year_code"),
    )
    op.create_index("ix_regions_year", "regions", ["year"])
    op.create_table(
        "region_memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("aggregate_code", sa.String(12), nullable=False),
        sa.UniqueConstraint("year", "region_code", "aggregate_code", name="uq_region_memberships"),
    )
    op.create_index("ix_region_memberships_year", "region_memberships", ["year"])
    op.create_index("ix_region_memberships_aggregate_code", "region_memberships", ["aggregate_code"])
    op.create_table(
        "population",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("region_code", sa.String(12), primary_key=True),
        sa.Column("age", sa.Integer, primary_key=True),
        sa.Column("sex", sa.String(1), primary_key=True),
        sa.Column("persons", sa.Integer, nullable=False),
    )
    op.create_table(
        "reference_loads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dataset", sa.String(60), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reference_loads")
    op.drop_table("population")
    op.drop_index("ix_region_memberships_aggregate_code", "region_memberships")
    op.drop_index("ix_region_memberships_year", "region_memberships")
    op.drop_table("region_memberships")
    op.drop_index("ix_regions_year", "regions")
    op.drop_table("regions")
