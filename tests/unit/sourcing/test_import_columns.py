"""Header matching for offer files (zh/en names and synonyms, tier columns, ambiguity, --map) and
reading offer ids or 1688 URLs."""

from __future__ import annotations

import pytest

from kuajing.sourcing.import_columns import normalise, plan_columns, signature, tier_start
from kuajing.sourcing.offers_service import parse_offer_ref


def test_chinese_headers_and_synonyms_match_their_fields() -> None:
    plan = plan_columns(
        ["货源ID", "商品名称", "公司名称", "单价(元)", "起批量", "毛重(克)", "规格属性"], "f.csv"
    )

    assert plan.ok, plan.problems
    assert plan.positions == {
        "offer_id": 0,
        "title": 1,
        "supplier": 2,
        "price": 3,
        "min_order_quantity": 4,
        "weight_g": 5,
        "spec": 6,
    }
    assert plan.headers["price"] == "单价(元)"


def test_english_headers_match_whatever_the_case_spaces_underscores_and_brackets() -> None:
    plan = plan_columns(["OfferId", "Title", "Company Name", "Unit_Price", "MOQ", "Weight (kg)", "SKU"], "f")

    assert plan.ok, plan.problems
    assert set(plan.positions) == {
        "offer_id", "title", "supplier", "price", "min_order_quantity", "weight_kg", "spec",
    }  # fmt: skip
    assert normalise("价格（元）") == normalise("价格(元)") == "价格(元)"


def test_one_column_per_price_tier_is_read_from_the_header_and_stands_in_for_the_price() -> None:
    plan = plan_columns(
        ["商品ID", "标题", "供应商", "价格1000+", "价格1-99", "price 100-999", "≥5000件"], "f"
    )

    assert plan.ok, plan.problems
    assert "price" not in plan.positions
    assert plan.tier_columns == ((1, 4), (100, 5), (1000, 3), (5000, 6))
    assert [tier_start(h) for h in ("阶梯价(1000+)", "单价 1~99", "≥200", "颜色", "价格")] == [
        1000, 1, 200, None, None,
    ]  # fmt: skip


def test_a_single_tiers_column_also_stands_in_for_the_price() -> None:
    plan = plan_columns(["商品ID", "标题", "供应商", "阶梯价"], "f")
    assert plan.ok and plan.positions["price_tiers"] == 3


def test_two_headers_for_one_field_are_ambiguous_and_named() -> None:
    plan = plan_columns(["商品ID", "标题", "商品名称", "供应商", "价格"], "f.xlsx")

    assert not plan.ok and "title" not in plan.positions
    problem = plan.problems[0]  # (a required field also reads as missing until one is chosen)
    assert problem.column == "标题、商品名称" and problem.row == 1
    assert "--map title=HEADER" in problem.reason_en and "标题" in problem.reason_zh


def test_more_than_one_weight_column_is_a_problem() -> None:
    plan = plan_columns(["商品ID", "标题", "供应商", "价格", "重量(克)", "重量(kg)"], "f")
    assert [p.reason_en for p in plan.problems] == ["more than one weight column"]


def test_missing_required_columns_are_each_reported_and_unknown_headers_ignored() -> None:
    plan = plan_columns(["商品ID", "备注", ""], "f")

    assert plan.ignored == ("备注",)
    missing = [p.column for p in plan.problems]
    assert missing == ["标题 title", "价格 price", "供应商 supplier"]


def test_an_explicit_mapping_settles_an_unknown_header_and_an_ambiguity() -> None:
    headers = ["商品ID", "标题", "商品名称", "供应商", "进货价"]
    plan = plan_columns(headers, "f", explicit={"price": "进货价", "title": "商品名称"})

    assert plan.ok, plan.problems
    assert plan.positions["price"] == 4 and plan.positions["title"] == 2
    assert plan.explicit == {"price": "进货价", "title": "商品名称"}
    assert "标题" not in plan.ignored  # the other title column is simply not used


def test_an_explicit_mapping_to_an_unknown_field_or_a_missing_column_is_refused() -> None:
    plan = plan_columns(
        ["商品ID", "标题", "供应商", "价格"], "f", explicit={"colour": "价格", "price": "单价"}
    )

    reasons = [p.reason_en for p in plan.problems]
    assert reasons[0].startswith("unknown field colour")
    assert reasons[1] == "the file has no column '单价'"


def test_a_remembered_mapping_applies_and_an_explicit_one_wins_over_it() -> None:
    headers = ["商品ID", "标题", "供应商", "进货价", "批发价"]
    remembered = {"price": "进货价"}

    assert plan_columns(headers, "f", remembered=remembered).positions["price"] == 3
    plan = plan_columns(headers, "f", explicit={"price": "批发价"}, remembered=remembered)
    assert plan.positions["price"] == 4 and plan.explicit == {"price": "批发价"}


def test_the_signature_ignores_spelling_of_spaces_and_case_but_not_order() -> None:
    assert signature(["Offer ID", "Title"]) == signature(["offer_id", "title"])
    assert signature(["title", "offer_id"]) != signature(["offer_id", "title"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("610000001", 610000001),
        ("  610000001  ", 610000001),
        ("https://detail.1688.com/offer/610000001.html", 610000001),
        ("http://detail.1688.com/offer/610000001.html?spm=a26352.13672862", 610000001),
        ("detail.1688.com/offer/610000001.html#desc", 610000001),
        ("https://m.1688.com/offer/7123.html", 7123),
        ("0", None),
        ("", None),
        ("abc", None),
        ("61000 0001", None),
        ("https://item.taobao.com/item.htm?id=610000001", None),
        ("https://detail.1688.com/offer/abc.html", None),
        ("1234567890123456789", None),  # longer than an offer id
        ("-5", None),
    ],
)
def test_offer_refs_are_ids_or_1688_detail_urls_and_nothing_else(text: str, expected: int | None) -> None:
    assert parse_offer_ref(text) == expected


# --- cells parsed once per distinct value (import_rows._Memo) must read as before -------------------


def test_a_repeated_bad_cell_is_reported_on_every_row_and_a_repeated_good_one_read_on_each() -> None:
    from kuajing.sourcing.import_rows import RowReader

    reader = RowReader(plan_columns(["商品ID", "标题", "供应商", "价格", "库存"], "f"), "f")
    rows = [reader.read(n, [610000001, "壳", "厂", "-1", 5]) for n in (2, 3)]

    assert [[(p.row, p.column) for p in row.problems] for row in rows] == [[(2, "价格")], [(3, "价格")]]
    assert [row.values["stock"] for row in rows] == [5, 5]


def test_cells_equal_in_python_but_of_another_type_are_parsed_apart() -> None:
    from kuajing.sourcing.import_rows import RowReader

    reader = RowReader(plan_columns(["商品ID", "标题", "供应商", "价格", "库存"], "f"), "f")
    as_number = reader.read(2, [610000001, "壳", "厂", 2.5, 1])
    as_bool = reader.read(3, [610000001, "壳", "厂", 2.5, True])  # True == 1, but not a stock figure

    assert as_number.values["stock"] == 1 and not as_number.problems
    assert [p.column for p in as_bool.problems] == ["库存"]
