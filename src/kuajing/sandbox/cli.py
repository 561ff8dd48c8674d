"""``kuajing sandbox``: serve the sandbox and drive a running one over its admin endpoints."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import typer

from kuajing.sandbox.world import DEFAULT_SEED

app = typer.Typer(no_args_is_help=True)
URL_OPTION = typer.Option("http://127.0.0.1:8710", "--url", help="Base URL of a running sandbox.")


def current_hour() -> datetime:
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


@app.command(
    help="Serve both platforms on 127.0.0.1:PORT in the foreground: AliExpress at /aliexpress/sync "
    "and /aliexpress/rest, 1688 at /1688/openapi/..., control at /sandbox/*."
)
def serve(
    port: int = typer.Option(8710, help="Port on 127.0.0.1."),
    seed: int = typer.Option(DEFAULT_SEED, help="Same seed, same world."),
    start: datetime | None = typer.Option(None, help="Simulated start time (UTC); default: this hour."),
) -> None:
    from kuajing.sandbox.server import serve_foreground

    begin = (start.replace(tzinfo=UTC) if start and start.tzinfo is None else start) or current_hour()
    typer.echo(f"sandbox seed={seed} start={begin.isoformat()} on http://127.0.0.1:{port}")
    serve_foreground("127.0.0.1", port, seed, begin)


def _post(url: str) -> None:
    response = httpx.post(url, timeout=60)
    if response.status_code >= 400:
        typer.secho(f"sandbox refused ({response.status_code}): {response.text}", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps(response.json(), ensure_ascii=False, indent=2))


@app.command(help="Generate COUNT paid AliExpress orders now in a running sandbox.")
def orders(count: int = typer.Option(10, min=1), url: str = URL_OPTION) -> None:
    _post(f"{url}/sandbox/orders/generate?count={count}")


@app.command(help="Advance a running sandbox's simulated clock by HOURS (suppliers dispatch, parcels move).")
def advance(hours: float = typer.Option(1.0, min=0.01), url: str = URL_OPTION) -> None:
    _post(f"{url}/sandbox/clock/advance?hours={hours}")


@app.command(help="Print a running sandbox's own truth: orders by status, purchases, shipments.")
def state(url: str = URL_OPTION) -> None:
    response = httpx.get(f"{url}/sandbox/state", timeout=30)
    typer.echo(json.dumps(response.json(), ensure_ascii=False, indent=2))
