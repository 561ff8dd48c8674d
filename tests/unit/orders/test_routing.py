from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from kuajing.kit.money import CurrencyMismatch, FxRate, Money
from kuajing.orders.reasons import FIX_ACTIONS, REASONS, ReasonCode, describe
from kuajing.orders.routing import (
    AddressFacts,
    IncompleteAddress,
    LineFacts,
    MappingFacts,
    RoutingPolicy,
    SupplierFacts,
    address_for_1688,
    decide,
    missing_address_fields,
)

R = ReasonCode
POLICY = RoutingPolicy(fx=FxRate("USD", "CNY", Decimal("7"), date(2024, 5, 1)))
GOOD_SUPPLIER = SupplierFacts("b2b-factory", trust_pass=True, super_factory=True)
MAPPING = MappingFacts("6100000001", "spec-blk", 1, Money.of("20", "CNY"))
FULL_ADDRESS = AddressFacts(
    province="Ile-de-France",
    city="Paris",
    district="11e",
    street="Rue Oberkampf",
    address_line="12 Rue Oberkampf, apt 3",
    zip="75011",
    contact="Marie Dupont",
    phone="+33 612345678",
)


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")


def clean_line() -> LineFacts:
    """A line that routes to "buy": 1 × $10 sold (¥70, ¥64.40 after 8 % commission), ¥20 cost."""
    return LineFacts(
        order_status="WAIT_SELLER_SEND_GOODS",
        frozen=False,
        in_issue=False,
        sku_code="AE-CASE-BLK",
        quantity=1,
        sale_unit_price=Money.of("10", "USD"),
        mapped=MAPPING,
        offer_available=True,
        spec_available=True,
        stock=100,
        current_unit_price=cny("20"),
        supplier=GOOD_SUPPLIER,
        destination_country="FR",
        address=FULL_ADDRESS,
    )


def test_clean_line_is_bought() -> None:
    decision = decide(clean_line(), POLICY)
    assert decision.action == "buy"
    assert decision.reasons == ()


# -- precedence -------------------------------------------------------------------------------------

BROKEN = replace(clean_line(), mapped=None, supplier=None, destination_country="", address=AddressFacts())


@pytest.mark.parametrize(
    "line",
    [replace(BROKEN, order_status="IN_CANCEL"), replace(BROKEN, frozen=True, order_status="IN_CANCEL")],
)
def test_cancelled_order_is_skipped_whatever_else_is_wrong(line: LineFacts) -> None:
    decision = decide(line, POLICY)
    assert (decision.action, decision.reasons) == ("skip", (R.ORDER_CANCELLED,))


def test_order_finished_before_shipping_is_skipped_as_cancelled() -> None:
    decision = decide(replace(clean_line(), order_status="FINISH", closed_before_shipping=True), POLICY)
    assert (decision.action, decision.reasons) == ("skip", (R.ORDER_CANCELLED,))


def test_frozen_order_goes_to_a_person_with_only_the_frozen_reason() -> None:
    for line in (replace(BROKEN, frozen=True), replace(BROKEN, order_status="IN_FROZEN")):
        decision = decide(line, POLICY)
        assert (decision.action, decision.reasons) == ("manual", (R.ORDER_FROZEN,))


def test_order_in_dispute_goes_to_a_person_with_only_the_issue_reason() -> None:
    for line in (replace(BROKEN, in_issue=True), replace(BROKEN, order_status="IN_ISSUE")):
        decision = decide(line, POLICY)
        assert (decision.action, decision.reasons) == ("manual", (R.ORDER_IN_ISSUE,))


def test_frozen_and_in_dispute_reports_both() -> None:
    decision = decide(replace(clean_line(), frozen=True, in_issue=True), POLICY)
    assert decision.reasons == (R.ORDER_FROZEN, R.ORDER_IN_ISSUE)


# -- one test per reason ----------------------------------------------------------------------------


def test_unmapped_sku_goes_to_manual_queue_with_reason() -> None:
    decision = decide(replace(clean_line(), mapped=None), POLICY)
    assert (decision.action, decision.reasons) == ("manual", (R.UNMAPPED_SKU,))
    assert decision.facts["sku"] == "AE-CASE-BLK"
    assert "AE-CASE-BLK" in decision.texts()[0].message_zh


@pytest.mark.parametrize(("offer", "spec"), [(False, True), (True, False), (False, False)])
def test_delisted_offer_or_vanished_spec_is_offer_unavailable_and_nothing_about_its_stock(
    offer: bool, spec: bool
) -> None:
    line = replace(
        clean_line(), offer_available=offer, spec_available=spec, stock=0, current_unit_price=cny("99")
    )
    decision = decide(line, POLICY)
    assert decision.reasons == (R.OFFER_UNAVAILABLE,)
    assert (decision.facts["offer_id"], decision.facts["spec_id"]) == ("6100000001", "spec-blk")


def test_stock_is_compared_with_quantity_times_multiplier() -> None:
    line = replace(clean_line(), quantity=2, sale_unit_price=Money.of("100", "USD"))
    line = replace(line, mapped=replace(MAPPING, quantity_multiplier=3))
    assert decide(replace(line, stock=6), POLICY).action == "buy"
    short = decide(replace(line, stock=5), POLICY)
    assert short.reasons == (R.OUT_OF_STOCK,)
    assert (short.facts["needed"], short.facts["stock"]) == ("6", "5")


def test_unknown_stock_does_not_block() -> None:
    assert decide(replace(clean_line(), stock=None), POLICY).action == "buy"


@pytest.mark.parametrize("current", ["22", "18", "22.00"])
def test_price_moved_exactly_ten_percent_is_allowed(current: str) -> None:
    assert decide(replace(clean_line(), current_unit_price=cny(current)), POLICY).action == "buy"


def test_price_moved_by_ten_point_zero_one_percent_is_flagged_with_the_numbers() -> None:
    decision = decide(replace(clean_line(), current_unit_price=cny("22.002")), POLICY)
    assert decision.reasons == (R.PRICE_MOVED,)
    assert decision.facts["pct"] == "+10.01"
    assert decision.facts["tolerance"] == "10"
    assert "+10.01%" in decision.texts()[0].message_zh


def test_price_drop_beyond_tolerance_is_flagged_too() -> None:
    decision = decide(replace(clean_line(), current_unit_price=cny("17.998")), POLICY)
    assert decision.reasons == (R.PRICE_MOVED,)
    assert decision.facts["pct"] == "-10.01"


def test_price_is_not_compared_without_a_cost_at_mapping_time() -> None:
    line = replace(
        clean_line(), mapped=replace(MAPPING, unit_cost_at_mapping=None), current_unit_price=cny("40")
    )
    assert decide(line, POLICY).action == "buy"


def _margin_line(cost: str) -> LineFacts:
    # $10 × 7 = ¥70 revenue, ¥64.40 after 8 % commission; a 10 % margin leaves ¥57.96 for goods.
    return replace(
        clean_line(), mapped=replace(MAPPING, unit_cost_at_mapping=None), current_unit_price=cny(cost)
    )


def test_margin_exactly_at_the_floor_is_allowed() -> None:
    assert decide(_margin_line("57.96"), POLICY).action == "buy"


def test_margin_just_below_the_floor_is_flagged_with_margin_and_floor() -> None:
    decision = decide(_margin_line("57.97"), POLICY)
    assert decision.reasons == (R.MARGIN_BELOW_FLOOR,)
    assert (decision.facts["margin"], decision.facts["floor"]) == ("9.98", "10")


def test_margin_counts_quantity_and_multiplier_on_the_cost_side() -> None:
    line = _margin_line("19.32")  # 3 pieces × ¥19.32 = ¥57.96: exactly the floor
    line = replace(line, mapped=replace(MAPPING, quantity_multiplier=3))
    assert decide(line, POLICY).action == "buy"
    assert decide(replace(line, current_unit_price=cny("19.33")), POLICY).reasons == (R.MARGIN_BELOW_FLOOR,)


def test_sale_price_in_cny_is_used_without_conversion() -> None:
    line = replace(_margin_line("57.96"), sale_unit_price=cny("70"))
    assert decide(line, POLICY).action == "buy"
    assert decide(replace(line, sale_unit_price=cny("69.99")), POLICY).reasons == (R.MARGIN_BELOW_FLOOR,)


def test_sale_currency_the_rate_cannot_convert_raises() -> None:
    with pytest.raises(CurrencyMismatch):
        decide(replace(clean_line(), sale_unit_price=Money.of("10", "EUR")), POLICY)


def test_destination_blocked_by_the_team_is_not_served() -> None:
    policy = replace(POLICY, blocked_countries=frozenset({" fr", ""}))
    decision = decide(clean_line(), policy)
    assert (decision.reasons, decision.facts["country"]) == ((R.DESTINATION_NOT_SERVED,), "FR")


def test_destination_the_supplier_excludes_is_not_served() -> None:
    supplier = replace(GOOD_SUPPLIER, excluded_countries=frozenset({"FR", "DE"}))
    line = replace(clean_line(), supplier=supplier, destination_country="fr")
    assert decide(line, POLICY).reasons == (R.DESTINATION_NOT_SERVED,)


def test_supplier_without_dropship_relation_is_reported() -> None:
    decision = decide(replace(clean_line(), supplier=replace(GOOD_SUPPLIER, dropship_relation=False)), POLICY)
    assert (decision.reasons, decision.facts["supplier"]) == ((R.NO_DROPSHIP_RELATION,), "b2b-factory")


@pytest.mark.parametrize(("trust_pass", "super_factory"), [(False, True), (True, False), (False, False)])
def test_supplier_not_trust_pass_and_super_factory_is_not_eligible(
    trust_pass: bool, super_factory: bool
) -> None:
    supplier = SupplierFacts("small-shop", trust_pass=trust_pass, super_factory=super_factory)
    decision = decide(replace(clean_line(), supplier=supplier), POLICY)
    assert decision.reasons == (R.SUPPLIER_NOT_ELIGIBLE,)
    assert "诚信通+超级工厂" in decision.texts()[0].message_zh


def test_eligibility_rule_is_a_setting() -> None:
    supplier = SupplierFacts("small-shop", trust_pass=True, super_factory=False)
    policy = replace(POLICY, require_super_factory=False)
    assert decide(replace(clean_line(), supplier=supplier), policy).action == "buy"


def test_mapped_line_without_supplier_facts_is_not_eligible() -> None:
    assert decide(replace(clean_line(), supplier=None), POLICY).reasons == (R.SUPPLIER_NOT_ELIGIBLE,)


@pytest.mark.parametrize("field", ["province", "city", "address_line", "zip", "contact", "phone"])
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_address_missing_a_required_field_is_incomplete(field: str, blank: str | None) -> None:
    address = replace(FULL_ADDRESS, **{field: blank})
    decision = decide(replace(clean_line(), address=address), POLICY)
    assert decision.reasons == (R.ADDRESS_INCOMPLETE,)
    assert missing_address_fields(address) == (field,)
    with pytest.raises(IncompleteAddress) as raised:
        address_for_1688(address)
    assert isinstance(raised.value, ValueError)
    assert raised.value.missing == (field,)


def test_address_without_district_or_street_is_complete_with_city_and_zip_standing_in() -> None:
    address = replace(FULL_ADDRESS, district=None, street="  ")
    assert decide(replace(clean_line(), address=address), POLICY).action == "buy"
    assert address_for_1688(address) == {
        "fullName": "Marie Dupont",
        "mobile": "+33 612345678",
        "phone": "+33 612345678",
        "postCode": "75011",
        "provinceText": "Ile-de-France",
        "cityText": "Paris",
        "areaText": "Paris",
        "townText": "75011",
        "address": "12 Rue Oberkampf, apt 3",
    }


def test_address_with_district_and_street_uses_them_for_the_lower_levels() -> None:
    param = address_for_1688(FULL_ADDRESS)
    assert (param["areaText"], param["townText"]) == ("11e", "Rue Oberkampf")


def test_missing_destination_country_makes_the_address_incomplete() -> None:
    decision = decide(replace(clean_line(), destination_country=""), POLICY)
    assert decision.reasons == (R.ADDRESS_INCOMPLETE,)
    assert decision.facts["missing_en"] == "country"


def test_every_problem_is_reported_at_once_in_a_fixed_order() -> None:
    line = replace(
        clean_line(),
        stock=0,
        current_unit_price=cny("80"),
        supplier=SupplierFacts("small-shop", trust_pass=False, super_factory=False, dropship_relation=False),
        address=replace(FULL_ADDRESS, zip=None, phone=""),
    )
    decision = decide(line, replace(POLICY, blocked_countries=frozenset({"FR"})))
    assert decision.action == "manual"
    assert decision.reasons == (
        R.OUT_OF_STOCK,
        R.PRICE_MOVED,
        R.MARGIN_BELOW_FLOOR,
        R.DESTINATION_NOT_SERVED,
        R.NO_DROPSHIP_RELATION,
        R.SUPPLIER_NOT_ELIGIBLE,
        R.ADDRESS_INCOMPLETE,
    )
    assert decision.facts["missing_zh"] == "邮编、电话"
    assert all("{" not in text.message_zh + text.message_en for text in decision.texts())


def test_unmapped_line_still_reports_its_address_and_destination() -> None:
    line = replace(clean_line(), mapped=None, supplier=None, address=replace(FULL_ADDRESS, contact=None))
    decision = decide(line, replace(POLICY, blocked_countries=frozenset({"FR"})))
    assert decision.reasons == (R.UNMAPPED_SKU, R.DESTINATION_NOT_SERVED, R.ADDRESS_INCOMPLETE)


def test_store_that_approves_every_purchase_sends_clean_lines_to_a_person() -> None:
    decision = decide(clean_line(), replace(POLICY, approve_every_purchase=True))
    assert (decision.action, decision.reasons) == ("manual", (R.MANUAL_APPROVAL_REQUIRED,))


def test_policy_refuses_a_commission_of_one_hundred_percent() -> None:
    with pytest.raises(ValueError):
        replace(POLICY, platform_commission=Decimal(1))


# -- the catalog ------------------------------------------------------------------------------------


def test_every_reason_code_has_texts_and_a_known_fix() -> None:
    assert set(REASONS) == set(ReasonCode)
    for code, reason in REASONS.items():
        assert reason.code is code
        assert reason.fix in FIX_ACTIONS
        assert all((reason.message_zh, reason.message_en, reason.action_zh, reason.action_en))


@pytest.mark.parametrize("code", list(ReasonCode))
def test_describe_without_facts_falls_back_to_the_title(code: ReasonCode) -> None:
    text = describe(code)
    assert "{" not in text.message_zh and "{" not in text.message_en
    assert text.message("zh-CN") == text.message_zh and text.message("en") == text.message_en


def test_describe_fills_the_facts_it_is_given() -> None:
    text = describe(R.SUPPLIER_REFUSED, platform_code="500_004", platform_message="库存不足")
    assert text.message_zh == "1688拒绝下单:库存不足(错误码 500_004)"
    assert text.fix == "review_purchase"
    assert describe(R.PRICE_MOVED, pct="+12").message_en == "1688 price moved"  # a fact missing
