"""AliExpressClient call mechanics over httpx.MockTransport: signing, error mapping, retries,
pacing and token refresh. Expected signatures are recomputed here from the documented algorithm."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from kuajing.config import Settings
from kuajing.marketplaces.aliexpress import AliExpressClient, AliExpressConfig, OrderQuery, TokenSet
from kuajing.marketplaces.errors import (
    AuthError,
    CallTimeout,
    ConnectionFailed,
    InvalidParameterError,
    MalformedReplyError,
    MarketplaceError,
    PlatformError,
    ThrottledError,
    TransientError,
    TransportError,
)
from kuajing.marketplaces.policy import RetryPolicy

NOW = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
ORDER_GET = "aliexpress.solution.order.get"
FULFILL = "aliexpress.solution.order.fulfill"
Reply = httpx.Response | Exception | Callable[[dict[str, str]], httpx.Response]


class FakeGateway:
    """Answers queued replies in order (the last one repeats) and records every request."""

    def __init__(self, *replies: Reply) -> None:
        self._replies = list(replies)
        self.forms: list[dict[str, str]] = []
        self.urls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
        self.forms.append(form)
        self.urls.append(str(request.url))
        reply = self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return reply(form)

    @property
    def methods(self) -> list[str]:
        return [form["method"] for form in self.forms]


class CountingPacer:
    def __init__(self) -> None:
        self.acquired = 0

    def acquire(self) -> None:
        self.acquired += 1


def make_client(
    gateway: FakeGateway,
    *,
    sleeps: list[float] | None = None,
    attempts: int = 4,
    refresh_token: str = "",
    pacer: CountingPacer | None = None,
    on_tokens: Callable[[TokenSet], None] | None = None,
) -> AliExpressClient:
    config = AliExpressConfig(
        base_url="https://gw.example/",
        app_key="12345678",
        app_secret="secret",
        access_token="TOKEN",
        refresh_token=refresh_token,
    )
    policy = RetryPolicy(
        max_attempts=attempts,
        base_delay=0.5,
        jitter=0,
        sleep=sleeps.append if sleeps is not None else (lambda s: None),
    )
    return AliExpressClient(
        config,
        transport=httpx.MockTransport(gateway),
        rate_limiter=pacer or CountingPacer(),
        retry_policy=policy,
        now=lambda: NOW,
        on_tokens_refreshed=on_tokens,
    )


def ok(method: str, result: dict[str, Any]) -> httpx.Response:
    key = method.replace(".", "_") + "_response"
    return httpx.Response(200, json={key: {"result": result, "request_id": "req-1"}})


def gateway_error(code: str, msg: str = "no", error_type: str = "ISV", status: int = 200) -> httpx.Response:
    body = {"error_response": {"type": error_type, "code": code, "msg": msg, "request_id": "req-e"}}
    return httpx.Response(status, json=body)


EMPTY_PAGE = ok(
    ORDER_GET,
    {
        "success": True,
        "total_count": 0,
        "total_page": 0,
        "current_page": 1,
        "page_size": 50,
        "target_list": {"order_dto": []},
    },
)
FULFILLED = ok(FULFILL, {"result_success": True})
BAN_MESSAGE = "Api access frequency exceeds the limit. this ban will last {} seconds"


def list_first_page(client: AliExpressClient) -> object:
    return client.list_orders(OrderQuery())


def expected_sign(params: dict[str, str], api_name: str = "") -> str:
    message = "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")
    if "/" in api_name:
        message = api_name + message
    return hmac.new(b"secret", message.encode(), hashlib.sha256).hexdigest().upper()


# --- what goes over the wire ----------------------------------------------------------------------


def test_business_call_carries_system_params_and_a_valid_signature() -> None:
    gateway = FakeGateway(EMPTY_PAGE)
    with make_client(gateway) as client:
        client.list_orders(
            OrderQuery(create_date_start=datetime(2024, 3, 1, 8, 0, tzinfo=UTC)), page=2, page_size=20
        )
    form = gateway.forms[0]
    assert gateway.urls == ["https://gw.example/sync"]
    assert form["app_key"] == "12345678"
    assert form["method"] == ORDER_GET
    assert form["session"] == "TOKEN"
    assert form["timestamp"] == str(int(NOW.timestamp() * 1000))
    assert (form["sign_method"], form["format"], form["simplify"], form["partner_id"]) == (
        "sha256",
        "json",
        "false",
        "kuajing",
    )
    # Compact JSON, and the date converted to US Pacific (PST is UTC-8 on 1 March).
    assert form["param0"] == '{"current_page":2,"page_size":20,"create_date_start":"2024-03-01 00:00:00"}'
    assert form["sign"] == expected_sign(form)


def test_system_call_goes_to_rest_path_and_signs_with_the_api_name_prepended() -> None:
    reply = httpx.Response(
        200,
        json={
            "code": "0",
            "access_token": "A2",
            "refresh_token": "R2",
            "expires_in": 3600,
            "refresh_expires_in": 7200,
            "seller_id": 77,
        },
    )
    gateway = FakeGateway(reply)
    with make_client(gateway) as client:
        tokens = client.create_token("code-77", uuid="u-1")
    form = gateway.forms[0]
    assert gateway.urls == ["https://gw.example/rest/auth/token/create"]
    assert form["code"] == "code-77" and form["uuid"] == "u-1"
    assert "session" not in form
    assert form["sign"] == expected_sign(form, "/auth/token/create")
    assert tokens.access_token == "A2" and tokens.seller_id == "77"


# --- error codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error_type", "expected"),
    [
        ("IncompleteSignature", "ISV", AuthError),
        ("IllegalAccessToken", "ISV", AuthError),
        ("InvalidApiPath", "ISV", InvalidParameterError),
        ("MissingParameter", "ISV", InvalidParameterError),
        ("InvalidParameter", "ISV", InvalidParameterError),
        ("ApiCallLimit", "ISV", ThrottledError),
        ("ServiceUnavailable", "ISP", TransientError),
        ("SomethingNew", "ISP", TransientError),
    ],
)
def test_gateway_error_code_maps_to_its_error_class(
    code: str, error_type: str, expected: type[MarketplaceError]
) -> None:
    with (
        make_client(FakeGateway(gateway_error(code, error_type=error_type)), attempts=1) as client,
        pytest.raises(expected) as caught,
    ):
        list_first_page(client)
    assert caught.value.platform_code == code
    assert caught.value.method == ORDER_GET
    assert caught.value.request_id == "req-e"


def test_unknown_isv_code_is_a_plain_platform_error_and_not_retried() -> None:
    gateway = FakeGateway(gateway_error("SomethingNew"))
    with make_client(gateway) as client, pytest.raises(PlatformError) as caught:
        list_first_page(client)
    assert type(caught.value) is PlatformError
    assert len(gateway.forms) == 1


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("InvalidCode", AuthError),
        ("IllegalRefreshToken", AuthError),
        ("MissingParameter", InvalidParameterError),
    ],
)
def test_flat_rest_error_maps_to_its_error_class(code: str, expected: type[MarketplaceError]) -> None:
    reply = httpx.Response(200, json={"code": code, "type": "ISV", "message": "bad", "request_id": "r"})
    with make_client(FakeGateway(reply)) as client, pytest.raises(expected) as caught:
        client.create_token("code-1")
    assert caught.value.platform_code == code


@pytest.mark.parametrize(
    ("status", "expected"),
    [(502, TransientError), (503, TransientError), (404, InvalidParameterError), (401, AuthError)],
)
def test_non_platform_http_error_maps_by_status(status: int, expected: type[MarketplaceError]) -> None:
    with (
        make_client(FakeGateway(httpx.Response(status, text="<html>oops</html>")), attempts=1) as client,
        pytest.raises(expected),
    ):
        list_first_page(client)


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (httpx.ReadTimeout("slow"), CallTimeout),
        (httpx.ConnectError("refused"), ConnectionFailed),
        (httpx.ConnectTimeout("no route"), ConnectionFailed),
        (httpx.RemoteProtocolError("garbled"), TransportError),
    ],
)
def test_httpx_failures_map_to_transport_errors(failure: Exception, expected: type[MarketplaceError]) -> None:
    with make_client(FakeGateway(failure), attempts=1) as client, pytest.raises(expected):
        client.fulfill_order(1, "CAINIAO_STANDARD", "LP00000000000001")


# --- retries --------------------------------------------------------------------------------------


def test_http_500_is_transient_and_retried_until_success() -> None:
    sleeps: list[float] = []
    gateway = FakeGateway(
        gateway_error("ServiceUnavailable", error_type="ISP", status=500),
        httpx.Response(500, text="Internal Server Error"),
        EMPTY_PAGE,
    )
    with make_client(gateway, sleeps=sleeps) as client:
        page = client.list_orders(OrderQuery())
    assert page.total_count == 0
    assert len(gateway.forms) == 3
    assert sleeps == [0.5, 1.0]


def test_http_500_on_a_write_is_retried_too() -> None:
    gateway = FakeGateway(httpx.Response(500, text="down"), FULFILLED)
    with make_client(gateway) as client:
        client.fulfill_order(1, "CAINIAO_STANDARD", "LP00000000000001")
    assert gateway.methods == [FULFILL, FULFILL]


def test_throttle_is_retried_after_the_ban_the_platform_announces() -> None:
    sleeps: list[float] = []
    throttled = gateway_error("ApiCallLimit", BAN_MESSAGE.format(3))
    gateway = FakeGateway(throttled, throttled, EMPTY_PAGE)
    with make_client(gateway, sleeps=sleeps) as client:
        client.list_orders(OrderQuery())
    assert len(sleeps) == 2 and all(3.0 < wait <= 3.0 * 1.15 for wait in sleeps)  # just past the ban
    assert len(gateway.forms) == 3


def test_throttle_error_carries_retry_after_from_the_message() -> None:
    throttled = gateway_error("ApiCallLimit", BAN_MESSAGE.format(1))
    with make_client(FakeGateway(throttled), attempts=1) as client, pytest.raises(ThrottledError) as caught:
        list_first_page(client)
    assert caught.value.retry_after == 1.0


def test_timeout_on_fulfill_is_not_retried() -> None:
    gateway = FakeGateway(httpx.ReadTimeout("slow"), FULFILLED)
    with make_client(gateway) as client, pytest.raises(CallTimeout):
        client.fulfill_order(1, "CAINIAO_STANDARD", "LP00000000000001")
    assert len(gateway.forms) == 1


def test_timeout_on_order_list_is_retried() -> None:
    gateway = FakeGateway(httpx.ReadTimeout("slow"), EMPTY_PAGE)
    with make_client(gateway) as client:
        client.list_orders(OrderQuery())
    assert gateway.methods == [ORDER_GET, ORDER_GET]


def test_connection_refused_on_fulfill_is_retried_because_nothing_was_sent() -> None:
    gateway = FakeGateway(httpx.ConnectError("refused"), FULFILLED)
    with make_client(gateway) as client:
        client.fulfill_order(1, "CAINIAO_STANDARD", "LP00000000000001")
    assert len(gateway.forms) == 2


def test_rate_limiter_is_acquired_before_every_attempt() -> None:
    pacer = CountingPacer()
    gateway = FakeGateway(httpx.Response(503, text="busy"), httpx.ReadTimeout("slow"), EMPTY_PAGE)
    with make_client(gateway, pacer=pacer) as client:
        client.list_orders(OrderQuery())
    assert pacer.acquired == 3 == len(gateway.forms)


def test_default_retry_policy_allows_max_retries_after_the_first_attempt() -> None:
    gateway = FakeGateway(httpx.Response(503, text="busy"))
    config = AliExpressConfig(
        base_url="https://gw.example", app_key="1", app_secret="s", access_token="T", max_retries=2
    )
    policy = RetryPolicy(max_attempts=config.max_retries + 1, sleep=lambda s: None)
    client = AliExpressClient(
        config, transport=httpx.MockTransport(gateway), rate_limiter=CountingPacer(), retry_policy=policy
    )
    with client, pytest.raises(TransientError):
        client.list_orders(OrderQuery())
    assert len(gateway.forms) == 3


# --- expired tokens -------------------------------------------------------------------------------

TOKENS = httpx.Response(
    200,
    json={
        "code": "0",
        "access_token": "NEW",
        "refresh_token": "R-NEW",
        "expire_time": 1709300000000,
        "refresh_token_valid_time": 1709900000000,
        "seller_id": "2001",
        "request_id": "t",
    },
)


def test_expired_token_is_refreshed_once_and_the_call_retried() -> None:
    refreshed: list[TokenSet] = []
    gateway = FakeGateway(gateway_error("IllegalAccessToken", "expired"), TOKENS, EMPTY_PAGE)
    with make_client(gateway, refresh_token="R-OLD", on_tokens=refreshed.append) as client:
        client.list_orders(OrderQuery())
        assert client.access_token == "NEW" and client.refresh_token == "R-NEW"
    assert gateway.methods == [ORDER_GET, "/auth/token/refresh", ORDER_GET]
    assert gateway.forms[1]["refresh_token"] == "R-OLD"
    assert gateway.forms[1]["sign"] == expected_sign(gateway.forms[1], "/auth/token/refresh")
    assert gateway.forms[2]["session"] == "NEW"
    assert [tokens.access_token for tokens in refreshed] == ["NEW"]
    assert refreshed[0].expires_at == datetime(2024, 3, 1, 13, 33, 20, tzinfo=UTC)


def test_token_still_rejected_after_one_refresh_raises_auth_error() -> None:
    expired = gateway_error("IllegalAccessToken", "expired")
    gateway = FakeGateway(expired, TOKENS, expired)
    with make_client(gateway, refresh_token="R-OLD") as client, pytest.raises(AuthError):
        client.list_orders(OrderQuery())
    assert gateway.methods == [ORDER_GET, "/auth/token/refresh", ORDER_GET]


def test_expired_token_without_refresh_token_raises_auth_error() -> None:
    gateway = FakeGateway(gateway_error("IllegalAccessToken", "expired"))
    with make_client(gateway) as client, pytest.raises(AuthError) as caught:
        client.list_orders(OrderQuery())
    assert caught.value.platform_code == "IllegalAccessToken"
    assert gateway.methods == [ORDER_GET]


def test_bad_signature_does_not_trigger_a_refresh() -> None:
    gateway = FakeGateway(gateway_error("IncompleteSignature"))
    with make_client(gateway, refresh_token="R-OLD") as client, pytest.raises(AuthError):
        client.list_orders(OrderQuery())
    assert gateway.methods == [ORDER_GET]


# --- unreadable replies ---------------------------------------------------------------------------


def test_non_json_body_raises_malformed_reply_naming_the_body(caplog: pytest.LogCaptureFixture) -> None:
    gateway = FakeGateway(httpx.Response(200, text="{oops"))
    with (
        caplog.at_level(logging.ERROR),
        make_client(gateway) as client,
        pytest.raises(MalformedReplyError) as caught,
    ):
        list_first_page(client)
    assert caught.value.field == "<body>"
    assert ORDER_GET in str(caught.value)
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1


def test_reply_without_the_method_response_object_is_malformed() -> None:
    with (
        make_client(FakeGateway(httpx.Response(200, json={"other": 1}))) as client,
        pytest.raises(MalformedReplyError) as caught,
    ):
        list_first_page(client)
    assert caught.value.field == "aliexpress_solution_order_get_response"


def test_json_array_body_is_malformed() -> None:
    with (
        make_client(FakeGateway(httpx.Response(200, text=json.dumps([1, 2])))) as client,
        pytest.raises(MalformedReplyError) as caught,
    ):
        list_first_page(client)
    assert caught.value.field == "<body>"


def test_low_level_call_returns_the_method_response_object() -> None:
    gateway = FakeGateway(ok("aliexpress.made.up", {"x": "1"}))
    with make_client(gateway) as client:
        response = client.call("aliexpress.made.up", {"param0": {"a": [1, 2]}, "flag": True, "skip": None})
    assert response == {"result": {"x": "1"}, "request_id": "req-1"}
    assert gateway.forms[0]["param0"] == '{"a":[1,2]}'
    assert gateway.forms[0]["flag"] == "true"
    assert "skip" not in gateway.forms[0]


# --- configuration --------------------------------------------------------------------------------


def test_config_from_settings_reads_the_aliexpress_settings_and_hides_secrets() -> None:
    settings = Settings(
        aliexpress_base_url="http://127.0.0.1:9/aliexpress",
        aliexpress_app_key="k1",
        aliexpress_app_secret="s3cret",
        aliexpress_access_token="tok",
        aliexpress_calls_per_second=2.5,
        aliexpress_timeout_seconds=3.0,
        aliexpress_max_retries=1,
    )
    config = AliExpressConfig.from_settings(settings)
    assert (config.base_url, config.app_key, config.app_secret, config.access_token) == (
        "http://127.0.0.1:9/aliexpress",
        "k1",
        "s3cret",
        "tok",
    )
    assert (config.calls_per_second, config.timeout_seconds, config.max_retries) == (2.5, 3.0, 1)
    assert "s3cret" not in repr(config) and "tok" not in repr(config)
