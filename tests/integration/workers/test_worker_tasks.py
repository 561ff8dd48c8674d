"""The order loop's jobs on procrastinate, run in this process against PostgreSQL and the sandbox:
the dispatch fans out one job per due step with the order's lock, a step is never queued twice, a
purchase deferred twice is bought once, and a dead worker's running job is queued again and done.
The SQLite refusal and the URL conversion need no database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select, text

from kuajing.db.engine import make_engine, make_session_factory
from kuajing.fulfilment.carriers import load_carrier_map
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sandbox.server import SandboxServer
from kuajing.workers import tasks
from kuajing.workers.app import (
    app,
    apply_schema,
    autovacuum_on,
    connected,
    conninfo,
    on_database,
    schema_applied,
)
from kuajing.workers.runtime import Runtime, set_runtime
from kuajing.workers.sandbox_run import prepare

ORDERS = 12


def test_worker_on_sqlite_refuses_and_points_to_kuajing_run(tmp_path: object) -> None:
    env = dict(os.environ, KUAJING_DATABASE_URL=f"sqlite:///{tmp_path}/k.sqlite3")
    done = subprocess.run(
        [sys.executable, "-m", "kuajing.cli", "worker"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "worker_needs_postgresql" in done.stderr
    assert "kuajing run" in done.stderr and "PostgreSQL" in done.stderr and "请使用" in done.stderr


def test_sqlalchemy_url_becomes_a_libpq_conninfo() -> None:
    info = conninfo("postgresql+psycopg://kj:s%40cret@db.example:5433/shop?sslmode=require")
    parts = dict(part.split("=", 1) for part in info.split())
    assert parts == {
        "host": "db.example",
        "port": "5433",
        "dbname": "shop",
        "user": "kj",
        "password": "s@cret",
        "sslmode": "require",
    }


def test_the_tick_follows_kuajing_run_interval_seconds() -> None:
    assert tasks.tick_cron(1) == "* * * * * */1"  # a sixth column: every second
    assert tasks.tick_cron(15) == "* * * * * */15"
    assert tasks.tick_cron(60) == "*/1 * * * *"
    assert tasks.tick_cron(300) == "*/5 * * * *"


@pytest.fixture
def world(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SandboxServer, str]]:
    """The sandbox with ORDERS paid orders, the database migrated with the job tables, and this
    process's worker runtime on them. Jobs run here when the test says (``_round``): the workers
    started here defer no periodic tick of their own."""
    monkeypatch.setattr(app.periodic_registry, "periodic_tasks", {})
    with SandboxServer(seed=1688) as sandbox:
        settings = prepare(sandbox.base_url, postgres_url, ORDERS)
        factory = make_session_factory(make_engine(postgres_url))
        set_runtime(
            Runtime(
                settings=settings.model_copy(update={"run_interval_seconds": 60.0}),
                factory=factory,
                now=sandbox.world.now,
                worker="test-worker",
                carrier_map=load_carrier_map(),
            )
        )
        try:
            yield sandbox, postgres_url
        finally:
            set_runtime(None)


def _round(url: str) -> None:
    """One tick: defer the dispatch, then run every job it leads to until the queue is empty."""
    with connected(url) as bound:
        bound.configure_task(tasks.dispatch.name).defer(timestamp=0)
    _run_jobs(url, concurrency=2)


def _run_jobs(url: str, concurrency: int = 1) -> None:
    """Workers in this process run the waiting jobs, and the jobs those defer, then stop (a worker
    with wait=False stops at the first empty fetch, maybe while a job it runs defers more)."""
    for _ in range(20):
        with on_database(url) as bound:
            bound.run_worker(
                wait=False,
                concurrency=concurrency,
                install_signal_handlers=False,
                delete_jobs="never",
                listen_notify=False,
            )
        with connected(url) as bound:
            if not bound.job_manager.list_jobs(status="todo"):
                return
    raise AssertionError("jobs still waiting after 20 runs")


def _jobs(url: str, task: str) -> list[dict[str, object]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, status, lock, queueing_lock, args, attempts FROM procrastinate_jobs "
                "WHERE task_name = :task ORDER BY id"
            ),
            {"task": task},
        )
        found = [dict(row._mapping) for row in rows]
    engine.dispose()
    return found


@pytest.mark.postgres
def test_apply_schema_creates_the_job_tables_once(postgres_url: str) -> None:
    assert not schema_applied(postgres_url)
    assert apply_schema(postgres_url) is True
    assert schema_applied(postgres_url)
    assert apply_schema(postgres_url) is False  # a second machine starting finds them there


@pytest.mark.postgres
def test_worker_warns_at_start_when_the_servers_autovacuum_is_off(postgres_url: str) -> None:
    apply_schema(postgres_url)
    env = dict(os.environ, KUAJING_DATABASE_URL=postgres_url)
    done = subprocess.run(
        [sys.executable, "-m", "kuajing.cli", "worker", "--once", "--queues", "sync"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    warned = "autovacuum is off" in done.stderr and "autovacuum 已关闭" in done.stderr
    assert warned is not autovacuum_on(postgres_url)


@pytest.mark.postgres
def test_dispatch_fans_out_one_job_per_purchase_locked_on_its_aliexpress_order(
    world: tuple[SandboxServer, str],
) -> None:
    sandbox, url = world
    _round(url)  # the stores are synced; the orders wait out their cancellation window
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        assert len(list(session.scalars(select(AeOrderRow)))) == ORDERS
    sandbox.world.advance(0.5)
    for _ in range(3):  # re-read → route → place, one tick each
        _round(url)

    truth = sandbox.world.state()
    assert truth["purchases"] > 0
    assert set(truth["purchases_per_out_order_id"].values()) == {1}
    with factory() as session:
        ae_ids = {o: ae for o, ae in session.execute(select(AeOrderRow.id, AeOrderRow.ae_order_id))}
        placed = list(
            session.scalars(select(PurchaseOrderRow).where(PurchaseOrderRow.alibaba_order_id.is_not(None)))
        )
    assert len(placed) == truth["purchases"]
    jobs = _jobs(url, tasks.work_purchase.name)
    assert {job["args"]["purchase_id"] for job in jobs} >= {p.id for p in placed}  # type: ignore[index]
    for job in jobs:
        args = job["args"]
        assert isinstance(args, dict)
        assert job["lock"] == f"order:{ae_ids[args['order_id']]}"
        assert job["queueing_lock"] == f"purchase:{args['purchase_id']}"
        assert job["status"] == "succeeded"
    assert [job for job in _jobs(url, tasks.work_order.name) if job["status"] != "succeeded"] == []


@pytest.mark.postgres
def test_a_step_already_waiting_is_not_queued_again(world: tuple[SandboxServer, str]) -> None:
    _sandbox, url = world
    job = tasks._job(tasks.sync_store, {"store_id": 1}, "sync:1")
    other = tasks._job(tasks.sync_store, {"store_id": 2}, "sync:2")
    with connected(url) as bound:
        assert tasks.defer_new(bound.job_manager, [job]) == 1
        assert tasks.defer_new(bound.job_manager, [job, other]) == 1
    assert [j["queueing_lock"] for j in _jobs(url, tasks.sync_store.name)] == ["sync:1", "sync:2"]


@pytest.mark.postgres
def test_a_purchase_deferred_twice_is_bought_once(world: tuple[SandboxServer, str]) -> None:
    sandbox, url = world
    _round(url)
    sandbox.world.advance(0.5)
    _round(url)  # re-read
    with connected(url) as bound:  # route only: the purchases are planned, none is placed yet
        bound.configure_task(tasks.route_ready.name).defer()
    _run_jobs(url)
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        planned = [(p, o) for p, o in session.execute(select(PurchaseOrderRow.id, PurchaseOrderRow.order_id))]
    assert planned and sandbox.world.state()["purchases"] == 0
    # Two dispatchers racing (different queueing locks, no order lock): both jobs run, at once.
    twice = [
        tasks._job(tasks.work_purchase, {"purchase_id": p, "order_id": o}, f"{copy}:{p}")
        for p, o in planned
        for copy in ("a", "b")
    ]
    with connected(url) as bound:
        assert tasks.defer_new(bound.job_manager, twice) == len(twice)
    _run_jobs(url, concurrency=4)
    truth = sandbox.world.state()
    assert truth["purchases"] > 0
    assert set(truth["purchases_per_out_order_id"].values()) == {1}
    with factory() as session:
        placed = session.scalars(select(PurchaseOrderRow.alibaba_order_id)).all()
    assert len({p for p in placed if p}) == truth["purchases"]
    assert {j["status"] for j in _jobs(url, tasks.work_purchase.name)} == {"succeeded"}


@pytest.mark.postgres
def test_a_dead_workers_running_job_is_queued_again_and_done(world: tuple[SandboxServer, str]) -> None:
    sandbox, url = world
    _round(url)
    sandbox.world.advance(0.5)
    _round(url)
    _round(url)  # routed: planned purchases wait for the next tick
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        purchase_id, order_id = session.execute(
            select(PurchaseOrderRow.id, PurchaseOrderRow.order_id).order_by(PurchaseOrderRow.id).limit(1)
        ).one()
    job = tasks._job(tasks.work_purchase, {"purchase_id": purchase_id, "order_id": order_id}, "x")
    with connected(url) as bound:
        job_id = bound.job_manager.defer_job(job).id
    engine = make_engine(url)
    with engine.begin() as conn:  # a worker took the job, then went silent an hour ago (killed)
        dead = conn.execute(
            text(
                "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '1 hour') "
                "RETURNING id"
            )
        ).scalar_one()
        conn.execute(
            text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w WHERE id = :j"),
            {"w": dead, "j": job_id},
        )
    engine.dispose()
    _run_jobs(url)  # a live worker runs nothing: the job is 'doing'
    assert [j["status"] for j in _jobs(url, tasks.work_purchase.name) if j["id"] == job_id] == ["doing"]

    with connected(url) as bound:
        bound.configure_task(tasks.retry_stalled.name).defer(timestamp=0)
    _run_jobs(url)
    (retried,) = [j for j in _jobs(url, tasks.work_purchase.name) if j["id"] == job_id]
    assert retried["status"] == "succeeded" and int(retried["attempts"]) >= 1  # type: ignore[call-overload]
    with factory() as session:
        purchase = session.get(PurchaseOrderRow, purchase_id)
        assert purchase is not None and purchase.alibaba_order_id is not None
    assert httpx.get(f"{sandbox.base_url}/sandbox/state").json()["purchases"] == 1
