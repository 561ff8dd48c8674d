"""The exception queue: open a reason for an order line or purchase (once), resolve it when fixed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.orders.audit import record_change
from kuajing.orders.reasons import ReasonCode, describe
from kuajing.orders.tables import OrderExceptionRow


def open_exception(
    session: Session,
    *,
    order_id: int,
    code: ReasonCode,
    at: datetime,
    actor: str,
    line_id: int | None = None,
    purchase_id: int | None = None,
    facts: Mapping[str, object] | None = None,
) -> OrderExceptionRow:
    """The same open reason for the same line/purchase is kept, not duplicated (passes repeat)."""
    existing = session.scalars(
        select(OrderExceptionRow).where(
            OrderExceptionRow.order_id == order_id,
            OrderExceptionRow.status == "open",
            OrderExceptionRow.reason_code == code.value,
            OrderExceptionRow.line_id.is_(None) if line_id is None else OrderExceptionRow.line_id == line_id,
            OrderExceptionRow.purchase_id.is_(None)
            if purchase_id is None
            else OrderExceptionRow.purchase_id == purchase_id,
        )
    ).first()
    values = exception_values(
        order_id=order_id, line_id=line_id, purchase_id=purchase_id, code=code, at=at, facts=facts
    )
    if existing is not None:
        existing.message_zh, existing.message_en, existing.facts = (
            values["message_zh"],
            values["message_en"],
            values["facts"],
        )
        return existing
    row = OrderExceptionRow(**values)
    session.add(row)
    session.flush()
    record_change(
        session, "exception", row.id, None, "open", at=at, reason=opened_reason(values), actor=actor
    )
    return row


def exception_values(
    *,
    order_id: int,
    line_id: int | None,
    purchase_id: int | None,
    code: ReasonCode,
    at: datetime,
    facts: Mapping[str, object] | None,
) -> dict[str, Any]:
    """A new open exception's columns: the reason's messages filled with the facts (stored as text)."""
    text = describe(code, **dict(facts or {}))
    return {
        "order_id": order_id,
        "line_id": line_id,
        "purchase_id": purchase_id,
        "reason_code": code.value,
        "message_zh": text.message_zh,
        "message_en": text.message_en,
        "action": text.fix,
        "facts": {key: str(value) for key, value in (facts or {}).items()},
        "status": "open",
        "opened_at": at,
        "resolved_at": None,
        "resolution": None,
    }


def opened_reason(values: Mapping[str, Any]) -> str:
    """The audit reason for opening an exception: its code and English message."""
    return f"{values['reason_code']}: {values['message_en']}"


def resolve_exception(
    session: Session, row: OrderExceptionRow, *, at: datetime, actor: str, resolution: str
) -> None:
    if row.status != "open":
        return
    row.status = "resolved"
    row.resolved_at = at
    row.resolution = resolution[:200]
    record_change(session, "exception", row.id, "open", "resolved", at=at, reason=resolution, actor=actor)


def resolve_open(
    session: Session,
    order_id: int,
    *,
    at: datetime,
    actor: str,
    resolution: str,
    codes: frozenset[ReasonCode] | None = None,
    line_id: int | None = None,
    purchase_id: int | None = None,
) -> int:
    query = select(OrderExceptionRow).where(
        OrderExceptionRow.order_id == order_id, OrderExceptionRow.status == "open"
    )
    if line_id is not None:
        query = query.where(OrderExceptionRow.line_id == line_id)
    if purchase_id is not None:
        query = query.where(OrderExceptionRow.purchase_id == purchase_id)
    count = 0
    for row in session.scalars(query):
        if codes is None or ReasonCode(row.reason_code) in codes:
            resolve_exception(session, row, at=at, actor=actor, resolution=resolution)
            count += 1
    return count
