"""售后 use cases: record or take in a return, decide liability, open and move supplier claims.

Services never commit; the CLI command or the request does. Amounts claimed are in CNY (the 1688
side of the money). The 1688 refund goes through a port (``RefundPort``: the 1688 client fits it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

from kuajing.aftersales import repository as repo
from kuajing.aftersales.deadline import ClaimDeadlinePolicy, load_claim_deadline_policy
from kuajing.aftersales.model import (
    Claim,
    ClaimState,
    Evidence,
    LiabilityDecision,
    ReturnReason,
    decide_liability,
    sanitise_filename,
    state_for_evidence,
)
from kuajing.aftersales.tables import ClaimEvidenceRow, ClaimTransitionRow, ReturnCaseRow, SupplierClaimRow
from kuajing.kit.errors import KuajingError, NotFound, ValidationFailed
from kuajing.kit.money import Money
from kuajing.marketplaces.alibaba1688.inputs import RefundRequest
from kuajing.marketplaces.alibaba1688.models import BuyerOrder

DEFAULT_MAX_EVIDENCE_BYTES = 200 * 1024 * 1024  # an unboxing video


class RefundPort(Protocol):
    def create_refund(self, request: RefundRequest) -> str: ...


@runtime_checkable
class OrderReader(Protocol):
    """A refund port that can also read the 1688 order (``Alibaba1688Client`` can)."""

    def buyer_view(self, order_id: str) -> BuyerOrder: ...


# baseInfo.refundStatus values that mean no refund is under way or paid on the order.
NO_REFUND_UNDER_WAY = frozenset({"", "refundclose", "refundclosed"})


class ClaimNeedsSupplier(KuajingError):
    code = "claim_needs_supplier"
    http_status = 422

    def __init__(self, case_id: int) -> None:
        super().__init__(
            f"return {case_id}: no purchase found for this line, so no supplier to claim from",
            f"售后 {case_id}：找不到该订单行的采购单，无法向供应商索赔",
            details={"case_id": case_id},
        )


@dataclass(frozen=True)
class CaseOutcome:
    case: ReturnCaseRow
    decision: LiabilityDecision | None  # None while an intake case has no reason yet
    claim: SupplierClaimRow | None


def record_return(
    session: Session, *, ae_order_id: int, line_id: int | None, reason: ReturnReason, amount: Money,
    notes: str | None, who: str, now: datetime, policy: ClaimDeadlinePolicy | None = None,
) -> CaseOutcome:  # fmt: skip
    order = repo.order_by_ae_id(session, ae_order_id)
    if order is None:
        raise NotFound(f"AliExpress order {ae_order_id} not found", f"找不到速卖通订单 {ae_order_id}")
    if line_id is not None and repo.order_line(session, order.id, line_id) is None:
        raise NotFound(
            f"line {line_id} is not on order {ae_order_id}", f"订单 {ae_order_id} 没有订单行 {line_id}"
        )
    row = ReturnCaseRow(order_id=order.id, ae_order_id=ae_order_id, line_id=line_id, source="manual",
                        notes=notes, created_by=who, created_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    return classify(session, row.id, reason, amount, who=who, now=now, policy=policy)


def intake_disputes(
    session: Session, *, who: str, now: datetime, scope: frozenset[int] | None = None
) -> list[ReturnCaseRow]:
    """One case per AliExpress order in dispute (IN_ISSUE, recorded by the order sync) of the stores
    in ``scope`` (None: every store); idempotent.

    The fallback when a store's issue list cannot be read (``intake.intake_from_issues`` runs it
    after the issue API): an order that already has a case, from its issue or from here, is skipped."""
    taken: list[ReturnCaseRow] = []
    for order in repo.orders_in_issue(session, scope):
        if repo.case_for(session, "ae_issue", order.ae_order_id, None) is not None:
            continue
        row = ReturnCaseRow(order_id=order.id, ae_order_id=order.ae_order_id, line_id=None, source="ae_issue",
                            notes="AliExpress: IN_ISSUE", created_by=who, created_at=now)  # fmt: skip
        session.add(row)
        taken.append(row)
    session.flush()
    return taken


def classify(
    session: Session, case_id: int, reason: ReturnReason, amount: Money, *, who: str, now: datetime,
    policy: ClaimDeadlinePolicy | None = None,
) -> CaseOutcome:  # fmt: skip
    """Set the reason and amount; the reason decides who pays; a supplier error opens its claim.

    The claim's ``submit_by`` counts from when the case was opened, not from the classification."""
    row = _case(session, case_id)
    if row.reason is not None:
        raise ValidationFailed(f"return {case_id} already has a reason", f"售后 {case_id} 已有原因")
    purchase = repo.purchase_for(session, row.order_id, row.line_id)
    guarantee = purchase is not None and repo.supplier_has_credit_guarantee(
        session, purchase.supplier_member_id
    )
    decision = decide_liability(reason, amount, credit_guarantee=guarantee, evidence=frozenset())
    row.reason, row.liable = reason.value, decision.liable.value
    row.amount, row.currency = amount.amount, amount.currency
    if not decision.opens_claim:
        return CaseOutcome(row, decision, None)
    if purchase is None:
        raise ClaimNeedsSupplier(case_id)
    compensation = decision.advance_compensation
    claim = SupplierClaimRow(
        case_id=row.id, purchase_id=purchase.id, supplier_member_id=purchase.supplier_member_id,
        alibaba_order_id=purchase.alibaba_order_id, credit_guarantee=guarantee, amount=amount.amount,
        advance_compensation=compensation and compensation.amount,
        state=ClaimState.OPEN.value, created_at=now, updated_at=now,
        submit_by=(policy or load_claim_deadline_policy()).submit_by(row.created_at),
    )  # fmt: skip
    session.add(claim)
    session.flush()
    session.add(ClaimTransitionRow(claim_id=claim.id, from_state=None, to_state=ClaimState.OPEN.value, at=now,
                                   why=f"{reason.value}: {decision.rule}", who=who))  # fmt: skip
    session.flush()
    return CaseOutcome(row, decision, claim)


def attach_evidence(
    session: Session, claim_id: int, kind: Evidence, filename: str, content: bytes, *, folder: Path,
    who: str, now: datetime, max_bytes: int = DEFAULT_MAX_EVIDENCE_BYTES,
) -> ClaimEvidenceRow:  # fmt: skip
    """Store the file under folder/claim-<id>/ with a sanitised name; a complete checklist moves the claim."""
    claim = _claim(session, claim_id)
    if not content:
        raise ValidationFailed("empty file", "文件为空", details={"filename": filename})
    if len(content) > max_bytes:
        raise ValidationFailed(f"file larger than {max_bytes} bytes", f"文件超过 {max_bytes} 字节",
                               details={"filename": filename, "size": len(content)})  # fmt: skip
    safe = f"{kind.value}-{now:%Y%m%d%H%M%S}-{sanitise_filename(filename)}"
    relative = Path(f"claim-{claim.id}") / safe
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    row = ClaimEvidenceRow(claim_id=claim.id, kind=kind.value, filename=sanitise_filename(filename),
                           stored_path=str(relative), size_bytes=len(content), uploaded_by=who,
                           uploaded_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    wanted = state_for_evidence(evidence_kinds(session, claim.id))
    if claim.state == ClaimState.OPEN.value and wanted is ClaimState.EVIDENCE_COMPLETE:
        _move(session, claim, wanted, why="evidence checklist complete", who=who, now=now)
    return row


def evidence_kinds(session: Session, claim_id: int) -> frozenset[Evidence]:
    return frozenset(Evidence(row.kind) for row in repo.evidence_of(session, claim_id))


def submit_claim(
    session: Session, claim_id: int, refunds: RefundPort, *, reason_id: str, entry_ids: list[str],
    goods_status: str, who: str, now: datetime,
) -> SupplierClaimRow:  # fmt: skip
    """Request the 1688 refund (when the claim has a 1688 order) and mark the claim submitted.

    A retry must not open a second refund: a request that timed out may have been written. When
    the port can read the 1688 order, a refund already under way or paid on it (``refundStatus``)
    is taken as this claim's; the claim is marked submitted without asking again, its refund id
    unknown (1688's order view does not give it; the description names the claim)."""
    claim = _claim(session, claim_id)
    Claim(claim.credit_guarantee, ClaimState(claim.state)).move(ClaimState.SUBMITTED, at=now, why="", who=who)
    why = "submitted without a 1688 order id"
    under_way = _refund_under_way(refunds, claim.alibaba_order_id)
    if under_way is not None:
        why = f"1688 already has a refund on the order ({under_way}): an earlier request went through"
    elif claim.alibaba_order_id:
        request = RefundRequest(
            order_id=claim.alibaba_order_id, order_entry_ids=entry_ids,
            apply_payment=Money.of(claim.amount, "CNY"),
            apply_reason_id=reason_id, goods_status=goods_status, description=f"kuajing claim {claim.id}",
            vouchers=[row.filename for row in repo.evidence_of(session, claim.id)],
        )  # fmt: skip
        claim.refund_id = refunds.create_refund(request)
        why = f"1688 refund {claim.refund_id} requested"
    _move(session, claim, ClaimState.SUBMITTED, why=why, who=who, now=now)
    return claim


def _refund_under_way(refunds: RefundPort, alibaba_order_id: str | None) -> str | None:
    if not alibaba_order_id or not isinstance(refunds, OrderReader):
        return None
    status = refunds.buyer_view(alibaba_order_id).base_info.refund_status
    return None if status is None or status.lower() in NO_REFUND_UNDER_WAY else status


def settle_claim(
    session: Session, claim_id: int, to_state: ClaimState, *, recovered: Money | None, why: str, who: str,
    now: datetime,
) -> SupplierClaimRow:  # fmt: skip
    """Recovered / compensated record the amount received; rejected / withdrawn record none."""
    claim = _claim(session, claim_id)
    pays = to_state in (ClaimState.RECOVERED, ClaimState.COMPENSATED)
    if pays and (recovered is None or recovered.currency != "CNY"):
        raise ValidationFailed("the amount received, in CNY, is required", "需要填写实际收回金额（人民币）")
    _move(session, claim, to_state, why=why, who=who, now=now)
    if pays and recovered is not None:
        claim.recovered_amount = recovered.amount
    return claim


def claims_per_supplier(session: Session) -> dict[str, int]:
    """For the supplier score: how many claims each supplier has had."""
    return {row.supplier_member_id: row.claims for row in repo.supplier_summary(session)}


def _move(session: Session, claim: SupplierClaimRow, to_state: ClaimState, *, why: str, who: str,
          now: datetime) -> None:  # fmt: skip
    step = Claim(claim.credit_guarantee, ClaimState(claim.state)).move(to_state, at=now, why=why, who=who)
    claim.state, claim.updated_at = to_state.value, now
    session.add(ClaimTransitionRow(claim_id=claim.id, from_state=step.from_state, to_state=to_state.value,
                                   at=now, why=why, who=who))  # fmt: skip
    session.flush()


def _case(session: Session, case_id: int) -> ReturnCaseRow:
    row = session.get(ReturnCaseRow, case_id)
    if row is None:
        raise NotFound(f"return {case_id} not found", f"找不到售后 {case_id}")
    return row


def _claim(session: Session, claim_id: int) -> SupplierClaimRow:
    row = session.get(SupplierClaimRow, claim_id)
    if row is None:
        raise NotFound(f"claim {claim_id} not found", f"找不到索赔 {claim_id}")
    return row
