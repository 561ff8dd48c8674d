"""The role × action table, lock-out arithmetic, password strength and store visibility (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kuajing.accounts.model import (
    PERMISSIONS,
    Action,
    LockoutPolicy,
    Principal,
    Role,
    after_failure,
    is_locked,
    may,
    password_problem,
    visible_stores,
)
from kuajing.accounts.route_actions import ROUTE_ACTIONS, action_for

A = Action
EXPECTED: dict[Role, set[Action]] = {
    Role.OWNER: set(Action),
    Role.BUYER: {A.READ, A.OFFERS_IMPORT, A.SOURCING_EDIT, A.LIFECYCLE_MOVE, A.COMPLIANCE_EDIT},
    Role.PURCHASER: {
        A.READ,
        A.MAPPING_EDIT,
        A.EXCEPTION_RESOLVE,
        A.PURCHASE_APPROVE,
        A.RETURNS_MANAGE,
        A.CLAIMS_MANAGE,
        A.LOGISTICS_EDIT,
    },
    Role.SERVICE: {A.READ, A.RETURNS_MANAGE},
    Role.VIEWER: {A.READ},
}
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_each_role_may_take_exactly_its_actions(role: Role, action: Action) -> None:
    assert may(role, action) is (action in EXPECTED[role])


def test_only_the_owner_manages_users_reads_the_audit_log_and_edits_settings() -> None:
    for action in (A.USERS_MANAGE, A.AUDIT_READ, A.SETTINGS_EDIT):
        assert [role for role in Role if may(role, action)] == [Role.OWNER]


def test_every_role_reads_and_the_table_names_every_role() -> None:
    assert set(PERMISSIONS) == set(Role)
    assert all(may(role, A.READ) for role in Role)


def test_approving_a_held_purchase_needs_purchase_approve_other_queue_verbs_exception_resolve() -> None:
    assert action_for("POST", "/exceptions/{verb}", {"verb": "approve"}) is A.PURCHASE_APPROVE
    assert action_for("POST", "/api/exceptions/{verb}", {"verb": "cancel"}) is A.EXCEPTION_RESOLVE
    assert action_for("POST", "/rules", {}) is A.MAPPING_EDIT


def test_a_get_reads_and_an_unlisted_post_is_for_owners_only() -> None:
    assert action_for("GET", "/orders", {}) is A.READ
    assert action_for("HEAD", "/orders", {}) is A.READ
    assert action_for("GET", "/audit", {}) is A.AUDIT_READ
    assert action_for("POST", "/something/new", {}) is A.USERS_MANAGE
    assert action_for("DELETE", None, {}) is A.USERS_MANAGE
    assert ROUTE_ACTIONS[("GET", "/admin/users")] is A.USERS_MANAGE


def test_the_fifth_failure_in_a_row_locks_for_the_policy_minutes() -> None:
    policy = LockoutPolicy(max_failures=5, lock_minutes=15)
    failures, locked_until = 0, None
    for _ in range(4):
        failures, locked_until = after_failure(failures, policy, NOW)
        assert locked_until is None
    assert failures == 4
    failures, locked_until = after_failure(failures, policy, NOW)
    assert (failures, locked_until) == (0, NOW + timedelta(minutes=15))
    assert is_locked(locked_until, NOW + timedelta(minutes=14, seconds=59))
    assert not is_locked(locked_until, NOW + timedelta(minutes=15))


@pytest.mark.parametrize(
    "password",
    ["", "short", "password", "aaaaaaaaaaaa", "ababababab", "my-name-is-pia-ok"],
)
def test_weak_passwords_are_refused_with_a_reason_in_both_languages(password: str) -> None:
    problem = password_problem(password, "pia")
    assert problem is not None and all(problem)


def test_a_long_varied_password_is_accepted() -> None:
    assert password_problem("correct horse battery staple", "pia") is None


def test_owners_see_every_store_others_the_stores_given_or_all_when_none() -> None:
    assert visible_stores(Role.OWNER, frozenset({2})) is None
    assert visible_stores(Role.PURCHASER, frozenset()) is None
    assert visible_stores(Role.PURCHASER, frozenset({2})) == frozenset({2})
    limited = Principal("pia", Role.PURCHASER, frozenset({2}))
    assert limited.sees_store(2) and not limited.sees_store(1)
    assert limited.actor == "user:pia"
