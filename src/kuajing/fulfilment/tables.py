"""ORM mapping for received platform pushes: a msgId is processed once, however often it arrives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base


class PushInboxRow(Base):
    __tablename__ = "push_inbox"
    __table_args__ = (UniqueConstraint("platform", "msg_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(12))
    msg_id: Mapped[str] = mapped_column(String(80))
    topic: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]


class TrackingEventRow(Base):
    """One carrier event of a purchase's parcel, as 1688's logistics trace reported it.

    Stored once: the same (time, text) read again on a later pass is the same event."""

    __tablename__ = "tracking_events"
    __table_args__ = (UniqueConstraint("purchase_id", "event_at", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    bill_no: Mapped[str | None] = mapped_column(String(80))
    event_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(16))  # of the text: a unique key fits any length
    kind: Mapped[str | None] = mapped_column(String(20))  # fulfilment.health.EventKind, None = a step
    recorded_at: Mapped[datetime]


class TraceReadRow(Base):
    """When a purchase's trace was last read, so each pass reads only the parcels that are due."""

    __tablename__ = "tracking_trace_reads"

    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), primary_key=True)
    read_at: Mapped[datetime]
    events: Mapped[int] = mapped_column(default=0)
    last_event_at: Mapped[datetime | None]
    finished: Mapped[bool] = mapped_column(default=False)  # delivered or returned: no more reads
    last_error: Mapped[str | None] = mapped_column(Text)
