"""HS tables: the classifications a user (or an official opinion) confirmed for a listing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base


class HsConfirmationRow(Base):
    """One confirmed classification: the HS model learns from it as a labelled example."""

    __tablename__ = "hs_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)  # {name: value}
    category: Mapped[str | None] = mapped_column(String(300))
    hs6: Mapped[str] = mapped_column(String(6), index=True)
    source: Mapped[str] = mapped_column(String(20))  # user | official_opinion
    confirmed_by: Mapped[str] = mapped_column(String(80))
    confirmed_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
