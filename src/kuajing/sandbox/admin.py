"""``/sandbox/*``: the control surface tests, the demo and the CLI use (JSON replies).

These are the contract endpoints other work builds on; each platform's protocol module may add
its own under ``/sandbox/aliexpress/*`` or ``/sandbox/1688/*``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from kuajing.sandbox.faults import DEFAULT_DELAY_S, FAULT_KINDS, Fault
from kuajing.sandbox.world import World


class FaultRequest(BaseModel):
    method: str = Field(description="platform method name, or * for all")
    kind: str = Field(description="|".join(FAULT_KINDS))
    rate: float = Field(ge=0, le=1)
    delay_s: float = Field(default=DEFAULT_DELAY_S, ge=0, le=120)


def build_router(world: World) -> APIRouter:
    router = APIRouter(prefix="/sandbox", tags=["sandbox"])

    @router.get("/state")
    async def state() -> dict[str, Any]:
        return world.state()

    @router.get("/accounts")
    async def accounts() -> dict[str, Any]:
        """Every credential a product needs to connect (``kuajing stores connect-sandbox``)."""
        creds = world.credentials
        return {
            "aliexpress": {
                "app_key": creds.ae_app_key,
                "app_secret": creds.ae_app_secret,
                "stores": [
                    {
                        "number": store.number,
                        "seller_id": store.seller_id,
                        "name": store.name,
                        "access_token": creds.ae_store_token(store.number),
                    }
                    for store in world.storefront.stores
                ],
            },
            "1688": {
                "app_key": creds.alibaba_app_key,
                "app_secret": creds.alibaba_app_secret,
                "access_token": creds.alibaba_access_token,
                "member_id": world.buyer.buyer_member_id,
                "name": "1688 沙箱采购账号",
            },
        }

    @router.get("/catalog/offers")
    async def catalog_offers(
        limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0)
    ) -> dict[str, Any]:
        """Offer ids a user would paste from their 1688 favourites; details go through the real API."""
        ids = sorted(world.catalog.offers)
        return {"total": len(ids), "offer_ids": ids[offset : offset + limit]}

    @router.post("/orders/generate")
    async def generate_orders(count: int = Query(ge=1, le=100_000)) -> dict[str, Any]:
        order_ids = world.storefront.generate_orders(count)
        return {"generated": len(order_ids), "order_ids": order_ids}

    @router.post("/orders/rate")
    async def set_order_rate(per_hour: float = Query(ge=0, le=100_000)) -> dict[str, Any]:
        """Paid orders generated per simulated hour while the clock advances (default 0)."""
        world.storefront.set_order_rate(per_hour)
        return {"per_hour": per_hour}

    @router.post("/limits")
    async def set_limit(
        platform: str = Query(pattern="^(aliexpress|1688)$"), calls_per_second: int = Query(ge=0, le=100_000)
    ) -> dict[str, Any]:
        """Calls a second per app key before the platform's throttle error (0 = unlimited)."""
        world.limits[platform].calls = calls_per_second
        return {"platform": platform, "calls_per_second": calls_per_second}

    @router.post("/clock/advance")
    async def advance_clock(hours: float = Query(gt=0, le=24 * 365)) -> dict[str, Any]:
        return world.advance(hours)

    @router.get("/clock")
    async def clock() -> dict[str, Any]:
        return {"now": world.now().isoformat()}

    @router.post("/faults")
    async def add_fault(request: FaultRequest) -> dict[str, Any]:
        if request.kind not in FAULT_KINDS:
            raise HTTPException(422, f"unknown fault kind {request.kind!r}; one of {', '.join(FAULT_KINDS)}")
        world.faults.add(Fault(request.method, request.kind, request.rate, request.delay_s))  # type: ignore[arg-type]
        return {"faults": [fault.__dict__ for fault in world.faults.active()]}

    @router.get("/faults")
    async def list_faults() -> dict[str, Any]:
        return {
            "faults": [fault.__dict__ for fault in world.faults.active()],
            "injected": dict(world.faults.injected),
        }

    @router.delete("/faults")
    async def clear_faults() -> dict[str, Any]:
        world.faults.clear()
        return {"faults": []}

    return router
