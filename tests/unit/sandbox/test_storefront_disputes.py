"""Sandbox disputes without HTTP: reasons fixed by the order id, the world's streams untouched,
one dispute per order, processing while IN_ISSUE and finished after."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from kuajing.sandbox.storefront_disputes import REASONS, disputes_of, reason_for
from kuajing.sandbox.storefront_orders import FIRST_ORDER_ID, OrderStatus
from kuajing.sandbox.world import World

START = datetime(2026, 11, 1, tzinfo=UTC)


def test_the_reason_is_fixed_by_the_order_id_and_every_reason_occurs() -> None:
    ids = range(FIRST_ORDER_ID + 1, FIRST_ORDER_ID + 2001)
    assert [reason_for(i) for i in ids[:50]] == [reason_for(i) for i in ids[:50]]
    counts = Counter(reason_for(i).code for i in ids)
    assert set(counts) == {reason.code for reason in REASONS}
    assert counts["not_as_described"] > counts["no_longer_needed"]  # weights 22 vs 8


def test_opening_and_reading_disputes_leaves_the_orders_the_world_generates_unchanged() -> None:
    plain, disputed = World(7, start=START), World(7, start=START)
    for world in (plain, disputed):
        world.storefront.generate_orders(5)
    disputes = disputes_of(disputed.storefront)
    disputes.open(FIRST_ORDER_ID + 1, "wrong_item")
    disputes.open(FIRST_ORDER_ID + 2)
    disputes.of_store(1)
    later = [world.storefront.generate_orders(20) for world in (plain, disputed)]
    assert later[0] == later[1]
    for order_id in later[0]:
        a, b = plain.storefront.orders[order_id], disputed.storefront.orders[order_id]
        assert (a.buyer, a.store_number, [line.sku_code for line in a.lines]) == (
            b.buyer, b.store_number, [line.sku_code for line in b.lines]
        )  # fmt: skip


def test_one_dispute_per_order_processing_while_in_issue_then_finished() -> None:
    world = World(7, start=START)
    [order_id] = world.storefront.generate_orders(1)
    disputes = disputes_of(world.storefront)
    first = disputes.open(order_id, "missing_items")
    assert world.storefront.orders[order_id].status == OrderStatus.IN_ISSUE
    assert disputes.open(order_id, "quality") is first and first.reason.code == "missing_items"
    order = world.storefront.orders[order_id]
    assert first.refund_amount == order.lines[0].product_unit_price  # one unit of the first line
    assert first.status == "processing"
    world.storefront.set_status(order_id, OrderStatus.FINISH)
    disputes.refresh()
    assert first.status == "finish"


def test_an_order_set_in_issue_by_other_means_gets_its_dispute_with_the_hash_reason() -> None:
    world = World(7, start=START)
    [order_id] = world.storefront.generate_orders(1)
    world.storefront.set_status(order_id, OrderStatus.IN_ISSUE)
    [dispute] = disputes_of(world.storefront).of_store(world.storefront.orders[order_id].store_number)
    assert dispute.order_id == order_id and dispute.reason == reason_for(order_id)
    assert disputes_of(world.storefront).find(dispute.store_number, dispute.issue_id) is dispute
    assert disputes_of(world.storefront).find(dispute.store_number + 1, dispute.issue_id) is None
