"""compliance: AliExpress listings, EPR registrations, listing × market checks, QC documents

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kuajing.db.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "compliance_epr_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("stream", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.Column("updated_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_epr_registrations")),
        sa.UniqueConstraint("country", "stream", name=op.f("uq_compliance_epr_registrations_country_stream")),
    )
    op.create_table(
        "compliance_qc_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("stored_path", sa.String(length=500), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.Column("uploaded_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_qc_documents")),
    )
    with op.batch_alter_table("compliance_qc_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_compliance_qc_documents_family"), ["family"], unique=False)

    op.create_table(
        "compliance_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("category_id", sa.BigInteger(), nullable=True),
        sa.Column("category_name", sa.String(length=200), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("markets", sa.JSON(), nullable=False),
        sa.Column("offer_id", sa.BigInteger(), nullable=True),
        sa.Column("hs6", sa.String(length=6), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("checked_at", kuajing.db.base.UtcDateTime(), nullable=True),
        sa.Column("created_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.Column("updated_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["aliexpress_stores.id"],
            name=op.f("fk_compliance_listings_store_id_aliexpress_stores"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_listings")),
        sa.UniqueConstraint("product_id", name=op.f("uq_compliance_listings_product_id")),
    )
    op.create_table(
        "compliance_listing_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("market", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("streams", sa.JSON(), nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=False),
        sa.Column("checked_at", kuajing.db.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["compliance_listings.id"],
            name=op.f("fk_compliance_listing_checks_listing_id_compliance_listings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_listing_checks")),
        sa.UniqueConstraint(
            "listing_id", "market", name=op.f("uq_compliance_listing_checks_listing_id_market")
        ),
    )
    with op.batch_alter_table("compliance_listing_checks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_compliance_listing_checks_market_status", ["market", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("compliance_listing_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_compliance_listing_checks_market_status")
    op.drop_table("compliance_listing_checks")
    op.drop_table("compliance_listings")
    with op.batch_alter_table("compliance_qc_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compliance_qc_documents_family"))
    op.drop_table("compliance_qc_documents")
    op.drop_table("compliance_epr_registrations")
