"""Fulfilment, Cainiao warehouse orders and seller tokens in the storefront world (no HTTP)."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest

from kuajing.kit.clock import FixedClock
from kuajing.sandbox.carriers import APPROVED, CARRIERS_BY_CODE
from kuajing.sandbox.catalog import build_catalog
from kuajing.sandbox.credentials import SandboxCredentials
from kuajing.sandbox.storefront import Storefront, StorefrontRefusal
from kuajing.sandbox.storefront_auth import ACCESS_TOKEN_TTL_S, AuthError
from kuajing.sandbox.storefront_orders import AeOrder, OrderStatus

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


def advance(storefront: Storefront, clock: FixedClock, hours: float) -> None:
    end = clock.now() + timedelta(hours=hours)
    while clock.now() < end:
        start = clock.now()
        clock.set(min(end, start + timedelta(hours=1)))
        storefront.advance(start, clock.now())


def new_order(storefront: Storefront) -> AeOrder:
    return storefront.orders[storefront.generate_orders(1)[0]]


def refusal_code(storefront: Storefront, order: AeOrder, service: str, send_type: str, number: str) -> str:
    with pytest.raises(StorefrontRefusal) as refused:
        storefront.fulfil(storefront.store(order.store_number), order.order_id, service, send_type, number)
    return refused.value.code


def test_fulfil_refuses_a_service_not_on_the_approved_list() -> None:
    storefront, _ = make_storefront()
    order = new_order(storefront)
    unregistered = CARRIERS_BY_CODE["FOURPX_ECONOMY_UNREG"]
    for service in ("4PX_ECONOMY", "OTHER", unregistered.code):
        code = refusal_code(storefront, order, service, "all", "4PE123456789012")
        assert code == "LOGISTICS_SERVICE_NOT_SUPPORT"
    assert order.shipments == []
    assert order.status == OrderStatus.WAIT_SELLER_SEND_GOODS


def test_fulfil_refuses_a_tracking_number_that_does_not_match_the_service() -> None:
    storefront, _ = make_storefront()
    order = new_order(storefront)
    assert refusal_code(storefront, order, "CAINIAO_STANDARD", "all", "UG123456789YP") == (
        "TRACKING_NO_INVALID"
    )
    assert refusal_code(storefront, order, "YANWEN_JYT", "all", "LP12345678901234") == "TRACKING_NO_INVALID"
    assert order.shipments == []


def test_every_approved_service_accepts_its_own_tracking_numbers() -> None:
    storefront, _ = make_storefront()
    rng = random.Random(1)
    for carrier in APPROVED:
        order = new_order(storefront)
        assert carrier.ae_service_name is not None
        store = storefront.store(order.store_number)
        number = carrier.make_tracking_no(rng)
        storefront.fulfil(store, order.order_id, carrier.ae_service_name, "all", number)
        assert order.status == OrderStatus.WAIT_BUYER_ACCEPT_GOODS


def test_part_then_all_moves_through_partial_shipment() -> None:
    storefront, clock = make_storefront()
    order = new_order(storefront)
    store = storefront.store(order.store_number)
    storefront.fulfil(store, order.order_id, "CAINIAO_STANDARD", "part", "LP00000000000001")
    assert (order.status, order.logistics_status) == (
        OrderStatus.SELLER_PART_SEND_GOODS,
        "SELLER_SEND_PART_GOODS",
    )
    storefront.fulfil(store, order.order_id, "YANWEN_JYT", "all", "UG123456789YP")
    assert (order.status, order.logistics_status) == (
        OrderStatus.WAIT_BUYER_ACCEPT_GOODS,
        "SELLER_SEND_GOODS",
    )
    assert [s.logistics_no for s in order.shipments] == ["LP00000000000001", "UG123456789YP"]
    assert storefront.state()["shipments"] == 2
    assert order.gmt_update == clock.now()


def test_re_sending_the_same_tracking_number_records_no_second_shipment() -> None:
    storefront, _ = make_storefront()
    order = new_order(storefront)
    store = storefront.store(order.store_number)
    for _ in range(3):
        storefront.fulfil(store, order.order_id, "CAINIAO_STANDARD", "all", "LP00000000000001")
    assert len(order.shipments) == 1
    assert storefront.state()["shipments"] == 1


def test_fulfil_refuses_orders_that_cannot_ship() -> None:
    storefront, _ = make_storefront()
    cancelled = new_order(storefront)
    storefront.buyer_cancel(cancelled.order_id)
    assert refusal_code(storefront, cancelled, "CAINIAO_STANDARD", "all", "LP00000000000001") == (
        "ORDER_STATUS_INVALID"
    )
    frozen = new_order(storefront)
    storefront.set_status(frozen.order_id, OrderStatus.IN_FROZEN)
    assert refusal_code(storefront, frozen, "CAINIAO_STANDARD", "all", "LP00000000000002") == (
        "ORDER_STATUS_INVALID"
    )


def test_another_stores_order_is_not_found() -> None:
    storefront, _ = make_storefront()
    order = new_order(storefront)
    other = next(store for store in storefront.stores if store.number != order.store_number)
    with pytest.raises(StorefrontRefusal) as refused:
        storefront.fulfil(other, order.order_id, "CAINIAO_STANDARD", "all", "LP00000000000001")
    assert refused.value.code == "ORDER_NOT_FOUND"


def test_shipped_orders_finish_twenty_days_later() -> None:
    storefront, clock = make_storefront()
    order = new_order(storefront)
    storefront.fulfil(
        storefront.store(order.store_number), order.order_id, "CAINIAO_STANDARD", "all", "LP00000000000001"
    )
    advance(storefront, clock, 19 * 24)
    assert (order.status, order.end_reason) == (OrderStatus.WAIT_BUYER_ACCEPT_GOODS, "")
    advance(storefront, clock, 25)
    assert (order.status, order.end_reason) == (OrderStatus.FINISH, "buyer_accept_goods")


def test_buyer_cannot_cancel_once_shipped() -> None:
    storefront, _ = make_storefront()
    order = new_order(storefront)
    storefront.fulfil(
        storefront.store(order.store_number), order.order_id, "CAINIAO_STANDARD", "part", "LP00000000000001"
    )
    with pytest.raises(StorefrontRefusal):
        storefront.buyer_cancel(order.order_id)


def test_warehouse_order_gives_a_cainiao_number_the_fulfilment_then_accepts() -> None:
    storefront, _ = make_storefront()
    order = new_order(storefront)
    store = storefront.store(order.store_number)
    domestic = "YT1234567890123456"
    created = storefront.create_warehouse_order(store, order.order_id, domestic, "CAINIAO_STANDARD")
    assert re.fullmatch(r"LP\d{14}", created.intl_tracking_no)
    again = storefront.create_warehouse_order(store, order.order_id, domestic, "CAINIAO_STANDARD")
    assert again == created
    assert storefront.state()["ae_warehouse_orders"] == 1
    storefront.fulfil(store, order.order_id, "CAINIAO_STANDARD", "all", created.intl_tracking_no)
    assert order.status == OrderStatus.WAIT_BUYER_ACCEPT_GOODS


def test_warehouse_order_refuses_unknown_orders_and_unapproved_services() -> None:
    storefront, _ = make_storefront()
    order = new_order(storefront)
    store = storefront.store(order.store_number)
    with pytest.raises(StorefrontRefusal) as unknown:
        storefront.create_warehouse_order(store, 1, "YT1", "CAINIAO_STANDARD")
    assert unknown.value.code == "ORDER_NOT_FOUND"
    with pytest.raises(StorefrontRefusal) as unapproved:
        storefront.create_warehouse_order(store, order.order_id, "YT1", "LOCAL_FORWARDER")
    assert unapproved.value.code == "LOGISTICS_SERVICE_NOT_SUPPORT"


def test_auth_code_works_once_and_issues_a_token_for_that_store() -> None:
    storefront, _ = make_storefront()
    store = storefront.stores[1]
    grant = storefront.tokens.create(store.auth_code, wall_now=1000.0)
    assert grant.expires_at == 1000.0 + ACCESS_TOKEN_TTL_S
    assert storefront.store_for_token(grant.access_token, 2000.0) is store
    assert storefront.store_for_token(grant.access_token, 1000.0 + ACCESS_TOKEN_TTL_S) is None
    with pytest.raises(AuthError) as reused:
        storefront.tokens.create(store.auth_code, wall_now=1000.0)
    assert reused.value.code == "InvalidCode"


def test_refresh_issues_a_new_token_and_the_refresh_token_works_once() -> None:
    storefront, _ = make_storefront()
    grant = storefront.tokens.create(storefront.stores[0].auth_code, wall_now=1000.0)
    renewed = storefront.tokens.refresh(grant.refresh_token, wall_now=5000.0)
    assert renewed.access_token != grant.access_token
    assert storefront.store_for_token(renewed.access_token, 5001.0) is storefront.stores[0]
    with pytest.raises(AuthError) as reused:
        storefront.tokens.refresh(grant.refresh_token, wall_now=5000.0)
    assert reused.value.code == "IllegalRefreshToken"


def test_default_tokens_never_expire_unless_expired_by_hand() -> None:
    storefront, _ = make_storefront()
    token = storefront.stores[0].access_token
    assert storefront.store_for_token(token, wall_now=4e9) is storefront.stores[0]
    assert storefront.tokens.expire(token, wall_now=100.0)
    assert storefront.store_for_token(token, wall_now=100.0) is None
