"""ORM mapping for 1688 purchase orders: one per supplier per AliExpress order, keyed by outOrderId."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base, MoneyAmount


class PurchaseOrderRow(Base):
    """采购单. ``out_order_id`` is the idempotency key sent to 1688; unique here, looked up there."""

    __tablename__ = "purchase_orders"
    __table_args__ = (
        UniqueConstraint("out_order_id"),
        Index("ix_purchase_orders_state_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ae_orders.id"), index=True)
    out_order_id: Mapped[str] = mapped_column(String(80))
    supplier_member_id: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20))  # purchasing.model.PurchaseState
    cargo: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{offer_id, spec_id, quantity, line_ids}]
    alibaba_order_id: Mapped[str | None] = mapped_column(String(40))
    total_amount: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    post_fee: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    placed_at: Mapped[datetime | None]
    tracking_no: Mapped[str | None] = mapped_column(String(80))
    carrier_name: Mapped[str | None] = mapped_column(String(120))
    ae_service_name: Mapped[str | None] = mapped_column(String(80))
    shipped_at: Mapped[datetime | None]
    fulfilled_at: Mapped[datetime | None]
    send_type: Mapped[str | None] = mapped_column(String(8))
    due_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
