"""The lifecycle's rules, pure: allowed and refused moves, each trigger at its threshold, reorder sizing."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from kuajing.sourcing.lifecycle import (
    ALLOWED_MOVES,
    IllegalLifecycleMove,
    OrderStats,
    SoldLine,
    Stage,
    Triggers,
    load_triggers,
    order_stats,
    plan_move,
    plan_reorder,
    suggest,
    tier_price,
)

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
TRIGGERS = load_triggers()  # the shipped defaults: 5/day × 7 days, margin 30 %, defects 5 % over 20, …
TIERS = [[1, "12.00"], [100, "10.50"], [500, "9.80"]]

ALL_PAIRS = [(a, b) for a in Stage for b in Stage if a != b]


def stats(
    per_day: list[int],
    history: int = 60,
    sales_cny: Decimal = Decimal(0),
    cost_cny: Decimal = Decimal(0),
    defects: int = 0,
    reported_defects: int = 0,
) -> OrderStats:
    padded = tuple([0] * (TRIGGERS.window_days - len(per_day)) + per_day)
    return OrderStats(padded, padded, history, sales_cny, cost_cny, defects, reported_defects)


# --- moves -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS)
def test_every_move_is_allowed_or_refused_by_the_table(source: Stage, target: Stage) -> None:
    if target in ALLOWED_MOVES[source]:
        move = plan_move(7, source, target, "测款数据好", "user:web", NOW)
        assert (move.from_stage, move.to_stage, move.reason, move.actor, move.at) == (
            source,
            target,
            "测款数据好",
            "user:web",
            NOW,
        )
    else:
        with pytest.raises(IllegalLifecycleMove) as caught:
            plan_move(7, source, target, "why", "user:web", NOW)
        assert caught.value.http_status == 409
        assert caught.value.details == {"offer_id": 7, "from_stage": source, "to_stage": target}


def test_the_guide_path_is_allowed_step_by_step() -> None:
    path = [
        Stage.CANDIDATE,
        Stage.SAMPLE,
        Stage.TESTING,
        Stage.WINNER,
        Stage.REORDER,
        Stage.OFFICIAL_LOGISTICS,
    ]
    for source, target in itertools.pairwise(path):
        assert target in ALLOWED_MOVES[source]
    assert all(Stage.DROPPED in ALLOWED_MOVES[stage] for stage in Stage if stage != Stage.DROPPED)


def test_skipping_ahead_from_sample_to_winner_is_refused_with_the_allowed_stages() -> None:
    with pytest.raises(IllegalLifecycleMove) as caught:
        plan_move(7, "sample", "winner", "sold well", "user:web", NOW)
    assert "dropped, testing" in caught.value.message_en
    assert "样品采购" in caught.value.message_zh and "爆款" in caught.value.message_zh


def test_a_move_without_a_reason_or_to_an_unknown_stage_is_refused() -> None:
    with pytest.raises(IllegalLifecycleMove, match="a reason is required"):
        plan_move(7, "testing", "winner", "  ", "user:web", NOW)
    with pytest.raises(IllegalLifecycleMove, match="unknown stage"):
        plan_move(7, "testing", "bestseller", "why", "user:web", NOW)


# --- triggers --------------------------------------------------------------------------------------


def test_winner_needs_the_daily_average_at_the_threshold() -> None:
    ten_days = replace(TRIGGERS, winner_days=10)
    assert suggest("testing", stats([5] * 9 + [4]), ten_days) is None  # 49 orders / 10 days = 4.9
    suggestion = suggest("testing", stats([5] * 10), ten_days)  # 50 / 10 = 5.0
    assert suggestion is not None and suggestion.to_stage == Stage.WINNER
    assert suggestion.reason_zh == "近 10 天日均 5.0 单"


def test_winner_needs_seven_days_of_history() -> None:
    assert suggest("testing", stats([0] + [6] * 6, history=6), TRIGGERS) is None
    suggestion = suggest("testing", stats([5] * 7, history=7), TRIGGERS)
    assert suggestion is not None and suggestion.rule == "winner"


def test_margin_below_the_floor_suggests_dropping_once_enough_orders_are_measured() -> None:
    at_floor = stats([1] * 20, sales_cny=Decimal("1000"), cost_cny=Decimal("700"))  # 30.00 %
    below = stats([1] * 20, sales_cny=Decimal("1000"), cost_cny=Decimal("700.10"))  # 29.99 %
    too_few = stats([1] * 19, sales_cny=Decimal("1000"), cost_cny=Decimal("900"))
    assert suggest("winner", at_floor, TRIGGERS) is None
    suggestion = suggest("winner", below, TRIGGERS)
    assert suggestion is not None and (suggestion.to_stage, suggestion.rule) == (Stage.DROPPED, "drop_margin")
    assert suggest("winner", too_few, TRIGGERS) is None


def test_defect_rate_above_the_limit_suggests_dropping_and_reported_defects_count() -> None:
    sales, cost = Decimal("1000"), Decimal("500")
    assert (
        suggest("testing", stats([1] * 20, 60, sales, cost, defects=1), TRIGGERS) is None
    )  # 5 % is the limit
    suggestion = suggest("testing", stats([1] * 20, 60, sales, cost, defects=1, reported_defects=1), TRIGGERS)
    assert suggestion is not None and suggestion.rule == "drop_defects"
    assert "10.0%" in suggestion.reason_en


def test_dropping_wins_over_promotion() -> None:
    selling_at_a_loss = stats([6] * 10, sales_cny=Decimal("100"), cost_cny=Decimal("120"))
    suggestion = suggest("testing", selling_at_a_loss, TRIGGERS)
    assert suggestion is not None and suggestion.to_stage == Stage.DROPPED


def test_monthly_volume_suggests_reorder_then_official_logistics() -> None:
    assert suggest("winner", stats([5] * 29 + [4]), TRIGGERS) is None  # 149 in 30 days
    reorder = suggest("winner", stats([5] * 30), TRIGGERS)
    assert reorder is not None and reorder.to_stage == Stage.REORDER
    assert suggest("reorder", stats([10] * 29 + [9]), TRIGGERS) is None  # 299
    official = suggest("reorder", stats([10] * 30), TRIGGERS)
    assert official is not None and official.to_stage == Stage.OFFICIAL_LOGISTICS


def test_the_first_paid_order_suggests_testing_and_candidates_get_nothing() -> None:
    assert suggest("sample", stats([]), TRIGGERS) is None
    suggestion = suggest("sample", stats([1]), TRIGGERS)
    assert suggestion is not None and suggestion.to_stage == Stage.TESTING
    assert suggest("candidate", stats([9] * 30), TRIGGERS) is None
    assert suggest("dropped", stats([9] * 30), TRIGGERS) is None


# --- order facts -----------------------------------------------------------------------------------


def test_order_stats_counts_distinct_orders_per_day_and_leaves_out_cancelled_before_purchase() -> None:
    def line(order: int, hours_ago: float, **kw: object) -> SoldLine:
        return SoldLine(order, NOW - timedelta(hours=hours_ago), 2, Decimal("20"), Decimal("8"), **kw)  # type: ignore[arg-type]

    lines = [
        line(1, 1),
        line(1, 1),  # the same order's second line: one order, four pieces
        line(2, 30),
        line(3, 2, counted=False),
        line(4, 3, defect=True),
        line(5, 24 * 31),  # outside the window
    ]
    result = order_stats(lines, NOW, 30, 40)
    assert result.daily_orders[-1] == 2 and result.daily_pieces[-1] == 6
    assert result.daily_orders[-2] == 1
    assert result.orders(30) == 3 and result.defects == 1
    assert result.margin_rate == Decimal("0.6000")
    assert result.defect_rate(30) == Decimal("0.3333")


# --- reorder ---------------------------------------------------------------------------------------


def test_tier_price_is_the_highest_tier_at_or_below_the_quantity() -> None:
    assert tier_price(TIERS, 99) == (1, Decimal("12.00"))
    assert tier_price(TIERS, 100) == (100, Decimal("10.50"))
    assert tier_price(TIERS, 10_000) == (500, Decimal("9.80"))


def test_reorder_quantity_is_demand_times_lead_time_rounded_up_to_the_custom_moq() -> None:
    policy: Triggers = replace(TRIGGERS, demand_days=10, lead_time_days=10, cover_days=5)
    slow = stats([3] * 9 + [4])  # 3.1 pieces a day × 15 days = 46.5 → 47, below the MOQ
    plan = plan_reorder(slow, policy, TIERS, custom_moq=200, dropship_unit_price=Decimal("13.00"))
    assert plan.quantity == 200 and plan.tier_start == 100 and plan.unit_price == Decimal("10.50")
    assert plan.total == Decimal("2100.00")
    assert plan.saving == Decimal("500.00")  # (13.00 − 10.50) × 200
    fast = stats([40] * 9 + [41])  # 40.1 × 15 = 601.5 → 602
    plan = plan_reorder(fast, policy, TIERS, custom_moq=200, dropship_unit_price=None)
    assert (plan.quantity, plan.unit_price, plan.saving) == (602, Decimal("9.80"), None)


def test_reorder_without_a_custom_moq_uses_the_offer_minimum() -> None:
    plan = plan_reorder(stats([]), TRIGGERS, TIERS, custom_moq=None, min_order_quantity=2)
    assert plan.quantity == 2
