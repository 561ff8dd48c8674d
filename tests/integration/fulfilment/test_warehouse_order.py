"""The Cainiao warehouse order for a parcel on an unapproved carrier, against the sandbox over HTTP."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.fulfilment.warehouse import WarehouseOrderNotPossible, create_warehouse_order_for
from kuajing.jobs import run_pass
from kuajing.marketplaces.alibaba1688 import Alibaba1688Client
from kuajing.marketplaces.aliexpress import AliExpressClient
from kuajing.orders.tables import AeOrderRow, OrderExceptionRow, StateChangeRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository
from kuajing.stores.tables import AliExpressStore

UNAPPROVED_CARRIER = "FOURPX_ECONOMY_UNREG"  # 四PX经济小包(未备案): not on AliExpress's list


@pytest.fixture
def settings(sandbox: SandboxServer, sqlite_url: str) -> Settings:
    migrate.upgrade(sqlite_url)
    found = Settings(
        database_url=sqlite_url,
        auto_buy_requires_super_factory=False,
        alibaba1688_calls_per_second=1000,
        aliexpress_calls_per_second=1000,
    )
    with make_session_factory(make_engine(sqlite_url))() as session:
        service.connect_sandbox(
            session, sandbox.base_url, httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        )
        account = StoreRepository(session).buyer_accounts()[0]
        with service.alibaba_client(account, found) as buyer:
            catalog = OfferSnapshots(session, buyer, now=sandbox.world.now())
            install_sandbox_rules(session, sandbox.base_url, catalog, now=sandbox.world.now())
        session.commit()
    return found


@pytest.fixture
def factory(settings: Settings) -> sessionmaker[Session]:
    return make_session_factory(make_engine(settings.database_url))


def placed_purchases(sandbox: SandboxServer, settings: Settings, factory: sessionmaker[Session]) -> list[int]:
    # Every supplier ships with a carrier AliExpress does not accept: the guide's failure case.
    for supplier in sandbox.world.catalog.suppliers.values():
        supplier.carrier_codes = (UNAPPROVED_CARRIER,)
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 6}).raise_for_status()
    sandbox.world.advance(0.5)  # past the cancellation window
    run_pass(factory, settings, now=sandbox.world.now, worker="w1")
    with factory() as session:
        placed = list(
            session.scalars(
                select(PurchaseOrderRow.id)
                .where(PurchaseOrderRow.state == "placed")
                .order_by(PurchaseOrderRow.id)
            )
        )
    assert placed
    return placed


def flagged_purchase(sandbox: SandboxServer, settings: Settings, factory: sessionmaker[Session]) -> int:
    """A shipped purchase whose parcel the loop flagged CARRIER_NOT_APPROVED; returns the exception id."""
    purchase_id = placed_purchases(sandbox, settings, factory)[0]
    with factory() as session:
        alibaba_order_id = session.get(PurchaseOrderRow, purchase_id).alibaba_order_id  # type: ignore[union-attr]
    httpx.post(f"{sandbox.base_url}/sandbox/1688/purchases/{alibaba_order_id}/dispatch").raise_for_status()
    run_pass(factory, settings, now=sandbox.world.now, worker="w1")
    with factory() as session:
        flag = session.scalars(
            select(OrderExceptionRow).where(
                OrderExceptionRow.purchase_id == purchase_id,
                OrderExceptionRow.reason_code == "carrier_not_approved",
                OrderExceptionRow.status == "open",
            )
        ).one()
        return flag.id


def clients(
    session: Session, purchase: PurchaseOrderRow, settings: Settings
) -> tuple[AliExpressClient, Alibaba1688Client]:
    order = session.get(AeOrderRow, purchase.order_id)
    assert order is not None
    store = session.get(AliExpressStore, order.store_id)
    assert store is not None
    account = StoreRepository(session).buyer_account(store.buyer_account_id or 0)
    assert account is not None
    return service.aliexpress_client(store, settings), service.alibaba_client(account, settings)


def test_warehouse_order_replaces_an_unapproved_carrier_and_the_next_pass_uploads_the_cainiao_number(
    sandbox: SandboxServer, settings: Settings, factory: sessionmaker[Session]
) -> None:
    exception_id = flagged_purchase(sandbox, settings, factory)
    with factory() as session:
        flag = session.get(OrderExceptionRow, exception_id)
        assert flag is not None and flag.purchase_id is not None
        purchase = session.get(PurchaseOrderRow, flag.purchase_id)
        assert purchase is not None
        domestic_no = purchase.tracking_no
        assert domestic_no is not None and domestic_no.startswith("4PE")
        seller, buyer = clients(session, purchase, settings)
        with seller, buyer:
            label = create_warehouse_order_for(
                session, exception_id, seller, buyer=buyer, now=sandbox.world.now(), actor="user:ops"
            )
        session.commit()

        assert re.fullmatch(r"LP\d{14}", label)
        assert purchase.tracking_no == label
        assert purchase.ae_service_name == "CAINIAO_STANDARD"
        assert purchase.carrier_name == "菜鸟无忧物流-标准"
        assert purchase.due_at == sandbox.world.now()
        assert flag.status == "resolved"
        assert flag.resolution is not None and flag.resolution.endswith(f"label {label} for the supplier")
        change = session.scalars(
            select(StateChangeRow)
            .where(StateChangeRow.entity == "purchase", StateChangeRow.entity_id == purchase.id)
            .order_by(StateChangeRow.id.desc())
        ).first()
        assert change is not None and domestic_no in change.reason and label in change.reason
        ae_order_id = session.get(AeOrderRow, purchase.order_id).ae_order_id  # type: ignore[union-attr]
        purchase_id = purchase.id

    run_pass(factory, settings, now=sandbox.world.now, worker="w1")

    shipments = httpx.get(f"{sandbox.base_url}/sandbox/aliexpress/orders/{ae_order_id}").json()["shipments"]
    assert [(s["service_name"], s["logistics_no"]) for s in shipments] == [("CAINIAO_STANDARD", label)]
    with factory() as session:
        purchase = session.get(PurchaseOrderRow, purchase_id)
        assert purchase is not None and purchase.state == "fulfilled"


def test_creating_the_warehouse_order_twice_creates_it_once(
    sandbox: SandboxServer, settings: Settings, factory: sessionmaker[Session]
) -> None:
    exception_id = flagged_purchase(sandbox, settings, factory)
    with factory() as session:
        flag = session.get(OrderExceptionRow, exception_id)
        assert flag is not None
        purchase = session.get(PurchaseOrderRow, flag.purchase_id)
        assert purchase is not None
        seller, buyer = clients(session, purchase, settings)
        with seller, buyer:
            first = create_warehouse_order_for(
                session, exception_id, seller, buyer=buyer, now=sandbox.world.now(), actor="user:ops"
            )
            session.commit()
            again = create_warehouse_order_for(
                session, purchase, seller, buyer=buyer, now=sandbox.world.now(), actor="user:ops"
            )
            session.commit()
    assert again == first
    assert sandbox.world.state()["ae_warehouse_orders"] == 1


def test_purchase_not_flagged_for_its_carrier_gets_no_warehouse_order(
    sandbox: SandboxServer, settings: Settings, factory: sessionmaker[Session]
) -> None:
    purchase_id = placed_purchases(sandbox, settings, factory)[0]
    with factory() as session:
        purchase = session.get(PurchaseOrderRow, purchase_id)
        assert purchase is not None
        seller, buyer = clients(session, purchase, settings)
        with seller, buyer, pytest.raises(WarehouseOrderNotPossible):
            create_warehouse_order_for(
                session, purchase, seller, buyer=buyer, now=sandbox.world.now(), actor="user:ops"
            )
    assert sandbox.world.state()["ae_warehouse_orders"] == 0
