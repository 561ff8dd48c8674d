"""One reader for hand-written product attributes (CLI options, the check form, import cells)."""

from __future__ import annotations

import pytest

from kuajing.compliance.attribute_text import BadAttribute, parse_attributes


def test_equals_colon_and_full_width_colon_all_separate_name_from_value() -> None:
    assert parse_attributes(["材质=PVC", "Material: TPU ", "颜色：黑色"]) == {
        "材质": "PVC",
        "Material": "TPU",
        "颜色": "黑色",
    }


def test_the_first_separator_splits_so_a_value_may_hold_more() -> None:
    assert parse_attributes(["尺寸=10:20", "Note: a=b"]) == {"尺寸": "10:20", "Note": "a=b"}


def test_blank_parts_are_skipped_and_a_later_name_wins() -> None:
    assert parse_attributes(["", "材质=PVC", "  ", "材质=硅胶"]) == {"材质": "硅胶"}


def test_an_empty_value_is_kept() -> None:
    assert parse_attributes(["品牌="]) == {"品牌": ""}


@pytest.mark.parametrize(
    ("parts", "position", "text"), [(["材质=PVC", "材质PVC"], 2, "材质PVC"), (["", "=PVC"], 2, "=PVC")]
)
def test_a_part_without_a_name_says_which_and_what(parts: list[str], position: int, text: str) -> None:
    with pytest.raises(BadAttribute) as raised:
        parse_attributes(parts)
    assert (raised.value.position, raised.value.text) == (position, text)
