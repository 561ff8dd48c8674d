"""fulfilment: stored 1688 trace events per purchase, and when each trace was last read

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kuajing.db.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracking_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("bill_no", sa.String(length=80), nullable=True),
        sa.Column("event_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("recorded_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchase_orders.id"],
            name=op.f("fk_tracking_events_purchase_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_events")),
        sa.UniqueConstraint(
            "purchase_id",
            "event_at",
            "fingerprint",
            name=op.f("uq_tracking_events_purchase_id_event_at_fingerprint"),
        ),
    )
    with op.batch_alter_table("tracking_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracking_events_purchase_id"), ["purchase_id"], unique=False)
    op.create_table(
        "tracking_trace_reads",
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("read_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("last_event_at", kuajing.db.base.UtcDateTime(), nullable=True),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchase_orders.id"],
            name=op.f("fk_tracking_trace_reads_purchase_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("purchase_id", name=op.f("pk_tracking_trace_reads")),
    )


def downgrade() -> None:
    op.drop_table("tracking_trace_reads")
    with op.batch_alter_table("tracking_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_events_purchase_id"))
    op.drop_table("tracking_events")
