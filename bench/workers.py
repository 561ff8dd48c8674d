"""Scale-out: the same generated orders worked by 1 and by 4 ``kuajing worker`` processes on PostgreSQL.

For each worker count: a fresh database (migrations + procrastinate's tables), the sandbox (seed
2026) with ORDERS paid orders, then ``kuajing.workers.sandbox_run.drive`` until every order is
finished (bought and tracking uploaded, cancelled, or in the exception queue with a reason). The
simulated clock moves only when nothing is due and no job is open, so both runs take the same
simulated steps and their wall times compare the work alone. Prints JSON: orders/s for each,
the ratio (4 workers / 1 worker), duplicates (must be 0), the machine's CPU count and load.

Run: .venv/bin/python bench/workers.py [ORDERS] (default 1000; the issue's 5,000 takes ~5x as long).
PostgreSQL from KUAJING_BENCH_POSTGRES_URL or KUAJING_TEST_POSTGRES_URL (scratch databases are
created there and dropped).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.engine import make_url

ORDERS = 1000
SERVER = os.environ.get(
    "KUAJING_BENCH_POSTGRES_URL",
    os.environ.get("KUAJING_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
)
os.environ.setdefault("KUAJING_SECRET_KEY", Fernet.generate_key().decode())  # workers inherit it

from kuajing.db.engine import make_engine, make_session_factory  # noqa: E402  (after the key)
from kuajing.sandbox.server import SandboxServer  # noqa: E402
from kuajing.workers.sandbox_run import drive, prepare, start_worker  # noqa: E402


def _one_run(workers: int, orders: int, logs: Path) -> dict[str, Any]:
    admin = make_engine(SERVER, isolation_level="AUTOCOMMIT")
    name = f"kuajing_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        with SandboxServer(seed=2026) as sandbox:
            prepare(sandbox.base_url, url, orders)
            engine = make_engine(url)
            procs = [
                start_worker(url, sandbox.base_url, logs / f"w{workers}-{i}.log") for i in range(workers)
            ]
            try:
                run = drive(make_session_factory(engine), sandbox.base_url, orders, timeout_s=7200)
            finally:
                for proc in procs:
                    proc.send_signal(signal.SIGTERM)
                for proc in procs:
                    proc.wait(timeout=60)
                engine.dispose()
            truth = sandbox.world.state()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return {
        "workers": workers,
        "wall_s": round(run.wall_s, 1),
        "orders_per_s": round(orders / run.wall_s, 2),
        "finished": run.final.finished,
        "clock_steps_h": run.steps,
        "states": dict(sorted(run.final.states.items())),
        "purchases": truth["purchases"],
        "duplicate_purchases": sum(1 for n in truth["purchases_per_out_order_id"].values() if n > 1),
    }


def main() -> None:
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else ORDERS
    with tempfile.TemporaryDirectory(prefix="kuajing-bench-workers-") as tmp:
        one = _one_run(1, orders, Path(tmp))
        four = _one_run(4, orders, Path(tmp))
    result = {
        "bench": "workers",
        "orders": orders,
        "cpus": os.cpu_count(),
        "load_avg_1m_after": round(os.getloadavg()[0], 2),
        "one_worker": one,
        "four_workers": four,
        "ratio_4_to_1": round(four["orders_per_s"] / one["orders_per_s"], 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
