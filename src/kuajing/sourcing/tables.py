"""ORM mapping of the sourcing context: what we last read of a 1688 offer for routing (snapshots), and
the workbench's suppliers, offers, specs, remembered column mappings and lifecycle moves."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base, MoneyAmount


class OfferSnapshotRow(Base):
    __tablename__ = "offer_snapshots"

    offer_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    supplier_member_id: Mapped[str] = mapped_column(String(80), index=True)
    supplier_name: Mapped[str | None] = mapped_column(String(200))
    trust_pass: Mapped[bool]
    super_factory: Mapped[bool]
    dropship: Mapped[bool]
    # {spec_id: {"price": "1.23", "consign_price": "2.34", "stock": 10, "attributes": "颜色:黑色"}}
    specs: Mapped[dict[str, Any]] = mapped_column(JSON)
    fetched_at: Mapped[datetime]


# --- the sourcing workbench: suppliers and offers the team tracks (imported from files or the API) ---


class SupplierRow(Base):
    """供应商: a 1688 supplier as the team knows it (flags from 1688 or a file; history is measured)."""

    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[str] = mapped_column(String(80), unique=True)  # 1688 memberId, or the file's key
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(40))
    cluster_code: Mapped[str | None] = mapped_column(String(40), index=True)  # 产业带
    cluster_name: Mapped[str | None] = mapped_column(String(80))
    trust_pass: Mapped[bool] = mapped_column(default=False)  # 诚信通
    trust_pass_years: Mapped[int] = mapped_column(default=0)
    super_factory: Mapped[bool] = mapped_column(default=False)  # 超级工厂
    dropship: Mapped[bool] = mapped_column(default=False)  # 一件代发
    cross_border: Mapped[bool] = mapped_column(default=False)  # 跨境专供
    english_customs_docs: Mapped[bool] = mapped_column(default=False)  # 支持英文报关单
    iso9001: Mapped[bool] = mapped_column(default=False)
    free_sample: Mapped[bool] = mapped_column(default=False)  # 免费打样
    custom_moq: Mapped[int | None]  # 定制起订量; ≤ 50 is custom-friendly
    credit_guarantee: Mapped[bool] = mapped_column(default=False)  # 信用保障
    updated_at: Mapped[datetime]


class SourcedOfferRow(Base):
    """选品库里的货源: one 1688 offer the team tracks, with its lifecycle stage."""

    __tablename__ = "sourced_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    category: Mapped[str | None] = mapped_column(String(120), index=True)
    material: Mapped[str | None] = mapped_column(String(120))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)  # 属性名 → 值, as 1688 states them
    min_order_quantity: Mapped[int] = mapped_column(default=1)
    price_tiers: Mapped[list[Any]] = mapped_column(JSON)  # [[start quantity, "unit price CNY"], …]
    unit_price: Mapped[Decimal] = mapped_column(MoneyAmount())  # the first tier: what one piece costs
    weight_g: Mapped[int | None]
    length_cm: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    width_cm: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    height_cm: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    hs_code: Mapped[str | None] = mapped_column(String(12))
    lifecycle_stage: Mapped[str] = mapped_column(String(20), default="candidate", index=True)
    source: Mapped[str] = mapped_column(String(300))  # "1688 API" or "file:<name> row <n>"
    content_hash: Mapped[str] = mapped_column(String(64))  # re-importing the same row changes nothing
    imported_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)  # the workbench asks "changed since screening?"


class SourcedSpecRow(Base):
    """规格: one spec (SKU) of a sourced offer."""

    __tablename__ = "sourced_specs"
    __table_args__ = (UniqueConstraint("offer_row_id", "spec_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_row_id: Mapped[int] = mapped_column(ForeignKey("sourced_offers.id", ondelete="CASCADE"), index=True)
    spec_id: Mapped[str] = mapped_column(String(64))
    attributes: Mapped[str] = mapped_column(String(300))  # "颜色:黑色;尺码:XL"
    price: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    consign_price: Mapped[Decimal | None] = mapped_column(MoneyAmount())  # 代发价
    stock: Mapped[int | None]


class ColumnMappingRow(Base):
    """A file layout's column mapping, remembered by its header signature (the next import reuses it)."""

    __tablename__ = "import_column_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(String(64), unique=True)  # hash of the normalised headers
    headers: Mapped[list[Any]] = mapped_column(JSON)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)  # field → header as written
    updated_at: Mapped[datetime]


class LifecycleMoveRow(Base):
    """产品生命周期: every move of an offer between stages, with why and who."""

    __tablename__ = "lifecycle_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_row_id: Mapped[int] = mapped_column(ForeignKey("sourced_offers.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]
