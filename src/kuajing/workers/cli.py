"""``kuajing worker``: run the order loop's jobs on PostgreSQL, on as many machines as you like.

Every worker defers the periodic ticks (procrastinate writes each tick once, whichever worker gets
there first) and runs jobs from the queues it serves. On SQLite it refuses: ``kuajing run`` is the
one-process loop there.
"""

from __future__ import annotations

import logging

import typer

from kuajing.config import get_settings
from kuajing.jobs import worker_name
from kuajing.workers.app import (
    AUTOVACUUM_OFF,
    WorkerNeedsPostgres,
    WorkerSchemaMissing,
    apply_schema,
    autovacuum_on,
    is_postgres,
    on_database,
    schema_applied,
)

log = logging.getLogger(__name__)


def worker(
    concurrency: int = typer.Option(1, "--concurrency", "-c", min=1, help="Jobs run at once (threads)."),
    queues: str = typer.Option(
        "",
        "--queues",
        "-q",
        help="Comma-separated queues to serve (sync, orders, purchases, tracking, housekeeping); "
        "default all.",
    ),
    once: bool = typer.Option(
        False, "--once", help="Run the jobs waiting now, then exit (same as --no-wait)."
    ),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="Wait for new jobs when the queue is empty."),
    keep_jobs: bool = typer.Option(
        False, "--keep-jobs", help="Keep finished jobs in procrastinate_jobs (default: delete them)."
    ),
    schema: bool = typer.Option(
        False, "--apply-schema", help="Create the job queue's tables (once per database), then exit."
    ),
) -> None:
    """Run background jobs (store syncs, routing, purchases, tracking, alerts) from PostgreSQL."""
    logging.getLogger("procrastinate").setLevel(logging.WARNING)  # a line per job drowns the rest
    from kuajing.workers import tasks  # registers the tasks on the App

    url = get_settings().database_url
    if not is_postgres(url):
        raise WorkerNeedsPostgres()
    if schema:
        created = apply_schema(url)
        typer.echo("任务队列数据表已创建 / job queue tables created" if created else "已存在 / already there")
        return
    if not schema_applied(url):
        raise WorkerSchemaMissing()
    if not autovacuum_on(url):
        log.warning(AUTOVACUUM_OFF)
    served = [name.strip() for name in queues.split(",") if name.strip()] or None
    with on_database(url) as app:
        app.run_worker(
            queues=served,
            concurrency=concurrency,
            wait=wait and not once,
            name=worker_name(),
            delete_jobs="never" if keep_jobs else "successful",
            update_heartbeat_interval=tasks.HEARTBEAT_S,
            stalled_worker_timeout=tasks.STALLED_AFTER_S,
        )


__all__ = ["worker"]
