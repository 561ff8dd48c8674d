"""Alert rule on supplier claims' submission deadline (索赔提交时限) — pure: claims in, causes out.

An open or evidence-complete claim within ``warn_hours`` of its ``submit_by``, or past it, raises
``claim_deadline:claim:<id>`` — one cause per claim, so it alerts once (the outbox keeps the first
cause; a claim that goes from "due soon" to "overdue" does not alert again). Submitted and settled
claims never alert. The deadline is written in the team's zone with the next action.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from kuajing.aftersales.deadline import deadline_due
from kuajing.aftersales.model import ClaimState
from kuajing.aftersales.tables import SupplierClaimRow
from kuajing.fulfilment.sla import countdown_text
from kuajing.notify.model import Cause

ACTION_COLLECT = (
    "补齐证据(旺旺聊天记录、签收证明、开箱视频)后在 `kuajing aftersales submit` 或售后页提交",
    "complete the evidence (1688 chat record, sign-off proof, unboxing video), then submit on the "
    "after-sales page or with `kuajing aftersales submit`",
)
ACTION_SUBMIT = (
    "证据已齐,立即在售后页或用 `kuajing aftersales submit` 向 1688 提交索赔",
    "the evidence is complete: submit the claim to 1688 now, on the after-sales page or with "
    "`kuajing aftersales submit`",
)


def _cause(claim: SupplierClaimRow, ae_order_id: int, now: datetime, zone: ZoneInfo) -> Cause:
    assert claim.submit_by is not None
    deadline = f"{claim.submit_by.astimezone(zone):%Y-%m-%d %H:%M}"
    action = ACTION_SUBMIT if claim.state == ClaimState.EVIDENCE_COMPLETE.value else ACTION_COLLECT
    who_zh = f"索赔 {claim.id}(速卖通订单 {ae_order_id},供应商 {claim.supplier_member_id})"
    who_en = f"claim {claim.id} (AliExpress order {ae_order_id}, supplier {claim.supplier_member_id})"
    seconds = int((claim.submit_by - now).total_seconds())
    if seconds < 0:
        zh = f"{who_zh} 已超过提交时限 {deadline} 仍未提交"
        en = f"{who_en} not submitted by its deadline {deadline}"
    else:
        left = countdown_text(seconds)
        zh = f"{who_zh} 距提交时限 {deadline} 仅剩 {left}"
        en = f"{who_en} has {left} left to be submitted (deadline {deadline})"
    return Cause(
        f"claim_deadline:claim:{claim.id}",
        "claim_deadline",
        f"{zh}。下一步:{action[0]}",
        f"{en}. Next: {action[1]}",
    )


def claim_deadline_causes(
    claims: Iterable[tuple[SupplierClaimRow, int]], now: datetime, *, warn_hours: int,
    timezone: str = "Asia/Shanghai",
) -> list[Cause]:  # fmt: skip
    """One cause per claim (with its AliExpress order id) due within ``warn_hours`` or overdue."""
    zone = ZoneInfo(timezone)
    return [
        _cause(claim, ae_order_id, now, zone)
        for claim, ae_order_id in claims
        if deadline_due(ClaimState(claim.state), claim.submit_by, now, warn_hours)
    ]
