"""``kuajing worker`` processes against the sandbox, until every order is finished: the four-worker
test (tests/integration/workers/test_four_workers.py) and bench/workers.py drive it.

The sandbox runs in this process; the workers are separate processes on one PostgreSQL database,
following the sandbox's clock (KUAJING_CLOCK_URL). The simulated clock moves only when nothing is
due and no job waits or runs (``next_step``), so the run's wall time is the workers' work: the
same generated orders take the same simulated steps whatever the number of workers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.jobs_purchases import due_purchases
from kuajing.kit.remote_clock import SandboxClock
from kuajing.orders.queue import open_items
from kuajing.orders.tables import AeOrderRow
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository
from kuajing.workers.app import apply_schema, autovacuum_on
from kuajing.workers.repository import orders_due

DONE_STATES = frozenset({"fulfilled", "cancelled", "skipped"})
# A step of simulated time once the workers are idle: first past the cancellation window, then
# while suppliers dispatch (1-7 days) and the hourly logistics polls find their parcels.
STEPS_H = (0.5, 6.0, 6.0, 12.0, 12.0) + (24.0,) * 20
WORKER_ENV = {
    "KUAJING_RUN_INTERVAL_SECONDS": "1",  # the dispatch tick
    "KUAJING_ALIEXPRESS_CALLS_PER_SECOND": "100000",
    "KUAJING_1688_CALLS_PER_SECOND": "100000",
    "KUAJING_AUTO_BUY_REQUIRES_SUPER_FACTORY": "false",
    "KUAJING_ALERTS_ENABLED": "false",
}
# The jobs that move orders; the ticks, trace reads and housekeeping run whether or not work is due.
VACUUM_EVERY_S = 20.0
_ORDER_WORK = ("%.sync_store", "%.route_ready", "%.work_order", "%.work_purchase")


def prepare(base_url: str, database_url: str, orders: int) -> Settings:
    """Migrations and the job tables; the sandbox's stores, 1688 account and SKU rules; ``orders``
    paid orders generated now (the sandbox's limits off, as the workers are many)."""
    migrate.upgrade(database_url)
    apply_schema(database_url)
    settings = Settings(
        database_url=database_url,
        auto_buy_requires_super_factory=False,
        alibaba1688_calls_per_second=100_000,
        aliexpress_calls_per_second=100_000,
    )
    now = SandboxClock(base_url).now()
    factory = make_session_factory(make_engine(database_url))
    with factory() as session:
        service.connect_sandbox(session, base_url, httpx.get(f"{base_url}/sandbox/accounts").json())
        account = StoreRepository(session).buyer_accounts()[0]
        with service.alibaba_client(account, settings) as buyer:
            install_sandbox_rules(session, base_url, OfferSnapshots(session, buyer, now=now), now=now)
        session.commit()
    for platform in ("aliexpress", "1688"):
        limit = {"platform": platform, "calls_per_second": 0}
        httpx.post(f"{base_url}/sandbox/limits", params=limit).raise_for_status()
    generated = httpx.post(f"{base_url}/sandbox/orders/generate", params={"count": orders}, timeout=300)
    generated.raise_for_status()
    return settings


def start_worker(
    database_url: str, base_url: str, log_path: Path, *, extra: Sequence[str] = ()
) -> subprocess.Popen[bytes]:
    env = dict(os.environ, KUAJING_DATABASE_URL=database_url, KUAJING_CLOCK_URL=base_url, **WORKER_ENV)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "kuajing.cli", "worker", *extra], env=env, stdout=log, stderr=log
        )


@dataclass
class Progress:
    orders: int
    finished: int
    states: Counter[str]
    jobs_open: int  # order-loop jobs waiting or running
    work_due: int  # orders and purchases due now and not leased


def progress(factory: sessionmaker[Session], base_url: str) -> Progress:
    """Where the run stands; what is due is looked at only once no job is open (it costs more)."""
    with factory() as session:
        rows = list(session.execute(select(AeOrderRow.id, AeOrderRow.state)))
        queued = {item.order_id for item in open_items(session, limit=1_000_000)}
        jobs_open = int(
            session.scalar(
                text(
                    "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                    "AND task_name LIKE ANY(:order_work)"
                ),
                {"order_work": list(_ORDER_WORK)},
            )
            or 0
        )
        due = 0
        if jobs_open == 0:
            moment = SandboxClock(base_url).now()  # the clocks share one client
            due = len(due_purchases(session, moment, skip_leased=True))
            due += len(orders_due(session, moment))
    states = Counter(state for _id, state in rows)
    finished = sum(1 for order_id, state in rows if state in DONE_STATES or order_id in queued)
    return Progress(len(rows), finished, states, jobs_open, due)


class Vacuum:
    """``VACUUM ANALYZE`` every VACUUM_EVERY_S, for a PostgreSQL server whose autovacuum is off (CI's
    is): the job queue and the order tables are rewritten row by row thousands of times a minute,
    and without vacuum their dead rows make every queue fetch and order lookup slower as the run
    goes on (a 5,000-order run slowed several-fold). A production server keeps autovacuum on
    (docs/deployment-workers.md); ``kuajing worker`` warns when it is off."""

    def __init__(self, bind: Engine) -> None:
        self.bind = bind
        self.last = time.monotonic()

    def when_due(self) -> None:
        if time.monotonic() - self.last < VACUUM_EVERY_S:
            return
        with self.bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        self.last = time.monotonic()


@dataclass
class Run:
    wall_s: float
    final: Progress
    steps: list[float] = field(default_factory=list)


def drive(
    factory: sessionmaker[Session],
    base_url: str,
    expected: int,
    *,
    timeout_s: float,
    poll_s: float = 0.5,
    during: Callable[[float, Progress], None] | None = None,
) -> Run:
    """Polls until every one of ``expected`` orders is finished (fulfilled, cancelled, skipped or in
    the exception queue) or ``timeout_s`` passes; moves the simulated clock one step whenever two
    polls in a row find nothing due and no job open. ``during(elapsed_s, progress)`` is called at
    each poll (the test kills a worker from there)."""
    started = time.monotonic()
    steps: list[float] = []
    idle_polls = 0
    bind = factory.kw["bind"]
    vacuum = None if autovacuum_on(bind.url.render_as_string(hide_password=False)) else Vacuum(bind)
    while True:
        elapsed = time.monotonic() - started
        if vacuum is not None:
            vacuum.when_due()
        now = progress(factory, base_url)
        if during is not None:
            during(elapsed, now)
        if now.orders >= expected and now.finished >= now.orders:
            return Run(elapsed, now, steps)
        if elapsed > timeout_s:
            return Run(elapsed, now, steps)
        idle = now.jobs_open == 0 and now.work_due == 0 and now.orders >= expected
        idle_polls = idle_polls + 1 if idle else 0
        if idle_polls >= 2:
            hours = STEPS_H[min(len(steps), len(STEPS_H) - 1)]
            httpx.post(f"{base_url}/sandbox/clock/advance", params={"hours": hours}, timeout=300)
            steps.append(hours)
            idle_polls = 0
        time.sleep(poll_s)
