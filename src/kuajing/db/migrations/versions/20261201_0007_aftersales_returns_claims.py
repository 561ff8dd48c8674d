"""aftersales: return cases, supplier claims, claim transitions, evidence files

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kuajing.db.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "aftersales_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("ae_order_id", sa.BigInteger(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("liable", sa.String(length=10), nullable=True),
        sa.Column("amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"], ["ae_order_lines.id"], name=op.f("fk_aftersales_cases_line_id_ae_order_lines")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["ae_orders.id"], name=op.f("fk_aftersales_cases_order_id_ae_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersales_cases")),
        sa.UniqueConstraint("source", "ae_order_id", "line_id", name="uq_aftersales_cases_source"),
    )
    with op.batch_alter_table("aftersales_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aftersales_cases_order_id"), ["order_id"], unique=False)

    op.create_table(
        "aftersales_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.Column("supplier_member_id", sa.String(length=80), nullable=False),
        sa.Column("alibaba_order_id", sa.String(length=40), nullable=True),
        sa.Column("credit_guarantee", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("advance_compensation", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("refund_id", sa.String(length=60), nullable=True),
        sa.Column("recovered_amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("created_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.Column("updated_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["aftersales_cases.id"], name=op.f("fk_aftersales_claims_case_id_aftersales_cases")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchase_orders.id"],
            name=op.f("fk_aftersales_claims_purchase_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersales_claims")),
        sa.UniqueConstraint("case_id", name=op.f("uq_aftersales_claims_case_id")),
    )
    with op.batch_alter_table("aftersales_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aftersales_claims_supplier_member_id"), ["supplier_member_id"], unique=False
        )

    op.create_table(
        "aftersales_claim_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["aftersales_claims.id"],
            name=op.f("fk_aftersales_claim_transitions_claim_id_aftersales_claims"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersales_claim_transitions")),
    )
    with op.batch_alter_table("aftersales_claim_transitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aftersales_claim_transitions_claim_id"), ["claim_id"], unique=False
        )

    op.create_table(
        "aftersales_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("stored_path", sa.String(length=500), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.Column("uploaded_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["aftersales_claims.id"],
            name=op.f("fk_aftersales_evidence_claim_id_aftersales_claims"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersales_evidence")),
    )
    with op.batch_alter_table("aftersales_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aftersales_evidence_claim_id"), ["claim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("aftersales_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aftersales_evidence_claim_id"))

    op.drop_table("aftersales_evidence")
    with op.batch_alter_table("aftersales_claim_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aftersales_claim_transitions_claim_id"))

    op.drop_table("aftersales_claim_transitions")
    with op.batch_alter_table("aftersales_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aftersales_claims_supplier_member_id"))

    op.drop_table("aftersales_claims")
    with op.batch_alter_table("aftersales_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aftersales_cases_order_id"))

    op.drop_table("aftersales_cases")
