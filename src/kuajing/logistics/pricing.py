"""List prices per country for a target margin (pure).

For each country the lines are ranked (lowest expected cost at a common price), then the list
price is the lowest price at which the winning line earns the target margin. The margin floor the
order loop enforces is ``CostPolicy.margin_floor`` — the same costs document these prices use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from kuajing.kit.money import Money
from kuajing.logistics.landed import CostPolicy, FxTable, QuoteRequest, landed_cost, price_for_margin
from kuajing.logistics.model import RateCard
from kuajing.logistics.rank import rank_lines
from kuajing.logistics.taxes import TaxRuleBook


@dataclass(frozen=True, slots=True)
class CountryPrice:
    country: str
    line_id: str | None  # None: no line can carry the parcel there
    price: Money | None  # USD, without VAT
    margin: Decimal | None
    total: Money | None  # CNY, what the seller bears at that price
    expected_cost: Money | None
    vat_collected_by: str | None
    buyer_pays: Money | None  # USD: the price plus VAT collected at checkout
    to_confirm: bool
    refused: dict[str, str]


def list_prices(
    request: QuoteRequest,
    countries: Sequence[str],
    cards: Sequence[RateCard],
    rules: TaxRuleBook,
    policy: CostPolicy,
    fx: FxTable,
    margin: Decimal | None = None,
) -> list[CountryPrice]:
    target = policy.target_margin if margin is None else margin
    prices: list[CountryPrice] = []
    for country in countries:
        here = replace(request, country=country, price_usd=None)
        ranking = rank_lines(here, cards, rules, replace(policy, target_margin=target), fx)
        if ranking.best is None:
            prices.append(
                CountryPrice(country, None, None, None, None, None, None, None, False, ranking.refused)
            )
            continue
        card = next(card for card in cards if card.line_id == ranking.best.line_id)
        price = price_for_margin(here, card, rules, policy, fx, target)
        quote = landed_cost(replace(here, price_usd=price), card, rules, policy, fx)
        vat_usd = quote.line("vat").usd.amount if quote.tax.vat_collected_by == "marketplace" else Decimal(0)
        prices.append(
            CountryPrice(
                country=country,
                line_id=card.line_id,
                price=quote.price,
                margin=quote.margin,
                total=quote.total,
                expected_cost=quote.expected_cost,
                vat_collected_by=quote.tax.vat_collected_by,
                buyer_pays=Money(price + vat_usd, "USD"),
                to_confirm=quote.tax.to_confirm,
                refused=ranking.refused,
            )
        )
    return prices
