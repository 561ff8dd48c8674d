"""The procrastinate App, pointed at the product's own PostgreSQL database.

The jobs live in the same database as the orders: a job is deferred in its own short transaction
and every step re-checks the order's state under its lease, so a job that runs twice does nothing
the second time. procrastinate's tables (``procrastinate_*``) are not part of the Alembic chain:
they are PostgreSQL-only and versioned by procrastinate itself, and the migration test compares
Alembic with our models on SQLite and PostgreSQL alike. ``kuajing worker --apply-schema`` applies
them once (``apply_schema``), under an advisory lock so machines started together apply it once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from procrastinate import App, PsycopgConnector
from procrastinate.schema import SchemaManager
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url

from kuajing.kit.errors import KuajingError

SCHEMA_LOCK = 0x6B75616A  # "kuaj": the advisory lock held while the schema is applied


class WorkerNeedsPostgres(KuajingError):
    code = "worker_needs_postgresql"
    http_status = 400

    def __init__(self) -> None:
        super().__init__(
            "`kuajing worker` needs PostgreSQL (KUAJING_DATABASE_URL=postgresql+psycopg://…). "
            "On SQLite the whole loop runs in one process: use `kuajing run`.",
            "`kuajing worker` 需要 PostgreSQL(KUAJING_DATABASE_URL=postgresql+psycopg://…)。"
            "SQLite 下整个订单循环在一个进程里运行:请使用 `kuajing run`。",
        )


class WorkerSchemaMissing(KuajingError):
    code = "worker_schema_missing"
    http_status = 500

    def __init__(self) -> None:
        super().__init__(
            "The job queue's tables are missing: run `kuajing worker --apply-schema` once.",
            "任务队列的数据表不存在:请先运行一次 `kuajing worker --apply-schema`。",
        )


def is_postgres(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


def conninfo(database_url: str) -> str:
    """``postgresql+psycopg://user:pw@host:5432/db?sslmode=require`` → a libpq conninfo string."""
    if not is_postgres(database_url):
        raise WorkerNeedsPostgres()
    url = make_url(database_url)
    params: dict[str, str | int] = {
        key: value if isinstance(value, str) else ",".join(value) for key, value in url.query.items()
    }
    for key, value in (
        ("host", url.host),
        ("port", url.port),
        ("dbname", url.database),
        ("user", url.username),
        ("password", url.password),
    ):
        if value is not None:
            params[key] = value
    return make_conninfo("", **params)


# The tasks are declared on this App (``kuajing.workers.tasks``); its connector is given the
# database when a worker starts (``connected``), never at import time.
app = App(connector=PsycopgConnector(), import_paths=["kuajing.workers.tasks"])


@contextmanager
def on_database(database_url: str) -> Iterator[App]:
    """The App on this database while the block runs (``run_worker`` opens and closes it)."""
    with app.replace_connector(PsycopgConnector(conninfo=conninfo(database_url))) as bound:
        yield bound


@contextmanager
def connected(database_url: str) -> Iterator[App]:
    """The App on this database, open for deferring and reading jobs (sync) while the block runs."""
    with on_database(database_url) as bound, bound.open():
        yield bound


def schema_applied(database_url: str) -> bool:
    with psycopg.connect(conninfo(database_url)) as conn:
        row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
    return bool(row and row[0])


def autovacuum_on(database_url: str) -> bool:
    """Whether the server vacuums by itself. The job queue rewrites its rows with every job; with
    autovacuum off its dead rows pile up and every fetch slows down as the run goes on."""
    with psycopg.connect(conninfo(database_url)) as conn:
        row = conn.execute("SHOW autovacuum").fetchone()
    return bool(row and str(row[0]).lower() == "on")


AUTOVACUUM_OFF = (
    "PostgreSQL's autovacuum is off: the job queue and order tables will slow down as dead rows "
    "pile up. Turn it on (autovacuum = on) or run VACUUM ANALYZE regularly. / "
    "PostgreSQL 的 autovacuum 已关闭:任务队列和订单表的死行会越积越多,越跑越慢。"
    "请打开(autovacuum = on)或定期执行 VACUUM ANALYZE。"
)


def apply_schema(database_url: str) -> bool:
    """Create procrastinate's tables unless they exist; True when this call created them."""
    with psycopg.connect(conninfo(database_url)) as conn:  # one transaction, committed on exit
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        if row and row[0]:
            return False
        conn.execute(SchemaManager.get_schema())
    return True
