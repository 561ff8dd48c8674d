"""ORM mapping for received platform pushes: a msgId is processed once, however often it arrives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
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
