"""``kuajing quote`` and ``kuajing lines``: landed cost per line from the command line."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit import cli_values as cli_args
from kuajing.kit.errors import NotFound, ValidationFailed
from kuajing.logistics.catalog import LogisticsCatalog
from kuajing.logistics.data_cli import register_line_data_commands
from kuajing.logistics.landed import QuoteRequest
from kuajing.logistics.model import Parcel, parse_size_cm
from kuajing.logistics.offers import request_for_offer
from kuajing.logistics.pricing import list_prices
from kuajing.logistics.rank import Ranking
from kuajing.logistics.schemas import card_to_dict, price_to_dict, ranking_to_dict
from kuajing.logistics.service import catalog_for, quote_lines
from kuajing.marketplaces.alibaba1688.models import ProductDetail
from kuajing.stores.repository import StoreRepository
from kuajing.stores.service import alibaba_client

console = Console()
_COLLECTED_BY = {"marketplace": "[A]", "customs": "[C]", "none": ""}
lines_app = typer.Typer(no_args_is_help=True)
register_line_data_commands(lines_app)  # import / export / remove: the user's own cards


def _catalog() -> LogisticsCatalog:
    settings = get_settings()
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        catalog = catalog_for(session, settings)
    for warning in catalog.warnings:
        console.print(f"[yellow]! left out (fix or remove it): {warning}[/yellow]")
    return catalog


def _offer_detail(offer_id: int) -> ProductDetail:
    """The offer as 1688 states it now, read through the first 1688 buyer account."""
    settings = get_settings()
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        accounts = list(StoreRepository(session).buyer_accounts())
        if not accounts:
            raise NotFound(
                "no 1688 account: add one (kuajing stores add-1688) or connect the sandbox",
                "没有 1688 账号:请先添加(kuajing stores add-1688)或连接沙箱",
            )
        with alibaba_client(accounts[0], settings) as client:
            detail = client.product_detail(offer_id)
        session.commit()  # a refreshed token is kept
    return detail


def quote(
    country: Annotated[str, typer.Option(help="Destination, ISO code (DE, US, GB …)")],
    hs: Annotated[list[str], typer.Option(help="HS code of each distinct item in the parcel (repeat)")],
    goods_cny: Annotated[
        str | None, typer.Option(help="1688 unit price in CNY (the tier price for the quantity)")
    ] = None,
    weight_g: Annotated[int | None, typer.Option(help="Gross parcel weight in grams")] = None,
    offer: Annotated[
        int | None, typer.Option(help="Read price, weight and size from this 1688 offer (first 1688 account)")
    ] = None,
    spec: Annotated[str | None, typer.Option(help="The offer's spec id (its 代发价 for dropship)")] = None,
    size_cm: Annotated[str | None, typer.Option(help="Parcel size L x W x H in cm, e.g. 15x8x2")] = None,
    on: Annotated[str | None, typer.Option("--date", help="Order date (YYYY-MM-DD; default today)")] = None,
    line: Annotated[str | None, typer.Option(help="Quote only this line (see `kuajing lines list`)")] = None,
    price_usd: Annotated[
        str | None, typer.Option(help="AliExpress price without VAT; default: the target-margin price")
    ] = None,
    quantity: Annotated[int, typer.Option(help="Pieces in the order")] = 1,
    category: Annotated[str | None, typer.Option(help="Commission category (costs.toml)")] = None,
    bulk: Annotated[bool, typer.Option(help="Bought in bulk (domestic freight), not dropshipped")] = False,
    battery: Annotated[bool, typer.Option(help="Contains a battery")] = False,
    liquid: Annotated[bool, typer.Option(help="Contains liquid")] = False,
    magnetic: Annotated[bool, typer.Option(help="Magnetic")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")] = False,
) -> None:
    """Landed cost on every line (or one) for a parcel to a country on a date; the best line first."""
    day = cli_args.day(on)
    size = parse_size_cm(size_cm) if size_cm else None
    price = cli_args.decimal(price_usd, "price-usd") if price_usd else None
    if offer is not None:
        request = request_for_offer(
            _offer_detail(offer),
            spec,
            quantity=quantity,
            country=country.strip().upper(),
            on=day,
            hs_codes=tuple(hs),
            dropship=not bulk,
            price_usd=price,
            category=category,
            weight_g=weight_g,
            size_cm=size,
        )
        parcel = replace(request.parcel, battery=battery, liquid=liquid, magnetic=magnetic)
        request = replace(request, parcel=parcel)
    elif goods_cny is None or weight_g is None:
        raise ValidationFailed(
            "give --goods-cny and --weight-g, or --offer to read them from 1688",
            "请提供 --goods-cny 和 --weight-g,或用 --offer 从 1688 读取",
        )
    else:
        request = QuoteRequest(
            unit_cost_cny=cli_args.decimal(goods_cny, "goods-cny"),
            quantity=quantity,
            parcel=Parcel(weight_g, size, battery=battery, liquid=liquid, magnetic=magnetic),
            hs_codes=tuple(hs),
            country=country.strip().upper(),
            on=day,
            price_usd=price,
            category=category,
            dropship=not bulk,
        )
    ranking = quote_lines(_catalog(), request, line)
    if as_json:
        typer.echo(json.dumps(ranking_to_dict(ranking), ensure_ascii=False, indent=2))
    else:
        _print_ranking(ranking)
    if not ranking.quotes:
        raise typer.Exit(1)


def _print_ranking(ranking: Ranking) -> None:
    table = Table(
        "线路 line",
        "计费g",
        "运费",
        "关税",
        "增值税",
        "佣金",
        "合计",
        "预期",
        "利润率",
        "天数",
        title="Landed cost 落地成本 (CNY)",
    )
    for index, quote in enumerate(ranking.quotes):
        freight = sum(
            (item.cny.amount for item in quote.lines if item.key.startswith(("freight", "surcharge"))),
            Decimal(0),
        )
        name = f"{'★ ' if index == 0 else ''}{quote.line_id}" + (" *" if quote.sample else "")
        table.add_row(
            name,
            str(quote.chargeable_weight_g),
            str(freight),
            str(quote.line("duty").cny.amount),
            f"{quote.line('vat').cny.amount} {_COLLECTED_BY[quote.tax.vat_collected_by]}",
            str(quote.line("commission").cny.amount),
            str(quote.total.amount),
            str(quote.expected_cost.amount),
            f"{quote.margin * 100:.1f}%",
            "{}–{}".format(*quote.freight.transit_days),
        )
    console.print(table)
    console.print(
        "CNY; VAT: [A] AliExpress collects at sale [C] customs at import; * sample rate card 示例运价"
    )
    for line_id, reason in sorted(ranking.refused.items()):
        console.print(f"[yellow]✗ {line_id}: {reason}[/yellow]")
    if ranking.best is not None:
        best = ranking.best
        console.print(ranking.explanation_zh)
        console.print(ranking.explanation_en)
        detail = Table(
            "项目 item", "CNY", "USD", "来源 source", title=f"{best.line_name_zh} — 明细 breakdown"
        )
        for item in best.lines:
            label = f"{item.label_zh} {item.label_en}" + ("" if item.in_total else " (not seller's cost)")
            detail.add_row(label, str(item.cny.amount), str(item.usd.amount), item.source)
        console.print(detail)
        console.print(
            f"price 售价 {best.price}  ·  profit 利润 {best.profit}  ·  margin {best.margin * 100:.1f}%"
        )
        for note in best.notes:
            console.print(f"[yellow]! {note}[/yellow]")


@lines_app.command("list")
def list_lines(
    on: Annotated[
        str | None, typer.Option("--date", help="Cards in force on this date (default today)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The rate cards in force: official AliExpress lines and forwarders."""
    day = cli_args.day(on)
    catalog = _catalog()
    cards = catalog.cards_on(day)
    if as_json:
        payload = [card_to_dict(card, user_imported=catalog.is_user_card(card)) for card in cards]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    table = Table(
        "line", "名称 name", "kind", "valid", "countries", "vol. ÷", "fail %", "source", title=str(day)
    )
    for card in cards:
        rates = sorted({zone.clearance_failure_rate for zone in card.zones})
        table.add_row(
            card.line_id + (" [sample 示例]" if card.sample else ""),
            f"{card.name_zh} / {card.name_en}",
            card.kind,
            f"{card.valid_from} → {card.valid_to or '…'}",
            str(len(card.countries())),
            str(card.volumetric_divisor or "-"),
            ", ".join(f"{rate * 100:g}" for rate in rates),
            card.source,
        )
    console.print(table)


def price(
    goods_cny: Annotated[str, typer.Option(help="1688 unit price in CNY (the tier price for the quantity)")],
    weight_g: Annotated[int, typer.Option(help="Gross parcel weight in grams")],
    hs: Annotated[list[str], typer.Option(help="HS code of each distinct item in the parcel (repeat)")],
    countries: Annotated[
        str | None, typer.Option(help="Comma-separated ISO codes; default: every country a line serves")
    ] = None,
    margin: Annotated[str | None, typer.Option(help="Target margin, e.g. 0.25; default from costs")] = None,
    size_cm: Annotated[str | None, typer.Option(help="Parcel size L x W x H in cm, e.g. 15x8x2")] = None,
    on: Annotated[str | None, typer.Option("--date", help="Order date (YYYY-MM-DD; default today)")] = None,
    quantity: Annotated[int, typer.Option(help="Pieces in the order")] = 1,
    category: Annotated[str | None, typer.Option(help="Commission category (costs.toml)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
) -> None:
    """The AliExpress list price per country that earns the target margin on the best line."""
    day = cli_args.day(on)
    catalog = _catalog()
    cards = catalog.cards_on(day)
    wanted = (
        [code.strip().upper() for code in countries.split(",") if code.strip()]
        if countries
        else sorted({country for card in cards for country in card.countries()})
    )
    request = QuoteRequest(
        unit_cost_cny=cli_args.decimal(goods_cny, "goods-cny"),
        quantity=quantity,
        parcel=Parcel(weight_g, parse_size_cm(size_cm) if size_cm else None),
        hs_codes=tuple(hs),
        country=wanted[0] if wanted else "US",
        on=day,
        category=category,
    )
    target = cli_args.decimal(margin, "margin") if margin else None
    rows = list_prices(request, wanted, cards, catalog.rules, catalog.policy, catalog.fx, target)
    if as_json:
        typer.echo(json.dumps([price_to_dict(row) for row in rows], ensure_ascii=False, indent=2))
        return
    table = Table(
        "国家", "线路 line", "售价 USD", "买家付 USD", "利润率", "合计 ¥", "预期 ¥", title="List price 定价"
    )
    for row in rows:
        if row.line_id is None or row.price is None:
            table.add_row(row.country, "—", "—", "—", "—", "—", ", ".join(sorted(set(row.refused.values()))))
            continue
        table.add_row(
            row.country + (" ?" if row.to_confirm else ""),
            row.line_id,
            str(row.price.amount),
            f"{row.buyer_pays.amount if row.buyer_pays else ''} "
            f"{_COLLECTED_BY[row.vat_collected_by or 'none']}",
            f"{(row.margin or 0) * 100:.1f}%",
            str(row.total.amount if row.total else ""),
            str(row.expected_cost.amount if row.expected_cost else ""),
        )
    console.print(table)
    console.print(
        "? the tax rule in force is to confirm 税务规则待确认; [A] VAT added at checkout by AliExpress"
    )
