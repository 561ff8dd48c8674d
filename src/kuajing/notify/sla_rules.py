"""Alert rules from the dispatch SLA report — pure: a report in, causes out (no SQL, no clock).

One cause per purchase and condition, so a purchase breached for a week alerts once:
``sla_breach:purchase:<id>``, ``sla_at_risk:purchase:<id>`` and ``<health flag>:purchase:<id>``.
A stall is keyed by when it began (the last carrier event), so a parcel that moves and then stalls
again is a new cause. Each message names the purchase, the AliExpress order and the next action.

The stale / customs / returned flags need the 1688 trace; the report only has them when it was
built with a trace reader (see ``sla_service``). Without one those rules stay silent.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from kuajing.fulfilment.health import HealthFlag
from kuajing.fulfilment.sla import SlaState, countdown_text
from kuajing.fulfilment.sla_service import SlaItem, SlaReport
from kuajing.notify.model import Cause

BREACH_ACTION = (
    "在 1688 旺旺催供应商立即发货;如已无法发货,取消并换供应商重新下单",
    "chase the supplier on 1688 to ship now; if it cannot, cancel and re-order from another supplier",
)
AT_RISK_ACTION = ("提醒供应商在截止前发货", "remind the supplier to ship before the deadline")


def _who(item: SlaItem) -> tuple[str, str]:
    clock = item.clock
    return (
        f"采购单 {clock.purchase_id}(速卖通订单 {clock.ae_order_id},供应商 {item.supplier_name})",
        f"purchase {clock.purchase_id} (AliExpress order {clock.ae_order_id}, supplier {item.supplier_name})",
    )


def _sla_cause(item: SlaItem, zone: ZoneInfo) -> Cause | None:
    sla = item.sla
    who_zh, who_en = _who(item)
    deadline = f"{sla.deadline.astimezone(zone):%Y-%m-%d %H:%M}"
    left = countdown_text(sla.remaining_seconds)
    if sla.state is SlaState.BREACHED:
        return Cause(
            f"sla_breach:purchase:{item.clock.purchase_id}",
            "sla_breach",
            f"{who_zh} 已超过发货时限 {deadline} 未发货。下一步:{BREACH_ACTION[0]}",
            f"{who_en} not dispatched by {deadline}. Next: {BREACH_ACTION[1]}",
        )
    if sla.state is SlaState.AT_RISK:
        return Cause(
            f"sla_at_risk:purchase:{item.clock.purchase_id}",
            "sla_at_risk",
            f"{who_zh} 距发货时限 {deadline} 仅剩 {left}。下一步:{AT_RISK_ACTION[0]}",
            f"{who_en} has {left} left before {deadline}. Next: {AT_RISK_ACTION[1]}",
        )
    return None


def sla_causes(
    report: SlaReport, *, include_at_risk: bool = True, timezone: str = "Asia/Shanghai"
) -> list[Cause]:
    """Breached (and at-risk) purchases, then every tracking-health flag with its next action.

    Deadlines are written in the team's zone."""
    causes: list[Cause] = []
    zone = ZoneInfo(timezone)
    for item in report.items:
        cause = _sla_cause(item, zone)
        if cause is not None and (include_at_risk or cause.kind != "sla_at_risk"):
            causes.append(cause)
    for health in report.health:
        who_zh = f"采购单 {health.clock.purchase_id}(速卖通订单 {health.clock.ae_order_id})"
        who_en = f"purchase {health.clock.purchase_id} (AliExpress order {health.clock.ae_order_id})"
        tracking = f" {health.clock.tracking_no}" if health.clock.tracking_no else ""
        for flag in health.flags:
            key = f"{flag.flag.value}:purchase:{health.clock.purchase_id}"
            if flag.flag is HealthFlag.STALE_TRACKING:
                key += f":{flag.since:%Y%m%dT%H%M}"  # a new stall after movement is a new cause
            detail = f"({flag.detail})" if flag.detail else ""
            causes.append(
                Cause(
                    key,
                    flag.flag.value,
                    f"{who_zh}{tracking}:{flag.label_zh}{detail}。下一步:{flag.action_zh}",
                    f"{who_en}{tracking}: {flag.label_en}{detail}. Next: {flag.action_en}",
                )
            )
    return causes
