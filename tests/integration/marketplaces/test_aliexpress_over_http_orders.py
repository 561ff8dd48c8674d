"""AliExpressClient against the sandbox over real HTTP: orders, paging, fulfilment, carriers,
warehouse orders, products and tokens. Expectations come from the sandbox world's own truth."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal

import httpx
import pytest

from kuajing.marketplaces.aliexpress import (
    AliExpressClient,
    AliExpressConfig,
    DeclaredProduct,
    OrderQuery,
    OrderStatus,
    TokenSet,
    WarehouseContact,
    WarehouseOrderRequest,
)
from kuajing.marketplaces.errors import AuthError, BusinessError
from kuajing.marketplaces.policy import RetryPolicy
from kuajing.sandbox.server import SandboxServer

ORDER_GET = "aliexpress.solution.order.get"


class CountingTransport(httpx.HTTPTransport):
    """Real HTTP, with a note of which API each request called."""

    def __init__(self) -> None:
        super().__init__()
        self.methods: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        self.methods.append(form.get("method", ""))
        return super().handle_request(request)


def make_client(
    sandbox: SandboxServer,
    transport: httpx.BaseTransport | None = None,
    *,
    on_tokens: Callable[[TokenSet], None] | None = None,
    **overrides: object,
) -> AliExpressClient:
    credentials = sandbox.world.credentials
    settings: dict[str, object] = {
        "base_url": sandbox.base_url + "/aliexpress",
        "app_key": credentials.ae_app_key,
        "app_secret": credentials.ae_app_secret,
        "access_token": credentials.ae_access_token,
        "calls_per_second": 1000.0,
        "timeout_seconds": 5.0,
        **overrides,
    }
    return AliExpressClient(
        AliExpressConfig(**settings),  # type: ignore[arg-type]
        transport=transport,
        retry_policy=RetryPolicy(sleep=lambda s: None),
        on_tokens_refreshed=on_tokens,
    )


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[AliExpressClient]:
    with make_client(sandbox) as ae:
        yield ae


def generate(sandbox: SandboxServer, count: int) -> list[int]:
    reply = httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": count})
    reply.raise_for_status()
    ids: list[int] = reply.json()["order_ids"]
    return ids


def store_one_order_ids(sandbox: SandboxServer) -> set[int]:
    storefront = sandbox.world.storefront
    return {order.order_id for order in storefront.orders_of(storefront.store(1))}


def shippable_order(sandbox: SandboxServer) -> int:
    generate(sandbox, 12)
    storefront = sandbox.world.storefront
    return next(
        order.order_id
        for order in storefront.orders_of(storefront.store(1))
        if order.status.value == "WAIT_SELLER_SEND_GOODS"
    )


# --- orders and paging ----------------------------------------------------------------------------


def test_no_orders_is_one_request_and_nothing(sandbox: SandboxServer) -> None:
    transport = CountingTransport()
    with make_client(sandbox, transport) as ae:
        assert list(ae.iter_orders(OrderQuery(), page_size=5)) == []
    assert transport.methods == [ORDER_GET]


def test_iter_orders_returns_every_order_of_the_store_across_pages(sandbox: SandboxServer) -> None:
    generate(sandbox, 40)
    expected = store_one_order_ids(sandbox)
    assert len(expected) > 7
    transport = CountingTransport()
    with make_client(sandbox, transport) as ae:
        orders = list(ae.iter_orders(OrderQuery(), page_size=7))
    assert sorted(order.order_id for order in orders) == sorted(expected)
    assert len(transport.methods) == -(-len(expected) // 7)


@pytest.mark.parametrize(("extra", "requests"), [(0, 1), (-1, 2)])
def test_exactly_one_full_page_and_one_more(sandbox: SandboxServer, extra: int, requests: int) -> None:
    generate(sandbox, 10)
    expected = store_one_order_ids(sandbox)
    transport = CountingTransport()
    with make_client(sandbox, transport) as ae:
        orders = list(ae.iter_orders(OrderQuery(), page_size=len(expected) + extra))
    assert {order.order_id for order in orders} == expected and len(orders) == len(expected)
    assert len(transport.methods) == requests


def test_listed_orders_are_typed_and_match_the_world(
    sandbox: SandboxServer, client: AliExpressClient
) -> None:
    generate(sandbox, 6)
    page = client.list_orders(OrderQuery(order_status=OrderStatus.WAIT_SELLER_SEND_GOODS))
    assert page.orders
    for order in page.orders:
        truth = sandbox.world.storefront.orders[order.order_id]
        assert order.status is OrderStatus.WAIT_SELLER_SEND_GOODS
        assert order.pay_amount.currency == "USD"
        assert order.pay_amount.amount == sum(
            line.total_amount.amount for line in order.lines if line.total_amount is not None
        )
        assert [line.sku_code for line in order.lines] == [line.sku_code for line in truth.lines]
        assert order.created_at == truth.gmt_create


def test_get_order_returns_the_receipt_address_and_children(
    sandbox: SandboxServer, client: AliExpressClient
) -> None:
    order_id = shippable_order(sandbox)
    truth = sandbox.world.storefront.orders[order_id]
    detail = client.get_order(order_id)
    assert detail.order_id == order_id
    assert detail.receipt_address.country == truth.address.country
    assert [child.child_id for child in detail.child_orders] == [line.child_id for line in truth.lines]
    assert detail.shipments == ()


def test_unknown_order_is_a_business_error(client: AliExpressClient) -> None:
    with pytest.raises(BusinessError) as caught:
        client.get_order(1)
    assert caught.value.platform_code == "ORDER_NOT_FOUND"


# --- carriers and fulfilment ----------------------------------------------------------------------


def test_approved_carriers_come_with_working_tracking_regexes(client: AliExpressClient) -> None:
    services = client.list_logistics_services()
    names = {service.service_name for service in services}
    assert "CAINIAO_STANDARD" in names
    standard = next(service for service in services if service.service_name == "CAINIAO_STANDARD")
    assert standard.matches("LP12345678901234") and not standard.matches("4PE123456789012")


def test_fulfil_with_an_approved_carrier_ships_the_order(
    sandbox: SandboxServer, client: AliExpressClient
) -> None:
    order_id = shippable_order(sandbox)
    client.fulfill_order(order_id, "CAINIAO_STANDARD", "LP00000000000042", description="parcel 1")
    detail = client.get_order(order_id)
    assert detail.status is OrderStatus.WAIT_BUYER_ACCEPT_GOODS
    assert [shipment.logistics_no for shipment in detail.shipments] == ["LP00000000000042"]


def test_fulfil_with_an_unapproved_carrier_is_refused(
    sandbox: SandboxServer, client: AliExpressClient
) -> None:
    order_id = shippable_order(sandbox)
    with pytest.raises(BusinessError) as caught:
        client.fulfill_order(order_id, "FOURPX_ECONOMY_UNREG", "4PE000000000001")
    assert caught.value.platform_code == "LOGISTICS_SERVICE_NOT_SUPPORT"
    assert sandbox.world.storefront.orders[order_id].shipments == []


def test_fulfil_with_a_tracking_number_of_the_wrong_shape_is_refused(
    sandbox: SandboxServer, client: AliExpressClient
) -> None:
    order_id = shippable_order(sandbox)
    with pytest.raises(BusinessError) as caught:
        client.fulfill_order(order_id, "CAINIAO_STANDARD", "LP123")
    assert caught.value.platform_code == "TRACKING_NO_INVALID"


def test_warehouse_order_gives_an_approved_tracking_number(
    sandbox: SandboxServer, client: AliExpressClient
) -> None:
    order_id = shippable_order(sandbox)
    truth = sandbox.world.storefront.orders[order_id]
    line = truth.lines[0]
    request = WarehouseOrderRequest(
        trade_order_id=order_id,
        sender=WarehouseContact(
            "Yiwu Store", "CN", "Zhejiang", "Jinhua", "1 Futian Rd", mobile="13800000000"
        ),
        receiver=WarehouseContact(
            truth.address.contact_person,
            truth.address.country,
            truth.address.province or "-",
            truth.address.city or "-",
            truth.address.address or "-",
        ),
        declared_products=(
            DeclaredProduct(
                line.product_id,
                line.product_count,
                Decimal("5.00"),
                Decimal("0.200"),
                "杯子",
                "cup",
                child_order_id=line.child_id,
            ),
        ),
        domestic_logistics_company_id=1008,
        domestic_tracking_no="YT0000000001",
        warehouse_carrier_service="CAINIAO_STANDARD",
    )
    result = client.create_warehouse_order(request)
    assert result.trade_order_id == order_id
    assert result.intl_tracking_no is not None and re.fullmatch(r"LP\d{14}", result.intl_tracking_no)


def test_get_product_matches_the_listing(sandbox: SandboxServer, client: AliExpressClient) -> None:
    listing = sandbox.world.storefront.store(1).listing_list()[0]
    product = client.get_product(listing.product_id)
    assert product.product_id == listing.product_id and product.subject == listing.subject
    assert [sku.sku_code for sku in product.skus] == [sku.sku_code for sku in listing.skus]
    assert all(sku.price.currency == product.skus[0].price.currency for sku in product.skus)


# --- tokens ---------------------------------------------------------------------------------------


def test_create_token_then_refresh_and_keep_calling(sandbox: SandboxServer) -> None:
    store = sandbox.world.storefront.store(1)
    seen: list[TokenSet] = []
    with make_client(sandbox, access_token="", on_tokens=seen.append) as ae:
        created = ae.create_token(store.auth_code)
        assert created.seller_id == str(store.seller_id) and created.expires_at is not None
        ae.list_orders(OrderQuery())
        refreshed = ae.refresh_access_token()
        assert refreshed.access_token != created.access_token and ae.access_token == refreshed.access_token
        ae.list_orders(OrderQuery())
    assert [tokens.access_token for tokens in seen] == [created.access_token, refreshed.access_token]


def test_an_authorisation_code_works_only_once(sandbox: SandboxServer, client: AliExpressClient) -> None:
    code = sandbox.world.storefront.store(1).auth_code
    client.create_token(code)
    with pytest.raises(AuthError) as caught:
        client.create_token(code)
    assert caught.value.platform_code == "InvalidCode"


def test_expired_access_token_is_refreshed_and_the_call_goes_through(sandbox: SandboxServer) -> None:
    transport = CountingTransport()
    with make_client(sandbox, transport) as ae:
        first = ae.create_token(sandbox.world.storefront.store(1).auth_code)
        httpx.post(
            f"{sandbox.base_url}/sandbox/aliexpress/tokens/expire", params={"token": first.access_token}
        ).raise_for_status()
        ae.list_orders(OrderQuery())
        assert ae.access_token != first.access_token
    assert transport.methods == ["/auth/token/create", ORDER_GET, "/auth/token/refresh", ORDER_GET]
