"""The AliExpress storefront world without HTTP: stores, listings, order generation and determinism."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from kuajing.kit.clock import FixedClock
from kuajing.sandbox.catalog import build_catalog
from kuajing.sandbox.credentials import SandboxCredentials
from kuajing.sandbox.storefront import Storefront
from kuajing.sandbox.storefront_orders import CANCEL_REQUEST_WINDOW_MIN, OrderStatus

START = datetime(2026, 11, 1, tzinfo=UTC)


def make_storefront(seed: int = 7) -> tuple[Storefront, FixedClock]:
    clock = FixedClock(START)
    catalog = build_catalog(random.Random(f"{seed}:catalog"))
    storefront = Storefront(
        catalog,
        SandboxCredentials(),
        build_rng=random.Random(f"{seed}:stores"),
        order_rng=random.Random(f"{seed}:orders"),
        clock=clock,
    )
    return storefront, clock


def advance(storefront: Storefront, clock: FixedClock, hours: float) -> dict[str, int]:
    """Move time the way World does: steps of at most one hour."""
    end = clock.now() + timedelta(hours=hours)
    happened: Counter[str] = Counter()
    while clock.now() < end:
        start = clock.now()
        stop = min(end, start + timedelta(hours=1))
        clock.set(stop)
        happened.update(storefront.advance(start, stop))
    return dict(happened)


def test_same_seed_builds_identical_stores_and_listings() -> None:
    first, _ = make_storefront(7)
    second, _ = make_storefront(7)
    assert [(s.seller_id, s.access_token) for s in first.stores] == [
        (s.seller_id, s.access_token) for s in second.stores
    ]
    assert [s.listings for s in first.stores] == [s.listings for s in second.stores]


def test_same_seed_and_same_calls_give_identical_orders() -> None:
    runs = []
    for _ in range(2):
        storefront, clock = make_storefront(7)
        storefront.generate_orders(30)
        storefront.set_order_rate(12)
        advance(storefront, clock, 10.5)
        storefront.generate_orders(5)
        advance(storefront, clock, 3)
        runs.append(storefront.orders)
    assert len(runs[0]) > 100
    assert runs[0] == runs[1]


def test_a_different_seed_gives_different_orders() -> None:
    first, _ = make_storefront(7)
    second, _ = make_storefront(8)
    first.generate_orders(10)
    second.generate_orders(10)
    assert [o.buyer for o in first.orders.values()] != [o.buyer for o in second.orders.values()]


def test_there_are_at_least_two_stores_with_sixty_listings_and_their_own_tokens() -> None:
    storefront, _ = make_storefront()
    assert len(storefront.stores) >= 2
    credentials = SandboxCredentials()
    for store in storefront.stores:
        assert len(store.listings) >= 60
        assert store.access_token == credentials.ae_store_token(store.number)
        assert storefront.store_for_token(store.access_token, wall_now=0.0) is store
    assert len({store.seller_id for store in storefront.stores}) == len(storefront.stores)


def test_every_listing_sku_points_at_a_real_published_offer_spec() -> None:
    clock = FixedClock(START)
    catalog = build_catalog(random.Random("7:catalog"))
    storefront = Storefront(
        catalog,
        SandboxCredentials(),
        build_rng=random.Random("7:stores"),
        order_rng=random.Random("7:orders"),
        clock=clock,
    )
    for store in storefront.stores:
        for listing in store.listing_list():
            offer = catalog.offers[listing.offer_id]
            assert offer.status == "published"
            assert listing.subject == offer.subject_trans
            assert listing.price > 0
            assert 3 <= listing.handling_days <= 7
            for sku in listing.skus:
                assert sku.offer_id == offer.offer_id
                assert offer.spec(sku.spec_id) is not None
                assert sku.sku_price >= listing.price


def test_listing_prices_are_a_markup_over_the_consign_price_in_usd() -> None:
    clock = FixedClock(START)
    catalog = build_catalog(random.Random("7:catalog"))
    storefront = Storefront(
        catalog,
        SandboxCredentials(),
        build_rng=random.Random("7:stores"),
        order_rng=random.Random("7:orders"),
        clock=clock,
    )
    for listing in storefront.stores[0].listing_list():
        for sku in listing.skus:
            spec = catalog.offers[sku.offer_id].spec(sku.spec_id)
            assert spec is not None
            cost_usd = spec.consign_price * sku.multiplier / 7
            assert sku.sku_price > cost_usd
            assert sku.sku_price.as_tuple().exponent == -2  # cents, never float


def test_store_one_mixes_prefix_pattern_bundle_and_unpatterned_sku_codes() -> None:
    storefront, _ = make_storefront()
    skus = [sku for listing in storefront.stores[0].listing_list() for sku in listing.skus]
    codes = [sku.sku_code for sku in skus]
    prefix = [code for code in codes if re.fullmatch(r"AE-\d+-\d+", code)]
    unpatterned = [code for code in codes if re.fullmatch(r"[A-Z0-9]{8}", code)]
    patterned = [
        code
        for code in codes
        if re.fullmatch(r"[A-Z]{2}(-[A-Z0-9]+){2,3}", code) and not code.startswith("AE-")
    ]
    bundles = [sku for sku in skus if sku.multiplier > 1]
    assert len(prefix) > len(codes) / 2
    assert patterned and unpatterned and bundles
    for sku in bundles:
        assert sku.sku_code.endswith(f"-{sku.multiplier}P")
    for sku in skus:
        if sku.sku_code in prefix:
            assert sku.sku_code.startswith(f"AE-{sku.offer_id}-")
    assert len(set(codes)) == len(codes)


def test_store_two_uses_category_and_spec_id_codes() -> None:
    storefront, _ = make_storefront()
    skus = [sku for listing in storefront.stores[1].listing_list() for sku in listing.skus]
    conventional = [
        sku for sku in skus if sku.multiplier == 1 and re.fullmatch(r"[A-Z]{2,4}-[0-9A-F]{6}", sku.sku_code)
    ]
    assert len(conventional) > len(skus) / 2
    for sku in conventional:
        assert sku.sku_code.endswith(sku.spec_id[:6].upper())


def test_five_hundred_orders_ship_to_at_least_fifteen_countries() -> None:
    storefront, _ = make_storefront()
    storefront.generate_orders(500)
    countries = Counter(order.address.country for order in storefront.orders.values())
    assert len(countries) >= 15
    assert countries.most_common(1)[0][0] == "US"


def test_generated_orders_are_paid_now_with_one_to_three_lines_from_the_store() -> None:
    storefront, clock = make_storefront()
    order_ids = storefront.generate_orders(200)
    assert len(set(order_ids)) == 200
    multi_supplier = 0
    for order_id in order_ids:
        order = storefront.orders[order_id]
        assert order.status == OrderStatus.WAIT_SELLER_SEND_GOODS
        assert order.gmt_pay_time == order.gmt_create == clock.now()
        assert 1 <= len(order.lines) <= 3
        store = storefront.store(order.store_number)
        listings = [store.listings[line.product_id] for line in order.lines]
        for line, listing in zip(order.lines, listings, strict=True):
            assert listing.sku(line.sku_code) is not None
        multi_supplier += len({listing.supplier_member_id for listing in listings}) > 1
        assert order.order_amount == sum(line.total_product_amount for line in order.lines)
    assert multi_supplier > 0
    assert {o.store_number for o in storefront.orders.values()} == {1, 2}


def test_rate_based_orders_are_timestamped_inside_each_step() -> None:
    storefront, clock = make_storefront()
    storefront.set_order_rate(30)
    clock.set(START + timedelta(hours=1))
    happened = storefront.advance(START, START + timedelta(hours=1))
    created = happened["ae_orders_created"]
    assert 10 < created < 60
    for order in storefront.orders.values():
        assert START <= order.gmt_pay_time < START + timedelta(hours=1)


def test_a_zero_rate_creates_no_orders() -> None:
    storefront, clock = make_storefront()
    advance(storefront, clock, 5)
    assert storefront.orders == {}


def test_a_few_addresses_lack_a_city_or_a_zip_code() -> None:
    storefront, _ = make_storefront()
    storefront.generate_orders(1500)
    addresses = [order.address for order in storefront.orders.values()]
    missing_city = sum(1 for address in addresses if not address.city)
    missing_zip = sum(1 for address in addresses if not address.zip)
    assert 0 < missing_city < 100
    assert 0 < missing_zip < 100


def test_some_buyers_ask_to_cancel_within_thirty_minutes_of_paying() -> None:
    storefront, clock = make_storefront()
    storefront.generate_orders(600)
    advance(storefront, clock, 1)
    cancelled = [o for o in storefront.orders.values() if o.status == OrderStatus.IN_CANCEL]
    assert 3 <= len(cancelled) <= 40
    for order in cancelled:
        assert order.gmt_update - order.gmt_pay_time <= timedelta(minutes=CANCEL_REQUEST_WINDOW_MIN)


def test_a_cancel_request_after_shipping_is_ignored() -> None:
    storefront, clock = make_storefront()
    storefront.generate_orders(600)
    planned = [o for o in storefront.orders.values() if o.plan.cancel_request_at is not None]
    assert planned
    order = planned[0]
    storefront.fulfil(
        storefront.store(order.store_number), order.order_id, "CAINIAO_STANDARD", "all", "LP00000000000001"
    )
    advance(storefront, clock, 1)
    assert order.status == OrderStatus.WAIT_BUYER_ACCEPT_GOODS


def test_requested_cancellations_close_the_order_a_day_later() -> None:
    storefront, clock = make_storefront()
    order_id = storefront.generate_orders(1)[0]
    storefront.buyer_cancel(order_id)
    assert storefront.orders[order_id].status == OrderStatus.IN_CANCEL
    advance(storefront, clock, 25)
    assert storefront.orders[order_id].status == OrderStatus.FINISH
    assert storefront.orders[order_id].end_reason == "buyer_cancel_order"


def test_ship_by_countdown_moves_with_the_clock() -> None:
    storefront, clock = make_storefront()
    order = storefront.orders[storefront.generate_orders(1)[0]]
    days = (order.ship_by - order.gmt_pay_time).days
    assert order.left_to_ship(clock.now()) == (days, 0, 0)
    clock.set(clock.now() + timedelta(hours=5, minutes=30))
    assert order.left_to_ship(clock.now()) == (days - 1, 18, 30)


def test_an_order_not_shipped_by_its_deadline_is_closed() -> None:
    storefront, clock = make_storefront()
    order = storefront.orders[storefront.generate_orders(1)[0]]
    advance(storefront, clock, 8 * 24)
    assert order.status == OrderStatus.FINISH
    assert order.end_reason == "seller_send_goods_timeout"
    assert order.left_to_ship(clock.now()) == (0, 0, 0)


def test_a_few_orders_are_frozen_for_a_day_and_get_the_day_back_on_their_deadline() -> None:
    storefront, clock = make_storefront()
    storefront.generate_orders(1500)
    deadlines = {order.order_id: order.ship_by for order in storefront.orders.values()}
    advance(storefront, clock, 13)
    frozen = [o for o in storefront.orders.values() if o.status == OrderStatus.IN_FROZEN]
    assert 1 <= len(frozen) <= 30
    assert all(order.frozen_status == "IN_FROZEN" for order in frozen)
    advance(storefront, clock, 25)
    for order in frozen:
        assert (order.status.value, order.frozen_status) == ("WAIT_SELLER_SEND_GOODS", "NO_FROZEN")
        assert order.ship_by == deadlines[order.order_id] + timedelta(hours=24)
