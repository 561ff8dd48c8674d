"""hs opinions: official pre-classification opinions (预归类意见) per 1688 offer or AliExpress listing

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kuajing.db.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hs_opinions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("hs6", sa.String(length=6), nullable=False),
        sa.Column("national_code", sa.String(length=16), nullable=True),
        sa.Column("opinion_date", sa.Date(), nullable=False),
        sa.Column("authority", sa.String(length=120), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("document_path", sa.String(length=300), nullable=True),
        sa.Column("document_name", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hs_opinions")),
    )
    with op.batch_alter_table("hs_opinions", schema=None) as batch_op:
        batch_op.create_index("ix_hs_opinions_subject", ["subject_kind", "subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hs_opinions", schema=None) as batch_op:
        batch_op.drop_index("ix_hs_opinions_subject")
    op.drop_table("hs_opinions")
