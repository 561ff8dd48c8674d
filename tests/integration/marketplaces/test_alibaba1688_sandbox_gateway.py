"""The 1688 client against the sandbox gateway over real HTTP: refusals, throttling, faults, tokens."""

from __future__ import annotations

import httpx
import pytest

from kuajing.kit.money import Money
from kuajing.marketplaces.alibaba1688 import (
    Alibaba1688Client,
    Alibaba1688Config,
    CargoItem,
    DeliveryAddress,
    RefundRequest,
    TokenSet,
)
from kuajing.marketplaces.errors import (
    AuthError,
    CallTimeout,
    InvalidParameterError,
    MalformedReplyError,
    ThrottledError,
    TransientError,
)
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


def make_client(
    sandbox: SandboxServer,
    *,
    attempts: int = 3,
    timeout: float = 10.0,
    secret: str | None = None,
    token: str | None = None,
    refresh_token: str = "",
    on_tokens_refreshed: object = None,
) -> Alibaba1688Client:
    credentials = sandbox.world.credentials
    config = Alibaba1688Config(
        base_url=sandbox.base_url + "/1688",
        app_key=credentials.alibaba_app_key,
        app_secret=credentials.alibaba_app_secret if secret is None else secret,
        access_token=credentials.alibaba_access_token if token is None else token,
        refresh_token=refresh_token,
        calls_per_second=1000,
        timeout_seconds=timeout,
    )
    policy = RetryPolicy(max_attempts=attempts, base_delay=0.01, max_delay=0.05)
    return Alibaba1688Client(config, retry_policy=policy, on_tokens_refreshed=on_tokens_refreshed)  # type: ignore[arg-type]


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


def add_fault(sandbox: SandboxServer, method: str, kind: str, *, delay_s: float = 0.0) -> None:
    reply = httpx.post(
        f"{sandbox.base_url}/sandbox/faults",
        json={"method": method, "kind": kind, "rate": 1.0, "delay_s": delay_s},
    )
    reply.raise_for_status()


def injected(sandbox: SandboxServer) -> dict[str, int]:
    return dict(httpx.get(f"{sandbox.base_url}/sandbox/faults").json()["injected"])


def test_wrong_app_secret_is_refused_as_bad_signature(sandbox: SandboxServer) -> None:
    with make_client(sandbox, secret="not-the-secret") as client, pytest.raises(AuthError) as caught:
        client.product_detail(orderable_offer(sandbox).offer_id)
    assert caught.value.platform_code == "gw.SignatureInvalid"


def test_unknown_access_token_is_an_auth_error(sandbox: SandboxServer) -> None:
    with make_client(sandbox, token="nobody") as client, pytest.raises(AuthError) as caught:
        client.product_detail(orderable_offer(sandbox).offer_id)
    assert caught.value.platform_code == "gw.AccessTokenInvalid"


def test_unknown_api_is_an_invalid_parameter_error(sandbox: SandboxServer) -> None:
    with make_client(sandbox) as client, pytest.raises(InvalidParameterError) as caught:
        client.call("com.alibaba.trade", "alibaba.trade.noSuchApi", {}, read_only=True)
    assert caught.value.platform_code == "gw.APINotFound"


def test_missing_parameter_is_an_invalid_parameter_error(sandbox: SandboxServer) -> None:
    with make_client(sandbox) as client, pytest.raises(InvalidParameterError) as caught:
        client.create_refund(
            RefundRequest(
                order_id="1",
                order_entry_ids=["1"],
                apply_payment=Money.of("1", "CNY"),
                apply_reason_id="20001",
                goods_status="refundWaitSellerSend",
                description="",
            )
        )
    assert caught.value.platform_code == "gw.MissingParameter"


def test_call_rate_over_the_limit_is_throttled_then_retried(sandbox: SandboxServer) -> None:
    httpx.post(f"{sandbox.base_url}/sandbox/limits", params={"platform": "1688", "calls_per_second": 1})
    offer_id = orderable_offer(sandbox).offer_id
    with make_client(sandbox, attempts=1) as client:
        client.product_detail(offer_id)
        with pytest.raises(ThrottledError) as caught:
            client.product_detail(offer_id)
    assert caught.value.platform_code == "gw.QosAppFrequencyLimit"
    with make_client(sandbox, attempts=3) as client:
        # The retry waits out the one-second window (retry_after) and gets through.
        assert client.product_detail(offer_id).offer_id == offer_id


def test_platform_500_is_retried_then_surfaces_as_transient(sandbox: SandboxServer) -> None:
    add_fault(sandbox, "alibaba.trade.getBuyerOrderList", "http_500")
    with make_client(sandbox, attempts=3) as client, pytest.raises(TransientError):
        client.list_buyer_orders()
    assert injected(sandbox)["http_500"] == 3


def test_malformed_reply_is_malformed_reply_error_at_body(sandbox: SandboxServer) -> None:
    add_fault(sandbox, "alibaba.trade.getBuyerOrderList", "malformed")
    with make_client(sandbox) as client, pytest.raises(MalformedReplyError) as caught:
        client.list_buyer_orders()
    assert (caught.value.method, caught.value.field) == ("alibaba.trade.getBuyerOrderList", "<body>")


def test_read_timeout_on_a_read_is_retried(sandbox: SandboxServer) -> None:
    add_fault(sandbox, "alibaba.trade.getBuyerOrderList", "timeout_before_write", delay_s=0.6)
    with make_client(sandbox, attempts=2, timeout=0.2) as client, pytest.raises(CallTimeout):
        client.list_buyer_orders()
    assert injected(sandbox)["timeout_before_write"] == 2


def test_timeout_after_write_on_create_is_not_retried_and_the_order_is_found_by_out_order_id(
    sandbox: SandboxServer,
) -> None:
    offer = orderable_offer(sandbox)
    add_fault(sandbox, "alibaba.trade.createCrossOrder", "timeout_after_write", delay_s=1.0)
    cargo = [CargoItem(offer.offer_id, 1, offer.specs[0].spec_id)]
    with make_client(sandbox, attempts=4, timeout=0.3) as client, pytest.raises(CallTimeout):
        client.create_cross_order("AE-LOST-REPLY-1", ADDRESS, cargo)
    assert injected(sandbox)["timeout_after_write"] == 1  # sent once, never repeated
    httpx.delete(f"{sandbox.base_url}/sandbox/faults")
    with make_client(sandbox) as client:
        found = client.find_orders_by_out_order_id("AE-LOST-REPLY-1")
    assert len(found) == 1
    assert found[0].base_info.out_order_id == "AE-LOST-REPLY-1"
    assert found[0].items[0].spec_id == offer.specs[0].spec_id
    state = httpx.get(f"{sandbox.base_url}/sandbox/state").json()
    assert state["purchases_per_out_order_id"] == {"AE-LOST-REPLY-1": 1}


def test_code_exchange_then_expired_token_is_refreshed_once(sandbox: SandboxServer) -> None:
    refreshed: list[TokenSet] = []
    member_id = sandbox.world.buyer.member_id
    with make_client(sandbox, token="", on_tokens_refreshed=refreshed.append) as client:
        tokens = client.get_token(f"code-{member_id}", "https://kuajing.example/callback")
        assert tokens.member_id == member_id and tokens.refresh_token
        assert tokens.refresh_token_expires_at is not None
        assert client.list_buyer_orders().orders == []
        httpx.post(
            f"{sandbox.base_url}/sandbox/1688/tokens/expire", params={"access_token": tokens.access_token}
        ).raise_for_status()
        assert client.list_buyer_orders().orders == []  # refreshed behind the scenes
        assert client.access_token != tokens.access_token
    assert [t.access_token for t in refreshed] == [tokens.access_token, client.access_token]


def test_a_used_authorisation_code_is_refused(sandbox: SandboxServer) -> None:
    member_id = sandbox.world.buyer.member_id
    with make_client(sandbox) as client:
        client.get_token(f"code-{member_id}", "https://kuajing.example/callback")
        with pytest.raises(AuthError) as caught:
            client.get_token(f"code-{member_id}", "https://kuajing.example/callback")
    assert caught.value.platform_code == "invalid_grant"


def test_expired_configured_token_without_refresh_token_is_an_auth_error(sandbox: SandboxServer) -> None:
    httpx.post(f"{sandbox.base_url}/sandbox/1688/tokens/expire").raise_for_status()
    with make_client(sandbox) as client, pytest.raises(AuthError) as caught:
        client.list_buyer_orders()
    assert caught.value.platform_code == "gw.AccessTokenExpired"
