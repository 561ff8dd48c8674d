"""The buyer's dispute reason text, Chinese or English, as a ReturnReason; unknown stays None."""

from __future__ import annotations

import pytest

from kuajing.aftersales.dispute_reasons import reason_from_text
from kuajing.aftersales.model import ReturnReason
from kuajing.sandbox.storefront_disputes import REASONS


@pytest.mark.parametrize(
    ("zh", "en", "expected"),
    [
        ("发错货", "Wrong item received", ReturnReason.WRONG_ITEM),
        ("少件/漏发", "Missing items", ReturnReason.MISSING_ITEM),
        ("包裹破损", "Package damaged", ReturnReason.DAMAGED_PACKAGING),
        ("质量问题", "Quality problem", ReturnReason.QUALITY),
        ("货物与描述不符", "Item not as described", ReturnReason.QUALITY),
        ("不想要了", "No longer needed", ReturnReason.BUYER_REMORSE),
        ("未收到货", "Item not received", ReturnReason.OTHER),
    ],
)
def test_each_platform_reason_maps_the_same_from_chinese_and_from_english(
    zh: str, en: str, expected: ReturnReason
) -> None:
    assert reason_from_text(zh) is expected
    assert reason_from_text(en) is expected
    assert reason_from_text(zh, en) is expected


def test_supplier_errors_win_over_the_broad_not_as_described() -> None:
    assert reason_from_text("与描述不符：发错颜色") is ReturnReason.WRONG_ITEM
    assert reason_from_text("Not as described - wrong size sent") is ReturnReason.WRONG_ITEM


def test_english_is_read_when_the_chinese_text_says_nothing_known() -> None:
    assert reason_from_text("其他", "Package damaged") is ReturnReason.DAMAGED_PACKAGING
    assert reason_from_text(None, "MISSING ITEMS") is ReturnReason.MISSING_ITEM


@pytest.mark.parametrize("texts", [(), (None,), ("",), ("其他原因", "Other reasons"), ("颜色偏差",)])
def test_unknown_or_empty_reason_is_none_so_a_person_classifies_it(texts: tuple[str | None, ...]) -> None:
    assert reason_from_text(*texts) is None


def test_every_reason_the_sandbox_gives_is_recognised() -> None:
    assert all(reason_from_text(reason.zh, reason.en) is not None for reason in REASONS)
