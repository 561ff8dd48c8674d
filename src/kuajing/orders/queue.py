"""The exception queue as people see it: open items with their order, line and reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.orders.tables import AeOrderLineRow, AeOrderRow, OrderExceptionRow


@dataclass(frozen=True)
class QueueItem:
    id: int
    ae_order_id: int
    order_id: int
    line_child_id: int | None
    sku_code: str | None
    reason_code: str
    message_zh: str
    message_en: str
    action: str
    opened_at: datetime
    purchase_id: int | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["opened_at"] = self.opened_at.isoformat()
        data["line"] = self.line_child_id
        data["message"] = self.message_zh
        return data


def open_items(session: Session, *, reason_code: str | None = None, limit: int = 10_000) -> list[QueueItem]:
    query = (
        select(OrderExceptionRow, AeOrderRow.ae_order_id, AeOrderLineRow.child_id, AeOrderLineRow.sku_code)
        .join(AeOrderRow, AeOrderRow.id == OrderExceptionRow.order_id)
        .outerjoin(AeOrderLineRow, AeOrderLineRow.id == OrderExceptionRow.line_id)
        .where(OrderExceptionRow.status == "open")
        .order_by(OrderExceptionRow.reason_code, OrderExceptionRow.id)
        .limit(limit)
    )
    if reason_code:
        query = query.where(OrderExceptionRow.reason_code == reason_code)
    return [
        QueueItem(
            id=row.id,
            ae_order_id=ae_order_id,
            order_id=row.order_id,
            line_child_id=child_id,
            sku_code=sku,
            reason_code=row.reason_code,
            message_zh=row.message_zh,
            message_en=row.message_en,
            action=row.action,
            opened_at=row.opened_at,
            purchase_id=row.purchase_id,
        )
        for row, ae_order_id, child_id, sku in session.execute(query)
    ]
