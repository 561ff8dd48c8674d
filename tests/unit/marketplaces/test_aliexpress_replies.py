"""AliExpressClient's typed replies over httpx.MockTransport: paging, orders, fulfilment, carriers,
warehouse orders, products, and replies we refuse to guess at."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from kuajing.kit.money import Money
from kuajing.marketplaces.aliexpress import (
    AliExpressClient,
    AliExpressConfig,
    DeclaredProduct,
    OrderQuery,
    OrderStatus,
    WarehouseContact,
    WarehouseOrderRequest,
)
from kuajing.marketplaces.errors import BusinessError, MalformedReplyError
from kuajing.marketplaces.policy import RetryPolicy

ORDER_GET = "aliexpress.solution.order.get"
ORDER_INFO = "aliexpress.solution.order.info.get"
FULFILL = "aliexpress.solution.order.fulfill"
Handler = Callable[[dict[str, str]], dict[str, Any] | str]


class FakeGateway:
    """Routes each request to ``handler(form)`` (a JSON-able body or raw text) and records it."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self.forms: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
        self.forms.append(form)
        body = self._handler(form)
        return httpx.Response(200, text=body if isinstance(body, str) else json.dumps(body))


class NullPacer:
    def acquire(self) -> None:
        pass


def make_client(gateway: FakeGateway) -> AliExpressClient:
    config = AliExpressConfig(base_url="https://gw.example", app_key="1", app_secret="s", access_token="T")
    return AliExpressClient(
        config,
        transport=httpx.MockTransport(gateway),
        rate_limiter=NullPacer(),
        retry_policy=RetryPolicy(sleep=lambda s: None),
        now=lambda: datetime(2024, 3, 1, tzinfo=UTC),
    )


def wrap(method: str, result: dict[str, Any]) -> dict[str, Any]:
    return {method.replace(".", "_") + "_response": {"result": result, "request_id": "r-1"}}


def order_dto(order_id: int, status: str = "WAIT_SELLER_SEND_GOODS") -> dict[str, Any]:
    return {
        "order_id": order_id,
        "order_status": status,
        "gmt_create": "2024-03-01 10:00:00",
        "gmt_pay_time": "2024-03-01 10:05:00",
        "gmt_update": "2024-03-01 10:05:00",
        "pay_amount": {"amount": "12.34", "currency_code": "USD"},
        "buyer_login_id": "us1234",
        "logistics_status": "WAIT_SELLER_SEND_GOODS",
        "left_send_good_day": "4",
        "product_list": {
            "order_product_dto": [
                {
                    "child_id": order_id * 10 + 1,
                    "order_id": order_id,
                    "product_id": 1005001,
                    "product_name": "Cup",
                    "product_count": 2,
                    "sku_code": "CUP-RED",
                    "product_unit_price": {"amount": "6.17", "currency_code": "USD"},
                    "total_product_amount": {"amount": "12.34", "currency_code": "USD"},
                }
            ]
        },
    }


def paged_orders(count: int) -> Handler:
    """A gateway holding ``count`` orders, paged as order.get pages them."""
    orders = [order_dto(8000 + n) for n in range(count)]

    def handler(form: dict[str, str]) -> dict[str, Any]:
        query = json.loads(form["param0"])
        page, size = query["current_page"], query["page_size"]
        chunk = orders[(page - 1) * size : page * size]
        return wrap(
            ORDER_GET,
            {
                "success": True,
                "total_count": count,
                "total_page": -(-count // size),
                "current_page": page,
                "page_size": size,
                "target_list": {"order_dto": chunk},
            },
        )

    return handler


def one_page(*orders: dict[str, Any]) -> Handler:
    result = {
        "success": True,
        "total_count": len(orders),
        "total_page": 1,
        "current_page": 1,
        "page_size": 50,
        "target_list": {"order_dto": list(orders)},
    }
    return lambda form: wrap(ORDER_GET, result)


# --- paging ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "requests"), [(0, 1), (1, 1), (5, 1), (6, 2), (11, 3)])
def test_iter_orders_walks_every_page(count: int, requests: int) -> None:
    gateway = FakeGateway(paged_orders(count))
    with make_client(gateway) as client:
        orders = list(client.iter_orders(OrderQuery(), page_size=5))
    assert [order.order_id for order in orders] == [8000 + n for n in range(count)]
    assert len(gateway.forms) == requests
    pages = [json.loads(form["param0"])["current_page"] for form in gateway.forms]
    assert pages == list(range(1, requests + 1))


def test_iter_orders_stops_at_an_empty_page_even_if_total_page_says_more() -> None:
    def handler(form: dict[str, str]) -> dict[str, Any]:
        page = json.loads(form["param0"])["current_page"]
        chunk = [order_dto(1)] if page == 1 else []
        return wrap(
            ORDER_GET,
            {
                "success": True,
                "total_count": 9,
                "total_page": 9,
                "current_page": page,
                "page_size": 1,
                "target_list": {"order_dto": chunk},
            },
        )

    gateway = FakeGateway(handler)
    with make_client(gateway) as client:
        orders = list(client.iter_orders(OrderQuery(), page_size=1))
    assert len(orders) == 1 and len(gateway.forms) == 2


def test_empty_result_without_target_list_is_an_empty_page() -> None:
    gateway = FakeGateway(lambda form: wrap(ORDER_GET, {"success": True, "total_count": 0}))
    with make_client(gateway) as client:
        page = client.list_orders(OrderQuery())
    assert page.orders == () and page.total_page == 0


def test_page_size_over_fifty_is_refused_before_sending() -> None:
    gateway = FakeGateway(paged_orders(0))
    with make_client(gateway) as client, pytest.raises(ValueError):
        client.list_orders(OrderQuery(), page_size=51)
    assert gateway.forms == []


def test_query_filters_are_sent_in_param0_with_pacific_times() -> None:
    gateway = FakeGateway(paged_orders(0))
    query = OrderQuery(
        modified_date_start=datetime(2024, 7, 1, 7, 0, tzinfo=UTC),
        modified_date_end=datetime(2024, 7, 2, 7, 0, tzinfo=UTC),
        order_status_list=(OrderStatus.WAIT_SELLER_SEND_GOODS, OrderStatus.IN_CANCEL),
        buyer_login_id="us1234",
    )
    with make_client(gateway) as client:
        client.list_orders(query)
    assert json.loads(gateway.forms[0]["param0"]) == {
        "current_page": 1,
        "page_size": 50,
        "modified_date_start": "2024-07-01 00:00:00",
        "modified_date_end": "2024-07-02 00:00:00",
        "order_status_list": ["WAIT_SELLER_SEND_GOODS", "IN_CANCEL"],
        "buyer_login_id": "us1234",
    }


def test_naive_datetime_in_query_is_refused() -> None:
    with pytest.raises(ValueError):
        OrderQuery(create_date_start=datetime(2024, 3, 1))


# --- typed orders ---------------------------------------------------------------------------------


def test_order_is_typed_with_money_utc_times_and_status_enum() -> None:
    with make_client(FakeGateway(one_page(order_dto(42)))) as client:
        order = client.list_orders(OrderQuery()).orders[0]
    assert order.status is OrderStatus.WAIT_SELLER_SEND_GOODS
    assert order.pay_amount == Money(Decimal("12.34"), "USD")
    assert order.created_at == datetime(2024, 3, 1, 18, 0, tzinfo=UTC)  # 10:00 PST
    assert order.left_send_good_day == 4
    line = order.lines[0]
    assert (line.child_id, line.product_id, line.product_count, line.sku_code) == (421, 1005001, 2, "CUP-RED")
    assert line.unit_price == Money(Decimal("6.17"), "USD")


def test_numeric_json_amount_is_read_exactly_without_float() -> None:
    text = json.dumps(
        wrap(
            ORDER_GET,
            {
                "success": True,
                "total_count": 1,
                "total_page": 1,
                "target_list": {"order_dto": [order_dto(1)]},
            },
        )
    )
    text = text.replace('"amount": "12.34"', '"amount": 0.1000000000000000055511')
    with make_client(FakeGateway(lambda form: text)) as client:
        order = client.list_orders(OrderQuery()).orders[0]
    assert order.pay_amount.amount == Decimal("0.1000000000000000055511")


@pytest.mark.parametrize("status", [status.value for status in OrderStatus])
def test_every_documented_status_is_accepted(status: str) -> None:
    with make_client(FakeGateway(one_page(order_dto(1, status)))) as client:
        assert client.list_orders(OrderQuery()).orders[0].status.value == status


def _malformed(orders: list[dict[str, Any]], caplog: pytest.LogCaptureFixture) -> MalformedReplyError:
    with (
        caplog.at_level(logging.ERROR),
        make_client(FakeGateway(one_page(*orders))) as client,
        pytest.raises(MalformedReplyError) as caught,
    ):
        client.list_orders(OrderQuery())
    assert len([record for record in caplog.records if record.levelno >= logging.ERROR]) == 1
    return caught.value


def test_missing_required_field_names_method_and_path(caplog: pytest.LogCaptureFixture) -> None:
    orders = [order_dto(n) for n in range(3)]
    del orders[1]["pay_amount"]
    error = _malformed(orders, caplog)
    assert error.field == "target_list.order_dto[1].pay_amount"
    assert ORDER_GET in str(error) and "target_list.order_dto[1].pay_amount" in str(error)


def test_unknown_order_status_is_malformed(caplog: pytest.LogCaptureFixture) -> None:
    orders = [order_dto(n) for n in range(4)]
    orders[3]["order_status"] = "TELEPORTED"
    error = _malformed(orders, caplog)
    assert error.field == "target_list.order_dto[3].order_status"
    assert ORDER_GET in str(error)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda o: o.update(order_id="not-a-number"), "target_list.order_dto[0].order_id"),
        (
            lambda o: o["product_list"]["order_product_dto"][0].update(product_count=[2]),
            "target_list.order_dto[0].product_list.order_product_dto[0].product_count",
        ),
        (lambda o: o["pay_amount"].update(amount="twelve"), "target_list.order_dto[0].pay_amount.amount"),
        (lambda o: o["pay_amount"].update(amount=True), "target_list.order_dto[0].pay_amount.amount"),
        (lambda o: o.update(gmt_create="01/03/2024"), "target_list.order_dto[0].gmt_create"),
        (lambda o: o.update(product_list="none"), "target_list.order_dto[0].product_list"),
    ],
)
def test_wrong_type_is_malformed_naming_the_field(
    mutate: Callable[[dict[str, Any]], None], field: str, caplog: pytest.LogCaptureFixture
) -> None:
    order = order_dto(7)
    mutate(order)
    assert _malformed([order], caplog).field == field


def test_order_list_refusal_is_a_business_error() -> None:
    reply = wrap(ORDER_GET, {"success": False, "error_code": "B_ERR", "error_message": "nope"})
    with make_client(FakeGateway(lambda form: reply)) as client, pytest.raises(BusinessError) as caught:
        client.list_orders(OrderQuery())
    assert caught.value.platform_code == "B_ERR"


# --- order detail ---------------------------------------------------------------------------------

DETAIL = {
    "id": 42,
    "gmt_create": "2024-03-01 10:00:00",
    "gmt_pay_time": "2024-03-01 10:05:00",
    "order_status": "WAIT_SELLER_SEND_GOODS",
    "logistics_status": "NO_LOGISTICS",
    "buyer_info": {"login_id": "us1234", "first_name": "Ann", "last_name": "Lee", "country": "US"},
    "receipt_address": {
        "contact_person": "Ann Lee",
        "address": "1 Main St",
        "city": "Austin",
        "province": "Texas",
        "country": "US",
        "zip": "73301",
        "mobile_no": "5550100",
    },
    "order_amount": {"amount": "25.00", "currency_code": "USD", "cent": 2500, "cent_factor": 100},
    "child_order_list": {
        "global_aeop_tp_child_order_dto": [
            {
                "id": 421,
                "product_id": 1005001,
                "sku_code": "CUP-RED",
                "product_count": 2,
                "product_name": "Cup",
                "product_price": {"amount": "12.50", "currency_code": "USD"},
            }
        ]
    },
    "logistic_info_list": {
        "global_aeop_tp_logistic_info_dto": [
            {
                "logistics_no": "LP00000000000001",
                "logistics_service_name": "CAINIAO_STANDARD",
                "gmt_send": "2024-03-02 09:00:00",
                "receive_status": "not_received",
            }
        ]
    },
}


def test_get_order_returns_address_buyer_children_and_shipments() -> None:
    gateway = FakeGateway(lambda form: wrap(ORDER_INFO, {"success": True, "data": DETAIL}))
    with make_client(gateway) as client:
        detail = client.get_order(42)
    assert json.loads(gateway.forms[0]["param1"]) == {"order_id": 42, "ext_info_bit_flag": 11111}
    assert detail.order_id == 42 and detail.amount == Money(Decimal("25.00"), "USD")
    assert detail.receipt_address.city == "Austin" and detail.receipt_address.contact_person == "Ann Lee"
    assert detail.buyer is not None and detail.buyer.country == "US"
    assert detail.child_orders[0].product_price == Money(Decimal("12.50"), "USD")
    assert detail.shipments[0].logistics_no == "LP00000000000001"
    assert detail.shipments[0].sent_at == datetime(2024, 3, 2, 17, 0, tzinfo=UTC)


def test_unknown_order_is_a_business_error_with_platform_code() -> None:
    reply = wrap(ORDER_INFO, {"success": False, "error_code": "ORDER_NOT_FOUND", "error_message": "no order"})
    with make_client(FakeGateway(lambda form: reply)) as client, pytest.raises(BusinessError) as caught:
        client.get_order(1)
    assert caught.value.platform_code == "ORDER_NOT_FOUND"


def test_order_detail_without_receipt_address_is_malformed() -> None:
    data = {key: value for key, value in DETAIL.items() if key != "receipt_address"}
    with (
        make_client(FakeGateway(lambda form: wrap(ORDER_INFO, {"success": True, "data": data}))) as client,
        pytest.raises(MalformedReplyError) as caught,
    ):
        client.get_order(42)
    assert caught.value.field == "data.receipt_address"


# --- fulfilment and carriers ----------------------------------------------------------------------


def test_fulfill_sends_the_named_params() -> None:
    gateway = FakeGateway(lambda form: wrap(FULFILL, {"result_success": True}))
    with make_client(gateway) as client:
        client.fulfill_order(
            42, "CAINIAO_STANDARD", "LP00000000000001", send_type="part", description="box 1"
        )
    form = gateway.forms[0]
    sent = [form[name] for name in ("service_name", "out_ref", "send_type", "logistics_no", "description")]
    assert sent == ["CAINIAO_STANDARD", "42", "part", "LP00000000000001", "box 1"]
    assert "tracking_website" not in form


def test_fulfill_refusal_raises_business_error_with_platform_code() -> None:
    reply = wrap(
        FULFILL,
        {
            "result_success": False,
            "result_error_code": "LOGISTICS_SERVICE_NOT_SUPPORT",
            "result_error_desc": "not approved",
        },
    )
    with make_client(FakeGateway(lambda form: reply)) as client, pytest.raises(BusinessError) as caught:
        client.fulfill_order(42, "FOURPX_ECONOMY", "4PE000000000001")
    assert caught.value.platform_code == "LOGISTICS_SERVICE_NOT_SUPPORT"


def test_fulfill_description_over_512_chars_is_refused_before_sending() -> None:
    gateway = FakeGateway(lambda form: wrap(FULFILL, {"result_success": True}))
    with make_client(gateway) as client:
        with pytest.raises(ValueError):
            client.fulfill_order(42, "CAINIAO_STANDARD", "LP00000000000001", description="x" * 513)
        client.fulfill_order(42, "CAINIAO_STANDARD", "LP00000000000001", description="x" * 512)
    assert len(gateway.forms) == 1


def test_logistics_services_are_read_from_the_response_object() -> None:
    reply = {
        "aliexpress_logistics_redefining_listlogisticsservice_response": {
            "result_success": True,
            "request_id": "r",
            "result_list": {
                "aeop_logistics_service_result": [
                    {
                        "service_name": "CAINIAO_STANDARD",
                        "display_name": "AliExpress Standard Shipping",
                        "logistics_company": "Cainiao",
                        "min_process_day": 1,
                        "max_process_day": 5,
                        "tracking_no_regex": r"^LP\d{14}$",
                        "recommend_order": 1,
                    }
                ]
            },
        }
    }
    with make_client(FakeGateway(lambda form: reply)) as client:
        services = client.list_logistics_services()
    assert [service.service_name for service in services] == ["CAINIAO_STANDARD"]
    assert services[0].matches("LP12345678901234")
    assert not services[0].matches("LP123")
    assert not services[0].matches("4PE123456789012")


def test_logistics_service_with_a_broken_regex_is_malformed() -> None:
    reply = {
        "aliexpress_logistics_redefining_listlogisticsservice_response": {
            "result_success": True,
            "result_list": {
                "aeop_logistics_service_result": [{"service_name": "X", "tracking_no_regex": "(["}]
            },
        }
    }
    with make_client(FakeGateway(lambda form: reply)) as client, pytest.raises(MalformedReplyError) as caught:
        client.list_logistics_services()
    assert caught.value.field == "result_list.aeop_logistics_service_result[0].tracking_no_regex"


# --- warehouse orders and products ----------------------------------------------------------------


def _warehouse_request() -> WarehouseOrderRequest:
    sender = WarehouseContact("Yiwu Store", "CN", "Zhejiang", "Jinhua", "1 Futian Rd", mobile="13800000000")
    receiver = WarehouseContact("Ann Lee", "US", "Texas", "Austin", "1 Main St", post_code="73301")
    product = DeclaredProduct(
        1005001, 2, Decimal("12.50"), Decimal("0.250"), "杯子", "cup", hs_code="691200", child_order_id=421
    )
    return WarehouseOrderRequest(
        42,
        receiver=receiver,
        sender=sender,
        declared_products=(product,),
        domestic_logistics_company_id=500,
        domestic_tracking_no="SF1234567890",
        warehouse_carrier_service="CAINIAO_STANDARD_SG",
        undeliverable_decision=0,
    )


def test_create_warehouse_order_sends_json_params_and_reads_the_result() -> None:
    method = "aliexpress.logistics.createwarehouseorder"
    reply = {
        "success": True,
        "warehouse_order_id": 900001,
        "trade_order_id": 42,
        "intl_tracking_no": "LP0000000000009",
    }
    gateway = FakeGateway(lambda form: wrap(method, reply))
    with make_client(gateway) as client:
        result = client.create_warehouse_order(_warehouse_request())
    form = gateway.forms[0]
    addresses = json.loads(form["address_d_t_os"])
    assert addresses["receiver"]["city"] == "Austin" and addresses["sender"]["mobile"] == "13800000000"
    declared = json.loads(form["declare_product_d_t_os"])
    assert declared[0]["product_declare_amount"] == "12.50" and declared[0]["product_weight"] == "0.250"
    sent = [form[name] for name in ("trade_order_id", "trade_order_from", "undeliverable_decision")]
    assert sent == ["42", "ESCROW", "0"]
    assert result.warehouse_order_id == 900001 and result.intl_tracking_no == "LP0000000000009"


def test_warehouse_order_refusal_is_a_business_error() -> None:
    method = "aliexpress.logistics.createwarehouseorder"
    reply = wrap(method, {"success": False, "error_code": "SERVICE_NOT_AVAILABLE", "error_desc": "no"})
    with make_client(FakeGateway(lambda form: reply)) as client, pytest.raises(BusinessError) as caught:
        client.create_warehouse_order(_warehouse_request())
    assert caught.value.platform_code == "SERVICE_NOT_AVAILABLE"


def test_get_product_returns_skus_with_prices_in_the_product_currency() -> None:
    method = "aliexpress.solution.product.info.get"
    result = {
        "product_id": 1005001,
        "subject": "Cup",
        "category_id": 200001,
        "currency_code": "USD",
        "product_price": "9.99",
        "gross_weight": "0.250",
        "package_length": 10,
        "package_width": "8",
        "package_height": 6,
        "aeop_ae_product_s_k_us": {
            "global_aeop_ae_product_sku": [
                {
                    "id": "14:193",
                    "sku_code": "CUP-RED",
                    "sku_price": "9.99",
                    "sku_stock": 30,
                    "aeop_s_k_u_property_list": {
                        "global_aeop_sku_property": [
                            {
                                "sku_property_id": 14,
                                "property_value_id": 193,
                                "property_value_definition_name": "Red",
                            }
                        ]
                    },
                }
            ]
        },
    }
    gateway = FakeGateway(lambda form: wrap(method, result))
    with make_client(gateway) as client:
        product = client.get_product(1005001)
    assert gateway.forms[0]["product_id"] == "1005001"
    assert product.gross_weight_kg == Decimal("0.250") and product.package_width_cm == Decimal(8)
    sku = product.skus[0]
    assert sku.price == Money(Decimal("9.99"), "USD") and sku.stock == 30
    assert sku.properties[0].property_value_definition_name == "Red"
