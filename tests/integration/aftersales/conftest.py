"""Fixtures for the 售后 page and CLI tests: a migrated SQLite database with two AliExpress orders
bought on 1688, inserted directly.

Two AliExpress orders bought on 1688, inserted directly: 8001 from a 信用保障 supplier (FINISH),
8002 from a plain one (IN_ISSUE, in dispute). Shared by the page and CLI tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.tables import SupplierRow
from kuajing.stores.tables import AliExpressStore

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def seed_orders(session: Session) -> None:
    session.add(
        AliExpressStore(
            name="店铺一",
            seller_id="1",
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
    )
    session.add_all(
        [
            SupplierRow(
                member_id="guaranteed", name="义乌信用保障工厂", credit_guarantee=True, updated_at=NOW
            ),
            SupplierRow(member_id="plain", name="广州档口", updated_at=NOW),
        ]
    )
    session.flush()
    for number, (member, status) in enumerate([("guaranteed", "FINISH"), ("plain", "IN_ISSUE")], start=1):
        order = AeOrderRow(
            store_id=1,
            ae_order_id=8000 + number,
            ae_status=status,
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
            child_id=number,
            product_id=1,
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
                out_order_id=f"AE{number}",
                supplier_member_id=member,
                state="fulfilled",
                cargo=[{"offer_id": "1", "spec_id": "s", "quantity": 1, "line_ids": [line.id]}],
                alibaba_order_id=f"1688{number}",
                total_amount=Decimal("80"),
                created_at=NOW,
            )
        )
    session.commit()


@pytest.fixture
def seeded_sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'aftersales.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed_orders(session)
    engine.dispose()
    return url


@pytest.fixture
def seeded_session(database_url: str) -> Iterator[Session]:
    """The same two orders on SQLite and on PostgreSQL, migrated to head."""
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        seed_orders(session)
        yield session
    engine.dispose()
