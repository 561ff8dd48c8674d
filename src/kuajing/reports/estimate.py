"""Freight, duty, commission and payment fee of a sold order, estimated by ``landed_cost()`` (pure).

The line: the rate card whose ``service_code`` is the purchase's ``ae_service_name`` when one is
in force on the payment date, else the cheapest official line serving the country (by freight);
the estimate says which (``line_basis``). It needs the country, the parcel weight (the sourced
offers' weights × quantity) and at least one HS code; without them there is no estimate and the
report says why.
"""

from __future__ import annotations

from decimal import Decimal

from kuajing.kit.errors import KuajingError
from kuajing.logistics.catalog import LogisticsCatalog
from kuajing.logistics.landed import Quote, QuoteRequest, landed_cost
from kuajing.logistics.model import Parcel, RateCard
from kuajing.reports.model import ZERO, CostEstimate, OrderFacts


def sale_cny(facts: OrderFacts, catalog: LogisticsCatalog) -> Decimal:
    return catalog.fx.to_cny(facts.pay_amount, facts.currency)


def estimate_costs(facts: OrderFacts, catalog: LogisticsCatalog) -> tuple[CostEstimate | None, str | None]:
    """``(estimate, None)`` or ``(None, why not)``."""
    if not facts.country:
        return None, "country unknown"
    if not facts.weight_g:
        return None, "weight unknown"
    if not facts.hs_codes:
        return None, "HS code unknown"
    on = facts.paid_at.date()
    quantity = max(1, sum(line.quantity for line in facts.lines))
    goods = facts.goods_cny or ZERO
    try:
        request = QuoteRequest(
            unit_cost_cny=(goods / quantity).quantize(Decimal("0.000001")),
            quantity=quantity,
            parcel=Parcel(weight_g=facts.weight_g),
            hs_codes=facts.hs_codes,
            country=facts.country,
            on=on,
            price_usd=catalog.fx.convert(facts.pay_amount, facts.currency, "USD"),
            category=facts.category,
        )
    except KuajingError as error:
        return None, error.message_en
    cards = catalog.cards_on(on)
    matched = [card for card in cards if facts.ae_service_name and card.service_code == facts.ae_service_name]
    if matched:
        quote = _quote(request, matched[0], catalog)
        if quote is not None:
            return _estimate(quote, "matched"), None
    quotes = [q for card in cards if card.kind == "official" and (q := _quote(request, card, catalog))]
    if not quotes:
        return None, f"no official line serves {facts.country} on {on.isoformat()}"
    return _estimate(min(quotes, key=lambda q: (_freight(q), q.line_id)), "cheapest"), None


def _quote(request: QuoteRequest, card: RateCard, catalog: LogisticsCatalog) -> Quote | None:
    try:
        return landed_cost(request, card, catalog.rules, catalog.policy, catalog.fx)
    except KuajingError:
        return None  # the line does not serve this country, weight or goods


def _freight(quote: Quote) -> Decimal:
    return sum(
        (line.cny.amount for line in quote.lines if line.key.startswith(("freight", "surcharge"))), ZERO
    )


def _line(quote: Quote, key: str) -> Decimal:
    return sum((line.cny.amount for line in quote.lines if line.key == key), ZERO)


def _estimate(quote: Quote, basis: str) -> CostEstimate:
    return CostEstimate(
        freight=_freight(quote),
        duty=_line(quote, "duty"),
        commission=_line(quote, "commission"),
        fees=_line(quote, "payment_fee"),
        line_id=quote.line_id,
        line_name_zh=quote.line_name_zh,
        line_name_en=quote.line_name_en,
        line_basis=basis,
    )
