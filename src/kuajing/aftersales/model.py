"""Returns liability and supplier claims, pure (no SQL, no HTTP, no clock: time is passed in).

The rules (PRODUCT.md §6):
- quality problems: the seller is liable to the buyer (AliExpress seller rules §5.3.2);
- a supplier's wrong item, missing item or damaged packaging: the seller recovers from the
  supplier, with evidence — the 1688 chat record, the logistics sign-off proof, an unboxing video;
- 信用保障 orders: the platform pays advance compensation, capped at ¥5,000 per order;
- buyer remorse and anything else: the seller bears it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from kuajing.kit.errors import KuajingError, ValidationFailed
from kuajing.kit.money import Money

ADVANCE_COMPENSATION_CAP = Money.of(Decimal("5000"), "CNY")


class ReturnReason(StrEnum):
    QUALITY = "quality"  # 质量问题
    WRONG_ITEM = "wrong_item"  # 错发
    MISSING_ITEM = "missing_item"  # 漏发
    DAMAGED_PACKAGING = "damaged_packaging"  # 包装破损
    BUYER_REMORSE = "buyer_remorse"  # 买家无理由
    OTHER = "other"


SUPPLIER_ERRORS = frozenset(
    {ReturnReason.WRONG_ITEM, ReturnReason.MISSING_ITEM, ReturnReason.DAMAGED_PACKAGING}
)


class LiableParty(StrEnum):
    SELLER = "seller"
    SUPPLIER = "supplier"


class Evidence(StrEnum):
    CHAT_RECORD = "chat_record"  # 1688 旺旺聊天记录
    SIGN_OFF_PROOF = "sign_off_proof"  # 物流签收证明
    UNBOXING_VIDEO = "unboxing_video"  # 开箱视频


REQUIRED_EVIDENCE = frozenset(Evidence)


@dataclass(frozen=True)
class LiabilityDecision:
    liable: LiableParty
    opens_claim: bool
    missing_evidence: frozenset[Evidence]
    ready_to_submit: bool  # a claim whose checklist is complete
    advance_compensation: Money | None  # 信用保障 orders only; None otherwise
    rule: str  # why, in words the seller recognises


def advance_compensation(claim_amount: Money) -> Money:
    """The platform's 先行赔付 for a 信用保障 order: the claim, at most ¥5,000."""
    if claim_amount.currency != "CNY":
        raise ValidationFailed("advance compensation is computed in CNY", "先行赔付按人民币计算")
    return claim_amount if claim_amount <= ADVANCE_COMPENSATION_CAP else ADVANCE_COMPENSATION_CAP


def decide_liability(
    reason: ReturnReason, claim_amount: Money, *, credit_guarantee: bool, evidence: frozenset[Evidence]
) -> LiabilityDecision:
    """Who pays for a return, and whether a supplier claim can go to 1688."""
    if reason not in SUPPLIER_ERRORS:
        rule = (
            "quality: seller liable (AliExpress §5.3.2)"
            if reason is ReturnReason.QUALITY
            else "seller bears it"
        )
        return LiabilityDecision(LiableParty.SELLER, False, frozenset(), False, None, rule)
    missing = REQUIRED_EVIDENCE - evidence
    compensation = advance_compensation(claim_amount) if credit_guarantee else None
    rule = "supplier error: recover from the supplier with evidence"
    if credit_guarantee:
        rule += "; 信用保障 advance compensation up to ¥5,000"
    return LiabilityDecision(LiableParty.SUPPLIER, True, frozenset(missing), not missing, compensation, rule)


# --- the claim's states -------------------------------------------------------------------------


class ClaimState(StrEnum):
    OPEN = "open"  # evidence still missing
    EVIDENCE_COMPLETE = "evidence_complete"
    SUBMITTED = "submitted"  # 1688 refund requested
    RECOVERED = "recovered"  # the supplier refunded
    REJECTED = "rejected"  # the supplier refused
    COMPENSATED = "compensated"  # the platform paid (信用保障 only)
    WITHDRAWN = "withdrawn"


# to-state -> the from-states that may reach it
ALLOWED_TRANSITIONS: dict[ClaimState, frozenset[ClaimState]] = {
    ClaimState.OPEN: frozenset({ClaimState.EVIDENCE_COMPLETE}),  # a file was removed
    ClaimState.EVIDENCE_COMPLETE: frozenset({ClaimState.OPEN}),
    ClaimState.SUBMITTED: frozenset({ClaimState.EVIDENCE_COMPLETE, ClaimState.REJECTED}),  # resubmit
    ClaimState.RECOVERED: frozenset({ClaimState.SUBMITTED}),
    ClaimState.REJECTED: frozenset({ClaimState.SUBMITTED}),
    ClaimState.COMPENSATED: frozenset({ClaimState.SUBMITTED, ClaimState.REJECTED}),
    ClaimState.WITHDRAWN: frozenset({ClaimState.OPEN, ClaimState.EVIDENCE_COMPLETE, ClaimState.REJECTED}),
}
TERMINAL = frozenset({ClaimState.RECOVERED, ClaimState.COMPENSATED, ClaimState.WITHDRAWN})


class ClaimTransitionRefused(KuajingError):
    code = "claim_transition_refused"
    http_status = 409

    def __init__(self, from_state: ClaimState, to_state: ClaimState, why_en: str, why_zh: str) -> None:
        super().__init__(
            f"claim cannot go from {from_state} to {to_state}: {why_en}",
            f"索赔不能从 {from_state} 变为 {to_state}：{why_zh}",
            details={"from": str(from_state), "to": str(to_state)},
        )
        self.from_state = from_state
        self.to_state = to_state


def check_transition(from_state: ClaimState, to_state: ClaimState, *, credit_guarantee: bool) -> None:
    if from_state not in ALLOWED_TRANSITIONS[to_state]:
        raise ClaimTransitionRefused(from_state, to_state, "not an allowed transition", "不允许的状态变化")
    if to_state is ClaimState.COMPENSATED and not credit_guarantee:
        raise ClaimTransitionRefused(from_state, to_state, "only 信用保障 orders", "仅限信用保障订单")


@dataclass(frozen=True)
class ClaimTransition:
    from_state: ClaimState | None
    to_state: ClaimState
    at: datetime
    why: str
    who: str


@dataclass
class Claim:
    """A supplier claim's state and its history; every move is recorded with when, why and who."""

    credit_guarantee: bool
    state: ClaimState = ClaimState.OPEN
    history: list[ClaimTransition] = field(default_factory=list)

    def move(self, to_state: ClaimState, *, at: datetime, why: str, who: str) -> ClaimTransition:
        check_transition(self.state, to_state, credit_guarantee=self.credit_guarantee)
        step = ClaimTransition(self.state, to_state, at, why, who)
        self.state = to_state
        self.history.append(step)
        return step


def state_for_evidence(evidence: frozenset[Evidence]) -> ClaimState:
    return ClaimState.EVIDENCE_COMPLETE if evidence >= REQUIRED_EVIDENCE else ClaimState.OPEN


# --- evidence files -------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w.\-]+")


def sanitise_filename(name: str, *, max_length: int = 120) -> str:
    """A name safe to store: no directories, no traversal, no control or shell characters."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip("._")
    if not base:
        base = "file"
    stem, dot, ext = base.rpartition(".")
    if dot and len(ext) <= 10:
        return stem[: max_length - len(ext) - 1] + "." + ext
    return base[:max_length]
