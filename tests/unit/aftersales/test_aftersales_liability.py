"""Liability for each reason × 信用保障 or not × evidence complete or not, expectations checked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kuajing.aftersales.model import (
    ADVANCE_COMPENSATION_CAP,
    Evidence,
    LiableParty,
    ReturnReason,
    advance_compensation,
    decide_liability,
)
from kuajing.kit.errors import ValidationFailed
from kuajing.kit.money import Money

ALL = frozenset(Evidence)
PARTIAL = frozenset({Evidence.CHAT_RECORD, Evidence.SIGN_OFF_PROOF})  # no unboxing video
AMOUNT = Money.of("180.50", "CNY")
R = ReturnReason
SELLER, SUPPLIER = LiableParty.SELLER, LiableParty.SUPPLIER

# reason, credit_guarantee, evidence, liable, opens_claim, ready_to_submit, compensation
CASES = [
    (R.QUALITY, False, ALL, SELLER, False, False, None),
    (R.QUALITY, False, PARTIAL, SELLER, False, False, None),
    (R.QUALITY, True, ALL, SELLER, False, False, None),
    (R.QUALITY, True, PARTIAL, SELLER, False, False, None),
    (R.WRONG_ITEM, False, ALL, SUPPLIER, True, True, None),
    (R.WRONG_ITEM, False, PARTIAL, SUPPLIER, True, False, None),
    (R.WRONG_ITEM, True, ALL, SUPPLIER, True, True, "180.50"),
    (R.WRONG_ITEM, True, PARTIAL, SUPPLIER, True, False, "180.50"),
    (R.MISSING_ITEM, False, ALL, SUPPLIER, True, True, None),
    (R.MISSING_ITEM, False, PARTIAL, SUPPLIER, True, False, None),
    (R.MISSING_ITEM, True, ALL, SUPPLIER, True, True, "180.50"),
    (R.MISSING_ITEM, True, PARTIAL, SUPPLIER, True, False, "180.50"),
    (R.DAMAGED_PACKAGING, False, ALL, SUPPLIER, True, True, None),
    (R.DAMAGED_PACKAGING, False, PARTIAL, SUPPLIER, True, False, None),
    (R.DAMAGED_PACKAGING, True, ALL, SUPPLIER, True, True, "180.50"),
    (R.DAMAGED_PACKAGING, True, PARTIAL, SUPPLIER, True, False, "180.50"),
    (R.BUYER_REMORSE, False, ALL, SELLER, False, False, None),
    (R.BUYER_REMORSE, False, PARTIAL, SELLER, False, False, None),
    (R.BUYER_REMORSE, True, ALL, SELLER, False, False, None),
    (R.BUYER_REMORSE, True, PARTIAL, SELLER, False, False, None),
    (R.OTHER, False, ALL, SELLER, False, False, None),
    (R.OTHER, False, PARTIAL, SELLER, False, False, None),
    (R.OTHER, True, ALL, SELLER, False, False, None),
    (R.OTHER, True, PARTIAL, SELLER, False, False, None),
]


def test_the_table_covers_every_reason_guarantee_and_evidence_combination() -> None:
    combos = {(reason, guarantee, evidence == ALL) for reason, guarantee, evidence, *_ in CASES}
    assert len(combos) == len(CASES) == len(ReturnReason) * 2 * 2


@pytest.mark.parametrize(
    ("reason", "guarantee", "evidence", "liable", "claim", "ready", "compensation"), CASES
)
def test_liability_by_reason_guarantee_and_evidence(
    reason: ReturnReason,
    guarantee: bool,
    evidence: frozenset[Evidence],
    liable: LiableParty,
    claim: bool,
    ready: bool,
    compensation: str | None,
) -> None:
    decision = decide_liability(reason, AMOUNT, credit_guarantee=guarantee, evidence=evidence)
    assert decision.liable is liable
    assert decision.opens_claim is claim
    assert decision.ready_to_submit is ready
    expected = None if compensation is None else Money.of(compensation, "CNY")
    assert decision.advance_compensation == expected
    if claim and not ready:
        assert decision.missing_evidence == {Evidence.UNBOXING_VIDEO}
    else:
        assert decision.missing_evidence == frozenset()


def test_supplier_claim_with_no_evidence_lists_the_whole_checklist() -> None:
    decision = decide_liability(R.WRONG_ITEM, AMOUNT, credit_guarantee=False, evidence=frozenset())
    assert decision.missing_evidence == {
        Evidence.CHAT_RECORD,
        Evidence.SIGN_OFF_PROOF,
        Evidence.UNBOXING_VIDEO,
    }


@pytest.mark.parametrize(
    ("claim", "paid"),
    [("4999.99", "4999.99"), ("5000.00", "5000.00"), ("5000.01", "5000"), ("12000", "5000"), ("0", "0")],
)
def test_advance_compensation_is_the_claim_capped_at_5000_yuan(claim: str, paid: str) -> None:
    assert advance_compensation(Money.of(claim, "CNY")) == Money.of(paid, "CNY")


def test_the_cap_applies_inside_the_liability_decision() -> None:
    decision = decide_liability(R.MISSING_ITEM, Money.of("7300", "CNY"), credit_guarantee=True, evidence=ALL)
    assert decision.advance_compensation == ADVANCE_COMPENSATION_CAP
    assert ADVANCE_COMPENSATION_CAP.amount == Decimal("5000")


def test_advance_compensation_refuses_another_currency() -> None:
    with pytest.raises(ValidationFailed):
        advance_compensation(Money.of("10", "USD"))
