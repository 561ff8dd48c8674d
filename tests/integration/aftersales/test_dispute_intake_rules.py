"""Intake rules with a fake issue source on SQLite and PostgreSQL (orders 8001 FINISH from a
信用保障 supplier, 8002 IN_ISSUE, see conftest): unknown reasons wait, failures fall back, cases
from the order status and from the issue API never duplicate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.aftersales import repository as repo
from kuajing.aftersales import service
from kuajing.aftersales.intake import intake_from_issues
from kuajing.aftersales.tables import ReturnCaseRow
from kuajing.kit.money import Money
from kuajing.logistics.landed import FxTable
from kuajing.marketplaces.aliexpress.issues import Issue, IssueDetail, IssueQuery, IssueStatus
from kuajing.marketplaces.errors import TransientError

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
FX = FxTable(as_of=date(2026, 12, 1), cny_per={"USD": Decimal("7.2")})


class FakeIssues:
    def __init__(self, issues: list[Issue], refunds: dict[int, str], *, broken: bool = False) -> None:
        self.issues, self.refunds, self.broken = issues, refunds, broken
        self.details: list[int] = []

    def iter_issues(self, query: IssueQuery, page_size: int = 50) -> Iterator[Issue]:
        if self.broken:
            raise TransientError("down", platform="aliexpress", method="aliexpress.issue.issuelist.get")
        return iter(self.issues)

    def get_issue(self, issue_id: int, buyer_login_id: str) -> IssueDetail:
        self.details.append(issue_id)
        if issue_id not in self.refunds:
            raise TransientError("down", platform="aliexpress", method="aliexpress.issue.detail.get")
        status = IssueStatus.PROCESSING
        return IssueDetail(issue_id, 0, status, None, None, Money.of(self.refunds[issue_id], "USD"))


def issue(issue_id: int, order_id: int, zh: str | None, en: str | None, status: str = "processing") -> Issue:
    return Issue(issue_id, order_id, order_id, IssueStatus(status), zh, en, NOW, NOW, "buyer")


def cases(session: Session) -> list[ReturnCaseRow]:
    return list(session.scalars(select(ReturnCaseRow).order_by(ReturnCaseRow.id)))


def test_known_reason_is_classified_with_the_refund_in_cny_and_a_guaranteed_claim(
    seeded_session: Session,
) -> None:
    source = FakeIssues([issue(1, 8001, "发错货", "Wrong item received")], {1: "29.90"})
    report = intake_from_issues(seeded_session, {1: source}, fx=FX, who="t", now=NOW)
    case = next(c for c in report.taken if c.ae_order_id == 8001)
    assert report.classified == [case] and case.reason == "wrong_item" and case.liable == "supplier"
    assert case.amount == Decimal("215.28") and case.currency == "CNY"  # 29.90 × 7.2
    assert "FX 7.2, 2026-12-01" in (case.notes or "")
    claim = repo.claim_for_case(seeded_session, case.id)
    assert claim is not None and claim.credit_guarantee and claim.advance_compensation == Decimal("215.28")


def test_unknown_reason_or_an_unreadable_detail_leaves_the_case_for_a_person(seeded_session: Session) -> None:
    source = FakeIssues(
        [issue(1, 8001, "其他原因", "Other reasons"), issue(2, 8002, "发错货", "Wrong item received")],
        {1: "10"},
    )
    report = intake_from_issues(seeded_session, {1: source}, fx=FX, who="t", now=NOW)
    assert [(c.ae_order_id, c.reason) for c in cases(seeded_session)] == [(8001, None), (8002, None)]
    assert report.classified == [] and report.problems == [f"issue 2: {source_error(source)}"]


def source_error(source: FakeIssues) -> str:
    try:
        source.get_issue(-1, "x")
    except TransientError as error:
        return str(error)
    raise AssertionError


def test_a_failing_store_falls_back_to_in_issue_and_its_issue_later_joins_that_case(
    seeded_session: Session,
) -> None:
    broken = FakeIssues([], {}, broken=True)
    report = intake_from_issues(seeded_session, {1: broken}, fx=FX, who="t", now=NOW)
    assert [c.ae_order_id for c in report.taken] == [8002] and report.problems
    [fallback] = cases(seeded_session)
    assert fallback.ae_issue_id is None and fallback.reason is None

    working = FakeIssues([issue(9, 8002, "少件/漏发", "Missing items")], {9: "5"})
    again = intake_from_issues(seeded_session, {1: working}, fx=FX, who="t", now=NOW)
    assert again.taken == [] and again.classified == [fallback]
    [joined] = cases(seeded_session)
    assert joined.id == fallback.id and joined.ae_issue_id == 9 and joined.reason == "missing_item"
    assert intake_from_issues(seeded_session, {1: working}, fx=FX, who="t", now=NOW).taken == []
    assert service.intake_disputes(seeded_session, who="t", now=NOW) == []  # and not by status either


def test_canceled_unsynced_and_other_stores_issues_are_not_taken(seeded_session: Session) -> None:
    source = FakeIssues(
        [issue(1, 8001, "发错货", None, status="canceled"), issue(2, 999, "发错货", None)], {1: "1", 2: "1"}
    )
    other_store = FakeIssues([issue(3, 8001, "发错货", None)], {})
    report = intake_from_issues(seeded_session, {1: source, 2: other_store}, fx=FX, who="t", now=NOW)
    assert [c.ae_order_id for c in report.taken] == [8002]  # only the IN_ISSUE fallback
    assert source.details == other_store.details == [] and repo.case_for_issue(seeded_session, 3) is None
