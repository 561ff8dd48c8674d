"""``kuajing epr`` (EPR registration numbers) and ``kuajing listings`` (AliExpress listings and their
EPR / QC checks), through the same use cases as the /compliance pages.

epr add --country DE --stream packaging --number DE1234567890123 / list [--json] / remove ID;
listings sync (from AliExpress: every product seen on an order) / import FILE / add / recheck [--all] / check
[--market DE] [--status blocking] [--all] [--json] (re-checks stale listings first: changed ones
and those checked under other rules). Each command is one unit of work; a refused input is a
``KuajingError`` printed as `kuajing` prints them (exit 1).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import typer
from sqlalchemy.orm import Session

from kuajing.accounts import audit
from kuajing.compliance import repository as repo
from kuajing.compliance import schemas, service
from kuajing.compliance.epr import STREAM_ZH, parse_stream
from kuajing.compliance.listing_sync import sync_listings
from kuajing.compliance.listings_import import ListingsFileInvalid, import_listings
from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.errors import KuajingError, ValidationFailed
from kuajing.kit.remote_clock import clock_for
from kuajing.stores.pool import ClientPool

epr_app = typer.Typer(no_args_is_help=True)
listings_app = typer.Typer(no_args_is_help=True)
JSON_OPTION = typer.Option(False, "--json", help="Print the API's JSON.")
_T = TypeVar("_T")


def now_and_today() -> tuple[datetime, date]:
    settings = get_settings()
    now = clock_for(settings.clock_url).now()
    return now, service.local_today(now, settings.timezone)


def work(job: Callable[[Session], _T]) -> _T:
    """One unit of work: commit what the job did, roll back on an error."""
    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            result = job(session)
            session.commit()
            return result
    finally:
        engine.dispose()


@contextmanager
def errors() -> Iterator[None]:
    try:
        yield
    except ListingsFileInvalid as error:
        for problem in error.problems:
            typer.secho(f"{problem.place()}: {problem.reason_zh} / {problem.reason_en}", fg="red", err=True)
        typer.secho("未导入任何数据 / nothing imported", fg="red", err=True)
        raise typer.Exit(1) from error
    except KuajingError as error:
        typer.secho(
            f"错误 / error [{error.code}]: {error.message_zh}\n{error.message_en}", fg="red", err=True
        )
        raise typer.Exit(1) from error


def parse_day(text: str | None, field: str) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            f"{field}: a date as YYYY-MM-DD, not {text!r}",
            f"{field}:日期格式应为 YYYY-MM-DD",
            details={"field": field},
        ) from None


# --- kuajing epr --------------------------------------------------------------------------------------


@epr_app.command("add", help="Add an EPR number (LUCID, stiftung ear, ADEME IDU …) for a country and stream.")
def add(
    country: str = typer.Option(..., "--country", help="DE, FR, ES …"),
    stream: str = typer.Option(..., "--stream", help="packaging, eee (weee), batteries, textiles, toys …"),
    number: str = typer.Option(..., "--number"),
    registered_on: str | None = typer.Option(None, "--registered-on", help="YYYY-MM-DD"),
    valid_until: str | None = typer.Option(None, "--valid-until", help="YYYY-MM-DD"),
    note: str = typer.Option("", "--note"),
) -> None:
    with errors():
        try:
            kind = parse_stream(stream)
        except ValueError:
            raise ValidationFailed(f"unknown stream {stream!r}", f"未知的类别 {stream!r}") from None
        now, today = now_and_today()

        def job(session: Session) -> service.RegistrationOutcome:
            outcome = service.save_registration(
                session,
                country=country,
                stream=kind,
                number=number,
                registered_on=parse_day(registered_on, "registered_on"),
                valid_until=parse_day(valid_until, "valid_until"),
                note=note,
                now=now,
                today=today,
            )
            after = schemas.registration_to_dict(outcome.row)
            audit.record(
                session, audit.cli_actor(), "epr.create", "epr_registration", outcome.row.id, None, after
            )
            return outcome

        outcome = work(job)
        row = outcome.row
        typer.echo(
            f"EPR {row.id}: {row.country} {row.stream} {row.number}; 已重新检查 rechecked {outcome.rechecked}"
        )
        if outcome.warning_en:
            typer.secho(f"注意 / warning: {outcome.warning_zh}\n{outcome.warning_en}", fg="yellow")


@epr_app.command("list", help="The EPR numbers held.")
def list_registrations(as_json: bool = JSON_OPTION) -> None:
    rows = work(lambda session: [schemas.registration_to_dict(r) for r in repo.registrations(session)])
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(
            "还没有 EPR 注册号 / no EPR numbers yet: kuajing epr add --country DE --stream packaging …"
        )
    for r in rows:
        label = STREAM_ZH.get(parse_stream(r["stream"]), r["stream"])
        valid = f" → {r['valid_until']}" if r["valid_until"] else ""
        typer.echo(f"{r['id']:>4}  {r['country']}  {r['stream']} ({label})  {r['number']}{valid}")


@epr_app.command("remove", help="Remove an EPR number (listings shipping to its country are re-checked).")
def remove(registration_id: int = typer.Argument(...)) -> None:
    with errors():
        now, today = now_and_today()

        def job(session: Session) -> int:
            found = repo.registration(session, registration_id)
            before = schemas.registration_to_dict(found) if found is not None else None
            count = service.remove_registration(session, registration_id, now=now, today=today)
            audit.record(
                session, audit.cli_actor(), "epr.delete", "epr_registration", registration_id, before
            )
            return count

        count = work(job)
        typer.echo(f"已删除 removed {registration_id}; 已重新检查 rechecked {count}")


# --- kuajing listings ---------------------------------------------------------------------------------


@listings_app.command(
    "sync", help="Read every AliExpress product seen on an order (all stores) and check it."
)
def sync() -> None:
    with errors():
        settings = get_settings()
        now, today = now_and_today()
        engine = make_engine(settings.database_url)
        try:
            factory = make_session_factory(engine)
            with ClientPool(factory, settings) as pool, factory() as session:
                report = sync_listings(session, pool.store, now=now, today=today)
                session.commit()
        finally:
            engine.dispose()
        typer.echo(
            f"商品同步 listing sync: seen {report.seen}, new {report.created}, changed {report.updated}, "
            f"unchanged {report.unchanged}, errors {len(report.errors)}"
        )
        for line in report.errors:
            typer.secho(f"  {line}", fg="yellow")


@listings_app.command("import", help="Import listings from xlsx/csv (all rows or nothing).")
def import_file(path: Path = typer.Argument(..., help="xlsx or csv")) -> None:
    with errors():
        now, today = now_and_today()
        result = work(lambda session: import_listings(session, path, now=now, today=today))
        typer.echo(f"导入 imported {result.rows} rows: new {result.created}, changed {result.updated}")


@listings_app.command("add", help="Add or edit a listing by hand.")
def add_listing(
    product_id: int = typer.Option(..., "--product-id"),
    title: str = typer.Option(..., "--title"),
    markets: str | None = typer.Option(None, "--markets", help="DE,FR,ES (default: the rules' markets)"),
    category_id: int | None = typer.Option(None, "--category-id"),
    category_name: str = typer.Option("", "--category"),
    offer_id: int | None = typer.Option(None, "--offer-id", help="the mapped 1688 offer"),
) -> None:
    with errors():
        now, today = now_and_today()
        item = service.ListingInput(
            product_id=product_id,
            title=title,
            category_id=category_id,
            category_name=category_name,
            markets=service.parse_markets(markets) if markets else None,
            offer_id=offer_id,
        )
        row = work(lambda s: service.upsert_listing(s, item, source="manual", now=now, today=today)[0].id)
        typer.echo(f"商品 listing {row} saved and checked")


@listings_app.command("recheck", help="Re-check stale listings (changed, or checked under other rules).")
def recheck(everything: bool = typer.Option(False, "--all", help="Re-check every listing.")) -> None:
    with errors():
        now, today = now_and_today()
        report = work(
            lambda s: service.recheck_stale(
                s, now=now, today=today, everything=everything, timezone=get_settings().timezone
            )
        )
        counts = ", ".join(f"{status} {count}" for status, count in report.counts.items())
        typer.echo(f"重新检查 rechecked {report.listings} listings: {counts}")


@listings_app.command("check", help="Re-check stale listings, then list the checks (worst first).")
def check(
    market: str | None = typer.Option(None, "--market"),
    status: str | None = typer.Option(None, "--status", help="blocking | warning | ok"),
    everything: bool = typer.Option(False, "--all", help="Re-check every listing, not only stale ones."),
    as_json: bool = JSON_OPTION,
) -> None:
    with errors():
        now, today = now_and_today()

        def job(session: Session) -> list[dict[str, object]]:
            service.recheck_stale(
                session, now=now, today=today, everything=everything, timezone=get_settings().timezone
            )
            return schemas.checks_to_dicts(session, market=market.upper() if market else None, status=status)

        rows = work(job)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(f"{row['status']:<9} {row['market']}  {row['product_id']}  {str(row['title'])[:50]}")
        for reason in row["reasons"]:  # type: ignore[attr-defined]
            typer.echo(f"          - {reason['message_zh']} / {reason['message_en']}")
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("blocking", "warning", "ok")}
    typer.echo(f"blocking {counts['blocking']}, warning {counts['warning']}, ok {counts['ok']}")
