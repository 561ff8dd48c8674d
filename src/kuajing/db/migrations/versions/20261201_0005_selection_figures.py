"""selection figures: per offer spec × country, on the best line, for the workbench

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kuajing.db.base

# the workbench's sorts and filters, each with a (country, column) index (as selection_tables)
INDEXED_COLUMNS = (
    "margin", "expected_profit_cny", "total_cny", "price_usd", "category", "line_id", "title",
    "supplier_name", "moq", "unit_cost_cny", "weight_g", "reliability", "goods_cny", "freight_cny",
    "duty_cny",
)  # fmt: skip

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _money(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Numeric(precision=20, scale=6), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "selection_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_row_id", sa.Integer(), nullable=False),
        sa.Column("spec_id", sa.String(length=64), nullable=False),
        sa.Column("spec_attributes", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("offer_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_name", sa.String(length=200), nullable=False),
        sa.Column("cluster_code", sa.String(length=40), nullable=True),
        sa.Column("dropship", sa.Boolean(), nullable=False),
        sa.Column("super_factory", sa.Boolean(), nullable=False),
        sa.Column("custom_moq", sa.Integer(), nullable=True),
        sa.Column("moq", sa.Integer(), nullable=False),
        _money("unit_cost_cny", nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=True),
        sa.Column("hs_code", sa.String(length=12), nullable=False),
        sa.Column("hs_assumed", sa.Boolean(), nullable=False),
        sa.Column("line_id", sa.String(length=40), nullable=True),
        _money("price_usd"),
        _money("goods_cny"),
        _money("freight_cny"),
        _money("duty_cny"),
        _money("vat_cny"),
        _money("fees_cny"),
        _money("total_cny"),
        _money("expected_cost_cny"),
        _money("profit_cny"),
        sa.Column("margin", sa.Numeric(precision=8, scale=4), nullable=True),
        sa.Column("reliability", sa.Numeric(precision=6, scale=4), nullable=False),
        _money("expected_profit_cny"),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("price_given", sa.Boolean(), nullable=False),
        sa.Column("computed_on", sa.String(length=10), nullable=False),
        sa.Column("computed_at", kuajing.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_row_id"],
            ["sourced_offers.id"],
            name=op.f("fk_selection_figures_offer_row_id_sourced_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["suppliers.id"], name=op.f("fk_selection_figures_supplier_id_suppliers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_figures")),
        sa.UniqueConstraint(
            "offer_row_id",
            "spec_id",
            "country",
            name=op.f("uq_selection_figures_offer_row_id_spec_id_country"),
        ),
    )
    with op.batch_alter_table("selection_figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_selection_figures_offer_row_id"), ["offer_row_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_selection_figures_computed_at"), ["computed_at"], unique=False)
        for column in INDEXED_COLUMNS:
            batch_op.create_index(
                f"ix_selection_figures_country_{column.removesuffix('_cny')}", ["country", column]
            )


def downgrade() -> None:
    op.drop_table("selection_figures")
