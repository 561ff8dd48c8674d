"""How fast the product routes stored orders, against the floor of simply inserting the purchases.

A fresh SQLite database gets one store, 500 offer snapshots, 2,000 SKU mapping rules (exact, prefix
and regex) and ORDERS orders in state READY, one line each (a few per cent unmapped or from
suppliers the default policy does not buy from: those take the exception path). The timed part
runs the job's own ``jobs.route_ready`` on every order — lease claim, rule book look-up, offer
snapshots from the database (no 1688 client), ``routing.decide``, ``plan_purchases``, purchase
rows, exception rows, line and order updates, audit rows, lease release — one commit per batch.
The floor, in the same run, is one bulk INSERT of ORDERS purchase rows (executemany, one
transaction) into a second fresh database that holds the same orders (the foreign key is checked
in both); a third database gets the same INSERT through the bare table, without the ORM (the
stricter floor). Prints JSON: orders/s, both floors' rows/s and the ratios.
Run: .venv/bin/python bench/route.py [ORDERS [ROUTE_BUDGET_S]]
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
import warnings
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.jobs import ROUTE_BATCH, route_ready, routing_policy
from kuajing.logistics.service import catalog_for
from kuajing.orders.routing_service import RoutingContext
from kuajing.orders.rules_store import load_rulebook
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow, SkuMappingRuleRow, StateChangeRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.sourcing.tables import OfferSnapshotRow
from kuajing.stores.tables import AliExpressStore

ORDERS = 100_000
OFFERS = 500
SPECS_PER_OFFER = 4
CHUNK = 10_000  # orders handed to route_ready at a time (it commits every ROUTE_BATCH)
# Routing stops after the chunk that crosses this budget; "orders" in the JSON says how many were routed.
ROUTE_BUDGET_S = 120.0
SEED = 1688
FIRST_OFFER_ID = 600_000_000_000
FIRST_AE_ORDER_ID = 8_100_000_000_000
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
USD_CNY = Decimal("7.10")
VARIANT_LETTERS = "ABCD"

# SQLite stores NUMERIC as text and says so once per statement shape; the product sees the same.
warnings.filterwarnings("ignore", category=SAWarning, message=".*Decimal objects natively.*")


# --- the stored world ------------------------------------------------------------------------------


def _spec_id(offer_index: int, variant: int) -> str:
    return f"{5_000_000 + offer_index * 10 + variant}"


def _consign_price(offer_index: int) -> Decimal:
    """One dropship price per offer (all its specs), so a prefix rule's unit cost fits each variant."""
    return Decimal(8 + offer_index * 7 % 40) + Decimal("0.50")


def _offer_rows() -> list[dict[str, Any]]:
    rows = []
    for i in range(OFFERS):
        specs = {
            _spec_id(i, v): {
                "price": str(_consign_price(i) - 1),
                "consign_price": str(_consign_price(i)),
                "stock": 100_000,
                "attributes": f"颜色:{VARIANT_LETTERS[v]}",
            }
            for v in range(SPECS_PER_OFFER)
        }
        rows.append(
            {
                "offer_id": FIRST_OFFER_ID + i,
                "subject": f"bench offer {i}",
                "status": "published",
                "supplier_member_id": f"b2b-bench{i % 150:03d}",
                "supplier_name": f"bench supplier {i % 150}",
                "trust_pass": True,
                # One offer in 25 is from a supplier the default policy does not auto-buy from.
                "super_factory": i % 25 != 24,
                "dropship": True,
                "specs": specs,
                "fetched_at": NOW,
            }
        )
    return rows


def _rule_rows(store_id: int) -> list[dict[str, Any]]:
    """Four rules per offer, 2,000 in all: a prefix rule with a variant map, a regex rule, an
    exact bundle rule (×2) and a store-specific exact rule ahead of the prefix rule."""
    rows: list[dict[str, Any]] = []

    def rule(kind: str, pattern: str, i: int, **extra: Any) -> None:
        base: dict[str, Any] = {
            "id": len(rows) + 1,
            "store_id": store_id,
            "kind": kind,
            "pattern": pattern,
            "offer_id": FIRST_OFFER_ID + i,
            "spec_id": None,
            "variant_map": {},
            "quantity_multiplier": 1,
            "priority": 100,
            "unit_cost": None,
            "enabled": True,
            "note": "",
            "created_at": NOW,
            "updated_at": NOW,
        }
        base.update(extra)
        rows.append(base)

    for i in range(OFFERS):
        variants = {str(v + 1): _spec_id(i, v) for v in range(SPECS_PER_OFFER)}
        letters = {VARIANT_LETTERS[v]: _spec_id(i, v) for v in range(SPECS_PER_OFFER)}
        rule("prefix", f"AE-{FIRST_OFFER_ID + i}-", i, variant_map=variants, unit_cost=_consign_price(i))
        rule("regex", rf"RX{i:04d}-([A-D])-(?:S|M|L)", i, variant_map=letters)
        rule("exact", f"PK{i:04d}-2P", i, spec_id=_spec_id(i, 1), quantity_multiplier=2, priority=50)
        rule("exact", f"AE-{FIRST_OFFER_ID + i}-1X", i, spec_id=_spec_id(i, 0), priority=50)
    return rows


def _sku_code(rng: random.Random) -> tuple[str, int, int]:
    """(sku_code, offer index, pieces per unit); about 3 % of codes no rule maps."""
    i = rng.randrange(OFFERS)
    draw = rng.random()
    if draw < 0.03:
        return (f"AE-{FIRST_OFFER_ID + i}-9" if draw < 0.015 else f"ZZ-{i}-UNLISTED"), i, 1
    if draw < 0.45:
        return f"AE-{FIRST_OFFER_ID + i}-{rng.randint(1, SPECS_PER_OFFER)}", i, 1
    if draw < 0.75:
        return f"RX{i:04d}-{rng.choice(VARIANT_LETTERS)}-{rng.choice('SML')}", i, 1
    if draw < 0.90:
        return f"PK{i:04d}-2P", i, 2
    return f"AE-{FIRST_OFFER_ID + i}-1X", i, 1


def _order_and_line_rows(store_id: int, count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(SEED)
    orders, lines = [], []
    for n in range(1, count + 1):
        code, offer_index, pieces = _sku_code(rng)
        quantity = rng.randint(1, 3)
        # Sold at about twice the 1688 cost: comfortably above the margin floor.
        cost = _consign_price(offer_index) * pieces
        unit_price = (cost * 2 / USD_CNY).quantize(Decimal("0.01"))
        paid = NOW - timedelta(minutes=30 + n % 600)
        orders.append(
            {
                "id": n,
                "store_id": store_id,
                "ae_order_id": FIRST_AE_ORDER_ID + n,
                "ae_status": "WAIT_SELLER_SEND_GOODS",
                "state": "ready",
                "buyer_login_id": f"us{n}buyer",
                "country": "US",
                "contact": f"Buyer {n}",
                "phone": f"+1 555 {n % 10_000:04d}",
                "province": "California",
                "city": "Los Angeles",
                "district": None,
                "street": "Main St",
                "address_line": f"{n} Main St, Apt {n % 50}",
                "zip": f"{90000 + n % 1000}",
                "pay_amount": unit_price * quantity,
                "currency": "USD",
                "created_at": paid - timedelta(minutes=1),
                "paid_at": paid,
                "ae_updated_at": paid,
                "ship_by": paid + timedelta(days=7),
                "due_at": paid + timedelta(minutes=10),
                "detail_synced": True,
                "lease_owner": None,
                "lease_until": None,
                "synced_at": paid + timedelta(minutes=5),
            }
        )
        lines.append(
            {
                "id": n,
                "order_id": n,
                "child_id": FIRST_AE_ORDER_ID + 50_000_000 + n,
                "product_id": 1_005_000_000_000 + offer_index,
                "product_name": f"bench product {offer_index}",
                "sku_code": code,
                "quantity": quantity,
                "unit_price": unit_price,
                "currency": "USD",
                "buyer_logistics_service": "CAINIAO_STANDARD",
                "state": "new",
                "offer_id": None,
                "spec_id": None,
                "buy_quantity": None,
                "supplier_member_id": None,
                "rule_id": None,
                "purchase_id": None,
            }
        )
    return orders, lines


def _store_row() -> dict[str, Any]:
    return {
        "id": 1,
        "name": "bench store",
        "seller_id": "2000000001",
        "base_url": "http://127.0.0.1:9/aliexpress",
        "app_key": "bench",
        "app_secret": "bench",
        "access_token": "bench",
        "refresh_token": "",
        "access_token_expires_at": None,
        "refresh_token_expires_at": None,
        "buyer_account_id": None,
        "last_synced_at": None,
        "created_at": NOW,
    }


def _fresh_db(path: Path, count: int, *, with_catalog: bool) -> sessionmaker[Session]:
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    factory = make_session_factory(make_engine(url))
    orders, lines = _order_and_line_rows(1, count)
    with factory() as session:
        session.execute(insert(AliExpressStore), [_store_row()])
        if with_catalog:
            session.execute(insert(OfferSnapshotRow), _offer_rows())
            session.execute(insert(SkuMappingRuleRow), _rule_rows(1))
        session.execute(insert(AeOrderRow), orders)
        session.execute(insert(AeOrderLineRow), lines)
        session.commit()
    return factory


# --- the timed parts -------------------------------------------------------------------------------


def route_all(
    factory: sessionmaker[Session], count: int, budget_s: float = float("inf")
) -> tuple[int, float, Counter[str]]:
    """READY orders through the job's ``route_ready`` (claim, set-based routing, release; one commit
    per ROUTE_BATCH), CHUNK orders a call, until every order is routed or ``budget_s`` has passed."""
    settings = Settings()
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    start = time.perf_counter()
    with factory() as session:
        rulebook = load_rulebook(session)

    def make_context(session: Session, store_id: int, moment: datetime) -> RoutingContext:
        return RoutingContext(
            rulebook=rulebook,
            snapshots=OfferSnapshots(session, None, now=moment),  # no 1688 client: the stored snapshots
            policy=routing_policy(settings, moment, catalog_for(session, settings)),
            buy_after=timedelta(minutes=settings.buy_after_minutes),
            now=moment,
            actor="bench:route",
        )

    routed = 0
    for first in range(1, count + 1, CHUNK):
        if time.perf_counter() - start > budget_s:
            break
        ids = list(range(first, min(first + CHUNK, count + 1)))
        outcomes.update(
            route_ready(factory, 1, ids, make_context, now=lambda: NOW, worker="bench", errors=errors)
        )
        routed += len(ids)
    if errors:
        raise SystemExit(f"routing errors: {errors[:5]}")
    return routed, time.perf_counter() - start, outcomes


def _purchase_rows(count: int) -> list[dict[str, Any]]:
    """What routing writes per order: one planned purchase with one cargo item."""
    return [
        {
            "order_id": n,
            "out_order_id": f"{FIRST_AE_ORDER_ID + n}-1",
            "supplier_member_id": f"b2b-bench{n % 150:03d}",
            "state": "planned",
            "cargo": [
                {
                    "offer_id": str(FIRST_OFFER_ID + n % OFFERS),
                    "spec_id": _spec_id(n % OFFERS, 0),
                    "quantity": 1 + n % 3,
                    "line_ids": [str(n)],
                }
            ],
            "alibaba_order_id": None,
            "total_amount": None,
            "post_fee": None,
            "currency": "CNY",
            "attempts": 0,
            "last_error": None,
            "placed_at": None,
            "tracking_no": None,
            "carrier_name": None,
            "ae_service_name": None,
            "shipped_at": None,
            "fulfilled_at": None,
            "send_type": None,
            "due_at": NOW,
            "lease_owner": None,
            "lease_until": None,
            "created_at": NOW,
        }
        for n in range(1, count + 1)
    ]


def bulk_floor(factory: sessionmaker[Session], count: int, *, core: bool = False) -> float:
    """One executemany INSERT of ``count`` purchase rows and a commit: through the ORM entity (the
    floor as the issue set it), or ``core`` through the bare table, as the batch router writes."""
    rows = _purchase_rows(count)
    target = PurchaseOrderRow.__table__ if core else PurchaseOrderRow
    start = time.perf_counter()
    with factory() as session:
        session.execute(insert(target), rows)  # type: ignore[arg-type]
        session.commit()
    return time.perf_counter() - start


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else ORDERS
    budget_s = float(sys.argv[2]) if len(sys.argv) > 2 else ROUTE_BUDGET_S
    with tempfile.TemporaryDirectory(prefix="kuajing-bench-route-") as tmp:
        build_start = time.perf_counter()
        routed_db = _fresh_db(Path(tmp) / "route.sqlite3", count, with_catalog=True)
        floor_db = _fresh_db(Path(tmp) / "floor.sqlite3", count, with_catalog=False)
        core_floor_db = _fresh_db(Path(tmp) / "core-floor.sqlite3", count, with_catalog=False)
        build_s = time.perf_counter() - build_start

        routed, route_s, outcomes = route_all(routed_db, count, budget_s)
        floor_s = bulk_floor(floor_db, count)
        core_floor_s = bulk_floor(core_floor_db, count, core=True)

        with routed_db() as session:
            purchases = session.scalar(select(func.count()).select_from(PurchaseOrderRow)) or 0
            audit_rows = session.scalar(select(func.count()).select_from(StateChangeRow)) or 0
            states = Counter(session.scalars(select(AeOrderRow.state)))
    orders_per_s = routed / route_s
    floor_per_s = count / floor_s
    result = {
        "bench": "route",
        "orders": routed,
        "orders_stored": count,
        "orders_per_s": round(orders_per_s, 1),
        "floor_rows_per_s": round(floor_per_s, 1),
        "ratio_to_floor": round(orders_per_s / floor_per_s, 4),
        # The stricter floor: the same INSERT without the ORM layer (how routing itself writes).
        "core_floor_rows_per_s": round(count / core_floor_s, 1),
        "ratio_to_core_floor": round(orders_per_s / (count / core_floor_s), 4),
        "exceptions": states["exception"],
        "purchases": purchases,
        "seconds": round(route_s, 2),
        "floor_seconds": round(floor_s, 3),
        "build_seconds": round(build_s, 2),
        "outcomes": dict(outcomes),
        "audit_rows": audit_rows,
        "batch": ROUTE_BATCH,
        "route_budget_s": budget_s,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
