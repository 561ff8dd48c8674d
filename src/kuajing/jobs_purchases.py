"""The purchase stage of the order loop, one purchase at a time: place it on 1688, follow it, upload
its tracking to AliExpress.

``jobs.run_pass`` walks every due purchase through ``work_purchase``; the procrastinate worker
(``kuajing.workers.tasks``) runs the same function as one job per purchase. Each call works under
the order's lease and commits step by step, so two workers never handle one order at once and a
crash loses at most the step in flight.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from kuajing.fulfilment.service import track_purchase
from kuajing.kit.errors import KuajingError
from kuajing.marketplaces.alibaba1688 import Alibaba1688Client
from kuajing.marketplaces.aliexpress import AliExpressClient, LogisticsService
from kuajing.orders.repository import OrderRepository
from kuajing.orders.sync import set_order_state
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.model import OrderState, PurchaseState
from kuajing.purchasing.service import place_purchase, set_purchase_state
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.stores.pool import ClientPool
from kuajing.stores.repository import StoreRepository
from kuajing.stores.tables import AliExpressStore

if TYPE_CHECKING:
    from kuajing.jobs import PassSummary

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
ACTIVE = (PurchaseState.PLANNED, PurchaseState.PLACING, PurchaseState.PLACED, PurchaseState.SHIPPED)
# The store's approved carriers, or None when they could not be read (nothing is uploaded blind).
ApprovedCarriers = Callable[[AliExpressStore], "list[LogisticsService] | None"]


def due_purchases(session: Session, moment: datetime, *, skip_leased: bool = False) -> list[tuple[int, int]]:
    """(purchase id, order id) of every active purchase whose next step is due, oldest first;
    ``skip_leased``: leaving out those whose order a worker holds now (it is being worked)."""
    query = (
        select(PurchaseOrderRow.id, PurchaseOrderRow.order_id)
        .where(PurchaseOrderRow.state.in_([s.value for s in ACTIVE]))
        .where(PurchaseOrderRow.due_at <= moment)  # None = parked until a person acts
        .order_by(PurchaseOrderRow.id)
    )
    if skip_leased:
        query = query.join(AeOrderRow, AeOrderRow.id == PurchaseOrderRow.order_id).where(
            or_(AeOrderRow.lease_until.is_(None), AeOrderRow.lease_until < moment)
        )
    return [(purchase_id, order_id) for purchase_id, order_id in session.execute(query)]


def work_purchase(
    factory: sessionmaker[Session],
    pool: ClientPool,
    purchase_id: int,
    order_id: int,
    *,
    now: Callable[[], datetime],
    worker: str,
    summary: PassSummary,
    approved: ApprovedCarriers,
    carrier_map: dict[str, str],
) -> str:
    """One step for one purchase under its order's lease. Returns what happened: "leased_elsewhere",
    "not_due", "no_buyer", "error" or "worked" (the counters in ``summary`` say which step)."""
    with factory() as session:
        repo = OrderRepository(session)
        moment = now()
        if not repo.claim(order_id, worker, moment, moment + LEASE):
            summary.purchases["leased_elsewhere"] += 1
            return "leased_elsewhere"
        session.commit()
        purchase = session.get(PurchaseOrderRow, purchase_id)
        order = repo.get(order_id)
        assert purchase is not None and order is not None
        if purchase.due_at is None or purchase.due_at > moment or PurchaseState(purchase.state) not in ACTIVE:
            repo.release(order)  # another worker took this step since the purchase was found due
            session.commit()
            return "not_due"
        store, account = StoreRepository(session).store_with_buyer(order.store_id)
        if account is None:
            summary.errors.append(f"store {store.name} has no 1688 buyer account")
            repo.release(order)
            session.commit()
            return "no_buyer"
        outcome = "worked"
        try:
            _step_purchase(
                session,
                purchase,
                order,
                pool.buyer(account),
                pool.store(store),
                approved,
                carrier_map,
                moment,
                worker,
                summary,
            )
        except KuajingError as error:
            session.rollback()
            summary.errors.append(f"purchase {purchase_id}: {error}")
            log.warning("purchase %s: %s", purchase_id, error)
            outcome = "error"
            reloaded = repo.get(order_id)
            if reloaded is None:
                return outcome
            order = reloaded
        repo.release(order)
        session.commit()
        return outcome


def _step_purchase(
    session: Session,
    purchase: PurchaseOrderRow,
    order: AeOrderRow,
    buyer: Alibaba1688Client,
    seller: AliExpressClient,
    approved: ApprovedCarriers,
    carrier_map: dict[str, str],
    moment: datetime,
    worker: str,
    summary: PassSummary,
) -> None:
    actor = f"job:purchase@{worker}"
    state = PurchaseState(purchase.state)
    if state == PurchaseState.PLANNED and OrderState(order.state) == OrderState.CANCELLED:
        set_purchase_state(
            session,
            purchase,
            PurchaseState.CANCELLED,
            at=moment,
            actor=actor,
            reason="AliExpress order cancelled before the purchase was sent",
        )
        summary.purchases["cancelled"] += 1
        return
    if state in (PurchaseState.PLANNED, PurchaseState.PLACING):
        outcome = place_purchase(session, purchase, order, buyer, now=moment, actor=actor)
        label = "created" if outcome.created else "adopted" if outcome.adopted else outcome.state.value
        summary.purchases[label] += 1
        _after_placement(session, order, moment, actor)
        return
    store = session.get(AliExpressStore, order.store_id)
    carriers = approved(store) if store is not None else None
    if carriers is None:  # without the approved list, nothing is uploaded blind
        return
    tracked = track_purchase(
        session,
        purchase,
        order,
        buyer,
        seller,
        approved=carriers,
        carrier_map=carrier_map,
        now=moment,
        actor=f"job:track@{worker}",
    )
    label = "uploaded" if tracked.uploaded else tracked.flagged.value if tracked.flagged else "waiting"
    summary.tracking[label] += 1


def _after_placement(session: Session, order: AeOrderRow, now: datetime, actor: str) -> None:
    lines = OrderRepository(session).lines_of(order.id)
    carried = {line.purchase_id for line in lines if line.purchase_id}
    # A FAILED purchase whose lines moved to another supplier no longer speaks for the order.
    states = {
        row.state
        for row in session.scalars(select(PurchaseOrderRow).where(PurchaseOrderRow.order_id == order.id))
        if row.state != PurchaseState.FAILED.value or row.id in carried
    }
    pending_lines = any(
        line.state in ("new", "exception", "routed") and line.purchase_id is None for line in lines
    )
    if (
        OrderState(order.state) == OrderState.BUYING
        and not pending_lines
        and states
        <= {
            PurchaseState.PLACED.value,
            PurchaseState.SHIPPED.value,
            PurchaseState.FULFILLED.value,
        }
    ):
        set_order_state(
            session, order, OrderState.BOUGHT, at=now, actor=actor, reason="every purchase placed"
        )
    elif PurchaseState.FAILED.value in states or PurchaseState.NEEDS_REVIEW.value in states:
        set_order_state(
            session, order, OrderState.EXCEPTION, at=now, actor=actor, reason="a purchase needs a person"
        )
