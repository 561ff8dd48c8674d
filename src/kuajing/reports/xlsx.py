"""Each report table as an xlsx workbook (header row frozen, amounts as numbers with two decimals)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from kuajing.reports.model import GroupBy, WeekClaims, WeekOnTime
from kuajing.reports.service import AMOUNT_COLUMNS, ProfitReport

_HEADERS_ZH = {
    "sale": "销售额", "goods": "货款", "freight": "国际运费", "duty": "关税", "commission": "平台佣金",
    "fees": "支付手续费", "aftersales": "售后净额", "profit": "利润",
}  # fmt: skip


def profit_xlsx(report: ProfitReport, by: GroupBy) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"profit-{by.value}"
    amounts = [f"{_HEADERS_ZH[name]} {name} (CNY)" for name in AMOUNT_COLUMNS]
    if by is GroupBy.ORDER:
        head = [
            "订单号 order",
            "店铺 store",
            "国家 country",
            "付款时间 paid (UTC)",
            "实付 paid",
            "币种 currency",
        ]
        sheet.append([*head, *amounts, "利润率 margin", "估算 estimated", "线路 line", "备注 notes"])
        for row in report.rows:
            facts = row.facts
            sheet.append(
                [
                    str(facts.ae_order_id), facts.store_name, facts.country or "",
                    facts.paid_at.replace(tzinfo=None), facts.pay_amount, facts.currency,
                    *(getattr(row, name) for name in AMOUNT_COLUMNS),
                    row.margin, ", ".join(sorted(row.estimated)), row.line or "", "; ".join(row.notes),
                ]
            )  # fmt: skip
    else:
        sheet.append(
            [f"{by.value}", "名称 label", "订单数 orders", *amounts, "利润率 margin", "含估算 estimated"]
        )
        for group in report.groups(by):
            sheet.append(
                [
                    group.key, group.label, group.orders, *(getattr(group, name) for name in AMOUNT_COLUMNS),
                    group.margin, "yes" if group.estimated else "",
                ]
            )  # fmt: skip
    whole = report.total()
    first_amount = 7 if by is GroupBy.ORDER else 4
    sheet.append(
        [
            "合计 total",
            *[""] * (first_amount - 2),
            *(getattr(whole, name) for name in AMOUNT_COLUMNS),
            whole.margin,
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_cells in sheet.iter_rows(
        min_row=2, min_col=first_amount, max_col=first_amount + len(AMOUNT_COLUMNS) - 1
    ):
        for cell in row_cells:
            cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def trends_xlsx(sla_weeks: list[WeekOnTime], claim_weeks: list[WeekClaims]) -> bytes:
    """Two sheets: on-time dispatch per week of payment; returns and supplier claims per week opened."""
    book = Workbook()
    sla = book.active
    assert sla is not None
    sla.title = "sla-weekly"
    sla.append(["周一 week (Mon)", "按时 on time", "已判定 decided", "按时率 on-time rate"])
    for week in sla_weeks:
        sla.append([week.week, week.on_time, week.decided, week.rate])
    claims = book.create_sheet("claims-weekly")
    claims.append(
        [
            "周一 week (Mon)", "售后单 returns", "供应商责任 supplier liable", "退款 refunded (CNY)",
            "索赔 claimed (CNY)", "收回 recovered (CNY)", "收回率 recovery rate",
        ]
    )  # fmt: skip
    for claim_week in claim_weeks:
        claims.append(
            [
                claim_week.week, claim_week.returns, claim_week.supplier_liable, claim_week.refunded,
                claim_week.claimed, claim_week.recovered, claim_week.recovery_rate,
            ]
        )  # fmt: skip
    for sheet in (sla, claims):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row_cells in sheet.iter_rows(min_row=2, max_col=1):
            for cell in row_cells:
                cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
    for row_cells in claims.iter_rows(min_row=2, min_col=4, max_col=6):
        for cell in row_cells:
            cell.number_format = "0.00"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
