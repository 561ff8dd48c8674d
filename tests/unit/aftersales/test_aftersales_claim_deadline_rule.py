"""The claim deadline's policy and rule, pure: shipped figures, submit_by, which claims alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from kuajing.aftersales.deadline import ClaimDeadlinePolicy, deadline_due, load_claim_deadline_policy
from kuajing.aftersales.model import ClaimState
from kuajing.aftersales.tables import SupplierClaimRow
from kuajing.kit.errors import ValidationFailed
from kuajing.notify.claim_rules import claim_deadline_causes

OPENED = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_shipped_policy_is_seven_days_warned_48_hours_before() -> None:
    policy = load_claim_deadline_policy()
    assert policy == ClaimDeadlinePolicy(claim_submit_days=7, warn_hours=48)
    assert policy.submit_by(OPENED) == OPENED + timedelta(days=7)


def test_policy_rejects_a_negative_or_fractional_figure() -> None:
    with pytest.raises(ValidationFailed):
        load_claim_deadline_policy(text="claim_submit_days = -1")
    with pytest.raises(ValidationFailed):
        load_claim_deadline_policy(text="warn_hours = 1.5")
    assert load_claim_deadline_policy(text="claim_submit_days = 10").warn_hours == 48


@pytest.mark.parametrize("state", list(ClaimState))
def test_only_claims_still_to_submit_are_due(state: ClaimState) -> None:
    submit_by = OPENED + timedelta(days=7)
    due = deadline_due(state, submit_by, submit_by + timedelta(days=1), 48)
    assert due is (state in (ClaimState.OPEN, ClaimState.EVIDENCE_COMPLETE))


def test_due_from_warn_hours_before_the_deadline_and_after_it() -> None:
    submit_by = OPENED + timedelta(days=7)
    assert not deadline_due(ClaimState.OPEN, submit_by, submit_by - timedelta(hours=49), 48)
    assert deadline_due(ClaimState.OPEN, submit_by, submit_by - timedelta(hours=48), 48)
    assert deadline_due(ClaimState.OPEN, submit_by, submit_by + timedelta(days=3), 48)
    assert not deadline_due(ClaimState.OPEN, None, submit_by, 48)  # claims from before the deadline


def _claim(claim_id: int, state: ClaimState) -> SupplierClaimRow:
    return SupplierClaimRow(id=claim_id, case_id=claim_id, supplier_member_id="plain", amount=Decimal("80"),
                            state=state.value, submit_by=OPENED + timedelta(days=7))  # fmt: skip


def test_rule_names_the_claim_order_deadline_and_next_action() -> None:
    now = OPENED + timedelta(days=6)  # 24 h left
    claims = [(_claim(1, ClaimState.OPEN), 8001), (_claim(2, ClaimState.EVIDENCE_COMPLETE), 8002),
              (_claim(3, ClaimState.SUBMITTED), 8003)]  # fmt: skip
    first, second = claim_deadline_causes(claims, now, warn_hours=48)
    assert (first.cause_key, first.kind) == ("claim_deadline:claim:1", "claim_deadline")
    assert "8001" in first.message_zh and "2026-12-08 10:00" in first.message_zh  # Asia/Shanghai
    assert "补齐证据" in first.message_zh and "complete the evidence" in first.message_en
    assert (
        second.cause_key == "claim_deadline:claim:2" and "submit the claim to 1688 now" in second.message_en
    )
