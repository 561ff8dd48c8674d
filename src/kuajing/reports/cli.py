"""``kuajing reports profit --by supplier|sku|store|country|order [--from --to] [--json] [--out x.xlsx]``.

The same use case as ``/reports`` (``service.profit_report``); ``--json`` prints the API's shape,
``--out`` writes the page's xlsx. Dates are days in the team's time zone, both inclusive.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.fulfilment.sla import load_sla_policy
from kuajing.logistics.service import catalog_for
from kuajing.reports import service
from kuajing.reports.model import COST_KEYS, GroupBy
from kuajing.reports.routes import report_filter
from kuajing.reports.xlsx import profit_xlsx, trends_xlsx

reports_app = typer.Typer(no_args_is_help=True)
BY_OPTION = typer.Option(GroupBy.SUPPLIER, "--by", help="order, sku, supplier, store or country.")
FROM_OPTION = typer.Option(None, "--from", help="Paid on or after this day (YYYY-MM-DD).")
TO_OPTION = typer.Option(None, "--to", help="Paid on or before this day (YYYY-MM-DD).")
STORE_OPTION = typer.Option(None, "--store", help="Only this store (id).")
COUNTRY_OPTION = typer.Option(None, "--country", help="Only this country (ISO code).")
JSON_OPTION = typer.Option(False, "--json", help="Print the API's JSON.")
OUT_OPTION = typer.Option(None, "--out", help="Write the table as xlsx.")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise typer.BadParameter(f"不是日期 / not a date: {text}") from None


@reports_app.command("profit", help="Profit per order, SKU, supplier, store or country (CNY, with margin).")
def profit(
    by: GroupBy = BY_OPTION,
    start: str | None = FROM_OPTION,
    end: str | None = TO_OPTION,
    store: int | None = STORE_OPTION,
    country: str | None = COUNTRY_OPTION,
    as_json: bool = JSON_OPTION,
    out: Path | None = OUT_OPTION,
) -> None:
    settings = get_settings()
    where = report_filter(_day(start), _day(end), store, country, settings.timezone)
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        report = service.profit_report(session, catalog_for(session, settings), where)
    if out is not None:
        out.write_bytes(profit_xlsx(report, by))
        typer.echo(f"已写入 / written: {out}")
    data = service.report_to_dict(report, by)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if out is not None:
        return
    typer.echo(f"{'key':<24} {'orders':>6} {'sale':>12} {'cost':>12} {'profit':>12} {'margin':>8}")
    for row in [*data["rows"], data["total"]]:
        label = str(row.get("label") or row.get("order_id"))
        cost = sum(Decimal(row[name]) for name in COST_KEYS)
        margin = row["margin"]
        typer.echo(
            f"{label[:24]:<24} {row.get('orders', 1):>6} {row['sale']:>12} {cost:>12} {row['profit']:>12} "
            f"{(f'{float(margin):.1%}' if margin is not None else '—'):>8}"
        )


@reports_app.command("trends", help="On-time dispatch and after-sales (returns, claims, recovered) per week.")
def trends(
    weeks: int = typer.Option(12, "--weeks", min=1, max=104, help="How many weeks back (claims)."),
    as_json: bool = JSON_OPTION,
    out: Path | None = OUT_OPTION,
) -> None:
    settings = get_settings()
    now = datetime.now(UTC)
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        sla_weeks = service.sla_trend(session, now, load_sla_policy())
        claim_weeks = service.claim_trend(session, catalog_for(session, settings), now, weeks)
    if out is not None:
        out.write_bytes(trends_xlsx(sla_weeks, claim_weeks))
        typer.echo(f"已写入 / written: {out}")
    data = service.trends_to_dict(sla_weeks, claim_weeks)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{'week':<12} {'on time':>8} {'decided':>8} {'returns':>8} {'refunded':>10} {'recovered':>10}"
    )
    claims_by_week: dict[str, dict[str, Any]] = {row["week"]: row for row in data["claims"]}
    sla_by_week: dict[str, dict[str, Any]] = {row["week"]: row for row in data["sla"]}
    for week in sorted(set(sla_by_week) | set(claims_by_week)):
        sla_row, claim = sla_by_week.get(week, {}), claims_by_week.get(week, {})
        typer.echo(
            f"{week:<12} {sla_row.get('on_time', ''):>8} {sla_row.get('decided', ''):>8} "
            f"{claim.get('returns', ''):>8} {claim.get('refunded', ''):>10} {claim.get('recovered', ''):>10}"
        )
