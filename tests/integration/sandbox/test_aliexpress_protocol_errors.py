"""The sandbox's AliExpress gateway rejections and injected faults, in the platform's error shapes.

Requests are signed here with hmac/hashlib from the documented algorithm, not with the client.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kuajing.sandbox.credentials import SandboxCredentials
from kuajing.sandbox.server import SandboxServer

CREDENTIALS = SandboxCredentials()
ORDER_GET = "aliexpress.solution.order.get"
FULFILL = "aliexpress.solution.order.fulfill"
PAGE = {"param0": json.dumps({"current_page": 1, "page_size": 10})}
THROTTLE_MSG = "Api access frequency exceeds the limit. this ban will last 1 seconds"


def signed(
    api: str,
    params: dict[str, str],
    *,
    token: str | None = CREDENTIALS.ae_access_token,
    secret: str = CREDENTIALS.ae_app_secret,
    app_key: str = CREDENTIALS.ae_app_key,
    timestamp_ms: int | None = None,
) -> dict[str, str]:
    full = {
        "app_key": app_key,
        "timestamp": str(timestamp_ms or int(time.time() * 1000)),
        "sign_method": "sha256",
        "format": "json",
        "simplify": "false",
        "partner_id": "kuajing",
        "method": api,
    }
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


def error_of(reply: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert reply.status_code == status
    error: dict[str, Any] = reply.json()["error_response"]
    assert error["request_id"] and error["msg"]
    return error


def test_a_bad_signature_is_incomplete_signature(http: httpx.Client) -> None:
    params = signed(ORDER_GET, PAGE)
    params["sign"] = "0" * 64
    assert error_of(http.post("/aliexpress/sync", data=params))["code"] == "IncompleteSignature"
    wrong_secret = signed(ORDER_GET, PAGE, secret="not-the-secret")
    assert error_of(http.post("/aliexpress/sync", data=wrong_secret))["code"] == "IncompleteSignature"
    unsigned = {k: v for k, v in signed(ORDER_GET, PAGE).items() if k != "sign"}
    assert error_of(http.post("/aliexpress/sync", data=unsigned))["code"] == "IncompleteSignature"


def test_a_wrong_app_key_is_refused(http: httpx.Client) -> None:
    error = error_of(http.post("/aliexpress/sync", data=signed(ORDER_GET, PAGE, app_key="999999")))
    assert (error["code"], error["type"]) == ("IncompleteSignature", "ISV")


def test_a_tampered_parameter_breaks_the_signature(http: httpx.Client) -> None:
    params = signed(ORDER_GET, PAGE)
    params["param0"] = json.dumps({"current_page": 2, "page_size": 10})
    assert error_of(http.post("/aliexpress/sync", data=params))["code"] == "IncompleteSignature"


def test_an_unknown_or_missing_token_is_an_illegal_access_token(http: httpx.Client) -> None:
    for token in ("not-a-token", None):
        error = error_of(http.post("/aliexpress/sync", data=signed(ORDER_GET, PAGE, token=token)))
        assert error["code"] == "IllegalAccessToken"


def test_an_expired_token_is_an_illegal_access_token(http: httpx.Client) -> None:
    token = CREDENTIALS.ae_store_token(2)
    ok = http.post("/aliexpress/sync", data=signed(ORDER_GET, PAGE, token=token)).json()
    assert "aliexpress_solution_order_get_response" in ok
    assert http.post("/sandbox/aliexpress/tokens/expire", params={"token": token}).status_code == 200
    error = error_of(http.post("/aliexpress/sync", data=signed(ORDER_GET, PAGE, token=token)))
    assert error["code"] == "IllegalAccessToken"


def test_the_access_token_parameter_is_accepted_instead_of_session(http: httpx.Client) -> None:
    params = signed(ORDER_GET, {**PAGE, "access_token": CREDENTIALS.ae_access_token}, token=None)
    assert "aliexpress_solution_order_get_response" in http.post("/aliexpress/sync", data=params).json()


def test_an_unknown_method_is_an_invalid_api_path(http: httpx.Client) -> None:
    error = error_of(http.post("/aliexpress/sync", data=signed("aliexpress.no.such.api", {})))
    assert error["code"] == "InvalidApiPath"
    flat = http.post("/aliexpress/rest/auth/no/such", data=signed("/auth/no/such", {}, token=None)).json()
    assert flat["code"] == "InvalidApiPath" and flat["request_id"]


def test_missing_parameters_are_named(http: httpx.Client) -> None:
    error = error_of(http.post("/aliexpress/sync", data=signed(ORDER_GET, {})))
    assert error["code"] == "MissingParameter" and "param0" in error["msg"]
    no_page = {"param0": json.dumps({"page_size": 10})}
    error = error_of(http.post("/aliexpress/sync", data=signed(ORDER_GET, no_page)))
    assert error["code"] == "MissingParameter" and "current_page" in error["msg"]
    fulfill = {"service_name": "CAINIAO_STANDARD", "out_ref": "1", "send_type": "all"}
    error = error_of(http.post("/aliexpress/sync", data=signed(FULFILL, fulfill)))
    assert error["code"] == "MissingParameter" and "logistics_no" in error["msg"]


def test_unparseable_or_out_of_range_parameters_are_invalid(http: httpx.Client) -> None:
    bad = [
        {"param0": "{not json"},
        {"param0": json.dumps({"current_page": 1, "page_size": 51})},
        {"param0": json.dumps({"current_page": 1, "page_size": 10, "order_status": "SHIPPED_BY_MAGIC"})},
        {"param0": json.dumps({"current_page": 1, "page_size": 10, "create_date_start": "yesterday"})},
    ]
    for params in bad:
        error = error_of(http.post("/aliexpress/sync", data=signed(ORDER_GET, params)))
        assert error["code"] == "InvalidParameter"
    send_type = {
        "service_name": "CAINIAO_STANDARD",
        "out_ref": "1",
        "send_type": "some",
        "logistics_no": "LP12345678901234",
    }
    error = error_of(http.post("/aliexpress/sync", data=signed(FULFILL, send_type)))
    assert error["code"] == "InvalidParameter"


def test_a_timestamp_too_far_from_now_is_refused(http: httpx.Client) -> None:
    stale = int((time.time() - 3 * 3600) * 1000)
    error = error_of(http.post("/aliexpress/sync", data=signed(ORDER_GET, PAGE, timestamp_ms=stale)))
    assert (error["code"], error["msg"]) == ("InvalidParameter", "timestamp skew too large")


def test_calls_over_the_rate_limit_get_api_call_limit(http: httpx.Client) -> None:
    http.post("/sandbox/limits", params={"platform": "aliexpress", "calls_per_second": 1})
    codes = [http.post("/aliexpress/sync", data=signed(ORDER_GET, PAGE)).json() for _ in range(3)]
    limited = [reply["error_response"] for reply in codes if "error_response" in reply]
    assert limited
    assert all((e["code"], e["type"], e["msg"]) == ("ApiCallLimit", "ISV", THROTTLE_MSG) for e in limited)


def test_get_with_a_query_string_works_too(http: httpx.Client) -> None:
    reply = http.get("/aliexpress/sync", params=signed(ORDER_GET, PAGE)).json()
    assert reply["aliexpress_solution_order_get_response"]["result"]["success"] is True


# --- injected faults, on a write (fulfil) so we can see whether it happened ------------------------


def paid_order(sandbox: SandboxServer, http: httpx.Client) -> int:
    http.post("/sandbox/orders/generate", params={"count": 6})
    return min(o.order_id for o in sandbox.world.storefront.orders.values() if o.store_number == 1)


def inject(http: httpx.Client, kind: str, delay_s: float = 0.2) -> None:
    fault = {"method": FULFILL, "kind": kind, "rate": 1.0, "delay_s": delay_s}
    reply = http.post("/sandbox/faults", json=fault)
    assert reply.status_code == 200


def post_fulfil(http: httpx.Client, order_id: int) -> httpx.Response:
    return http.post(
        "/aliexpress/sync",
        data=signed(
            FULFILL,
            {
                "service_name": "CAINIAO_STANDARD",
                "out_ref": str(order_id),
                "send_type": "all",
                "logistics_no": "LP12345678901234",
            },
        ),
    )


def test_timeout_before_write_waits_then_fails_without_writing(
    sandbox: SandboxServer, http: httpx.Client
) -> None:
    order_id = paid_order(sandbox, http)
    inject(http, "timeout_before_write")
    error = error_of(post_fulfil(http, order_id))
    assert (error["code"], error["type"]) == ("ServiceUnavailable", "ISP")
    assert sandbox.world.state()["shipments"] == 0


def test_timeout_after_write_writes_then_replies_normally(sandbox: SandboxServer, http: httpx.Client) -> None:
    order_id = paid_order(sandbox, http)
    inject(http, "timeout_after_write")
    reply = post_fulfil(http, order_id).json()
    assert reply["aliexpress_solution_order_fulfill_response"]["result"] == {"result_success": True}
    assert sandbox.world.state()["shipments"] == 1


def test_http_500_answers_service_unavailable_without_writing(
    sandbox: SandboxServer, http: httpx.Client
) -> None:
    order_id = paid_order(sandbox, http)
    inject(http, "http_500")
    error = error_of(post_fulfil(http, order_id), status=500)
    assert (error["code"], error["type"]) == ("ServiceUnavailable", "ISP")
    assert sandbox.world.state()["shipments"] == 0


def test_throttle_fault_answers_api_call_limit_without_writing(
    sandbox: SandboxServer, http: httpx.Client
) -> None:
    order_id = paid_order(sandbox, http)
    inject(http, "throttle")
    error = error_of(post_fulfil(http, order_id))
    assert (error["code"], error["msg"]) == ("ApiCallLimit", THROTTLE_MSG)
    assert sandbox.world.state()["shipments"] == 0


def test_malformed_reply_is_not_json_but_the_write_happened(
    sandbox: SandboxServer, http: httpx.Client
) -> None:
    order_id = paid_order(sandbox, http)
    inject(http, "malformed")
    reply = post_fulfil(http, order_id)
    assert reply.status_code == 200
    assert reply.text.startswith('{"aliexpress_solution_order_fulfill_response"')
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.text)
    assert sandbox.world.state()["shipments"] == 1
    assert sandbox.world.state()["faults_injected"] == {"malformed": 1}


def test_faults_apply_only_to_their_method(sandbox: SandboxServer, http: httpx.Client) -> None:
    inject(http, "http_500")
    reply = http.post("/aliexpress/sync", data=signed(ORDER_GET, PAGE))
    assert reply.status_code == 200 and "aliexpress_solution_order_get_response" in reply.json()
