"""``kuajing selection``: screen the catalogue (figures for the workbench) and export the selection sheet.

``screen`` computes, for every offer spec and each ``--country``, the best line's landed cost,
margin and expected profit (the matrix engine) at ``--price`` or the target-margin price, and
stores them; ``export`` writes the sheet for the same filters as the page (``/sourcing``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import typer

from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit import cli_values as cli_args
from kuajing.logistics.service import catalog_for
from kuajing.sourcing.selection import SelectionQuery
from kuajing.sourcing.selection_service import rescreen_stale, screen_offers, sheet_rows
from kuajing.sourcing.selection_xlsx import write_selection_sheet

selection_app = typer.Typer(no_args_is_help=True)


@selection_app.command("screen")
def screen(
    country: list[str] = typer.Option(["US"], "--country", help="ISO country, repeatable"),
    on: str = typer.Option("", help="rule and rate-card date, YYYY-MM-DD (default today)"),
    price: str = typer.Option("", help="one USD price for every spec (default: the target-margin price)"),
    margin: str = typer.Option("", help="target margin for the default price, e.g. 0.25"),
    stale: bool = typer.Option(
        False,
        "--stale",
        help="only offers new or changed since screened, to the countries already screened",
    ),
) -> None:
    """Landed cost, margin and expected profit of every offer spec per country (the workbench's figures)."""
    settings = get_settings()
    day = cli_args.day(on)
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        catalog = catalog_for(session, settings)
        if stale:
            summary = rescreen_stale(session, catalog, day, datetime.now(UTC), [c.upper() for c in country])
        else:
            summary = screen_offers(
                session, catalog, day, [c.upper() for c in country], datetime.now(UTC),
                price_usd=cli_args.decimal(price, "price") if price else None,
                margin=cli_args.decimal(margin, "margin") if margin else None,
            )  # fmt: skip
        session.commit()
    typer.echo(json.dumps({"specs": summary.specs, "rows": summary.rows, "unserved": summary.unserved}))


@selection_app.command("export")
def export(
    out: Path = typer.Option(..., "--out", help="the xlsx file to write"),
    country: str = typer.Option("US", help="ISO country"),
    category: str = typer.Option("", help="only this category"),
    max_moq: int | None = typer.Option(None, help="MOQ at most"),
    min_margin: str = typer.Option("", help="margin at least, e.g. 0.2"),
    cluster: str = typer.Option("", help="industrial cluster code"),
    line: str = typer.Option("", help="logistics line id"),
    dropship_only: bool = typer.Option(False, help="only 一件代发 suppliers"),
    custom_friendly: bool = typer.Option(False, help="only custom MOQ ≤ 50"),
    sort: str = typer.Option("expected_profit_cny", help="column to sort by (descending)"),
) -> None:
    """The selection sheet (one row per spec × country, with the cost breakdown) as xlsx."""
    query = SelectionQuery(
        country=country.upper(), category=category or None, max_moq=max_moq,
        min_margin=Decimal(min_margin) if min_margin else None, cluster=cluster or None, line=line or None,
        dropship_only=dropship_only, custom_friendly=custom_friendly, sort=sort,
    )  # fmt: skip
    settings = get_settings()
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        count = write_selection_sheet(sheet_rows(session, catalog_for(session, settings), query), out)
    typer.echo(json.dumps({"rows": count, "out": str(out)}))
