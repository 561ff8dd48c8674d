"""The whole sandbox world: the same seed and the same calls give the same world, end to end."""

from __future__ import annotations

import contextlib
from typing import Any

from kuajing.sandbox.buyer_model import BuyerRefusal, CargoItem
from kuajing.sandbox.world import World

ADDRESS = {
    "fullName": "王芳",
    "mobile": "13800000000",
    "provinceText": "浙江省",
    "cityText": "金华市",
    "areaText": "义乌市",
    "townText": "稠城街道",
    "address": "工人北路 1 号 跨境仓",
}


def _play(seed: int) -> dict[str, Any]:
    world = World(seed)
    world.storefront.generate_orders(40)
    world.storefront.set_order_rate(6)
    for store in world.storefront.stores:
        for listing in list(store.listings.values())[:6]:
            sku = listing.skus[0]
            with contextlib.suppress(BuyerRefusal):  # refusals are part of the world too
                world.buyer.create_order(
                    world.buyer.member_id,
                    [CargoItem(sku.offer_id, sku.spec_id, 1)],
                    ADDRESS,
                    out_order_id=f"K-{listing.product_id}",
                )
    world.advance(120)
    state = world.state()
    state["purchases_detail"] = sorted(
        (p.order_id, p.status, p.shipment.bill_no if p.shipment else None, p.dispatch_due.isoformat())
        for p in world.buyer.purchases.values()
    )
    assert state["purchases"] >= 3 and state["ae_orders"] > 40
    return state


def test_same_seed_and_calls_give_the_same_world_after_five_simulated_days() -> None:
    assert _play(7) == _play(7)


def test_another_seed_gives_another_world() -> None:
    assert _play(7)["purchases_detail"] != _play(8)["purchases_detail"]


def test_state_reports_the_contract_keys() -> None:
    state = World(3).state()
    for key in ("ae_orders", "ae_orders_by_status", "purchases", "purchases_per_out_order_id", "shipments"):
        assert key in state
