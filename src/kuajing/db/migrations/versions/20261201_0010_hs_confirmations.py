"""hs confirmations: classifications a user or an official opinion confirmed (the HS model's examples)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kuajing.db.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hs_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(length=300), nullable=True),
        sa.Column("hs6", sa.String(length=6), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("confirmed_by", sa.String(length=80), nullable=False),
        sa.Column("confirmed_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hs_confirmations")),
    )
    with op.batch_alter_table("hs_confirmations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hs_confirmations_hs6"), ["hs6"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hs_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hs_confirmations_hs6"))
    op.drop_table("hs_confirmations")
