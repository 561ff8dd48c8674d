"""``kuajing sync``, ``kuajing run``, ``kuajing exceptions`` and ``kuajing rules``."""

from __future__ import annotations

import json
import time

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.housekeeping import after_pass
from kuajing.jobs import PassSummary, run_pass
from kuajing.kit.remote_clock import LOOP_MAX_AGE_S, clock_for
from kuajing.orders import queue
from kuajing.stores.pool import ClientPool

console = Console()
exceptions_app = typer.Typer(no_args_is_help=True)


def _factory() -> sessionmaker[Session]:
    return make_session_factory(make_engine(get_settings().database_url))


def _print_summary(summary: PassSummary) -> None:
    table = Table("店铺 store", "seen", "new", "updated", "cancelled", "errors", title="Order sync 订单同步")
    for sync in summary.syncs:
        table.add_row(
            sync.store_name,
            str(sync.seen),
            str(sync.created),
            str(sync.updated),
            str(sync.cancelled),
            "; ".join(sync.errors)[:80] or "-",
        )
    console.print(table)
    steps = Table("step 步骤", "outcome 结果", "count 数量", title="This pass 本轮")
    for name, counter in (
        ("route 分配", summary.orders),
        ("purchase 采购", summary.purchases),
        ("tracking 物流回传", summary.tracking),
    ):
        for outcome, count in sorted(counter.items()):
            steps.add_row(name, outcome, str(count))
    console.print(steps)
    for error in summary.errors[:20]:
        console.print(f"[yellow]! {error}[/yellow]")


def sync() -> None:
    """One pass over every configured store: sync orders, buy what is due on 1688, upload tracking.

    Exits 0 when the pass ran, even if some orders went to the exception queue.
    """
    settings = get_settings()
    clock = clock_for(settings.clock_url, max_age_s=LOOP_MAX_AGE_S)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        tasks = {
            stage: progress.add_task(label, total=None)
            for stage, label in (
                ("sync", "同步订单 sync"),
                ("route", "分配 route"),
                ("purchase", "采购/物流 buy & track"),
            )
        }
        summary = run_pass(
            _factory(), settings, now=clock.now, progress=lambda stage, n: progress.advance(tasks[stage], n)
        )
    _print_summary(summary)


def run(
    interval: float = typer.Option(None, help="Seconds between passes (KUAJING_RUN_INTERVAL_SECONDS)."),
) -> None:
    """Run passes forever (Ctrl-C stops after the current step)."""
    settings = get_settings()
    pause = interval if interval is not None else settings.run_interval_seconds
    clock = clock_for(settings.clock_url, max_age_s=LOOP_MAX_AGE_S)
    factory = _factory()
    with ClientPool(factory, settings) as pool:  # clients (and their connections) kept across passes
        while True:
            summary = run_pass(factory, settings, now=clock.now, pool=pool)
            console.print(
                f"[dim]{summary.started_at:%Y-%m-%d %H:%M} pass: orders {dict(summary.orders)} "
                f"purchases {dict(summary.purchases)} tracking {dict(summary.tracking)}[/dim]"
            )
            after_pass(factory, settings, clock.now(), pool)  # intake, new listings, alerts; never raises
            time.sleep(pause)


@exceptions_app.command("list")
def list_exceptions(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Open exceptions: AliExpress order id, line, reason code, message."""
    with _factory()() as session:
        items = queue.open_items(session)
    if as_json:
        typer.echo(json.dumps([item.to_dict() for item in items], ensure_ascii=False, indent=2))
        return
    table = Table(
        "#",
        "速卖通订单 order",
        "SKU",
        "原因 reason",
        "说明 message",
        "处理 action",
        title="异常队列 Exceptions",
    )
    for item in items:
        table.add_row(
            str(item.id),
            str(item.ae_order_id),
            item.sku_code or "-",
            item.reason_code,
            item.message_zh,
            item.action,
        )
    console.print(table)


__all__ = ["exceptions_app", "run", "sync"]
