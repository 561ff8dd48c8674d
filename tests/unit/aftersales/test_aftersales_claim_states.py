"""Every allowed and every refused claim transition; each move recorded with when, why and who."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kuajing.aftersales.model import (
    ALLOWED_TRANSITIONS,
    TERMINAL,
    Claim,
    ClaimState,
    ClaimTransitionRefused,
    Evidence,
    check_transition,
    state_for_evidence,
)

S = ClaimState
ALLOWED = {
    (S.OPEN, S.EVIDENCE_COMPLETE),
    (S.EVIDENCE_COMPLETE, S.OPEN),
    (S.EVIDENCE_COMPLETE, S.SUBMITTED),
    (S.REJECTED, S.SUBMITTED),
    (S.SUBMITTED, S.RECOVERED),
    (S.SUBMITTED, S.REJECTED),
    (S.SUBMITTED, S.COMPENSATED),
    (S.REJECTED, S.COMPENSATED),
    (S.OPEN, S.WITHDRAWN),
    (S.EVIDENCE_COMPLETE, S.WITHDRAWN),
    (S.REJECTED, S.WITHDRAWN),
}
EVERY_PAIR = [(a, b) for a in ClaimState for b in ClaimState]
AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_the_table_is_the_hand_written_list() -> None:
    table = {(frm, to) for to, froms in ALLOWED_TRANSITIONS.items() for frm in froms}
    assert table == ALLOWED


@pytest.mark.parametrize(("frm", "to"), sorted(ALLOWED))
def test_allowed_transition_passes_on_a_credit_guarantee_order(frm: ClaimState, to: ClaimState) -> None:
    check_transition(frm, to, credit_guarantee=True)


@pytest.mark.parametrize(("frm", "to"), [pair for pair in EVERY_PAIR if pair not in ALLOWED])
def test_every_other_transition_is_refused(frm: ClaimState, to: ClaimState) -> None:
    with pytest.raises(ClaimTransitionRefused) as refused:
        check_transition(frm, to, credit_guarantee=True)
    assert refused.value.details == {"from": str(frm), "to": str(to)}


@pytest.mark.parametrize("frm", [S.SUBMITTED, S.REJECTED])
def test_compensated_is_refused_without_credit_guarantee(frm: ClaimState) -> None:
    with pytest.raises(ClaimTransitionRefused):
        check_transition(frm, S.COMPENSATED, credit_guarantee=False)


def test_terminal_states_lead_nowhere() -> None:
    for state in TERMINAL:
        assert all(state not in froms for froms in ALLOWED_TRANSITIONS.values())


def test_claim_records_every_move_with_when_why_and_who() -> None:
    claim = Claim(credit_guarantee=False)
    claim.move(S.EVIDENCE_COMPLETE, at=AT, why="unboxing video attached", who="lina")
    claim.move(S.SUBMITTED, at=AT, why="1688 refund 7788", who="lina")
    claim.move(S.RECOVERED, at=AT, why="supplier refunded ¥180.50", who="sync")
    assert claim.state is S.RECOVERED
    assert [(t.from_state, t.to_state, t.who) for t in claim.history] == [
        (S.OPEN, S.EVIDENCE_COMPLETE, "lina"),
        (S.EVIDENCE_COMPLETE, S.SUBMITTED, "lina"),
        (S.SUBMITTED, S.RECOVERED, "sync"),
    ]
    assert claim.history[1].why == "1688 refund 7788" and claim.history[1].at == AT


def test_refused_move_leaves_the_claim_unchanged() -> None:
    claim = Claim(credit_guarantee=False)
    with pytest.raises(ClaimTransitionRefused):
        claim.move(S.SUBMITTED, at=AT, why="too early", who="lina")
    assert claim.state is S.OPEN and claim.history == []


def test_state_follows_the_evidence_checklist() -> None:
    assert state_for_evidence(frozenset({Evidence.CHAT_RECORD})) is S.OPEN
    assert state_for_evidence(frozenset(Evidence)) is S.EVIDENCE_COMPLETE
