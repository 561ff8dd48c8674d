"""ORM mapping of selection figures: what each offer spec lands at and earns per country (``kuajing
selection screen`` fills it with the matrix engine).

The workbench sorts and filters 100,000 offers per page request, so everything a page sorts or
filters on is copied here from the offer and its supplier (title, category, MOQ, flags, cluster):
one table, one index per sort, no join until the 50 rows of the page. Screening again rewrites an
offer's rows, so a copy is never older than its figures.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base, MoneyAmount

INDEXED_COLUMNS = (
    "margin", "expected_profit_cny", "total_cny", "price_usd", "category", "line_id", "title",
    "supplier_name", "moq", "unit_cost_cny", "weight_g", "reliability", "goods_cny", "freight_cny",
    "duty_cny",
)  # fmt: skip


class SelectionFigureRow(Base):
    """选品测算: one offer spec × destination, on its best line (None where none serves: ``reason``)."""

    __tablename__ = "selection_figures"
    __table_args__ = (
        UniqueConstraint("offer_row_id", "spec_id", "country"),
        # one (country, column) index per sort and per equality filter: a page reads 50 index entries
        *(Index(f"ix_selection_figures_country_{column.removesuffix('_cny')}", "country", column)
          for column in INDEXED_COLUMNS),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_row_id: Mapped[int] = mapped_column(ForeignKey("sourced_offers.id", ondelete="CASCADE"), index=True)
    spec_id: Mapped[str] = mapped_column(String(64))  # "" for an offer without specs
    spec_attributes: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    # copied from the offer and its supplier, for sorting and filtering without a join
    offer_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(500))
    category: Mapped[str | None] = mapped_column(String(120))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    supplier_name: Mapped[str] = mapped_column(String(200))
    cluster_code: Mapped[str | None] = mapped_column(String(40))
    dropship: Mapped[bool]
    super_factory: Mapped[bool]
    custom_moq: Mapped[int | None]
    moq: Mapped[int]
    unit_cost_cny: Mapped[Decimal] = mapped_column(MoneyAmount())
    weight_g: Mapped[int | None]
    hs_code: Mapped[str] = mapped_column(String(12))
    hs_assumed: Mapped[bool]
    # the figures (None where no line serves)
    line_id: Mapped[str | None] = mapped_column(String(40))
    price_usd: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    goods_cny: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    freight_cny: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    duty_cny: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    vat_cny: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    fees_cny: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    total_cny: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    expected_cost_cny: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    profit_cny: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    margin: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    reliability: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    expected_profit_cny: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    reason: Mapped[str] = mapped_column(String(200), default="")
    price_given: Mapped[bool]  # the user's price, or False: priced for the target margin
    computed_on: Mapped[str] = mapped_column(String(10))  # the rule/card date, ISO
    computed_at: Mapped[datetime] = mapped_column(index=True)  # the latest screening, on every page
