"""The sandbox's rare customs holds and returns: decided per parcel, without moving the world's dice."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from kuajing.sandbox.buyer_rules import (
    DETAINED_TEXT,
    HELD_TEXT,
    RELEASED_TEXT,
    RETURNED_TEXT,
    plan_trace,
)
from kuajing.sandbox.carriers import CARRIERS_BY_CODE

DISPATCHED = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
APPROVED = next(carrier for carrier in CARRIERS_BY_CODE.values() if carrier.approved)


def _texts(fate: int) -> list[str]:
    return [step.remark for step in plan_trace(random.Random(7), APPROVED, "义乌", DISPATCHED, fate=fate)]


def test_the_fate_does_not_change_what_the_shared_random_stream_draws() -> None:
    plain, fated = random.Random(11), random.Random(11)
    plan_trace(plain, APPROVED, "义乌", DISPATCHED)
    plan_trace(fated, APPROVED, "义乌", DISPATCHED, fate=3)
    assert plain.random() == fated.random()


def test_about_three_in_a_hundred_parcels_are_held_and_two_returned() -> None:
    outcomes = [_texts(fate) for fate in range(4000)]
    held = sum(HELD_TEXT in texts for texts in outcomes)
    returned = sum(RETURNED_TEXT in texts for texts in outcomes)
    assert 80 <= held <= 160 and 40 <= returned <= 120, (held, returned)


def test_a_held_parcel_is_released_and_then_delivered_in_time_order() -> None:
    fate = next(fate for fate in range(4000) if HELD_TEXT in _texts(fate))
    steps = plan_trace(random.Random(7), APPROVED, "义乌", DISPATCHED, fate=fate)
    texts = [step.remark for step in steps]
    assert texts.index(RELEASED_TEXT) == texts.index(HELD_TEXT) + 1
    assert texts[-1].startswith("已签收")
    assert [step.at for step in steps] == sorted(step.at for step in steps)


def test_a_returned_parcel_ends_with_the_return() -> None:
    fate = next(fate for fate in range(4000) if RETURNED_TEXT in _texts(fate))
    texts = _texts(fate)
    assert texts[-2:] == [DETAINED_TEXT, RETURNED_TEXT]
