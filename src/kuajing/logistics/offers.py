"""A 1688 offer spec → a quote request: the price the seller pays, the weight and size it ships at.

Dropship orders pay the spec's 代发价 (``consign_price``) where the supplier sets one, otherwise
the tier price for the quantity; bulk orders pay the tier price. Weight and size come from the
offer's shipping info (per piece); a missing weight is an error that says to pass one.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, Decimal

from kuajing.kit.errors import NotFound, ValidationFailed
from kuajing.logistics.landed import QuoteRequest
from kuajing.logistics.model import Parcel
from kuajing.marketplaces.alibaba1688.models import ProductDetail


def unit_cost(detail: ProductDetail, spec_id: str | None, quantity: int, *, dropship: bool) -> Decimal:
    sku = detail.sku(spec_id) if spec_id else None
    if spec_id and sku is None:
        raise NotFound(
            f"offer {detail.offer_id} has no spec {spec_id}",
            f"商品 {detail.offer_id} 没有规格 {spec_id}",
            details={"offer": detail.offer_id, "spec": spec_id},
        )
    if dropship and sku is not None and sku.consign_price is not None:
        return sku.consign_price.amount
    return detail.tier_price(quantity).amount


def request_for_offer(
    detail: ProductDetail,
    spec_id: str | None,
    *,
    quantity: int,
    country: str,
    on: date,
    hs_codes: tuple[str, ...],
    dropship: bool = True,
    price_usd: Decimal | None = None,
    category: str | None = None,
    weight_g: int | None = None,
    size_cm: tuple[Decimal, Decimal, Decimal] | None = None,
) -> QuoteRequest:
    """``weight_g`` / ``size_cm`` override the offer's (the packed parcel often differs)."""
    if weight_g is None:
        if detail.shipping.weight is None:
            raise ValidationFailed(
                f"offer {detail.offer_id} states no weight: pass the parcel weight",
                f"商品 {detail.offer_id} 未标注重量,请填写包裹重量",
                details={"field": "weight_g", "offer": detail.offer_id},
            )
        weight_g = int((detail.shipping.weight * 1000 * quantity).to_integral_value(rounding=ROUND_CEILING))
    shipping = detail.shipping
    if size_cm is None and quantity == 1 and shipping.length and shipping.width and shipping.height:
        size_cm = (shipping.length, shipping.width, shipping.height)
    return QuoteRequest(
        unit_cost_cny=unit_cost(detail, spec_id, quantity, dropship=dropship),
        quantity=quantity,
        parcel=Parcel(weight_g, size_cm),
        hs_codes=hs_codes,
        country=country,
        on=on,
        price_usd=price_usd,
        category=category,
        dropship=dropship,
    )
