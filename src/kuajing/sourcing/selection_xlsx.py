"""The selection sheet as xlsx: one row per offer spec × country on its line, with the cost breakdown.

The file teams pass around, so it reads without the app: a Chinese header row, an English one
under it, money as numbers (2 decimals, written from Decimal, never float), the margin as a
percentage, and the flags spelt out (超级工厂, 一件代发, HS assumed). Written in openpyxl's
write-only mode so a 100,000-row sheet stays in bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from kuajing.sourcing.selection_service import SheetRow

MONEY = "0.00"
PERCENT = "0.00%"


def _flags(row: SheetRow) -> str:
    figure = row.figure
    flags = [
        "超级工厂 super factory" if figure.super_factory else "",
        "一件代发 dropship" if figure.dropship else "",
        "定制≤50 custom-friendly" if figure.custom_moq is not None and figure.custom_moq <= 50 else "",
        "HS 为默认值 HS assumed" if figure.hs_assumed else "",
    ]
    return "; ".join(flag for flag in flags if flag)


# (zh header, en header, value of the row, number format or None)
COLUMNS: tuple[tuple[str, str, Callable[[SheetRow], Any], str | None], ...] = (
    ("1688 商品 ID", "1688 offer ID", lambda r: r.figure.offer_id, "0"),
    ("规格 ID", "Spec ID", lambda r: r.figure.spec_id, None),
    ("规格", "Spec", lambda r: r.figure.spec_attributes, None),
    ("标题", "Title", lambda r: r.figure.title, None),
    ("类目", "Category", lambda r: r.figure.category or "", None),
    ("供应商", "Supplier", lambda r: r.figure.supplier_name, None),
    ("产业带", "Cluster", lambda r: r.figure.cluster_code or "", None),
    ("起订量", "MOQ", lambda r: r.figure.moq, "0"),
    ("目的国", "Country", lambda r: r.figure.country, None),
    ("物流线路", "Line", lambda r: r.figure.line_id or "", None),
    ("HS 编码", "HS code", lambda r: r.figure.hs_code, None),
    ("售价 (USD)", "Price (USD)", lambda r: r.figure.price_usd, MONEY),
    ("货值 (¥)", "Goods (CNY)", lambda r: r.goods, MONEY),
    ("国际运费 (¥)", "Freight (CNY)", lambda r: r.freight, MONEY),
    ("关税 (¥)", "Duty (CNY)", lambda r: r.duty, MONEY),
    ("增值税 (¥,不计入成本)", "VAT (CNY, not in total)", lambda r: r.vat, MONEY),
    ("增值税代收方", "VAT collected by", lambda r: r.vat_collected_by, None),
    ("平台佣金 (¥)", "Commission (CNY)", lambda r: r.commission, MONEY),
    ("其他费用 (¥)", "Other fees (CNY)", lambda r: r.fees, MONEY),
    ("落地总成本 (¥)", "Landed total (CNY)", lambda r: r.total, MONEY),
    ("利润 (¥)", "Profit (CNY)", lambda r: r.figure.profit_cny, MONEY),
    ("利润率", "Margin", lambda r: r.margin, PERCENT),
    ("供应商可靠度", "Supplier reliability", lambda r: r.figure.reliability, PERCENT),
    ("预期单均利润 (¥)", "Expected profit per order (CNY)", lambda r: r.figure.expected_profit_cny, MONEY),
    ("标记", "Flags", _flags, None),
    ("说明", "Notes", lambda r: "; ".join(n for n in r.notes if n), None),
)


def _cell(sheet: Any, value: Any, number_format: str | None) -> Any:
    if isinstance(value, Decimal) and number_format == MONEY:
        value = value.quantize(Decimal("0.01"))
    cell = WriteOnlyCell(sheet, value=value)
    if number_format and value is not None and value != "":
        cell.number_format = number_format
    return cell


def write_selection_sheet(rows: Iterable[SheetRow], target: str | Path | IO[bytes]) -> int:
    """Write the sheet; returns the number of data rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("选品 Selection")
    bold = Font(bold=True)
    for header in (0, 1):
        cells = []
        for column in COLUMNS:
            cell = WriteOnlyCell(sheet, value=column[header])
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    count = 0
    for row in rows:
        sheet.append(
            [_cell(sheet, value_of(row), number_format) for _, _, value_of, number_format in COLUMNS]
        )
        count += 1
    book.save(target)
    return count
