"""The seeded 1688 catalog: size, variety, realistic prices and flags, determinism."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest

from kuajing.sandbox.carriers import CARRIERS_BY_CODE
from kuajing.sandbox.catalog import Catalog, Supplier, build_catalog

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog(random.Random("1688:catalog"))


def test_catalog_has_at_least_300_offers_40_suppliers_and_8_clusters(catalog: Catalog) -> None:
    assert len(catalog.offers) >= 300
    assert len(catalog.suppliers) >= 40
    used_clusters = {supplier.cluster_code for supplier in catalog.suppliers.values()}
    assert len(used_clusters) >= 8
    assert {"yiwu", "huaqiangbei", "chenghai", "jinjiang", "caoxian", "jieyang"} <= used_clusters


def test_every_offer_has_a_chinese_title_an_english_title_and_a_material(catalog: Catalog) -> None:
    for offer in catalog.offers.values():
        assert CJK.search(offer.subject), offer.subject
        assert offer.subject_trans and not CJK.search(offer.subject_trans), offer.subject_trans
        materials = [a for a in offer.attributes if a.name == "材质"]
        assert len(materials) == 1 and materials[0].value and materials[0].value_trans


def test_some_phone_cases_titled_silicone_are_really_pvc(catalog: Catalog) -> None:
    mislabelled = [
        o
        for o in catalog.offers.values()
        if o.category == "phone_case" and o.real_material == "PVC" and o.status == "published"
    ]
    assert len(mislabelled) >= 3
    for offer in mislabelled:
        assert "硅胶" in offer.subject
        assert next(a.value for a in offer.attributes if a.name == "材质") == "硅胶"


def test_price_tiers_rise_in_quantity_and_fall_in_price(catalog: Catalog) -> None:
    for offer in catalog.offers.values():
        tiers = offer.price_tiers
        assert tiers and tiers[0].min_quantity == offer.min_order_quantity
        for lower, higher in itertools.pairwise(tiers):
            assert higher.min_quantity > lower.min_quantity
            assert Decimal(0) < higher.price < lower.price


def test_consign_price_is_never_below_the_lowest_tier(catalog: Catalog) -> None:
    for offer in catalog.offers.values():
        lowest = min(tier.price for tier in offer.price_tiers)
        for spec in offer.specs:
            assert spec.consign_price >= lowest
            assert spec.consign_price >= spec.price


def test_cheap_small_goods_have_sub_fen_prices(catalog: Catalog) -> None:
    sub_fen = [
        tier.price
        for offer in catalog.offers.values()
        for tier in offer.price_tiers
        if tier.price != tier.price.quantize(Decimal("0.01"))
    ]
    assert len(sub_fen) >= 10
    assert all(price < 1 for price in sub_fen)


def test_spec_ids_are_unique_32_hex_and_sku_ids_numeric(catalog: Catalog) -> None:
    specs = [spec for offer in catalog.offers.values() for spec in offer.specs]
    assert len({spec.spec_id for spec in specs}) == len(specs)
    assert len({spec.sku_id for spec in specs}) == len(specs)
    assert all(re.fullmatch(r"[0-9a-f]{32}", spec.spec_id) for spec in specs)
    assert all(spec.sku_id > 10**12 for spec in specs)


def test_specs_combine_colour_with_size_or_model_and_phone_cases_have_many(catalog: Catalog) -> None:
    axes = Counter(tuple(a.name for a in offer.specs[0].attributes) for offer in catalog.offers.values())
    assert axes[("颜色", "尺码")] > 0 and axes[("颜色", "适用型号")] > 0
    most_case_specs = max(len(o.specs) for o in catalog.offers.values() if o.category == "phone_case")
    assert most_case_specs >= 30


def test_some_specs_are_out_of_stock_and_some_offers_deleted(catalog: Catalog) -> None:
    stocks = [spec.stock for offer in catalog.offers.values() for spec in offer.specs]
    assert 0 in stocks and max(stocks) > 1000
    assert sum(offer.status == "deleted" for offer in catalog.offers.values()) >= 3


def test_weights_and_sizes_are_plausible_per_category(catalog: Catalog) -> None:
    for offer in catalog.offers.values():
        assert 1 <= offer.weight_g <= 1500
        assert Decimal(0) < offer.height_cm <= offer.length_cm <= Decimal(50)
    shoes = [o.weight_g for o in catalog.offers.values() if o.category == "sneakers"]
    cases = [o.weight_g for o in catalog.offers.values() if o.category == "phone_case"]
    assert min(shoes) > max(cases)


def test_supplier_flags_appear_in_plausible_shares(catalog: Catalog) -> None:
    suppliers = list(catalog.suppliers.values())

    def share(flag: Callable[[Supplier], bool]) -> float:
        return sum(map(flag, suppliers)) / len(suppliers)

    assert share(lambda s: s.trust_pass) > 0.7
    assert 0.1 <= share(lambda s: s.super_factory) <= 0.45
    assert 0.5 <= share(lambda s: s.dropship) <= 0.9
    for flag in ("cross_border", "english_customs_docs", "iso9001", "free_sample", "credit_guarantee"):
        values = {getattr(s, flag) for s in suppliers}
        assert values == {True, False}, flag
    assert any(s.custom_moq is not None and s.custom_moq <= 50 for s in suppliers)
    assert any(s.custom_moq is None for s in suppliers)
    assert sum(not s.dropship_relation for s in suppliers) >= 2
    assert all(1 <= s.trust_pass_years <= 15 for s in suppliers if s.trust_pass)


def test_some_suppliers_ship_with_an_unapproved_carrier(catalog: Catalog) -> None:
    suppliers = list(catalog.suppliers.values())
    unapproved = [s for s in suppliers if any(not CARRIERS_BY_CODE[c].approved for c in s.carrier_codes)]
    assert 0.05 <= len(unapproved) / len(suppliers) <= 0.4
    assert all(s.carrier_codes for s in suppliers)


def test_company_names_are_chinese_and_from_the_cluster_city(catalog: Catalog) -> None:
    names = [s.company_name for s in catalog.suppliers.values()]
    assert len(set(names)) == len(names)
    yiwu = [s.company_name for s in catalog.suppliers.values() if s.cluster_code == "yiwu"]
    assert yiwu and all(name.startswith("义乌市") for name in yiwu)


def test_same_seed_gives_the_same_catalog_and_another_seed_a_different_one() -> None:
    first = build_catalog(random.Random("7:catalog"))
    again = build_catalog(random.Random("7:catalog"))
    other = build_catalog(random.Random("8:catalog"))
    assert first == again
    assert first.offers.keys() != other.offers.keys()
