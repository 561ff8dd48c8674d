"""Dispatch SLA: each state at its boundary, the binding deadline, overrides and the on-time rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kuajing.fulfilment.sla import (
    DispatchSla,
    SlaRules,
    SlaState,
    countdown_text,
    dispatch_sla,
    dispatched_on_time,
    load_sla_policy,
    on_time_by_supplier,
)

PAID = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
RULES = SlaRules(dispatch_hours=72, at_risk_hours=12)
SECOND = timedelta(seconds=1)


def _sla(
    now: datetime,
    shipped_at: datetime | None = None,
    ship_by: datetime | None = None,
    member: str = "s1",
    rules: SlaRules = RULES,
) -> DispatchSla:
    return dispatch_sla(
        purchase_id=1,
        supplier_member_id=member,
        paid_at=PAID,
        ship_by=ship_by,
        shipped_at=shipped_at,
        rules=rules,
        now=now,
    )


def test_deadline_is_payment_plus_72_hours_and_binding_when_no_ship_by() -> None:
    sla = _sla(PAID)
    assert sla.dispatch_deadline == PAID + timedelta(hours=72)
    assert (sla.binding, sla.deadline) == ("dispatch", PAID + timedelta(hours=72))
    assert sla.state is SlaState.ON_TIME
    assert sla.remaining_seconds == 72 * 3600


def test_at_risk_starts_when_less_than_the_at_risk_hours_are_left() -> None:
    twelve_left = PAID + timedelta(hours=60)
    assert _sla(twelve_left).state is SlaState.ON_TIME
    assert _sla(twelve_left + SECOND).state is SlaState.AT_RISK


def test_exactly_at_the_deadline_is_not_yet_breached_one_second_later_is() -> None:
    deadline = PAID + timedelta(hours=72)
    assert _sla(deadline).state is SlaState.AT_RISK
    breached = _sla(deadline + SECOND)
    assert breached.state is SlaState.BREACHED
    assert breached.remaining_seconds == -1
    assert breached.supplier_on_time is False


def test_shipped_at_exactly_72_hours_is_on_time_one_second_over_is_late() -> None:
    later = PAID + timedelta(days=10)
    on_time = _sla(later, shipped_at=PAID + timedelta(hours=72))
    assert on_time.state is SlaState.SHIPPED_ON_TIME
    assert on_time.supplier_on_time is True
    late = _sla(later, shipped_at=PAID + timedelta(hours=72) + SECOND)
    assert late.state is SlaState.SHIPPED_LATE
    assert late.supplier_on_time is False


def test_an_earlier_ship_by_binds_and_decides_the_state_but_not_the_supplier_rate() -> None:
    ship_by = PAID + timedelta(hours=48)
    sla = _sla(PAID + timedelta(hours=40), ship_by=ship_by)
    assert (sla.binding, sla.deadline) == ("ship_by", ship_by)
    assert sla.state is SlaState.AT_RISK  # 8 h left to ship-by, 32 h to the dispatch deadline
    assert _sla(ship_by + SECOND, ship_by=ship_by).state is SlaState.BREACHED
    shipped = _sla(PAID + timedelta(days=5), shipped_at=PAID + timedelta(hours=50), ship_by=ship_by)
    assert shipped.state is SlaState.SHIPPED_LATE  # late for AliExpress …
    assert shipped.supplier_on_time is True  # … yet within the supplier's 72 h


def test_a_later_ship_by_leaves_the_dispatch_deadline_binding() -> None:
    sla = _sla(PAID, ship_by=PAID + timedelta(days=5))
    assert sla.binding == "dispatch"


def test_per_supplier_override_from_the_data_file() -> None:
    policy = load_sla_policy(
        text='[defaults]\ndispatch_hours = 72\nwindow_days = 14\n[suppliers."fast"]\ndispatch_hours = 48\n'
    )
    assert policy.window_days == 14
    assert policy.for_supplier("other").dispatch_hours == 72
    fast = policy.for_supplier("fast")
    assert fast.dispatch_hours == 48
    assert fast.stale_event_hours == 48  # the defaults fill what the override leaves out
    assert _sla(PAID + timedelta(hours=48) + SECOND, rules=fast).state is SlaState.BREACHED


def test_shipped_defaults_are_the_guides_numbers() -> None:
    policy = load_sla_policy()
    assert policy.defaults == SlaRules(
        dispatch_hours=72, at_risk_hours=12, no_tracking_days=7, stale_event_hours=48
    )


@pytest.mark.parametrize("bad", ["dispatch_hours = -1", 'dispatch_hours = "72"', "dispatch_hour = 72"])
def test_a_bad_policy_file_is_refused_with_the_field(bad: str) -> None:
    with pytest.raises(ValueError, match="dispatch_hour"):
        load_sla_policy(text=f"[defaults]\n{bad}\n")


def test_on_time_rate_counts_decided_purchases_only() -> None:
    now = PAID + timedelta(days=4)
    slas = [
        _sla(now, shipped_at=PAID + timedelta(hours=10)),  # on time
        _sla(now, shipped_at=PAID + timedelta(hours=80)),  # late
        _sla(now),  # unshipped past the deadline: late
        _sla(PAID + timedelta(hours=1)),  # clock still running: pending
        _sla(now, shipped_at=PAID + timedelta(hours=1), member="s2"),
    ]
    rates = {row.supplier_member_id: row for row in on_time_by_supplier(slas)}
    assert (rates["s1"].on_time, rates["s1"].decided, rates["s1"].pending) == (1, 3, 1)
    assert rates["s1"].rate == pytest.approx(1 / 3)
    assert rates["s2"].rate == 1.0


def test_countdown_text() -> None:
    assert countdown_text(2 * 86400 + 3 * 3600 + 4 * 60 + 5) == "2d 03:04:05"
    assert countdown_text(-5 * 3600) == "-05:00:00"


def test_dispatched_on_time_is_the_one_definition_the_score_shares() -> None:
    from kuajing.fulfilment import sla
    from kuajing.sourcing import supplier_history

    start = datetime(2026, 3, 1, tzinfo=UTC)
    deadline = start + timedelta(hours=72)
    assert dispatched_on_time(start, deadline, 72, deadline) is True
    assert dispatched_on_time(start, deadline + timedelta(seconds=1), 72, deadline) is False
    assert dispatched_on_time(start, None, 72, deadline) is None  # it can still ship on time
    assert dispatched_on_time(start, None, 72, deadline + timedelta(seconds=1)) is False
    assert supplier_history.dispatched_on_time is sla.dispatched_on_time
