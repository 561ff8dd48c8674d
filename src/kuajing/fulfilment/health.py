"""Tracking health (物流健康): flags a parcel before its buyer does, each with the next action — pure.

PRODUCT §10: stalls are found by the buyer — no tracking 7 days after payment, no update for 48 h;
flag these first. §4: a carrier not on AliExpress's approved list never updates (the order loop
already opens a ``carrier_not_approved`` exception; here it is reflected, not re-decided). Customs
holds and returns are read from the carrier's event texts (1688's logistics trace), in Chinese and
English, by ``classify_event``.

The trace is optional: when it was not read, ``ParcelFacts.events`` is ``None`` and the rules that
need it (stale, customs, returned) stay silent rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kuajing.fulfilment.sla import SlaRules


class HealthFlag(StrEnum):
    NO_TRACKING = "no_tracking"
    STALE_TRACKING = "stale_tracking"
    CARRIER_NOT_APPROVED = "carrier_not_approved"
    CUSTOMS_HOLD = "customs_hold"
    RETURNED_TO_SENDER = "returned_to_sender"


class EventKind(StrEnum):
    CUSTOMS_HOLD = "customs_hold"
    RETURNED = "returned"
    DELIVERED = "delivered"


# What the flag means and what to do next: (label zh, label en, action zh, action en).
FLAG_TEXT: dict[HealthFlag, tuple[str, str, str, str]] = {
    HealthFlag.NO_TRACKING: (
        "付款后无运单号", "No tracking after payment",
        "在 1688 旺旺催供应商发货并回填单号;仍不发货则换供应商重新下单",
        "Chase the supplier on 1688 to ship and enter the number; if not, re-order from another supplier",
    ),
    HealthFlag.STALE_TRACKING: (
        "物流长时间无更新", "No new carrier event",
        "向承运商/供应商查询包裹位置;未揽收的请供应商补交或换渠道重发",
        "Ask the carrier or supplier where the parcel is; if never collected, have it handed over or resent",
    ),
    HealthFlag.CARRIER_NOT_APPROVED: (
        "承运商不在速卖通认可名单", "Carrier not approved by AliExpress",
        "要求供应商改用认可物流,或自行在速卖通创建物流订单并把面单号交给供应商",
        "Require an approved carrier, or create the AliExpress logistics order yourself "
        "and give the supplier the label",
    ),
    HealthFlag.CUSTOMS_HOLD: (
        "海关扣留", "Held by customs",
        "联系承运商提供清关资料(发票、品名、HS 编码);主动告知买家可能延误",
        "Give the carrier the clearance papers (invoice, description, HS code); "
        "tell the buyer about the delay",
    ),
    HealthFlag.RETURNED_TO_SENDER: (
        "包裹被退回", "Returned to sender",
        "核实退回原因,与买家协商重发或退款,并向供应商/承运商追责",
        "Find out why, agree a resend or refund with the buyer, and claim from the supplier or carrier",
    ),
}  # fmt: skip

# Order matters: a return ("退回") outranks a customs note in the same text ("海关退运"), and both
# outrank a delivery ("退回签收" is the sender signing for the return, not the buyer).
_PATTERNS: tuple[tuple[EventKind, re.Pattern[str]], ...] = (
    (
        EventKind.RETURNED,
        re.compile(
            r"退回|退件|退运|退还寄件人|原路返回|return(ed|ing)?\s+to\s+(sender|shipper|origin)|"
            r"\brts\b|being\s+returned",
            re.IGNORECASE,
        ),
    ),
    (
        EventKind.CUSTOMS_HOLD,
        re.compile(
            r"海关扣(留|押|件)|扣关|清关异常|清关失败|海关查验|海关滞留|"
            r"customs\s+(hold|held|detain\w*|inspection|exception|delay\w*|issue)|"
            r"(held|detained|retained)\s+(by|in|at)\s+customs",
            re.IGNORECASE,
        ),
    ),
    (
        EventKind.DELIVERED,
        re.compile(r"(?<!未)(?<!拒)签收|妥投|(?<!un)(?<!not )\bdelivered\b", re.IGNORECASE),
    ),
)


def classify_event(text: str) -> EventKind | None:
    """A carrier event text → customs hold / returned, or ``None`` (an ordinary step)."""
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    return None


@dataclass(frozen=True, slots=True)
class TraceEvent:
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class ParcelFacts:
    purchase_id: int
    paid_at: datetime
    tracking_no: str | None
    shipped_at: datetime | None  # when the tracking number was first seen
    carrier_not_approved: bool  # an open ``carrier_not_approved`` exception
    events: Sequence[TraceEvent] | None = None  # None: the trace was not read


@dataclass(frozen=True, slots=True)
class Flag:
    flag: HealthFlag
    since: datetime  # when the condition began (for "how long")
    detail: str = ""

    @property
    def label_zh(self) -> str:
        return FLAG_TEXT[self.flag][0]

    @property
    def label_en(self) -> str:
        return FLAG_TEXT[self.flag][1]

    @property
    def action_zh(self) -> str:
        return FLAG_TEXT[self.flag][2]

    @property
    def action_en(self) -> str:
        return FLAG_TEXT[self.flag][3]


def health_flags(parcel: ParcelFacts, rules: SlaRules, now: datetime) -> list[Flag]:
    flags: list[Flag] = []
    if parcel.tracking_no is None and now - parcel.paid_at >= timedelta(days=rules.no_tracking_days):
        flags.append(Flag(HealthFlag.NO_TRACKING, parcel.paid_at))
    if parcel.carrier_not_approved:
        flags.append(Flag(HealthFlag.CARRIER_NOT_APPROVED, parcel.shipped_at or parcel.paid_at))
    if parcel.tracking_no is None or parcel.events is None:
        return flags
    events = sorted(parcel.events, key=lambda event: event.at)
    returned = next((event for event in events if classify_event(event.text) is EventKind.RETURNED), None)
    delivered = bool(events) and classify_event(events[-1].text) is EventKind.DELIVERED
    # No event at all: the clock runs from when the number was first seen ("no first event").
    # A delivered or returned parcel has no next event to wait for: its own flag says what to do.
    last_at = events[-1].at if events else parcel.shipped_at
    waiting = returned is None and not delivered
    if waiting and last_at is not None and now - last_at >= timedelta(hours=rules.stale_event_hours):
        detail = events[-1].text if events else "no first event / 无首条轨迹"
        flags.append(Flag(HealthFlag.STALE_TRACKING, last_at, detail))
    if returned is not None:
        flags.append(Flag(HealthFlag.RETURNED_TO_SENDER, returned.at, returned.text))
    elif events and classify_event(events[-1].text) is EventKind.CUSTOMS_HOLD:
        # Only while the hold is the latest news: a later step (cleared, in transit) ends it.
        flags.append(Flag(HealthFlag.CUSTOMS_HOLD, events[-1].at, events[-1].text))
    return flags
