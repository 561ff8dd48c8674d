"""Title / attributes / 1688 offer triples, zh and en, and the conflicts each must raise
(compliance.truth.check_text). Written by hand from the way 1688 and AliExpress titles read."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from kuajing.compliance.truth import ProductText, check_text

MM = "material_mismatch"
ND = "material_not_declared"
TA = "title_vs_attribute"
FM = "function_missing_in_listing"
FC = "function_claimed_not_in_offer"


@dataclass(frozen=True)
class Case:
    title: str
    attrs: dict[str, str] = field(default_factory=dict)
    offer_title: str | None = None
    offer_attrs: dict[str, str] = field(default_factory=dict)
    kinds: frozenset[str] = frozenset()
    listing_materials: tuple[str, ...] = ()  # what the listing (title + attributes) asserts
    truth: tuple[str, ...] = ()  # the offer's material evidence


def case(
    title: str,
    attrs: dict[str, str] | None = None,
    offer_title: str | None = None,
    offer_attrs: dict[str, str] | None = None,
    *,
    kinds: tuple[str, ...] = (),
    listing: tuple[str, ...] = (),
    truth: tuple[str, ...] = (),
) -> Case:
    return Case(title, attrs or {}, offer_title, offer_attrs or {}, frozenset(kinds), listing, truth)


CASES = {
    # --- the guide's case and its cousins: the offer's 材质 attribute is the truth
    "guide_pvc_case_titled_silicone": case(
        "iPhone 15 硅胶手机壳 防摔",
        offer_attrs={"材质": "PVC"},
        kinds=(MM,),
        listing=("silicone",),
        truth=("pvc",),
    ),
    "en_silicone_case_is_pvc": case(
        "Soft Silicone Phone Case for iPhone 15 Pro Max",
        offer_title="iPhone15手机壳 软壳 工厂直销",
        offer_attrs={"材质": "PVC"},
        kinds=(MM,),
        listing=("silicone",),
        truth=("pvc",),
    ),
    "listing_attribute_lies_too": case(
        "手机壳 iPhone 15",
        {"材质": "硅胶"},
        "手机壳",
        {"材质": "TPU"},
        kinds=(MM,),
        listing=("silicone",),
        truth=("tpu",),
    ),
    "honest_silicone_case": case(
        "液态硅胶手机壳 iPhone 15",
        {"材质": "硅胶"},
        "液态硅胶手机壳",
        {"材质": "硅胶"},
        listing=("silicone",),
        truth=("silicone",),
    ),
    "honest_en_vs_zh": case(
        "Liquid Silicone Case", offer_attrs={"材质": "液态硅胶"}, listing=("silicone",), truth=("silicone",)
    ),
    "tpu_pc_combo_matches": case(
        "TPU+PC Shockproof Armor Case",
        offer_attrs={"材质": "TPU+PC"},
        listing=("tpu", "pc"),
        truth=("tpu", "pc"),
    ),
    "tpu_pc_listing_offer_only_tpu": case(
        "TPU+PC 防摔手机壳", offer_attrs={"材质": "TPU"}, kinds=(MM,), listing=("tpu", "pc"), truth=("tpu",)
    ),
    "tpu_pc_listing_offer_silicone": case(
        "TPU+PC Case",
        offer_attrs={"Material": "Silicone"},
        kinds=(MM,),
        listing=("tpu", "pc"),
        truth=("silicone",),
    ),
    "vague_plastic_listing_is_fine": case(
        "Plastic Hard Case 2PCS", offer_attrs={"材质": "PC"}, listing=("plastic",), truth=("pc",)
    ),
    "pcs_is_not_polycarbonate": case(
        "2 PCS Silicone Phone Case", offer_attrs={"材质": "硅胶"}, listing=("silicone",), truth=("silicone",)
    ),
    # --- leather
    "pu_called_leather": case(
        "Leather Wallet for Men",
        offer_attrs={"材质": "PU皮"},
        kinds=(MM,),
        listing=("leather",),
        truth=("pu_leather",),
    ),
    "pu_called_genuine": case(
        "真皮钱包 男士短款",
        offer_attrs={"材质": "PU"},
        kinds=(MM,),
        listing=("genuine_leather",),
        truth=("pu",),
    ),
    "pu_leather_with_metal_buckle_honest": case(
        "PU Leather Belt with Metal Buckle",
        offer_attrs={"材质": "PU皮+合金"},
        listing=("pu_leather", "metal"),
        truth=("pu_leather", "alloy"),
    ),
    "offer_vaguer_leather_is_no_conflict": case(
        "PU皮革 卡包", offer_attrs={"材质": "皮革"}, listing=("pu_leather",), truth=("leather",)
    ),
    "genuine_leather_honest": case(
        "Genuine Leather Watch Strap",
        offer_attrs={"表带材质": "头层牛皮"},
        listing=("genuine_leather",),
        truth=("genuine_leather",),
    ),
    # --- metals
    "zinc_alloy_sold_as_stainless": case(
        "Stainless Steel Necklace Women",
        offer_attrs={"材质": "锌合金"},
        kinds=(MM,),
        listing=("stainless_steel",),
        truth=("zinc_alloy",),
    ),
    "stainless_honest_with_colour": case(
        "不锈钢项链 银色",
        offer_attrs={"材质": "304不锈钢"},
        listing=("stainless_steel",),
        truth=("stainless_steel",),
    ),
    "metal_vague_for_zinc_alloy": case(
        "Metal Keychain", offer_attrs={"材质": "锌合金"}, listing=("metal",), truth=("zinc_alloy",)
    ),
    "aluminium_vs_iron": case(
        "铝合金手机支架", offer_attrs={"材质": "铁"}, kinds=(MM,), listing=("aluminium",), truth=("steel",)
    ),
    # --- textiles
    "cotton_poly_blend_honest": case(
        "棉涤混纺 65%棉 35%涤纶 T恤",
        offer_attrs={"面料": "65%棉 35%涤纶"},
        listing=("cotton", "polyester"),
        truth=("cotton", "polyester"),
    ),
    "pure_cotton_is_polyester": case(
        "100% Cotton T-Shirt",
        offer_attrs={"面料": "涤纶"},
        kinds=(MM,),
        listing=("cotton",),
        truth=("polyester",),
    ),
    "blend_listing_offer_pure_cotton": case(
        "Cotton Polyester Blend Hoodie",
        offer_attrs={"面料成分": "100%纯棉"},
        kinds=(MM,),
        listing=("cotton", "polyester"),
        truth=("cotton",),
    ),
    "silk_is_imitation": case(
        "真丝睡衣 女", offer_attrs={"面料": "仿真丝"}, kinds=(MM,), listing=("silk",), truth=("polyester",)
    ),
    # --- glass and plastics
    "acrylic_sold_as_glass": case(
        "Glass Display Box",
        offer_attrs={"材质": "有机玻璃"},
        kinds=(MM,),
        listing=("glass",),
        truth=("acrylic",),
    ),
    "tempered_glass_honest": case(
        "钢化玻璃膜 iPhone 15", offer_attrs={"材质": "钢化玻璃"}, listing=("glass",), truth=("glass",)
    ),
    # --- the offer title as evidence when the offer has no material attribute
    "offer_title_evidence_only": case(
        "硅胶手表表带", offer_title="TPU表带 适用苹果手表", kinds=(MM,), listing=("silicone",), truth=("tpu",)
    ),
    # --- negations
    "listing_denies_pvc_offer_is_pvc": case(
        "无PVC 环保 TPU 手机壳", offer_attrs={"材质": "PVC"}, kinds=(MM,), listing=("tpu",), truth=("pvc",)
    ),
    "silicone_free_listing_offer_tpu": case(
        "Silicone-free TPU Case", offer_attrs={"材质": "TPU"}, listing=("tpu",), truth=("tpu",)
    ),
    "bpa_free_is_not_a_material": case(
        "BPA Free Silicone Baby Bib",
        offer_attrs={"材质": "食品级硅胶"},
        listing=("silicone",),
        truth=("silicone",),
    ),
    "listing_non_magnetic_offer_magnetic": case(
        "无磁 手机支架 铝合金",
        offer_title="磁吸手机支架 铝合金",
        offer_attrs={"材质": "铝合金"},
        kinds=(FM,),
        listing=("aluminium",),
        truth=("aluminium",),
    ),
    "no_battery_listing_offer_has_battery": case(
        "No Battery Fidget Toy",
        offer_attrs={"电池容量": "200mAh", "材质": "ABS"},
        kinds=(FM, ND),
        truth=("abs",),
    ),
    # --- functions that decide the shipping line
    "magsafe_offer_listing_silent": case(
        "iPhone 15 Clear Case",
        offer_title="MagSafe磁吸透明手机壳",
        offer_attrs={"材质": "TPU"},
        kinds=(FM, ND),
        truth=("tpu",),
    ),
    "battery_offer_listing_silent": case(
        "便携小风扇 静音",
        offer_title="USB充电小风扇 内置锂电池",
        kinds=(FM,),
    ),
    "rechargeable_offer_listing_declares_battery": case(
        "Mini Fan with Lithium Battery",
        offer_title="可充电小风扇",
        kinds=(),
    ),
    "battery_declared_both_sides": case(
        "蓝牙耳机 锂电池",
        {"是否带电池": "是"},
        "蓝牙耳机 TWS",
        {"电池容量": "40mAh"},
    ),
    "offer_says_no_battery_listing_claims_one": case(
        "Rechargeable LED Night Light",
        offer_title="小夜灯 LED",
        offer_attrs={"是否带电池": "否"},
        kinds=(FC,),
    ),
    "listing_claims_waterproof_offer_says_not": case(
        "防水蓝牙音箱",
        offer_title="蓝牙音箱 不防水",
        offer_attrs={"电池容量": "1200mAh"},
        kinds=(FC, FM),
    ),
    "listing_claims_bluetooth_offer_title_silent": case(
        "Bluetooth Speaker Portable",
        offer_title="便携音箱 插卡",
        kinds=(FC,),
    ),
    "wireless_charging_case_has_no_battery": case(
        "支持无线充电 硅胶手机壳", offer_attrs={"材质": "硅胶"}, listing=("silicone",), truth=("silicone",)
    ),
    "heating_offer_listing_silent": case(
        "Hand Warmer Pouch Fleece",
        offer_title="USB加热暖手宝",
        kinds=(FM,),
        listing=("polyester",),
    ),
    # --- the listing against itself
    "title_silicone_attr_pvc_no_offer": case(
        "iPhone 15 硅胶手机壳", {"材质": "PVC"}, kinds=(TA,), listing=("silicone", "pvc")
    ),
    "title_silicone_attr_pvc_offer_pvc": case(
        "Silicone Case",
        {"Material": "PVC"},
        offer_attrs={"材质": "PVC"},
        kinds=(MM, TA),
        listing=("silicone", "pvc"),
        truth=("pvc",),
    ),
    "title_magnetic_attr_says_no": case(
        "磁吸车载支架", {"是否带磁": "否", "材质": "ABS"}, kinds=(TA,), listing=("abs",)
    ),
    "title_and_attr_agree": case(
        "Stainless Steel Tumbler", {"Material": "304 Stainless Steel"}, listing=("stainless_steel",)
    ),
    # --- nothing to compare
    "no_material_anywhere": case("iPhone 15 Phone Case", offer_title="手机壳"),
    "listing_silent_offer_material": case(
        "手机壳 iPhone 15", offer_attrs={"材质": "TPU"}, kinds=(ND,), truth=("tpu",)
    ),
    "quantities_and_pc_for_computer": case(
        "Gaming Mouse Pad for PC 2PCS", offer_attrs={"材质": "橡胶+布"}, kinds=(ND,), truth=("rubber",)
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_triple_raises_exactly_its_conflicts(name: str) -> None:
    c = CASES[name]
    offer = (
        ProductText(c.offer_title or "", c.offer_attrs)
        if c.offer_title is not None or c.offer_attrs
        else None
    )
    check = check_text(ProductText(c.title, c.attrs), offer)
    listing_materials = (
        check.found["listing_title"].material_ids() + check.found["listing_attributes"].material_ids()
    )
    assert tuple(dict.fromkeys(listing_materials)) == c.listing_materials
    assert check.truth_materials == c.truth
    assert check.kinds() == c.kinds, [(x.kind, x.listing_says, x.offer_says) for x in check.conflicts]


def test_there_are_at_least_forty_triples_in_both_languages() -> None:
    assert len(CASES) >= 40
    assert any(c.title.isascii() for c in CASES.values())
    assert sum(not c.title.isascii() for c in CASES.values()) >= 15


@pytest.mark.parametrize(
    ("listing", "offer", "title", "attributes"),
    [
        (
            ProductText("iPhone 15 硅胶手机壳 防摔"),
            ProductText("", {"材质": "PVC"}),
            "iPhone 15 PVC手机壳 防摔",
            {"材质": "PVC"},
        ),
        (
            ProductText("Soft Silicone Phone Case", {"Material": "Silicone"}),
            ProductText("手机壳", {"材质": "PVC"}),
            "Soft PVC Phone Case",
            {"Material": "PVC"},
        ),
        (
            ProductText("TPU+PC 防摔手机壳", {"材质": "TPU+PC"}),
            ProductText("", {"材质": "TPU"}),
            "TPU 防摔手机壳",
            {"材质": "TPU"},
        ),
        (
            ProductText("Leather Wallet for Men"),
            ProductText("", {"材质": "PU皮"}),
            "PU Leather Wallet for Men",
            {"Material": "PU leather"},
        ),
        (
            ProductText("无PVC 环保手机壳 硅胶"),
            ProductText("", {"材质": "PVC"}),
            "环保手机壳 PVC",
            {"材质": "PVC"},
        ),
        (
            ProductText("iPhone 15 Clear Case"),
            ProductText("MagSafe磁吸透明手机壳", {"材质": "TPU"}),
            "iPhone 15 Clear Case TPU Magnetic",
            {"Material": "TPU", "Magnetic": "Yes"},
        ),
        (
            ProductText("无磁 手机支架", {"是否带磁": "否"}),
            ProductText("磁吸手机支架"),
            "手机支架 磁吸",
            {"是否带磁": "是"},
        ),
        (
            ProductText("不锈钢项链 女 Stainless Steel Necklace"),
            ProductText("项链", {"材质": "锌合金"}),
            "锌合金项链 女 Zinc Alloy Necklace",
            {"材质": "锌合金"},
        ),
        (
            ProductText("硅胶 Silicone 手机壳 硅胶"),
            ProductText("", {"材质": "PVC"}),
            "PVC 手机壳",
            {"材质": "PVC"},
        ),
        (
            ProductText("Crossbody Bag Genuine Leather"),
            ProductText("斜挎包", {"材质": "PU皮", "里料材质": "涤纶"}),
            "Crossbody Bag PU Leather",
            {"Material": "PU leather"},
        ),
        (
            ProductText("Winter Jacket", {"Shell Material": "Nylon", "Lining Material": "Polyester"}),
            ProductText("", {"面料": "涤纶", "里料": "涤纶", "填充物": "棉"}),
            "Winter Jacket Polyester",
            {"Shell Material": "Polyester", "Lining Material": "Polyester"},
        ),
        (
            ProductText("Kids Silicone Bib BPA Free"),
            ProductText("硅胶围兜", {"材质": "食品级硅胶"}),
            "Kids Silicone Bib BPA Free",
            {},
        ),
        (
            ProductText("Stainless Steel Tumbler", {"Material": "304 Stainless Steel"}),
            ProductText("", {"材质": "304不锈钢"}),
            "Stainless Steel Tumbler",
            {"Material": "304 Stainless Steel"},
        ),
    ],
)
def test_the_proposed_listing_states_the_real_material_in_the_same_language(
    listing: ProductText, offer: ProductText, title: str, attributes: dict[str, str]
) -> None:
    check = check_text(listing, offer)
    assert check.proposed_title == title
    assert dict(check.proposed_attributes) == attributes


def test_title_is_corrected_from_its_own_attribute_when_there_is_no_offer() -> None:
    check = check_text(ProductText("iPhone 15 硅胶手机壳", {"材质": "PVC"}), None)
    assert check.proposed_title == "iPhone 15 PVC手机壳"


def test_conflict_evidence_points_at_the_words_on_both_sides() -> None:
    check = check_text(ProductText("Silicone Case 硅胶壳"), ProductText("", {"材质": "PVC"}))
    (conflict,) = check.conflicts
    assert conflict.severity == "error"
    assert [(e.source, e.field, e.matched) for e in conflict.evidence] == [
        ("listing_title", "title", "Silicone"),
        ("listing_title", "title", "硅胶"),
        ("offer_attributes", "材质", "PVC"),
    ]
    for evidence in conflict.evidence:
        assert evidence.text[evidence.start : evidence.end] == evidence.matched


def test_offer_title_evidence_only_makes_a_warning() -> None:
    check = check_text(ProductText("硅胶表带"), ProductText("TPU表带"))
    assert [(c.kind, c.severity) for c in check.conflicts] == [("material_mismatch", "warning")]


def test_a_battery_left_out_is_an_error_because_it_decides_the_shipping_line() -> None:
    check = check_text(ProductText("Mini Fan"), ProductText("小风扇 内置锂电池"))
    (conflict,) = check.conflicts
    assert (conflict.kind, conflict.severity, conflict.subject) == (
        "function_missing_in_listing",
        "error",
        ("battery",),
    )
    assert check.proposed_attributes == {"Battery Included": "Yes"}


@pytest.mark.parametrize(
    ("listing", "offer", "expected"),
    [
        (ProductText("TPU+PC Case"), ProductText("", {"材质": "TPU"}), [("material_mismatch", "warning")]),
        (ProductText("硅胶手机壳"), ProductText("", {"材质": "PVC"}), [("material_mismatch", "error")]),
        (
            ProductText("Genuine Leather Belt Alloy Buckle"),
            ProductText("", {"材质": "PU皮+合金"}),
            [("material_mismatch", "error")],
        ),
        (ProductText("硅胶手机壳", {"材质": "PVC"}), None, [("title_vs_attribute", "error")]),
        (ProductText("TPU手机壳", {"材质": "PC"}), None, [("title_vs_attribute", "warning")]),
        (ProductText("磁吸支架", {"是否带磁": "否"}), None, [("title_vs_attribute", "error")]),
        (ProductText("蓝牙音箱", {"蓝牙": "无"}), None, [("title_vs_attribute", "warning")]),
    ],
)
def test_another_hs_family_or_a_denied_battery_or_magnet_is_an_error(
    listing: ProductText, offer: ProductText | None, expected: list[tuple[str, str]]
) -> None:
    assert [(c.kind, c.severity) for c in check_text(listing, offer).conflicts] == expected
