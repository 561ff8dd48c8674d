"""ORM mapping for AliExpress orders, their lines, SKU mapping rules, exceptions and the audit trail."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base, MoneyAmount


class AeOrderRow(Base):
    """速卖通订单, as last synced, plus our own processing state."""

    __tablename__ = "ae_orders"
    __table_args__ = (
        UniqueConstraint("ae_order_id"),
        Index("ix_ae_orders_state_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("aliexpress_stores.id"))
    ae_order_id: Mapped[int] = mapped_column(BigInteger)
    ae_status: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))  # purchasing.model.OrderState
    buyer_login_id: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(8))
    contact: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(60))
    province: Mapped[str | None] = mapped_column(String(120))
    city: Mapped[str | None] = mapped_column(String(120))
    district: Mapped[str | None] = mapped_column(String(120))
    street: Mapped[str | None] = mapped_column(String(300))
    address_line: Mapped[str | None] = mapped_column(String(500))
    zip: Mapped[str | None] = mapped_column(String(30))
    pay_amount: Mapped[Decimal] = mapped_column(MoneyAmount())
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    ae_updated_at: Mapped[datetime | None]
    ship_by: Mapped[datetime | None]
    # When the order is next due for work (end of the cancellation window, next tracking poll…).
    due_at: Mapped[datetime | None]
    detail_synced: Mapped[bool] = mapped_column(default=False)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None]
    synced_at: Mapped[datetime]


class AeOrderLineRow(Base):
    __tablename__ = "ae_order_lines"
    __table_args__ = (UniqueConstraint("child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ae_orders.id"), index=True)
    child_id: Mapped[int] = mapped_column(BigInteger)
    product_id: Mapped[int] = mapped_column(BigInteger)
    product_name: Mapped[str | None] = mapped_column(String(500))
    sku_code: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(MoneyAmount())
    currency: Mapped[str] = mapped_column(String(3))
    buyer_logistics_service: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20))  # new | routed | exception | purchased | cancelled
    offer_id: Mapped[int | None] = mapped_column(BigInteger)
    spec_id: Mapped[str | None] = mapped_column(String(64))
    buy_quantity: Mapped[int | None]
    supplier_member_id: Mapped[str | None] = mapped_column(String(80))
    rule_id: Mapped[int | None]
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"))


class SkuMappingRuleRow(Base):
    """SKU 映射规则: AliExpress sku_code → 1688 offer + spec."""

    __tablename__ = "sku_mapping_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("aliexpress_stores.id"))
    kind: Mapped[str] = mapped_column(String(10))
    pattern: Mapped[str] = mapped_column(String(300))
    offer_id: Mapped[int] = mapped_column(BigInteger)
    spec_id: Mapped[str | None] = mapped_column(String(64))
    variant_map: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    quantity_multiplier: Mapped[int] = mapped_column(default=1)
    priority: Mapped[int] = mapped_column(default=100)
    unit_cost: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    enabled: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class OrderExceptionRow(Base):
    """异常队列: why an order line was not bought or not fulfilled, and what fixes it."""

    __tablename__ = "order_exceptions"
    __table_args__ = (Index("ix_order_exceptions_open", "status", "reason_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ae_orders.id"), index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("ae_order_lines.id"))
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"))
    reason_code: Mapped[str] = mapped_column(String(40))
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(40))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10))  # open | resolved
    opened_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(200))


class StateChangeRow(Base):
    """The audit trail: every state change of an order, a line or a purchase — what, when, why, who."""

    __tablename__ = "state_changes"
    __table_args__ = (Index("ix_state_changes_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(80))


class StoreSyncStateRow(Base):
    """Where each store's incremental order sync stands."""

    __tablename__ = "store_sync_state"

    store_id: Mapped[int] = mapped_column(ForeignKey("aliexpress_stores.id"), primary_key=True)
    watermark: Mapped[datetime | None]  # the newest gmt_update seen
    last_run_at: Mapped[datetime | None]
    last_result: Mapped[str] = mapped_column(String(500), default="")
