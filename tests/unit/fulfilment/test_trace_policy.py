"""How often a parcel's trace is read, what makes two events the same, when a trace is finished."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from kuajing.fulfilment.health import TraceEvent
from kuajing.fulfilment.tracking import (
    TracePolicy,
    event_kind,
    fingerprint,
    load_trace_policy,
    trace_finished,
)

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_the_shipped_policy_reads_each_parcel_every_six_hours_for_sixty_days() -> None:
    policy = load_trace_policy()
    assert policy == TracePolicy(refresh_hours=6, max_days=60, per_pass=300)
    assert policy.refresh == timedelta(hours=6) and policy.max_age == timedelta(days=60)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[trace]\nrefresh_hours = 0\n", "refresh_hours must be a positive number"),
        ("[trace]\nper_pass = 2.5\n", "per_pass must be a whole number"),
        ("[trace]\nevery = 3\n", "unknown field(s) ['every']"),
        ('[trace]\nmax_days = "60"\n', "max_days must be a positive number"),
    ],
)
def test_a_bad_trace_policy_is_refused_with_the_field_named(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        load_trace_policy(text)


def test_the_same_text_has_the_same_fingerprint_and_another_text_another() -> None:
    assert fingerprint("快件已到达【深圳】") == fingerprint(" 快件已到达【深圳】 ")
    assert fingerprint("快件已到达【深圳】") != fingerprint("快件已到达【广州】")
    assert len(fingerprint("x" * 5000)) == 16


def test_event_kinds_are_stored_as_their_names() -> None:
    assert event_kind("海关扣留") == "customs_hold"
    assert event_kind("Returned to sender") == "returned"
    assert event_kind("已签收") == "delivered"
    assert event_kind("快件正在派送中") is None


def test_a_trace_is_finished_when_delivered_last_or_returned_anywhere() -> None:
    moving = [TraceEvent(T0, "已揽收"), TraceEvent(T0 + timedelta(hours=5), "快件已到达【深圳】")]
    assert not trace_finished([])
    assert not trace_finished(moving)
    assert trace_finished([*moving, TraceEvent(T0 + timedelta(days=6), "已签收,感谢使用")])
    returned = [
        *moving,
        TraceEvent(T0 + timedelta(days=6), "退回寄件人"),
        TraceEvent(T0 + timedelta(days=7), "转运"),
    ]
    assert trace_finished(returned)
