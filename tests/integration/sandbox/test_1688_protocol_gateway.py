"""The sandbox's 1688 gateway over HTTP: each rejection in the platform's shape, each fault, OAuth.

Requests are signed here by hand (HMAC-SHA1 over url_path + sorted key+value strings), so these
tests pin the documented algorithm rather than the client package.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest

from kuajing.sandbox.server import SandboxServer

APP_KEY, SECRET, TOKEN = "1688100", "sandbox-1688-secret", "sandbox-1688-token"
TRADE = "com.alibaba.trade"
ADDRESS = {
    "fullName": "王仓管",
    "mobile": "13800001688",
    "provinceText": "浙江省",
    "cityText": "金华市",
    "areaText": "义乌市",
    "townText": "稠城街道",
    "address": "国际商贸城一区",
}


def aop_sign(secret: str, path: str, params: dict[str, str]) -> str:
    message = path + "".join(sorted(key + value for key, value in params.items()))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest().upper()


def call(
    sandbox: SandboxServer,
    namespace: str,
    api: str,
    *,
    app_key: str = APP_KEY,
    secret: str = SECRET,
    token: str | None = TOKEN,
    timeout: float = 5.0,
    **business: Any,
) -> httpx.Response:
    params = {
        key: json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
        for key, value in business.items()
    }
    if token is not None:
        params["access_token"] = token
    params["_aop_timestamp"] = "1793491200000"
    path = f"param2/1/{namespace}/{api}/{app_key}"
    params["_aop_signature"] = aop_sign(secret, path, params)
    return httpx.post(f"{sandbox.base_url}/1688/openapi/{path}", data=params, timeout=timeout)


def cargo(sandbox: SandboxServer) -> list[dict[str, Any]]:
    catalog = sandbox.world.catalog
    offer = next(
        o
        for o in catalog.offers.values()
        if o.status == "published"
        and catalog.supplier_of(o).dropship_relation
        and not catalog.supplier_of(o).excluded_provinces
        and o.specs[0].stock > 10
    )
    return [{"offerId": offer.offer_id, "specId": offer.specs[0].spec_id, "quantity": 1}]


def create(sandbox: SandboxServer, **extra: Any) -> httpx.Response:
    return call(
        sandbox,
        TRADE,
        "alibaba.trade.createCrossOrder",
        flow="general",
        outOrderId="AE-1-1",
        addressParam=ADDRESS,
        cargoParamList=cargo(sandbox),
        **extra,
    )


def gateway_error(reply: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    body: dict[str, Any] = reply.json()
    assert body["error_code"] == code
    assert body["error_message"] and body["request_id"]
    return body


def add_fault(sandbox: SandboxServer, method: str, kind: str, delay_s: float = 0.3) -> None:
    reply = httpx.post(
        f"{sandbox.base_url}/sandbox/faults",
        json={"method": method, "kind": kind, "rate": 1, "delay_s": delay_s},
    )
    reply.raise_for_status()


def test_unknown_app_key_is_signature_invalid(sandbox: SandboxServer) -> None:
    gateway_error(
        call(sandbox, TRADE, "alibaba.trade.get.buyerView", app_key="999", orderId=1),
        401,
        "gw.SignatureInvalid",
    )


def test_wrong_secret_is_signature_invalid(sandbox: SandboxServer) -> None:
    gateway_error(
        call(sandbox, TRADE, "alibaba.trade.get.buyerView", secret="nope", orderId=1),
        401,
        "gw.SignatureInvalid",
    )


def test_missing_signature_is_signature_invalid(sandbox: SandboxServer) -> None:
    path = f"param2/1/{TRADE}/alibaba.trade.get.buyerView/{APP_KEY}"
    reply = httpx.post(
        f"{sandbox.base_url}/1688/openapi/{path}", data={"access_token": TOKEN, "orderId": "1"}
    )
    gateway_error(reply, 401, "gw.SignatureInvalid")


def test_params_in_the_query_string_are_signed_and_read_too(sandbox: SandboxServer) -> None:
    params = {"access_token": TOKEN, "orderId": "1"}
    path = f"param2/1/{TRADE}/alibaba.trade.get.buyerView/{APP_KEY}"
    params["_aop_signature"] = aop_sign(SECRET, path, params)
    reply = httpx.post(f"{sandbox.base_url}/1688/openapi/{path}", params=params)
    assert reply.status_code == 200 and reply.json()["errorCode"] == "ORDER_NOT_FOUND"


def test_unknown_api_or_wrong_namespace_is_api_not_found(sandbox: SandboxServer) -> None:
    gateway_error(call(sandbox, TRADE, "alibaba.trade.noSuchApi"), 404, "gw.APINotFound")
    gateway_error(
        call(sandbox, "com.alibaba.logistics", "alibaba.trade.get.buyerView", orderId=1),
        404,
        "gw.APINotFound",
    )


def test_too_many_calls_is_qos_app_frequency_limit(sandbox: SandboxServer) -> None:
    httpx.post(f"{sandbox.base_url}/sandbox/limits", params={"platform": "1688", "calls_per_second": 1})
    replies = [call(sandbox, TRADE, "alibaba.trade.get.buyerView", orderId=1) for _ in range(3)]
    gateway_error(replies[-1], 429, "gw.QosAppFrequencyLimit")


def test_missing_or_unknown_token_is_access_token_invalid(sandbox: SandboxServer) -> None:
    gateway_error(
        call(sandbox, TRADE, "alibaba.trade.get.buyerView", token=None, orderId=1),
        401,
        "gw.AccessTokenInvalid",
    )
    gateway_error(
        call(sandbox, TRADE, "alibaba.trade.get.buyerView", token="stolen", orderId=1),
        401,
        "gw.AccessTokenInvalid",
    )


def test_expired_token_is_access_token_expired(sandbox: SandboxServer) -> None:
    assert call(sandbox, TRADE, "alibaba.trade.get.buyerView", orderId=1).status_code == 200
    httpx.post(f"{sandbox.base_url}/sandbox/1688/tokens/expire").raise_for_status()
    gateway_error(
        call(sandbox, TRADE, "alibaba.trade.get.buyerView", orderId=1), 401, "gw.AccessTokenExpired"
    )


def test_missing_parameter_is_named(sandbox: SandboxServer) -> None:
    body = gateway_error(call(sandbox, TRADE, "alibaba.trade.get.buyerView"), 400, "gw.MissingParameter")
    assert "orderId" in body["error_message"]
    body = gateway_error(
        call(sandbox, TRADE, "alibaba.trade.createCrossOrder", addressParam=ADDRESS),
        400,
        "gw.MissingParameter",
    )
    assert "cargoParamList" in body["error_message"]


def test_invalid_parameter_is_named(sandbox: SandboxServer) -> None:
    body = gateway_error(
        call(
            sandbox,
            TRADE,
            "alibaba.trade.createCrossOrder",
            addressParam="{not json",
            cargoParamList=cargo(sandbox),
        ),
        400,
        "gw.InvalidParameter",
    )
    assert "addressParam" in body["error_message"]
    body = gateway_error(
        call(sandbox, TRADE, "alibaba.trade.getBuyerOrderList", pageSize=51), 400, "gw.InvalidParameter"
    )
    assert "pageSize" in body["error_message"]
    gateway_error(
        call(sandbox, TRADE, "alibaba.trade.get.buyerView", orderId="abc"), 400, "gw.InvalidParameter"
    )


def test_timeout_before_write_answers_503_and_writes_nothing(sandbox: SandboxServer) -> None:
    add_fault(sandbox, "alibaba.trade.createCrossOrder", "timeout_before_write")
    gateway_error(create(sandbox), 503, "gw.ServiceUnavailable")
    assert sandbox.world.buyer.state()["purchases"] == 0


def test_timeout_after_write_leaves_the_purchase_made(sandbox: SandboxServer) -> None:
    add_fault(sandbox, "alibaba.trade.createCrossOrder", "timeout_after_write", delay_s=1.0)
    with pytest.raises(httpx.ReadTimeout):
        create(sandbox, timeout=0.2)
    assert sandbox.world.buyer.state()["purchases_per_out_order_id"] == {"AE-1-1": 1}


def test_http_500_answers_internal_error_and_writes_nothing(sandbox: SandboxServer) -> None:
    add_fault(sandbox, "*", "http_500")
    gateway_error(create(sandbox), 500, "gw.InternalError")
    assert sandbox.world.buyer.state()["purchases"] == 0


def test_throttle_fault_answers_429(sandbox: SandboxServer) -> None:
    add_fault(sandbox, "alibaba.trade.createCrossOrder", "throttle")
    gateway_error(create(sandbox), 429, "gw.QosAppFrequencyLimit")
    assert sandbox.world.buyer.state()["purchases"] == 0


def test_malformed_reply_is_not_json_but_the_write_happened(sandbox: SandboxServer) -> None:
    add_fault(sandbox, "alibaba.trade.createCrossOrder", "malformed")
    reply = create(sandbox)
    assert reply.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.text)
    assert sandbox.world.buyer.state()["purchases"] == 1


def token_request(sandbox: SandboxServer, **form: str) -> httpx.Response:
    base = {"client_id": APP_KEY, "client_secret": SECRET, "redirect_uri": "http://127.0.0.1/cb"}
    return httpx.post(
        f"{sandbox.base_url}/1688/openapi/http/1/system.oauth2/getToken/{APP_KEY}", data={**base, **form}
    )


def test_authorization_code_gives_a_working_token_once(sandbox: SandboxServer) -> None:
    member = sandbox.world.buyer.member_id
    reply = token_request(
        sandbox, grant_type="authorization_code", code=f"code-{member}", need_refresh_token="true"
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["memberId"] == member and body["expires_in"] == 36000
    assert {
        "access_token",
        "refresh_token",
        "refresh_token_timeout",
        "aliId",
        "resource_owner",
    } <= body.keys()
    assert (
        call(sandbox, TRADE, "alibaba.trade.get.buyerView", token=body["access_token"], orderId=1).json()[
            "errorCode"
        ]
        == "ORDER_NOT_FOUND"
    )
    again = token_request(sandbox, grant_type="authorization_code", code=f"code-{member}")
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_refresh_token_gives_a_new_access_token(sandbox: SandboxServer) -> None:
    first = token_request(sandbox, grant_type="authorization_code", code="code-b2b-2200000000001").json()
    refreshed = token_request(sandbox, grant_type="refresh_token", refreshToken=first["refresh_token"])
    assert refreshed.status_code == 200
    assert refreshed.json()["access_token"] != first["access_token"]
    assert refreshed.json()["memberId"] == "b2b-2200000000001"
    bad = token_request(sandbox, grant_type="refresh_token", refreshToken="forged")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_refused(sandbox: SandboxServer) -> None:
    reply = token_request(sandbox, grant_type="authorization_code", code="code-x", client_secret="nope")
    assert reply.status_code == 400 and reply.json()["error"] == "invalid_client"
