"""The SQL the dispatch needs beyond the order loop's own repositories."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kuajing.orders.tables import AeOrderRow, SkuMappingRuleRow, StoreSyncStateRow
from kuajing.purchasing.model import OrderState
from kuajing.stores.tables import AliExpressStore

CHUNK = 5_000
ROUTED_STATES = (OrderState.NEW, OrderState.READY, OrderState.EXCEPTION)


def stores_due_for_sync(session: Session, moment: datetime, every: timedelta) -> list[int]:
    """Stores never synced, or last synced ``every`` or longer ago (on the product's clock)."""
    query = (
        select(AliExpressStore.id)
        .outerjoin(StoreSyncStateRow, StoreSyncStateRow.store_id == AliExpressStore.id)
        .where(or_(StoreSyncStateRow.last_run_at.is_(None), StoreSyncStateRow.last_run_at <= moment - every))
        .order_by(AliExpressStore.id)
    )
    return list(session.scalars(query))


def orders_due(session: Session, moment: datetime) -> list[tuple[int, OrderState, int]]:
    """(order id, state, AliExpress order id) of the orders ``jobs.orders_to_route`` would work now
    (the conditions of ``OrderRepository.due_orders``), as plain columns: the dispatch reads them
    every tick, for thousands of orders."""
    query = (
        select(AeOrderRow.id, AeOrderRow.state, AeOrderRow.ae_order_id)
        .where(AeOrderRow.state.in_([s.value for s in ROUTED_STATES]))
        .where(or_(AeOrderRow.due_at.is_(None), AeOrderRow.due_at <= moment))
        .where(or_(AeOrderRow.lease_until.is_(None), AeOrderRow.lease_until < moment))
        .order_by(AeOrderRow.due_at, AeOrderRow.id)
    )
    return [(order_id, OrderState(state), ae_id) for order_id, state, ae_id in session.execute(query)]


def ae_order_ids(session: Session, order_ids: Iterable[int]) -> dict[int, int]:
    """Our order id → its AliExpress order id (the jobs' lock)."""
    ids = sorted(set(order_ids))
    found: dict[int, int] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = session.execute(select(AeOrderRow.id, AeOrderRow.ae_order_id).where(AeOrderRow.id.in_(chunk)))
        found.update({order_id: ae_order_id for order_id, ae_order_id in rows})
    return found


def rules_fingerprint(session: Session) -> tuple[int, int | None, datetime | None]:
    """Changes whenever a mapping rule is added, removed or saved: a worker re-reads its rule book
    (1,000 rules take ~0.2 s) only then."""
    count, newest_id, newest_change = session.execute(
        select(func.count(), func.max(SkuMappingRuleRow.id), func.max(SkuMappingRuleRow.updated_at))
    ).one()
    return int(count), newest_id, newest_change
