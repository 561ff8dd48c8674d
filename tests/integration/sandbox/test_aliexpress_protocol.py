"""The sandbox's AliExpress protocol over real HTTP: reply shapes, paging, fulfilment, auth APIs.

Requests are signed here with hmac/hashlib from the documented algorithm, not with the client.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kuajing.sandbox.credentials import SandboxCredentials
from kuajing.sandbox.server import SandboxServer

CREDENTIALS = SandboxCredentials()
AE_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def signed(
    api: str,
    params: dict[str, str],
    token: str | None = CREDENTIALS.ae_access_token,
    secret: str = CREDENTIALS.ae_app_secret,
) -> dict[str, str]:
    full = {
        "app_key": CREDENTIALS.ae_app_key,
        "timestamp": str(int(time.time() * 1000)),
        "sign_method": "sha256",
        "format": "json",
        "simplify": "false",
        "partner_id": "kuajing",
    }
    if not api.startswith("/"):
        full["method"] = api
    if token is not None:
        full["session"] = token
    full.update(params)
    message = "".join(f"{key}{full[key]}" for key in sorted(full))
    if "/" in api:
        message = api + message
    full["sign"] = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest().upper()
    return full


@pytest.fixture
def http(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url, timeout=10) as client:
        yield client


def call(
    http: httpx.Client,
    method: str,
    params: dict[str, str] | None = None,
    token: str | None = CREDENTIALS.ae_access_token,
) -> dict[str, Any]:
    reply = http.post("/aliexpress/sync", data=signed(method, params or {}, token))
    assert reply.status_code == 200
    body: dict[str, Any] = reply.json()
    return body


def result_of(
    http: httpx.Client,
    method: str,
    params: dict[str, str] | None = None,
    token: str | None = CREDENTIALS.ae_access_token,
) -> dict[str, Any]:
    body = call(http, method, params, token)
    wrapped = body[f"{method.replace('.', '_')}_response"]
    assert wrapped["request_id"]
    result: dict[str, Any] = wrapped["result"]
    return result


def store_orders(sandbox: SandboxServer, store_number: int) -> list[int]:
    orders = sandbox.world.storefront.orders.values()
    return sorted(order.order_id for order in orders if order.store_number == store_number)


def order_page(http: httpx.Client, page: int, page_size: int = 20, **filters: Any) -> dict[str, Any]:
    query = json.dumps({"current_page": page, "page_size": page_size, **filters})
    return result_of(http, "aliexpress.solution.order.get", {"param0": query})


def test_order_get_pages_through_the_stores_paid_orders(sandbox: SandboxServer, http: httpx.Client) -> None:
    http.post("/sandbox/orders/generate", params={"count": 60})
    expected = store_orders(sandbox, 1)
    first = order_page(http, 1)
    assert first["success"] is True
    assert (first["total_count"], first["current_page"], first["page_size"]) == (len(expected), 1, 20)
    assert first["total_page"] == -(-len(expected) // 20)
    seen = [
        dto["order_id"]
        for page in range(1, first["total_page"] + 1)
        for dto in order_page(http, page)["target_list"]["order_dto"]
    ]
    assert sorted(seen) == expected
    assert AE_TIME.fullmatch(first["time_stamp"])


def test_order_dto_has_the_agreed_shape(http: httpx.Client) -> None:
    http.post("/sandbox/orders/generate", params={"count": 10})
    dto = order_page(http, 1)["target_list"]["order_dto"][0]
    assert isinstance(dto["order_id"], int)
    assert dto["order_status"] == "WAIT_SELLER_SEND_GOODS"
    for field in ("gmt_create", "gmt_pay_time", "gmt_update"):
        assert AE_TIME.fullmatch(dto[field])
    assert isinstance(dto["pay_amount"]["amount"], str) and dto["pay_amount"]["currency_code"] == "USD"
    assert dto["left_send_good_day"] >= 2 and 0 <= dto["left_send_good_hour"] < 24
    for key in ("logistics_status", "fund_status", "frozen_status", "issue_status", "buyer_login_id"):
        assert dto[key]
    line = dto["product_list"]["order_product_dto"][0]
    assert isinstance(line["child_id"], int) and isinstance(line["product_id"], int)
    assert line["order_id"] == dto["order_id"]
    assert isinstance(line["product_unit_price"]["amount"], str)
    assert isinstance(line["total_product_amount"]["amount"], str)
    for key in (
        "product_name",
        "sku_code",
        "logistics_type",
        "logistics_service_name",
        "son_order_status",
        "show_status",
    ):
        assert line[key]
    assert line["product_count"] >= 1


def test_order_get_filters_by_status_and_modified_window(http: httpx.Client) -> None:
    order_ids = http.post("/sandbox/orders/generate", params={"count": 20}).json()["order_ids"]
    for order_id in order_ids:
        http.post(f"/sandbox/aliexpress/orders/{order_id}/cancel")
    http.post("/sandbox/clock/advance", params={"hours": 1})
    http.post("/sandbox/orders/generate", params={"count": 20})
    cancelled = order_page(http, 1, order_status="IN_CANCEL")
    assert cancelled["total_count"] > 0
    assert {dto["order_status"] for dto in cancelled["target_list"]["order_dto"]} == {"IN_CANCEL"}
    later = order_page(http, 1, modified_date_start="2026-10-31 17:30:00")  # 00:30 UTC, in Pacific time
    assert later["total_count"] > 0
    assert all(dto["gmt_update"] >= "2026-10-31 17:30:00" for dto in later["target_list"]["order_dto"])
    both = order_page(http, 1, order_status_list=["IN_CANCEL", "WAIT_SELLER_SEND_GOODS"])
    assert both["total_count"] == cancelled["total_count"] + later["total_count"]


def test_order_info_get_returns_buyer_address_and_lines(sandbox: SandboxServer, http: httpx.Client) -> None:
    http.post("/sandbox/orders/generate", params={"count": 10})
    order_id = store_orders(sandbox, 1)[0]
    result = result_of(
        http,
        "aliexpress.solution.order.info.get",
        {"param1": json.dumps({"order_id": order_id, "ext_info_bit_flag": 11111})},
    )
    assert result["success"] is True
    data = result["data"]
    assert data["id"] == order_id
    assert set(data["buyer_info"]) >= {"login_id", "first_name", "last_name", "country"}
    assert set(data["receipt_address"]) >= {
        "contact_person",
        "address",
        "address2",
        "detail_address",
        "city",
        "province",
        "country",
        "zip",
        "phone_country",
        "phone_area",
        "phone_number",
        "mobile_no",
    }
    amount = data["order_amount"]
    assert amount["cent_factor"] == 100 and amount["cent"] == round(float(amount["amount"]) * 100)
    child = data["child_order_list"]["global_aeop_tp_child_order_dto"][0]
    assert set(child) >= {"id", "product_id", "sku_code", "product_count", "product_name", "product_price"}
    assert data["logistic_info_list"]["global_aeop_tp_logistic_info_dto"] == []


def test_another_stores_orders_are_not_found(sandbox: SandboxServer, http: httpx.Client) -> None:
    http.post("/sandbox/orders/generate", params={"count": 10})
    order_id = store_orders(sandbox, 1)[0]
    store2_token = CREDENTIALS.ae_store_token(2)
    result = result_of(
        http,
        "aliexpress.solution.order.info.get",
        {"param1": json.dumps({"order_id": order_id})},
        token=store2_token,
    )
    assert result["success"] is False and result["error_code"] == "ORDER_NOT_FOUND"
    page = result_of(
        http,
        "aliexpress.solution.order.get",
        {"param0": json.dumps({"current_page": 1, "page_size": 50})},
        token=store2_token,
    )
    assert order_id not in [dto["order_id"] for dto in page["target_list"]["order_dto"]]


def fulfil(
    http: httpx.Client, order_id: int, service: str, number: str, send_type: str = "all"
) -> dict[str, Any]:
    return result_of(
        http,
        "aliexpress.solution.order.fulfill",
        {
            "service_name": service,
            "out_ref": str(order_id),
            "send_type": send_type,
            "logistics_no": number,
            "description": "sandbox test",
        },
    )


def test_fulfil_accepts_approved_numbers_once_and_refuses_the_rest(
    sandbox: SandboxServer, http: httpx.Client
) -> None:
    http.post("/sandbox/orders/generate", params={"count": 10})
    order_id = store_orders(sandbox, 1)[0]
    refused = fulfil(http, order_id, "4PX_ECONOMY", "4PE123456789012")
    assert refused == {
        "result_success": False,
        "result_error_code": "LOGISTICS_SERVICE_NOT_SUPPORT",
        "result_error_desc": refused["result_error_desc"],
    }
    assert fulfil(http, order_id, "CAINIAO_STANDARD", "4PE123456789012")["result_error_code"] == (
        "TRACKING_NO_INVALID"
    )
    assert fulfil(http, 1, "CAINIAO_STANDARD", "LP12345678901234")["result_error_code"] == "ORDER_NOT_FOUND"
    assert fulfil(http, order_id, "CAINIAO_STANDARD", "LP12345678901234") == {"result_success": True}
    assert fulfil(http, order_id, "CAINIAO_STANDARD", "LP12345678901234") == {"result_success": True}
    assert sandbox.world.state()["shipments"] == 1
    param1 = json.dumps({"order_id": order_id})
    info = result_of(http, "aliexpress.solution.order.info.get", {"param1": param1})
    assert info["data"]["order_status"] == "WAIT_BUYER_ACCEPT_GOODS"
    shipment = info["data"]["logistic_info_list"]["global_aeop_tp_logistic_info_dto"][0]
    assert (shipment["logistics_no"], shipment["logistics_service_name"]) == (
        "LP12345678901234",
        "CAINIAO_STANDARD",
    )
    assert fulfil(http, order_id, "CAINIAO_STANDARD", "LP99999999999999")["result_error_code"] == (
        "ORDER_STATUS_INVALID"
    )


def test_list_logistics_services_is_the_approved_list_outside_result(http: httpx.Client) -> None:
    body = call(http, "aliexpress.logistics.redefining.listlogisticsservice")
    reply = body["aliexpress_logistics_redefining_listlogisticsservice_response"]
    assert reply["result_success"] is True and reply["request_id"]
    services = reply["result_list"]["aeop_logistics_service_result"]
    names = {service["service_name"] for service in services}
    assert {"CAINIAO_STANDARD", "YANWEN_JYT"} <= names and "LOCAL_FORWARDER" not in names
    assert set(services[0]) >= {
        "service_name",
        "display_name",
        "logistics_company",
        "min_process_day",
        "max_process_day",
        "tracking_no_regex",
        "recommend_order",
    }


def warehouse_params(order_id: int, service: str = "CAINIAO_STANDARD") -> dict[str, str]:
    return {
        "address_d_t_os": json.dumps({"sender": {"name": "Kuajing"}, "receiver": {"name": "Buyer"}}),
        "declare_product_d_t_os": json.dumps(
            [
                {
                    "product_id": 1,
                    "product_num": 1,
                    "category_en_desc": "case",
                    "product_declare_amount": "5.00",
                }
            ]
        ),
        "domestic_logistics_company_id": "1005",
        "domestic_tracking_no": "YT1234567890123456",
        "trade_order_id": str(order_id),
        "trade_order_from": "ESCROW",
        "warehouse_carrier_service": service,
    }


def test_create_warehouse_order_returns_a_cainiao_number_idempotently(
    sandbox: SandboxServer, http: httpx.Client
) -> None:
    http.post("/sandbox/orders/generate", params={"count": 10})
    order_id = store_orders(sandbox, 1)[0]
    first = result_of(http, "aliexpress.logistics.createwarehouseorder", warehouse_params(order_id))
    assert first["success"] is True and first["trade_order_id"] == order_id
    assert re.fullmatch(r"LP\d{14}", first["intl_tracking_no"])
    assert isinstance(first["warehouse_order_id"], int)
    again = result_of(http, "aliexpress.logistics.createwarehouseorder", warehouse_params(order_id))
    assert again["intl_tracking_no"] == first["intl_tracking_no"]
    refused = result_of(
        http,
        "aliexpress.logistics.createwarehouseorder",
        warehouse_params(order_id, "LOCAL_FORWARDER") | {"domestic_tracking_no": "YT2"},
    )
    assert (refused["success"], refused["error_code"]) == (False, "LOGISTICS_SERVICE_NOT_SUPPORT")
    missing = call(
        http,
        "aliexpress.logistics.createwarehouseorder",
        {k: v for k, v in warehouse_params(order_id).items() if k != "trade_order_id"},
    )
    assert missing["error_response"]["code"] == "MissingParameter"
    assert "trade_order_id" in missing["error_response"]["msg"]


def test_product_info_get_shows_the_listing_without_hidden_truth(
    sandbox: SandboxServer, http: httpx.Client
) -> None:
    listing = sandbox.world.storefront.stores[0].listing_list()[0]
    result = result_of(http, "aliexpress.solution.product.info.get", {"product_id": str(listing.product_id)})
    assert result["product_id"] == listing.product_id and result["subject"] == listing.subject
    assert result["currency_code"] == "USD" and isinstance(result["product_price"], str)
    assert isinstance(result["gross_weight"], str)
    skus = result["aeop_ae_product_s_k_us"]["global_aeop_ae_product_sku"]
    assert [sku["sku_code"] for sku in skus] == [sku.sku_code for sku in listing.skus]
    assert isinstance(skus[0]["sku_price"], str)
    assert "global_aeop_sku_property" in skus[0]["aeop_s_k_u_property_list"]
    text = json.dumps(result)
    assert all(sku.spec_id not in text for sku in listing.skus) and "multiplier" not in text
    other_store = sandbox.world.storefront.stores[1].listing_list()[0].product_id
    error = call(http, "aliexpress.solution.product.info.get", {"product_id": str(other_store)})
    assert error["error_response"]["code"] == "InvalidParameter"
    assert error["error_response"]["msg"] == "product not found"


def test_token_create_and_refresh_over_rest(sandbox: SandboxServer, http: httpx.Client) -> None:
    store = sandbox.world.storefront.stores[1]
    created = http.post(
        "/aliexpress/rest/auth/token/create",
        data=signed("/auth/token/create", {"code": store.auth_code}, token=None),
    ).json()
    assert created["code"] == "0" and created["request_id"]
    assert created["seller_id"] == store.seller_id and created["expires_in"] == 86400
    assert created["expire_time"] > time.time() * 1000
    param0 = json.dumps({"current_page": 1, "page_size": 5})
    page = result_of(http, "aliexpress.solution.order.get", {"param0": param0}, token=created["access_token"])
    assert page["success"] is True
    reused = http.post(
        "/aliexpress/rest/auth/token/create",
        data=signed("/auth/token/create", {"code": store.auth_code}, token=None),
    ).json()
    assert (reused["code"], reused["type"]) == ("InvalidCode", "ISV") and reused["message"]
    refreshed = http.post(
        "/aliexpress/rest",
        data=signed(
            "/auth/token/refresh",
            {"method": "/auth/token/refresh", "refresh_token": created["refresh_token"]},
            token=None,
        ),
    ).json()
    assert refreshed["code"] == "0" and refreshed["access_token"] != created["access_token"]
    again = http.post(
        "/aliexpress/rest/auth/token/refresh",
        data=signed("/auth/token/refresh", {"refresh_token": created["refresh_token"]}, token=None),
    ).json()
    assert again["code"] == "IllegalRefreshToken"


def test_admin_lists_stores_with_tokens_and_seller_ids(http: httpx.Client) -> None:
    stores = http.get("/sandbox/aliexpress/stores").json()["stores"]
    assert len(stores) >= 2
    assert stores[0]["access_token"] == CREDENTIALS.ae_access_token
    assert stores[1]["access_token"] == CREDENTIALS.ae_store_token(2)
    assert all(store["auth_code"] == f"code-{store['seller_id']}" for store in stores)
    listings = http.get("/sandbox/aliexpress/stores/1/listings").json()["listings"]
    assert len(listings) >= 60 and {"offer_id", "spec_id", "multiplier"} <= set(listings[0]["skus"][0])


def test_admin_can_freeze_an_order_and_cancel_refuses_shipped_ones(
    sandbox: SandboxServer, http: httpx.Client
) -> None:
    http.post("/sandbox/orders/generate", params={"count": 10})
    first, second = store_orders(sandbox, 1)[:2]
    frozen = http.post(f"/sandbox/aliexpress/orders/{first}/status", params={"status": "IN_FROZEN"})
    assert frozen.json()["status"] == "IN_FROZEN"
    assert fulfil(http, first, "CAINIAO_STANDARD", "LP12345678901234")["result_error_code"] == (
        "ORDER_STATUS_INVALID"
    )
    fulfil(http, second, "CAINIAO_STANDARD", "LP12345678901235", send_type="part")
    assert http.post(f"/sandbox/aliexpress/orders/{second}/cancel").status_code == 409
    assert http.post("/sandbox/aliexpress/orders/1/cancel").status_code == 404
