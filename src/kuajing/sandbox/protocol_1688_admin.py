"""``/sandbox/1688/*``: set up the 1688 failure cases the product must survive, and look inside.

Suppliers rename or remove SKUs, run out of stock, change prices, delist offers and drop the
dropship relation; these endpoints make each happen on demand. Also: the push target, token
expiry, forced dispatch and the list of purchases (with how many share an ``outOrderId``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from kuajing.sandbox.buyer_model import BuyerRefusal, Purchase, to_1688_time
from kuajing.sandbox.catalog import Offer, Spec
from kuajing.sandbox.protocol_1688_replies import product_detail, yuan
from kuajing.sandbox.protocol_1688_tokens import TokenBook
from kuajing.sandbox.world import World


class PushTarget(BaseModel):
    url: str | None = None


def build_router(world: World, tokens: TokenBook) -> APIRouter:
    router = APIRouter(prefix="/sandbox/1688", tags=["sandbox 1688"])
    catalog = world.catalog

    def find_spec(spec_id: str) -> tuple[Offer, Spec]:
        for offer in catalog.offers.values():
            spec = offer.spec(spec_id)
            if spec is not None:
                return offer, spec
        raise HTTPException(404, f"spec {spec_id} not found")

    def find_offer(offer_id: int) -> Offer:
        offer = catalog.offers.get(offer_id)
        if offer is None:
            raise HTTPException(404, f"offer {offer_id} not found")
        return offer

    @router.post("/push-target")
    async def set_push_target(target: PushTarget) -> dict[str, Any]:
        world.buyer.outbox.set_target(target.url)
        return {"url": world.buyer.outbox.target}

    @router.get("/push")
    async def push_summary(limit: int = Query(50, ge=0, le=10_000)) -> dict[str, Any]:
        outbox = world.buyer.outbox
        outbox.flush()
        shown = outbox.messages[-limit:] if limit else []
        recent = [
            {
                "msgId": m.msg_id,
                "type": m.type,
                "gmtBorn": m.gmt_born,
                "delivery": m.delivery,
                "deliveries": m.deliveries,
                "copies": m.copies,
            }
            for m in shown
        ]
        return {**outbox.summary(), "recent": recent}

    @router.post("/tokens/expire")
    async def expire_tokens(access_token: str | None = None) -> dict[str, Any]:
        """Expire one access token, or all of them (the configured one included)."""
        return {"expired": tokens.expire(access_token)}

    @router.post("/specs/{spec_id}/stock")
    async def set_stock(spec_id: str, stock: int = Query(ge=0, le=10_000_000)) -> dict[str, Any]:
        offer, spec = find_spec(spec_id)
        spec.stock = stock
        return {"offerId": offer.offer_id, "specId": spec_id, "amountOnSale": stock}

    @router.post("/specs/{spec_id}/consign-price")
    async def set_consign_price(
        spec_id: str, price: str = Query(description="yuan, e.g. 12.50")
    ) -> dict[str, Any]:
        try:
            amount = Decimal(price)
        except InvalidOperation as exc:
            raise HTTPException(422, f"price {price!r} is not a number") from exc
        if not amount.is_finite() or amount <= 0:
            raise HTTPException(422, "price must be positive")
        offer, spec = find_spec(spec_id)
        spec.consign_price = amount
        return {"offerId": offer.offer_id, "specId": spec_id, "consignPrice": yuan(amount)}

    @router.delete("/specs/{spec_id}")
    async def delete_spec(spec_id: str) -> dict[str, Any]:
        """The supplier removed this SKU: orders naming it get 500_002."""
        offer, spec = find_spec(spec_id)
        offer.specs.remove(spec)
        return {"offerId": offer.offer_id, "deleted": spec_id}

    @router.post("/offers/{offer_id}/delist")
    async def delist_offer(offer_id: int) -> dict[str, Any]:
        offer = find_offer(offer_id)
        offer.status = "deleted"
        return {"offerId": offer_id, "status": offer.status}

    @router.post("/suppliers/{member_id}/dropship-relation")
    async def set_dropship_relation(member_id: str, enabled: bool = False) -> dict[str, Any]:
        supplier = catalog.suppliers.get(member_id)
        if supplier is None:
            raise HTTPException(404, f"supplier {member_id} not found")
        supplier.dropship_relation = enabled
        return {"memberId": member_id, "dropshipRelation": enabled}

    @router.get("/offers")
    async def list_offers(
        offset: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=1000), category: str | None = None
    ) -> dict[str, Any]:
        offers = [o for o in catalog.offers.values() if not category or o.category == category]
        return {
            "total": len(offers),
            "offers": [
                {
                    "offerId": o.offer_id,
                    "subject": o.subject,
                    "category": o.category,
                    "status": o.status,
                    "supplierMemberId": o.supplier_member_id,
                    "specIds": [s.spec_id for s in o.specs],
                }
                for o in offers[offset : offset + limit]
            ],
        }

    @router.get("/offers/{offer_id}")
    async def offer_truth(offer_id: int) -> dict[str, Any]:
        """The offer as the API shows it, plus the hidden truth (real material)."""
        offer = find_offer(offer_id)
        return {**product_detail(catalog, offer), "realMaterial": offer.real_material}

    @router.get("/purchases")
    async def list_purchases(out_order_id: str | None = None) -> dict[str, Any]:
        purchases = [
            p
            for p in world.buyer.purchases.values()
            if out_order_id is None or p.out_order_id == out_order_id
        ]
        return {"total": len(purchases), "purchases": [_purchase_summary(p) for p in purchases]}

    @router.get("/refunds")
    async def list_refunds(order_id: int | None = None) -> dict[str, Any]:
        """Every refund the buyer account opened (amounts in fen, entry ids, status): the truth."""
        refunds = [r for r in world.buyer.refunds.values() if order_id is None or r.order_id == order_id]
        return {
            "total": len(refunds),
            "refunds": [
                {
                    "refundId": r.refund_id,
                    "orderId": str(r.order_id),
                    "orderEntryIds": list(r.entry_ids),
                    "applyPaymentFen": r.apply_payment_fen,
                    "applyCarriageFen": r.apply_carriage_fen,
                    "reasonId": r.reason.id,
                    "goodsStatus": r.goods_status,
                    "status": r.status,
                    "description": r.description,
                    "vouchers": list(r.vouchers),
                }
                for r in refunds
            ],
        }

    @router.post("/purchases/{order_id}/dispatch")
    async def dispatch_now(order_id: int) -> dict[str, Any]:
        try:
            purchase = world.buyer.dispatch_now(order_id)
        except BuyerRefusal as refusal:
            status = 404 if refusal.code == "ORDER_NOT_FOUND" else 409
            raise HTTPException(status, refusal.message) from refusal
        return _purchase_summary(purchase)

    return router


def _purchase_summary(purchase: Purchase) -> dict[str, Any]:
    shipment = purchase.shipment
    return {
        "orderId": str(purchase.order_id),
        "outOrderId": purchase.out_order_id,
        "status": purchase.status,
        "sellerMemberId": purchase.seller_member_id,
        "totalAmountFen": purchase.total_fen,
        "createTime": to_1688_time(purchase.created_at),
        "dispatchDue": to_1688_time(purchase.dispatch_due),
        "refundStatus": purchase.refund_status,
        "tracking": None
        if shipment is None
        else {
            "logisticsBillNo": shipment.bill_no,
            "carrier": shipment.carrier_code,
            "logisticsCompanyName": shipment.company_name,
            "status": shipment.status,
            "steps": len(shipment.steps),
        },
    }
