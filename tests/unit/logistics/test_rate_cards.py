"""Rate cards: chargeable weight, weight-band edges, surcharges, limits — hand-computed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kuajing.kit.errors import ValidationFailed
from kuajing.logistics.model import (
    LineRefused,
    Parcel,
    RateCard,
    Surcharge,
    WeightBand,
    Zone,
    freight,
    parse_size_cm,
    round_money,
)

D = Decimal


def card(divisor: int | None = None, **overrides: object) -> RateCard:
    zone = Zone(
        code="EU",
        countries=("DE", "FR"),
        bands=(
            WeightBand(max_g=2000, first_weight_g=50, first_fee=D("3.10"), step_g=10, step_fee=D("0.08")),
            WeightBand(
                max_g=30000,
                first_weight_g=2000,
                first_fee=D("20.00"),
                step_g=500,
                step_fee=D("3.90"),
                parcel_fee=D("1.00"),
            ),
        ),
        transit_days=(8, 18),
        clearance_failure_rate=D("0.005"),
        failure_rate_by_country={"FR": D("0.01")},
    )
    fields: dict[str, object] = {
        "line_id": "test_line",
        "name_zh": "测试线路",
        "name_en": "Test line",
        "kind": "official",
        "currency": "USD",
        "valid_from": date(2026, 1, 1),
        "valid_to": date(2027, 1, 1),
        "source": "test",
        "sample": False,
        "version": "1",
        "zones": (zone,),
        "volumetric_divisor": divisor,
        "min_chargeable_g": 10,
        "max_weight_g": 30000,
        "max_side_cm": D("60"),
        "max_sum_cm": D("90"),
        "surcharges": {
            "battery": Surcharge(allowed=True, per_parcel=D("0.80"), per_kg=D("0.50")),
            "liquid": Surcharge(allowed=False),
        },
    }
    fields.update(overrides)
    return RateCard(**fields)  # type: ignore[arg-type]


def test_first_weight_covers_parcels_up_to_it() -> None:
    assert freight(card(), Parcel(50), "DE").base == D("3.10")
    assert freight(card(), Parcel(1), "DE").chargeable_g == 10  # the card's minimum chargeable weight


def test_each_started_step_is_charged_whole() -> None:
    assert freight(card(), Parcel(51), "DE").base == D("3.18")  # 1 g over → one 10 g step
    assert freight(card(), Parcel(60), "DE").base == D("3.18")
    assert freight(card(), Parcel(61), "DE").base == D("3.26")
    assert freight(card(), Parcel(180), "DE").base == D("4.14")  # 3.10 + 13 × 0.08


def test_band_edge_is_inclusive_and_the_next_gram_moves_to_the_next_band() -> None:
    at_edge = freight(card(), Parcel(2000), "DE")
    assert (at_edge.band_index, at_edge.base) == (0, D("18.70"))  # 3.10 + 195 × 0.08
    over = freight(card(), Parcel(2001), "DE")
    assert (over.band_index, over.base) == (1, D("24.90"))  # 1.00 + 20.00 + 1 × 3.90


def test_volumetric_weight_is_billed_when_above_actual() -> None:
    parcel = Parcel(180, (D(30), D(20), D(10)))  # 6000 cm³ / 5000 = 1.2 kg
    charge = freight(card(divisor=5000), parcel, "DE")
    assert (charge.volumetric_g, charge.chargeable_g) == (1200, 1200)
    assert charge.base == D("12.30")  # 3.10 + 115 × 0.08


def test_volumetric_grams_round_up_and_actual_wins_when_heavier() -> None:
    assert Parcel(10, (D("15"), D("8"), D("2.1"))).volumetric_g(5000) == 51  # 50.4 g → 51 g
    assert freight(card(divisor=5000), Parcel(180, (D(15), D(8), D(2))), "DE").chargeable_g == 180
    assert freight(card(divisor=None), Parcel(180, (D(30), D(20), D(10))), "DE").chargeable_g == 180


def test_air_cargo_divisor_6000_gives_less_volumetric_weight_than_express() -> None:
    parcel = Parcel(100, (D(30), D(20), D(10)))
    assert freight(card(divisor=6000), parcel, "DE").chargeable_g == 1000
    assert freight(card(divisor=5000), parcel, "DE").chargeable_g == 1200


def test_battery_surcharge_per_parcel_and_per_kg_rounded_to_the_cent() -> None:
    charge = freight(card(), Parcel(333, battery=True), "DE")
    assert charge.surcharges == {"battery": D("0.97")}  # 0.80 + 0.5 × 0.333 = 0.9665
    assert charge.amount == charge.base + D("0.97")


def test_refusals_name_the_reason() -> None:
    with pytest.raises(LineRefused) as refused:
        freight(card(), Parcel(100, liquid=True), "DE")
    assert refused.value.details["reason"] == "liquid_not_accepted"
    assert card().refusal(Parcel(100), "US") == "country_not_served"
    assert card().refusal(Parcel(30001), "DE") == "too_heavy"
    assert card().refusal(Parcel(100, (D(61), D(1), D(1))), "DE") == "too_long"
    assert card().refusal(Parcel(100, (D(50), D(30), D(11))), "DE") == "too_big"


def test_clearance_failure_rate_per_country_overrides_the_zone() -> None:
    assert freight(card(), Parcel(100), "FR").clearance_failure_rate == D("0.01")
    assert freight(card(), Parcel(100), "DE").clearance_failure_rate == D("0.005")


def test_card_validity_is_inclusive_from_exclusive_to() -> None:
    assert card().valid_on(date(2026, 1, 1))
    assert card().valid_on(date(2026, 12, 31))
    assert not card().valid_on(date(2027, 1, 1))
    assert not card().valid_on(date(2025, 12, 31))


def test_rounding_is_half_up_at_the_cent() -> None:
    assert round_money(D("0.005")) == D("0.01")
    assert round_money(D("0.0049")) == D("0.00")
    assert round_money(D("2.675")) == D("2.68")  # a float would give 2.67


def test_size_accepts_the_usual_separators_and_refuses_nonsense() -> None:
    assert parse_size_cm("15x8x2") == (D(15), D(8), D(2))
    assert parse_size_cm("15×8×2.5") == (D(15), D(8), D("2.5"))
    assert parse_size_cm("15*8*2") == (D(15), D(8), D(2))
    for bad in ("15x8", "15x8x0", "axbxc", "15x8x-1"):
        with pytest.raises(ValidationFailed):
            parse_size_cm(bad)


def test_parcel_refuses_non_positive_weight() -> None:
    with pytest.raises(ValidationFailed):
        Parcel(0)
