"""产品生命周期 (pure): the stages an offer goes through, the moves allowed between them, and the
triggers that suggest a move, computed from what the offer's AliExpress orders did.

The path is the guide's (FAQ "分别适合哪些业务场景"): sample purchase on 1688 → test listing on
AliExpress → winner → reorder on 1688 with custom packaging/labels → ship on AliExpress official
logistics; any stage can end in "dropped", and a dropped offer can come back as a candidate.

Triggers only *suggest*: a person applies the move, and every move is stored with what, when, why
and who (``LifecycleMove``). Trigger figures are data (``data/lifecycle.toml``), the order facts a
plain ``OrderStats`` built by ``order_stats`` from sold lines, and ``now`` is passed in.

Measures, stated once:
- orders = distinct paid AliExpress orders with a line mapped to the offer, not cancelled before
  we bought; counted in 24-hour days ending at ``now``.
- margin = goods margin over the window: (sale price in CNY − 1688 cost) / sale price, before
  freight, commission and ads (the landed-cost engine owns those).
- defect rate = defects / orders over the window; a defect is what is measurable today (the order
  cancelled after we bought, or the 1688 purchase failed or was cancelled) plus defects reported
  from elsewhere (``reported_defects``: after-sales, when it exists).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from kuajing.kit.errors import KuajingError

DEFAULT_TRIGGERS = Path(__file__).parent / "data" / "lifecycle.toml"
_RATE = Decimal("0.0001")


class Stage(StrEnum):
    CANDIDATE = "candidate"  # 候选: in the workbench, nothing bought yet
    SAMPLE = "sample"  # 样品采购
    TESTING = "testing"  # 测款: listed on AliExpress
    WINNER = "winner"  # 爆款
    REORDER = "reorder"  # 返单: bulk order with custom packaging/labels
    OFFICIAL_LOGISTICS = "official_logistics"  # 速卖通官方物流发货
    DROPPED = "dropped"  # 淘汰


STAGE_ZH: dict[Stage, str] = {
    Stage.CANDIDATE: "候选",
    Stage.SAMPLE: "样品采购",
    Stage.TESTING: "测款",
    Stage.WINNER: "爆款",
    Stage.REORDER: "返单定制",
    Stage.OFFICIAL_LOGISTICS: "官方物流发货",
    Stage.DROPPED: "淘汰",
}

# Forward along the path, one step back where demand cools, and out to dropped from anywhere.
ALLOWED_MOVES: dict[Stage, frozenset[Stage]] = {
    Stage.CANDIDATE: frozenset({Stage.SAMPLE, Stage.TESTING, Stage.DROPPED}),
    Stage.SAMPLE: frozenset({Stage.TESTING, Stage.DROPPED}),
    Stage.TESTING: frozenset({Stage.WINNER, Stage.SAMPLE, Stage.DROPPED}),
    Stage.WINNER: frozenset({Stage.REORDER, Stage.TESTING, Stage.DROPPED}),
    Stage.REORDER: frozenset({Stage.OFFICIAL_LOGISTICS, Stage.WINNER, Stage.DROPPED}),
    Stage.OFFICIAL_LOGISTICS: frozenset({Stage.REORDER, Stage.DROPPED}),
    Stage.DROPPED: frozenset({Stage.CANDIDATE}),
}


class IllegalLifecycleMove(KuajingError):
    code = "illegal_lifecycle_move"
    http_status = 409

    def __init__(self, offer_id: int, from_stage: str, to_stage: str, why_zh: str, why_en: str) -> None:
        super().__init__(
            f"offer {offer_id}: cannot move from {from_stage} to {to_stage}: {why_en}",
            f"货源 {offer_id}:不能从「{_zh(from_stage)}」移到「{_zh(to_stage)}」:{why_zh}",
            details={"offer_id": offer_id, "from_stage": from_stage, "to_stage": to_stage},
        )


def _zh(stage: str) -> str:
    return STAGE_ZH[Stage(stage)] if stage in Stage.__members__.values() else stage


@dataclass(frozen=True, slots=True)
class LifecycleMove:
    offer_id: int
    from_stage: Stage
    to_stage: Stage
    reason: str
    actor: str
    at: datetime


def plan_move(
    offer_id: int, current: str, target: str, reason: str, actor: str, at: datetime
) -> LifecycleMove:
    """The move, or ``IllegalLifecycleMove`` saying why not (unknown stage, not allowed, no reason)."""
    stages = {stage.value for stage in Stage}
    if target not in stages or current not in stages:
        raise IllegalLifecycleMove(offer_id, current, target, "未知阶段", "unknown stage")
    source, destination = Stage(current), Stage(target)
    if destination not in ALLOWED_MOVES[source]:
        allowed = ", ".join(sorted(ALLOWED_MOVES[source]))
        raise IllegalLifecycleMove(
            offer_id, current, target, f"允许的下一步:{allowed}", f"allowed next stages: {allowed}"
        )
    if not reason.strip():
        raise IllegalLifecycleMove(offer_id, current, target, "请写明原因", "a reason is required")
    return LifecycleMove(offer_id, source, destination, reason.strip()[:500], actor, at)


# --- order facts -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SoldLine:
    """One AliExpress order line mapped to the offer, as the triggers need it."""

    order_id: int
    paid_at: datetime
    pieces: int  # what 1688 ships for it (the line's buy quantity)
    sale_cny: Decimal | None  # the line's sale price × quantity in CNY; None without an FX rate
    cost_cny: Decimal | None  # 1688 cost of the pieces; None when unknown
    counted: bool = True  # False: cancelled before we bought, so neither a sale nor a defect
    defect: bool = False


@dataclass(frozen=True, slots=True)
class OrderStats:
    daily_orders: tuple[int, ...] = ()  # orders per 24-hour day, oldest first, the last ending now
    daily_pieces: tuple[int, ...] = ()
    history_days: int = 0  # whole days since the offer's first paid order
    sales_cny: Decimal = Decimal(0)  # over the orders whose sale and cost are both known
    cost_cny: Decimal = Decimal(0)
    defects: int = 0  # measured (cancelled after purchase, purchase failed/cancelled)
    reported_defects: int = 0  # from after-sales, when it exists

    def orders(self, days: int) -> int:
        return sum(self.daily_orders[-days:]) if days > 0 else 0

    def orders_per_day(self, days: int) -> Decimal:
        return Decimal(self.orders(days)) / Decimal(days) if days > 0 else Decimal(0)

    def pieces_per_day(self, days: int) -> Decimal:
        return Decimal(sum(self.daily_pieces[-days:])) / Decimal(days) if days > 0 else Decimal(0)

    @property
    def margin_rate(self) -> Decimal | None:
        if self.sales_cny <= 0:
            return None
        return ((self.sales_cny - self.cost_cny) / self.sales_cny).quantize(_RATE)

    def defect_rate(self, days: int) -> Decimal | None:
        orders = self.orders(days)
        if orders == 0:
            return None
        return (Decimal(self.defects + self.reported_defects) / Decimal(orders)).quantize(_RATE)


def order_stats(
    lines: Iterable[SoldLine], now: datetime, window_days: int, history_days: int, reported_defects: int = 0
) -> OrderStats:
    """Sold lines → per-day counts over the last ``window_days`` 24-hour days ending at ``now``."""
    orders: list[set[int]] = [set() for _ in range(window_days)]
    pieces = [0] * window_days
    sales = cost = Decimal(0)
    defective: set[int] = set()
    start = now - timedelta(days=window_days)
    for line in lines:
        if not line.counted or not (start < line.paid_at <= now):
            continue
        day = min(window_days - 1, int((line.paid_at - start) / timedelta(days=1)))
        orders[day].add(line.order_id)
        pieces[day] += line.pieces
        if line.defect:
            defective.add(line.order_id)
        if line.sale_cny is not None and line.cost_cny is not None:
            sales += line.sale_cny
            cost += line.cost_cny
    return OrderStats(
        daily_orders=tuple(len(day) for day in orders),
        daily_pieces=tuple(pieces),
        history_days=history_days,
        sales_cny=sales,
        cost_cny=cost,
        defects=len(defective),
        reported_defects=reported_defects,
    )


# --- triggers --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VolumeTrigger:
    min_orders: int
    days: int


@dataclass(frozen=True, slots=True)
class Triggers:
    testing_min_orders: int
    winner_orders_per_day: Decimal
    winner_days: int
    drop_margin_floor: Decimal
    drop_max_defect_rate: Decimal
    drop_min_orders: int
    drop_days: int
    reorder: VolumeTrigger
    official_logistics: VolumeTrigger
    demand_days: int
    lead_time_days: int
    cover_days: int
    source: str = ""

    @property
    def window_days(self) -> int:
        """How many days of orders the triggers look at."""
        return max(
            self.winner_days,
            self.drop_days,
            self.reorder.days,
            self.official_logistics.days,
            self.demand_days,
        )


def parse_triggers(doc: dict[str, Any], source: str) -> Triggers:
    def section(name: str) -> dict[str, Any]:
        value = doc.get(name)
        if not isinstance(value, dict):
            raise KuajingError(f"{source}: missing [{name}]", f"{source}:缺少 [{name}]", code="bad_triggers")
        return value

    def number(name: str, key: str, kind: type[int] | type[Decimal]) -> Any:
        try:
            value = kind(str(section(name)[key]))
        except (KeyError, ArithmeticError, ValueError):
            raise KuajingError(
                f"{source}: [{name}] {key} missing or not a number",
                f"{source}:[{name}] {key} 缺失或不是数字",
                code="bad_triggers",
            ) from None
        if value < 0:
            raise KuajingError(
                f"{source}: [{name}] {key} < 0", f"{source}:[{name}] {key} 为负数", code="bad_triggers"
            )
        return value

    def volume(name: str) -> VolumeTrigger:
        return VolumeTrigger(number(name, "min_orders", int), max(1, number(name, "days", int)))

    return Triggers(
        testing_min_orders=number("testing", "min_orders", int),
        winner_orders_per_day=number("winner", "min_orders_per_day", Decimal),
        winner_days=max(1, number("winner", "days", int)),
        drop_margin_floor=number("drop", "margin_floor", Decimal),
        drop_max_defect_rate=number("drop", "max_defect_rate", Decimal),
        drop_min_orders=number("drop", "min_orders", int),
        drop_days=max(1, number("drop", "days", int)),
        reorder=volume("reorder"),
        official_logistics=volume("official_logistics"),
        demand_days=max(1, number("reorder_plan", "demand_days", int)),
        lead_time_days=number("reorder_plan", "lead_time_days", int),
        cover_days=number("reorder_plan", "cover_days", int),
        source=source,
    )


def load_triggers(path: Path | None = None) -> Triggers:
    path = path or DEFAULT_TRIGGERS
    with path.open("rb") as handle:
        return parse_triggers(tomllib.load(handle), path.name)


@dataclass(frozen=True, slots=True)
class Suggestion:
    to_stage: Stage
    rule: str  # which trigger: testing | winner | drop_margin | drop_defects | reorder | official_logistics
    reason_zh: str
    reason_en: str


_LIVE = (Stage.TESTING, Stage.WINNER, Stage.REORDER, Stage.OFFICIAL_LOGISTICS)


def suggest(stage: str, stats: OrderStats, triggers: Triggers) -> Suggestion | None:
    """The move the triggers suggest for an offer in ``stage``, or None. Dropping is checked first:
    a product that loses money is not a winner however well it sells."""
    current = Stage(stage)
    if current in _LIVE:
        dropped = _drop(stats, triggers)
        if dropped:
            return dropped
    if current == Stage.SAMPLE and stats.orders(triggers.window_days) >= max(1, triggers.testing_min_orders):
        count = stats.orders(triggers.window_days)
        return Suggestion(
            Stage.TESTING,
            "testing",
            f"已有 {count} 单付款,测款已开始",
            f"{count} paid orders: the test listing sells",
        )
    if current == Stage.TESTING:
        days = triggers.winner_days
        rate = stats.orders_per_day(days)
        if stats.history_days >= days and rate >= triggers.winner_orders_per_day:
            shown = rate.quantize(Decimal("0.1"))
            return Suggestion(
                Stage.WINNER,
                "winner",
                f"近 {days} 天日均 {shown} 单",
                f"{shown} orders a day over {days} days",
            )
    for source, target, trigger in (
        (Stage.WINNER, Stage.REORDER, triggers.reorder),
        (Stage.REORDER, Stage.OFFICIAL_LOGISTICS, triggers.official_logistics),
    ):
        count = stats.orders(trigger.days)
        if current == source and count >= trigger.min_orders:
            return Suggestion(
                target,
                target.value,
                f"近 {trigger.days} 天 {count} 单",
                f"{count} orders in {trigger.days} days",
            )
    return None


def _drop(stats: OrderStats, triggers: Triggers) -> Suggestion | None:
    count = stats.orders(triggers.drop_days)
    if count < max(1, triggers.drop_min_orders):
        return None
    margin = stats.margin_rate
    if margin is not None and margin < triggers.drop_margin_floor:
        return Suggestion(
            Stage.DROPPED,
            "drop_margin",
            f"近 {count} 单毛利率 {margin:.1%} 低于 {triggers.drop_margin_floor:.0%}",
            f"goods margin {margin:.1%} over {count} orders is below {triggers.drop_margin_floor:.0%}",
        )
    defects = stats.defect_rate(triggers.drop_days)
    if defects is not None and defects > triggers.drop_max_defect_rate:
        return Suggestion(
            Stage.DROPPED,
            "drop_defects",
            f"近 {count} 单问题率 {defects:.1%} 高于 {triggers.drop_max_defect_rate:.1%}",
            f"defect rate {defects:.1%} over {count} orders is above {triggers.drop_max_defect_rate:.1%}",
        )
    return None


# --- reorder ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReorderPlan:
    quantity: int
    pieces_per_day: Decimal
    days_of_stock: int
    custom_moq: int | None
    tier_start: int  # the 1688 price tier the quantity falls in
    unit_price: Decimal  # CNY, that tier's price
    total: Decimal
    dropship_unit_price: Decimal | None
    saving: Decimal | None  # (dropship − tier price) × quantity


def parse_tiers(price_tiers: Sequence[Sequence[Any]]) -> list[tuple[int, Decimal]]:
    return sorted((int(start), Decimal(str(price))) for start, price in price_tiers)


def tier_price(price_tiers: Sequence[Sequence[Any]], quantity: int) -> tuple[int, Decimal]:
    """The tier a quantity buys at: the highest start at or below it (the first tier below all)."""
    tiers = parse_tiers(price_tiers)
    if not tiers:
        raise ValueError("no price tiers")
    chosen = tiers[0]
    for tier in tiers:
        if tier[0] <= quantity:
            chosen = tier
    return chosen


def plan_reorder(
    stats: OrderStats,
    triggers: Triggers,
    price_tiers: Sequence[Sequence[Any]],
    custom_moq: int | None,
    min_order_quantity: int = 1,
    dropship_unit_price: Decimal | None = None,
) -> ReorderPlan:
    """Recent demand × (lead time + cover), rounded up, at least the custom MOQ and the offer's MOQ,
    priced at the 1688 tier for that quantity."""
    per_day = stats.pieces_per_day(triggers.demand_days)
    days = triggers.lead_time_days + triggers.cover_days
    needed = int((per_day * days).to_integral_value(rounding=ROUND_CEILING))
    quantity = max(needed, custom_moq or 0, min_order_quantity, 1)
    start, price = tier_price(price_tiers, quantity)
    total = (price * quantity).quantize(Decimal("0.01"))
    saving = None
    if dropship_unit_price is not None:
        saving = ((dropship_unit_price - price) * quantity).quantize(Decimal("0.01"))
    return ReorderPlan(
        quantity,
        per_day.quantize(Decimal("0.01")),
        days,
        custom_moq,
        start,
        price,
        total,
        dropship_unit_price,
        saving,
    )


def sparkline_points(values: Sequence[int], width: int = 120, height: int = 24) -> str:
    """SVG polyline points for a day-by-day count (the board's orders/day sparkline)."""
    if not values:
        return ""
    top = max(values) or 1
    step = width / max(1, len(values) - 1)
    return " ".join(
        f"{round(i * step, 1):g},{round(height - value * height / top, 1):g}"
        for i, value in enumerate(values)
    )


__all__ = [
    "ALLOWED_MOVES",
    "IllegalLifecycleMove",
    "LifecycleMove",
    "OrderStats",
    "ReorderPlan",
    "SoldLine",
    "Stage",
    "Suggestion",
    "Triggers",
    "load_triggers",
    "order_stats",
    "plan_move",
    "plan_reorder",
    "suggest",
    "tier_price",
]
