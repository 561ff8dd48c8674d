"""Selection figures per spec × country: the matrix's figures agree with landed_cost() on the shipped data."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kuajing.logistics.catalog import LogisticsCatalog, shipped_catalog
from kuajing.logistics.landed import QuoteRequest, landed_cost
from kuajing.logistics.model import Parcel
from kuajing.sourcing.selection import (
    DEFAULT_HS,
    DEFAULT_HS_BY_CATEGORY,
    ORDINARY_ON_TIME,
    SUPER_FACTORY_ON_TIME,
    SpecCandidate,
    SupplierFacts,
    prior_reliability,
    screen,
)

ON = date(2026, 7, 2)
FACTORY = SupplierFacts("深圳壳厂", True, True, True, 30, "SZ-3C")
TRADER = SupplierFacts("义乌小店", False, True, False, None, "YW")


def _candidate(offer: int, cost: str, weight: int | None, **changes: object) -> SpecCandidate:
    base = SpecCandidate(
        offer_row_id=offer,
        offer_id=600000 + offer,
        spec_id=f"s{offer}",
        spec_attributes="颜色:透明",
        title="适用iPhone15手机壳",
        category="phone_accessories",
        unit_cost_cny=Decimal(cost),
        moq=2,
        weight_g=weight,
        size_cm=(Decimal("16"), Decimal("9"), Decimal("2")),
        hs_code="392690",
        supplier_id=offer,
        supplier=FACTORY,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def catalog() -> LogisticsCatalog:
    return shipped_catalog()


def _landed(catalog: LogisticsCatalog, candidate: SpecCandidate, country: str, line: str, price: Decimal):  # type: ignore[no-untyped-def]
    request = QuoteRequest(
        unit_cost_cny=candidate.unit_cost_cny,
        quantity=1,
        parcel=Parcel(candidate.weight_g or 0, candidate.size_cm),
        hs_codes=(candidate.hs()[0],),
        country=country,
        on=ON,
        price_usd=price,
        category=candidate.category,
    )
    return landed_cost(request, catalog.card(line, ON), catalog.rules, catalog.policy, catalog.fx)


CANDIDATES = [
    _candidate(1, "12.50", 180),
    _candidate(2, "3.2150", 60, supplier=TRADER, size_cm=None),
    _candidate(3, "48", 420, hs_code=None, category="apparel"),
]


@pytest.mark.parametrize("country", ["US", "DE", "GB"])
def test_figures_at_a_given_price_equal_landed_cost_on_the_line_chosen(
    catalog: LogisticsCatalog, country: str
) -> None:
    rows = screen(
        CANDIDATES, [country], ON, catalog.cards_on(ON), catalog.rules, catalog.policy, catalog.fx,
        price_usd=Decimal("9.99"),
    )  # fmt: skip

    for row in rows:
        assert row.line_id is not None, row.reason
        quote = _landed(catalog, row.candidate, country, row.line_id, Decimal("9.99"))
        assert row.total_cny == quote.total.amount
        assert row.freight_cny == quote.line("freight").cny.amount
        assert row.duty_cny == quote.line("duty").cny.amount
        assert row.vat_cny == quote.line("vat").cny.amount
        assert row.margin == quote.margin
        assert row.expected_cost_cny == quote.expected_cost.amount
        assert row.goods_cny + row.freight_cny + row.duty_cny + row.fees_cny == row.total_cny  # type: ignore[operator]
        price_cny = catalog.fx.to_cny(Decimal("9.99"), "USD")
        assert row.expected_profit_cny == (
            (price_cny - quote.expected_cost.amount) * row.reliability
        ).quantize(Decimal("0.01"))


def test_the_chosen_line_has_the_lowest_expected_cost(catalog: LogisticsCatalog) -> None:
    [row] = screen(
        CANDIDATES[:1], ["US"], ON, catalog.cards_on(ON), catalog.rules, catalog.policy, catalog.fx,
        price_usd=Decimal("12"),
    )  # fmt: skip
    others = []
    for card in catalog.cards_on(ON):
        try:
            others.append(
                _landed(catalog, CANDIDATES[0], "US", card.line_id, Decimal("12")).expected_cost.amount
            )
        except Exception:
            continue
    assert row.expected_cost_cny == min(others)


def test_default_price_earns_about_the_target_margin_and_is_reported_exactly(
    catalog: LogisticsCatalog,
) -> None:
    rows = screen(
        CANDIDATES, ["US", "DE"], ON, catalog.cards_on(ON), catalog.rules, catalog.policy, catalog.fx
    )

    for row in rows:
        assert row.price_usd is not None and row.line_id is not None
        # A cent is ~1 % of a $1 price, so a cheap spec lands a little above the target.
        assert Decimal("-0.005") <= row.margin - catalog.policy.target_margin <= Decimal("0.02")  # type: ignore[operator]
        assert row.margin == _landed(catalog, row.candidate, row.country, row.line_id, row.price_usd).margin


def test_reliability_defaults_to_the_guides_priors_and_can_be_replaced(catalog: LogisticsCatalog) -> None:
    assert prior_reliability(FACTORY) == SUPER_FACTORY_ON_TIME
    assert prior_reliability(TRADER) == ORDINARY_ON_TIME
    [row] = screen(
        CANDIDATES[:1], ["US"], ON, catalog.cards_on(ON), catalog.rules, catalog.policy, catalog.fx,
        price_usd=Decimal("12"), reliability=lambda supplier: Decimal("0.5"),
    )  # fmt: skip
    assert row.reliability == Decimal("0.5")


def test_a_spec_without_weight_is_returned_with_the_reason_not_a_guess(catalog: LogisticsCatalog) -> None:
    [row] = screen(
        [_candidate(9, "5", None)],
        ["US"],
        ON,
        catalog.cards_on(ON),
        catalog.rules,
        catalog.policy,
        catalog.fx,
    )
    assert row.line_id is None and row.total_cny is None
    assert "weight" in row.reason


def test_an_offer_without_hs_code_uses_the_category_default_and_says_so() -> None:
    assert CANDIDATES[2].hs() == ("620462", True)
    assert CANDIDATES[0].hs() == ("392690", False)


def test_every_assumed_category_hs_code_is_an_hs_2022_subheading() -> None:
    shared = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "hs"
    nomenclature = shared / "harmonized-system-2022.csv"
    if not nomenclature.exists():  # the HS data ships in ../shared beside the checkout
        pytest.skip("HS 2022 nomenclature not beside the checkout")
    with nomenclature.open(encoding="utf-8") as handle:
        subheadings = {row["hscode"] for row in csv.DictReader(handle) if row["level"] == "6"}
    assert {DEFAULT_HS, *DEFAULT_HS_BY_CATEGORY.values()} <= subheadings
