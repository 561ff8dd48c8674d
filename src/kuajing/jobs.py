"""The order loop as jobs: one pass = sync every store → route due orders → place purchases → track
→ read the carrier trace of shipped parcels.

Each order (with its purchases) is worked under a lease, committed step by step, so a crash loses
at most the step in flight — and every step is safe to repeat (upserts, look-up-before-create,
read-before-upload). ``kuajing sync`` runs one pass; ``kuajing run`` runs passes forever.
"""

from __future__ import annotations

import logging
import os
import socket
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.fulfilment.carriers import load_carrier_map
from kuajing.fulfilment.trace_repository import TraceRepository
from kuajing.fulfilment.trace_service import read_trace
from kuajing.fulfilment.tracking import load_trace_policy
from kuajing.jobs_purchases import LEASE, due_purchases, work_purchase
from kuajing.kit.errors import KuajingError
from kuajing.kit.money import FxRate
from kuajing.logistics.catalog import LogisticsCatalog
from kuajing.logistics.service import catalog_for
from kuajing.marketplaces.aliexpress import LogisticsService
from kuajing.marketplaces.errors import MarketplaceError
from kuajing.orders.mapping import RuleBook
from kuajing.orders.repository import OrderRepository
from kuajing.orders.routing import RoutingPolicy
from kuajing.orders.routing_batch import offers_for, route_fresh
from kuajing.orders.routing_service import RoutingContext, reread_before_buying, route_order
from kuajing.orders.rules_store import load_rulebook
from kuajing.orders.sync import SyncResult, SyncSettings, sync_store
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.model import OrderState
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores.pool import ClientPool
from kuajing.stores.repository import StoreRepository
from kuajing.stores.tables import AliExpressStore

log = logging.getLogger(__name__)
ROUTE_BATCH = 5_000  # READY orders routed under one lease and one commit


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class PassSummary:
    started_at: datetime
    syncs: list[SyncResult] = field(default_factory=list)
    orders: Counter[str] = field(default_factory=Counter)
    purchases: Counter[str] = field(default_factory=Counter)
    tracking: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def routing_policy(settings: Settings, now: datetime, catalog: LogisticsCatalog) -> RoutingPolicy:
    """The margin floor, commission and USD rate come from the logistics catalog (costs.toml, the
    user's saved costs, then KUAJING_MARGIN_FLOOR / _PLATFORM_COMMISSION / _USD_CNY_RATE where set)."""
    return RoutingPolicy(
        fx=FxRate("USD", "CNY", catalog.fx.rate("USD"), now.date()),
        require_trust_pass=settings.auto_buy_requires_trust_pass,
        require_super_factory=settings.auto_buy_requires_super_factory,
        price_tolerance=Decimal(settings.price_tolerance),
        margin_floor=catalog.policy.margin_floor,
        platform_commission=catalog.policy.commission_rate(None),
        blocked_countries=frozenset(c for c in settings.blocked_countries.split(",") if c.strip()),
    )


def run_pass(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    now: Callable[[], datetime],
    worker: str | None = None,
    progress: Callable[[str, int], None] | None = None,
    pool: ClientPool | None = None,
) -> PassSummary:
    """One pass. ``kuajing run`` hands in one ``pool`` for all its passes; otherwise the pass has its own."""
    worker = worker or worker_name()
    summary = PassSummary(started_at=now())
    tick = progress or (lambda stage, n: None)
    if pool is not None:
        _pass(factory, settings, pool, now, worker, summary, tick)
        return summary
    with ClientPool(factory, settings) as own_pool:
        _pass(factory, settings, own_pool, now, worker, summary, tick)
    return summary


def _pass(
    factory: sessionmaker[Session],
    settings: Settings,
    pool: ClientPool,
    now: Callable[[], datetime],
    worker: str,
    summary: PassSummary,
    tick: Callable[[str, int], None],
) -> None:
    with factory() as session:
        store_ids = [store.id for store in StoreRepository(session).aliexpress_stores()]
    approved: dict[int, list[LogisticsService]] = {}
    for store_id in store_ids:
        result, carriers = sync_one_store(
            factory, settings, pool, store_id, now=now, worker=worker, errors=summary.errors
        )
        if carriers is not None:
            approved[store_id] = carriers
        summary.syncs.append(result)
        tick("sync", 1)
    _work_orders(factory, settings, pool, now, worker, summary, tick)
    _work_purchases(factory, pool, now, worker, summary, approved, tick)
    _read_traces(factory, pool, now, summary, tick)


def sync_one_store(
    factory: sessionmaker[Session],
    settings: Settings,
    pool: ClientPool,
    store_id: int,
    *,
    now: Callable[[], datetime],
    worker: str,
    errors: list[str],
) -> tuple[SyncResult, list[LogisticsService] | None]:
    """Sync one store's orders (one commit) and read its approved carriers (None when that failed)."""
    with factory() as session:
        store = session.get(AliExpressStore, store_id)
        assert store is not None
        client = pool.store(store)
        result = sync_store(
            session,
            store,
            client,
            now=now(),
            settings=SyncSettings(buy_after=timedelta(minutes=settings.buy_after_minutes)),
            actor=f"job:sync@{worker}",
        )
        carriers: list[LogisticsService] | None = None
        try:
            carriers = client.list_logistics_services()
        except MarketplaceError as error:
            errors.append(f"approved carriers of {store.name}: {error}")
        session.commit()
    return result, carriers


def orders_to_route(factory: sessionmaker[Session], moment: datetime) -> list[tuple[int, OrderState, int]]:
    """(order id, state, store id) of the NEW, READY and EXCEPTION orders due now and not leased."""
    with factory() as session:
        return [
            (row.id, OrderState(row.state), row.store_id)
            for row in OrderRepository(session).due_orders(
                [OrderState.NEW, OrderState.READY, OrderState.EXCEPTION], moment, limit=100_000
            )
        ]


def order_context(
    factory: sessionmaker[Session],
    settings: Settings,
    pool: ClientPool,
    worker: str,
    rulebook: RuleBook | None = None,
) -> ContextMaker:
    """The routing context for a pass (or a job): the rule book is read once, here, unless given."""
    if rulebook is None:
        with factory() as session:
            rulebook = load_rulebook(session)
    return _context_maker(settings, rulebook, pool, worker)


def work_order(
    factory: sessionmaker[Session],
    pool: ClientPool,
    order_id: int,
    state: OrderState,
    make_context: ContextMaker,
    *,
    now: Callable[[], datetime],
    worker: str,
    errors: list[str],
) -> str:
    """A NEW order is re-read from AliExpress (past its cancellation window: "ready"); a READY or
    EXCEPTION one is routed on its own. Under the order's lease (``one_order``)."""

    def reread(session: Session, order: AeOrderRow, ctx: RoutingContext) -> str:
        store = session.get(AliExpressStore, order.store_id)
        assert store is not None  # a foreign key
        return reread_before_buying(session, order, pool.store(store), ctx)

    step = reread if state == OrderState.NEW else route_order
    return one_order(factory, order_id, step, make_context, now=now, worker=worker, errors=errors)


def _work_orders(
    factory: sessionmaker[Session],
    settings: Settings,
    pool: ClientPool,
    now: Callable[[], datetime],
    worker: str,
    summary: PassSummary,
    tick: Callable[[str, int], None],
) -> None:
    """NEW orders are re-read one by one (an AliExpress call each); READY ones are routed in batches."""
    due = orders_to_route(factory, now())
    make_context = order_context(factory, settings, pool, worker)
    ready: dict[int, list[int]] = {}
    for order_id, state, store_id in due:
        if state == OrderState.READY:
            ready.setdefault(store_id, []).append(order_id)
            continue
        outcome = work_order(
            factory, pool, order_id, state, make_context, now=now, worker=worker, errors=summary.errors
        )
        if outcome == "ready":  # the window is over and AliExpress still says paid: route it below
            ready.setdefault(store_id, []).append(order_id)
            continue
        summary.orders[outcome] += 1
        tick("route", 1)
    for store_id, order_ids in ready.items():
        outcomes = route_ready(
            factory, store_id, order_ids, make_context, now=now, worker=worker, errors=summary.errors
        )
        summary.orders.update(outcomes)
        tick("route", len(order_ids))


ContextMaker = Callable[[Session, int, datetime], RoutingContext]  # (session, store id, now)
OrderStep = Callable[[Session, AeOrderRow, RoutingContext], str]


def _context_maker(settings: Settings, rulebook: RuleBook, pool: ClientPool, worker: str) -> ContextMaker:
    catalogs: list[LogisticsCatalog] = []  # read once a pass (like the rule book), not once an order

    def make(session: Session, store_id: int, moment: datetime) -> RoutingContext:
        if not catalogs:
            catalogs.append(catalog_for(session, settings))
        _, account = StoreRepository(session).store_with_buyer(store_id)
        return RoutingContext(
            rulebook=rulebook,
            # Offers older than a few minutes are read again from 1688 through the store's account.
            snapshots=OfferSnapshots(session, pool.buyer(account) if account else None, now=moment),
            policy=routing_policy(settings, moment, catalogs[0]),
            buy_after=timedelta(minutes=settings.buy_after_minutes),
            now=moment,
            actor=f"job:route@{worker}",
        )

    return make


def one_order(
    factory: sessionmaker[Session],
    order_id: int,
    step: OrderStep,
    make_context: ContextMaker,
    *,
    now: Callable[[], datetime],
    worker: str,
    errors: list[str],
) -> str:
    """One step for one order under its lease; one order's trouble never stops the pass."""
    with factory() as session:
        repo = OrderRepository(session)
        moment = now()
        if not repo.claim(order_id, worker, moment, moment + LEASE):
            return "leased_elsewhere"
        session.commit()
        order = repo.get(order_id)
        assert order is not None
        try:
            outcome = step(session, order, make_context(session, order.store_id, moment))
        except KuajingError as error:  # a platform error, an illegal move
            session.rollback()
            outcome = "platform_error" if isinstance(error, MarketplaceError) else "error"
            errors.append(f"order {order_id}: {error}")
            log.warning("order %s: %s", order_id, error)
        order = repo.get(order_id)
        if order is not None:
            repo.release(order)
        session.commit()
        return outcome


def route_ready(
    factory: sessionmaker[Session],
    store_id: int,
    order_ids: Sequence[int],
    make_context: ContextMaker,
    *,
    now: Callable[[], datetime],
    worker: str,
    errors: list[str],
) -> Counter[str]:
    """Route one store's READY orders, ROUTE_BATCH at a time under one lease and one commit.

    Fresh orders take the set-based path (``routing_batch.route_fresh``); those it hands back
    (history, a cancelled order, trouble) are routed one at a time. A database error in a batch's
    writes rolls the batch back whole and routes its orders one at a time.
    """
    outcomes: Counter[str] = Counter()
    for start in range(0, len(order_ids), ROUTE_BATCH):
        chunk = order_ids[start : start + ROUTE_BATCH]
        with factory() as session:
            repo = OrderRepository(session)
            moment = now()
            claimed = repo.claim_many(chunk, worker, moment, moment + LEASE)
            session.commit()
            outcomes["leased_elsewhere"] += len(chunk) - len(claimed)
            ctx = make_context(session, store_id, moment)
            _refresh_offers(session, claimed, ctx)
            try:
                result = route_fresh(session, claimed, ctx)
                session.commit()
                outcomes.update(result.outcomes)
                handed_back = list(result.handed_back)
            except OperationalError as error:
                session.rollback()
                log.warning(
                    "batch of %d orders rolled back, routing them one by one: %s", len(claimed), error
                )
                handed_back = claimed
            repo.release_many(claimed, worker)
            session.commit()
        for order_id in handed_back:
            step_outcome = one_order(
                factory, order_id, route_order, make_context, now=now, worker=worker, errors=errors
            )
            outcomes[step_outcome] += 1
    return outcomes


def _refresh_offers(session: Session, order_ids: Sequence[int], ctx: RoutingContext) -> None:
    """Re-read from 1688 the stale offers a batch will need, committing after each: the batch then
    writes in one short transaction instead of holding the database's write lock (SQLite has one)
    across hundreds of API calls. An offer that cannot be read now is left to the batch, which
    hands the orders that need it back to be routed one at a time."""
    if ctx.snapshots.client is None:
        return
    for offer_id in sorted(offers_for(session, order_ids, ctx)):
        try:
            ctx.snapshots.get(offer_id)
            session.commit()
        except MarketplaceError as error:
            session.rollback()
            log.warning("offer %s not refreshed before routing: %s", offer_id, error)


def _work_purchases(
    factory: sessionmaker[Session],
    pool: ClientPool,
    now: Callable[[], datetime],
    worker: str,
    summary: PassSummary,
    approved: dict[int, list[LogisticsService]],
    tick: Callable[[str, int], None],
) -> None:
    carrier_map = load_carrier_map()
    with factory() as session:
        due = due_purchases(session, now())
    for purchase_id, order_id in due:
        outcome = work_purchase(
            factory,
            pool,
            purchase_id,
            order_id,
            now=now,
            worker=worker,
            summary=summary,
            approved=lambda store: approved.get(store.id),
            carrier_map=carrier_map,
        )
        if outcome in ("worked", "error"):
            tick("purchase", 1)


def read_due_traces(
    factory: sessionmaker[Session], pool: ClientPool, now: Callable[[], datetime], summary: PassSummary
) -> None:
    """The trace stage on its own (the worker's ``read_traces`` job)."""
    _read_traces(factory, pool, now, summary, lambda stage, n: None)


def _read_traces(
    factory: sessionmaker[Session],
    pool: ClientPool,
    now: Callable[[], datetime],
    summary: PassSummary,
    tick: Callable[[str, int], None],
) -> None:
    """Reads the 1688 trace of each shipped parcel that is due (sla.toml [trace]) and stores its
    new events, one commit per parcel: the stalls, customs holds and returns the SLA page and the
    alerts flag come from these."""
    policy = load_trace_policy()
    with factory() as session:
        due = TraceRepository(session).due(now(), policy)
    for parcel in due:
        with factory() as session:
            _store, account = StoreRepository(session).store_with_buyer(parcel.store_id)
            if account is None:
                continue
            read = read_trace(session, parcel, pool.buyer(account), now())
            session.commit()
        summary.tracking["trace_read" if read.error is None else "trace_failed"] += 1
        summary.tracking["trace_events"] += read.new_events
        tick("trace", 1)
