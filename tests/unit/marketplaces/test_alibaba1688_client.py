"""The 1688 client on the wire: signing, the form it sends, error mapping, retries, token refresh.

The network is a plain function (``httpx.MockTransport``); nothing is patched.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

import httpx
import pytest

from kuajing.config import Settings
from kuajing.kit.errors import ValidationFailed
from kuajing.marketplaces.alibaba1688 import (
    Alibaba1688Client,
    Alibaba1688Config,
    CargoItem,
    DeliveryAddress,
    TokenSet,
)
from kuajing.marketplaces.errors import (
    AuthError,
    BusinessError,
    CallTimeout,
    ConnectionFailed,
    InvalidParameterError,
    MarketplaceError,
    ThrottledError,
    TransientError,
)
from kuajing.marketplaces.policy import RateLimiter, RetryPolicy

NOW = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
CONFIG = Alibaba1688Config(
    base_url="https://gw.test",
    app_key="1000",
    app_secret="s3cret",
    access_token="token-1",
    refresh_token="refresh-1",
)
Handler = Callable[[httpx.Request], httpx.Response]
ADDRESS = DeliveryAddress(
    full_name="张三",
    mobile="13800000000",
    province="浙江省",
    city="金华市",
    area="义乌市",
    town="稠城街道",
    address="工人北路 1 号",
)
CARGO = [CargoItem(offer_id=610000001, spec_id="a" * 32, quantity=2)]
BUYER_VIEW_OK = {
    "success": True,
    "result": {
        "baseInfo": {
            "id": 9001,
            "status": "waitsellersend",
            "totalAmount": "25.00",
            "createTime": "20261101163000000+0800",
        }
    },
}
CREATED_OK = {
    "result": {
        "success": True,
        "orderId": "9001",
        "totalSuccessAmount": 2500,
        "postFee": 500,
        "code": None,
        "message": None,
        "failedOfferList": [],
        "orderList": [{"orderId": "9001", "postFee": 500, "orderAmmount": 2500}],
    }
}


class Gateway:
    """Answers requests in turn from a script of replies (a reply may be an exception to raise)."""

    def __init__(self, *replies: httpx.Response | Exception | Handler) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply(request) if callable(reply) else reply

    def form(self, index: int = -1) -> dict[str, str]:
        return dict(parse_qsl(self.requests[index].content.decode(), keep_blank_values=True))


def ok(body: object, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


def make_client(
    gateway: Gateway,
    *,
    attempts: int = 4,
    sleeps: list[float] | None = None,
    config: Alibaba1688Config = CONFIG,
    on_tokens_refreshed: Callable[[TokenSet], None] | None = None,
) -> Alibaba1688Client:
    sleep = sleeps.append if sleeps is not None else (lambda seconds: None)
    policy = RetryPolicy(max_attempts=attempts, sleep=sleep)
    return Alibaba1688Client(
        config,
        transport=httpx.MockTransport(gateway),
        rate_limiter=RateLimiter(1_000_000, burst=1_000),
        retry_policy=policy,
        now=lambda: NOW,
        on_tokens_refreshed=on_tokens_refreshed,
    )


# --- what goes on the wire ------------------------------------------------------------------------


def test_request_is_posted_to_the_api_path_with_a_valid_aop_signature() -> None:
    gateway = Gateway(ok(BUYER_VIEW_OK))
    make_client(gateway).buyer_view("9001")
    request = gateway.requests[0]
    path = "param2/1/com.alibaba.trade/alibaba.trade.get.buyerView/1000"
    assert request.method == "POST"
    assert str(request.url) == f"https://gw.test/openapi/{path}"
    form = gateway.form()
    assert form["access_token"] == "token-1"
    assert form["_aop_timestamp"] == str(int(NOW.timestamp() * 1000))
    assert form["orderId"] == "9001" and form["webSite"] == "1688"
    # The documented algorithm, computed here: sorted key+value strings after the url path, HMAC-SHA1.
    message = path + "".join(sorted(key + value for key, value in form.items() if key != "_aop_signature"))
    expected = hmac.new(b"s3cret", message.encode("utf-8"), hashlib.sha1).hexdigest().upper()
    assert form["_aop_signature"] == expected


def test_create_cross_order_sends_out_order_id_dropshipping_and_a_four_level_address() -> None:
    gateway = Gateway(ok(CREATED_OK))
    created = make_client(gateway).create_cross_order(
        "AE-123-1", ADDRESS, CARGO, trade_type="fxassure", message="no invoice"
    )
    form = gateway.form()
    assert gateway.requests[0].url.path.endswith("/com.alibaba.trade/alibaba.trade.createCrossOrder/1000")
    assert form["outOrderId"] == "AE-123-1"
    assert form["dropshipping"] == "y"
    assert form["flow"] == "fenxiao" and form["tradeType"] == "fxassure" and form["message"] == "no invoice"
    address = json.loads(form["addressParam"])
    assert (address["provinceText"], address["cityText"], address["areaText"], address["townText"]) == (
        "浙江省",
        "金华市",
        "义乌市",
        "稠城街道",
    )
    assert address["fullName"] == "张三" and address["mobile"] == "13800000000"
    assert json.loads(form["cargoParamList"]) == [{"offerId": 610000001, "specId": "a" * 32, "quantity": 2}]
    assert created.order_id == "9001"
    assert created.orders[0].order_amount is not None and created.orders[0].order_amount.to_minor() == 2500


@pytest.mark.parametrize(
    ("field", "address"),
    [
        ("address.town", ADDRESS.__class__(**{**ADDRESS.__dict__, "town": ""})),
        ("address.area", ADDRESS.__class__(**{**ADDRESS.__dict__, "area": " "})),
        ("address.mobile", ADDRESS.__class__(**{**ADDRESS.__dict__, "mobile": ""})),
        ("address.full_name", ADDRESS.__class__(**{**ADDRESS.__dict__, "full_name": ""})),
        ("address.address", ADDRESS.__class__(**{**ADDRESS.__dict__, "address": ""})),
    ],
)
def test_incomplete_address_fails_locally_naming_the_field_and_sends_nothing(
    field: str, address: DeliveryAddress
) -> None:
    gateway = Gateway(ok(CREATED_OK))
    with pytest.raises(ValidationFailed) as caught:
        make_client(gateway).create_cross_order("AE-1", address, CARGO)
    assert caught.value.details["field"] == field
    assert gateway.requests == []


@pytest.mark.parametrize(
    ("field", "cargo"),
    [
        ("cargo", []),
        ("cargo", [CargoItem(offer_id=1, spec_id=f"{i:032x}", quantity=1) for i in range(51)]),
        ("cargo[1].quantity", [CARGO[0], CargoItem(offer_id=1, spec_id="b" * 32, quantity=0)]),
    ],
)
def test_bad_cargo_fails_locally_naming_the_field_and_sends_nothing(
    field: str, cargo: list[CargoItem]
) -> None:
    gateway = Gateway(ok(CREATED_OK))
    with pytest.raises(ValidationFailed) as caught:
        make_client(gateway).create_cross_order("AE-1", ADDRESS, cargo)
    assert caught.value.details["field"] == field
    assert gateway.requests == []


def test_fifty_cargo_items_are_accepted() -> None:
    gateway = Gateway(ok(CREATED_OK))
    cargo = [CargoItem(offer_id=1, spec_id=f"{i:032x}", quantity=1) for i in range(50)]
    make_client(gateway).create_cross_order("AE-1", ADDRESS, cargo)
    assert len(json.loads(gateway.form()["cargoParamList"])) == 50


# --- error mapping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        (401, "gw.SignatureInvalid", AuthError),
        (401, "gw.AccessTokenInvalid", AuthError),
        (401, "gw.AccessTokenExpired", AuthError),
        (404, "gw.APINotFound", InvalidParameterError),
        (400, "gw.MissingParameter", InvalidParameterError),
        (400, "gw.InvalidParameter", InvalidParameterError),
        (429, "gw.QosAppFrequencyLimit", ThrottledError),
        (503, "gw.ServiceUnavailable", TransientError),
        (500, "gw.InternalError", TransientError),
        (502, "gw.SomethingNew", TransientError),
        (403, "gw.SomethingNew", AuthError),
    ],
)
def test_gateway_error_code_maps_to_its_error_class(
    status: int, code: str, error_class: type[MarketplaceError]
) -> None:
    gateway = Gateway(ok({"error_code": code, "error_message": "no", "request_id": "req-1"}, status))
    # No refresh token: an expired token is then just an AuthError.
    config = Alibaba1688Config(
        base_url="https://gw.test", app_key="1000", app_secret="s3cret", access_token="token-1"
    )
    with pytest.raises(error_class) as caught:
        make_client(gateway, attempts=1, config=config).buyer_view("1")
    assert type(caught.value) is error_class
    assert caught.value.platform_code == code
    assert caught.value.method == "alibaba.trade.get.buyerView"
    assert caught.value.request_id == "req-1"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (500, TransientError),
        (502, TransientError),
        (504, TransientError),
        (429, ThrottledError),
        (401, AuthError),
        (404, InvalidParameterError),
    ],
)
def test_http_status_without_a_platform_body_maps_by_status(
    status: int, error_class: type[MarketplaceError]
) -> None:
    gateway = Gateway(httpx.Response(status, text="<html>proxy error</html>"))
    with pytest.raises(error_class) as caught:
        make_client(gateway, attempts=1).buyer_view("1")
    assert caught.value.platform_code == f"HTTP_{status}"


@pytest.mark.parametrize(
    "body",
    [
        {"success": False, "errorCode": "500_004", "errorMessage": "out of stock"},
        {"success": False, "code": "500_004", "message": "out of stock"},
        {"result": {"success": False, "code": "500_004", "message": "out of stock"}},
        {"result": {"success": False, "errorCode": "500_004", "errorMessage": "out of stock"}},
    ],
)
def test_business_refusal_in_either_place_and_spelling_is_a_business_error_never_retried(
    body: object,
) -> None:
    gateway = Gateway(ok(body))
    with pytest.raises(BusinessError) as caught:
        make_client(gateway).create_cross_order("AE-1", ADDRESS, CARGO)
    assert caught.value.platform_code == "500_004"
    assert "out of stock" in str(caught.value)
    assert len(gateway.requests) == 1


def test_unknown_offer_in_product_detail_is_a_business_error_500_001() -> None:
    gateway = Gateway(ok({"result": {"success": False, "code": "500_001", "message": "offer not found"}}))
    with pytest.raises(BusinessError) as caught:
        make_client(gateway).product_detail(42)
    assert caught.value.platform_code == "500_001"
    assert caught.value.method == "product.search.queryProductDetail"


# --- retries --------------------------------------------------------------------------------------


def test_server_errors_are_retried_until_the_call_succeeds() -> None:
    failure = ok({"error_code": "gw.ServiceUnavailable", "error_message": "busy"}, 503)
    gateway = Gateway(failure, ok({"error_code": "gw.InternalError"}, 500), ok(BUYER_VIEW_OK))
    order = make_client(gateway).buyer_view("9001")
    assert order.order_id == "9001"
    assert len(gateway.requests) == 3


def test_server_errors_on_create_are_retried_too_because_nothing_was_written() -> None:
    gateway = Gateway(ok({"error_code": "gw.ServiceUnavailable"}, 503), ok(CREATED_OK))
    assert make_client(gateway).create_cross_order("AE-1", ADDRESS, CARGO).order_id == "9001"
    assert len(gateway.requests) == 2


def test_throttle_is_retried_after_waiting_at_least_retry_after() -> None:
    sleeps: list[float] = []
    gateway = Gateway(
        ok({"error_code": "gw.QosAppFrequencyLimit", "error_message": "slow down"}, 429), ok(BUYER_VIEW_OK)
    )
    make_client(gateway, sleeps=sleeps).buyer_view("9001")
    assert len(gateway.requests) == 2
    assert sleeps and sleeps[0] >= 1.0


def test_retries_stop_after_max_attempts() -> None:
    gateway = Gateway(ok({"error_code": "gw.ServiceUnavailable"}, 503))
    with pytest.raises(TransientError):
        make_client(gateway, attempts=3).buyer_view("9001")
    assert len(gateway.requests) == 3


def test_timeout_on_create_cross_order_reaches_the_caller_unretried() -> None:
    gateway = Gateway(httpx.ReadTimeout("slow"), ok(CREATED_OK))
    with pytest.raises(CallTimeout) as caught:
        make_client(gateway).create_cross_order("AE-1", ADDRESS, CARGO)
    assert caught.value.method == "alibaba.trade.createCrossOrder"
    assert len(gateway.requests) == 1


def test_timeout_on_buyer_view_is_retried() -> None:
    gateway = Gateway(httpx.ReadTimeout("slow"), ok(BUYER_VIEW_OK))
    assert make_client(gateway).buyer_view("9001").order_id == "9001"
    assert len(gateway.requests) == 2


def test_connection_failure_is_retried_even_for_create_since_nothing_was_sent() -> None:
    gateway = Gateway(httpx.ConnectError("refused"), ok(CREATED_OK))
    assert make_client(gateway).create_cross_order("AE-1", ADDRESS, CARGO).order_id == "9001"
    assert len(gateway.requests) == 2


def test_connection_failure_that_persists_is_connection_failed() -> None:
    gateway = Gateway(httpx.ConnectError("refused"))
    with pytest.raises(ConnectionFailed):
        make_client(gateway, attempts=2).buyer_view("1")


def test_cancel_and_refund_are_not_retried_after_a_timeout() -> None:
    gateway = Gateway(httpx.ReadTimeout("slow"))
    with pytest.raises(CallTimeout):
        make_client(gateway).cancel_order("9001", "buyerCancel")
    assert len(gateway.requests) == 1


class CountingLimiter(RateLimiter):
    def __init__(self) -> None:
        super().__init__(1_000_000, burst=1_000)
        self.acquired = 0

    def acquire(self) -> None:
        self.acquired += 1
        super().acquire()


def test_rate_limiter_is_acquired_once_per_attempt() -> None:
    limiter = CountingLimiter()
    gateway = Gateway(ok({"error_code": "gw.ServiceUnavailable"}, 503), ok(BUYER_VIEW_OK))
    client = Alibaba1688Client(
        CONFIG,
        transport=httpx.MockTransport(gateway),
        rate_limiter=limiter,
        retry_policy=RetryPolicy(sleep=lambda s: None),
        now=lambda: NOW,
    )
    client.buyer_view("9001")
    assert limiter.acquired == 2


# --- tokens ---------------------------------------------------------------------------------------

EXPIRED = ok({"error_code": "gw.AccessTokenExpired", "error_message": "expired"}, 401)
NEW_TOKENS = ok(
    {
        "access_token": "token-2",
        "expires_in": "36000",
        "memberId": "b2b-1",
        "aliId": 77,
        "resource_owner": "buyer",
    }
)


def test_expired_token_is_refreshed_once_and_the_call_retried_with_the_new_token() -> None:
    refreshed: list[TokenSet] = []
    gateway = Gateway(EXPIRED, NEW_TOKENS, ok(BUYER_VIEW_OK))
    client = make_client(gateway, on_tokens_refreshed=refreshed.append)
    assert client.buyer_view("9001").order_id == "9001"
    assert len(gateway.requests) == 3
    token_form = gateway.form(1)
    assert gateway.requests[1].url.path == "/openapi/http/1/system.oauth2/getToken/1000"
    assert token_form == {
        "grant_type": "refresh_token",
        "client_id": "1000",
        "client_secret": "s3cret",
        "refreshToken": "refresh-1",
    }
    assert gateway.form(2)["access_token"] == "token-2"
    assert [tokens.access_token for tokens in refreshed] == ["token-2"]
    assert refreshed[0].refresh_token == "refresh-1"  # a refresh grant keeps the old refresh token
    assert refreshed[0].expires_at == NOW + timedelta(seconds=36000)
    assert client.access_token == "token-2"


def test_token_still_expired_after_one_refresh_is_an_auth_error() -> None:
    gateway = Gateway(EXPIRED, NEW_TOKENS, EXPIRED)
    with pytest.raises(AuthError):
        make_client(gateway).buyer_view("9001")
    assert len(gateway.requests) == 3


def test_invalid_token_is_not_refreshed() -> None:
    gateway = Gateway(ok({"error_code": "gw.AccessTokenInvalid"}, 401))
    with pytest.raises(AuthError):
        make_client(gateway).buyer_view("9001")
    assert len(gateway.requests) == 1


def test_get_token_exchanges_a_code_and_the_client_uses_the_new_token() -> None:
    gateway = Gateway(
        ok(
            {
                "access_token": "token-9",
                "refresh_token": "refresh-9",
                "expires_in": 36000,
                "refresh_token_timeout": "20270501080000000+0800",
                "memberId": "b2b-9",
            }
        ),
        ok(BUYER_VIEW_OK),
    )
    client = make_client(gateway)
    tokens = client.get_token("code-b2b-9", "https://kuajing.example/callback")
    assert gateway.form(0) == {
        "grant_type": "authorization_code",
        "need_refresh_token": "true",
        "client_id": "1000",
        "client_secret": "s3cret",
        "redirect_uri": "https://kuajing.example/callback",
        "code": "code-b2b-9",
    }
    assert tokens.refresh_token == "refresh-9" and tokens.member_id == "b2b-9"
    assert tokens.refresh_token_expires_at == datetime(2027, 5, 1, 0, 0, tzinfo=UTC)
    client.buyer_view("1")
    assert gateway.form()["access_token"] == "token-9"


def test_refused_authorisation_code_is_an_auth_error() -> None:
    gateway = Gateway(ok({"error": "invalid_grant", "error_description": "code used"}, 400))
    with pytest.raises(AuthError) as caught:
        make_client(gateway).get_token("code-x", "https://kuajing.example/callback")
    assert caught.value.platform_code == "invalid_grant"
    assert len(gateway.requests) == 1


def test_config_comes_from_settings() -> None:
    settings = Settings(
        alibaba1688_base_url="http://127.0.0.1:9/1688",
        alibaba1688_app_key="k",
        alibaba1688_app_secret="TOPSECRET",
        alibaba1688_access_token="t",
        alibaba1688_refresh_token="r",
        alibaba1688_calls_per_second=2.0,
        alibaba1688_timeout_seconds=3.0,
        alibaba1688_max_retries=1,
    )
    config = Alibaba1688Config.from_settings(settings)
    assert config == Alibaba1688Config("http://127.0.0.1:9/1688", "k", "TOPSECRET", "t", "r", 2.0, 3.0, 1)
    assert "TOPSECRET" not in repr(config)
