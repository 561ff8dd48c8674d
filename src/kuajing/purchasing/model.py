"""1688 purchase orders: their states, the order-level states around them, grouping, idempotency keys.

Pure: no database, no HTTP, no clock (times are passed in).

**Purchase states** (one 1688 order bought for one supplier's share of an AliExpress order); the
table ``TRANSITIONS`` is the whole truth, in words:

- PLANNED → PLACING (send it), FAILED (refused at preview), CANCELLED (the AliExpress order was).
- PLACING → PLACING: a retry after a timeout or a crash. "Create sent, outcome unknown", so the
  retry first looks the key up on 1688 (``match_existing``) and adopts what it finds instead of
  buying again. → PLACED (created or adopted), FAILED (refused), NEEDS_REVIEW (several orders
  found), CANCELLED (the lookup found no live order and the AliExpress order was cancelled).
- PLACED → SHIPPED, FAILED (the supplier closed it), NEEDS_REVIEW (a duplicate surfaced), CANCELLED.
- SHIPPED → FULFILLED. NEEDS_REVIEW → PLACED (a person kept one order) or CANCELLED.
- FAILED → PLANNED (fixed, try again under the same key) or CANCELLED.
- FULFILLED and CANCELLED are terminal: money after shipping belongs to aftersales.

**Order states** (our processing of one AliExpress order), ``ORDER_TRANSITIONS``:

- NEW waits out the cancellation window (buyers cancel minutes after paying) → READY, or CANCELLED /
  SKIPPED. READY is routed → BUYING, EXCEPTION, CANCELLED, SKIPPED.
- BUYING (purchases planned or placing) → BOUGHT (every purchase PLACED), SHIPPED (one supplier was
  faster than another purchase), EXCEPTION, CANCELLED. BOUGHT → SHIPPED, EXCEPTION, CANCELLED.
- SHIPPED (tracking for part or all on AliExpress) → FULFILLED (all of it), EXCEPTION.
- EXCEPTION → READY when fixed (routed again; lines already in a purchase keep it), or straight to
  SHIPPED / FULFILLED when the problem was a tracking upload, or CANCELLED / SKIPPED.
- FULFILLED, CANCELLED and SKIPPED are terminal.

There is no PARTIALLY_BOUGHT: "some purchases placed" is BUYING, and the purchases say which.
EXCEPTION wins as soon as one line is in the queue; lines that could be bought are still bought.
SKIPPED is an order we do not buy for (own stock, handled outside kuajing); CANCELLED is one the
buyer or the platform cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal, TypeVar

from kuajing.kit.errors import KuajingError

MAX_SKUS_PER_ORDER = 50  # 1688: at most 50 (offer, spec) cargo items in one order


class PurchaseState(StrEnum):
    PLANNED = "planned"  # grouped, not sent
    PLACING = "placing"  # create sent, outcome unknown until confirmed
    PLACED = "placed"  # 1688 order id known
    SHIPPED = "shipped"  # supplier shipped, tracking known
    FULFILLED = "fulfilled"  # tracking accepted by AliExpress
    FAILED = "failed"  # 1688 refused: in the exception queue
    CANCELLED = "cancelled"
    NEEDS_REVIEW = "needs_review"  # more than one live 1688 order for the key


class OrderState(StrEnum):
    NEW = "new"  # synced, waiting for the cancellation window
    READY = "ready"  # window passed, to route
    BUYING = "buying"  # purchases planned or placing, not all placed
    BOUGHT = "bought"  # every purchase PLACED
    SHIPPED = "shipped"  # tracking on AliExpress for part or all of the order
    FULFILLED = "fulfilled"  # all tracking uploaded
    EXCEPTION = "exception"  # at least one line in the queue
    CANCELLED = "cancelled"  # the buyer or the platform cancelled it
    SKIPPED = "skipped"  # not bought through kuajing (own stock, handled outside)


_P = PurchaseState
TRANSITIONS: dict[PurchaseState, frozenset[PurchaseState]] = {
    _P.PLANNED: frozenset({_P.PLACING, _P.FAILED, _P.CANCELLED}),
    _P.PLACING: frozenset({_P.PLACING, _P.PLACED, _P.FAILED, _P.NEEDS_REVIEW, _P.CANCELLED}),
    _P.PLACED: frozenset({_P.SHIPPED, _P.FAILED, _P.NEEDS_REVIEW, _P.CANCELLED}),
    _P.SHIPPED: frozenset({_P.FULFILLED}),
    _P.FAILED: frozenset({_P.PLANNED, _P.CANCELLED}),
    _P.NEEDS_REVIEW: frozenset({_P.PLACED, _P.CANCELLED}),
    _P.FULFILLED: frozenset(),
    _P.CANCELLED: frozenset(),
}

_O = OrderState
ORDER_TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    _O.NEW: frozenset({_O.READY, _O.CANCELLED, _O.SKIPPED}),
    _O.READY: frozenset({_O.BUYING, _O.EXCEPTION, _O.CANCELLED, _O.SKIPPED}),
    _O.BUYING: frozenset({_O.BOUGHT, _O.SHIPPED, _O.EXCEPTION, _O.CANCELLED}),
    _O.BOUGHT: frozenset({_O.SHIPPED, _O.EXCEPTION, _O.CANCELLED}),
    _O.SHIPPED: frozenset({_O.FULFILLED, _O.EXCEPTION}),
    _O.EXCEPTION: frozenset({_O.READY, _O.SHIPPED, _O.FULFILLED, _O.CANCELLED, _O.SKIPPED}),
    _O.FULFILLED: frozenset(),
    _O.CANCELLED: frozenset(),
    _O.SKIPPED: frozenset(),
}

PURCHASE_STATE_ZH: dict[PurchaseState, str] = {
    _P.PLANNED: "待下单",
    _P.PLACING: "下单中",
    _P.PLACED: "已下单",
    _P.SHIPPED: "供应商已发货",
    _P.FULFILLED: "已声明发货",
    _P.FAILED: "下单失败",
    _P.CANCELLED: "已取消",
    _P.NEEDS_REVIEW: "待人工核对",
}
ORDER_STATE_ZH: dict[OrderState, str] = {
    _O.NEW: "新订单",
    _O.READY: "待分配",
    _O.BUYING: "采购中",
    _O.BOUGHT: "已采购",
    _O.SHIPPED: "已发货",
    _O.FULFILLED: "已完成发货",
    _O.EXCEPTION: "异常",
    _O.CANCELLED: "已取消",
    _O.SKIPPED: "不采购",
}


def state_label_zh(state: PurchaseState | OrderState) -> str:
    """The Chinese the UI shows for a state."""
    if isinstance(state, PurchaseState):
        return PURCHASE_STATE_ZH[state]
    return ORDER_STATE_ZH[state]


class IllegalTransition(KuajingError):
    code = "illegal_transition"
    http_status = 409

    def __init__(self, current: PurchaseState | OrderState, target: PurchaseState | OrderState) -> None:
        kind_en, kind_zh = ("purchase", "采购单") if isinstance(current, PurchaseState) else ("order", "订单")
        super().__init__(
            f"a {kind_en} cannot go from {current.value} to {target.value}",
            f"{kind_zh}状态不能从「{state_label_zh(current)}」变为「{state_label_zh(target)}」",
            details={"entity": kind_en, "from": current.value, "to": target.value},
        )
        self.current = current
        self.target = target


_S = TypeVar("_S", PurchaseState, OrderState)


def transition(current: _S, target: _S) -> _S:
    """``target`` if the table allows the move (purchase or order table by the states' type), else raise."""
    if type(current) is not type(target):  # equal values in both enums ("shipped") must not pass
        raise IllegalTransition(current, target)
    allowed = TRANSITIONS[current] if isinstance(current, PurchaseState) else ORDER_TRANSITIONS[current]
    if target not in allowed:
        raise IllegalTransition(current, target)
    return target


Entity = Literal["purchase", "order", "line"]


@dataclass(frozen=True, slots=True)
class StateChange:
    """One stored state change: what, when, why and who (a user name or ``job:<name>``)."""

    entity: Entity
    entity_id: int | str
    from_state: str | None  # None when the entity is created
    to_state: str
    at: datetime
    reason: str
    actor: str

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"state change time must be timezone-aware: {self.at!r}")
        if not self.actor.strip():
            raise ValueError("a state change needs an actor (a user name or job:<name>)")


def change(
    entity: Literal["purchase", "order"],
    entity_id: int | str,
    current: _S,
    target: _S,
    *,
    at: datetime,
    reason: str,
    actor: str,
) -> StateChange:
    """Check the move against the table and return the record to store with it."""
    transition(current, target)
    return StateChange(entity, entity_id, current.value, target.value, at, reason, actor)


# -- grouping -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """An order line routed to "buy", quantity already in 1688 pieces (multiplier applied)."""

    line_id: str
    supplier_member_id: str
    offer_id: str
    spec_id: str
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValueError(f"line {self.line_id}: quantity must be positive, got {self.quantity}")


@dataclass(frozen=True, slots=True)
class CargoLine:
    """One item of 1688's ``cargoParamList``; several order lines for the same spec share one."""

    offer_id: str
    spec_id: str
    quantity: int
    line_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PurchasePlan:
    out_order_id: str  # the idempotency key sent as outOrderId: "<ae_order_id>-<n>"
    supplier_member_id: str
    cargo: tuple[CargoLine, ...]
    line_ids: tuple[str, ...]


def purchase_key(ae_order_id: str, n: int) -> str:
    """The contract: the key starts with the AliExpress order id, then ``-n`` (n from 1)."""
    return f"{ae_order_id}-{n}"


def plan_purchases(
    ae_order_id: str, lines: Sequence[PlannedLine], *, first_number: int = 1
) -> list[PurchasePlan]:
    """One plan per supplier (more past 50 specs); the same lines always give the same plans.

    Lines for the same (offer, spec) become one cargo item with the summed quantity. Suppliers are
    taken in sorted order, specs sorted by (offer_id, spec_id), and cut into chunks of 50; plans are
    numbered in that order from ``first_number``.

    The numbering is only stable for the same set of lines. Plans must therefore be stored when made,
    and a later pass for the same order (a line fixed after an exception) must plan only the lines not
    yet in a plan, with ``first_number`` after the highest number used — otherwise key ``-1`` could name
    another supplier's purchase.
    """
    if not ae_order_id:
        raise ValueError("ae_order_id is required: it starts every purchase key")
    if first_number < 1:
        raise ValueError(f"first_number starts at 1, got {first_number}")
    by_supplier: dict[str, dict[tuple[str, str], tuple[int, list[str]]]] = {}
    for line in lines:
        specs = by_supplier.setdefault(line.supplier_member_id, {})
        quantity, line_ids = specs.get((line.offer_id, line.spec_id), (0, []))
        line_ids.append(line.line_id)
        specs[(line.offer_id, line.spec_id)] = (quantity + line.quantity, line_ids)

    plans: list[PurchasePlan] = []
    for supplier in sorted(by_supplier):
        specs = by_supplier[supplier]
        cargo = [
            CargoLine(offer_id, spec_id, quantity, tuple(sorted(set(line_ids))))
            for (offer_id, spec_id), (quantity, line_ids) in sorted(specs.items())
        ]
        for start in range(0, len(cargo), MAX_SKUS_PER_ORDER):
            chunk = tuple(cargo[start : start + MAX_SKUS_PER_ORDER])
            plan_line_ids = tuple(sorted({line_id for item in chunk for line_id in item.line_ids}))
            key = purchase_key(ae_order_id, first_number + len(plans))
            plans.append(PurchasePlan(key, supplier, chunk, plan_line_ids))
    return plans


# -- idempotent placement -----------------------------------------------------------------------------

DEAD_1688_STATUSES = frozenset({"cancel", "terminated"})  # orders that will never ship


@dataclass(frozen=True, slots=True)
class FoundOrder:
    """A 1688 order found by looking up our key (getBuyerOrderList filtered on outOrderId)."""

    order_id: str
    status: str  # waitbuyerpay … success, cancel
    out_order_id: str | None

    @property
    def live(self) -> bool:
        return self.status.lower() not in DEAD_1688_STATUSES


class ExistingAction(StrEnum):
    CREATE = "create"  # nothing live carries the key: create the order
    ADOPT = "adopt"  # exactly one live order: it is ours, record it
    REVIEW = "review"  # several live orders: a person decides, never create another


@dataclass(frozen=True, slots=True)
class ExistingOutcome:
    action: ExistingAction
    order_id: str | None = None  # ADOPT: the order to record
    status: str | None = None  # ADOPT: its 1688 status (placed or already shipped)
    live_order_ids: tuple[str, ...] = ()  # REVIEW: the candidates, sorted


def match_existing(out_order_id: str, found: Sequence[FoundOrder]) -> ExistingOutcome:
    """What to do before creating the 1688 order for ``out_order_id``, given what the lookup found.

    Orders whose key differs are ignored (the real API may not filter on outOrderId); an order seen
    twice (paging overlap) counts once.

    - none found → CREATE;
    - exactly one live (status not ``cancel``) → ADOPT it: an earlier attempt did create it;
    - only cancelled ones → CREATE a fresh order under the same key. A cancelled 1688 order never
      ships (cancelled by us inside the free window, by the supplier, or unpaid), so the line still
      needs its goods and buying again cannot buy twice; later lookups see the cancelled order and the
      new one and still resolve to the one live order;
    - more than one live → REVIEW: something already bought twice, and only a person can say which
      order to keep. Never create a third.
    """
    live: dict[str, FoundOrder] = {}
    for order in found:
        if order.out_order_id == out_order_id and order.live:
            live.setdefault(order.order_id, order)
    if not live:
        return ExistingOutcome(ExistingAction.CREATE)
    if len(live) == 1:
        (only,) = live.values()
        return ExistingOutcome(ExistingAction.ADOPT, order_id=only.order_id, status=only.status)
    return ExistingOutcome(ExistingAction.REVIEW, live_order_ids=tuple(sorted(live)))
