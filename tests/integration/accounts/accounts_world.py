"""For the accounts tests (fixtures re-exported by this folder's conftest.py): a migrated database
with two stores, an order and an open exception on each, an offer on the lifecycle board, a 1688
offer the mapping rules can name, and one user per role (plus a purchaser limited to store 2); the
web app with sign-in on."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kuajing.accounts import service
from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow, OrderExceptionRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.tables import OfferSnapshotRow, SourcedOfferRow, SupplierRow
from kuajing.stores.tables import AliExpressStore
from kuajing.web.app import create_app

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
OFFER = 610001  # a 1688 offer known to the catalog (spec S1)
BOARD_OFFER = 620001  # a sourced offer in 候选 (candidate)
USERS = {
    "boss": "owner",
    "bella": "buyer",
    "paul": "purchaser",
    "sam": "service",
    "vera": "viewer",
}
LIMITED = "pia"  # a purchaser who sees store 2 only


def _store(number: int) -> AliExpressStore:
    return AliExpressStore(
        name=f"店铺{number}",
        seller_id=str(number),
        base_url="http://127.0.0.1:1",
        app_key="k",
        app_secret="s",
        access_token="t",
        access_token_expires_at=None,
        refresh_token_expires_at=None,
        buyer_account_id=None,
        last_synced_at=None,
        created_at=NOW,
    )


def seed(session: Session) -> None:
    session.add_all([_store(1), _store(2)])
    session.add(SupplierRow(member_id="plain", name="广州档口", updated_at=NOW))
    session.flush()
    for store_id in (1, 2):
        order = AeOrderRow(
            store_id=store_id,
            ae_order_id=8000 + store_id,
            ae_status="FINISH",
            state="bought",
            pay_amount=Decimal("29.90"),
            currency="USD",
            created_at=NOW,
            synced_at=NOW,
        )
        session.add(order)
        session.flush()
        line = AeOrderLineRow(
            order_id=order.id,
            child_id=store_id,
            product_id=1,
            sku_code=f"SKU-{store_id}",
            quantity=1,
            unit_price=Decimal("29.90"),
            currency="USD",
            state="purchased",
        )
        session.add(line)
        session.flush()
        session.add(
            PurchaseOrderRow(
                order_id=order.id,
                out_order_id=f"AE{store_id}",
                supplier_member_id="plain",
                state="fulfilled",
                cargo=[{"offer_id": "1", "spec_id": "s", "quantity": 1, "line_ids": [line.id]}],
                alibaba_order_id=f"1688{store_id}",
                total_amount=Decimal("80"),
                created_at=NOW,
            )
        )
        session.add(
            OrderExceptionRow(
                order_id=order.id,
                line_id=line.id,
                reason_code="unmapped_sku",
                message_zh=f"店铺{store_id}的异常",
                message_en=f"store {store_id} exception",
                action="map",
                status="open",
                opened_at=NOW,
            )
        )
    session.add(
        OfferSnapshotRow(
            offer_id=OFFER,
            subject="硅胶手机壳",
            status="published",
            supplier_member_id="plain",
            supplier_name="广州档口",
            trust_pass=True,
            super_factory=True,
            dropship=True,
            specs={"S1": {"price": "5.00", "consign_price": "6.00", "stock": 100, "attributes": "颜色:黑色"}},
            fetched_at=NOW,
        )
    )
    session.add(
        SourcedOfferRow(
            offer_id=BOARD_OFFER,
            supplier_id=1,
            title="宠物衣服",
            attributes={},
            price_tiers=[[2, "10.00"]],
            unit_price=Decimal("10.00"),
            min_order_quantity=2,
            lifecycle_stage="candidate",
            source="test",
            content_hash="1",
            imported_at=NOW,
            updated_at=NOW,
        )
    )
    session.flush()
    for username, role in USERS.items():
        service.create_user(session, username, PASSWORD, role, now=NOW)
    service.create_user(session, LIMITED, PASSWORD, "purchaser", now=NOW, store_ids=frozenset({2}))
    session.commit()


def seeded(url: str) -> str:
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed(session)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def accounts_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded SQLite file, built once (migrations and argon2 hashes take time) and copied per test."""
    path = tmp_path_factory.mktemp("accounts") / "template.sqlite3"
    seeded(f"sqlite:///{path}")
    return path


@pytest.fixture
def accounts_url(tmp_path: Path, accounts_template: Path) -> str:
    """SQLite (most HTTP tests; the sign-in and audit tests also run on PostgreSQL)."""
    target = tmp_path / "accounts.sqlite3"
    shutil.copyfile(accounts_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def accounts_db_url(database_url: str) -> str:
    """The same seed on SQLite and on PostgreSQL."""
    return seeded(database_url)


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(url: str, **settings: object) -> TestClient:
        folders = {"aftersales_folder": str(tmp_path / "evidence")}
        app = create_app(Settings(database_url=url, auth_required=True, **{**folders, **settings}))  # type: ignore[arg-type]
        app.state.offer_upload_dir = tmp_path / "uploads"
        client = TestClient(app)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
        client.app.state.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def client(accounts_url: str, make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(accounts_url)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through ``/api/auth/login``; the CSRF token the client must send back."""
    reply = client.post("/api/auth/login", json={"username": username, "password": password})
    assert reply.status_code == 200, reply.text
    token: str = reply.json()["csrf_token"]
    return token


def edit_world(url: str, change: Callable[[Session], object]) -> None:
    """Change the seeded database from a test (one session, committed)."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            change(session)
            session.commit()
    finally:
        engine.dispose()


def seed_listings(session: Session) -> dict[str, int]:
    """A listing of each store and one entered by hand (no store), each checked: name → listing id."""
    from kuajing.compliance.service import ListingInput, upsert_listing

    ids = {}
    for name, store_id, product_id in (("store1", 1, 7001), ("store2", 2, 7002), ("shared", None, 7003)):
        item = ListingInput(product_id=product_id, title=f"手机壳 {name}", store_id=store_id, markets=("DE",))
        row, _ = upsert_listing(session, item, source="manual", now=NOW, today=NOW.date())
        ids[name] = row.id
    return ids
