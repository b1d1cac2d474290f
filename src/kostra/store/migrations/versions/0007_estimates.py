"""estimates for non-respondents: estimation runs and one estimated value per unit × form × field

An estimation run (``kostra estimate``) records who ran it, when, as of which day and with which method;
each estimate keeps its exact decimal value, the method (ratio on population or last year's value, or
last year's value carried forward) and the model behind it (auxiliary, stratum, ratio, units in the model,
and the residual variance the aggregate CV needs). Nothing reported is touched.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "estimation_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("forms", sa.String(length=200), nullable=True),
        sa.Column("method", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "estimates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("estimation_runs.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(length=10), nullable=False),
        sa.Column("unit_code", sa.String(length=12), nullable=False),
        sa.Column("field_id", sa.String(length=20), nullable=False),
        sa.Column("field_name", sa.String(length=80), nullable=False),
        sa.Column("value_text", sa.String(length=60), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("auxiliary", sa.String(length=60), nullable=True),
        sa.Column("stratum", sa.String(length=12), nullable=True),
        sa.Column("ratio_text", sa.String(length=60), nullable=True),
        sa.Column("n_model", sa.Integer(), nullable=True),
        sa.Column("model_json", sa.Text(), nullable=False),
        sa.UniqueConstraint("run_id", "form_id", "unit_code", "field_name", name="uq_estimates_cell"),
    )
    op.create_index("ix_estimates_year_form", "estimates", ["year", "form_id"])


def downgrade() -> None:
    op.drop_index("ix_estimates_year_form", table_name="estimates")
    op.drop_table("estimates")
    op.drop_table("estimation_runs")
