"""Every state change of an order, a line or a purchase is stored: what, when, why, and who (user or job)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kuajing.orders.tables import AeOrderLineRow, StateChangeRow


def change_values(
    entity: str,
    entity_id: int,
    from_state: str | None,
    to_state: str,
    *,
    at: datetime,
    reason: str,
    actor: str,
) -> dict[str, Any]:
    """One audit row's columns (the batch router inserts many at once)."""
    return {
        "entity": entity,
        "entity_id": entity_id,
        "from_state": from_state,
        "to_state": to_state,
        "at": at,
        "reason": reason[:2000],
        "actor": actor,
    }


def record_change(
    session: Session,
    entity: str,
    entity_id: int,
    from_state: str | None,
    to_state: str,
    *,
    at: datetime,
    reason: str,
    actor: str,
) -> None:
    session.add(
        StateChangeRow(
            **change_values(entity, entity_id, from_state, to_state, at=at, reason=reason, actor=actor)
        )
    )


def set_line_state(
    session: Session, line: AeOrderLineRow, target: str, *, at: datetime, actor: str, reason: str
) -> None:
    """The one way an order line changes state (new, routed, exception, purchased, cancelled): recorded."""
    record_change(session, "line", line.id, line.state, target, at=at, reason=reason, actor=actor)
    line.state = target
