"""AliExpressClient's dispute calls (aliexpress.issue.issuelist.get / detail.get) over
httpx.MockTransport: what goes over the wire, paging, typed replies and the usual errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from kuajing.kit.money import Money
from kuajing.marketplaces.aliexpress import AliExpressClient, AliExpressConfig
from kuajing.marketplaces.aliexpress.issues import IssueQuery, IssueStatus
from kuajing.marketplaces.errors import BusinessError, CallTimeout, MalformedReplyError
from kuajing.marketplaces.policy import RetryPolicy

LIST = "aliexpress.issue.issuelist.get"
DETAIL = "aliexpress.issue.detail.get"


class Gateway:
    def __init__(self, *replies: httpx.Response | Exception) -> None:
        self.replies = list(replies)
        self.forms: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.forms.append(dict(parse_qsl(request.content.decode(), keep_blank_values=True)))
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply


def client(gateway: Gateway) -> AliExpressClient:
    config = AliExpressConfig(base_url="https://gw.example/", app_key="1", app_secret="s", access_token="T")
    policy = RetryPolicy(max_attempts=3, base_delay=0, jitter=0, sleep=lambda s: None)
    return AliExpressClient(config, transport=httpx.MockTransport(gateway), retry_policy=policy)


def ok(method: str, result: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        200, json={method.replace(".", "_") + "_response": {"result": result, "request_id": "r"}}
    )


def issue(issue_id: int, order_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "issue_id": issue_id, "order_id": order_id, "parent_order_id": order_id,
        "issue_status": "processing", "reason_chinese": "发错货", "reason_english": "Wrong item received",
        "gmt_create": "2026-11-20 10:00:00", "gmt_modified": "2026-11-20 10:00:00",
        "buyer_login_id": "ru1", **extra,
    }  # fmt: skip


def page(total: int, current: int, *issues: dict[str, Any]) -> httpx.Response:
    body = {"success": True, "total_item": total, "current_page": current,
            "data_list": {"issue_api_issue_dto": list(issues)}}  # fmt: skip
    return ok(LIST, body)


def test_issue_list_sends_the_query_dto_as_json_with_the_filters_given() -> None:
    gateway = Gateway(page(0, 1))
    client(gateway).list_issues(IssueQuery(status=IssueStatus.PROCESSING, order_no=42, buyer_login_id="ru1"),
                                page=2, page_size=20)  # fmt: skip
    form = gateway.forms[0]
    assert form["method"] == LIST
    expected = {"current_page": 2, "page_size": 20, "issue_status": "processing", "order_no": 42}
    assert json.loads(form["query_dto"]) == {**expected, "buyer_login_id": "ru1"}


def test_issue_list_reply_becomes_typed_issues_with_aware_utc_times() -> None:
    result = client(Gateway(page(1, 1, issue(7, 81))))
    found = result.list_issues(IssueQuery())
    assert found.total_item == 1 and found.total_page == 1
    [first] = found.issues
    assert first.issue_id == 7 and first.trade_order_id == 81 and first.status is IssueStatus.PROCESSING
    assert first.reason_zh == "发错货" and first.reason_en == "Wrong item received"
    assert first.created_at == datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # US-Pacific 10:00 (PST)


def test_empty_page_without_data_list_is_no_issues() -> None:
    reply = ok(LIST, {"success": True, "total_item": 0, "current_page": 1})
    assert client(Gateway(reply)).list_issues(IssueQuery()).issues == ()


def test_iter_issues_reads_every_page_and_stops_at_the_last() -> None:
    gateway = Gateway(page(3, 1, issue(1, 11), issue(2, 12)), page(3, 2, issue(3, 13)))
    ids = [found.issue_id for found in client(gateway).iter_issues(IssueQuery(), page_size=2)]
    assert ids == [1, 2, 3]
    assert [json.loads(form["query_dto"])["current_page"] for form in gateway.forms] == [1, 2]


def test_page_size_above_fifty_is_refused_before_any_call() -> None:
    gateway = Gateway(page(0, 1))
    with pytest.raises(ValueError, match="page_size"):
        client(gateway).list_issues(IssueQuery(), page_size=51)
    assert gateway.forms == []


def test_unknown_issue_status_is_a_malformed_reply_naming_the_field() -> None:
    reply = page(1, 1, issue(1, 11, issue_status="arbitration"))
    with pytest.raises(MalformedReplyError, match=r"issue_api_issue_dto\[0\].issue_status"):
        client(Gateway(reply)).list_issues(IssueQuery())


def test_issue_detail_gives_the_reason_and_the_buyer_refund_as_money() -> None:
    body = {
        **{"success": True, "issue_id": 7, "order_id": 81, "issue_status": "processing"},
        **{"issue_reason_id": 1002, "issue_reason": "发错货"},
        "buyer_refund_amount": {"amount": "29.90", "currency_code": "USD"},
    }
    gateway = Gateway(ok(DETAIL, body))
    detail = client(gateway).get_issue(7, "ru1")
    assert gateway.forms[0]["issue_id"] == "7" and gateway.forms[0]["buyer_login_id"] == "ru1"
    assert detail.reason_id == 1002 and detail.reason == "发错货"
    assert detail.buyer_refund == Money(Decimal("29.90"), "USD")


def test_refused_detail_is_a_business_error_with_the_platform_code() -> None:
    body = {"success": False, "error_code": "ISSUE_NOT_FOUND", "error_message": "issue 7 not found"}
    with pytest.raises(BusinessError) as caught:
        client(Gateway(ok(DETAIL, body))).get_issue(7, "ru1")
    assert caught.value.platform_code == "ISSUE_NOT_FOUND"


def test_a_timed_out_issue_list_is_retried_because_it_only_reads() -> None:
    gateway = Gateway(httpx.ReadTimeout("slow"), page(0, 1))
    assert client(gateway).list_issues(IssueQuery()).issues == ()
    assert len(gateway.forms) == 2


def test_timeouts_on_every_attempt_reach_the_caller_as_call_timeout() -> None:
    with pytest.raises(CallTimeout):
        client(Gateway(httpx.ReadTimeout("slow"))).list_issues(IssueQuery())
