"""``kuajing serve`` and ``kuajing demo``."""

from __future__ import annotations

import os
import threading
import time

import httpx
import typer
import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import get_settings
from kuajing.kit.remote_clock import SandboxClock


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8700, help="Port to listen on."),
) -> None:
    from kuajing.accounts.bootstrap import require_a_user
    from kuajing.web.app import create_app

    require_a_user(get_settings())  # sign-in on and no user: says to run `kuajing user create`
    uvicorn.run(create_app(get_settings()), host=host, port=port, log_level="info")


def demo(
    port: int = typer.Option(8700, help="Port of the web app."),
    sandbox_port: int = typer.Option(8710, help="Port of the sandbox (AliExpress + 1688)."),
    seed: int = typer.Option(1688, help="Sandbox seed: same seed, same world."),
    orders: int = typer.Option(40, help="Paid orders to create at start."),
    orders_per_hour: float = typer.Option(12.0, help="New paid orders per simulated hour."),
    tick_seconds: float = typer.Option(10.0, help="Every TICK seconds the sandbox clock advances one hour."),
    unmapped_every: int = typer.Option(
        6, help="Leave every Nth listing unmapped, so the exception queue has work."
    ),
) -> None:
    """Everything on this machine: the sandbox, the database (SQLite by default), the web app."""
    from kuajing.db import migrate
    from kuajing.db.engine import make_engine, make_session_factory
    from kuajing.db.uow import UnitOfWork
    from kuajing.demo_setup import install_sandbox_rules
    from kuajing.kit.remote_clock import SandboxClock
    from kuajing.sandbox.cli import current_hour
    from kuajing.sandbox.credentials import SandboxCredentials
    from kuajing.sandbox.server import SandboxServer
    from kuajing.sourcing.snapshots import OfferSnapshots
    from kuajing.stores import service
    from kuajing.stores.repository import StoreRepository
    from kuajing.web.app import create_app

    settings = get_settings()
    migrate.upgrade(settings.database_url)
    sandbox = SandboxServer(
        seed, start=current_hour(), credentials=SandboxCredentials.from_env(), port=sandbox_port
    ).start()
    base = sandbox.base_url
    _point_clients_at(base, sandbox)
    httpx.post(f"{base}/sandbox/orders/generate", params={"count": orders}, timeout=60).raise_for_status()
    httpx.post(
        f"{base}/sandbox/orders/rate", params={"per_hour": orders_per_hour}, timeout=10
    ).raise_for_status()
    factory = make_session_factory(make_engine(settings.database_url))
    with UnitOfWork(factory) as uow:
        service.connect_sandbox(uow.session, base, httpx.get(f"{base}/sandbox/accounts", timeout=10).json())
        account = StoreRepository(uow.session).buyer_accounts()[0]
        with service.alibaba_client(account, get_settings()) as buyer:
            catalog = OfferSnapshots(uow.session, buyer, now=SandboxClock(base).now())
            rules = install_sandbox_rules(
                uow.session, base, catalog, now=SandboxClock(base).now(), skip_every=unmapped_every
            )
        uow.commit()
    typer.echo(f"installed {rules} SKU mapping rules (every {unmapped_every}th listing left unmapped)")
    # 1688 pushes (supplier shipped, new trace step) make the loop poll that purchase at once.
    httpx.post(
        f"{base}/sandbox/1688/push-target", json={"url": f"http://127.0.0.1:{port}/hooks/1688"}, timeout=10
    )
    _start_clock(base, tick_seconds)
    _start_loop(factory, tick_seconds)
    typer.secho(f"\n  sandbox  {base}   (state: {base}/sandbox/state)", fg="cyan")
    typer.secho(f"  kuajing  http://127.0.0.1:{port}/   ← open this page   (Ctrl-C stops both)", fg="green")
    from kuajing.accounts.bootstrap import demo_owner_lines

    typer.secho("\n".join(demo_owner_lines(settings)) + "\n", fg="green")
    try:
        uvicorn.run(create_app(get_settings()), host="127.0.0.1", port=port, log_level="warning")
    finally:
        sandbox.stop()


def _point_clients_at(base: str, sandbox: object) -> None:
    """The product's clients read these settings; in the demo they name the sandbox."""
    creds = sandbox.world.credentials  # type: ignore[attr-defined]
    os.environ.update(
        {
            "KUAJING_ALIEXPRESS_BASE_URL": f"{base}/aliexpress",
            "KUAJING_ALIEXPRESS_APP_KEY": creds.ae_app_key,
            "KUAJING_ALIEXPRESS_APP_SECRET": creds.ae_app_secret,
            "KUAJING_ALIEXPRESS_ACCESS_TOKEN": creds.ae_access_token,
            "KUAJING_1688_BASE_URL": f"{base}/1688",
            "KUAJING_1688_APP_KEY": creds.alibaba_app_key,
            "KUAJING_1688_APP_SECRET": creds.alibaba_app_secret,
            "KUAJING_1688_ACCESS_TOKEN": creds.alibaba_access_token,
            # The 5/s default protects a real 1688 app; the local sandbox can take more.
            "KUAJING_1688_CALLS_PER_SECOND": "50",
            # The loop's decisions (cancellation window, ship-by) follow the sandbox's simulated time.
            "KUAJING_CLOCK_URL": base,
        }
    )
    get_settings.cache_clear()


def _start_loop(factory: sessionmaker[Session], tick_seconds: float) -> None:
    """The order loop, as `kuajing run` would run it, on the sandbox's clock."""
    from kuajing.housekeeping import after_pass
    from kuajing.jobs import run_pass
    from kuajing.stores.pool import ClientPool

    def loop() -> None:
        settings = get_settings()
        clock = SandboxClock(settings.clock_url)
        pool = ClientPool(factory, settings)  # kept for the demo's life, like `kuajing run`
        while True:
            try:
                summary = run_pass(factory, settings, now=clock.now, pool=pool)
                typer.echo(
                    f"[loop {clock.now():%m-%d %H:%M}] orders {dict(summary.orders)} "
                    f"purchases {dict(summary.purchases)} tracking {dict(summary.tracking)}"
                )
                after_pass(factory, settings, clock.now(), pool)  # intake, new listings, alerts; never raises
            except httpx.HTTPError:
                pool.close()
                return  # the sandbox has stopped: the demo is ending
            time.sleep(tick_seconds)

    threading.Thread(target=loop, name="demo-loop", daemon=True).start()


def _start_clock(base: str, tick_seconds: float) -> None:
    def tick() -> None:
        while True:
            time.sleep(tick_seconds)
            try:
                httpx.post(f"{base}/sandbox/clock/advance", params={"hours": 1}, timeout=30)
            except httpx.HTTPError:
                return  # the sandbox has stopped: the demo is ending

    threading.Thread(target=tick, name="demo-clock", daemon=True).start()
