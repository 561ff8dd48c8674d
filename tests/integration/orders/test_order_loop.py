"""The order loop end to end against the sandbox over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter

import httpx
from sqlalchemy import func, select

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.jobs import run_pass
from kuajing.orders.queue import open_items
from kuajing.orders.tables import AeOrderRow, StateChangeRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository


def _setup(sandbox: SandboxServer, database_url: str, *, skip_every: int = 0) -> Settings:
    migrate.upgrade(database_url)
    settings = Settings(
        database_url=database_url,
        auto_buy_requires_super_factory=False,
        alibaba1688_calls_per_second=1000,
        aliexpress_calls_per_second=1000,
    )
    factory = make_session_factory(make_engine(database_url))
    with factory() as session:
        service.connect_sandbox(
            session, sandbox.base_url, httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        )
        account = StoreRepository(session).buyer_accounts()[0]
        with service.alibaba_client(account, settings) as buyer:
            catalog = OfferSnapshots(session, buyer, now=sandbox.world.now())
            install_sandbox_rules(
                session, sandbox.base_url, catalog, now=sandbox.world.now(), skip_every=skip_every
            )
        session.commit()
    return settings


def test_paid_orders_are_bought_once_and_their_tracking_reaches_aliexpress(
    sandbox: SandboxServer, database_url: str
) -> None:
    settings = _setup(sandbox, database_url, skip_every=7)
    factory = make_session_factory(make_engine(database_url))
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 25}).raise_for_status()
    sandbox.world.advance(0.5)  # past the 10-minute cancellation window

    first = run_pass(factory, settings, now=sandbox.world.now, worker="w1")
    assert sum(sync.created for sync in first.syncs) == 25
    # Three simulated days with a pass every six hours, then daily for a week: every supplier has
    # dispatched (or AliExpress closed the order first) by the end.
    for hours in [6] * 12 + [24] * 7:
        sandbox.world.advance(hours)
        run_pass(factory, settings, now=sandbox.world.now, worker="w1")

    truth = sandbox.world.state()
    assert truth["purchases"] > 0
    assert set(truth["purchases_per_out_order_id"].values()) == {1}  # never a duplicate 1688 order
    with factory() as session:
        states = Counter(session.scalars(select(AeOrderRow.state)))
        open_orders = {item.order_id for item in open_items(session)}
        for order in session.scalars(select(AeOrderRow)):
            # Every order ends fulfilled/shipped, cancelled, or in the queue with a reason: none lost.
            assert (
                order.state in ("fulfilled", "shipped", "cancelled", "skipped") or order.id in open_orders
            ), (order.ae_order_id, order.state)
        assert states["fulfilled"] + states["shipped"] > 0
        assert session.scalar(select(func.count()).select_from(StateChangeRow)) > 0
        keys = list(session.scalars(select(PurchaseOrderRow.out_order_id)))
        assert all(key.split("-")[0].isdigit() for key in keys)
    assert truth["shipments"] > 0

    # A second pass with nothing new changes nothing on either side.
    before = sandbox.world.state()
    run_pass(factory, settings, now=sandbox.world.now, worker="w2")
    after = sandbox.world.state()
    assert after["purchases"] == before["purchases"] and after["shipments"] == before["shipments"]
