"""告警发件箱 alert_outbox: one row per cause key; which channels accepted it; retries and back-off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base


class AlertOutboxRow(Base):
    __tablename__ = "alert_outbox"
    __table_args__ = (Index("ix_alert_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cause_key: Mapped[str] = mapped_column(String(200), unique=True)  # "sla_breach:purchase:123"
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(10))  # immediate | digest
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    channels: Mapped[list[str]] = mapped_column(JSON)  # the channels configured when it was raised
    delivered: Mapped[list[str]] = mapped_column(JSON)  # those that accepted it: never sent again
    state: Mapped[str] = mapped_column(String(10))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    raised_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
