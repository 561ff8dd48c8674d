"""The set-based router gives exactly what routing one order at a time gives, on SQLite and PostgreSQL.

Two databases get the same orders — buyable, multi-supplier, merged specs, bundles, unmapped,
ineligible supplier, incomplete address, frozen, mixed, cancelled, a currency the rate cannot
convert, one with history and one still NEW. One is routed order by order (``jobs.one_order`` with
``route_order``, the per-order path), the other by ``jobs.route_ready`` (the set-based batch plus
hand-backs). Every row written — lines, orders, purchases, exceptions and the audit trail — must
be the same, compared by natural keys (AliExpress ids, ``outOrderId``) instead of row ids.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.jobs import one_order, route_ready
from kuajing.kit.money import FxRate
from kuajing.marketplaces.errors import TransientError
from kuajing.orders.exceptions import open_exception
from kuajing.orders.reasons import ReasonCode
from kuajing.orders.routing import RoutingPolicy
from kuajing.orders.routing_batch import route_fresh
from kuajing.orders.routing_service import RoutingContext, route_order
from kuajing.orders.rules_store import load_rulebook
from kuajing.orders.tables import (
    AeOrderLineRow,
    AeOrderRow,
    OrderExceptionRow,
    SkuMappingRuleRow,
    StateChangeRow,
)
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.sourcing.tables import OfferSnapshotRow
from kuajing.stores.tables import AliExpressStore

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
WORKER = "test-worker"
GOOD_A, GOOD_B, NOT_SUPER = 600_000_000_001, 600_000_000_002, 600_000_000_003
OFFERS = {  # offer → (supplier, super factory, spec ids)
    GOOD_A: ("b2b-good-a", True, ("a1", "a2")),
    GOOD_B: ("b2b-good-b", True, ("b1", "b2")),
    NOT_SUPER: ("b2b-small", False, ("s1",)),
}
RULES = [  # (kind, pattern, offer, spec, variant map, multiplier, unit cost)
    ("exact", "A-1", GOOD_A, "a1", {}, 1, Decimal("10.00")),
    ("exact", "A-2", GOOD_A, "a2", {}, 1, Decimal("10.00")),
    ("exact", "A-PK2", GOOD_A, "a1", {}, 2, Decimal("10.00")),
    ("prefix", "B-", GOOD_B, None, {"RED": "b1", "BLUE": "b2"}, 1, None),
    ("exact", "S-1", NOT_SUPER, "s1", {}, 1, None),
]
# ae_order_id → (ae_status, state, country, address complete, currency, SKU codes)
ORDERS: dict[int, tuple[str, str, str, bool, str, tuple[str, ...]]] = {
    3001: ("WAIT_SELLER_SEND_GOODS", "ready", "US", True, "USD", ("A-1",)),
    3002: ("WAIT_SELLER_SEND_GOODS", "ready", "US", True, "USD", ("A-1", "B-RED")),
    3003: ("WAIT_SELLER_SEND_GOODS", "ready", "FR", True, "USD", ("A-1", "A-1", "A-2")),
    3004: ("WAIT_SELLER_SEND_GOODS", "ready", "US", True, "USD", ("A-PK2",)),
    3005: ("WAIT_SELLER_SEND_GOODS", "ready", "US", True, "USD", ("NOPE-1",)),
    3006: ("WAIT_SELLER_SEND_GOODS", "ready", "US", True, "USD", ("B-BLUE", "NOPE-2")),
    3007: ("IN_FROZEN", "ready", "US", True, "USD", ("A-1", "B-RED")),
    3008: ("WAIT_SELLER_SEND_GOODS", "ready", "US", True, "USD", ("S-1",)),
    3009: ("WAIT_SELLER_SEND_GOODS", "ready", "DE", False, "USD", ("A-2",)),
    3010: ("IN_CANCEL", "ready", "US", True, "USD", ("A-1", "B-RED")),
    3011: ("WAIT_SELLER_SEND_GOODS", "ready", "US", True, "EUR", ("A-1",)),
    3012: ("WAIT_SELLER_SEND_GOODS", "ready", "US", True, "USD", ("B-RED",)),  # gets history below
    3013: ("WAIT_SELLER_SEND_GOODS", "new", "US", True, "USD", ("A-1",)),
    3014: ("IN_ISSUE", "ready", "US", True, "USD", ("S-1", "NOPE-3")),
}


def _world(url: str) -> sessionmaker[Session]:
    migrate.upgrade(url)
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        session.add(
            AliExpressStore(
                name="店铺一",
                seller_id="2200001",
                base_url="http://127.0.0.1:1/aliexpress",
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
        session.flush()
        for offer_id, (supplier, super_factory, specs) in OFFERS.items():
            session.add(
                OfferSnapshotRow(
                    offer_id=offer_id,
                    subject=f"offer {offer_id}",
                    status="published",
                    supplier_member_id=supplier,
                    supplier_name=supplier,
                    trust_pass=True,
                    super_factory=super_factory,
                    dropship=True,
                    specs={
                        spec: {"price": "9.00", "consign_price": "10.00", "stock": 1_000, "attributes": ""}
                        for spec in specs
                    },
                    fetched_at=NOW,
                )
            )
        for kind, pattern, offer_id, spec, variants, multiplier, cost in RULES:
            session.add(
                SkuMappingRuleRow(
                    store_id=1,
                    kind=kind,
                    pattern=pattern,
                    offer_id=offer_id,
                    spec_id=spec,
                    variant_map=variants,
                    quantity_multiplier=multiplier,
                    priority=100,
                    unit_cost=cost,
                    enabled=True,
                    note="",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        for ae_order_id, (status, state, country, complete, currency, skus) in ORDERS.items():
            order = AeOrderRow(
                store_id=1,
                ae_order_id=ae_order_id,
                ae_status=status,
                state=state,
                buyer_login_id="buyer",
                country=country,
                contact="Ada Buyer",
                phone="+1 555 0100" if complete else None,
                province="California",
                city="Los Angeles",
                district=None,
                street=None,
                address_line="1 Main St",
                zip="90001" if complete else "",
                pay_amount=Decimal("60.00"),
                currency=currency,
                created_at=NOW - timedelta(hours=1),
                paid_at=NOW - timedelta(hours=1),
                ae_updated_at=NOW - timedelta(hours=1),
                ship_by=NOW + timedelta(days=5),
                due_at=NOW - timedelta(minutes=50),
                detail_synced=True,
                synced_at=NOW - timedelta(minutes=55),
            )
            session.add(order)
            session.flush()
            for index, sku in enumerate(skus):
                session.add(
                    AeOrderLineRow(
                        order_id=order.id,
                        child_id=ae_order_id * 10 + index,
                        product_id=1,
                        product_name="goods",
                        sku_code=sku,
                        quantity=1 + index,
                        unit_price=Decimal("20.00"),
                        currency=currency,
                        buyer_logistics_service=None,
                        state="new",
                    )
                )
            session.flush()
            if ae_order_id == 3012:  # a person already looked at it once: not fresh
                open_exception(
                    session,
                    order_id=order.id,
                    code=ReasonCode.MANUAL_APPROVAL_REQUIRED,
                    at=NOW - timedelta(minutes=5),
                    actor="user:li",
                )
        session.commit()
    return factory


def _make_context(session: Session, store_id: int, moment: datetime) -> RoutingContext:
    return RoutingContext(
        rulebook=load_rulebook(session),
        snapshots=OfferSnapshots(session, None, now=moment),
        policy=RoutingPolicy(fx=FxRate("USD", "CNY", Decimal("7.10"), moment.date())),
        buy_after=timedelta(minutes=10),
        now=moment,
        actor=f"job:route@{WORKER}",
    )


def _snapshot(factory: sessionmaker[Session]) -> dict[str, Any]:
    """Every row routing writes, keyed by natural ids (row ids differ between the two paths)."""
    with factory() as session:
        order_key = dict(session.execute(select(AeOrderRow.id, AeOrderRow.ae_order_id)).all())
        line_key = dict(session.execute(select(AeOrderLineRow.id, AeOrderLineRow.child_id)).all())
        purchase_key = dict(session.execute(select(PurchaseOrderRow.id, PurchaseOrderRow.out_order_id)).all())
        exceptions = list(session.scalars(select(OrderExceptionRow)))
        exception_key = {
            row.id: (order_key[row.order_id], line_key.get(row.line_id or 0), row.reason_code)
            for row in exceptions
        }
        keys = {"order": order_key, "line": line_key, "purchase": purchase_key, "exception": exception_key}
        return {
            "orders": sorted(
                (row.ae_order_id, row.state, row.due_at, row.lease_owner)
                for row in session.scalars(select(AeOrderRow))
            ),
            "lines": sorted(
                (
                    row.child_id,
                    row.state,
                    row.offer_id,
                    row.spec_id,
                    row.buy_quantity,
                    row.rule_id,
                    row.supplier_member_id,
                    purchase_key.get(row.purchase_id or 0),
                )
                for row in session.scalars(select(AeOrderLineRow))
            ),
            "purchases": sorted(
                (
                    row.out_order_id,
                    order_key[row.order_id],
                    row.supplier_member_id,
                    row.state,
                    repr(row.cargo),
                    row.due_at,
                    row.created_at,
                )
                for row in session.scalars(select(PurchaseOrderRow))
            ),
            "exceptions": sorted(
                (
                    exception_key[row.id],
                    row.message_zh,
                    row.message_en,
                    row.action,
                    repr(sorted(row.facts.items())),
                    row.status,
                    row.opened_at,
                )
                for row in exceptions
            ),
            "audit": Counter(
                (
                    row.entity,
                    repr(keys[row.entity][row.entity_id]),
                    row.from_state,
                    row.to_state,
                    row.at,
                    row.reason,
                    row.actor,
                )
                for row in session.scalars(select(StateChangeRow))
            ),
        }


def _ids(factory: sessionmaker[Session]) -> list[int]:
    with factory() as session:
        return list(session.scalars(select(AeOrderRow.id).order_by(AeOrderRow.id)))


def test_batch_routing_writes_what_routing_one_order_at_a_time_writes(
    database_url: str, tmp_path: object
) -> None:
    one_by_one = _world(f"sqlite:///{tmp_path}/one_by_one.sqlite3")
    errors_one: list[str] = []
    outcomes_one = Counter(
        one_order(
            one_by_one,
            order_id,
            route_order,
            _make_context,
            now=lambda: NOW,
            worker=WORKER,
            errors=errors_one,
        )
        for order_id in _ids(one_by_one)
    )
    expected = _snapshot(one_by_one)

    batched = _world(database_url)
    errors_batch: list[str] = []
    outcomes_batch = route_ready(
        batched, 1, _ids(batched), _make_context, now=lambda: NOW, worker=WORKER, errors=errors_batch
    )

    assert outcomes_batch == outcomes_one
    assert outcomes_batch == Counter(routed=5, exception=6, cancelled=1, error=1, nothing_to_do=1)
    assert len(errors_batch) == len(errors_one) == 1 and "EUR" in errors_batch[0]
    actual = _snapshot(batched)
    for table in ("orders", "lines", "purchases", "exceptions", "audit"):
        assert actual[table] == expected[table], table


def test_the_batch_hands_back_orders_with_history_cancelled_or_not_ready(sqlite_url: str) -> None:
    factory = _world(sqlite_url)
    with factory() as session:
        ids = dict(session.execute(select(AeOrderRow.ae_order_id, AeOrderRow.id)).all())
        result = route_fresh(session, list(ids.values()), _make_context(session, 1, NOW))
        session.commit()
    handed_back = {
        ae_id: result.handed_back[order_id]
        for ae_id, order_id in ids.items()
        if order_id in result.handed_back
    }
    assert handed_back.keys() == {3010, 3011, 3012, 3013}
    assert handed_back[3012] == "has history"
    assert handed_back[3013] == "not READY"
    assert handed_back[3010] == "cancelled"
    assert handed_back[3011].startswith("currency_mismatch")
    with factory() as session:
        untouched = session.scalars(
            select(AeOrderLineRow.state)
            .join(AeOrderRow, AeOrderRow.id == AeOrderLineRow.order_id)
            .where(AeOrderRow.ae_order_id.in_(handed_back))
        )
        assert set(untouched) == {"new"}  # a hand-back leaves no trace


def test_a_multi_supplier_order_gets_one_purchase_per_supplier_with_keys_from_one(sqlite_url: str) -> None:
    factory = _world(sqlite_url)
    route_ready(factory, 1, _ids(factory), _make_context, now=lambda: NOW, worker=WORKER, errors=[])
    with factory() as session:
        order = session.scalars(select(AeOrderRow).where(AeOrderRow.ae_order_id == 3002)).one()
        purchases = session.scalars(
            select(PurchaseOrderRow)
            .where(PurchaseOrderRow.order_id == order.id)
            .order_by(PurchaseOrderRow.id)
        ).all()
        assert sorted((p.out_order_id, p.supplier_member_id) for p in purchases) == [
            ("3002-1", "b2b-good-a"),
            ("3002-2", "b2b-good-b"),
        ]
        assert order.state == "buying" and order.due_at is None and order.lease_owner is None
        merged = session.scalars(
            select(PurchaseOrderRow).where(PurchaseOrderRow.out_order_id == "3003-1")
        ).one()
        # Lines 1 and 2 both buy A-1 (quantities 1 and 2): one cargo item of 3; A-2 its own item.
        assert [(item["spec_id"], item["quantity"]) for item in merged.cargo] == [("a1", 3), ("a2", 3)]
        bundle = session.scalars(
            select(PurchaseOrderRow).where(PurchaseOrderRow.out_order_id == "3004-1")
        ).one()
        assert bundle.cargo[0]["quantity"] == 2  # a 2-pack listing buys two pieces
        frozen = session.scalars(
            select(OrderExceptionRow)
            .join(AeOrderRow, AeOrderRow.id == OrderExceptionRow.order_id)
            .where(AeOrderRow.ae_order_id == 3007)
        ).all()
        assert [(row.reason_code, row.line_id) for row in frozen] == [("order_frozen", None)]


def test_an_order_leased_by_another_worker_is_left_alone(sqlite_url: str) -> None:
    factory = _world(sqlite_url)
    with factory() as session:
        order = session.scalars(select(AeOrderRow).where(AeOrderRow.ae_order_id == 3001)).one()
        order.lease_owner, order.lease_until = "other-worker", NOW + timedelta(minutes=3)
        session.commit()
        leased_id = order.id
    outcomes = route_ready(factory, 1, [leased_id], _make_context, now=lambda: NOW, worker=WORKER, errors=[])
    assert outcomes == Counter(leased_elsewhere=1)
    with factory() as session:
        order = session.get(AeOrderRow, leased_id)
        assert order is not None
        assert (order.state, order.lease_owner) == ("ready", "other-worker")


class _Unreachable1688:
    """A 1688 client whose product reads all fail (a 1688 outage): stale offers cannot be refreshed."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    def product_detail(self, offer_id: int) -> None:
        self.asked.append(offer_id)
        raise TransientError(
            "service unavailable", platform="1688", method="product.search.queryProductDetail"
        )


def test_a_stale_offer_1688_cannot_refresh_holds_back_only_the_orders_that_need_it(sqlite_url: str) -> None:
    factory = _world(sqlite_url)
    with factory() as session:
        stale = session.get(OfferSnapshotRow, GOOD_B)
        assert stale is not None
        stale.fetched_at = NOW - timedelta(hours=1)  # older than the 10-minute snapshot age
        session.commit()
    client = _Unreachable1688()

    def with_client(session: Session, store_id: int, moment: datetime) -> RoutingContext:
        ctx = _make_context(session, store_id, moment)
        snapshots = OfferSnapshots(session, client, now=moment)  # type: ignore[arg-type]
        return RoutingContext(ctx.rulebook, snapshots, ctx.policy, ctx.buy_after, moment, ctx.actor)

    errors: list[str] = []
    outcomes = route_ready(
        factory, 1, _ids(factory), with_client, now=lambda: NOW, worker=WORKER, errors=errors
    )

    assert set(client.asked) == {GOOD_B}  # the fresh offers were not read again
    assert outcomes["platform_error"] >= 1 and errors
    with factory() as session:
        states = dict(session.execute(select(AeOrderRow.ae_order_id, AeOrderRow.state)).all())
        leases = set(session.scalars(select(AeOrderRow.lease_owner)))
    assert states[3001] == "buying"  # only GOOD_A: bought as usual
    assert states[3002] == "ready"  # needs GOOD_B: waits for 1688, nothing half-written
    assert leases == {None}
