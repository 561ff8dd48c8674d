"""The NumPy matrix gives landed_cost()'s figures to the fen, for every spec × country × line.

Each test builds specs, runs ``landed_matrix`` once and asks ``landed_cost()`` for every cell:
a seeded random sample on the four dates whose rules differ (IOSS before 2026-07-01, the EU's
flat €3 from that day, the US after its de minimis, the US $800 de minimis on 2025-08-28), then
the edges a float engine would get wrong: values at the €150 / £135 / $800 / A$1,000 limits,
weights at band edges, volumetric weights across a band, sub-fen costs, negative margins.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from numpy.typing import NDArray

from kuajing.logistics.catalog import shipped_catalog
from kuajing.logistics.landed import Quote, landed_cost
from kuajing.logistics.matrix import LandedMatrix, OfferSpecs, landed_matrix
from kuajing.logistics.model import LineRefused, RateCard

D = Decimal
CATALOG = shipped_catalog()
COUNTRIES = ("DE", "FR", "GB", "US", "AU", "JP", "IL", "BR")  # IL, BR: no forwarder serves them
DATES = (date(2026, 6, 30), date(2026, 7, 1), date(2026, 12, 1), date(2025, 8, 28))
HS_CODES = ("392690", "3926909790", "420212", "610910", "851830", "851762", "711719", "950300", "330499")
Figures = tuple[bool, int, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]


def cards_on(day: date) -> tuple[RateCard, ...]:
    """The lines in force; before the shipped 2026 cards start (the US de minimis date), the same
    cards dated back, so that the rules of that day are tested on the usual lines."""
    return CATALOG.cards_on(day) or tuple(
        replace(card, valid_from=date(2025, 1, 1)) for card in CATALOG.cards_on(date(2026, 1, 1))
    )


def matrix_figures(matrix: LandedMatrix, spec: int, country: int, line: int) -> Figures:
    cell = (spec, country, line)

    def cny(array: NDArray[np.int64]) -> Decimal:
        return D(int(array[cell])).scaleb(-2)

    return (
        bool(matrix.served[cell]),
        int(matrix.chargeable_g[cell]),
        cny(matrix.freight_fen),
        cny(matrix.duty_fen),
        cny(matrix.vat_fen),
        cny(matrix.total_fen),
        cny(matrix.expected_cost_fen),
        D(int(matrix.margin_bp[cell])).scaleb(-4),
    )


def quote_figures(quote: Quote) -> Figures:
    return (
        True,
        quote.chargeable_weight_g,
        quote.line("freight").cny.amount,
        quote.line("duty").cny.amount,
        quote.line("vat").cny.amount,
        quote.total.amount,
        quote.expected_cost.amount,
        quote.margin,
    )


def assert_matches_landed_cost(
    specs: OfferSpecs, day: date, countries: tuple[str, ...] = COUNTRIES
) -> dict[str, int]:
    """Every cell against ``landed_cost()``; returns how many quotes were served and refused and
    which tax regimes they went through, so a test can show what it covered."""
    cards = cards_on(day)
    matrix = landed_matrix(specs, countries, day, cards, CATALOG.rules, CATALOG.policy, CATALOG.fx, chunk=64)
    seen: dict[str, int] = {"served": 0, "refused": 0}
    for spec in range(len(specs)):
        for c, country in enumerate(countries):
            request = specs.request(spec, country, day)
            for line, card in enumerate(cards):
                try:
                    quote = landed_cost(request, card, CATALOG.rules, CATALOG.policy, CATALOG.fx)
                except LineRefused:
                    assert not matrix.served[spec, c, line], (spec, country, card.line_id)
                    assert matrix.total_fen[spec, c, line] == 0
                    seen["refused"] += 1
                    continue
                got = matrix_figures(matrix, spec, c, line)
                assert got == quote_figures(quote), (spec, country, card.line_id, request)
                seen["served"] += 1
                seen[quote.tax.regime] = seen.get(quote.tax.regime, 0) + 1
    return seen


def random_size(rng: random.Random) -> tuple[Decimal, Decimal, Decimal]:
    """Up to 65 × 45 × 30 cm, to the millimetre: some too long or too big for the small lines."""
    return (
        D(rng.randint(10, 650)).scaleb(-1),
        D(rng.randint(10, 450)).scaleb(-1),
        D(rng.randint(10, 300)).scaleb(-1),
    )


def random_specs(count: int, seed: int) -> OfferSpecs:
    rng = random.Random(seed)
    weights = [50, 51, 60, 100, 101, 500, 501, 2000, 2001, 3000, 3001, 10]
    return OfferSpecs.from_decimals(
        unit_cost_cny=[D(rng.randint(2_000, 200_000)).scaleb(-3) for _ in range(count)],  # ¥2–200, to ¥0.001
        weight_g=[rng.choice([rng.randint(20, 2000), rng.choice(weights)]) for _ in range(count)],
        size_cm=[None if rng.random() < 0.3 else random_size(rng) for _ in range(count)],
        price_usd=[
            D(rng.choice([rng.randint(100, 6_000), rng.randint(6_000, 90_000)])).scaleb(-2)
            for _ in range(count)
        ],
        hs_codes=[rng.choice(HS_CODES) for _ in range(count)],
    )


@pytest.mark.parametrize("day", DATES, ids=[day.isoformat() for day in DATES])
def test_random_specs_match_landed_cost_to_the_fen_on_each_date(day: date) -> None:
    seen = assert_matches_landed_cost(random_specs(200, seed=day.toordinal()), day)

    assert seen["served"] > 4_000 and seen["refused"] > 1_000
    assert seen.get("low_value", 0) and seen.get("high_value", 0)  # both sides of €150 / £135


def test_the_us_800_dollar_de_minimis_and_its_end_match_landed_cost() -> None:
    specs = OfferSpecs.from_decimals(
        [D("50")] * 4,
        [300] * 4,
        [None] * 4,
        [D("799.99"), D("800.00"), D("800.01"), D("20.00")],
        ["610910"] * 4,
    )

    before = assert_matches_landed_cost(specs, date(2025, 8, 28), ("US",))
    after = assert_matches_landed_cost(specs, date(2026, 7, 1), ("US",))

    assert before["de_minimis"] == 3 * len(cards_on(date(2025, 8, 28))) and before["regular"]
    assert "de_minimis" not in after


def prices_around(threshold: str, currency: str) -> list[Decimal]:
    """Nine USD prices a cent apart whose values in ``currency`` (``FxTable.convert``) straddle the
    threshold: the nearest value at or below it and the nearest above are among them."""
    fx, limit = CATALOG.fx, D(threshold)
    estimate = (limit * fx.rate(currency) / fx.rate("USD")).quantize(D("0.01"))
    prices = [estimate + D(cents).scaleb(-2) for cents in range(-4, 5)]
    values = [fx.convert(price, "USD", currency) for price in prices]
    assert max(v for v in values if v <= limit) >= limit - D("0.02")
    assert min(v for v in values if v > limit) <= limit + D("0.02")
    return prices


@pytest.mark.parametrize(
    ("country", "threshold", "currency"),
    [("DE", "150", "EUR"), ("FR", "150", "EUR"), ("GB", "135", "GBP"), ("AU", "1000", "AUD")],
)
@pytest.mark.parametrize("day", [date(2026, 6, 30), date(2026, 7, 1)], ids=["ioss", "flat-3"])
def test_values_either_side_of_the_low_value_threshold_match(
    country: str, threshold: str, currency: str, day: date
) -> None:
    prices = prices_around(threshold, currency)
    count = len(prices)
    specs = OfferSpecs.from_decimals(
        [D("35.5")] * count, [180] * count, [None] * count, prices, ["420212"] * count
    )

    seen = assert_matches_landed_cost(specs, day, (country,))

    assert seen["low_value"] and seen["high_value"]


def test_the_eu_flat_duty_stops_at_150_euros_in_the_matrix() -> None:
    prices = prices_around("150", "EUR")
    specs = OfferSpecs.from_decimals([D("20")] * 9, [100] * 9, [None] * 9, prices, ["392690"] * 9)
    day = date(2026, 7, 1)
    matrix = landed_matrix(specs, ("DE",), day, cards_on(day), CATALOG.rules, CATALOG.policy, CATALOG.fx)
    values = [CATALOG.fx.convert(price, "USD", "EUR") for price in prices]
    assert {D("149.99"), D("150.00"), D("150.01")} <= set(values)

    line = 0  # ae_premium serves DE
    for spec, value in enumerate(values):
        flat = value <= D("150")
        assert (matrix.duty_fen[spec, 0, line] == 2310) == flat  # €3 × 7.70


def band_edge_weights() -> list[int]:
    """Every band's first weight, one step past it, its top and one gram over; each card's
    minimum chargeable weight and maximum weight, and a gram either side."""
    weights = {1, 20}
    for card in cards_on(date(2026, 7, 1)):
        weights |= {
            card.min_chargeable_g - 1,
            card.min_chargeable_g,
            card.max_weight_g,
            card.max_weight_g + 1,
        }
        for zone in card.zones:
            for band in zone.bands:
                first = band.first_weight_g
                weights |= {
                    first,
                    first + 1,
                    first + band.step_g,
                    first + band.step_g + 1,
                    band.max_g,
                    band.max_g + 1,
                }
    return sorted(weight for weight in weights if weight > 0)


def test_weights_at_band_edges_match_landed_cost() -> None:
    weights = band_edge_weights()
    count = len(weights)
    specs = OfferSpecs.from_decimals(
        [D("9.99")] * count, weights, [None] * count, [D("12.99")] * count, ["711719"] * count
    )

    seen = assert_matches_landed_cost(specs, date(2026, 7, 1), ("DE", "US", "JP", "BR"))

    assert seen["refused"]  # over each line's weight limit or past its last band


def test_volumetric_weight_across_a_band_edge_matches_landed_cost() -> None:
    # ae_standard bills L×W×H / 8000: 20×20×40 cm is 2,000 g (its first band's top), 40.1 cm is 2,005 g.
    sizes = [
        (D(20), D(20), D(40)),
        (D(20), D(20), D("40.1")),
        (D(20), D(20), D("39.9")),
        (D("59.9"), D(10), D(10)),
    ]
    specs = OfferSpecs.from_decimals([D("15")] * 4, [300] * 4, sizes, [D("25")] * 4, ["851830"] * 4)
    day = date(2026, 7, 1)

    assert_matches_landed_cost(specs, day, ("DE", "US"))
    matrix = landed_matrix(specs, ("DE",), day, cards_on(day), CATALOG.rules, CATALOG.policy, CATALOG.fx)
    standard = matrix.line_ids.index("ae_standard")
    assert matrix.chargeable_g[:3, 0, standard].tolist() == [2000, 2005, 1995]


def test_sub_fen_costs_and_losses_match_landed_cost() -> None:
    # Costs half a fen either way; prices too low for the costs, so margins are negative.
    costs = [D("12.345"), D("12.3449"), D("0.005"), D("0.0049"), D("199.9999"), D("150")]
    prices = [D("1.00"), D("0.01"), D("0.99"), D("3.33"), D("5.55"), D("2.00")]
    specs = OfferSpecs.from_decimals(costs, [120] * 6, [None] * 6, prices, ["950300"] * 6)
    day = date(2026, 12, 1)

    assert_matches_landed_cost(specs, day, ("DE", "GB", "US"))
    matrix = landed_matrix(specs, ("DE",), day, cards_on(day), CATALOG.rules, CATALOG.policy, CATALOG.fx)
    assert (matrix.margin_bp[matrix.served] < 0).all()


def test_unserved_cells_are_flagged_and_zero() -> None:
    specs = random_specs(30, seed=5)
    day = date(2026, 7, 1)
    matrix = landed_matrix(specs, ("IL",), day, cards_on(day), CATALOG.rules, CATALOG.policy, CATALOG.fx)
    forwarders = [i for i, line_id in enumerate(matrix.line_ids) if line_id.startswith("fwd_")]

    assert not matrix.served[:, 0, forwarders].any()
    for figures in (matrix.freight_fen, matrix.duty_fen, matrix.vat_fen, matrix.total_fen, matrix.margin_bp):
        assert not figures[~matrix.served].any()


def test_chunk_size_does_not_change_a_figure() -> None:
    specs = random_specs(50, seed=11)
    day = date(2026, 7, 1)

    def run(chunk: int) -> LandedMatrix:
        return landed_matrix(
            specs, COUNTRIES, day, cards_on(day), CATALOG.rules, CATALOG.policy, CATALOG.fx, chunk
        )

    one, other = run(7), run(512)
    for name in ("served", "chargeable_g", "freight_fen", "duty_fen", "vat_fen", "total_fen", "margin_bp"):
        assert np.array_equal(getattr(one, name), getattr(other, name)), name


def test_figures_finer_than_the_matrix_carries_are_refused() -> None:
    with pytest.raises(ValueError, match="unit cost"):
        OfferSpecs.from_decimals([D("0.00001")], [100], [None], [D("1")], ["392690"])
    with pytest.raises(ValueError, match="price"):
        OfferSpecs.from_decimals([D("1")], [100], [None], [D("1.005")], ["392690"])
    with pytest.raises(ValueError, match="6 digits"):
        OfferSpecs.from_decimals([D("1")], [100], [None], [D("1")], ["3926"])


def test_a_card_not_in_force_on_the_day_is_refused() -> None:
    specs = random_specs(2, seed=1)
    with pytest.raises(ValueError, match="not valid on 2025-08-28"):
        landed_matrix(
            specs, ("DE",), date(2025, 8, 28), CATALOG.cards, CATALOG.rules, CATALOG.policy, CATALOG.fx
        )
