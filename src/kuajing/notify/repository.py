"""All SQL of the alert outbox."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kuajing.notify.model import AlertState
from kuajing.notify.tables import AlertOutboxRow
from kuajing.orders.tables import OrderExceptionRow


def by_cause_key(session: Session, cause_key: str) -> AlertOutboxRow | None:
    return session.scalars(select(AlertOutboxRow).where(AlertOutboxRow.cause_key == cause_key)).first()


def due(session: Session, now: datetime) -> Sequence[AlertOutboxRow]:
    return session.scalars(
        select(AlertOutboxRow)
        .where(AlertOutboxRow.state == AlertState.PENDING, AlertOutboxRow.next_attempt_at <= now)
        .order_by(AlertOutboxRow.id)
    ).all()


def claim(session: Session, row: AlertOutboxRow, lease_until: datetime) -> bool:
    """Moves a due row's next attempt past the lease, only if no other dispatcher did it first."""
    result = session.execute(
        update(AlertOutboxRow)
        .where(
            AlertOutboxRow.id == row.id,
            AlertOutboxRow.state == AlertState.PENDING,
            AlertOutboxRow.next_attempt_at == row.next_attempt_at,
        )
        .values(next_attempt_at=lease_until)
        .execution_options(synchronize_session=False)
    )
    claimed = bool(result.rowcount == 1)  # type: ignore[attr-defined]
    if claimed:
        row.next_attempt_at = lease_until
    return claimed


def open_exception_count(session: Session) -> int:
    query = select(func.count()).select_from(OrderExceptionRow).where(OrderExceptionRow.status == "open")
    return int(session.scalar(query) or 0)


CLEARED_MARK = "#cleared@"


def close_gone_episodes(
    session: Session, kinds: Collection[str], raised: Collection[str], now: datetime
) -> int:
    """Rows of ``kinds`` whose cause was not raised this time: the condition ended (a restock, a
    parcel released by customs). Their key is renamed ``<key>#cleared@<time>`` (the row stays, with
    what was sent), so the same condition coming back later is a new cause and alerts again."""
    query = select(AlertOutboxRow).where(
        AlertOutboxRow.kind.in_(list(kinds)), AlertOutboxRow.cause_key.not_like(f"%{CLEARED_MARK}%")
    )
    closed = 0
    current = set(raised)
    for row in session.scalars(query):
        if row.cause_key not in current:
            row.cause_key = f"{row.cause_key}{CLEARED_MARK}{now:%Y%m%dT%H%M%S}"[:200]
            closed += 1
    return closed
