"""Our duty and VAT against landed-cost-calculator 0.3.1 (``landed_cost.calculate``), the peer.

Where both express the same thing — ad-valorem duty on the goods (FOB) or on goods + freight
(CIF), and import VAT on goods + freight + duty, i.e. a parcel above the EU's €150 or the UK's
£135 — they agree to the cent. They part where the peer has no words for a rule, and on a
cent where the rounding differs:
- no de minimis (the US $800 until 2025-08-28): the peer charges duty on every parcel;
- no flat duty per HS6 subheading (the EU's €3 from 2026-07-01): only a rate on the value;
- no VAT collected at sale (IOSS, UK ≤ £135): its VAT is always import VAT, on freight and duty too;
- no freight of its own, so no volumetric weight: it bills whatever freight it is given;
- it rounds once, at the end, with ``round()`` on binary floats: a duty of exactly half a cent
  goes down there and up here (half-up), and its VAT is taken on the unrounded duty where ours is
  on the duty as assessed (rounded to the cent), which moves the VAT a cent now and then.
The peer sees the rule's currency throughout (fx_rate 1): the comparison is of the tax rules.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from landed_cost import calculate  # type: ignore[import-untyped]

from kuajing.logistics.assess import assess
from kuajing.logistics.model import Parcel, RateCard, WeightBand, Zone, freight, round_money
from kuajing.logistics.taxes import TaxAssessment, TaxRule

D = Decimal
HALF_CENT = D("0.005")


def eu_rule(duty_includes_freight: bool, duty_rate: str = "0.065", vat_rate: str = "0.19") -> TaxRule:
    """The EU after 2026-07-01 as we model it, with rates under the test's control."""
    return TaxRule(
        rule_id="eu-test",
        countries=("DE",),
        valid_from=date(2026, 7, 1),
        valid_to=None,
        currency="EUR",
        vat_rates={"DE": D(vat_rate)},
        source="test",
        low_value_threshold=D("150"),
        low_value_duty="flat_per_hs6",
        flat_duty_per_hs6=D("3"),
        low_value_vat="marketplace",
        high_value_vat="customs",
        duty_includes_freight=duty_includes_freight,
        default_duty_rate=D(duty_rate),
    )


def ours(
    rule: TaxRule, value: str, freight_amount: str, hs_codes: tuple[str, ...] = ("392690",)
) -> TaxAssessment:
    share = D(value) / len(hs_codes)
    return assess(rule, "DE", D(value), D(freight_amount), [(hs, share) for hs in hs_codes])


def peer(rule: TaxRule, value: str, freight_amount: str) -> dict[str, Any]:
    """The same parcel in the peer's words: goods at ``value``, the rule's rates, fx 1."""
    result: dict[str, Any] = calculate(
        unit_price=float(value),
        quantity=1,
        freight_total=float(freight_amount),
        tariff_rate=float(rule.default_duty_rate + rule.surcharge_rate),
        vat_rate=float(rule.vat_rate("DE")),
        duty_includes_freight=rule.duty_includes_freight,
        currency=rule.currency,
    )
    return result


def cents(amount: float) -> Decimal:
    return D(str(amount)).quantize(D("0.01"))


def is_half_cent_tie(amount: Decimal) -> bool:
    return (amount / HALF_CENT) % 2 == 1


def test_duty_and_import_vat_agree_to_the_cent_above_the_threshold() -> None:
    rng = random.Random(1688)
    compared = {"duty": 0, "vat": 0}
    for _ in range(2_000):
        rule = eu_rule(
            duty_includes_freight=rng.random() < 0.5,
            duty_rate=rng.choice(["0", "0.02", "0.03", "0.04", "0.065", "0.097", "0.12", "0.165"]),
            vat_rate=rng.choice(["0.17", "0.19", "0.20", "0.21", "0.22", "0.23", "0.25", "0.255", "0.27"]),
        )
        value, freight_amount = (
            str(D(rng.randint(15_001, 80_000)).scaleb(-2)),
            str(D(rng.randint(50, 6_000)).scaleb(-2)),
        )
        tax, theirs = ours(rule, value, freight_amount), peer(rule, value, freight_amount)
        assert tax.regime == "high_value" and tax.vat_collected_by in ("customs", "none")

        customs_value = D(value) + (D(freight_amount) if rule.duty_includes_freight else 0)
        assert cents(theirs["duty_basis"]) == customs_value
        exact_duty = customs_value * rule.default_duty_rate
        if not is_half_cent_tie(exact_duty):  # a tie is where float rounding parts (test below)
            assert cents(theirs["duty"]) == tax.duty
            compared["duty"] += 1
        exact_vat = (D(value) + D(freight_amount) + exact_duty) * rule.vat_rate("DE")
        if round_money(exact_vat) == tax.vat and not is_half_cent_tie(exact_vat):
            # The duty's rounding did not move our VAT: both say the same thing.
            assert cents(theirs["vat"]) == tax.vat
            compared["vat"] += 1
        assert abs(cents(theirs["vat"]) - tax.vat) <= D("0.01")
    assert compared["duty"] > 1_950 and compared["vat"] > 1_800


def test_goods_only_duty_maps_to_the_peers_default_and_cif_to_duty_includes_freight() -> None:
    fob, cif = eu_rule(duty_includes_freight=False), eu_rule(duty_includes_freight=True)

    assert (ours(fob, "200.00", "12.40").duty, cents(peer(fob, "200.00", "12.40")["duty"])) == (
        D("13.00"),
    ) * 2
    assert (ours(cif, "200.00", "12.40").duty, cents(peer(cif, "200.00", "12.40")["duty"])) == (
        D("13.81"),
    ) * 2
    # VAT on 200 + 12.40 + 13.81 at 19 %
    assert (ours(cif, "200.00", "12.40").vat, cents(peer(cif, "200.00", "12.40")["vat"])) == (D("42.98"),) * 2


def test_a_duty_of_exactly_half_a_cent_rounds_up_here_and_down_in_the_peers_floats() -> None:
    rule = eu_rule(duty_includes_freight=False, duty_rate="0.03")

    # 150.50 × 3 % = 4.515 exactly; the float 150.5 * 0.03 is 4.51499…, and round() keeps 4.51.
    assert ours(rule, "150.50", "9.00").duty == D("4.52")
    assert cents(peer(rule, "150.50", "9.00")["duty"]) == D("4.51")
    # 201.50 × 3 % = 6.045
    assert (ours(rule, "201.50", "9.00").duty, cents(peer(rule, "201.50", "9.00")["duty"])) == (
        D("6.05"),
        D("6.04"),
    )


def test_our_vat_is_on_the_duty_as_assessed_and_the_peers_on_the_unrounded_duty() -> None:
    rule = eu_rule(duty_includes_freight=True, duty_rate="0.02", vat_rate="0.255")  # Finland's rate

    tax, theirs = ours(rule, "184.78", "31.50"), peer(rule, "184.78", "31.50")

    # Duty: (184.78 + 31.50) × 2 % = 4.3256 → 4.33 on both sides.
    assert tax.duty == cents(theirs["duty"]) == D("4.33")
    # VAT: ours (184.78 + 31.50 + 4.33) × 25.5 % = 56.25555 → 56.26;
    # the peer's (184.78 + 31.50 + 4.3256) × 25.5 % = 56.254428 → 56.25.
    assert (tax.vat, cents(theirs["vat"])) == (D("56.26"), D("56.25"))


def test_below_the_us_de_minimis_we_charge_nothing_and_the_peer_charges_duty() -> None:
    us_800 = TaxRule(
        rule_id="us-de-minimis-test",
        countries=("US",),
        valid_from=date(2016, 3, 10),
        valid_to=date(2025, 8, 29),
        currency="USD",
        vat_rates={"US": D("0")},
        source="test",
        de_minimis=D("800"),
        low_value_vat="none",
        high_value_vat="none",
        duty_includes_freight=False,
        default_duty_rate=D("0.053"),
    )

    tax = assess(us_800, "US", D("500.00"), D("8.00"), [("392690", D("500.00"))])
    theirs = calculate(unit_price=500.0, quantity=1, freight_total=8.0, tariff_rate=0.053)

    assert (tax.regime, tax.duty, tax.vat) == ("de_minimis", D("0"), D("0"))
    assert cents(theirs["duty"]) == D("26.50")  # 5.3 % of $500: the peer has no de minimis


def test_the_eu_flat_duty_counts_subheadings_where_the_peer_can_only_take_a_rate() -> None:
    rule = eu_rule(duty_includes_freight=True, duty_rate="0.12")

    # A €40 parcel with a T-shirt (6109 10) and a bag (4202 12): two subheadings, €3 each.
    tax = ours(rule, "40.00", "5.00", hs_codes=("610910", "420212"))
    theirs = peer(rule, "40.00", "5.00")

    assert (tax.regime, tax.duty) == ("low_value", D("6.00"))
    assert cents(theirs["duty"]) == D("5.40")  # 12 % of €40 goods + €5 freight


def test_low_value_vat_is_on_the_price_at_sale_here_and_on_import_in_the_peer() -> None:
    rule = eu_rule(duty_includes_freight=True, duty_rate="0")

    tax, theirs = ours(rule, "40.00", "5.00"), peer(rule, "40.00", "5.00")

    # IOSS: AliExpress collects 19 % of the €40 price at checkout, not of freight or duty.
    assert (tax.vat_collected_by, tax.vat_basis, tax.vat) == ("marketplace", D("40.00"), D("7.60"))
    assert (cents(theirs["vat_basis"]), cents(theirs["vat"])) == (D("45.00"), D("8.55"))


def test_freight_is_billed_on_volumetric_weight_here_and_taken_as_given_by_the_peer() -> None:
    card = RateCard(
        line_id="standard-test",
        name_zh="标准",
        name_en="Standard",
        kind="official",
        currency="EUR",
        valid_from=date(2026, 1, 1),
        valid_to=None,
        source="test",
        sample=True,
        version="1",
        zones=(Zone("2", ("DE",), (WeightBand(2000, 50, D("3.90"), 10, D("0.09")),), (8, 18), D("0.005")),),
        volumetric_divisor=8000,
    )
    light_but_big = Parcel(300, (D(30), D(20), D(20)))  # 12,000 cm³ / 8,000 = 1.5 kg

    charge = freight(card, light_but_big, "DE")
    on_actual_weight = round_money(card.zones[0].bands[0].fee(300))

    assert (charge.chargeable_g, charge.base, on_actual_weight) == (
        1500,
        D("16.95"),
        D("3.90") + 25 * D("0.09"),
    )
    # Handed the actual-weight freight a seller might quote, the peer's landed cost is short by
    # the freight difference and the import VAT on it.
    rule = eu_rule(duty_includes_freight=True, duty_rate="0.04")
    short = peer(rule, "200.00", str(on_actual_weight))["total_landed_cost"]
    billed = peer(rule, "200.00", str(charge.base))["total_landed_cost"]
    # 10.80 more freight, 4 % duty on it (0.432) and 19 % VAT on both (2.134): €13.37.
    assert (cents(short), cents(billed)) == (D("255.13"), D("268.50"))
