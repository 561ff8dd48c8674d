"""ORM mapping for the logistics documents a user imported: rate cards, tax rules, costs.

Each row holds one document in the shape the parsers of ``documents`` read (the TOML shape:
Decimals as strings, dates as ISO strings), so a stored document is validated by the same code
as a shipped file each time it is loaded. Rows are never deleted: removing a document clears
``active``, and importing the same kind/key/version again replaces it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base

KIND_RATE_CARD = "rate_card"
KIND_TAX_RULE = "tax_rule"
KIND_COSTS = "costs"
DOCUMENT_KINDS = (KIND_RATE_CARD, KIND_TAX_RULE, KIND_COSTS)


class LogisticsDocumentRow(Base):
    """物流资料: one version of a user's rate card (key = line_id), tax rule (rule_id) or costs."""

    __tablename__ = "logistics_documents"
    __table_args__ = (
        UniqueConstraint("kind", "key", "version"),
        CheckConstraint("kind IN ('rate_card', 'tax_rule', 'costs')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))  # line_id, rule_id or "costs"
    version: Mapped[str] = mapped_column(String(40))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_file: Mapped[str] = mapped_column(String(500))
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
