"""Profit per order and its groupings, computed by hand (Decimal, exact)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from kuajing.reports.model import (
    CostEstimate,
    GroupBy,
    OrderFacts,
    OrderLine,
    aggregate,
    order_profit,
    split,
    total,
    weekly_on_time,
)

D = Decimal


def facts(
    order_id: int, country: str, store: int, lines: tuple[OrderLine, ...], goods: str | None
) -> OrderFacts:
    return OrderFacts(
        order_id=order_id, ae_order_id=8000 + order_id, store_id=store, store_name=f"店{store}",
        country=country, paid_at=datetime(2026, 3, order_id, tzinfo=UTC), pay_amount=D("20.00"),
        currency="USD", goods_cny=D(goods) if goods else None, lines=lines,
    )  # fmt: skip


def estimate(freight: str, duty: str, commission: str, fees: str) -> CostEstimate:
    return CostEstimate(D(freight), D(duty), D(commission), D(fees), "cainiao", "菜鸟", "Cainiao", "cheapest")


ONE = facts(1, "DE", 1, (OrderLine("CUP-RED", 2, D("20.00"), "s1", "一号厂"),), "45.60")
TWO = facts(
    2, "FR", 2,
    (OrderLine("CUP-RED", 1, D("10.00"), "s1"), OrderLine("LID", 2, D("10.00"), "s2")),
    "30.00",
)  # fmt: skip


def rows():  # type: ignore[no-untyped-def]
    return [
        order_profit(ONE, D("143.80"), estimate("38.50", "0.00", "11.50", "4.31")),
        order_profit(TWO, D("143.80"), estimate("41.20", "5.10", "11.50", "4.31")),
    ]


def test_profit_is_sale_less_goods_freight_duty_commission_and_fees_exactly() -> None:
    first, second = rows()
    assert first.profit == D("143.80") - D("45.60") - D("38.50") - D("0.00") - D("11.50") - D("4.31")
    assert first.profit == D("43.89")
    assert first.margin == D("0.3052")  # 43.89 / 143.80 = 0.30521…
    assert second.profit == D("51.69") and second.margin == D("0.3595")  # 51.69 / 143.80 = 0.35945…
    assert first.estimated == {"freight", "duty", "commission", "fees"}
    assert first.line == "cainiao (cheapest)"


def test_an_order_without_estimate_or_purchase_says_so() -> None:
    row = order_profit(facts(3, "US", 1, (), None), D("143.80"), None, "weight unknown")
    assert row.profit == D("143.80") and "goods" in row.estimated
    assert row.notes == ("weight unknown", "not purchased yet")


def test_every_grouping_sums_to_the_order_rows() -> None:
    orders = rows()
    whole = total(aggregate(orders, GroupBy.ORDER))
    assert whole.profit == D("95.58") and whole.sale == D("287.60") and whole.orders == 2
    for by in GroupBy:
        groups = aggregate(orders, by)
        summed = total(groups)
        for name in ("sale", "goods", "freight", "duty", "commission", "fees", "profit"):
            assert getattr(summed, name) == getattr(whole, name), (by, name)


def test_sku_and_supplier_split_an_order_by_line_value() -> None:
    by_sku = {group.key: group for group in aggregate(rows(), GroupBy.SKU)}
    # order two: CUP-RED has 10.00 of 20.00 → half of 143.80 = 71.90, LID the rest 71.90
    assert by_sku["CUP-RED"].sale == D("143.80") + D("71.90") and by_sku["CUP-RED"].orders == 2
    assert by_sku["LID"].goods == D("15.00") and by_sku["LID"].orders == 1
    suppliers = {group.key: group for group in aggregate(rows(), GroupBy.SUPPLIER)}
    assert suppliers["s1"].label == "一号厂" and suppliers["s2"].duty == D("2.55")


def test_split_keeps_the_remainder_on_the_last_share() -> None:
    assert split(D("10.00"), [D(1), D(1), D(1)]) == [D("3.33"), D("3.33"), D("3.34")]
    assert split(D("1.00"), [D(0), D(0)]) == [D("0.50"), D("0.50")]


def test_weekly_on_time_counts_decided_purchases_per_monday() -> None:
    weeks = weekly_on_time(
        [
            (datetime(2026, 3, 2, 9, tzinfo=UTC), True),  # Monday
            (datetime(2026, 3, 8, 9, tzinfo=UTC), False),  # Sunday, same week
            (datetime(2026, 3, 9, 9, tzinfo=UTC), True),
            (datetime(2026, 3, 9, 9, tzinfo=UTC), None),  # clock running: left out
        ]
    )
    assert [(w.week.isoformat(), w.on_time, w.decided, w.rate) for w in weeks] == [
        ("2026-03-02", 1, 2, D("0.5000")),
        ("2026-03-09", 1, 1, D("1.0000")),
    ]
