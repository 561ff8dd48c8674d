"""Pages and JSON API of the logistics context: rate cards in force and the landed-cost calculator.

- ``GET /api/logistics/lines[/{line_id}]``: the cards in force on ``?date=`` (default today);
- ``POST /api/logistics/quote``: every line (or one) ranked for a parcel (``api_models.QuoteInput``);
- ``GET /logistics/quote``: the calculator; its form submits by GET so a quote is a link to share;
- ``GET /logistics/lines``: the cards in force, each linking to the calculator.

JSON shapes come from ``schemas`` (the same as ``kuajing quote --json``); the page shows the same
figures. The catalog is read in one unit of work per request, since user-imported cards live in
the database; quoting itself is pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, Request
from fastapi.responses import HTMLResponse

from kuajing.kit.i18n import MESSAGES, translate
from kuajing.kit.money import Money
from kuajing.logistics.api_models import (
    FieldProblem,
    QuoteInput,
    QuoteInputInvalid,
    parse_quote_input,
    to_quote_request,
)
from kuajing.logistics.catalog import LogisticsCatalog
from kuajing.logistics.chart import freight_series, line_chart_svg
from kuajing.logistics.landed import Quote, QuoteRequest
from kuajing.logistics.model import RateCard
from kuajing.logistics.rank import Ranking
from kuajing.logistics.schemas import card_to_dict, quote_to_dict, ranking_to_dict
from kuajing.logistics.service import catalog_for, quote_lines
from kuajing.orders import web_helpers as web
from kuajing.web.app import request_language

router = APIRouter()
SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}
CHECKBOXES = ("battery", "liquid", "magnetic")


# --- plumbing ------------------------------------------------------------------------------------


def _today(request: Request) -> date:
    """Today where the seller is (``settings.timezone``), on the app's clock."""
    return web.now(request).astimezone(ZoneInfo(web.settings(request).timezone)).date()


def _catalog(request: Request) -> LogisticsCatalog:
    settings = web.settings(request)
    return web.work(request, lambda session: catalog_for(session, settings))


def _day(text: str | None, today: date) -> date:
    if not text or not text.strip():
        return today
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise QuoteInputInvalid(
            [FieldProblem("date", f"应为日期 YYYY-MM-DD,实为 {text!r}", f"expected YYYY-MM-DD, got {text!r}")]
        ) from None


def _rank(catalog: LogisticsCatalog, values: QuoteInput, today: date) -> tuple[QuoteRequest, Ranking]:
    """The ranking, after the checks that need the catalog (the line and the category exist)."""
    request = to_quote_request(values, today)
    problems: list[FieldProblem] = []
    in_force = [card.line_id for card in catalog.cards_on(request.on)]
    if values.line and values.line not in in_force:
        problems.append(
            FieldProblem(
                "line",
                f"{request.on} 没有生效的线路 {values.line!r}(可选: {', '.join(in_force)})",
                f"no line {values.line!r} in force on {request.on} (lines: {', '.join(in_force)})",
            )
        )
    categories = sorted(catalog.policy.commission_by_category)
    if values.category and values.category not in categories:
        problems.append(
            FieldProblem(
                "category",
                f"未知类目 {values.category!r}(可选: {', '.join(categories)})",
                f"unknown category {values.category!r} (known: {', '.join(categories)})",
            )
        )
    if problems:
        raise QuoteInputInvalid(problems)
    return request, quote_lines(catalog, request, values.line)


# --- JSON API ------------------------------------------------------------------------------------


@router.get("/api/logistics/lines", tags=["logistics"])
def lines_api(request: Request, date: str | None = None) -> list[dict[str, Any]]:
    """The rate cards in force on ``date`` (YYYY-MM-DD, default today), one per line."""
    day = _day(date, _today(request))
    catalog = _catalog(request)
    return [card_to_dict(card, user_imported=catalog.is_user_card(card)) for card in catalog.cards_on(day)]


@router.get("/api/logistics/lines/{line_id}", tags=["logistics"])
def line_api(request: Request, line_id: str, date: str | None = None) -> dict[str, Any]:
    day = _day(date, _today(request))
    catalog = _catalog(request)
    card = catalog.card(line_id, day)
    return card_to_dict(card, user_imported=catalog.is_user_card(card))


@router.post("/api/logistics/quote", tags=["logistics"])
def quote_api(request: Request, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
    """Landed cost on every line in force (or ``line``), best first; money as strings."""
    values = parse_quote_input(body)
    _, ranking = _rank(_catalog(request), values, _today(request))
    return ranking_to_dict(ranking)


# --- pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuoteRow:
    quote: Quote
    data: dict[str, Any]  # quote_to_dict: the figures the API answers with
    best: bool
    user_imported: bool


def money_text(value: Money | dict[str, str]) -> str:
    money = value if isinstance(value, Money) else Money(Decimal(value["amount"]), value["currency"])
    amount = money.rounded().amount
    symbol = SYMBOLS.get(money.currency, money.currency + " ")
    return f"-{symbol}{-amount}" if amount < 0 else f"{symbol}{amount}"


def percent_text(rate: Decimal | str) -> str:
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.1'))} %"


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    language = request_language(request)
    zh = language == "zh-CN"

    def label(group: str, value: str) -> str:
        key = f"{group}.{value}"
        return translate(key, language) if key in MESSAGES else value

    def line_name(card: RateCard | Quote) -> str:
        if isinstance(card, Quote):
            return card.line_name_zh if zh else card.line_name_en
        return card.name_zh if zh else card.name_en

    kept = [(key, value) for key, value in request.query_params.multi_items() if key != "lang"]
    helpers = {
        "money": money_text,
        "percent": percent_text,
        "label": label,
        "line_name": line_name,
        "zh": zh,
        # the language switch keeps the form's values, so a shared quote reads in either language
        "lang_href": "?" + urlencode([*kept, ("lang", "en" if zh else "zh-CN")]),
        "active": "logistics",
    }
    return web.page(request, name, {**helpers, **context}, status_code=status_code)


def _default_form(today: date) -> dict[str, str]:
    return {
        "goods_cny": "12.50",
        "quantity": "1",
        "weight_g": "180",
        "size_cm": "15x8x2",
        "hs_codes": "392690",
        "country": "DE",
        "date": today.isoformat(),
        "line": "",
        "price_usd": "",
        "category": "",
        "dropship": "true",
    }


@router.get("/logistics/quote", response_class=HTMLResponse)
def quote_page(request: Request) -> HTMLResponse:
    """The form with defaults; with any field in the query, the comparison under it."""
    today = _today(request)
    given = {key: value for key, value in request.query_params.items() if key in QuoteInput.model_fields}
    form = {**_default_form(today), **given}
    if given:  # an unticked box is absent from a submitted form
        form.update({box: given.get(box, "") for box in CHECKBOXES})
    catalog = _catalog(request)
    context: dict[str, Any] = {"form": form, "problems": {}, "ranking": None, "submitted": bool(given)}
    status = 200
    if given:
        try:
            values = parse_quote_input(form)
            quote_request, ranking = _rank(catalog, values, today)
        except QuoteInputInvalid as error:
            context["problems"] = error.by_field(request_language(request))
            status = 422
        else:
            context.update(_comparison(request, catalog, values, quote_request, ranking))
    day = _form_day(form, today)
    context.update(
        lines=catalog.cards_on(day),
        countries=sorted({country for card in catalog.cards_on(day) for country in card.countries()}),
        categories=sorted(key for key in catalog.policy.commission_by_category if key != "*"),
        target_margin=percent_text(catalog.policy.target_margin),
    )
    return _page(request, "logistics_quote.html", context, status)


def _form_day(form: dict[str, str], today: date) -> date:
    try:
        return date.fromisoformat(form.get("date", "").strip())
    except ValueError:
        return today


def _comparison(
    request: Request,
    catalog: LogisticsCatalog,
    values: QuoteInput,
    quote_request: QuoteRequest,
    ranking: Ranking,
) -> dict[str, Any]:
    language = request_language(request)
    zh = language == "zh-CN"
    cards = {card.line_id: card for card in catalog.cards_on(quote_request.on)}
    best = ranking.best
    rows = [
        QuoteRow(quote, quote_to_dict(quote), quote is best, catalog.is_user_card(cards[quote.line_id]))
        for quote in ranking.quotes
    ]
    charted = [cards[values.line]] if values.line else list(cards.values())
    series = freight_series(
        charted,
        quote_request.country,
        catalog.fx,
        lambda card: card.name_zh if zh else card.name_en,
        special=values.special(),
        emphasise=best.line_id if best else None,
    )
    chart = (
        line_chart_svg(
            series,
            x_label=translate("logistics.chart.x", language),
            y_label=translate("logistics.chart.y", language),
            title=translate("logistics.chart.title", language, country=quote_request.country),
            marker_x=values.weight_g,
        )
        if series
        else None
    )
    return {
        "ranking": ranking,
        "rows": rows,
        "refused": sorted(ranking.refused.items()),
        "refused_names": {line_id: (card.name_zh if zh else card.name_en) for line_id, card in cards.items()},
        "explanation": ranking.explanation_zh if zh else ranking.explanation_en,
        "price": best.price if best else None,
        "priced_for_margin": values.price_usd is None,
        "quote_day": quote_request.on,
        "chart": chart,
    }


@router.get("/logistics/lines", response_class=HTMLResponse)
def lines_page(request: Request, date: str | None = None) -> HTMLResponse:
    today = _today(request)
    try:
        day, problem = _day(date, today), None
    except QuoteInputInvalid as error:
        day, problem = today, error.by_field(request_language(request))["date"]
    catalog = _catalog(request)
    context = {
        "day": day,
        "date_problem": problem,
        "cards": [_card_entry(catalog, card) for card in catalog.cards_on(day)],
    }
    return _page(request, "logistics_lines.html", context, 422 if problem else 200)


def _card_entry(catalog: LogisticsCatalog, card: RateCard) -> dict[str, Any]:
    rates = sorted({zone.clearance_failure_rate for zone in card.zones})
    countries = card.countries()
    return {
        "card": card,
        "user_imported": catalog.is_user_card(card),
        "failure_rates": [rates[0], rates[-1]] if len(rates) > 1 else rates,  # the range over zones
        # the calculator's default destination where the line serves it, else one it does serve
        "quote_country": "DE" if "DE" in countries or not countries else countries[0],
    }


__all__ = ["money_text", "percent_text", "router"]
