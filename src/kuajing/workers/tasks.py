"""The order loop as procrastinate jobs: the stages of ``jobs.run_pass``, one job per store, order or
purchase, so any number of ``kuajing worker`` processes share the work.

Every tick (KUAJING_RUN_INTERVAL_SECONDS) one worker runs ``dispatch``, which defers what is due:
a ``sync_store`` per store not synced for a tick (on the product's clock), ``route_ready`` when
READY orders wait, a ``work_order`` per NEW or EXCEPTION order, a ``work_purchase`` per purchase,
and ``read_traces``. Per-order jobs carry ``lock = "order:<AliExpress order id>"`` (one order's
jobs run one at a time, on one worker) and a ``queueing_lock`` (a step already waiting is not
queued twice). Inside, the same functions as ``run_pass`` run under the order's lease: a job that
runs twice, or again after a killed worker's job was retried, finds its step done and does
nothing. ``retry_stalled`` queues again the running jobs of a worker whose heartbeat stopped.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from procrastinate import JobContext
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager
from procrastinate.tasks import Task

from kuajing.aftersales.intake import intake_all_stores
from kuajing.config import get_settings
from kuajing.jobs import PassSummary, orders_to_route, read_due_traces, sync_one_store
from kuajing.jobs import route_ready as route_store_ready
from kuajing.jobs import work_order as work_one_order
from kuajing.jobs_purchases import due_purchases
from kuajing.jobs_purchases import work_purchase as work_one_purchase
from kuajing.notify.run import run_alert_pass
from kuajing.purchasing.model import OrderState
from kuajing.workers.app import app
from kuajing.workers.repository import ae_order_ids, orders_due, stores_due_for_sync
from kuajing.workers.runtime import runtime

log = logging.getLogger(__name__)
QUEUES = ("sync", "orders", "purchases", "tracking", "housekeeping")
HEARTBEAT_S = 5.0  # a worker's heartbeat; ...
STALLED_AFTER_S = 30.0  # ... silent this long, its running jobs go back to the queue
DEFER_BATCH = 1_000


def tick_cron(seconds: float) -> str:
    """KUAJING_RUN_INTERVAL_SECONDS as a cron line (a sixth column counts seconds)."""
    if seconds < 60:
        return f"* * * * * */{max(1, round(seconds))}"
    return f"*/{max(1, min(59, round(seconds / 60)))} * * * *"


TICK = tick_cron(get_settings().run_interval_seconds)


def _report(what: str, summary: PassSummary) -> None:
    for error in summary.errors:
        log.warning("%s: %s", what, error)


# -- the stages, one job each -----------------------------------------------------------------------


@app.task(queue="sync")
def sync_store(store_id: int) -> None:
    """One store's new, changed and cancelled orders (queueing lock "sync:<store id>")."""
    rt = runtime()
    errors: list[str] = []
    result, carriers = sync_one_store(
        rt.factory, rt.settings, rt.pool, store_id, now=rt.now, worker=rt.worker, errors=errors
    )
    if carriers is not None:
        rt.remember_approved(store_id, carriers)
    log.info("sync %s: seen %d, new %d", result.store_name, result.seen, result.created)
    for error in errors:
        log.warning("sync store %s: %s", store_id, error)


@app.task(queue="orders", queueing_lock="route_ready")
def route_ready() -> None:
    """Every store's READY orders, routed in batches under their leases (``jobs.route_ready``)."""
    rt = runtime()
    ready: dict[int, list[int]] = {}
    for order_id, state, store_id in orders_to_route(rt.factory, rt.now()):
        if state == OrderState.READY:
            ready.setdefault(store_id, []).append(order_id)
    if not ready:
        return
    summary = PassSummary(started_at=rt.now())
    make_context = rt.routing()
    for store_id, order_ids in ready.items():
        summary.orders.update(
            route_store_ready(
                rt.factory, store_id, order_ids, make_context, now=rt.now, worker=rt.worker,
                errors=summary.errors,
            )
        )  # fmt: skip
    log.info("route_ready: %s", dict(summary.orders))
    _report("route_ready", summary)


@app.task(queue="orders")
def work_order(order_id: int, state: str) -> None:
    """A NEW order re-read after its cancellation window (READY orders are then routed by the next
    ``route_ready``), an EXCEPTION order routed again."""
    rt = runtime()
    errors: list[str] = []
    outcome = work_one_order(
        rt.factory, rt.pool, order_id, OrderState(state), rt.routing(), now=rt.now, worker=rt.worker,
        errors=errors,
    )  # fmt: skip
    log.debug("order %s: %s", order_id, outcome)
    for error in errors:
        log.warning("order %s: %s", order_id, error)


@app.task(queue="purchases")
def work_purchase(purchase_id: int, order_id: int) -> None:
    """One step of one purchase: place it on 1688, follow it, upload its tracking."""
    rt = runtime()
    summary = PassSummary(started_at=rt.now())
    outcome = work_one_purchase(
        rt.factory, rt.pool, purchase_id, order_id, now=rt.now, worker=rt.worker, summary=summary,
        approved=rt.approved, carrier_map=rt.carrier_map,
    )  # fmt: skip
    log.debug("purchase %s: %s %s %s", purchase_id, outcome, dict(summary.purchases), dict(summary.tracking))
    _report(f"purchase {purchase_id}", summary)


@app.task(queue="tracking", queueing_lock="read_traces")
def read_traces() -> None:
    """The 1688 trace of every shipped parcel that is due (``jobs.read_due_traces``)."""
    rt = runtime()
    summary = PassSummary(started_at=rt.now())
    read_due_traces(rt.factory, rt.pool, rt.now, summary)
    _report("read_traces", summary)


@app.periodic(cron="*/5 * * * *")
@app.task(queue="housekeeping", queueing_lock="alert_pass")
def alert_pass(timestamp: int) -> None:
    """The alert rules and their robots (``notify.run.run_alert_pass``; logs errors, never raises)."""
    rt = runtime()
    run_alert_pass(rt.factory, rt.settings, rt.now())


@app.periodic(cron="*/15 * * * *")
@app.task(queue="housekeeping", queueing_lock="intake_disputes")
def intake_disputes(timestamp: int) -> None:
    """AliExpress disputes into after-sales cases (each store's issue list, then IN_ISSUE orders)."""
    rt = runtime()
    with rt.factory() as session:
        report = intake_all_stores(session, rt.settings, who=f"job:intake@{rt.worker}", now=rt.now())
        session.commit()
    for problem in report.problems:
        log.warning("intake_disputes: %s", problem)


@app.periodic(cron=TICK)
@app.task(queue="housekeeping", queueing_lock="retry_stalled", pass_context=True)
async def retry_stalled(context: JobContext, timestamp: int) -> None:
    """Jobs left running by a worker whose heartbeat stopped (killed, machine lost) are queued again."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_S):
        try:
            await manager.retry_job(job)
            log.warning("job %s (%s) of a silent worker queued again", job.id, job.task_name)
        except UniqueViolation:
            # The dispatch queued the same step meanwhile (a rare race: it skips steps in hand):
            # that job does the work once this one lets go of the order's lock.
            await manager.finish_job(job, status=Status.ABORTED, delete_job=False)
            log.warning("job %s of a silent worker superseded by another %s", job.id, job.queueing_lock)


# -- the tick: what is due becomes jobs ---------------------------------------------------------------


@app.periodic(cron=TICK)
@app.task(queue="housekeeping", queueing_lock="dispatch", lock="dispatch", pass_context=True)
def dispatch(context: JobContext, timestamp: int) -> None:
    """Defers the jobs that are due now; a job still waiting from an earlier tick is not queued again."""
    rt = runtime()
    moment = rt.now()
    every = timedelta(seconds=rt.settings.run_interval_seconds)
    with rt.factory() as session:
        stores = stores_due_for_sync(session, moment, every)
        orders = orders_due(session, moment)
        purchases = due_purchases(session, moment, skip_leased=True)
        locks = ae_order_ids(session, [o for _p, o in purchases])
    jobs = [_job(sync_store, {"store_id": s}, f"sync:{s}") for s in stores]
    if any(state == OrderState.READY for _o, state, _ae in orders):
        jobs.append(_job(route_ready, {}, "route_ready"))
    jobs += [
        _job(work_order, {"order_id": o, "state": st.value}, f"order:{o}", f"order:{ae}")
        for o, st, ae in orders
        if st != OrderState.READY
    ]
    jobs += [
        _job(work_purchase, {"purchase_id": p, "order_id": o}, f"purchase:{p}", f"order:{locks[o]}")
        for p, o in purchases
    ]
    jobs.append(_job(read_traces, {}, "read_traces"))
    deferred = defer_new(context.app.job_manager, jobs)
    if deferred > 1:
        log.info("dispatch: %d jobs deferred (%d due)", deferred, len(jobs))


def _job(
    task: Task[Any, Any, Any], kwargs: dict[str, Any], queueing_lock: str, lock: str | None = None
) -> Job:
    return Job(
        id=None,
        queue=task.queue,
        lock=lock,
        queueing_lock=queueing_lock,
        task_name=task.name,
        task_kwargs=kwargs,
    )


def defer_new(manager: JobManager, jobs: list[Job]) -> int:
    """Defers the jobs whose step (queueing lock) has no job waiting or running, DEFER_BATCH to a
    statement; a batch that meets one queued meanwhile is deferred one by one (that one skipped).
    A running step is not queued again: its job may be a dead worker's, which ``retry_stalled``
    must be able to put back in the queue (one waiting job per queueing lock)."""
    waiting = {job.queueing_lock for job in manager.list_jobs(status="todo")}
    waiting |= {job.queueing_lock for job in manager.list_jobs(status="doing")}
    fresh = [job for job in jobs if job.queueing_lock not in waiting]
    deferred = 0
    for start in range(0, len(fresh), DEFER_BATCH):
        batch = fresh[start : start + DEFER_BATCH]
        try:
            deferred += len(manager.batch_defer_jobs(batch))
        except AlreadyEnqueued:
            for job in batch:
                try:
                    manager.defer_job(job)
                    deferred += 1
                except AlreadyEnqueued:
                    pass
    return deferred
