"""landed_cost(), pricing and the best line — one order worked out by hand, step by step."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from kuajing.kit.errors import ValidationFailed
from kuajing.logistics.landed import (
    CostPolicy,
    FxTable,
    QuoteRequest,
    landed_cost,
    price_for_margin,
)
from kuajing.logistics.model import Parcel, RateCard, Surcharge, WeightBand, Zone
from kuajing.logistics.rank import rank_lines
from kuajing.logistics.taxes import TaxRule, TaxRuleBook

D = Decimal
FX = FxTable(as_of=date(2026, 7, 1), cny_per={"USD": D("7.10"), "EUR": D("7.70")})
POLICY = CostPolicy(
    commission_by_category={"*": D("0.08"), "electronics": D("0.05")},
    payment_fee_rate=D("0"),
    ads_rate=D("0.05"),
    returns_rate=D("0.02"),
    packaging_cny=D("0.50"),
    domestic_freight_cny=D("3.00"),
    target_margin=D("0.25"),
    margin_floor=D("0.10"),
    source="test",
)
EU_FLAT = TaxRule(
    rule_id="eu-flat",
    countries=("DE",),
    valid_from=date(2026, 7, 1),
    valid_to=date(2028, 7, 1),
    currency="EUR",
    vat_rates={"DE": D("0.19")},
    source="test",
    low_value_threshold=D("150"),
    low_value_duty="flat_per_hs6",
    flat_duty_per_hs6=D("3"),
    low_value_vat="marketplace",
    high_value_vat="customs",
    default_duty_rate=D("0.065"),
)
RULES = TaxRuleBook((EU_FLAT,))


def line(line_id: str, first_fee: str, failure: str, kind: str = "official") -> RateCard:
    zone = Zone(
        code="2",
        countries=("DE",),
        bands=(WeightBand(2000, 50, D(first_fee), 10, D("0.08")),),
        transit_days=(8, 18),
        clearance_failure_rate=D(failure),
    )
    return RateCard(
        line_id=line_id,
        name_zh=line_id,
        name_en=line_id,
        kind=kind,
        currency="USD",
        valid_from=date(2026, 1, 1),
        valid_to=None,
        source="test",
        sample=False,
        version="1",
        zones=(zone,),
        surcharges={"battery": Surcharge(per_parcel=D("0.80"))},
    )


OFFICIAL = line("official", "3.10", "0.005")
REQUEST = QuoteRequest(
    unit_cost_cny=D("12.50"),
    quantity=1,
    parcel=Parcel(180),
    hs_codes=("392690",),
    country="DE",
    on=date(2026, 7, 2),
    price_usd=D("15.00"),
)


def test_every_cost_line_at_a_given_price() -> None:
    quote = landed_cost(REQUEST, OFFICIAL, RULES, POLICY, FX)
    cny = {item.key: item.cny.amount for item in quote.lines}
    assert cny == {
        "goods": D("12.50"),
        "domestic_freight": D("0"),  # dropship: the supplier ships
        "packaging": D("0.50"),
        "freight": D("29.39"),  # $3.10 + 13 × $0.08 = $4.14 × 7.10 = 29.394
        "duty": D("23.10"),  # €3 × 7.70
        "vat": D("20.25"),  # $15 → €13.83; 19 % = €2.63 × 7.70 = 20.251
        "commission": D("8.52"),  # 8 % × $15 = $1.20
        "payment_fee": D("0.00"),
        "ads": D("5.33"),  # $0.75 × 7.10 = 5.325, half-up
        "returns": D("2.13"),
    }
    assert quote.line("freight").amount.amount == D("4.14")
    assert quote.tax.vat_collected_by == "marketplace"
    assert not quote.line("vat").in_total  # AliExpress adds it at checkout: not the seller's cost
    assert quote.total.amount == D("81.47")
    assert quote.total_usd.amount == D("11.47")
    assert quote.profit.amount == D("25.03")  # 106.50 − 81.47
    assert quote.margin == D("0.2350")


def test_expected_cost_adds_failure_rate_times_goods_reshipment_and_lost_margin() -> None:
    quote = landed_cost(REQUEST, OFFICIAL, RULES, POLICY, FX)
    # 0.5 % × (12.50 goods + 29.39 reshipment + 25.03 margin) = 0.3346
    assert quote.risk.amount == D("0.33")
    assert quote.expected_cost.amount == D("81.80")


def test_each_column_adds_up_to_its_total_and_every_line_names_its_source() -> None:
    quote = landed_cost(REQUEST, OFFICIAL, RULES, POLICY, FX)
    borne = [item for item in quote.lines if item.in_total]
    assert sum(item.cny.amount for item in borne) == quote.total.amount
    assert sum(item.usd.amount for item in borne) == quote.total_usd.amount
    assert all(item.source for item in quote.lines)
    assert "eu-flat" in quote.line("duty").source
    assert "official v1 zone 2" in quote.line("freight").source


def test_price_for_the_target_margin_is_the_lowest_cent_that_reaches_it() -> None:
    request = replace(REQUEST, price_usd=None)
    price = price_for_margin(request, OFFICIAL, RULES, POLICY, FX)
    assert price == D("15.38")  # (65.49 / 7.10) / (1 − 15 % fees − 25 %) = 15.373 → up to the cent
    assert landed_cost(replace(REQUEST, price_usd=price), OFFICIAL, RULES, POLICY, FX).margin >= D("0.25")
    cheaper = landed_cost(replace(REQUEST, price_usd=price - D("0.01")), OFFICIAL, RULES, POLICY, FX)
    assert cheaper.margin < D("0.25")
    assert landed_cost(request, OFFICIAL, RULES, POLICY, FX).price.amount == price


def test_price_for_margin_crosses_the_threshold_into_regular_duty() -> None:
    pricey = replace(REQUEST, unit_cost_cny=D("900"), price_usd=None)
    price = price_for_margin(pricey, OFFICIAL, RULES, POLICY, FX)
    quote = landed_cost(replace(pricey, price_usd=price), OFFICIAL, RULES, POLICY, FX)
    assert quote.tax.regime == "high_value" and quote.tax.vat_collected_by == "customs"
    assert quote.margin >= D("0.25")


def test_fees_and_margin_above_the_whole_price_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        price_for_margin(replace(REQUEST, price_usd=None), OFFICIAL, RULES, POLICY, FX, margin=D("0.86"))


def test_commission_follows_the_category() -> None:
    quote = landed_cost(replace(REQUEST, category="electronics"), OFFICIAL, RULES, POLICY, FX)
    assert quote.line("commission").usd.amount == D("0.75")  # 5 % × $15


def test_bulk_purchases_pay_domestic_freight_and_special_goods_pay_surcharges() -> None:
    bulk = replace(REQUEST, dropship=False, parcel=Parcel(180, battery=True))
    quote = landed_cost(bulk, OFFICIAL, RULES, POLICY, FX)
    assert quote.line("domestic_freight").cny.amount == D("3.00")
    assert quote.line("surcharge_battery").cny.amount == D("5.68")  # $0.80 × 7.10


def test_a_card_outside_its_dates_is_refused() -> None:
    old = replace(OFFICIAL, valid_to=date(2026, 7, 1))
    with pytest.raises(ValidationFailed):
        landed_cost(REQUEST, old, RULES, POLICY, FX)


def test_a_cheaper_forwarder_loses_when_its_failure_rate_costs_more_than_it_saves() -> None:
    forwarder = line("forwarder", "2.90", "0.058", kind="forwarder")  # $0.20 cheaper, 5.8 % failures
    ranking = rank_lines(REQUEST, [forwarder, OFFICIAL], RULES, POLICY, FX)
    assert [quote.line_id for quote in ranking.quotes] == ["official", "forwarder"]
    best, runner_up = ranking.quotes
    assert runner_up.total < best.total and runner_up.expected_cost > best.expected_cost
    assert "5.8 %" in ranking.explanation_en and "5.8%" in ranking.explanation_zh
    assert "dearer in expectation" in ranking.explanation_en


def test_a_much_cheaper_forwarder_wins_and_the_sentence_says_by_how_much() -> None:
    forwarder = line("forwarder", "1.90", "0.058", kind="forwarder")
    ranking = rank_lines(REQUEST, [OFFICIAL, forwarder], RULES, POLICY, FX)
    assert ranking.best is not None and ranking.best.line_id == "forwarder"
    gap = ranking.quotes[1].expected_cost.amount - ranking.quotes[0].expected_cost.amount
    assert f"¥{gap} less than the runner-up" in ranking.explanation_en


def test_ranking_lists_lines_that_cannot_carry_the_parcel_with_the_reason() -> None:
    liquid = replace(REQUEST, parcel=Parcel(180, liquid=True))
    no_liquids = replace(OFFICIAL, line_id="dry", surcharges={"liquid": Surcharge(allowed=False)})
    ranking = rank_lines(liquid, [no_liquids, OFFICIAL], RULES, POLICY, FX)
    assert ranking.refused == {"dry": "liquid_not_accepted"}
    assert [quote.line_id for quote in ranking.quotes] == ["official"]


def test_without_a_price_all_lines_are_compared_at_one_price() -> None:
    forwarder = line("forwarder", "2.90", "0.058", kind="forwarder")
    ranking = rank_lines(replace(REQUEST, price_usd=None), [OFFICIAL, forwarder], RULES, POLICY, FX)
    prices = {quote.price for quote in ranking.quotes}
    assert len(prices) == 1


def test_bad_requests_are_refused_with_what_is_wrong() -> None:
    with pytest.raises(ValidationFailed, match="quantity"):
        replace(REQUEST, quantity=0)
    with pytest.raises(ValidationFailed, match="HS code"):
        replace(REQUEST, hs_codes=())
    with pytest.raises(ValidationFailed, match="ISO code"):
        replace(REQUEST, country="Germany")
