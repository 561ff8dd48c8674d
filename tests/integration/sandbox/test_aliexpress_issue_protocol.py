"""The sandbox's aliexpress.issue.* methods through the real client over HTTP: paging and filters,
a store sees only its own disputes, parameter errors in the gateway's shape, injected faults."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from kuajing.marketplaces.aliexpress import AliExpressClient, AliExpressConfig
from kuajing.marketplaces.aliexpress.issues import ISSUE_DETAIL, ISSUE_LIST, IssueQuery, IssueStatus
from kuajing.marketplaces.errors import BusinessError, InvalidParameterError, TransientError
from kuajing.marketplaces.policy import RetryPolicy
from kuajing.sandbox.credentials import SandboxCredentials
from kuajing.sandbox.server import SandboxServer

CREDENTIALS = SandboxCredentials()


def store_client(sandbox: SandboxServer, number: int) -> AliExpressClient:
    config = AliExpressConfig(
        base_url=f"{sandbox.base_url}/aliexpress", app_key=CREDENTIALS.ae_app_key,
        app_secret=CREDENTIALS.ae_app_secret, access_token=CREDENTIALS.ae_store_token(number),
    )  # fmt: skip
    return AliExpressClient(config, retry_policy=RetryPolicy(max_attempts=1))


@pytest.fixture
def disputed(sandbox: SandboxServer) -> Iterator[dict[int, list[dict[str, str]]]]:
    """Disputes on 12 fresh orders, grouped by store number."""
    order_ids = httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 12}).json()[
        "order_ids"
    ]
    by_store: dict[int, list[dict[str, str]]] = {}
    for order_id in order_ids:
        reply = httpx.post(f"{sandbox.base_url}/sandbox/aliexpress/orders/{order_id}/dispute")
        dispute = reply.raise_for_status().json()
        by_store.setdefault(dispute["store_number"], []).append(dispute)
    yield by_store


def test_a_store_pages_through_exactly_its_own_disputes(
    sandbox: SandboxServer, disputed: dict[int, list[dict[str, str]]]
) -> None:
    number, expected = max(disputed.items(), key=lambda item: len(item[1]))
    with store_client(sandbox, number) as client:
        first = client.list_issues(IssueQuery(), page=1, page_size=2)
        assert first.total_item == len(expected) and len(first.issues) == min(2, len(expected))
        seen = list(client.iter_issues(IssueQuery(), page_size=2))
    assert sorted(issue.issue_id for issue in seen) == sorted(int(d["issue_id"]) for d in expected)
    assert all(
        issue.status is IssueStatus.PROCESSING and issue.reason_zh and issue.reason_en for issue in seen
    )


def test_filters_and_the_detail_with_the_buyers_refund(
    sandbox: SandboxServer, disputed: dict[int, list[dict[str, str]]]
) -> None:
    number, disputes = next(iter(disputed.items()))
    target = disputes[0]
    with store_client(sandbox, number) as client:
        [issue] = client.list_issues(IssueQuery(order_no=int(target["order_id"]))).issues
        assert client.list_issues(IssueQuery(status=IssueStatus.FINISH)).issues == ()
        detail = client.get_issue(issue.issue_id, str(target["buyer_login_id"]))
    assert issue.issue_id == int(target["issue_id"]) and issue.reason_zh == target["reason_zh"]
    assert detail.buyer_refund is not None and detail.buyer_refund.currency == "USD"
    assert str(detail.buyer_refund.amount) == target["refund_amount"]


def test_another_stores_issue_or_the_wrong_buyer_is_not_found(
    sandbox: SandboxServer, disputed: dict[int, list[dict[str, str]]]
) -> None:
    number, disputes = next(iter(disputed.items()))
    other = 2 if number == 1 else 1
    with store_client(sandbox, other) as client, pytest.raises(BusinessError) as caught:
        client.get_issue(int(disputes[0]["issue_id"]), str(disputes[0]["buyer_login_id"]))
    assert caught.value.platform_code == "ISSUE_NOT_FOUND"
    with store_client(sandbox, number) as client, pytest.raises(BusinessError):
        client.get_issue(int(disputes[0]["issue_id"]), "someone-else")


@pytest.mark.parametrize(
    "params",
    [
        {},  # query_dto missing
        {"query_dto": {"current_page": 1, "page_size": 51}},
        {"query_dto": {"current_page": 1, "page_size": 10, "issue_status": "arbitration"}},
    ],
)
def test_bad_parameters_are_refused_by_the_gateway(sandbox: SandboxServer, params: dict[str, object]) -> None:
    with store_client(sandbox, 1) as client, pytest.raises(InvalidParameterError):
        client.call(ISSUE_LIST, params, read_only=True)
    with store_client(sandbox, 1) as client, pytest.raises(InvalidParameterError):
        client.call(ISSUE_DETAIL, {"issue_id": 1}, read_only=True)  # buyer_login_id missing


def test_faults_are_injected_into_the_issue_methods_like_any_other(sandbox: SandboxServer) -> None:
    fault = {"method": ISSUE_LIST, "kind": "http_500", "rate": 1.0}
    httpx.post(f"{sandbox.base_url}/sandbox/faults", json=fault).raise_for_status()
    with store_client(sandbox, 1) as client, pytest.raises(TransientError):
        client.list_issues(IssueQuery())
    assert httpx.get(f"{sandbox.base_url}/sandbox/faults").json()["injected"]["http_500"] == 1
