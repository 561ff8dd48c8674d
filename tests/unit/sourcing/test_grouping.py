"""Same product, several suppliers: Chinese-aware title similarity, attributes that must agree, union-find."""

from __future__ import annotations

from decimal import Decimal

from kuajing.sourcing.grouping import GroupItem, group_offers, normalise, similarity, tokens

CASE_A = GroupItem(1, "2024新款 适用iPhone15手机壳 透明硅胶防摔保护套 厂家直销", {"材质": "硅胶"})
CASE_B = GroupItem(2, "包邮 ｉＰｈｏｎｅ１５ 透明硅胶手机壳 防摔保护套 批发", {"材质": "硅胶"})
CASE_C = GroupItem(3, "跨境专供 适用iPhone15 透明硅胶手机壳防摔保护套 爆款", {"材质": "硅 胶"})
PVC_CASE = GroupItem(4, "适用iPhone15手机壳 透明PVC防摔保护套", {"材质": "PVC"})
MUG = GroupItem(5, "北欧风陶瓷马克杯 带盖勺 办公室咖啡杯 批发", {"材质": "陶瓷"})


def test_full_width_text_is_half_width_lower_case_without_marketing_words() -> None:
    assert normalise("２０２４新款ＩＰＨＯＮＥ 包邮").split() == ["iphone"]


def test_chinese_runs_become_bigrams_and_latin_runs_words() -> None:
    assert tokens("适用iPhone15手机壳") == frozenset({"适用", "iphone15", "手机", "机壳"})


def test_same_phone_case_from_three_suppliers_with_different_marketing_words_is_one_group() -> None:
    groups = group_offers([CASE_A, CASE_B, CASE_C, MUG])

    assert groups == [[1, 2, 3], [5]]


def test_a_pvc_case_and_a_silicone_case_are_not_grouped_whatever_the_titles_say() -> None:
    assert similarity(CASE_A, PVC_CASE) == 0
    assert [4] in group_offers([CASE_A, PVC_CASE])


def test_missing_material_on_one_side_does_not_block_the_match() -> None:
    bare = GroupItem(6, "适用iPhone15手机壳透明硅胶防摔保护套", {})

    assert similarity(CASE_A, bare) >= Decimal("0.55")


def test_the_threshold_is_a_parameter() -> None:
    assert group_offers([CASE_A, CASE_B], threshold=Decimal("0.99")) == [[1], [2]]
