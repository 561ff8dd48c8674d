"""AliExpress disputes (纠纷, "issues") seen by the seller: the list and one issue's detail.

Methods and fields are taken from the AliExpress Open Platform's public "Issue" API docs; they
are not in PLATFORM_APIS.md:

- ``aliexpress.issue.issuelist.get``: ``query_dto`` (JSON) ``{current_page, page_size ≤ 50,
  issue_status?: processing|canceled|finish, order_no?, buyer_login_id?}`` →
  ``result {total_item, current_page, data_list {issue_api_issue_dto: [{issue_id, order_id,
  parent_order_id, issue_status, reason_chinese, reason_english, gmt_create, gmt_modified,
  buyer_login_id}]}}``;
- ``aliexpress.issue.detail.get``: ``issue_id``, ``buyer_login_id`` → ``result {issue_id,
  order_id, issue_status, issue_reason_id, issue_reason, buyer_refund_amount {amount,
  currency_code}, ...}``.

Inferred (the public docs do not pin them down): both results carry the ``success`` /
``error_code`` pair the other business results carry, read the same way; ``gmt_*`` are in the
gateway's usual ``yyyy-MM-dd HH:mm:ss`` US-Pacific form; ``buyer_refund_amount`` uses the same
``{amount, currency_code}`` money object as the order APIs; an empty page leaves ``data_list`` out.

The wire shapes, their conversion and the paging live here; ``AliExpressClient`` exposes them as
``list_issues`` / ``iter_issues`` / ``get_issue`` with its usual signing, retries and errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, StrictStr

from kuajing.kit.money import Money
from kuajing.marketplaces.aliexpress.wire import AeTime, WholeNumber, Wire, WireMoney, parse_reply

ISSUE_LIST = "aliexpress.issue.issuelist.get"
ISSUE_DETAIL = "aliexpress.issue.detail.get"
MAX_ISSUE_PAGE_SIZE = 50


class IssueStatus(StrEnum):
    PROCESSING = "processing"  # 纠纷处理中
    CANCELED = "canceled"  # 买家取消纠纷
    FINISH = "finish"  # 纠纷结束


@dataclass(frozen=True)
class IssueQuery:
    status: IssueStatus | None = None
    order_no: int | None = None
    buyer_login_id: str | None = None


@dataclass(frozen=True)
class Issue:
    issue_id: int
    order_id: int  # the (child) order in dispute
    parent_order_id: int | None  # the AliExpress order the seller sees in the order list
    status: IssueStatus
    reason_zh: str | None
    reason_en: str | None
    created_at: datetime | None
    modified_at: datetime | None
    buyer_login_id: str | None

    @property
    def trade_order_id(self) -> int:
        return self.parent_order_id or self.order_id


@dataclass(frozen=True)
class IssuePage:
    issues: tuple[Issue, ...]
    total_item: int
    current_page: int
    page_size: int

    @property
    def total_page(self) -> int:
        return -(-self.total_item // self.page_size)


@dataclass(frozen=True)
class IssueDetail:
    issue_id: int
    order_id: int
    status: IssueStatus
    reason_id: int | None
    reason: str | None
    buyer_refund: Money | None


# --- wire shapes -----------------------------------------------------------------------------------


class WireIssue(Wire):
    issue_id: WholeNumber
    order_id: WholeNumber
    parent_order_id: WholeNumber | None = None
    issue_status: IssueStatus
    reason_chinese: StrictStr | None = None
    reason_english: StrictStr | None = None
    gmt_create: AeTime | None = None
    gmt_modified: AeTime | None = None
    buyer_login_id: StrictStr | None = None

    def to_domain(self) -> Issue:
        return Issue(
            issue_id=self.issue_id,
            order_id=self.order_id,
            parent_order_id=self.parent_order_id,
            status=self.issue_status,
            reason_zh=self.reason_chinese,
            reason_en=self.reason_english,
            created_at=self.gmt_create,
            modified_at=self.gmt_modified,
            buyer_login_id=self.buyer_login_id,
        )


class WireIssueList(Wire):
    issue_api_issue_dto: list[WireIssue] = Field(default_factory=list)


class IssueListResult(Wire):
    total_item: WholeNumber
    current_page: WholeNumber | None = None
    data_list: WireIssueList = Field(default_factory=WireIssueList)

    def to_domain(self, page: int, page_size: int) -> IssuePage:
        return IssuePage(
            issues=tuple(issue.to_domain() for issue in self.data_list.issue_api_issue_dto),
            total_item=self.total_item,
            current_page=self.current_page or page,
            page_size=page_size,
        )


class IssueDetailResult(Wire):
    issue_id: WholeNumber
    order_id: WholeNumber
    issue_status: IssueStatus
    issue_reason_id: WholeNumber | None = None
    issue_reason: StrictStr | None = None
    buyer_refund_amount: WireMoney | None = None

    def to_domain(self) -> IssueDetail:
        refund = self.buyer_refund_amount
        return IssueDetail(
            issue_id=self.issue_id,
            order_id=self.order_id,
            status=self.issue_status,
            reason_id=self.issue_reason_id,
            reason=self.issue_reason,
            buyer_refund=refund.to_money() if refund is not None else None,
        )


# --- calls (through the client's ``_result``: signing, retries, errors) -----------------------------

ResultCall = Callable[[str, Mapping[str, object]], dict[str, Any]]


def list_issues(result: ResultCall, query: IssueQuery, page: int, page_size: int) -> IssuePage:
    if page < 1:
        raise ValueError("page starts at 1")
    if not 1 <= page_size <= MAX_ISSUE_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_ISSUE_PAGE_SIZE}")
    query_dto: dict[str, object] = {"current_page": page, "page_size": page_size}
    if query.status is not None:
        query_dto["issue_status"] = query.status.value
    if query.order_no is not None:
        query_dto["order_no"] = query.order_no
    if query.buyer_login_id:
        query_dto["buyer_login_id"] = query.buyer_login_id
    body = result(ISSUE_LIST, {"query_dto": query_dto})
    return parse_reply(IssueListResult, body, method=ISSUE_LIST).to_domain(page, page_size)


def iter_issues(
    result: ResultCall, query: IssueQuery, page_size: int = MAX_ISSUE_PAGE_SIZE
) -> Iterator[Issue]:
    """Every issue matching ``query``, page after page, until the last page or an empty one."""
    page = 1
    while True:
        current = list_issues(result, query, page, page_size)
        yield from current.issues
        if not current.issues or page >= current.total_page:
            return
        page += 1


def get_issue(result: ResultCall, issue_id: int, buyer_login_id: str) -> IssueDetail:
    body = result(ISSUE_DETAIL, {"issue_id": issue_id, "buyer_login_id": buyer_login_id})
    return parse_reply(IssueDetailResult, body, method=ISSUE_DETAIL).to_domain()


__all__ = [
    "ISSUE_DETAIL",
    "ISSUE_LIST",
    "Issue",
    "IssueDetail",
    "IssuePage",
    "IssueQuery",
    "IssueStatus",
]
