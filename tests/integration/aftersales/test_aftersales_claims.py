"""Returns, claims and the per-supplier summary on SQLite and PostgreSQL, orders inserted directly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kuajing.aftersales import repository as repo
from kuajing.aftersales import service
from kuajing.aftersales.model import ClaimState, ClaimTransitionRefused, Evidence, LiableParty, ReturnReason
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.errors import ValidationFailed
from kuajing.kit.money import Money
from kuajing.marketplaces.alibaba1688.inputs import RefundRequest
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.tables import SupplierRow
from kuajing.stores.tables import AliExpressStore

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
CNY = "CNY"


class FakeRefunds:
    def __init__(self) -> None:
        self.requests: list[RefundRequest] = []

    def create_refund(self, request: RefundRequest) -> str:
        self.requests.append(request)
        return f"R{len(self.requests)}"


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        _seed(session)
        yield session
    engine.dispose()


def _seed(session: Session) -> None:
    session.add(
        AliExpressStore(
            name="店铺一", seller_id="1", base_url="http://127.0.0.1:1", app_key="k", app_secret="s",
            access_token="t", access_token_expires_at=None, refresh_token_expires_at=None,
            buyer_account_id=None, last_synced_at=None, created_at=NOW,
        )
    )  # fmt: skip
    session.add_all([
        SupplierRow(member_id="guaranteed", name="义乌信用保障工厂", credit_guarantee=True, updated_at=NOW),
        SupplierRow(member_id="plain", name="广州档口", updated_at=NOW),
    ])  # fmt: skip
    session.flush()
    for number, (member, status) in enumerate([("guaranteed", "FINISH"), ("plain", "IN_ISSUE")], start=1):
        order = AeOrderRow(
            store_id=1,
            ae_order_id=8000 + number,
            ae_status=status,
            state="bought",
            pay_amount=Decimal("29.90"),
            currency="USD",
            created_at=NOW,
            synced_at=NOW,
        )
        session.add(order)
        session.flush()
        line = AeOrderLineRow(order_id=order.id, child_id=number, product_id=1, quantity=1,
                              unit_price=Decimal("29.90"), currency="USD", state="purchased")  # fmt: skip
        session.add(line)
        session.flush()
        session.add(PurchaseOrderRow(
            order_id=order.id, out_order_id=f"AE{number}", supplier_member_id=member, state="fulfilled",
            cargo=[{"offer_id": "1", "spec_id": "s", "quantity": 1, "line_ids": [line.id]}],
            alibaba_order_id=f"1688{number}", total_amount=Decimal("80"), created_at=NOW,
        ))  # fmt: skip
    session.flush()


def _record(session: Session, ae_order_id: int, reason: ReturnReason, amount: str) -> service.CaseOutcome:
    return service.record_return(
        session,
        ae_order_id=ae_order_id,
        line_id=None,
        reason=reason,
        amount=Money.of(amount, CNY),
        notes="买家投诉",
        who="lina",
        now=NOW,
    )


def _attach_all(session: Session, claim_id: int, folder: Path) -> None:
    for kind in Evidence:
        service.attach_evidence(
            session, claim_id, kind, f"../{kind}.bin", b"x", folder=folder, who="lina", now=NOW
        )


def test_quality_return_is_the_sellers_and_opens_no_claim(session: Session) -> None:
    outcome = _record(session, 8001, ReturnReason.QUALITY, "120")
    session.commit()
    assert outcome.case.liable == LiableParty.SELLER and outcome.claim is None


def test_wrong_item_on_credit_guarantee_order_opens_claim_with_capped_compensation(session: Session) -> None:
    outcome = _record(session, 8001, ReturnReason.WRONG_ITEM, "6200")
    session.commit()
    claim = outcome.claim
    assert claim is not None and claim.supplier_member_id == "guaranteed" and claim.credit_guarantee
    assert claim.advance_compensation == Decimal("5000") and claim.state == ClaimState.OPEN
    assert [t.to_state for t in repo.transitions_of(session, claim.id)] == ["open"]


def test_full_checklist_moves_the_claim_and_submit_calls_1688_refund(
    session: Session, tmp_path: Path
) -> None:
    claim = _record(session, 8002, ReturnReason.MISSING_ITEM, "80").claim
    assert claim is not None and claim.advance_compensation is None
    refunds = FakeRefunds()
    with pytest.raises(ClaimTransitionRefused):  # evidence incomplete: nothing leaves for 1688
        service.submit_claim(session, claim.id, refunds, reason_id="1", entry_ids=["1"],
                             goods_status="refundBuyerReceived", who="lina", now=NOW)  # fmt: skip
    assert refunds.requests == []
    _attach_all(session, claim.id, tmp_path)
    assert claim.state == ClaimState.EVIDENCE_COMPLETE
    service.submit_claim(session, claim.id, refunds, reason_id="1", entry_ids=["1"],
                         goods_status="refundBuyerReceived", who="lina", now=NOW)  # fmt: skip
    service.settle_claim(session, claim.id, ClaimState.RECOVERED, recovered=Money.of("80", CNY),
                         why="supplier refunded", who="lina", now=NOW)  # fmt: skip
    session.commit()
    assert refunds.requests[0].order_id == "16882" and refunds.requests[0].apply_payment == Money.of(
        "80", CNY
    )
    assert claim.refund_id == "R1" and claim.recovered_amount == Decimal("80")
    steps = [(t.from_state, t.to_state, t.who) for t in repo.transitions_of(session, claim.id)]
    assert steps == [
        (None, "open", "lina"),
        ("open", "evidence_complete", "lina"),
        ("evidence_complete", "submitted", "lina"),
        ("submitted", "recovered", "lina"),
    ]
    stored = sorted(p.name for p in (tmp_path / f"claim-{claim.id}").iterdir())
    assert len(stored) == 3 and all(".." not in name for name in stored)


def test_oversized_upload_is_refused(session: Session, tmp_path: Path) -> None:
    claim = _record(session, 8002, ReturnReason.DAMAGED_PACKAGING, "30").claim
    assert claim is not None
    with pytest.raises(ValidationFailed):
        service.attach_evidence(
            session,
            claim.id,
            Evidence.UNBOXING_VIDEO,
            "v.mp4",
            b"123456",
            folder=tmp_path,
            who="lina",
            now=NOW,
            max_bytes=5,
        )


def test_intake_takes_each_order_in_issue_once(session: Session) -> None:
    assert [c.ae_order_id for c in service.intake_disputes(session, who="sync", now=NOW)] == [8002]
    assert service.intake_disputes(session, who="sync", now=NOW) == []
    session.commit()


def test_summary_counts_claims_and_recovered_yuan_per_supplier(session: Session, tmp_path: Path) -> None:
    first = _record(session, 8002, ReturnReason.WRONG_ITEM, "50").claim
    _record(session, 8001, ReturnReason.MISSING_ITEM, "20")
    assert first is not None
    _attach_all(session, first.id, tmp_path)
    service.submit_claim(session, first.id, FakeRefunds(), reason_id="1", entry_ids=["1"],
                         goods_status="refundBuyerReceived", who="lina", now=NOW)  # fmt: skip
    service.settle_claim(session, first.id, ClaimState.RECOVERED, recovered=Money.of("45.5", CNY),
                         why="partial", who="lina", now=NOW)  # fmt: skip
    session.commit()
    summary = {row.supplier_member_id: row for row in repo.supplier_summary(session)}
    assert summary["plain"].claims == 1 and summary["plain"].recovered == Decimal("45.5")
    assert summary["guaranteed"].open_claims == 1 and summary["guaranteed"].recovered == Decimal("0")
    assert service.claims_per_supplier(session) == {"guaranteed": 1, "plain": 1}
