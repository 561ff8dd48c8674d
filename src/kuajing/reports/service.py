"""Report use cases: the profit rows for a filter, grouped tables, the SLA and claim trends (reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from kuajing.fulfilment.sla import SlaPolicy
from kuajing.fulfilment.sla_service import sla_report
from kuajing.logistics.catalog import LogisticsCatalog
from kuajing.reports.estimate import estimate_costs, sale_cny
from kuajing.reports.model import (
    GroupBy,
    OrderProfit,
    ProfitGroup,
    ReturnFact,
    WeekClaims,
    WeekOnTime,
    aggregate,
    order_profit,
    total,
    weekly_claims,
    weekly_on_time,
)
from kuajing.reports.repository import ReportFilter, ReportRepository


@dataclass(frozen=True, slots=True)
class ProfitReport:
    where: ReportFilter
    fx_as_of: date
    usd_cny: Decimal
    rows: list[OrderProfit]

    def groups(self, by: GroupBy) -> list[ProfitGroup]:
        return aggregate(self.rows, by)

    def total(self) -> ProfitGroup:
        return total(self.groups(GroupBy.ORDER))


def profit_report(session: Session, catalog: LogisticsCatalog, where: ReportFilter) -> ProfitReport:
    rows = []
    for facts in ReportRepository(session).paid_orders(where):
        estimate, why_not = estimate_costs(facts, catalog)
        refunds = sum((catalog.fx.to_cny(amount, currency) for amount, currency in facts.refunds), Decimal(0))
        rows.append(order_profit(facts, sale_cny(facts, catalog), estimate, why_not, refunds_cny=refunds))
    return ProfitReport(where, catalog.fx.as_of, catalog.fx.rate("USD"), rows)


def sla_trend(
    session: Session, now: datetime, policy: SlaPolicy, scope: frozenset[int] | None = None
) -> list[WeekOnTime]:
    """On-time dispatch per week of payment, from the dispatch SLA report's purchases (of the
    stores in ``scope``; None: every store)."""
    report = sla_report(session, now, policy, scope=scope)
    return weekly_on_time((item.sla.paid_at, item.sla.supplier_on_time) for item in report.items)


def claim_trend(
    session: Session,
    catalog: LogisticsCatalog,
    now: datetime,
    weeks: int = 12,
    scope: frozenset[int] | None = None,
) -> list[WeekClaims]:
    """Returns and supplier claims per week opened, the last ``weeks`` weeks, in CNY (orders of the
    stores in ``scope``; None: every store)."""
    returns = ReportRepository(session).returns_since(now - timedelta(weeks=weeks), scope)
    facts = [
        ReturnFact(opened, catalog.fx.to_cny(amount, currency), claimed, recovered)
        for opened, amount, currency, claimed, recovered in returns
    ]
    return weekly_claims(facts)


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _margin(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def group_to_dict(group: ProfitGroup) -> dict[str, Any]:
    return {
        "key": group.key,
        "label": group.label,
        "orders": group.orders,
        **{name: _money(getattr(group, name)) for name in AMOUNT_COLUMNS},
        "margin": _margin(group.margin),
        "estimated": group.estimated,
    }


def order_to_dict(row: OrderProfit) -> dict[str, Any]:
    facts = row.facts
    return {
        "order_id": facts.ae_order_id,
        "store": facts.store_name,
        "country": facts.country,
        "paid_at": facts.paid_at.isoformat(),
        "pay_amount": str(facts.pay_amount),
        "currency": facts.currency,
        **{name: _money(getattr(row, name)) for name in AMOUNT_COLUMNS},
        "margin": _margin(row.margin),
        "estimated": sorted(row.estimated),
        "line": row.line,
        "notes": list(row.notes),
    }


AMOUNT_COLUMNS = ("sale", "goods", "freight", "duty", "commission", "fees", "aftersales", "profit")


def report_to_dict(report: ProfitReport, by: GroupBy) -> dict[str, Any]:
    where = report.where
    result: dict[str, Any] = {
        "by": by.value,
        "currency": "CNY",
        "fx": {"as_of": report.fx_as_of.isoformat(), "usd_cny": str(report.usd_cny)},
        "filter": {
            "from": where.start.isoformat() if where.start else None,
            "to": where.end.isoformat() if where.end else None,
            "store_id": where.store_id,
            "country": where.country,
        },
        "total": group_to_dict(report.total()),
    }
    if by is GroupBy.ORDER:
        result["rows"] = [order_to_dict(row) for row in report.rows]
    else:
        result["rows"] = [group_to_dict(group) for group in report.groups(by)]
    return result


def trends_to_dict(sla_weeks: list[WeekOnTime], claim_weeks: list[WeekClaims]) -> dict[str, Any]:
    return {
        "currency": "CNY",
        "sla": [
            {"week": w.week.isoformat(), "on_time": w.on_time, "decided": w.decided, "rate": _margin(w.rate)}
            for w in sla_weeks
        ],
        "claims": [
            {
                "week": w.week.isoformat(),
                "returns": w.returns,
                "supplier_liable": w.supplier_liable,
                "refunded": _money(w.refunded),
                "claimed": _money(w.claimed),
                "recovered": _money(w.recovered),
                "recovery_rate": _margin(w.recovery_rate),
            }
            for w in claim_weeks
        ],
    }
