"""HS candidates from the shipped nomenclature and keyword lists, and learning from confirmations."""

from __future__ import annotations

import pytest

from kuajing.compliance.hs_model import (
    ConfirmedExample,
    HsModel,
    build_model,
    keywords_from_toml,
    suggest,
    with_examples,
)
from kuajing.compliance.hs_nomenclature import heading_text, nomenclature
from kuajing.compliance.hs_service import base_model
from kuajing.compliance.hs_text import positive, scan_terms, tokens


@pytest.fixture(scope="module")
def model() -> HsModel:
    return base_model()


def codes(model: HsModel, title: str, top: int = 3, **attributes: str) -> list[str]:
    return [candidate.hs6 for candidate in suggest(model, title, attributes, "", top)]


def test_silicone_phone_case_has_rubber_401699_in_top_three(model: HsModel) -> None:
    assert "401699" in codes(model, "Silicone Phone Case for iPhone 15 Pro Max Shockproof")
    assert codes(model, "液态硅胶手机壳 适用苹果15")[0] == "401699"


def test_pvc_phone_case_ranks_plastics_392690_first(model: HsModel) -> None:
    assert codes(model, "Clear PVC Phone Case Transparent Cover")[0] == "392690"


def test_leather_phone_case_goes_to_heading_4202(model: HsModel) -> None:
    assert codes(model, "Genuine Leather Flip Wallet Phone Case")[0].startswith("4202")


def test_knitted_cotton_t_shirt_ranks_610910_first(model: HsModel) -> None:
    assert codes(model, "Men's Cotton Knitted T-shirt Short Sleeve")[0] == "610910"
    assert codes(model, "纯棉短袖T恤 男 针织")[0] == "610910"


def test_material_attribute_moves_the_code_within_the_product(model: HsModel) -> None:
    assert codes(model, "Women T-shirt Summer", Material="Cotton")[0] == "610910"
    assert codes(model, "Women T-shirt Summer", Material="Polyester")[0] == "610990"


def test_terms_after_for_name_the_device_not_the_product(model: HsModel) -> None:
    assert codes(model, "Tempered Glass Screen Protector for iPhone 15 Phone Case Friendly")[0] == "700719"


def test_chinese_fits_marker_covers_only_the_device_model(model: HsModel) -> None:
    assert codes(model, "适用iPhone15手机壳 硅胶防摔保护套")[0] == "401699"


def test_a_confirmed_example_makes_its_code_first_for_the_same_product(model: HsModel) -> None:
    title = "Aluminium Alloy Magnetic Car Phone Holder Dashboard Mount"
    assert codes(model, title, top=1) != ["830230"]
    learnt = with_examples(model, [ConfirmedExample(title, "830230", {"Material": "Aluminium"})])
    (first,) = suggest(learnt, title, {"Material": "Aluminium"}, "", 1)
    assert first.hs6 == "830230"
    assert any(item.source == "confirmed" for item in first.evidence)
    # a close variant of the confirmed title learns too
    assert codes(learnt, "Magnetic Car Phone Holder Dashboard Mount Aluminium Black", top=1) == ["830230"]


def test_an_official_opinion_counts_as_a_confirmed_example(model: HsModel) -> None:
    title = "儿童卡通硅胶餐盘 吸盘式"
    learnt = with_examples(model, [ConfirmedExample(title, "392410", source="official_opinion")])
    (first,) = suggest(learnt, title, {}, "", 1)
    assert first.hs6 == "392410" and first.evidence[0].source == "official_opinion"


def test_evidence_names_the_matched_terms_and_where_they_came_from(model: HsModel) -> None:
    (first,) = suggest(model, "Silicone Phone Case", {}, "", 1)
    found = {(item.term, item.source) for item in first.evidence}
    assert ("silicone", "material") in found and ("phone case", "keyword") in found
    assert (
        first.heading.startswith("40 ")
        and "4016" in first.heading
        and first.heading.endswith(nomenclature().description("401699"))
    )


def test_confidences_are_sorted_and_add_up_to_at_most_one(model: HsModel) -> None:
    found = suggest(model, "LED Strip Lights RGB 5m USB", {}, "", 5)
    shares = [candidate.confidence for candidate in found]
    assert len(found) == 5 and shares == sorted(shares, reverse=True)
    assert 0 < sum(shares) <= 1.0
    assert found[0].hs6 == "940542"


def test_a_listing_with_no_known_word_gets_no_candidate(model: HsModel) -> None:
    assert suggest(model, "qwxz zzyq 12345", {}, "", 3) == []


def test_nomenclature_only_model_still_matches_descriptions() -> None:
    bare = build_model(nomenclature())
    assert codes(bare, "umbrellas telescopic shaft")[0] == "660191"


def test_not_and_other_than_clauses_do_not_count_as_the_subheading_s_material() -> None:
    assert "cotton" not in positive(nomenclature().description("610990")).lower()
    assert "cotton" in positive(nomenclature().description("610910")).lower()


def test_tokens_are_latin_stems_and_chinese_bigrams() -> None:
    assert tokens("Phone Cases 手机壳") == ["phone", "case", "手机", "机壳"]
    assert "新款" not in "".join(tokens("2024新款手机壳"))


def test_scan_finds_longest_whole_word_terms() -> None:
    terms = {"case": 1, "phone case": 1, "手机": 1, "手机壳": 1, "glass": 1}
    lengths = sorted({len(term) for term in terms}, reverse=True)
    assert scan_terms("phone cases for 手机壳 bookcase glasses", terms, lengths) == [
        (0, "phone case"),
        (16, "手机壳"),
        (29, "glass"),
    ]


def test_keyword_lists_parse_products_and_materials() -> None:
    entries = keywords_from_toml(
        {
            "product": [{"terms": ["手机壳", "Phone Case"], "codes": {"392690": 1.0}}],
            "material": [{"terms": ["棉"], "desc": ["Cotton"], "desc_weight": 0.6}],
        }
    )
    assert entries[0].terms == ("手机壳", "phone case") and entries[0].codes == (("392690", 1.0),)
    assert entries[1].kind == "material" and entries[1].desc == ("cotton",)


def test_heading_text_is_the_chapter_heading_subheading_path() -> None:
    text = heading_text("392690")
    assert text.startswith("39 Plastics and articles thereof › 3926 ") and "› 392690 " in text
    assert heading_text("000000") == ""
