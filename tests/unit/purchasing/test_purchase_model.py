from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from kuajing.purchasing.model import (
    MAX_SKUS_PER_ORDER,
    ORDER_STATE_ZH,
    ORDER_TRANSITIONS,
    PURCHASE_STATE_ZH,
    TRANSITIONS,
    CargoLine,
    ExistingAction,
    FoundOrder,
    IllegalTransition,
    OrderState,
    PlannedLine,
    PurchaseState,
    StateChange,
    change,
    match_existing,
    plan_purchases,
    transition,
)

P = PurchaseState
OS = OrderState
NOW = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)

PURCHASE_ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets)]
PURCHASE_REFUSED = [(a, b) for a in P for b in P if b not in TRANSITIONS[a]]
ORDER_ALLOWED = [(a, b) for a, targets in ORDER_TRANSITIONS.items() for b in sorted(targets)]
ORDER_REFUSED = [(a, b) for a in OS for b in OS if b not in ORDER_TRANSITIONS[a]]


# -- state machines -----------------------------------------------------------------------------------


def test_every_state_has_a_row_in_its_table_and_a_chinese_label() -> None:
    assert set(TRANSITIONS) == set(P) == set(PURCHASE_STATE_ZH)
    assert set(ORDER_TRANSITIONS) == set(OS) == set(ORDER_STATE_ZH)


@pytest.mark.parametrize(("current", "target"), PURCHASE_ALLOWED)
def test_allowed_purchase_transition_returns_the_target(
    current: PurchaseState, target: PurchaseState
) -> None:
    assert transition(current, target) is target


@pytest.mark.parametrize(("current", "target"), PURCHASE_REFUSED)
def test_purchase_transition_not_in_the_table_raises_naming_both_states(
    current: PurchaseState, target: PurchaseState
) -> None:
    with pytest.raises(IllegalTransition) as raised:
        transition(current, target)
    assert current.value in raised.value.message_en and target.value in raised.value.message_en
    assert PURCHASE_STATE_ZH[current] in raised.value.message_zh
    assert (raised.value.current, raised.value.target) == (current, target)


@pytest.mark.parametrize(("current", "target"), ORDER_ALLOWED)
def test_allowed_order_transition_returns_the_target(current: OrderState, target: OrderState) -> None:
    assert transition(current, target) is target


@pytest.mark.parametrize(("current", "target"), ORDER_REFUSED)
def test_order_transition_not_in_the_table_raises(current: OrderState, target: OrderState) -> None:
    with pytest.raises(IllegalTransition):
        transition(current, target)


def test_placing_may_be_retried_after_a_timeout() -> None:
    assert transition(P.PLACING, P.PLACING) is P.PLACING


def test_fulfilled_and_cancelled_purchases_are_terminal() -> None:
    assert TRANSITIONS[P.FULFILLED] == TRANSITIONS[P.CANCELLED] == frozenset()


def test_fixed_exception_sends_the_order_back_to_routing() -> None:
    assert transition(OS.EXCEPTION, OS.READY) is OS.READY


def test_placed_purchase_cannot_go_back_to_planned_so_it_is_never_bought_twice() -> None:
    with pytest.raises(IllegalTransition):
        transition(P.PLACED, P.PLANNED)


def test_purchase_and_order_states_with_the_same_value_do_not_mix() -> None:
    # "shipped" exists in both enums and StrEnum members compare equal to their value.
    with pytest.raises(IllegalTransition):
        transition(P.PLACED, OS.SHIPPED)  # type: ignore[type-var]


def test_change_checks_the_table_and_records_what_when_why_and_who() -> None:
    record = change(
        "purchase", 7, P.PLACING, P.PLACED, at=NOW, reason="adopted 1688 order 3001", actor="job:place"
    )
    assert record == StateChange(
        "purchase", 7, "placing", "placed", NOW, "adopted 1688 order 3001", "job:place"
    )
    with pytest.raises(IllegalTransition):
        change("order", 1, OS.FULFILLED, OS.READY, at=NOW, reason="x", actor="li.wei")


def test_state_change_refuses_a_naive_time_or_no_actor() -> None:
    with pytest.raises(ValueError):
        StateChange("order", 1, None, "new", datetime(2024, 5, 1), "synced", "job:sync")
    with pytest.raises(ValueError):
        StateChange("order", 1, None, "new", NOW, "synced", " ")


# -- grouping -----------------------------------------------------------------------------------------


def line(line_id: str, supplier: str, spec: str, quantity: int = 1, offer: str = "610001") -> PlannedLine:
    return PlannedLine(line_id, supplier, offer, spec, quantity)


def test_one_plan_per_supplier_in_sorted_order_with_keys_from_the_order_id() -> None:
    plans = plan_purchases(
        "8123", [line("L1", "zeta", "s1"), line("L2", "alpha", "s1"), line("L3", "zeta", "s2")]
    )
    assert [(p.out_order_id, p.supplier_member_id, p.line_ids) for p in plans] == [
        ("8123-1", "alpha", ("L2",)),
        ("8123-2", "zeta", ("L1", "L3")),
    ]
    assert all(p.out_order_id.startswith("8123-") for p in plans)


def test_same_spec_on_two_lines_is_one_cargo_item_with_the_summed_quantity() -> None:
    (plan,) = plan_purchases("8123", [line("L2", "alpha", "s1", 3), line("L1", "alpha", "s1", 2)])
    assert plan.cargo == (CargoLine("610001", "s1", 5, ("L1", "L2")),)


def test_same_spec_id_on_different_offers_stays_apart() -> None:
    (plan,) = plan_purchases(
        "8123", [line("L1", "alpha", "s1", offer="2"), line("L2", "alpha", "s1", offer="1")]
    )
    assert [(c.offer_id, c.spec_id) for c in plan.cargo] == [("1", "s1"), ("2", "s1")]


def _specs(count: int, supplier: str = "alpha") -> list[PlannedLine]:
    return [line(f"L{i:03d}", supplier, f"spec-{i:03d}") for i in range(count)]


def test_fifty_skus_fit_in_one_order() -> None:
    plans = plan_purchases("8123", _specs(MAX_SKUS_PER_ORDER))
    assert len(plans) == 1 and len(plans[0].cargo) == 50


def test_fifty_one_skus_split_into_two_orders_of_the_same_supplier() -> None:
    plans = plan_purchases("8123", _specs(51))
    assert [(p.out_order_id, p.supplier_member_id, len(p.cargo)) for p in plans] == [
        ("8123-1", "alpha", 50),
        ("8123-2", "alpha", 1),
    ]
    assert plans[1].cargo[0].spec_id == "spec-050"


def test_merged_lines_count_once_towards_the_fifty() -> None:
    lines = [*_specs(50), line("L999", "alpha", "spec-000")]
    (plan,) = plan_purchases("8123", lines)
    assert plan.cargo[0].line_ids == ("L000", "L999")


def test_the_same_lines_in_any_order_give_the_same_plans() -> None:
    lines = [*_specs(60, "alpha"), *_specs(3, "beta"), line("X1", "beta", "spec-001", 4)]
    expected = plan_purchases("8123", lines)
    for seed in range(5):
        shuffled = list(lines)
        random.Random(seed).shuffle(shuffled)
        assert plan_purchases("8123", shuffled) == expected
    assert [p.out_order_id for p in expected] == ["8123-1", "8123-2", "8123-3"]


def test_a_later_pass_numbers_its_plans_after_the_ones_already_made() -> None:
    plans = plan_purchases("8123", [line("L9", "gamma", "s1")], first_number=3)
    assert [p.out_order_id for p in plans] == ["8123-3"]


def test_no_lines_means_no_plans_and_bad_input_is_refused() -> None:
    assert plan_purchases("8123", []) == []
    with pytest.raises(ValueError):
        plan_purchases("", [line("L1", "alpha", "s1")])
    with pytest.raises(ValueError):
        line("L1", "alpha", "s1", 0)


# -- looking for an existing 1688 order ---------------------------------------------------------------

KEY = "8123-1"


def test_nothing_found_means_create() -> None:
    assert match_existing(KEY, []).action is ExistingAction.CREATE


def test_exactly_one_live_order_is_adopted() -> None:
    found = [FoundOrder("3001", "waitsellersend", KEY), FoundOrder("2999", "cancel", KEY)]
    outcome = match_existing(KEY, found)
    assert (outcome.action, outcome.order_id, outcome.status) == (
        ExistingAction.ADOPT,
        "3001",
        "waitsellersend",
    )


def test_only_cancelled_orders_found_means_a_fresh_create() -> None:
    found = [FoundOrder("2998", "cancel", KEY), FoundOrder("2999", "CANCEL", KEY)]
    assert match_existing(KEY, found).action is ExistingAction.CREATE


def test_more_than_one_live_order_needs_review_and_never_another_create() -> None:
    found = [FoundOrder("3002", "waitbuyerpay", KEY), FoundOrder("3001", "waitsellersend", KEY)]
    outcome = match_existing(KEY, found)
    assert (outcome.action, outcome.live_order_ids) == (ExistingAction.REVIEW, ("3001", "3002"))


def test_orders_under_another_key_are_ignored_and_duplicates_count_once() -> None:
    found = [
        FoundOrder("3001", "waitbuyerpay", KEY),
        FoundOrder("3001", "waitbuyerpay", KEY),  # seen on two pages
        FoundOrder("4001", "waitbuyerpay", "8123-11"),  # the real API may not filter on outOrderId
        FoundOrder("4002", "waitbuyerpay", None),
    ]
    outcome = match_existing(KEY, found)
    assert (outcome.action, outcome.order_id) == (ExistingAction.ADOPT, "3001")
