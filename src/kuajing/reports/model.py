"""Profit per order and its aggregations (pure: no SQL, no clock).

profit = sale − goods − international freight − duty − commission − payment fee − after-sales,
all in CNY.

- sale: the AliExpress ``pay_amount`` converted through the catalog's dated FX table;
- goods: what the 1688 purchases cost (``total_amount``, which already includes ``post_fee``; the
  repository adds ``post_fee`` only where ``total_amount`` is missing) — a recorded figure;
- freight, duty, commission, payment fee: *estimated* by ``landed_cost()`` (see ``estimate``) and
  marked so. The ads and returns allowances of the cost policy are budgets, not money AliExpress
  takes, so they are left out of profit;
- after-sales: what actually went back to buyers (every classified return or dispute's amount,
  through the same FX table) less what was recovered from suppliers or the platform (settled
  claims, 信用保障 advance compensation included) — recorded figures, so never "estimated".

Aggregating by SKU or supplier splits each order's figures over its lines by the lines' sale value,
with the rounding remainder on the last line, so every grouping sums to the per-order rows exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal(0)
CENT = Decimal("0.01")
MARGIN_PLACES = Decimal("0.0001")
COST_KEYS = ("goods", "freight", "duty", "commission", "fees", "aftersales")


class GroupBy(StrEnum):
    ORDER = "order"
    SKU = "sku"
    SUPPLIER = "supplier"
    STORE = "store"
    COUNTRY = "country"


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku_code: str
    quantity: int
    value: Decimal  # unit_price × quantity, in the order's currency: the share key
    supplier_member_id: str | None
    supplier_name: str | None = None


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """One paid AliExpress order with what we know of its cost."""

    order_id: int
    ae_order_id: int
    store_id: int
    store_name: str
    country: str | None
    paid_at: datetime
    pay_amount: Decimal
    currency: str
    goods_cny: Decimal | None  # the purchases' totals; None while nothing was bought
    lines: tuple[OrderLine, ...]
    ae_service_name: str | None = None
    weight_g: int | None = None  # the parcel, from the sourced offers' weights; None when unknown
    hs_codes: tuple[str, ...] = ()
    category: str | None = None
    refunds: tuple[tuple[Decimal, str], ...] = ()  # (amount, currency) of each classified return
    recovered_cny: Decimal = ZERO  # received back on this order's supplier claims


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """What ``landed_cost()`` says the order bore beyond the goods (CNY, each rounded to the cent)."""

    freight: Decimal
    duty: Decimal
    commission: Decimal
    fees: Decimal
    line_id: str
    line_name_zh: str
    line_name_en: str
    line_basis: str  # "matched": ae_service_name = the card's service_code; "cheapest": cheapest official


@dataclass(frozen=True, slots=True)
class OrderProfit:
    facts: OrderFacts
    sale: Decimal
    goods: Decimal
    freight: Decimal
    duty: Decimal
    commission: Decimal
    fees: Decimal
    estimated: frozenset[str]  # which of COST_KEYS are estimates (or missing: counted as 0)
    line: str | None = None  # the logistics line used, "<line_id> (matched|cheapest)"
    notes: tuple[str, ...] = field(default_factory=tuple)
    aftersales: Decimal = ZERO  # refunds to buyers less what suppliers / the platform paid back

    @property
    def cost(self) -> Decimal:
        return self.goods + self.freight + self.duty + self.commission + self.fees + self.aftersales

    @property
    def profit(self) -> Decimal:
        return self.sale - self.cost

    @property
    def margin(self) -> Decimal | None:
        return margin_of(self.profit, self.sale)

    @property
    def paid_on(self) -> date:
        return self.facts.paid_at.date()


def margin_of(profit: Decimal, sale: Decimal) -> Decimal | None:
    return (profit / sale).quantize(MARGIN_PLACES, ROUND_HALF_UP) if sale else None


def order_profit(
    facts: OrderFacts,
    sale_cny: Decimal,
    estimate: CostEstimate | None,
    why_not: str | None = None,
    refunds_cny: Decimal = ZERO,
) -> OrderProfit:
    """The order's profit; without an estimate freight, duty and fees count as 0 and are flagged."""
    notes: list[str] = []
    estimated = {"freight", "duty", "commission", "fees"}  # estimated, or 0 when no estimate
    if estimate is None:
        notes.append(why_not or "no estimate")
    if facts.goods_cny is None:
        estimated.add("goods")
        notes.append("not purchased yet")
    return OrderProfit(
        facts=facts,
        sale=sale_cny,
        goods=facts.goods_cny if facts.goods_cny is not None else ZERO,
        freight=estimate.freight if estimate else ZERO,
        duty=estimate.duty if estimate else ZERO,
        commission=estimate.commission if estimate else ZERO,
        fees=estimate.fees if estimate else ZERO,
        estimated=frozenset(estimated),
        line=f"{estimate.line_id} ({estimate.line_basis})" if estimate else None,
        notes=tuple(notes),
        aftersales=refunds_cny - facts.recovered_cny,
    )


@dataclass(slots=True)
class ProfitGroup:
    key: str
    label: str
    sale: Decimal = ZERO
    goods: Decimal = ZERO
    freight: Decimal = ZERO
    duty: Decimal = ZERO
    commission: Decimal = ZERO
    fees: Decimal = ZERO
    aftersales: Decimal = ZERO
    estimated: bool = False
    order_ids: set[int] = field(default_factory=set)

    @property
    def orders(self) -> int:
        return len(self.order_ids)

    @property
    def cost(self) -> Decimal:
        return self.goods + self.freight + self.duty + self.commission + self.fees + self.aftersales

    @property
    def profit(self) -> Decimal:
        return self.sale - self.cost

    @property
    def margin(self) -> Decimal | None:
        return margin_of(self.profit, self.sale)

    def add(self, order_id: int, amounts: Sequence[Decimal], estimated: bool) -> None:
        self.order_ids.add(order_id)
        self.sale += amounts[0]
        self.goods += amounts[1]
        self.freight += amounts[2]
        self.duty += amounts[3]
        self.commission += amounts[4]
        self.fees += amounts[5]
        self.aftersales += amounts[6]
        self.estimated = self.estimated or estimated


def split(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` shared by ``weights`` to the cent; the last share takes the remainder (exact sum)."""
    total = sum(weights, ZERO)
    if not weights:
        return []
    if total <= 0:
        weights, total = [Decimal(1)] * len(weights), Decimal(len(weights))
    shares = [(amount * weight / total).quantize(CENT, ROUND_HALF_UP) for weight in weights[:-1]]
    return [*shares, amount - sum(shares, ZERO)]


def _amounts(row: OrderProfit) -> list[Decimal]:
    return [row.sale, row.goods, row.freight, row.duty, row.commission, row.fees, row.aftersales]


def _per_line(
    row: OrderProfit, key: Callable[[OrderLine], tuple[str, str]]
) -> list[tuple[str, str, list[Decimal]]]:
    lines = row.facts.lines or (OrderLine("", 1, ZERO, None),)
    weights = [line.value for line in lines]
    columns = [split(amount, weights) for amount in _amounts(row)]
    return [(*key(line), [column[index] for column in columns]) for index, line in enumerate(lines)]


def aggregate(rows: Iterable[OrderProfit], by: GroupBy) -> list[ProfitGroup]:
    """Groups by ``by``, largest profit first; ``total(groups)`` equals the sum of the order rows."""
    groups: dict[str, ProfitGroup] = {}
    for row in rows:
        facts = row.facts
        parts: list[tuple[str, str, list[Decimal]]]
        if by is GroupBy.ORDER:
            parts = [(str(facts.ae_order_id), str(facts.ae_order_id), _amounts(row))]
        elif by is GroupBy.STORE:
            parts = [(str(facts.store_id), facts.store_name, _amounts(row))]
        elif by is GroupBy.COUNTRY:
            parts = [(facts.country or "?", facts.country or "?", _amounts(row))]
        elif by is GroupBy.SKU:
            parts = _per_line(row, lambda line: (line.sku_code or "?", line.sku_code or "?"))
        else:
            parts = _per_line(
                row,
                lambda line: (
                    line.supplier_member_id or "?",
                    line.supplier_name or line.supplier_member_id or "?",
                ),
            )
        for key, label, amounts in parts:
            group = groups.setdefault(key, ProfitGroup(key, label))
            group.add(facts.order_id, amounts, bool(row.estimated))
    return sorted(groups.values(), key=lambda group: (-group.profit, group.key))


def total(groups: Iterable[ProfitGroup]) -> ProfitGroup:
    whole = ProfitGroup("total", "total")
    for group in groups:
        whole.sale += group.sale
        whole.goods += group.goods
        whole.freight += group.freight
        whole.duty += group.duty
        whole.commission += group.commission
        whole.fees += group.fees
        whole.aftersales += group.aftersales
        whole.estimated = whole.estimated or group.estimated
        whole.order_ids |= group.order_ids
    return whole


@dataclass(frozen=True, slots=True)
class WeekOnTime:
    week: date  # the Monday
    on_time: int
    decided: int

    @property
    def rate(self) -> Decimal | None:
        return (
            (Decimal(self.on_time) / self.decided).quantize(MARGIN_PLACES, ROUND_HALF_UP)
            if self.decided
            else None
        )


def weekly_on_time(outcomes: Iterable[tuple[datetime, bool | None]]) -> list[WeekOnTime]:
    """On-time dispatch per ISO week of payment; undecided purchases (clock still running) left out."""
    weeks: dict[date, list[int]] = {}
    for paid_at, on_time in outcomes:
        if on_time is None:
            continue
        day = paid_at.date()
        monday = date.fromordinal(day.toordinal() - day.weekday())
        tally = weeks.setdefault(monday, [0, 0])
        tally[0] += int(on_time)
        tally[1] += 1
    return [WeekOnTime(week, on, decided) for week, (on, decided) in sorted(weeks.items())]


@dataclass(slots=True)
class WeekClaims:
    """After-sales per ISO week the return was opened (CNY): what went back to buyers, what the
    supplier claims asked for and what they recovered."""

    week: date  # the Monday
    returns: int = 0
    supplier_liable: int = 0  # returns that opened a supplier claim
    refunded: Decimal = ZERO
    claimed: Decimal = ZERO
    recovered: Decimal = ZERO

    @property
    def recovery_rate(self) -> Decimal | None:
        return (
            (self.recovered / self.claimed).quantize(MARGIN_PLACES, ROUND_HALF_UP) if self.claimed else None
        )


@dataclass(frozen=True, slots=True)
class ReturnFact:
    opened_at: datetime
    refunded_cny: Decimal
    claimed_cny: Decimal | None  # None: no supplier claim (the seller bears it)
    recovered_cny: Decimal | None


def weekly_claims(facts: Iterable[ReturnFact]) -> list[WeekClaims]:
    weeks: dict[date, WeekClaims] = {}
    for fact in facts:
        day = fact.opened_at.date()
        monday = date.fromordinal(day.toordinal() - day.weekday())
        week = weeks.setdefault(monday, WeekClaims(monday))
        week.returns += 1
        week.refunded += fact.refunded_cny
        if fact.claimed_cny is not None:
            week.supplier_liable += 1
            week.claimed += fact.claimed_cny
            week.recovered += fact.recovered_cny or ZERO
    return [weeks[monday] for monday in sorted(weeks)]
