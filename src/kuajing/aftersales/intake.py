"""Taking AliExpress disputes in as 售后 cases: from each store's issue list, then from IN_ISSUE.

The issue API (``aliexpress.issue.issuelist.get`` + ``issue.detail.get``) gives the buyer's
reason and the refund asked, so a case whose reason we recognise (``dispute_reasons``) is
classified at once: the reason decides liability, and a supplier error opens its claim. The
buyer's refund is in USD; the case amount is in CNY through the catalog's dated FX rate, written
in the case notes. A reason we do not recognise leaves the case for a person, as before.

A store whose issue API fails is logged and skipped; its orders still come in through the order
status (IN_ISSUE, recorded by the order sync) without a reason, as before. The two ways never
duplicate each other: an issue whose order already has a case from the status is attached to that
case (and classified if it had no reason yet); an IN_ISSUE order with a case from an issue is not
taken again. Cases are idempotent by issue id (``aftersales_cases.ae_issue_id``, unique).
Processing and finished issues are taken (a dispute settled before we saw it still cost money);
ones the buyer canceled are not.

The order loop does not call intake yet (``jobs.py`` has no after-sales step): a job would call
``intake_all_stores(session, settings, who=..., now=..., client_for=pool.store)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from kuajing.aftersales import repository as repo
from kuajing.aftersales import service
from kuajing.aftersales.deadline import ClaimDeadlinePolicy
from kuajing.aftersales.dispute_reasons import reason_from_text
from kuajing.aftersales.model import SUPPLIER_ERRORS, ReturnReason
from kuajing.aftersales.tables import ReturnCaseRow
from kuajing.config import Settings
from kuajing.kit.money import Money
from kuajing.logistics.landed import FxTable
from kuajing.logistics.service import catalog_for
from kuajing.marketplaces.aliexpress.issues import Issue, IssueDetail, IssueQuery, IssueStatus
from kuajing.marketplaces.errors import MarketplaceError
from kuajing.marketplaces.policy import RetryPolicy
from kuajing.stores.repository import StoreRepository
from kuajing.stores.service import aliexpress_client
from kuajing.stores.tables import AliExpressStore

log = logging.getLogger(__name__)


class IssueSource(Protocol):
    """A store's disputes: ``AliExpressClient`` fits."""

    def iter_issues(self, query: IssueQuery, page_size: int = ...) -> Iterator[Issue]: ...

    def get_issue(self, issue_id: int, buyer_login_id: str) -> IssueDetail: ...


@dataclass
class IntakeReport:
    taken: list[ReturnCaseRow] = field(default_factory=list)  # new cases, issue API and IN_ISSUE
    classified: list[ReturnCaseRow] = field(default_factory=list)  # a reason recognised: liability set
    problems: list[str] = field(default_factory=list)  # a store or an issue that could not be read


def intake_from_issues(
    session: Session, sources: Mapping[int, IssueSource], *, fx: FxTable, who: str, now: datetime,
    policy: ClaimDeadlinePolicy | None = None, scope: frozenset[int] | None = None,
) -> IntakeReport:  # fmt: skip
    """``sources``: store id → that store's issue source. Then the IN_ISSUE pass for the rest, on
    the orders of the stores in ``scope`` (None: every store)."""
    report = IntakeReport()
    for store_id, source in sources.items():
        try:
            issues = [i for i in source.iter_issues(IssueQuery()) if i.status is not IssueStatus.CANCELED]
        except MarketplaceError as error:
            log.warning(
                "store %s: issue list unavailable, orders in dispute come in by status: %s", store_id, error
            )
            report.problems.append(f"store {store_id}: {error}")
            continue
        for issue in issues:
            _take(session, store_id, source, issue, fx=fx, who=who, now=now, policy=policy, report=report)
    report.taken.extend(service.intake_disputes(session, who=who, now=now, scope=scope))
    return report


def _take(
    session: Session, store_id: int, source: IssueSource, issue: Issue, *, fx: FxTable, who: str,
    now: datetime, policy: ClaimDeadlinePolicy | None, report: IntakeReport,
) -> None:  # fmt: skip
    if repo.case_for_issue(session, issue.issue_id) is not None:
        return
    order = repo.order_by_ae_id(session, issue.trade_order_id)
    if order is None or order.store_id != store_id:
        return  # not synced yet: the next intake takes it
    detail = _detail(source, issue, report)
    reason = reason_from_text(issue.reason_zh, issue.reason_en, detail.reason if detail else None)
    notes = f"AliExpress issue {issue.issue_id}: {issue.reason_zh or '-'} / {issue.reason_en or '-'}"
    amount = _amount_cny(detail, fx)
    if amount is not None and detail is not None and detail.buyer_refund is not None:
        notes += f"; buyer asks {detail.buyer_refund.amount} {detail.buyer_refund.currency}"
        notes += f" = ¥{amount.amount} (FX {fx.rate(detail.buyer_refund.currency)}, {fx.as_of})"
    row = repo.case_for(session, "ae_issue", order.ae_order_id, None)
    if row is not None and row.ae_issue_id is None:
        row.ae_issue_id = issue.issue_id  # taken from IN_ISSUE before: this is its issue
        row.notes = f"{row.notes}; {notes}" if row.notes else notes
    else:
        row = ReturnCaseRow(
            order_id=order.id, ae_order_id=order.ae_order_id, line_id=None, source="ae_issue",
            ae_issue_id=issue.issue_id, notes=notes, created_by=who, created_at=now,
        )  # fmt: skip
        session.add(row)
        report.taken.append(row)
    session.flush()
    if (
        row.reason is None
        and reason is not None
        and amount is not None
        and _classifiable(session, row, reason)
    ):
        service.classify(session, row.id, reason, amount, who=who, now=now, policy=policy)
        report.classified.append(row)


def _detail(source: IssueSource, issue: Issue, report: IntakeReport) -> IssueDetail | None:
    if not issue.buyer_login_id:
        return None
    try:
        return source.get_issue(issue.issue_id, issue.buyer_login_id)
    except MarketplaceError as error:
        log.warning("issue %s: detail unavailable, the case waits for a person: %s", issue.issue_id, error)
        report.problems.append(f"issue {issue.issue_id}: {error}")
        return None


def _amount_cny(detail: IssueDetail | None, fx: FxTable) -> Money | None:
    refund = detail.buyer_refund if detail is not None else None
    if refund is None:
        return None
    return Money.of(fx.to_cny(refund.amount, refund.currency), "CNY")


def _classifiable(session: Session, row: ReturnCaseRow, reason: ReturnReason) -> bool:
    """A supplier error needs the purchase to claim from; without one a person decides."""
    return reason not in SUPPLIER_ERRORS or repo.purchase_for(session, row.order_id, row.line_id) is not None


# --- every connected store (CLI, page, job) ---------------------------------------------------------


def _intake_retry(settings: Settings) -> RetryPolicy:
    # Intake runs again on the next pass: one retry is enough, and a dead store must not hold the page.
    return RetryPolicy(max_attempts=2, base_delay=settings.retry_base_delay_seconds)


def intake_all_stores(
    session: Session, settings: Settings, *, who: str, now: datetime,
    client_for: Callable[[AliExpressStore], IssueSource] | None = None,
    scope: frozenset[int] | None = None,
) -> IntakeReport:  # fmt: skip
    """Each AliExpress store's issue list through its client (``client_for``: a job's pool), the
    catalog's FX for the amounts, then the IN_ISSUE pass. ``scope``: only these stores, both ways
    (a user limited to some stores takes in their stores' disputes); None: every store."""
    stores = [s for s in StoreRepository(session).aliexpress_stores() if scope is None or s.id in scope]
    fx = catalog_for(session, settings).fx
    if client_for is not None:
        sources = {s.id: client_for(s) for s in stores}
        return intake_from_issues(session, sources, fx=fx, who=who, now=now, scope=scope)
    clients = {s.id: aliexpress_client(s, settings, retry_policy=_intake_retry(settings)) for s in stores}
    try:
        return intake_from_issues(session, dict(clients), fx=fx, who=who, now=now, scope=scope)
    finally:
        for client in clients.values():
            client.close()
