"""Routing due orders: wait out the cancellation window, re-read, decide each line, plan purchases.

An order is bought only ``buy_after`` (default 10 min) after payment, and only after reading it
again from AliExpress: buyers often cancel right after paying. Each line then gets a pure routing
decision (``routing.decide``); lines to buy are grouped into purchase plans (one per supplier,
≤ 50 SKUs), stored with their idempotency keys before anything is sent to 1688. Lines that cannot
be bought automatically go to the exception queue with every reason at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import ColumnElement, String, Table, cast, func, literal, select
from sqlalchemy.orm import Session

from kuajing.kit.money import Money
from kuajing.marketplaces.aliexpress import AliExpressClient, OrderStatus
from kuajing.marketplaces.errors import MarketplaceError
from kuajing.orders.audit import record_change, set_line_state
from kuajing.orders.exceptions import open_exception, resolve_exception, resolve_open
from kuajing.orders.mapping import MappingTarget, RuleBook
from kuajing.orders.reasons import ReasonCode
from kuajing.orders.repository import OrderRepository
from kuajing.orders.routing import (
    AddressFacts,
    LineFacts,
    MappingFacts,
    RoutingDecision,
    RoutingPolicy,
    SupplierFacts,
    decide,
)
from kuajing.orders.sync import apply_detail, set_order_state
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow, OrderExceptionRow
from kuajing.purchasing.model import OrderState, PlannedLine, PurchasePlan, plan_purchases
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.snapshots import OfferSnapshots

RECHECK_EXCEPTIONS_EVERY = timedelta(minutes=30)
ROUTING_REASONS = frozenset(ReasonCode) - {
    ReasonCode.SUPPLIER_REFUSED,
    ReasonCode.AMBIGUOUS_PURCHASE,
    ReasonCode.CARRIER_NOT_APPROVED,
    ReasonCode.TRACKING_PATTERN_MISMATCH,
    ReasonCode.FULFIL_REFUSED,
}
ORDER_LEVEL = frozenset({ReasonCode.ORDER_FROZEN, ReasonCode.ORDER_IN_ISSUE})
_BUY = RoutingDecision("buy")


@dataclass(frozen=True)
class RoutingContext:
    rulebook: RuleBook
    snapshots: OfferSnapshots
    policy: RoutingPolicy
    buy_after: timedelta
    now: datetime
    actor: str
    facts: FactsMemo = field(default_factory=lambda: FactsMemo(), compare=False, repr=False)


@dataclass
class FactsMemo:
    """Facts shared by many lines in one pass, built once (a batch maps 5,000 lines to ~500 specs)."""

    mapped: dict[MappingTarget, MappingFacts] = field(default_factory=dict)
    suppliers: dict[int, SupplierFacts | None] = field(default_factory=dict)  # by offer id
    prices: dict[tuple[int, str], Money | None] = field(default_factory=dict)  # (offer, spec) → CNY


def process_order(session: Session, order: AeOrderRow, client: AliExpressClient, ctx: RoutingContext) -> str:
    """One step for a due order; returns what happened (for the pass summary)."""
    if OrderState(order.state) == OrderState.NEW:
        outcome = reread_before_buying(session, order, client, ctx)
        if outcome != "ready":
            return outcome
    return route_order(session, order, ctx)


def reread_before_buying(
    session: Session, order: AeOrderRow, client: AliExpressClient, ctx: RoutingContext
) -> str:
    """NEW → READY once the cancellation window has passed and AliExpress still says "paid".

    Returns "waiting" (window not over), "reread_failed" (try again in 2 min), "cancelled" or "ready".
    """
    if order.paid_at is None or order.paid_at + ctx.buy_after > ctx.now:
        order.due_at = (order.paid_at + ctx.buy_after) if order.paid_at else ctx.now + ctx.buy_after
        return "waiting"
    try:
        detail = client.get_order(order.ae_order_id)
    except MarketplaceError:
        order.due_at = ctx.now + timedelta(minutes=2)
        return "reread_failed"
    apply_detail(order, detail)
    order.ae_status = detail.status.value
    if detail.status in (OrderStatus.IN_CANCEL, OrderStatus.FINISH):
        set_order_state(
            session,
            order,
            OrderState.CANCELLED,
            at=ctx.now,
            actor=ctx.actor,
            reason=f"re-read before buying: {detail.status.value}",
        )
        _cancel_lines(session, order, ctx)
        return "cancelled"
    set_order_state(
        session,
        order,
        OrderState.READY,
        at=ctx.now,
        actor=ctx.actor,
        reason=f"cancellation window of {ctx.buy_after} passed; re-read: {detail.status.value}",
    )
    return "ready"


def route_order(session: Session, order: AeOrderRow, ctx: RoutingContext) -> str:
    """Route a READY or EXCEPTION order's lines, one order at a time through the ORM (any history)."""
    if OrderState(order.state) in (OrderState.READY, OrderState.EXCEPTION):
        return _route(session, order, ctx)
    return "nothing_to_do"


def _cancel_lines(session: Session, order: AeOrderRow, ctx: RoutingContext) -> None:
    for line in OrderRepository(session).lines_of(order.id):
        if line.state in ("new", "exception"):
            set_line_state(
                session,
                line,
                "cancelled",
                at=ctx.now,
                actor=ctx.actor,
                reason="order cancelled before purchase",
            )
    resolve_open(session, order.id, at=ctx.now, actor=ctx.actor, resolution="order cancelled")


def _route(session: Session, order: AeOrderRow, ctx: RoutingContext) -> str:
    repo = OrderRepository(session)
    to_buy: list[AeOrderLineRow] = []
    blocked = False
    order_level_seen: set[ReasonCode] = set()
    for line in repo.lines_of(order.id):
        if line.state == "exception" and line.purchase_id is not None:
            blocked = True  # 1688 refused its purchase: a person picks another supplier or re-maps it
            continue
        if line.state not in ("new", "exception", "routed") or line.purchase_id is not None:
            continue
        facts = _line_facts(order, line, ctx)
        decision = decide(facts, ctx.policy)
        if decision.action == "manual":
            # A person approved some reasons in the queue (orders/actions.approve_manual): they no
            # longer block this line; if none is left, the line is bought.
            approved = _approved_reasons(session, line.id)
            remaining = tuple(code for code in decision.reasons if code not in approved)
            if remaining != decision.reasons:
                decision = RoutingDecision("manual", remaining, decision.facts) if remaining else _BUY
        if decision.action == "skip":
            set_order_state(
                session,
                order,
                OrderState.CANCELLED,
                at=ctx.now,
                actor=ctx.actor,
                reason="AliExpress order cancelled",
            )
            _cancel_lines(session, order, ctx)
            return "cancelled"
        if decision.action == "buy":
            if line.state != "new":  # a line never queued has nothing to close (saves a query a line)
                resolve_open(
                    session,
                    order.id,
                    at=ctx.now,
                    actor=ctx.actor,
                    resolution="re-routed: can be bought",
                    codes=ROUTING_REASONS,
                    line_id=line.id,
                )
            if line.state != "routed":
                set_line_state(
                    session,
                    line,
                    "routed",
                    at=ctx.now,
                    actor=ctx.actor,
                    reason=routed_reason(line.buy_quantity, line.offer_id, line.spec_id),
                )
            to_buy.append(line)
            continue
        blocked = True
        order_level_seen.update(code for code in decision.reasons if code in ORDER_LEVEL)
        _open_line_reasons(session, order, line, decision.reasons, dict(decision.facts), ctx)
    _close_order_level(session, order, ctx, still=order_level_seen)
    planned = _plan(session, order, to_buy, ctx)
    if blocked:
        set_order_state(
            session,
            order,
            OrderState.EXCEPTION,
            at=ctx.now,
            actor=ctx.actor,
            reason="lines in the exception queue",
        )
        order.due_at = ctx.now + RECHECK_EXCEPTIONS_EVERY
        return "exception"
    if OrderState(order.state) == OrderState.EXCEPTION:
        set_order_state(
            session,
            order,
            OrderState.READY,
            at=ctx.now,
            actor=ctx.actor,
            reason="every blocked line can be bought now",
        )
    if planned or _has_open_purchases(session, order):
        set_order_state(
            session,
            order,
            OrderState.BUYING,
            at=ctx.now,
            actor=ctx.actor,
            reason=f"{planned} purchase(s) planned",
        )
    order.due_at = None
    return "routed"


def _approved_reasons(session: Session, line_id: int) -> frozenset[ReasonCode]:
    """The reasons a person accepted for this line ("buy it anyway").

    Approvals live in the exception rows themselves, with no column of their own: a resolved
    exception whose resolution starts with "approved" (orders/actions.approve_manual writes
    "approved by <actor>") means that reason no longer stops this line.
    """
    codes = session.scalars(
        select(OrderExceptionRow.reason_code).where(
            OrderExceptionRow.line_id == line_id,
            OrderExceptionRow.status == "resolved",
            OrderExceptionRow.resolution.startswith("approved"),
        )
    )
    return frozenset(ReasonCode(code) for code in codes)


def _open_line_reasons(
    session: Session,
    order: AeOrderRow,
    line: AeOrderLineRow,
    reasons: tuple[ReasonCode, ...],
    facts: dict[str, str],
    ctx: RoutingContext,
) -> None:
    for code in reasons:
        open_exception(
            session,
            order_id=order.id,
            line_id=None if code in ORDER_LEVEL else line.id,
            code=code,
            at=ctx.now,
            actor=ctx.actor,
            facts=reason_facts(order, line, facts, code),
        )
    # Reasons fixed since the last look are closed: the queue shows only what is still wrong.
    stale = ROUTING_REASONS - set(reasons)
    if line.state != "new":
        resolve_open(
            session,
            order.id,
            at=ctx.now,
            actor=ctx.actor,
            resolution="no longer applies",
            codes=frozenset(stale),
            line_id=line.id,
        )
    if line.state != "exception":
        set_line_state(
            session,
            line,
            "exception",
            at=ctx.now,
            actor=ctx.actor,
            reason=exception_reason(reasons),
        )


class OrderView(Protocol):
    """What routing reads of an order: an ``AeOrderRow`` or a Core row with the same columns."""

    @property
    def store_id(self) -> int: ...
    @property
    def ae_status(self) -> str: ...
    @property
    def country(self) -> str | None: ...
    @property
    def province(self) -> str | None: ...
    @property
    def city(self) -> str | None: ...
    @property
    def district(self) -> str | None: ...
    @property
    def street(self) -> str | None: ...
    @property
    def address_line(self) -> str | None: ...
    @property
    def zip(self) -> str | None: ...
    @property
    def contact(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...


class LineView(Protocol):
    """What routing reads of an order line: an ``AeOrderLineRow`` or a Core row."""

    @property
    def sku_code(self) -> str | None: ...
    @property
    def quantity(self) -> int: ...
    @property
    def unit_price(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ResolvedLine:
    """A line's routing facts plus what its mapping resolved to (stored on the line either way)."""

    facts: LineFacts
    target: MappingTarget | None
    supplier_member_id: str | None

    @property
    def buy_quantity(self) -> int | None:
        return None if self.target is None else self.facts.quantity * self.target.quantity_multiplier


def resolve_line(order: OrderView, line: LineView, ctx: RoutingContext) -> ResolvedLine:
    """Mapping rule → offer snapshot → the facts ``routing.decide`` needs (may read 1688 once per offer)."""
    target = ctx.rulebook.resolve(line.sku_code or "", order.store_id) if line.sku_code else None
    mapped = offer = spec = supplier = price = None
    memo = ctx.facts
    if target is not None:
        if (mapped := memo.mapped.get(target)) is None:
            mapped = memo.mapped[target] = MappingFacts(
                str(target.offer_id), target.spec_id, target.quantity_multiplier, target.unit_cost
            )
        offer = ctx.snapshots.get(target.offer_id)
        if offer is not None:
            spec = ctx.snapshots.spec(target.offer_id, target.spec_id)
            if target.offer_id not in memo.suppliers:
                memo.suppliers[target.offer_id] = SupplierFacts(
                    offer.supplier_member_id, offer.trust_pass, offer.super_factory
                )
            supplier = memo.suppliers[target.offer_id]
        if spec is not None:
            key = (target.offer_id, target.spec_id)
            if key not in memo.prices:
                amount = spec.consign_price or spec.price
                memo.prices[key] = Money(amount, "CNY") if amount is not None else None
            price = memo.prices[key]
    facts = LineFacts(
        order_status=order.ae_status,
        frozen=order.ae_status == OrderStatus.IN_FROZEN.value,
        in_issue=order.ae_status == OrderStatus.IN_ISSUE.value,
        sku_code=line.sku_code,
        quantity=line.quantity,
        sale_unit_price=Money(line.unit_price, line.currency),
        mapped=mapped,
        offer_available=offer is not None and offer.status == "published",
        spec_available=spec is not None,
        stock=spec.stock if spec is not None else None,
        current_unit_price=price,
        supplier=supplier,
        destination_country=order.country or "",
        address=AddressFacts(
            province=order.province,
            city=order.city,
            district=order.district,
            street=order.street,
            address_line=order.address_line,
            zip=order.zip,
            contact=order.contact,
            phone=order.phone,
        ),
    )
    return ResolvedLine(facts, target, offer.supplier_member_id if offer is not None else None)


def _line_facts(order: AeOrderRow, line: AeOrderLineRow, ctx: RoutingContext) -> LineFacts:
    resolved = resolve_line(order, line, ctx)
    if (target := resolved.target) is not None:
        line.offer_id, line.spec_id = target.offer_id, target.spec_id
        line.buy_quantity = resolved.buy_quantity
        line.rule_id = target.rule_id
        line.supplier_member_id = resolved.supplier_member_id
    return resolved.facts


def reason_facts(
    order: OrderView, line: LineView, facts: Mapping[str, str], code: ReasonCode
) -> dict[str, str]:
    """The decision's facts plus what every queue message may name: the destination, and the SKU
    unless the reason is about the whole order (frozen, in dispute: one row for all its lines)."""
    merged = dict(facts)
    if code not in ORDER_LEVEL:
        merged.setdefault("sku", line.sku_code or "")
        merged.setdefault("sku_code", line.sku_code or "")
    merged.setdefault("country", order.country or "")
    return merged


def _plan(session: Session, order: AeOrderRow, lines: list[AeOrderLineRow], ctx: RoutingContext) -> int:
    if not lines:
        return 0
    used = (
        session.scalar(
            select(func.count()).select_from(PurchaseOrderRow).where(PurchaseOrderRow.order_id == order.id)
        )
        or 0
    )
    plans = plan_purchases(
        str(order.ae_order_id),
        [
            PlannedLine(
                str(line.id),
                line.supplier_member_id or "",
                str(line.offer_id),
                line.spec_id or "",
                line.buy_quantity or line.quantity,
            )
            for line in lines
        ],
        first_number=used + 1,
    )
    by_id = {str(line.id): line for line in lines}
    for plan in plans:
        purchase = PurchaseOrderRow(**planned_purchase_values(order.id, plan, ctx.now))
        session.add(purchase)
        session.flush()
        record_change(
            session,
            "purchase",
            purchase.id,
            None,
            "planned",
            at=ctx.now,
            actor=ctx.actor,
            reason=planned_reason(plan),
        )
        for line_id in plan.line_ids:
            by_id[line_id].purchase_id = purchase.id
    return len(plans)


def planned_purchase_values(order_id: int, plan: PurchasePlan, now: datetime) -> dict[str, Any]:
    """A planned purchase's columns: stored with its key before anything is sent to 1688."""
    return {
        "order_id": order_id,
        "out_order_id": plan.out_order_id,
        "supplier_member_id": plan.supplier_member_id,
        "state": "planned",
        "created_at": now,
        "due_at": now,
        "attempts": 0,
        "currency": "CNY",
        "cargo": [
            {
                "offer_id": item.offer_id,
                "spec_id": item.spec_id,
                "quantity": item.quantity,
                "line_ids": list(item.line_ids),
            }
            for item in plan.cargo
        ],
    }


def routed_reason(buy_quantity: int | None, offer_id: int | None, spec_id: str | None) -> str:
    return f"buy {buy_quantity} × {offer_id}/{spec_id}"


def planned_reason(plan: PurchasePlan) -> str:
    return f"planned as {plan.out_order_id} for supplier {plan.supplier_member_id}"


# The same two reasons as SQL over the stored rows, for the batch router's INSERT … SELECT audit
# rows; tests/integration/orders/test_routing_batch.py holds both spellings to the same text.


def routed_reason_sql(lines: Table) -> ColumnElement[str]:
    return (
        literal("buy ")
        + cast(lines.c.buy_quantity, String)
        + literal(" × ")
        + cast(lines.c.offer_id, String)
        + literal("/")
        + lines.c.spec_id
    )


def planned_reason_sql(purchases: Table) -> ColumnElement[str]:
    return (
        literal("planned as ")
        + purchases.c.out_order_id
        + literal(" for supplier ")
        + purchases.c.supplier_member_id
    )


def exception_reason(reasons: Iterable[ReasonCode]) -> str:
    """A line sent to the queue: its reason codes."""
    return ", ".join(code.value for code in reasons)


def _close_order_level(
    session: Session, order: AeOrderRow, ctx: RoutingContext, still: set[ReasonCode]
) -> None:
    """Frozen / in-dispute are about the whole order: close them once AliExpress no longer says so."""
    for row in OrderRepository(session).open_exceptions(order.id):
        code = ReasonCode(row.reason_code)
        if row.line_id is None and code in ORDER_LEVEL and code not in still:
            resolve_exception(session, row, at=ctx.now, actor=ctx.actor, resolution="no longer applies")


def _open_after_routing(session: Session, order: AeOrderRow) -> bool:
    """Open exceptions that routing cannot clear (1688 refusals, carriers, uploads)."""
    return any(
        ReasonCode(row.reason_code) not in ROUTING_REASONS
        for row in OrderRepository(session).open_exceptions(order.id)
    )


def _has_open_purchases(session: Session, order: AeOrderRow) -> bool:
    """Any purchase still on its way (planned … shipped): the order is being bought."""
    live = ("planned", "placing", "placed", "shipped", "needs_review")
    count = session.scalar(
        select(func.count())
        .select_from(PurchaseOrderRow)
        .where(PurchaseOrderRow.order_id == order.id, PurchaseOrderRow.state.in_(live))
    )
    return bool(count)
