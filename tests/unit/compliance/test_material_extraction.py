"""Materials and functions out of 1688 / AliExpress titles and attributes (compliance.materials)."""

from __future__ import annotations

import pytest

from kuajing.compliance.materials import (
    Term,
    consistent,
    extract,
    extract_attributes,
    materials_and_functions,
    vocabulary,
)


def said(text: str) -> list[str]:
    """Canonical ids asserted (not negated, not implied), in order."""
    return [t.canonical for t in extract(text) if not t.negated and t.implied_from is None]


def denied(text: str) -> list[str]:
    return [t.canonical for t in extract(text) if t.negated and t.implied_from is None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("iPhone 15 硅胶手机壳 防摔", ["silicone", "shockproof"]),
        ("Liquid Silicone Case for iPhone 15 Pro", ["silicone"]),
        ("TPU+PC 二合一手机壳", ["tpu", "pc"]),
        ("PC+TPU Hybrid Armor Case", ["pc", "tpu"]),
        ("PU Leather Wallet with Metal Buckle", ["pu_leather", "metal"]),
        ("头层牛皮真皮钱包", ["genuine_leather", "genuine_leather"]),
        ("304不锈钢保温杯", ["stainless_steel"]),
        ("锌合金钥匙扣 挂件", ["zinc_alloy"]),
        ("钢化玻璃膜 iPhone 15", ["glass"]),
        ("亚克力展示架 有机玻璃", ["acrylic", "acrylic"]),
        ("100% Cotton T-Shirt", ["cotton"]),
        ("涤纶 polyester 桌布", ["polyester", "polyester"]),
        ("ＰＶＣ 透明收纳袋", ["pvc"]),  # full-width letters from a 1688 title
    ],
)
def test_titles_name_their_materials_and_functions(text: str, expected: list[str]) -> None:
    assert said(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("真皮表带", ["genuine_leather"]),  # 真皮, not the vaguer 皮革
        ("有机玻璃板", ["acrylic"]),  # plastic, not glass
        ("牛皮纸袋", ["paper"]),  # kraft paper, not cowhide
        ("吸铁石冰箱贴", ["magnetic"]),  # a magnet, not iron
        ("不锈钢锅", ["stainless_steel"]),  # not 钢 + a stray 不
        ("钢化膜", ["glass"]),  # tempered glass film, not steel
        ("珍珠棉包装", ["pe"]),  # EPE foam, not cotton
        ("记忆棉枕头", ["pu"]),  # PU memory foam, not cotton
        ("仿真丝睡衣", ["polyester"]),  # imitation silk
        ("支持无线充电手机壳", ["wireless_charging"]),  # no 无线 + 充电 (no battery)
        ("强力胶 502", []),  # 胶 alone is not silicone
        ("USB充电线", ["usb"]),  # a cable, not a rechargeable product
    ],
)
def test_the_longest_word_wins(text: str, expected: list[str]) -> None:
    assert said(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2PCS Phone Case Set",
        "10 pcs Keychain",
        "1pc Cute Sticker",
        "Gaming Mouse for PC Laptop",
        "Controller PC/PS4 Wireless",
        "Pet Bed for Cats",  # PET plastic is upper case only
        "Abs Roller Wheel",  # abdominal, not ABS
        "Puzzle Game Pupil",  # PU only as a word
        "Silver Color Earrings",  # colour, not sterling silver
        "仿木纹手机支架",  # printed wood grain
        "Leather Texture Phone Case",  # a pattern printed on plastic
        "Compupter Spucase",
    ],
)
def test_quantities_computers_colours_and_patterns_are_not_materials(text: str) -> None:
    assert [t.canonical for t in extract(text) if t.kind == "material"] == []


def test_pc_is_polycarbonate_next_to_a_quantity() -> None:
    assert said("PC Hard Case 2PCS") == ["pc"]


@pytest.mark.parametrize(
    ("text", "negated", "asserted"),
    [
        ("不含硅胶 食品级PP", ["silicone"], ["pp"]),
        ("Silicone-free Hair Conditioner", ["silicone"], []),
        ("无磁 手机支架", ["magnetic"], []),
        ("BPA Free Silicone Baby Spoon", [], ["silicone"]),  # BPA free is no material
        ("Non-toxic Silicone Spatula", [], ["silicone"]),
        ("Non-slip Silicone Mat", [], ["silicone"]),
        ("无毒无味硅胶", [], ["silicone"]),
        ("无线蓝牙耳机", [], ["wireless", "bluetooth"]),  # 无线 is wireless, not "no 线"
        ("No Battery Needed Fidget Toy", ["battery"], []),
        ("without any magnets", ["magnetic"], []),
        ("Remote Control, Batteries Not Included", ["battery"], []),
        ("不含电池和磁铁 儿童玩具", ["battery", "magnetic"], []),
        ("no battery or magnets", ["battery", "magnetic"], []),
        ("Non-magnetic Stainless Steel Tweezers", ["magnetic"], ["stainless_steel"]),
        ("非真皮 PU皮钱包", ["genuine_leather"], ["pu_leather"]),
        ("free of PVC, TPU case", ["pvc"], ["tpu"]),
        ("无磁硅胶", ["magnetic"], ["silicone"]),  # the denial stops at the next word
        ("Free of BPA and PVC", ["pvc"], []),
        ("不含BPA和PVC 硅胶", ["pvc"], ["silicone"]),
        ("Free of BPA and Phthalates Silicone Teether", [], ["silicone"]),
        ("Bag without zipper, PU leather", [], ["pu_leather"]),  # a comma ends the denial
        ("不含电池的硅胶外壳", ["battery"], ["silicone"]),
    ],
)
def test_negations_deny_a_material_or_function(text: str, negated: list[str], asserted: list[str]) -> None:
    assert denied(text) == negated
    assert said(text) == asserted


def test_blended_fabric_keeps_each_share() -> None:
    terms = [t for t in extract("棉涤混纺 65%棉 35%涤纶") if t.kind == "material"]
    assert [(t.canonical, t.percent) for t in terms] == [
        ("cotton", None),
        ("polyester", None),
        ("cotton", 65.0),
        ("polyester", 35.0),
    ]


def test_shares_after_the_fibre_are_read_too() -> None:
    terms = extract("Cotton 95% Spandex 5%")
    assert [(t.canonical, t.percent) for t in terms] == [("cotton", 95.0), ("spandex", 5.0)]


def test_every_span_points_at_the_matched_words() -> None:
    text = "Magnetic PU Leather 钱包 锌合金扣 无电池"
    terms = extract(text)
    assert terms
    for term in terms:
        assert text[term.start : term.end] == term.matched
    battery = next(t for t in terms if t.canonical == "battery")
    assert battery.negation_start is not None
    assert text[battery.negation_start : battery.end] == "无电池"


def test_rechargeable_implies_a_battery_on_the_same_words() -> None:
    terms = extract("可充电暖手宝")
    implied = [t for t in terms if t.implied_from == "rechargeable"]
    assert [(t.canonical, t.matched) for t in implied] == [("battery", "可充电")]


def test_mah_capacity_means_a_battery() -> None:
    assert "battery" in said("便携风扇 2000mAh")


def test_materials_come_only_from_material_attributes() -> None:
    terms = extract_attributes(
        {
            "品牌": "PC World",
            "材质": "TPU+PC",
            "包装材质": "纸盒",
            "Fabric Type": "Cotton",
            "适用型号": "iPhone 15",
        }
    )
    assert [(t.canonical, t.field) for t in terms] == [
        ("tpu", "材质"),
        ("pc", "材质"),
        ("cotton", "Fabric Type"),
    ]


@pytest.mark.parametrize(
    ("attributes", "canonical", "negated"),
    [
        ({"是否带电池": "否"}, "battery", True),
        ({"是否带电池": "是"}, "battery", False),
        ({"Battery Included": "No"}, "battery", True),
        ({"Magnetic": "Yes"}, "magnetic", False),
        ({"电池容量": "3000mAh"}, "battery", False),
        ({"防水等级": "IPX7"}, "waterproof", False),
        ({"功能": "蓝牙, 无线"}, "bluetooth", False),
    ],
)
def test_function_attributes_answer_yes_or_no(
    attributes: dict[str, str], canonical: str, negated: bool
) -> None:
    terms = [t for t in extract_attributes(attributes) if t.canonical == canonical]
    assert terms
    assert terms[0].negated is negated


def test_the_helper_reads_title_and_attributes_together() -> None:
    found = materials_and_functions("磁吸硅胶手机壳 无电池", {"材质": "液态硅胶"})
    assert found.material_ids() == ("silicone",)
    assert found.function_ids() == ("magnetic",)
    assert found.negated_ids("function") == ("battery",)
    assert all(isinstance(t, Term) for t in found.materials)


@pytest.mark.parametrize(
    ("listing", "offer", "expected"),
    [
        ("plastic", "pc", True),  # vague but honest
        ("pu_leather", "leather", True),  # the offer is the vague one
        ("leather", "pu_leather", False),  # calling PU "leather" misleads
        ("leather", "genuine_leather", True),
        ("metal", "zinc_alloy", True),
        ("stainless_steel", "zinc_alloy", False),
        ("silicone", "pvc", False),
        ("rubber", "silicone", True),
    ],
)
def test_vague_words_cover_specific_ones_except_misleading_ones(
    listing: str, offer: str, expected: bool
) -> None:
    assert consistent(listing, offer, vocabulary()) is expected


def test_the_vocabulary_knows_the_hs_family_of_silicone_and_plastics() -> None:
    vocab = vocabulary()
    assert vocab.entry("silicone").family == "rubber"
    assert vocab.entry("pvc").family == "plastics"
    assert "40" in vocab.entry("silicone").hs_chapters
    assert "39" in vocab.entry("tpu").hs_chapters
