"""The client pool keeps one client per store across passes, and rebuilds it when credentials change."""

from __future__ import annotations

from datetime import UTC, datetime

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.marketplaces.aliexpress import TokenSet
from kuajing.stores.pool import ClientPool
from kuajing.stores.tables import AliExpressStore

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def _store() -> AliExpressStore:
    return AliExpressStore(
        id=1,
        name="店铺一",
        seller_id="2200001",
        base_url="http://127.0.0.1:1/aliexpress",
        app_key="k",
        app_secret="s",
        access_token="t1",
        refresh_token="r1",
        access_token_expires_at=None,
        refresh_token_expires_at=None,
        buyer_account_id=None,
        last_synced_at=None,
        created_at=T0,
    )


def test_a_store_keeps_its_client_until_its_credentials_change(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    factory = make_session_factory(make_engine(sqlite_url))
    store = _store()
    with ClientPool(factory, Settings()) as pool:
        first = pool.store(store)
        assert pool.store(store) is first  # the next pass: same client, same connections

        store.access_token = "t2"  # a person pasted a new token
        second = pool.store(store)
        assert second is not first
        assert first._http.is_closed  # the stale client is closed, not leaked
        assert pool.store(store) is second


def test_tokens_a_pooled_client_refreshes_are_saved_to_the_row(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    factory = make_session_factory(make_engine(sqlite_url))
    with factory() as session:
        session.add(_store())
        session.commit()
    with ClientPool(factory, Settings()) as pool:
        save = pool._save_store_tokens(1)
        save(TokenSet(access_token="t9", refresh_token="", expires_at=T0, refresh_expires_at=None))
    with factory() as session:
        row = session.get(AliExpressStore, 1)
        assert row is not None
        assert (row.access_token, row.refresh_token, row.access_token_expires_at) == ("t9", "r1", T0)
