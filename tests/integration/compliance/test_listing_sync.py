"""Listings read from the AliExpress sandbox over real HTTP: every product seen on a synced order
becomes a checked listing (SQLite and PostgreSQL), and `kuajing listings sync|check` does the same."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kuajing.cli import app
from kuajing.compliance import repository as repo
from kuajing.compliance.listing_sync import sync_listings
from kuajing.compliance.service import local_today
from kuajing.compliance.tables import ListingRow
from kuajing.config import Settings, get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.orders.sync import SyncSettings, sync_store
from kuajing.orders.tables import AeOrderLineRow
from kuajing.sandbox.server import SandboxServer
from kuajing.stores import service as stores
from kuajing.stores.pool import ClientPool
from kuajing.stores.repository import StoreRepository


def _orders_synced(sandbox: SandboxServer, database_url: str, settings: Settings) -> None:
    migrate.upgrade(database_url)
    factory = make_session_factory(make_engine(database_url))
    with factory() as session:
        stores.connect_sandbox(
            session, sandbox.base_url, httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        )
        session.commit()
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 12}).raise_for_status()
    sandbox.world.advance(0.5)
    with ClientPool(factory, settings) as pool, factory() as session:
        for store in StoreRepository(session).aliexpress_stores():
            sync_store(
                session,
                store,
                pool.store(store),
                now=sandbox.world.now(),
                settings=SyncSettings(),
                actor="test",
            )
        session.commit()


def test_every_product_on_an_order_becomes_a_checked_listing(
    sandbox: SandboxServer, database_url: str
) -> None:
    settings = Settings(database_url=database_url, aliexpress_calls_per_second=1000)
    _orders_synced(sandbox, database_url, settings)
    factory = make_session_factory(make_engine(database_url))
    now = sandbox.world.now()
    with ClientPool(factory, settings) as pool, factory() as session:
        product_ids = set(session.scalars(select(AeOrderLineRow.product_id)))
        assert product_ids
        report = sync_listings(session, pool.store, now=now, today=local_today(now))
        session.commit()
        assert (report.seen, report.created, report.errors) == (len(product_ids), len(product_ids), [])
        rows = session.scalars(select(ListingRow)).all()
        assert {row.product_id for row in rows} == product_ids
        for row in rows:
            front = sandbox.world.storefront
            listing = next(
                (found for store in front.stores if (found := front.listing_of(store, row.product_id))), None
            )
            assert (
                listing is not None
                and row.title == listing.subject
                and row.category_id == listing.category_id
            )
            assert row.source == "aliexpress" and row.markets == ["DE", "FR", "ES"]
            checks = repo.checks_of(session, row.id)
            assert {c.market for c in checks} == {"DE", "FR", "ES"}
            # no EPR number registered: every DE/FR listing needs packaging at least → blocking
            assert {c.status for c in checks if c.market in ("DE", "FR")} == {"blocking"}
        # a second sync reads the same products: nothing changes
        again = sync_listings(session, pool.store, now=now, today=local_today(now))
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(product_ids))


def test_listings_sync_and_check_from_the_command_line(
    sandbox: SandboxServer, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=sqlite_url, aliexpress_calls_per_second=1000)
    _orders_synced(sandbox, sqlite_url, settings)
    for key, value in {
        "KUAJING_DATABASE_URL": sqlite_url,
        "KUAJING_CLOCK_URL": sandbox.base_url,
        "KUAJING_ALIEXPRESS_CALLS_PER_SECOND": "1000",
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        synced = runner.invoke(app, ["listings", "sync"])
        assert synced.exit_code == 0, synced.output
        assert "errors 0" in synced.output
        checked = runner.invoke(app, ["listings", "check", "--market", "DE", "--json"])
        assert checked.exit_code == 0, checked.output
        rows = json.loads(checked.output)
        assert rows and {row["market"] for row in rows} == {"DE"}
        assert all(row["status"] == "blocking" for row in rows)
        added = runner.invoke(
            app, ["epr", "add", "--country", "DE", "--stream", "packaging", "--number", "DE1234567890123"]
        )
        assert added.exit_code == 0, added.output
        bad = runner.invoke(app, ["epr", "add", "--country", "DE", "--stream", "weee", "--number", "DE12"])
        assert bad.exit_code == 1 and "wrong format" in bad.output
        rows = json.loads(runner.invoke(app, ["listings", "check", "--market", "DE", "--json"]).output)
        # packaging is registered now: what still blocks is an electrical or battery stream, never packaging
        assert all(reason["stream"] != "packaging" for row in rows for reason in row["reasons"])
        rechecked = runner.invoke(app, ["listings", "recheck"])
        assert rechecked.exit_code == 0 and "rechecked 0 listings" in rechecked.output  # nothing stale
        rechecked = runner.invoke(app, ["listings", "recheck", "--all"])
        assert rechecked.exit_code == 0 and "rechecked 0 listings" not in rechecked.output
        listed = runner.invoke(app, ["epr", "list", "--json"])
        assert json.loads(listed.output)[0]["number"] == "DE1234567890123"
    finally:
        get_settings.cache_clear()
