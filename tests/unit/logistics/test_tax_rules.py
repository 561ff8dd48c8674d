"""Duty and VAT under the shipped, dated rules — every country rule at its boundaries, by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kuajing.kit.errors import NotFound, ValidationFailed
from kuajing.logistics.assess import assess
from kuajing.logistics.catalog import shipped_catalog
from kuajing.logistics.taxes import TaxRule, TaxRuleBook, distinct_hs6

D = Decimal
RULES = shipped_catalog().rules


def eu(day: date, value: str, *items: str, freight: str = "3.00", country: str = "DE"):
    rule = RULES.rule_for(country, day)
    share = D(value) / len(items)
    return rule, assess(rule, country, D(value), D(freight), [(hs, share) for hs in items])


def test_eu_day_before_flat_duty_low_value_parcel_pays_no_duty_and_ioss_vat_at_sale() -> None:
    rule, tax = eu(date(2026, 6, 30), "20.00", "392690")
    assert rule.rule_id == "eu-ioss-2021"
    assert tax.duty == D("0.00")
    assert (tax.vat, tax.vat_collected_by) == (D("3.80"), "marketplace")  # 19 % of €20


def test_eu_from_2026_07_01_three_euro_per_distinct_hs6() -> None:
    rule, tax = eu(date(2026, 7, 1), "20.00", "392690")
    assert rule.rule_id == "eu-flat-3-2026"
    assert tax.duty == D("3.00")


def test_two_items_of_one_subheading_and_one_of_another_pay_six_euro() -> None:
    _, tax = eu(date(2026, 7, 2), "60.00", "6106100010", "6106100090", "610620")
    assert distinct_hs6(["6106100010", "6106100090", "610620"]) == ("610610", "610620")
    assert tax.duty == D("6.00")


def test_exactly_150_euro_is_still_low_value() -> None:
    _, tax = eu(date(2026, 7, 2), "150.00", "392690")
    assert (tax.regime, tax.duty, tax.vat_collected_by) == ("low_value", D("3.00"), "marketplace")
    assert tax.vat == D("28.50")  # 19 % × 150, on the intrinsic value


def test_above_150_euro_regular_duty_on_goods_plus_freight_and_import_vat() -> None:
    _, tax = eu(date(2026, 7, 2), "150.01", "392690", freight="10.00")
    # customs value 160.01 × 6.5 % = 10.40065 → 10.40; VAT 19 % × (150.01 + 10.00 + 10.40) = 32.3779 → 32.38
    assert (tax.regime, tax.duty) == ("high_value", D("10.40"))
    assert (tax.vat, tax.vat_collected_by) == (D("32.38"), "customs")


def test_eu_vat_rate_is_the_destination_countrys() -> None:
    _, france = eu(date(2026, 7, 2), "20.00", "392690", country="FR")
    _, hungary = eu(date(2026, 7, 2), "20.00", "392690", country="HU")
    assert (france.vat, hungary.vat) == (D("4.00"), D("5.40"))


def test_eu_flat_duty_ends_2028_07_01_and_the_next_rule_is_to_confirm() -> None:
    assert RULES.rule_for("DE", date(2028, 6, 30)).rule_id == "eu-flat-3-2026"
    after = RULES.rule_for("DE", date(2028, 7, 1))
    assert after.rule_id == "eu-after-2028" and after.to_confirm


def test_uk_135_pound_boundary() -> None:
    rule = RULES.rule_for("GB", date(2026, 12, 1))
    low = assess(rule, "GB", D("135.00"), D("5.00"), [("392690", D("135.00"))])
    assert (low.duty, low.vat, low.vat_collected_by) == (D("0.00"), D("27.00"), "marketplace")
    high = assess(rule, "GB", D("135.01"), D("5.00"), [("392690", D("135.01"))])
    # duty 6 % × 140.01 = 8.4006 → 8.40; VAT 20 % × (135.01 + 5.00 + 8.40) = 29.682 → 29.68
    assert (high.duty, high.vat, high.vat_collected_by) == (D("8.40"), D("29.68"), "customs")


def test_us_de_minimis_until_2025_08_28_then_every_parcel_pays_duty() -> None:
    before = RULES.rule_for("US", date(2025, 8, 28))
    tax = assess(before, "US", D("800.00"), D("5"), [("392690", D("800.00"))])
    assert (tax.regime, tax.duty, tax.vat) == ("de_minimis", D("0"), D("0"))
    above = assess(before, "US", D("800.01"), D("5"), [("392690", D("800.01"))])
    assert above.duty == D("42.40")  # 5.3 % × 800.01 (US values goods without freight)
    on_the_day = RULES.rule_for("US", date(2025, 8, 29))
    small = assess(on_the_day, "US", D("10.00"), D("5"), [("392690", D("10.00"))])
    assert small.regime == "regular" and small.duty == D("3.53")  # (5.3 % + IEEPA 30 %) × 10


def test_us_section_122_surcharge_window() -> None:
    assert RULES.rule_for("US", date(2026, 2, 23)).rule_id == "us-ieepa-2025-11"
    rule = RULES.rule_for("US", date(2026, 2, 24))
    assert (rule.rule_id, rule.surcharge_rate) == ("us-section-122", D("0.10"))
    tax = assess(rule, "US", D("10.00"), D("5"), [("420212", D("10.00"))])
    assert tax.duty == D("3.00")  # (20 % + 10 %) × 10
    last_day = RULES.rule_for("US", date(2026, 7, 23))
    assert last_day.rule_id == "us-section-122"
    after = RULES.rule_for("US", date(2026, 7, 24))
    assert after.rule_id == "us-after-2026-07-24" and after.to_confirm and after.surcharge_rate == 0


def test_australia_gst_at_sale_up_to_1000_dollars() -> None:
    rule = RULES.rule_for("AU", date(2026, 12, 1))
    tax = assess(rule, "AU", D("1000.00"), D("10"), [("392690", D("1000.00"))])
    assert (tax.duty, tax.vat, tax.vat_collected_by) == (D("0.00"), D("100.00"), "marketplace")


def test_other_countries_fall_back_to_the_default_rule_marked_to_confirm() -> None:
    rule = RULES.rule_for("JP", date(2026, 12, 1))
    assert rule.rule_id == "world-default" and rule.to_confirm
    tax = assess(rule, "JP", D("20.00"), D("3.00"), [("392690", D("20.00"))])
    # 5 % × 23.00 = 1.15; 10 % × (20 + 3 + 1.15) = 2.415 → 2.42 at import
    assert (tax.duty, tax.vat, tax.vat_collected_by) == (D("1.15"), D("2.42"), "customs")


def test_longest_hs_prefix_wins() -> None:
    rule = RULES.rule_for("DE", date(2026, 1, 1))
    assert rule.duty_rate("420212") == (D("0.097"), "420212")
    assert rule.duty_rate("420219") == (D("0.03"), "4202")
    assert rule.duty_rate("999999") == (D("0.04"), "")


def test_a_users_rule_wins_over_the_shipped_one_on_its_dates() -> None:
    mine = TaxRule(
        rule_id="my-de",
        countries=("DE",),
        valid_from=date(2026, 7, 1),
        valid_to=None,
        currency="EUR",
        vat_rates={"DE": D("0.07")},
        source="my accountant",
        user_defined=True,
    )
    book = RULES.with_rules([mine])
    assert book.rule_for("DE", date(2026, 7, 1)).rule_id == "my-de"
    assert book.rule_for("DE", date(2026, 6, 30)).rule_id == "eu-ioss-2021"
    assert book.rule_for("FR", date(2026, 7, 1)).rule_id == "eu-flat-3-2026"


def test_no_rule_at_all_is_a_clear_error() -> None:
    with pytest.raises(NotFound) as missing:
        TaxRuleBook(()).rule_for("DE", date(2026, 7, 1))
    assert missing.value.details == {"country": "DE", "date": "2026-07-01"}


def test_hs_codes_need_six_digits() -> None:
    with pytest.raises(ValidationFailed, match="6 digits") as short:
        distinct_hs6(["3926"])
    assert short.value.details == {"field": "hs", "value": "3926"}
