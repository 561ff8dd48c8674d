"""List price per country: the lowest price that earns the target margin on the winning line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from kuajing.logistics.catalog import shipped_catalog
from kuajing.logistics.landed import QuoteRequest, landed_cost
from kuajing.logistics.model import Parcel
from kuajing.logistics.pricing import list_prices

D = Decimal
CATALOG = shipped_catalog()
DAY = date(2026, 12, 1)
REQUEST = QuoteRequest(D("12.50"), 1, Parcel(180), ("392690",), "US", DAY)


def test_each_country_gets_the_lowest_price_reaching_the_margin_on_its_best_line() -> None:
    cards = CATALOG.cards_on(DAY)
    rows = list_prices(
        REQUEST, ["DE", "GB", "US"], cards, CATALOG.rules, CATALOG.policy, CATALOG.fx, D("0.30")
    )
    assert [row.country for row in rows] == ["DE", "GB", "US"]
    for row in rows:
        assert row.line_id is not None and row.price is not None and row.margin is not None
        assert row.margin >= D("0.30")
        card = CATALOG.card(row.line_id, DAY)
        one_cent_less = replace(REQUEST, country=row.country, price_usd=row.price.amount - D("0.01"))
        assert landed_cost(one_cent_less, card, CATALOG.rules, CATALOG.policy, CATALOG.fx).margin < D("0.30")


def test_buyer_pays_the_price_plus_vat_collected_at_checkout() -> None:
    cards = CATALOG.cards_on(DAY)
    de, us = list_prices(REQUEST, ["DE", "US"], cards, CATALOG.rules, CATALOG.policy, CATALOG.fx)
    assert de.vat_collected_by == "marketplace" and de.price and de.buyer_pays
    assert de.buyer_pays.amount > de.price.amount
    assert us.price and us.buyer_pays and us.buyer_pays.amount == us.price.amount  # no VAT in the US
    assert us.to_confirm  # the US rule after 2026-07-24 is to confirm


def test_a_country_no_line_serves_says_why() -> None:
    cards = CATALOG.cards_on(DAY)
    (row,) = list_prices(REQUEST, ["NZ"], cards, CATALOG.rules, CATALOG.policy, CATALOG.fx)
    assert row.line_id is None and row.price is None
    assert set(row.refused.values()) == {"country_not_served"}
