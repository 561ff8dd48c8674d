"""The whole order loop against the sandbox over HTTP: throughput and simulated-time latencies.

The sandbox (seed 1688, no rate limits) receives paid orders as Poisson arrivals over ARRIVAL_HOURS
simulated hours until ORDERS have arrived. The simulated clock moves in STEP_HOURS (15-minute)
steps while orders arrive and for SETTLE_HOURS after, then in steps of the product's logistics poll
interval (one hour: a purchase is polled once an hour whatever the step, so the tracking latency is
the same and the week of waiting for slow suppliers takes a quarter of the passes). After each step
``jobs.run_pass`` (sync → route → place → track) runs on a fresh SQLite database set up like
tests/integration/orders/test_order_loop.py, until every order is fulfilled, cancelled or skipped,
or waits in the exception queue (at most MAX_PASSES passes).

Arrivals start at 10:00 UTC on the sandbox's first day (2026-11-01), after the US Pacific
daylight-saving fall-back hour (08:00-10:00 UTC): AliExpress times carry no offset, and orders paid
inside that hour are synced late (a known issue, reported separately); it would dominate p95 here.

Latencies are in simulated minutes, read from the database afterwards:
- payment → purchase placed: ``PurchaseOrderRow.placed_at − AeOrderRow.paid_at``; bounded below by the
  10-minute cancellation window and rounded up to the next pass (STEP);
- shipment → tracking uploaded: ``PurchaseOrderRow.fulfilled_at − shipped_at`` as the product records
  them (``shipped_at`` is when the product saw the tracking number, so this is its own delay);
- dispatch → tracking uploaded: from the moment the supplier dispatched (the sandbox's truth) to the
  upload: what the buyer sees, bounded by the hourly logistics poll and the pass step.
Wall-clock figures cover the whole loop (sandbox simulation included) and run_pass alone.
Prints JSON. Run: .venv/bin/python bench/loop.py [ORDERS]
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.fulfilment.service import POLL_EVERY
from kuajing.jobs import run_pass
from kuajing.orders.queue import open_items
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository

ORDERS = 200  # 300 takes ~3.3 min of wall time on a 2-core machine: the passes, not the sandbox
ARRIVAL_HOURS = 12.0
START_AFTER_HOURS = 10.0  # past the DST fall-back hour of the sandbox's first day (see above)
STEP_HOURS = 0.25  # 15 simulated minutes between passes while orders arrive and are bought
SETTLE_HOURS = 3.0  # then this long at STEP_HOURS so the last arrivals are bought ...
TAIL_STEP_HOURS = POLL_EVERY.total_seconds() / 3600  # ... then one pass per logistics poll
MAX_PASSES = 600  # about 23 simulated days: past the slowest supplier (7 days) with room to spare
DONE_STATES = frozenset({"fulfilled", "cancelled", "skipped"})

warnings.filterwarnings("ignore", category=SAWarning, message=".*Decimal objects natively.*")


def _setup(sandbox: SandboxServer, database_url: str) -> Settings:
    migrate.upgrade(database_url)
    settings = Settings(
        database_url=database_url,
        auto_buy_requires_super_factory=False,
        alibaba1688_calls_per_second=1000,
        aliexpress_calls_per_second=1000,
    )
    factory = make_session_factory(make_engine(database_url))
    with factory() as session:
        accounts = httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        service.connect_sandbox(session, sandbox.base_url, accounts)
        account = StoreRepository(session).buyer_accounts()[0]
        with service.alibaba_client(account, settings) as buyer:
            catalog = OfferSnapshots(session, buyer, now=sandbox.world.now())
            install_sandbox_rules(session, sandbox.base_url, catalog, now=sandbox.world.now())
        session.commit()
    return settings


def _all_settled(factory: sessionmaker[Session], expected: int) -> bool:
    """Every order the sandbox created is known here and fulfilled, cancelled, skipped or queued."""
    with factory() as session:
        states = list(session.execute(select(AeOrderRow.id, AeOrderRow.state)))
        if len(states) < expected:
            return False
        queued = {item.order_id for item in open_items(session, limit=1_000_000)}
    return all(state in DONE_STATES or order_id in queued for order_id, state in states)


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


def _percentiles(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    ordered = sorted(values)
    p95 = ordered[0] if len(ordered) == 1 else statistics.quantiles(ordered, n=20, method="inclusive")[18]
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "max": round(ordered[-1], 1),
    }


def _latencies(factory: sessionmaker[Session], sandbox: SandboxServer) -> dict[str, list[float]]:
    sandbox_purchases = sandbox.world.buyer.purchases
    to_purchase, to_upload, dispatch_to_upload = [], [], []
    with factory() as session:
        rows = session.execute(
            select(PurchaseOrderRow, AeOrderRow.paid_at).join(
                AeOrderRow, AeOrderRow.id == PurchaseOrderRow.order_id
            )
        )
        for purchase, paid_at in rows:
            if purchase.placed_at is not None and paid_at is not None:
                to_purchase.append(_minutes(purchase.placed_at, paid_at))
            if purchase.fulfilled_at is None:
                continue
            if purchase.shipped_at is not None:
                to_upload.append(_minutes(purchase.fulfilled_at, purchase.shipped_at))
            truth = sandbox_purchases.get(int(purchase.alibaba_order_id or 0))
            if truth is not None and truth.shipment is not None:
                dispatch_to_upload.append(_minutes(purchase.fulfilled_at, truth.shipment.dispatched_at))
    return {"payment": to_purchase, "upload": to_upload, "dispatch": dispatch_to_upload}


def main() -> None:
    target = int(sys.argv[1]) if len(sys.argv) > 1 else ORDERS
    with (
        SandboxServer(seed=1688) as sandbox,
        tempfile.TemporaryDirectory(prefix="kuajing-bench-loop-") as tmp,
    ):
        world = sandbox.world
        world.limits["aliexpress"].calls = 0
        world.limits["1688"].calls = 0
        database_url = f"sqlite:///{Path(tmp) / 'loop.sqlite3'}"
        settings = _setup(sandbox, database_url)
        factory = make_session_factory(make_engine(database_url))
        world.advance(START_AFTER_HOURS)
        run_pass(factory, settings, now=world.now, worker="bench")  # nothing yet: sets the sync watermark
        world.storefront.set_order_rate(target / ARRIVAL_HOURS)

        passes, pass_s, errors, simulated_h = 0, 0.0, 0, 0.0
        arrivals_done_at: float | None = None
        start = time.perf_counter()
        while passes < MAX_PASSES:
            settling = arrivals_done_at is None or simulated_h < arrivals_done_at + SETTLE_HOURS
            step = STEP_HOURS if settling else TAIL_STEP_HOURS
            world.advance(step)
            simulated_h += step
            arrived = len(world.storefront.orders)
            if arrived >= target and arrivals_done_at is None:
                world.storefront.set_order_rate(0)
                arrivals_done_at = simulated_h
            pass_start = time.perf_counter()
            summary = run_pass(factory, settings, now=world.now, worker="bench")
            pass_s += time.perf_counter() - pass_start
            passes += 1
            errors += len(summary.errors)
            if arrivals_done_at is not None and _all_settled(factory, arrived):
                break
        wall_s = time.perf_counter() - start

        truth = world.state()
        latencies = _latencies(factory, sandbox)
        with factory() as session:
            states = Counter(session.scalars(select(AeOrderRow.state)))
            # The queue's orders, apart from those already counted as fulfilled, cancelled or skipped.
            queued = {item.order_id for item in open_items(session, limit=1_000_000)} - set(
                session.scalars(select(AeOrderRow.id).where(AeOrderRow.state.in_(DONE_STATES)))
            )
        orders = sum(states.values())
    result = {
        "bench": "loop",
        "orders": orders,
        "passes": passes,
        "settled": passes < MAX_PASSES,
        "simulated_hours": round(simulated_h, 2),
        "step_min": STEP_HOURS * 60,
        "tail_step_min": TAIL_STEP_HOURS * 60,
        "wall_s": round(wall_s, 2),
        "run_pass_s": round(pass_s, 2),
        "orders_per_wall_s": round(orders / wall_s, 2),
        "passes_per_s": round(passes / pass_s, 2),
        "payment_to_purchase_min": _percentiles(latencies["payment"]),
        "shipment_to_upload_min": _percentiles(latencies["upload"]),
        "dispatch_to_upload_min": _percentiles(latencies["dispatch"]),
        "fulfilled": states["fulfilled"],
        "in_queue": len(queued),
        "cancelled": states["cancelled"],
        "skipped": states["skipped"],
        "other": orders - states["fulfilled"] - states["cancelled"] - states["skipped"] - len(queued),
        "pass_errors": errors,
        "states": dict(sorted(states.items())),
        "purchases": truth["purchases"],
        "duplicate_purchases": sum(1 for n in truth["purchases_per_out_order_id"].values() if n > 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
