"""The claim's submission deadline on SQLite and PostgreSQL: set at opening, alerted once.

submit_by = case opened + claim_submit_days; the `claim_deadline` rule fires once for an open or
evidence-complete claim within warn_hours of it (or past it), never for a submitted or settled one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.aftersales import service
from kuajing.aftersales.deadline import ClaimDeadlinePolicy
from kuajing.aftersales.model import ClaimState, ReturnReason
from kuajing.aftersales.schemas import claims_to_dicts
from kuajing.aftersales.tables import SupplierClaimRow
from kuajing.config import Settings
from kuajing.kit.money import Money
from kuajing.marketplaces.alibaba1688.inputs import RefundRequest
from kuajing.notify.run import evaluate_rules
from kuajing.notify.tables import AlertOutboxRow

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # as the seeded orders (conftest)
SETTINGS = Settings(alert_digest_kinds="", alert_exception_queue_threshold=100)
POLICY = ClaimDeadlinePolicy(claim_submit_days=7, warn_hours=48)


class FakeRefunds:
    def create_refund(self, request: RefundRequest) -> str:
        return "R1"


def _open_claim(session: Session) -> int:
    outcome = service.record_return(
        session, ae_order_id=8002, line_id=None, reason=ReturnReason.WRONG_ITEM,
        amount=Money.of("80", "CNY"), notes=None, who="test", now=NOW, policy=POLICY,
    )  # fmt: skip
    assert outcome.claim is not None
    session.commit()
    return outcome.claim.id


def _deadline_alerts(session: Session) -> list[AlertOutboxRow]:
    return list(session.scalars(select(AlertOutboxRow).where(AlertOutboxRow.kind == "claim_deadline")))


def test_submit_by_is_set_when_the_claim_opens_counted_from_the_case(seeded_session: Session) -> None:
    [case] = service.intake_disputes(seeded_session, who="test", now=NOW)  # 8002 is IN_ISSUE
    outcome = service.classify(seeded_session, case.id, ReturnReason.MISSING_ITEM, Money.of("80", "CNY"),
                               who="test", now=NOW + timedelta(days=2), policy=POLICY)  # fmt: skip
    seeded_session.commit()
    assert outcome.claim is not None
    seeded_session.expire_all()
    assert outcome.claim.submit_by == NOW + timedelta(days=7)  # from the case, not the classification
    [shown] = claims_to_dicts(seeded_session)
    assert shown["submit_by"] == (NOW + timedelta(days=7)).isoformat()


def test_deadline_alert_fires_once_within_warn_hours(seeded_session: Session) -> None:
    claim_id = _open_claim(seeded_session)
    early = NOW + timedelta(days=4)  # 72 h left: not yet
    assert "claim_deadline" not in evaluate_rules(seeded_session, SETTINGS, early, claim_policy=POLICY)
    due = NOW + timedelta(days=5, hours=1)  # 47 h left
    assert evaluate_rules(seeded_session, SETTINGS, due, claim_policy=POLICY).get("claim_deadline") == 1
    seeded_session.commit()
    later = NOW + timedelta(days=8)  # overdue now: the same cause, nothing new
    assert "claim_deadline" not in evaluate_rules(seeded_session, SETTINGS, later, claim_policy=POLICY)
    [alert] = _deadline_alerts(seeded_session)
    assert alert.cause_key == f"claim_deadline:claim:{claim_id}"
    assert "下一步" in alert.message_zh and "Next:" in alert.message_en


def test_overdue_claim_alerts_and_says_so(seeded_session: Session) -> None:
    _open_claim(seeded_session)
    evaluate_rules(seeded_session, SETTINGS, NOW + timedelta(days=9), claim_policy=POLICY)
    [alert] = _deadline_alerts(seeded_session)
    assert "已超过提交时限" in alert.message_zh and "not submitted by" in alert.message_en


def test_submitted_or_settled_claims_do_not_alert(seeded_session: Session) -> None:
    claim_id = _open_claim(seeded_session)
    claim = seeded_session.get(SupplierClaimRow, claim_id)
    assert claim is not None
    claim.state = ClaimState.EVIDENCE_COMPLETE.value  # the checklist itself is tested elsewhere
    service.submit_claim(seeded_session, claim_id, FakeRefunds(), reason_id="1", entry_ids=[],
                         goods_status="refundWaitSellerSend", who="test", now=NOW)  # fmt: skip
    seeded_session.commit()
    assert "claim_deadline" not in evaluate_rules(seeded_session, SETTINGS, NOW + timedelta(days=9))
    service.settle_claim(seeded_session, claim_id, ClaimState.RECOVERED, recovered=Money.of("80", "CNY"),
                         why="refunded", who="test", now=NOW)  # fmt: skip
    seeded_session.commit()
    assert "claim_deadline" not in evaluate_rules(seeded_session, SETTINGS, NOW + timedelta(days=9))
    assert _deadline_alerts(seeded_session) == []
