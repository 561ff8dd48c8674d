"""ORM mapping for what we last read of a 1688 offer: its supplier's flags and each spec's price and stock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base


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
