"""The 1688 push receiver over real HTTP: the sandbox POSTs to the web app running in a thread."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.fulfilment.tables import PushInboxRow
from kuajing.jobs import run_pass
from kuajing.marketplaces.alibaba1688.signing import push_signature
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository
from kuajing.web.app import create_app


class WebServer:
    """The product's web app on a free 127.0.0.1 port in a thread (as ``SandboxServer`` runs the sandbox)."""

    def __init__(self, settings: Settings) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(create_app(settings), log_level="warning", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self) -> WebServer:
        self._thread.start()
        wait_for(lambda: self._server.started)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()


def wait_for(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


@pytest.fixture
def settings(sandbox: SandboxServer, sqlite_url: str) -> Settings:
    migrate.upgrade(sqlite_url)
    found = Settings(
        database_url=sqlite_url,
        clock_url=sandbox.base_url,  # the receiver's "now" is the loop's now: the sandbox clock
        auto_buy_requires_super_factory=False,
        alibaba1688_calls_per_second=1000,
        aliexpress_calls_per_second=1000,
    )
    with make_session_factory(make_engine(sqlite_url))() as session:
        accounts = httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        service.connect_sandbox(session, sandbox.base_url, accounts)
        session.commit()
    return found


@pytest.fixture
def factory(settings: Settings) -> sessionmaker[Session]:
    return make_session_factory(make_engine(settings.database_url))


@pytest.fixture
def receiver(sandbox: SandboxServer, settings: Settings) -> Iterator[WebServer]:
    with WebServer(settings) as web:
        target = {"url": f"{web.base_url}/hooks/1688"}
        httpx.post(f"{sandbox.base_url}/sandbox/1688/push-target", json=target).raise_for_status()
        yield web


def placed_purchase(sandbox: SandboxServer, settings: Settings, factory: sessionmaker[Session]) -> int:
    """A purchase the loop placed on 1688 and has polled once (so its next poll is an hour away)."""
    with factory() as session:
        account = StoreRepository(session).buyer_accounts()[0]
        with service.alibaba_client(account, settings) as buyer:
            catalog = OfferSnapshots(session, buyer, now=sandbox.world.now())
            install_sandbox_rules(session, sandbox.base_url, catalog, now=sandbox.world.now())
        session.commit()
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 6}).raise_for_status()
    sandbox.world.advance(0.5)  # past the cancellation window
    run_pass(factory, settings, now=sandbox.world.now, worker="w1")  # sync, route, place
    run_pass(factory, settings, now=sandbox.world.now, worker="w1")  # first poll: not shipped yet
    with factory() as session:
        purchase = session.scalars(
            select(PurchaseOrderRow).where(PurchaseOrderRow.state == "placed").order_by(PurchaseOrderRow.id)
        ).first()
        assert purchase is not None and purchase.alibaba_order_id
        assert purchase.due_at is not None and purchase.due_at > sandbox.world.now()
        return purchase.id


def inbox(factory: sessionmaker[Session]) -> list[PushInboxRow]:
    with factory() as session:
        return list(session.scalars(select(PushInboxRow).order_by(PushInboxRow.id)))


def dispatch(sandbox: SandboxServer, alibaba_order_id: str) -> None:
    url = f"{sandbox.base_url}/sandbox/1688/purchases/{alibaba_order_id}/dispatch"
    httpx.post(url).raise_for_status()


def test_shipment_push_is_stored_and_makes_the_purchase_due_now(
    sandbox: SandboxServer, settings: Settings, factory: sessionmaker[Session], receiver: WebServer
) -> None:
    purchase_id = placed_purchase(sandbox, settings, factory)
    with factory() as session:
        alibaba_order_id = session.get(PurchaseOrderRow, purchase_id).alibaba_order_id  # type: ignore[union-attr]
    assert alibaba_order_id is not None
    dispatch(sandbox, alibaba_order_id)

    wait_for(lambda: any(row.processed_at is not None for row in inbox(factory)))
    [row] = inbox(factory)
    assert row.platform == "1688" and row.topic == "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS"
    assert str(row.payload["data"]["orderId"]) == alibaba_order_id
    assert row.processed_at == sandbox.world.now()
    with factory() as session:
        purchase = session.get(PurchaseOrderRow, purchase_id)
        assert purchase is not None
        assert purchase.due_at == sandbox.world.now()
        assert purchase.tracking_no is None  # the push only hurries the poll; polling reads the parcel

    run_pass(factory, settings, now=sandbox.world.now, worker="w1")
    with factory() as session:
        purchase = session.get(PurchaseOrderRow, purchase_id)
        assert purchase is not None
        assert purchase.tracking_no == row.payload["data"]["logisticsBillNo"]


def test_a_push_delivered_twice_is_stored_once(
    sandbox: SandboxServer, settings: Settings, factory: sessionmaker[Session], receiver: WebServer
) -> None:
    purchase_id = placed_purchase(sandbox, settings, factory)
    fault = {"method": "push", "kind": "duplicate_push", "rate": 1}
    httpx.post(f"{sandbox.base_url}/sandbox/faults", json=fault).raise_for_status()
    with factory() as session:
        alibaba_order_id = session.get(PurchaseOrderRow, purchase_id).alibaba_order_id  # type: ignore[union-attr]
    assert alibaba_order_id is not None
    dispatch(sandbox, alibaba_order_id)

    outbox = sandbox.world.buyer.outbox
    wait_for(lambda: bool(outbox.messages) and outbox.messages[-1].deliveries == 2)  # both copies acked
    assert sandbox.world.faults.injected["duplicate_push"] == 1
    rows = inbox(factory)
    assert len(rows) == 1 and rows[0].msg_id == str(outbox.messages[-1].msg_id)


def _message(sandbox: SandboxServer, msg_id: int, order_id: str) -> str:
    envelope = {
        "msgId": msg_id,
        "gmtBorn": 1_793_000_000_000,
        "type": "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS",
        "userInfo": sandbox.world.buyer.member_id,
        "data": {"orderId": order_id, "logisticsBillNo": "LP00000000000001"},
    }
    return json.dumps(envelope, separators=(",", ":"))


def _secret(factory: sessionmaker[Session]) -> str:
    with factory() as session:
        return StoreRepository(session).buyer_accounts()[0].app_secret


def test_forged_signature_is_refused_with_401_and_nothing_stored(
    sandbox: SandboxServer, factory: sessionmaker[Session], receiver: WebServer
) -> None:
    body = _message(sandbox, 9_000_000_001, "123456")
    form = {"message": body, "_aop_signature": push_signature("not-the-app-secret", body)}
    reply = httpx.post(f"{receiver.base_url}/hooks/1688", data=form)
    assert reply.status_code == 401
    assert reply.json()["code"] == "alibaba1688_push_signature_invalid"
    unsigned = httpx.post(f"{receiver.base_url}/hooks/1688", data={"message": body})
    assert unsigned.status_code == 401
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(PushInboxRow)) == 0


def test_push_for_an_unknown_purchase_is_stored_and_acknowledged(
    sandbox: SandboxServer, factory: sessionmaker[Session], receiver: WebServer
) -> None:
    body = _message(sandbox, 9_000_000_002, "999999999")
    form = {"message": body, "_aop_signature": push_signature(_secret(factory), body)}
    first = httpx.post(f"{receiver.base_url}/hooks/1688", data=form)
    again = httpx.post(f"{receiver.base_url}/hooks/1688", data=form)
    assert first.status_code == 200 and first.json()["duplicate"] is False
    assert again.status_code == 200 and again.json()["duplicate"] is True
    [row] = inbox(factory)
    assert row.msg_id == "9000000002" and row.processed_at is None
