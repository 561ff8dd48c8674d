"""The demo's pages show the sandbox stores, their latest orders and the 1688 catalog, read live."""

from __future__ import annotations

import html

import httpx
from fastapi.testclient import TestClient

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.db.uow import UnitOfWork
from kuajing.sandbox.cli import current_hour
from kuajing.sandbox.server import SandboxServer
from kuajing.stores import service
from kuajing.web.app import create_app


def _connected_app(sandbox: SandboxServer, database_url: str) -> TestClient:
    migrate.upgrade(database_url)
    with UnitOfWork(make_session_factory(make_engine(database_url))) as uow:
        accounts = httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        service.connect_sandbox(uow.session, sandbox.base_url, accounts)
        uow.commit()
    return TestClient(create_app(Settings(database_url=database_url)))


def test_dashboard_lists_every_sandbox_store_with_its_latest_orders(sqlite_url: str) -> None:
    # The dashboard shows the last 7 days of the real clock, so this world starts now (as the demo's does).
    with SandboxServer(seed=1688, start=current_hour()) as sandbox:
        _assert_dashboard_shows_latest_orders(sandbox, sqlite_url)


def _assert_dashboard_shows_latest_orders(sandbox: SandboxServer, sqlite_url: str) -> None:
    generated = httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 12})
    order_ids = generated.json()["order_ids"]
    client = _connected_app(sandbox, sqlite_url)
    page = client.get("/")
    assert page.status_code == 200
    for store in sandbox.world.storefront.stores:
        assert html.escape(store.name) in page.text
    shown = [order_id for order_id in order_ids if str(order_id) in page.text]
    assert len(shown) == len(order_ids)  # 12 orders, all among the latest 15 of their stores
    assert "CAINIAO_STANDARD" in page.text  # approved carriers read through the client


def test_dashboard_speaks_english_when_asked(sandbox: SandboxServer, sqlite_url: str) -> None:
    client = _connected_app(sandbox, sqlite_url)
    assert "速卖通店铺" in client.get("/").text
    english = client.get("/?lang=en")
    assert "AliExpress stores" in english.text
    assert "AliExpress stores" in client.get("/").text  # the choice is remembered in a cookie


def test_catalog_page_shows_1688_offers_with_supplier_flags(sandbox: SandboxServer, sqlite_url: str) -> None:
    client = _connected_app(sandbox, sqlite_url)
    page = client.get("/catalog?per_page=10")
    assert page.status_code == 200
    first_ids = sorted(sandbox.world.catalog.offers)[:10]
    for offer_id in first_ids:
        assert f'data-offer-id="{offer_id}"' in page.text
    assert "诚信通" in page.text


def test_a_store_whose_token_is_refused_shows_the_error_on_its_card(
    sandbox: SandboxServer, sqlite_url: str
) -> None:
    client = _connected_app(sandbox, sqlite_url)
    with UnitOfWork(make_session_factory(make_engine(sqlite_url))) as uow:
        from kuajing.stores.repository import StoreRepository

        StoreRepository(uow.session).aliexpress_stores()[0].access_token = "revoked"
        uow.commit()
    page = client.get("/")
    assert page.status_code == 200
    assert "IllegalAccessToken" in page.text


def test_health_endpoint(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    client = TestClient(create_app(Settings(database_url=sqlite_url)))
    assert client.get("/api/health").json()["status"] == "ok"
