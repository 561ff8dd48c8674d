"""Tracking health: each flag at its threshold, with its next action, and the trace text classifier."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from kuajing.fulfilment.health import (
    EventKind,
    HealthFlag,
    ParcelFacts,
    TraceEvent,
    classify_event,
    health_flags,
)
from kuajing.fulfilment.sla import SlaRules

PAID = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SHIPPED = PAID + timedelta(days=2)
RULES = SlaRules(no_tracking_days=7, stale_event_hours=48)
SECOND = timedelta(seconds=1)


def _flags(
    now: datetime,
    *,
    tracking_no: str | None = "LP00123456789CN",
    events: Sequence[TraceEvent] | None = None,
    carrier_not_approved: bool = False,
    rules: SlaRules = RULES,
) -> set[HealthFlag]:
    parcel = ParcelFacts(
        purchase_id=1,
        paid_at=PAID,
        tracking_no=tracking_no,
        shipped_at=SHIPPED if tracking_no else None,
        carrier_not_approved=carrier_not_approved,
        events=events,
    )
    return {flag.flag for flag in health_flags(parcel, rules, now)}


def test_no_tracking_is_flagged_exactly_seven_days_after_payment() -> None:
    assert _flags(PAID + timedelta(days=7) - SECOND, tracking_no=None) == set()
    assert _flags(PAID + timedelta(days=7), tracking_no=None) == {HealthFlag.NO_TRACKING}


def test_no_tracking_threshold_follows_the_supplier_rules() -> None:
    assert _flags(PAID + timedelta(days=3), tracking_no=None, rules=SlaRules(no_tracking_days=3)) == {
        HealthFlag.NO_TRACKING
    }


def test_no_new_event_for_48_hours_is_stale() -> None:
    last = TraceEvent(SHIPPED + timedelta(hours=5), "【杭州】已揽收")
    assert _flags(last.at + timedelta(hours=48) - SECOND, events=[last]) == set()
    assert _flags(last.at + timedelta(hours=48), events=[last]) == {HealthFlag.STALE_TRACKING}


def test_a_number_with_no_first_event_after_48_hours_is_stale() -> None:
    assert _flags(SHIPPED + timedelta(hours=48) - SECOND, events=[]) == set()
    assert _flags(SHIPPED + timedelta(hours=48), events=[]) == {HealthFlag.STALE_TRACKING}


def test_stale_is_not_guessed_when_the_trace_was_not_read() -> None:
    assert _flags(SHIPPED + timedelta(days=30), events=None) == set()


def test_carrier_not_approved_reflects_the_open_exception() -> None:
    assert _flags(SHIPPED, carrier_not_approved=True) == {HealthFlag.CARRIER_NOT_APPROVED}


def test_customs_hold_is_flagged_while_it_is_the_latest_event() -> None:
    hold = TraceEvent(SHIPPED + timedelta(days=3), "Shipment on hold: customs inspection")
    assert _flags(hold.at + timedelta(hours=1), events=[hold]) == {HealthFlag.CUSTOMS_HOLD}
    cleared = TraceEvent(hold.at + timedelta(hours=20), "清关完成,转运中")
    assert _flags(cleared.at + timedelta(hours=1), events=[hold, cleared]) == set()


def test_returned_to_sender_is_flagged_even_after_later_events() -> None:
    back = TraceEvent(SHIPPED + timedelta(days=9), "包裹已退回寄件人")
    later = TraceEvent(back.at + timedelta(hours=3), "到达深圳转运中心")
    assert _flags(later.at + timedelta(hours=1), events=[back, later]) == {HealthFlag.RETURNED_TO_SENDER}


def test_every_flag_carries_its_next_action_in_both_languages() -> None:
    parcel = ParcelFacts(1, PAID, None, None, True, None)
    for flag in health_flags(parcel, RULES, PAID + timedelta(days=8)):
        assert flag.label_zh and flag.label_en and flag.action_zh and flag.action_en


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("海关扣留,等待处理", EventKind.CUSTOMS_HOLD),
        ("清关异常:需补充资料", EventKind.CUSTOMS_HOLD),
        ("包裹被海关查验", EventKind.CUSTOMS_HOLD),
        ("Customs hold - awaiting documents", EventKind.CUSTOMS_HOLD),
        ("Held by customs", EventKind.CUSTOMS_HOLD),
        ("Shipment detained at customs", EventKind.CUSTOMS_HOLD),
        ("快件已退回", EventKind.RETURNED),
        ("退件处理中", EventKind.RETURNED),
        ("海关退运", EventKind.RETURNED),
        ("Returned to sender", EventKind.RETURNED),
        ("Parcel is being returned", EventKind.RETURNED),
        ("RETURN TO SHIPPER", EventKind.RETURNED),
        ("已签收,感谢使用", EventKind.DELIVERED),
        ("Delivered to the buyer's mailbox", EventKind.DELIVERED),
        ("已妥投", EventKind.DELIVERED),
        ("未签收,待再次派送", None),
        ("买家拒签收", None),
        ("Undelivered: address incomplete", None),
        ("退回签收", EventKind.RETURNED),
        ("清关完成", None),
        ("Customs clearance completed", None),
        ("【义乌】快件已揽收", None),
        ("Arrived at sorting center", None),
        ("", None),
    ],
)
def test_trace_event_classifier(text: str, kind: EventKind | None) -> None:
    assert classify_event(text) is kind


def test_a_delivered_parcel_is_never_stale() -> None:
    events = [TraceEvent(SHIPPED, "已揽收"), TraceEvent(SHIPPED + timedelta(days=6), "已签收,感谢使用")]
    assert _flags(SHIPPED + timedelta(days=30), events=events) == set()


def test_a_returned_parcel_is_flagged_returned_not_stale() -> None:
    events = [TraceEvent(SHIPPED, "已揽收"), TraceEvent(SHIPPED + timedelta(days=5), "包裹退回寄件人")]
    assert _flags(SHIPPED + timedelta(days=30), events=events) == {HealthFlag.RETURNED_TO_SENDER}
