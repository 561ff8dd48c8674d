"""The 1688 client against the sandbox over real HTTP: product, preview, order, logistics, cancel,
refund and pushes, the way the purchasing flow uses them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import httpx
import pytest

from kuajing.kit.errors import ValidationFailed
from kuajing.kit.money import Money
from kuajing.marketplaces.alibaba1688 import (
    Alibaba1688Client,
    Alibaba1688Config,
    CargoItem,
    CreatedOrder,
    DeliveryAddress,
    OrderStatus,
    PushMessage,
    RefundRequest,
    verify_push,
)
from kuajing.marketplaces.errors import BusinessError
from kuajing.marketplaces.policy import RetryPolicy
from kuajing.sandbox.catalog import Offer
from kuajing.sandbox.server import SandboxServer

ADDRESS = DeliveryAddress(
    full_name="王仓管",
    mobile="13800001688",
    province="浙江省",
    city="金华市",
    area="义乌市",
    town="稠城街道",
    address="国际商贸城一区东门跨境集运仓 A-12",
)


def make_client(sandbox: SandboxServer) -> Alibaba1688Client:
    credentials = sandbox.world.credentials
    config = Alibaba1688Config(
        base_url=sandbox.base_url + "/1688",
        app_key=credentials.alibaba_app_key,
        app_secret=credentials.alibaba_app_secret,
        access_token=credentials.alibaba_access_token,
        calls_per_second=1000,
    )
    return Alibaba1688Client(config, retry_policy=RetryPolicy(base_delay=0.01, max_delay=0.05))


def orderable_offer(sandbox: SandboxServer) -> Offer:
    catalog = sandbox.world.catalog
    return next(
        offer
        for offer in catalog.offers.values()
        if offer.status == "published"
        and catalog.supplier_of(offer).dropship_relation
        and offer.specs
        and offer.specs[0].stock >= 5
        and not catalog.supplier_of(offer).excluded_provinces
    )


def place_order(
    client: Alibaba1688Client,
    offer: Offer,
    out_order_id: str,
    quantity: int = 2,
    address: DeliveryAddress = ADDRESS,
) -> CreatedOrder:
    cargo = [CargoItem(offer.offer_id, quantity, offer.specs[0].spec_id)]
    return client.create_cross_order(out_order_id, address, cargo)


def advance(sandbox: SandboxServer, hours: int) -> None:
    httpx.post(f"{sandbox.base_url}/sandbox/clock/advance", params={"hours": hours}).raise_for_status()


def test_product_detail_matches_the_catalog_exactly(sandbox: SandboxServer) -> None:
    offer = orderable_offer(sandbox)
    supplier = sandbox.world.catalog.supplier_of(offer)
    with make_client(sandbox) as client:
        detail = client.product_detail(offer.offer_id)
    assert detail.offer_id == offer.offer_id and detail.subject == offer.subject
    assert [(t.start_quantity, t.price.amount) for t in detail.price_tiers] == [
        (t.min_quantity, t.price) for t in offer.price_tiers
    ]
    assert [(s.spec_id, s.consign_price) for s in detail.skus] == [
        (s.spec_id, Money(s.consign_price, "CNY")) for s in offer.specs
    ]
    assert detail.seller.member_id == supplier.member_id
    assert (detail.seller.trust_pass, detail.seller.super_factory, detail.seller.dropship) == (
        supplier.trust_pass,
        supplier.super_factory,
        supplier.dropship,
    )
    assert detail.shipping.weight == Decimal(offer.weight_g) / 1000
    first_tier = offer.price_tiers[0]
    assert detail.tier_price(first_tier.min_quantity) == Money(first_tier.price, "CNY")


def test_sub_fen_tier_prices_arrive_exact(sandbox: SandboxServer) -> None:
    catalog = sandbox.world.catalog
    offer = next(
        o
        for o in catalog.offers.values()
        if any(t.price != t.price.quantize(Decimal("0.01")) for t in o.price_tiers)
    )
    with make_client(sandbox) as client:
        detail = client.product_detail(offer.offer_id)
    assert [t.price.amount for t in detail.price_tiers] == [t.price for t in offer.price_tiers]


def test_unknown_offer_is_business_error_500_001(sandbox: SandboxServer) -> None:
    with make_client(sandbox) as client, pytest.raises(BusinessError) as caught:
        client.product_detail(1)
    assert caught.value.platform_code == "500_001"


def test_preview_then_create_then_buyer_view_agree_on_the_amounts(sandbox: SandboxServer) -> None:
    offer = orderable_offer(sandbox)
    cargo = [CargoItem(offer.offer_id, 2, offer.specs[0].spec_id)]
    with make_client(sandbox) as client:
        [preview] = client.preview_order(ADDRESS, cargo)
        created = client.create_cross_order("AE-1001-1", ADDRESS, cargo, trade_type=preview.trade_modes[0])
        order = client.buyer_view(created.order_id)
    assert preview.sum_payment == preview.sum_payment_no_carriage + preview.sum_carriage
    assert preview.cargo[0].final_unit_price == Money(offer.specs[0].consign_price, "CNY")
    assert created.total_success_amount == preview.sum_payment
    assert created.post_fee == preview.sum_carriage
    assert order.base_info.total_amount == created.total_success_amount
    assert order.base_info.out_order_id == "AE-1001-1"
    assert order.status is OrderStatus.WAIT_SELLER_SEND
    assert order.items[0].quantity == 2 and order.items[0].spec_id == offer.specs[0].spec_id


def test_local_validation_stops_a_three_level_address_before_the_platform(sandbox: SandboxServer) -> None:
    offer = orderable_offer(sandbox)
    three_levels = DeliveryAddress(
        full_name="王仓管",
        mobile="13800001688",
        province="浙江省",
        city="金华市",
        area="义乌市",
        town="",
        address="国际商贸城",
    )
    with make_client(sandbox) as client, pytest.raises(ValidationFailed) as caught:
        place_order(client, offer, "AE-1002-1", address=three_levels)
    assert caught.value.details["field"] == "address.town"
    assert sandbox.world.buyer.state()["purchases"] == 0


def test_out_of_stock_is_business_error_500_004(sandbox: SandboxServer) -> None:
    offer = orderable_offer(sandbox)
    spec_id = offer.specs[0].spec_id
    stock_url = f"{sandbox.base_url}/sandbox/1688/specs/{spec_id}/stock"
    httpx.post(stock_url, params={"stock": 1}).raise_for_status()
    with make_client(sandbox) as client, pytest.raises(BusinessError) as caught:
        client.create_cross_order("AE-1003-1", ADDRESS, [CargoItem(offer.offer_id, 2, spec_id)])
    assert caught.value.platform_code == "500_004"


def test_order_list_finds_by_out_order_id_and_pages(sandbox: SandboxServer) -> None:
    offer = orderable_offer(sandbox)
    with make_client(sandbox) as client:
        created = [place_order(client, offer, f"AE-2000-{n}", quantity=1).order_id for n in range(3)]
        assert [o.order_id for o in client.iter_buyer_orders(page_size=2)] == created
        assert [o.order_id for o in client.find_orders_by_out_order_id("AE-2000-1")] == [created[1]]
        assert client.find_orders_by_out_order_id("AE-none") == []
        later = sandbox.world.now() + timedelta(hours=1)
        assert client.find_orders_by_out_order_id("AE-2000-1", created_after=later) == []


def test_logistics_appear_after_the_supplier_ships(sandbox: SandboxServer) -> None:
    offer = orderable_offer(sandbox)
    with make_client(sandbox) as client:
        created = place_order(client, offer, "AE-3000-1")
        assert client.logistics_infos(created.order_id) == []
        assert client.logistics_trace(created.order_id) == []
        start = sandbox.world.now()
        advance(sandbox, 100)
        if client.buyer_view(created.order_id).status is OrderStatus.WAIT_SELLER_SEND:
            advance(sandbox, 100)  # a late supplier (up to a week)
        order = client.buyer_view(created.order_id)
        infos = client.logistics_infos(created.order_id)
        traces = client.logistics_trace(created.order_id)
        pushes = client.push_messages(start, sandbox.world.now() + timedelta(seconds=1))
    assert order.status is not OrderStatus.WAIT_SELLER_SEND
    assert infos and infos[0].bill_no
    assert order.logistics_items[0].bill_no == infos[0].bill_no
    assert traces[0].bill_no == infos[0].bill_no and traces[0].steps
    assert all(step.accept_time.tzinfo is not None for step in traces[0].steps)
    shipped = [p for p in pushes if p.type == "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS"]
    assert [str(p.data["orderId"]) for p in shipped] == [created.order_id]
    assert len({p.msg_id for p in pushes}) == len(pushes)


def test_cancel_before_dispatch_closes_the_order(sandbox: SandboxServer) -> None:
    offer = orderable_offer(sandbox)
    with make_client(sandbox) as client:
        created = place_order(client, offer, "AE-4000-1")
        client.cancel_order(created.order_id, "buyerCancel", "AliExpress buyer cancelled")
        assert client.buyer_view(created.order_id).status is OrderStatus.CANCEL
        with pytest.raises(BusinessError) as caught:
            client.cancel_order(created.order_id, "buyerCancel")
    assert caught.value.platform_code == "ORDER_STATUS_INVALID"


def test_refund_reasons_then_refund_returns_a_refund_id(sandbox: SandboxServer) -> None:
    offer = orderable_offer(sandbox)
    with make_client(sandbox) as client:
        created = place_order(client, offer, "AE-5000-1")
        order = client.buyer_view(created.order_id)
        entry_ids = [item.sub_item_id for item in order.items if item.sub_item_id]
        assert entry_ids
        reasons = client.refund_reasons(created.order_id, entry_ids, "refundWaitSellerSend")
        refund_id = client.create_refund(
            RefundRequest(
                order_id=created.order_id,
                order_entry_ids=entry_ids,
                apply_payment=order.base_info.total_amount - created.post_fee,
                apply_carriage=created.post_fee,
                apply_reason_id=reasons[0].id,
                goods_status="refundWaitSellerSend",
                description="AliExpress buyer cancelled after payment",
            )
        )
    assert reasons and all(reason.name for reason in reasons)
    assert refund_id


class _PushReceiver(BaseHTTPRequestHandler):
    received: list[dict[str, str]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.received.append(dict(parse_qsl(self.rfile.read(length).decode("utf-8"))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def push_receiver() -> Iterator[tuple[str, list[dict[str, str]]]]:
    received: list[dict[str, str]] = []
    handler = type("Receiver", (_PushReceiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/push", received
    server.shutdown()
    server.server_close()


def test_delivered_pushes_verify_and_a_duplicate_keeps_its_msg_id(
    sandbox: SandboxServer, push_receiver: tuple[str, list[dict[str, str]]]
) -> None:
    url, received = push_receiver
    base = sandbox.base_url
    httpx.post(f"{base}/sandbox/1688/push-target", json={"url": url}).raise_for_status()
    httpx.post(
        f"{base}/sandbox/faults",
        json={"method": "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS", "kind": "duplicate_push", "rate": 1.0},
    ).raise_for_status()
    with make_client(sandbox) as client:
        created = place_order(client, orderable_offer(sandbox), "AE-6000-1")
    httpx.post(f"{base}/sandbox/1688/purchases/{created.order_id}/dispatch").raise_for_status()
    deadline = time.monotonic() + 3
    while len(received) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    secret = sandbox.world.credentials.alibaba_app_secret
    pushes: list[PushMessage] = [verify_push(secret, form) for form in received]
    shipped = [p for p in pushes if p.type == "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS"]
    assert len(shipped) == 2 and shipped[0].msg_id == shipped[1].msg_id
    assert shipped[0].data["outOrderId"] == "AE-6000-1"
