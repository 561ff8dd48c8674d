"""A 1688 offer spec becomes a quote request: dropship price, tier price, weight and size."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from kuajing.kit.errors import NotFound, ValidationFailed
from kuajing.logistics.offers import request_for_offer
from kuajing.marketplaces.alibaba1688.models import ProductDetail

D = Decimal


def offer(**shipping: str) -> ProductDetail:
    raw: dict[str, Any] = {
        "offerId": 610000001,
        "subject": "硅胶手机壳",
        "priceRangeList": [
            {"startQuantity": 2, "price": "2.50"},
            {"startQuantity": 100, "price": "2.10"},
            {"startQuantity": 1000, "price": "0.035"},
        ],
        "productShippingInfo": shipping
        or {"weight": "0.045", "length": "16", "width": "8.5", "height": "1.2"},
        "productSkuInfos": [
            {"skuId": 5001, "specId": "a" * 32, "price": "2.50", "consignPrice": "2.85", "amountOnSale": 120},
            {"skuId": 5002, "specId": "b" * 32, "price": "2.50", "amountOnSale": 80},
        ],
        "sellerInfo": {"memberId": "b2b-22"},
    }
    return ProductDetail.model_validate(raw)


def request(**overrides: Any):  # type: ignore[no-untyped-def]
    fields: dict[str, Any] = {
        "quantity": 1,
        "country": "DE",
        "on": date(2026, 12, 1),
        "hs_codes": ("392690",),
    }
    fields.update(overrides)
    spec = fields.pop("spec", "a" * 32)
    detail = fields.pop("detail", offer())
    return request_for_offer(detail, spec, **fields)


def test_dropship_pays_the_specs_consign_price() -> None:
    assert request().unit_cost_cny == D("2.85")


def test_a_spec_without_consign_price_pays_the_tier_price_for_the_quantity() -> None:
    assert request(spec="b" * 32).unit_cost_cny == D("2.50")  # below the first tier: the MOQ price
    assert request(spec="b" * 32, quantity=100).unit_cost_cny == D("2.10")
    assert request(spec=None, quantity=5000).unit_cost_cny == D("0.035")  # sub-fen tier kept exact


def test_bulk_pays_the_tier_price_even_where_a_dropship_price_exists() -> None:
    assert request(dropship=False, quantity=1000).unit_cost_cny == D("0.035")


def test_weight_and_size_come_from_the_offer_per_piece() -> None:
    one = request()
    assert one.parcel.weight_g == 45 and one.parcel.size_cm == (D(16), D("8.5"), D("1.2"))
    three = request(quantity=3)
    assert three.parcel.weight_g == 135 and three.parcel.size_cm is None  # packed size unknown


def test_the_users_parcel_weight_wins_and_a_missing_weight_asks_for_one() -> None:
    assert request(weight_g=200).parcel.weight_g == 200
    with pytest.raises(ValidationFailed) as missing:
        request(detail=offer(length="10"))
    assert missing.value.details["field"] == "weight_g"


def test_an_unknown_spec_is_named() -> None:
    with pytest.raises(NotFound, match=r"c{32}"):
        request(spec="c" * 32)
