"""``/sandbox/aliexpress/*``: the AliExpress side's control surface (stores, truth, buyer actions).

Unlike the protocol, these replies may show the sandbox's hidden truth (which 1688 spec a SKU
is): tests and the demo use it to check the product's SKU mapping.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, HTTPException, Query

from kuajing.kit.clock import to_ae_time
from kuajing.sandbox.storefront import StorefrontRefusal
from kuajing.sandbox.storefront_disputes import REASON_BY_CODE, Dispute, disputes_of
from kuajing.sandbox.storefront_listings import Listing, Store
from kuajing.sandbox.storefront_orders import AeOrder, OrderStatus
from kuajing.sandbox.world import World


def build_router(world: World) -> APIRouter:
    router = APIRouter(prefix="/sandbox/aliexpress", tags=["sandbox: aliexpress"])
    storefront = world.storefront

    @router.get("/stores")
    async def stores() -> dict[str, Any]:
        return {"stores": [_store(store) for store in storefront.stores]}

    @router.get("/stores/{number}/listings")
    async def listings(number: int) -> dict[str, Any]:
        if not 1 <= number <= len(storefront.stores):
            raise HTTPException(404, f"no store {number}")
        return {"listings": [_listing(listing) for listing in storefront.store(number).listing_list()]}

    @router.get("/orders/{order_id}")
    async def order(order_id: int) -> dict[str, Any]:
        found = storefront.orders.get(order_id)
        if found is None:
            raise HTTPException(404, f"order {order_id} not found")
        return _order(found)

    @router.post("/orders/{order_id}/cancel")
    async def buyer_cancel(order_id: int) -> dict[str, Any]:
        """The buyer asks to cancel (→ IN_CANCEL); refused once anything has shipped."""
        try:
            return _order(storefront.buyer_cancel(order_id))
        except StorefrontRefusal as refusal:
            status = 404 if refusal.code == "ORDER_NOT_FOUND" else 409
            raise HTTPException(status, refusal.message) from refusal

    @router.post("/orders/{order_id}/status")
    async def set_status(order_id: int, status: str = Query()) -> dict[str, Any]:
        try:
            new_status = OrderStatus(status)
        except ValueError as exc:
            raise HTTPException(422, f"unknown status {status!r}") from exc
        try:
            return _order(storefront.set_status(order_id, new_status))
        except StorefrontRefusal as refusal:
            raise HTTPException(404, refusal.message) from refusal

    @router.post("/orders/{order_id}/dispute")
    async def open_dispute(order_id: int, reason: str | None = Query(None)) -> dict[str, Any]:
        """The buyer opens a dispute (→ IN_ISSUE) with a reason code, or the order's own."""
        if reason is not None and reason not in REASON_BY_CODE:
            raise HTTPException(422, f"unknown reason {reason!r}; one of {', '.join(REASON_BY_CODE)}")
        try:
            return _dispute(disputes_of(storefront).open(order_id, reason))
        except StorefrontRefusal as refusal:
            raise HTTPException(404, refusal.message) from refusal

    @router.get("/disputes")
    async def disputes() -> dict[str, Any]:
        found = disputes_of(storefront)
        found.refresh()
        return {"disputes": [_dispute(d) for d in found.by_order.values()]}

    @router.post("/tokens/expire")
    async def expire_token(token: str = Query()) -> dict[str, Any]:
        if not storefront.tokens.expire(token, time.time()):
            raise HTTPException(404, "unknown token")
        return {"expired": True}

    return router


def _store(store: Store) -> dict[str, Any]:
    return {
        "number": store.number,
        "seller_id": store.seller_id,
        "name": store.name,
        "access_token": store.access_token,
        "auth_code": store.auth_code,
        "listings": len(store.listings),
    }


def _listing(listing: Listing) -> dict[str, Any]:
    return {
        "product_id": listing.product_id,
        "subject": listing.subject,
        "offer_id": listing.offer_id,
        "supplier_member_id": listing.supplier_member_id,
        "handling_days": listing.handling_days,
        "skus": [
            {
                "sku_code": sku.sku_code,
                "sku_price": f"{sku.sku_price:.2f}",
                "offer_id": sku.offer_id,
                "spec_id": sku.spec_id,
                "multiplier": sku.multiplier,
            }
            for sku in listing.skus
        ],
    }


def _order(order: AeOrder) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "store_number": order.store_number,
        "status": order.status.value,
        "end_reason": order.end_reason,
        "gmt_pay_time": to_ae_time(order.gmt_pay_time),
        "ship_by": order.ship_by.isoformat(),
        "country": order.address.country,
        "lines": [
            {
                "child_id": line.child_id,
                "product_id": line.product_id,
                "sku_code": line.sku_code,
                "product_count": line.product_count,
            }
            for line in order.lines
        ],
        "shipments": [
            {
                "service_name": s.service_name,
                "logistics_no": s.logistics_no,
                "send_type": s.send_type,
                "gmt_send": s.gmt_send.isoformat(),
            }
            for s in order.shipments
        ],
    }


def _dispute(dispute: Dispute) -> dict[str, Any]:
    return {
        "issue_id": dispute.issue_id,
        "order_id": dispute.order_id,
        "store_number": dispute.store_number,
        "status": dispute.status,
        "reason": dispute.reason.code,
        "reason_zh": dispute.reason.zh,
        "reason_en": dispute.reason.en,
        "refund_amount": f"{dispute.refund_amount:.2f}",
        "buyer_login_id": dispute.buyer_login_id,
    }
