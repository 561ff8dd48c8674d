"""A rate card as xlsx: the layout a seller fills in Excel, read cell by cell, every bad cell reported."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from kuajing.kit import excel_cells as cell
from kuajing.logistics.catalog import shipped_catalog
from kuajing.logistics.documents import parse_rate_card
from kuajing.logistics.import_errors import ImportRejected
from kuajing.logistics.importers import export_rate_card, read_rate_card
from kuajing.logistics.model import Parcel, RateCard, freight

LINE = [
    ("line_id", "my_yanwen"),
    ("name_zh", "燕文专线"),
    ("name_en", "Yanwen line"),
    ("kind", "forwarder"),
    ("currency", "USD"),
    ("version", "2026-12"),
    ("valid_from", "2026-12-01"),
    ("max_weight_g", 2000),
    ("clearance_failure_rate", "0.02"),
]
BAND_HEADER = [
    "zone", "countries", "transit_min", "transit_max", "max_g",
    "first_weight_g", "first_fee", "step_g", "step_fee", "parcel_fee",
]  # fmt: skip
BANDS = [
    ["1", "US", 8, 15, 500, 50, "2.80", 10, "0.09", "0"],
    ["1", "US", 8, 15, 2000, 500, "6.85", 100, "0.80", "0"],
    ["2", "DE, FR", 7, 12, 2000, 50, "3.10", 10, "0.08", "0.50"],
]


def workbook(
    line: list[tuple[Any, Any]] | None = None,
    bands: list[list[Any]] | None = None,
    surcharges: list[list[Any]] | None = None,
    *,
    band_header: list[str] = BAND_HEADER,
    names: tuple[str, str, str] = ("line", "bands", "surcharges"),
) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = names[0]
    sheet.append(["字段 key", "值 value"])
    for row in LINE if line is None else line:
        sheet.append(list(row))
    sheet = book.create_sheet(names[1])
    sheet.append(band_header)
    for row in BANDS if bands is None else bands:
        sheet.append(row)
    if surcharges is not None:
        sheet = book.create_sheet(names[2])
        sheet.append(["kind", "allowed", "per_parcel", "per_kg"])
        for row in surcharges:
            sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


def rejected(stream: io.BytesIO) -> set[tuple[str, int, str]]:
    with pytest.raises(ImportRejected) as caught:
        read_rate_card(stream, file_name="card.xlsx")
    assert all(p.file == "card.xlsx" and p.reason_zh and p.reason_en for p in caught.value.problems)
    return {(p.sheet, p.row, p.column) for p in caught.value.problems}


def with_line(**changes: Any) -> list[tuple[Any, Any]]:
    return [(key, changes.get(key, value)) for key, value in LINE] + [
        (key, value) for key, value in changes.items() if key not in dict(LINE)
    ]


# --- good files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("card", shipped_catalog().cards, ids=lambda card: card.line_id)
def test_every_shipped_card_round_trips_through_export_and_import(card: RateCard) -> None:
    stream = io.BytesIO()
    export_rate_card(card, stream)
    stream.seek(0)
    result = read_rate_card(stream, file_name="template.xlsx")
    assert result.card == card
    assert parse_rate_card(result.document, "stored") == card  # the stored document reads the same


def test_export_writes_the_three_sheets_with_amounts_as_text() -> None:
    stream = io.BytesIO()
    export_rate_card(shipped_catalog().card("ae_standard", date(2026, 6, 1)), stream)
    stream.seek(0)
    book = load_workbook(stream)
    assert book.sheetnames == ["line", "bands", "surcharges"]
    bands = book["bands"]
    headers = [c.value for c in bands[1]]
    assert "首重(克) first_weight_g" in headers and "首重费用 first_fee" in headers
    first_fee = bands.cell(2, headers.index("首重费用 first_fee") + 1)
    assert first_fee.value == "3.60" and first_fee.number_format == "@"  # the trailing 0 survives Excel


def test_a_filled_in_card_reads_as_exact_decimals_and_is_not_sample() -> None:
    result = read_rate_card(workbook(), file_name="yanwen.xlsx")
    card = result.card
    assert card.line_id == "my_yanwen" and card.kind == "forwarder" and card.valid_to is None
    assert card.sample is False and card.source == "xlsx yanwen.xlsx"
    assert card.zone_for("FR") == card.zones[1] and card.zones[1].bands[0].parcel_fee == Decimal("0.50")
    assert card.zones[0].clearance_failure_rate == Decimal("0.02")  # the card's default
    assert result.document["zones"][0]["bands"][0]["first_fee"] == "2.80"
    assert freight(card, Parcel(120), "US").base == Decimal("3.43")  # 2.80 + 7 steps × 0.09


def test_chinese_sheet_names_field_names_and_headers_read_the_same() -> None:
    chinese_line = [
        ("线路代码", "my_yanwen"), ("中文名称", "燕文专线"), ("英文名称", "Yanwen line"), ("类型", "货代"),
        ("币种", "usd"), ("版本", "2026-12"), ("生效日期", "2026/12/1"), ("最大重量(克)", 2000),
        ("清关失败率", "2%"),
    ]  # fmt: skip
    header = [
        "分区", "国家", "最快时效(天)", "最慢时效(天)", "重量上限(克)",
        "首重(克)", "首重费用", "续重(克)", "续重费用", "挂号费",
    ]  # fmt: skip
    surcharges = [["带电", "是", "0.80", None], ["液体", "否", None, None]]
    chinese = read_rate_card(
        workbook(chinese_line, band_header=header, surcharges=surcharges, names=("线路", "运费", "附加费")),
        file_name="燕文.xlsx",
    )
    surcharges_en = [["battery", "yes", "0.80", None], ["liquid", "no", None, None]]
    english = read_rate_card(workbook(surcharges=surcharges_en), file_name="燕文.xlsx")
    assert chinese.card == english.card
    assert chinese.card.surcharges["battery"].per_parcel == Decimal("0.80")
    assert chinese.card.surcharges["liquid"].allowed is False


def test_numbers_typed_in_excel_arrive_as_floats_and_are_read_through_their_decimal_form() -> None:
    bands = [
        ["1", "US", 8.0, 15.0, 500.0, 50.0, 2.8, 10.0, 0.09, 0.0],
        ["1", "US", None, None, 2000.0, 500.0, 0.1 + 0.2, 100.0, 1.1, 0.0],  # zone cells left blank
        [2.0, "DE", 7, 12, 2000, 50, 3.1, 10, 0.08, 0.5],
    ]
    line = with_line(clearance_failure_rate=0.005, valid_from=datetime(2026, 12, 1), max_side_cm=60.0)
    result = read_rate_card(workbook(line, bands), file_name="floats.xlsx")
    first, second = result.card.zones[0].bands
    assert (first.first_fee, first.step_fee) == (Decimal("2.8"), Decimal("0.09"))
    assert (second.first_fee, second.step_fee) == (Decimal("0.3"), Decimal("1.1"))
    assert result.card.zones[1].code == "2" and result.card.max_side_cm == Decimal("60")
    assert result.card.zones[0].clearance_failure_rate == Decimal("0.005")
    assert result.document["zones"][0]["bands"][1]["first_fee"] == "0.3"
    assert result.card.valid_from == date(2026, 12, 1)


def test_a_card_marked_as_sample_stays_sample() -> None:
    card = read_rate_card(workbook(with_line(sample="是")), file_name="card.xlsx").card
    assert card.sample is True


# --- bad files -------------------------------------------------------------------------------------


def test_every_bad_cell_is_reported_with_sheet_row_and_column_and_nothing_is_returned() -> None:
    line = with_line(valid_from="2026-13-01", currency="US", colour="red")
    bands = [
        ["1", "USA", 8, 15, 500, 50, "abc", 10, "0.09", "0"],
        ["1", "USA", 8, 15, 2000, 500, "6.85", 0, "0.80", "0"],
        ["2", "DE", 7, 12, 2000, 50, "3.10", 10, "-1", None],
        ["2", "FR", 7, 12, 3000, 50, "3.10", 10, "0.08", None],
    ]
    surcharges = [["explosive", "yes", "1", "0"], ["battery", "maybe", "1", "0"]]
    assert rejected(workbook(line, bands, surcharges)) == {
        ("line", 6, "值 value"),  # currency
        ("line", 8, "值 value"),  # valid_from
        ("line", 11, "A"),  # an unknown field
        ("bands", 2, "countries"),
        ("bands", 3, "countries"),
        ("bands", 2, "first_fee"),
        ("bands", 3, "step_g"),
        ("bands", 4, "step_fee"),
        ("bands", 5, "countries"),  # zone 2's countries differ from its first row
        ("surcharges", 2, "kind"),
        ("surcharges", 3, "allowed"),
    }


def test_missing_fields_columns_and_sheets_are_reported() -> None:
    line = [(key, value) for key, value in LINE if key not in ("currency", "version")]
    header = [h for h in BAND_HEADER if h != "step_fee"]
    assert rejected(workbook(line, [row[:8] + row[9:] for row in BANDS], band_header=header)) == {
        ("line", 0, "币种 currency"),
        ("line", 0, "版本 version"),
        ("bands", 1, "续重费用 step_fee"),
    }
    book = Workbook()
    book.active.title = "line"
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    assert ("bands", 0, "") in rejected(stream)


def test_bands_must_rise_and_a_country_sits_in_one_zone() -> None:
    bands = [
        ["1", "US", 8, 15, 2000, 50, "2.80", 10, "0.09", "0"],
        ["1", "US", 8, 15, 500, 500, "6.85", 100, "0.80", "0"],
        ["2", "DE, US", 7, 12, 2000, 50, "3.10", 10, "0.08", "0"],
    ]
    assert rejected(workbook(bands=bands)) == {("bands", 3, "max_g"), ("bands", 4, "countries")}


def test_a_required_cell_left_blank_and_dates_in_the_wrong_order() -> None:
    line = with_line(valid_to="2026-11-01", name_en=None)
    bands = [["1", "US", 8, 15, 500, None, "2.80", 10, "0.09", "0"]]
    assert rejected(workbook(line, bands)) == {
        ("line", 4, "值 value"),  # name_en
        ("line", 11, "值 value"),  # valid_to before valid_from
        ("bands", 2, "first_weight_g"),
    }


def test_a_file_that_is_not_xlsx_is_one_problem() -> None:
    assert rejected(io.BytesIO(b"zone,countries\n1,US\n")) == {("", 0, "")}


# --- cells -----------------------------------------------------------------------------------------


def test_excel_floats_are_read_through_the_fifteen_digits_excel_keeps() -> None:
    assert cell.excel_decimal(2.8) == Decimal("2.8")
    assert cell.excel_decimal(0.1 + 0.2) == Decimal("0.3")
    assert cell.excel_decimal(0.57999999999999996) == Decimal("0.58")
    assert cell.amount(1e-05) == "0.00001"
    assert cell.amount("¥3.60") == "3.60"
    assert cell.rate("0.5%") == "0.005"
    assert cell.whole(1)(500.0) == 500
    assert cell.text(1.0) == "1"
    with pytest.raises(cell.CellError):
        cell.whole(1)(2.5)
    with pytest.raises(cell.CellError):
        cell.rate(1.5)
    with pytest.raises(cell.CellError):
        cell.excel_decimal(True)


def test_countries_dates_and_per_country_rates_as_sellers_type_them() -> None:
    assert cell.countries("US,de、FR; gb") == ["US", "DE", "FR", "GB"]
    assert cell.day(datetime(2026, 1, 1)) == "2026-01-01" and cell.day("2026/1/1") == "2026-01-01"
    assert cell.rates_by_country("BR=0.03, MX:2%") == {"BR": "0.03", "MX": "0.02"}
    with pytest.raises(cell.CellError):
        cell.day(datetime(2026, 1, 1, 9, 30))
    with pytest.raises(cell.CellError):
        cell.rates_by_country("Brazil 3%")
