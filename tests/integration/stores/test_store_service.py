"""Stores and buyer accounts on SQLite and PostgreSQL: saved, updated in place, connected to the sandbox,
and refreshed tokens written back through the unit of work."""

from __future__ import annotations

import httpx
import pytest

from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.db.uow import UnitOfWork
from kuajing.kit.errors import ValidationFailed
from kuajing.sandbox.server import SandboxServer
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository


def _uow(database_url: str) -> UnitOfWork:
    migrate.upgrade(database_url)
    return UnitOfWork(make_session_factory(make_engine(database_url)))


def _store(seller_id: str = "2200001", token: str = "t1") -> service.StoreCredentials:
    return service.StoreCredentials("店铺一", seller_id, "https://api-sg.aliexpress.com/", "k", "s", token)


def test_saving_a_known_seller_updates_it_instead_of_adding_a_second(database_url: str) -> None:
    with _uow(database_url) as uow:
        first = service.save_aliexpress_store(uow.session, _store(token="old"))
        second = service.save_aliexpress_store(uow.session, _store(token="new"))
        uow.commit()
        assert first.id == second.id
    with _uow(database_url) as uow:
        stores = StoreRepository(uow.session).aliexpress_stores()
        assert [(s.seller_id, s.access_token, s.base_url) for s in stores] == [
            ("2200001", "new", "https://api-sg.aliexpress.com")
        ]


def test_a_store_without_a_token_is_refused_and_nothing_is_written(database_url: str) -> None:
    with _uow(database_url) as uow:
        with pytest.raises(ValidationFailed) as refused:
            service.save_aliexpress_store(uow.session, _store(token=" "))
        assert refused.value.details["field"] == "access_token"
        uow.commit()
    with _uow(database_url) as uow:
        assert StoreRepository(uow.session).aliexpress_stores() == []


def test_connect_sandbox_registers_every_store_linked_to_the_buyer_account(
    sandbox: SandboxServer, database_url: str
) -> None:
    accounts = httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
    with _uow(database_url) as uow:
        assert service.connect_sandbox(uow.session, sandbox.base_url, accounts) == 2
        service.connect_sandbox(uow.session, sandbox.base_url, accounts)  # twice changes nothing
        uow.commit()
    with _uow(database_url) as uow:
        repo = StoreRepository(uow.session)
        stores, buyers = repo.aliexpress_stores(), repo.buyer_accounts()
        assert len(stores) == 2 and len(buyers) == 1
        assert {s.buyer_account_id for s in stores} == {buyers[0].id}
        with service.aliexpress_client(stores[1]) as client:
            assert client.list_logistics_services()  # the stored credentials really work
        with service.alibaba_client(buyers[0]) as buyer:
            offer_id = sorted(sandbox.world.catalog.offers)[0]
            assert buyer.product_detail(offer_id).offer_id == offer_id


def test_refreshed_tokens_are_written_back_to_the_store(sandbox: SandboxServer, database_url: str) -> None:
    store = sandbox.world.storefront.stores[0]
    with _uow(database_url) as uow:
        accounts = httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        service.connect_sandbox(uow.session, sandbox.base_url, accounts)
        row = StoreRepository(uow.session).aliexpress_store_by_seller(store.seller_id)
        assert row is not None
        with service.aliexpress_client(row) as client:
            tokens = client.create_token(f"code-{store.seller_id}")
        uow.commit()
    with _uow(database_url) as uow:
        saved = StoreRepository(uow.session).aliexpress_store_by_seller(store.seller_id)
        assert saved is not None
        assert saved.access_token == tokens.access_token
        assert saved.refresh_token == tokens.refresh_token
        assert saved.access_token_expires_at is not None and saved.access_token_expires_at.tzinfo is not None
