"""AliExpressClient against the sandbox gateway over real HTTP: signatures, tokens, unknown methods,
missing parameters, throttling and injected faults."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from kuajing.marketplaces.aliexpress import AliExpressClient, AliExpressConfig, OrderQuery
from kuajing.marketplaces.errors import (
    AuthError,
    CallTimeout,
    InvalidParameterError,
    MalformedReplyError,
    ThrottledError,
    TransientError,
)
from kuajing.marketplaces.policy import RetryPolicy
from kuajing.sandbox.server import SandboxServer

ORDER_GET = "aliexpress.solution.order.get"
ORDER_INFO = "aliexpress.solution.order.info.get"
FULFILL = "aliexpress.solution.order.fulfill"


def make_client(
    sandbox: SandboxServer, *, retry_policy: RetryPolicy | None = None, now: Any = None, **overrides: object
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
        retry_policy=retry_policy or RetryPolicy(max_attempts=3, sleep=lambda s: None),
        now=now or (lambda: datetime.now(UTC)),
    )


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[AliExpressClient]:
    with make_client(sandbox) as ae:
        yield ae


def admin(sandbox: SandboxServer, verb: str, path: str, **kwargs: Any) -> dict[str, Any]:
    reply = httpx.request(verb, f"{sandbox.base_url}/sandbox{path}", **kwargs)
    reply.raise_for_status()
    body: dict[str, Any] = reply.json()
    return body


def inject(sandbox: SandboxServer, method: str, kind: str, delay_s: float = 1.0) -> None:
    admin(sandbox, "POST", "/faults", json={"method": method, "kind": kind, "rate": 1.0, "delay_s": delay_s})


def injected(sandbox: SandboxServer, kind: str) -> int:
    count: int = admin(sandbox, "GET", "/faults")["injected"].get(kind, 0)
    return count


def shippable_order(sandbox: SandboxServer) -> int:
    admin(sandbox, "POST", "/orders/generate", params={"count": 12})
    storefront = sandbox.world.storefront
    return next(
        order.order_id
        for order in storefront.orders_of(storefront.store(1))
        if order.status.value == "WAIT_SELLER_SEND_GOODS"
    )


# --- the gateway's checks -------------------------------------------------------------------------


def test_wrong_app_secret_is_an_incomplete_signature(sandbox: SandboxServer) -> None:
    with make_client(sandbox, app_secret="not-the-secret") as ae, pytest.raises(AuthError) as caught:
        ae.list_orders(OrderQuery())
    assert caught.value.platform_code == "IncompleteSignature"


def test_unknown_access_token_is_an_auth_error(sandbox: SandboxServer) -> None:
    with make_client(sandbox, access_token="who-is-this") as ae, pytest.raises(AuthError) as caught:
        ae.list_orders(OrderQuery())
    assert caught.value.platform_code == "IllegalAccessToken"


def test_unknown_method_is_an_invalid_api_path(client: AliExpressClient) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        client.call("aliexpress.solution.order.teleport", {"param0": {"order_id": 1}})
    assert caught.value.platform_code == "InvalidApiPath"


def test_missing_parameter_is_an_invalid_parameter_error(client: AliExpressClient) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        client.call(ORDER_INFO, {})
    assert caught.value.platform_code == "MissingParameter"


def test_low_level_call_returns_the_wrapped_response(client: AliExpressClient) -> None:
    response = client.call(ORDER_GET, {"param0": {"current_page": 1, "page_size": 10}}, read_only=True)
    assert response["result"]["total_count"] == 0 and response["request_id"]


def test_clock_skew_beyond_two_hours_is_refused(sandbox: SandboxServer) -> None:
    def three_hours_slow() -> datetime:
        return datetime.now(UTC) - timedelta(hours=3)

    with make_client(sandbox, now=three_hours_slow) as ae, pytest.raises(InvalidParameterError) as caught:
        ae.list_orders(OrderQuery())
    assert caught.value.platform_code == "InvalidParameter"
    assert "timestamp skew" in str(caught.value)


# --- throttling -----------------------------------------------------------------------------------


def test_throttle_beyond_the_app_limit_is_a_throttled_error(sandbox: SandboxServer) -> None:
    admin(sandbox, "POST", "/limits", params={"platform": "aliexpress", "calls_per_second": 1})
    with make_client(sandbox, retry_policy=RetryPolicy(max_attempts=1)) as ae:
        ae.list_orders(OrderQuery())
        with pytest.raises(ThrottledError) as caught:
            ae.list_orders(OrderQuery())
    assert caught.value.platform_code == "ApiCallLimit" and caught.value.retry_after == 1.0


def test_throttled_call_waits_the_announced_ban_then_succeeds(sandbox: SandboxServer) -> None:
    admin(sandbox, "POST", "/limits", params={"platform": "aliexpress", "calls_per_second": 1})
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    with make_client(sandbox, retry_policy=RetryPolicy(max_attempts=3, sleep=sleep)) as ae:
        ae.list_orders(OrderQuery())
        page = ae.list_orders(OrderQuery())
    assert page.total_count == 0
    assert len(waits) == 1 and 1.0 < waits[0] <= 1.15  # just past the announced one-second ban


def test_injected_throttle_is_retried_then_surfaces(sandbox: SandboxServer, client: AliExpressClient) -> None:
    inject(sandbox, ORDER_GET, "throttle")
    with pytest.raises(ThrottledError):
        client.list_orders(OrderQuery())
    assert injected(sandbox, "throttle") == 3


# --- injected faults ------------------------------------------------------------------------------


def test_http_500_is_retried_and_succeeds_once_the_fault_clears(sandbox: SandboxServer) -> None:
    waits: list[float] = []

    def clear_faults_while_waiting(seconds: float) -> None:
        waits.append(seconds)
        admin(sandbox, "DELETE", "/faults")

    inject(sandbox, ORDER_GET, "http_500")
    policy = RetryPolicy(max_attempts=3, sleep=clear_faults_while_waiting)
    with make_client(sandbox, retry_policy=policy) as ae:
        page = ae.list_orders(OrderQuery())
    assert page.total_count == 0
    assert injected(sandbox, "http_500") == 1 and len(waits) == 1


def test_http_500_that_persists_is_a_transient_error(
    sandbox: SandboxServer, client: AliExpressClient
) -> None:
    inject(sandbox, ORDER_GET, "http_500")
    with pytest.raises(TransientError) as caught:
        client.list_orders(OrderQuery())
    assert caught.value.platform_code == "ServiceUnavailable"
    assert injected(sandbox, "http_500") == 3


def test_timeout_on_order_list_is_retried(sandbox: SandboxServer) -> None:
    inject(sandbox, ORDER_GET, "timeout_before_write", delay_s=1.0)
    with make_client(sandbox, timeout_seconds=0.2) as ae, pytest.raises(CallTimeout):
        ae.list_orders(OrderQuery())
    assert injected(sandbox, "timeout_before_write") == 3


def test_timeout_on_fulfil_is_not_retried_and_the_write_may_have_happened(sandbox: SandboxServer) -> None:
    order_id = shippable_order(sandbox)
    inject(sandbox, FULFILL, "timeout_after_write", delay_s=1.0)
    with make_client(sandbox, timeout_seconds=0.2) as ae, pytest.raises(CallTimeout):
        ae.fulfill_order(order_id, "CAINIAO_STANDARD", "LP00000000000007")
    assert injected(sandbox, "timeout_after_write") == 1
    # The platform did ship it: the caller must look the order up before trying again.
    shipped = [s.logistics_no for s in sandbox.world.storefront.orders[order_id].shipments]
    assert shipped == ["LP00000000000007"]


def test_malformed_reply_is_a_malformed_reply_error_naming_the_body(
    sandbox: SandboxServer, client: AliExpressClient
) -> None:
    inject(sandbox, ORDER_GET, "malformed")
    with pytest.raises(MalformedReplyError) as caught:
        client.list_orders(OrderQuery())
    assert caught.value.field == "<body>" and ORDER_GET in str(caught.value)
    assert injected(sandbox, "malformed") == 1
