from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from kuajing.kit.errors import ValidationFailed
from kuajing.kit.importing import ImportProblem
from kuajing.kit.money import Money
from kuajing.orders.mapping import MatchKind, SkuMappingRule
from kuajing.orders.mapping_xlsx import (
    COLUMNS,
    SHEET_TITLE,
    export_rules,
    format_variant_map,
    import_rules,
    parse_variant_map,
    rejects_workbook,
)

CASE_OFFER = 612345678901
CASE_BLACK = "3f9a2b1c4d5e6f708192a3b4c5d6e7f8"
CASE_PINK = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
PU_OFFER = 734509871234
PU_IP15PM_PINK = "5e4d3c2b1a0998877665544332211000"
PU_IP15_BLACK = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
CABLE_OFFER = 655512340987
CABLE_1M = "b7c8d9e0f1a2b3c4d5e6f708192a3b4c"


OFFERS = {
    CASE_OFFER: frozenset({CASE_BLACK, CASE_PINK}),
    PU_OFFER: frozenset({PU_IP15PM_PINK, PU_IP15_BLACK}),
    CABLE_OFFER: frozenset({CABLE_1M}),
}


class FakeCatalog:
    def spec_ids(self, offer_id: int) -> frozenset[str] | None:
        return OFFERS.get(offer_id)


RULES = [
    SkuMappingRule(MatchKind.EXACT, "X7K2P9QA", CASE_OFFER, spec_id=CASE_PINK, note="随机编码 random code"),
    SkuMappingRule(
        MatchKind.PREFIX,
        f"AE-{CASE_OFFER}-",
        CASE_OFFER,
        variant_map={"1": CASE_BLACK, "2": CASE_PINK},
        store_id=1,
        unit_cost=Money.of("12.50", "CNY"),
    ),
    SkuMappingRule(
        MatchKind.REGEX,
        r"^PC-(?P<model>IP15(?:PM)?)-(?P<colour>[A-Z]+)-PU$",
        PU_OFFER,
        variant_map={"IP15PM|PNK": PU_IP15PM_PINK, "IP15|BLK": PU_IP15_BLACK},
        priority=40,
        unit_cost=Money.of("0.035", "CNY"),
    ),
    SkuMappingRule(
        MatchKind.REGEX,
        rf"AE-{CASE_OFFER}-(\d+)-2P",
        CASE_OFFER,
        variant_map={"1": CASE_BLACK},
        quantity_multiplier=2,
        enabled=False,
        store_id=1,
    ),
    SkuMappingRule(MatchKind.PREFIX, "CC-", CABLE_OFFER, spec_id=CABLE_1M, priority=900, store_id=2),
]


def _sheet_bytes(rows: list[list[object]], title: str = SHEET_TITLE) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_exported_rules_import_back_equal() -> None:
    buffer = io.BytesIO()
    export_rules(RULES, buffer)
    buffer.seek(0)

    result = import_rules(buffer, FakeCatalog(), file_name="rules.xlsx")

    assert result.errors == ()
    assert list(result.rules) == RULES
    assert result.rules[2].unit_cost == Money(Decimal("0.035"), "CNY")


def test_export_writes_one_bilingual_sheet_to_a_path(tmp_path: Path) -> None:
    path = tmp_path / "映射规则.xlsx"

    export_rules(RULES, path)

    workbook = load_workbook(path)
    assert workbook.sheetnames == [SHEET_TITLE]
    headers = [cell.value for cell in workbook[SHEET_TITLE][1]]
    assert headers[:3] == ["类型 kind", "匹配 pattern", "1688商品ID offer_id"]
    assert headers[-3:] == ["成本(¥) unit_cost", "启用 enabled", "备注 note"]
    second = [cell.value for cell in workbook[SHEET_TITLE][3]]
    assert second[4] == f"1={CASE_BLACK};2={CASE_PINK}"
    assert import_rules(path, FakeCatalog(), file_name=path.name).rules == tuple(RULES)


def test_import_reads_chinese_headers_and_values_typed_in_excel() -> None:
    headers: list[object] = [
        "类型",
        "匹配",
        "1688商品ID",
        "规格ID",
        "变体映射",
        "数量倍数",
        "优先级",
        "店铺",
        "成本(¥)",
        "启用",
        "备注",
    ]
    row = [
        "前缀",
        f"AE-{CASE_OFFER}-",
        float(CASE_OFFER),
        None,
        f"1={CASE_BLACK};2={CASE_PINK};",
        2.0,
        30,
        1,
        4.35,
    ]
    stream = _sheet_bytes([headers, [*row, "否", "两件装"]])

    result = import_rules(stream, FakeCatalog(), file_name="中文.xlsx")

    assert result.errors == ()
    assert result.rules == (
        SkuMappingRule(
            MatchKind.PREFIX,
            f"AE-{CASE_OFFER}-",
            CASE_OFFER,
            variant_map={"1": CASE_BLACK, "2": CASE_PINK},
            quantity_multiplier=2,
            priority=30,
            store_id=1,
            unit_cost=Money.of("4.35", "CNY"),
            enabled=False,
            note="两件装",
        ),
    )


def test_import_reads_english_headers_in_any_order_and_defaults_missing_columns() -> None:
    rows: list[list[object]] = [
        ["Offer ID", "Pattern", "Kind", "Spec ID", "Some column of my own"],
        [str(CABLE_OFFER), "CC-B7C8D9", "Exact", CABLE_1M, "ignored"],
    ]

    result = import_rules(_sheet_bytes(rows, title="Sheet1"), FakeCatalog(), file_name="en.xlsx")

    assert result.errors == ()
    assert result.rules == (SkuMappingRule(MatchKind.EXACT, "CC-B7C8D9", CABLE_OFFER, spec_id=CABLE_1M),)
    assert result.rules[0].priority == 100 and result.rules[0].enabled


def test_file_with_three_bad_rows_reports_all_three_with_row_and_column_and_gives_no_rules() -> None:
    headers: list[object] = [column.header for column in COLUMNS]
    good: list[object] = ["exact", "X7K2P9QA", CASE_OFFER, CASE_PINK, "", 1, 100, None, "", True, ""]
    rows: list[list[object]] = [
        headers,
        good,
        ["fuzzy", "QZ81LM0C", CASE_OFFER, CASE_PINK, "", 1, 100, None, "", True, ""],  # row 3: bad kind
        ["prefix", "AE-600000000001-", 600000000001, None, "1=" + CASE_BLACK, 1, 100, 1, "", True, ""],  # 4
        [None] * len(headers),  # row 5: blank, skipped
        ["regex", r"PC-(IP15)-PU", PU_OFFER, None, "IP15 " + PU_IP15_BLACK, 1, 100, None, "", True, ""],  # 6
        ["exact", "B3J9T1WX", CASE_OFFER, CASE_BLACK, "", 1, 100, None, "", True, ""],
    ]

    result = import_rules(_sheet_bytes(rows), FakeCatalog(), file_name="bad.xlsx")

    assert [(e.file, e.row, e.column) for e in result.errors] == [
        ("bad.xlsx", 3, "类型 kind"),
        ("bad.xlsx", 4, "1688商品ID offer_id"),
        ("bad.xlsx", 6, "变体映射 variant_map"),
    ]
    assert all(e.reason_zh and e.reason_en for e in result.errors)
    assert "600000000001" in result.errors[1].reason_en
    assert result.rules == ()
    assert [rule.pattern for rule in result.good_rules] == ["X7K2P9QA", "B3J9T1WX"]


def test_cells_that_cannot_be_read_are_each_reported_in_the_same_row() -> None:
    rows: list[list[object]] = [
        ["kind", "pattern", "offer_id", "spec_id", "multiplier", "unit_cost", "enabled"],
        ["exact", "", "61234x", CASE_BLACK, "two", "¥abc", "maybe"],
    ]

    result = import_rules(_sheet_bytes(rows), FakeCatalog(), file_name="cells.xlsx")

    assert [(e.row, e.column) for e in result.errors] == [
        (2, "pattern"),
        (2, "offer_id"),
        (2, "multiplier"),
        (2, "unit_cost"),
        (2, "enabled"),
    ]


def test_validation_problem_without_its_column_names_the_bilingual_header() -> None:
    rows: list[list[object]] = [["类型", "匹配", "1688商品ID"], ["exact", "X7K2P9QA", CASE_OFFER]]

    result = import_rules(_sheet_bytes(rows), FakeCatalog(), file_name="short.xlsx")

    assert [(e.row, e.column) for e in result.errors] == [(2, "规格ID spec_id")]


def test_sheet_missing_a_required_column_is_refused_at_the_header_row() -> None:
    rows: list[list[object]] = [["类型", "规格ID"], ["exact", CASE_BLACK]]

    result = import_rules(_sheet_bytes(rows), FakeCatalog(), file_name="headers.xlsx")

    assert [(e.row, e.column) for e in result.errors] == [(1, "匹配 pattern"), (1, "1688商品ID offer_id")]
    assert result.rules == ()


def test_a_file_that_is_not_xlsx_is_one_error_for_the_whole_file() -> None:
    result = import_rules(io.BytesIO(b"offer_id,pattern\n1,2\n"), FakeCatalog(), file_name="rules.csv")

    [error] = result.errors
    assert (error.file, error.row, error.column) == ("rules.csv", 0, "")
    assert result.rules == ()


def test_rejects_workbook_lists_every_error() -> None:
    errors = [
        ImportProblem(
            "bad.xlsx", 3, "类型 kind", "类型应为 exact/prefix/regex", "kind must be exact, prefix or regex"
        ),
        ImportProblem("bad.xlsx", 6, "变体映射 variant_map", "变体映射格式不对", "expected key=spec"),
    ]

    workbook = load_workbook(io.BytesIO(rejects_workbook(errors)))

    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert rows[0] == ["文件 file", "行 row", "列 column", "原因 reason", "reason (en)"]
    assert rows[1:] == [[e.file, e.row, e.column, e.reason_zh, e.reason_en] for e in errors]


def test_variant_map_cell_accepts_chinese_semicolons_and_spaces() -> None:
    assert parse_variant_map(f" IP15|BLK = {PU_IP15_BLACK} ;IP15PM|PNK={PU_IP15PM_PINK};") == {
        "IP15|BLK": PU_IP15_BLACK,
        "IP15PM|PNK": PU_IP15PM_PINK,
    }
    assert parse_variant_map("") == {}


def test_variant_map_cell_with_a_repeated_key_is_a_row_error() -> None:
    rows: list[list[object]] = [
        ["kind", "pattern", "offer_id", "variant_map"],
        ["prefix", f"AE-{CASE_OFFER}-", CASE_OFFER, f"1={CASE_BLACK};1={CASE_PINK}"],
    ]

    [error] = import_rules(_sheet_bytes(rows), FakeCatalog(), file_name="dup.xlsx").errors

    assert (error.row, error.column) == (2, "variant_map") and "'1'" in error.reason_en


def test_export_refuses_a_variant_key_the_cell_format_cannot_hold() -> None:
    with pytest.raises(ValidationFailed):
        format_variant_map({"a=b": CASE_BLACK})
