"""Routing fresh READY orders a batch at a time: the path a busy pass takes.

``routing_service.route_order`` routes one order through the ORM and copes with any history: lines
already queued, reasons a person approved, purchases already made. Most orders a pass routes have
none: READY, every line still "new", no purchase and no exception row. For those this module does
the same work set-based — orders and lines read in two statements, every line resolved and decided
with the same ``resolve_line`` and ``routing.decide``, purchases planned with the same
``plan_purchases``, then one executemany each for purchases, exceptions, line and order updates and
the audit rows. Orders with history, a cancelled line or an error while deciding are handed back to
be routed one at a time, so there is one set of rules and two ways to store their outcome.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, String, Table, bindparam, insert, literal, null, select, update
from sqlalchemy.orm import Session

from kuajing.kit.errors import KuajingError
from kuajing.orders.audit import change_values
from kuajing.orders.exceptions import exception_values, opened_reason
from kuajing.orders.reasons import ReasonCode
from kuajing.orders.routing import decide
from kuajing.orders.routing_service import (
    ORDER_LEVEL,
    RECHECK_EXCEPTIONS_EVERY,
    RoutingContext,
    exception_reason,
    planned_purchase_values,
    planned_reason_sql,
    reason_facts,
    resolve_line,
    routed_reason_sql,
)
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow, OrderExceptionRow, StateChangeRow
from kuajing.purchasing.model import OrderState, PlannedLine, PurchasePlan, plan_purchases, transition
from kuajing.purchasing.tables import PurchaseOrderRow


class _Order(NamedTuple):
    """The columns of an order routing reads (an ``OrderView``). Plain tuples, not SQLAlchemy Rows:
    reading a Row's field costs several times more, and routing reads ~25 fields per order."""

    id: int
    store_id: int
    ae_order_id: int
    ae_status: str
    country: str | None
    province: str | None
    city: str | None
    district: str | None
    street: str | None
    address_line: str | None
    zip: str | None
    contact: str | None
    phone: str | None


class _Line(NamedTuple):
    """The columns of a line routing reads (a ``LineView``, plus what says whether it is fresh)."""

    id: int
    order_id: int
    state: str
    purchase_id: int | None
    sku_code: str | None
    quantity: int
    unit_price: Decimal
    currency: str


_ORDER_COLUMNS = tuple(getattr(AeOrderRow, name) for name in _Order._fields)
_LINE_COLUMNS = tuple(getattr(AeOrderLineRow, name) for name in _Line._fields)
# What routing sets on a line ("state" and the mapping's answer); bound by name in the update.
_LINE_FIELDS = (
    "state",
    "offer_id",
    "spec_id",
    "buy_quantity",
    "rule_id",
    "supplier_member_id",
    "purchase_id",
)
# Both outcomes leave READY; checked once here so a change to the transition table fails loudly.
transition(OrderState.READY, OrderState.BUYING)
transition(OrderState.READY, OrderState.EXCEPTION)


@dataclass
class BatchResult:
    outcomes: Counter[str] = field(default_factory=Counter)
    # Orders to route one at a time (history, a cancelled order, trouble while deciding), with why.
    handed_back: dict[int, str] = field(default_factory=dict)


@dataclass
class _Writes:
    """Everything a batch writes, gathered before the first statement."""

    plans: list[tuple[int, PurchasePlan]] = field(default_factory=list)  # (order id, plan)
    lines: list[dict[str, Any]] = field(default_factory=list)
    # (order id, line id or None for order-level, code, facts)
    exceptions: list[tuple[int, int | None, ReasonCode, dict[str, str]]] = field(default_factory=list)
    orders: list[tuple[int, str, datetime | None, str]] = field(default_factory=list)  # id, state, due, why
    changes: list[dict[str, Any]] = field(default_factory=list)


def route_fresh(session: Session, order_ids: Sequence[int], ctx: RoutingContext) -> BatchResult:
    """Route the fresh READY orders among ``order_ids``; the rest come back in ``handed_back``.

    The caller holds the orders' leases and commits.
    """
    result = BatchResult()
    if not order_ids:
        return result
    with _collector_paused():
        orders = {row.id: row for row in map(_Order._make, session.execute(_orders_query(order_ids)))}
        lines: dict[int, list[_Line]] = {}
        for line in map(
            _Line._make,
            session.execute(
                select(*_LINE_COLUMNS).where(AeOrderLineRow.order_id.in_(orders)).order_by(AeOrderLineRow.id)
            ),
        ):
            lines.setdefault(line.order_id, []).append(line)
        history = _with_history(session, list(orders))
        ctx.snapshots.preload(_mapped_offers(lines.values(), orders, ctx))

        writes = _Writes()
        for order_id in order_ids:
            why = _not_fresh(orders.get(order_id), lines.get(order_id, []), order_id in history)
            if why is not None:
                result.handed_back[order_id] = why
                continue
            try:
                outcome = _route_order(orders[order_id], lines[order_id], ctx, writes)
            except KuajingError as error:  # a platform error reading an offer, a currency mismatch …
                result.handed_back[order_id] = f"{error.code}: {error}"
                continue
            if outcome is None:
                result.handed_back[order_id] = "cancelled"
            else:
                result.outcomes[outcome] += 1
        _store(session, writes, ctx)
    return result


def _not_fresh(order: _Order | None, order_lines: list[_Line], has_history: bool) -> str | None:
    """Why this order is not for the set-based path (None: it is)."""
    if order is None:
        return "not READY"
    if has_history or any(line.state != "new" or line.purchase_id is not None for line in order_lines):
        return "has history"
    return None if order_lines else "no lines"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a batch is routed: the batch makes no cycles, but its
    tens of thousands of small objects set off collections that walk the whole heap again and
    again (a quarter of the routing time in bench/route.py). Memory stays bounded by the batch."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _mapped_offers(lines: Iterable[list[Any]], orders: Mapping[int, Any], ctx: RoutingContext) -> set[int]:
    """The 1688 offers these lines map to (the rule book caches each code's answer)."""
    offers = set()
    for order_lines in lines:
        for line in order_lines:
            if line.sku_code and (
                target := ctx.rulebook.resolve(line.sku_code, orders[line.order_id].store_id)
            ):
                offers.add(target.offer_id)
    return offers


def offers_for(session: Session, order_ids: Sequence[int], ctx: RoutingContext) -> set[int]:
    """The 1688 offers these orders' lines map to, read ahead of a batch (see ``jobs.route_ready``)."""
    codes = session.execute(
        select(AeOrderLineRow.sku_code, AeOrderRow.store_id)
        .join(AeOrderRow, AeOrderRow.id == AeOrderLineRow.order_id)
        .where(AeOrderRow.id.in_(order_ids), AeOrderLineRow.sku_code.is_not(None))
        .distinct()
    )
    return {
        target.offer_id
        for sku_code, store_id in codes
        if sku_code and (target := ctx.rulebook.resolve(sku_code, store_id)) is not None
    }


def _orders_query(order_ids: Sequence[int]) -> Any:
    return select(*_ORDER_COLUMNS).where(
        AeOrderRow.id.in_(order_ids), AeOrderRow.state == OrderState.READY.value
    )


def _with_history(session: Session, order_ids: list[int]) -> set[int]:
    """Orders with any purchase or any exception row (open, or resolved — approvals live there)."""
    if not order_ids:
        return set()
    purchases = session.scalars(
        select(PurchaseOrderRow.order_id).where(PurchaseOrderRow.order_id.in_(order_ids)).distinct()
    )
    exceptions = session.scalars(
        select(OrderExceptionRow.order_id).where(OrderExceptionRow.order_id.in_(order_ids)).distinct()
    )
    return set(purchases) | set(exceptions)


def _route_order(order: _Order, order_lines: list[_Line], ctx: RoutingContext, writes: _Writes) -> str | None:
    """Decide every line of one order and add its writes; None = hand it back (a cancelled order).

    Nothing is added to ``writes`` until every line is decided, so a hand-back leaves no trace.
    """
    line_values: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    exceptions: list[tuple[int, int | None, ReasonCode, dict[str, str]]] = []
    order_level_opened: set[ReasonCode] = set()
    to_buy: list[PlannedLine] = []
    for line in order_lines:
        resolved = resolve_line(order, line, ctx)
        decision = decide(resolved.facts, ctx.policy)
        if decision.action == "skip":
            return None  # cancelling an order (and any other lines) is route_order's job
        target = resolved.target
        values: dict[str, Any] = {
            "line_id": line.id,
            "offer_id": target.offer_id if target else None,
            "spec_id": target.spec_id if target else None,
            "buy_quantity": resolved.buy_quantity,
            "rule_id": target.rule_id if target else None,
            "supplier_member_id": resolved.supplier_member_id if target else None,
            "purchase_id": None,
        }
        if decision.action == "buy":
            assert target is not None and resolved.buy_quantity is not None
            values["state"] = "routed"  # audited set-based in _store (the reason is made from the row)
            to_buy.append(
                PlannedLine(
                    str(line.id),
                    resolved.supplier_member_id or "",
                    str(target.offer_id),
                    target.spec_id,
                    resolved.buy_quantity,
                )
            )
        else:
            values["state"] = "exception"
            changes.append(
                _change("line", line.id, "new", "exception", exception_reason(decision.reasons), ctx)
            )
            for code in decision.reasons:
                if code in ORDER_LEVEL:
                    if code in order_level_opened:
                        continue  # the order-level reason is one row per order, not one per line
                    order_level_opened.add(code)
                facts = reason_facts(order, line, decision.facts, code)
                exceptions.append((order.id, None if code in ORDER_LEVEL else line.id, code, facts))
        line_values.append(values)

    plans = plan_purchases(str(order.ae_order_id), to_buy) if to_buy else []
    purchase_of = {line_id: index for index, plan in enumerate(plans) for line_id in plan.line_ids}
    first_plan = len(writes.plans)
    for values in line_values:
        if (index := purchase_of.get(str(values["line_id"]))) is not None:
            values["purchase_id"] = first_plan + index  # a plan's place; the row id once inserted
    writes.plans.extend((order.id, plan) for plan in plans)
    writes.lines.extend(line_values)
    writes.exceptions.extend(exceptions)
    writes.changes.extend(changes)
    if exceptions:
        target_state, due_at, reason = (
            OrderState.EXCEPTION,
            ctx.now + RECHECK_EXCEPTIONS_EVERY,
            "lines in the exception queue",
        )
    else:
        target_state, due_at, reason = OrderState.BUYING, None, f"{len(plans)} purchase(s) planned"
    writes.orders.append((order.id, target_state.value, due_at, reason))
    return "exception" if exceptions else "routed"


def _change(
    entity: str, entity_id: int, before: str | None, after: str, reason: str, ctx: RoutingContext
) -> dict[str, Any]:
    return change_values(entity, entity_id, before, after, at=ctx.now, reason=reason, actor=ctx.actor)


# Core tables, not the ORM entities: executemany without the ORM's per-row bookkeeping.
_PURCHASES = cast(Table, PurchaseOrderRow.__table__)
_EXCEPTIONS = cast(Table, OrderExceptionRow.__table__)
_LINES = cast(Table, AeOrderLineRow.__table__)
_ORDERS = cast(Table, AeOrderRow.__table__)
_CHANGES = cast(Table, StateChangeRow.__table__)
_LINE_UPDATE = (
    update(_LINES)
    .where(_LINES.c.id == bindparam("line_id"))
    .values({name: bindparam(name) for name in _LINE_FIELDS})
)


def _store(session: Session, writes: _Writes, ctx: RoutingContext) -> None:
    """Purchases and exceptions first (their ids go into lines and audit rows), then the rest.

    Audit rows for the common outcomes (purchase planned, line routed, order moved) are written
    INSERT … SELECT from the rows just written: the database builds them, not Python.
    """
    # RETURNING without sort_by_parameter_order: SQLite would then insert row by row. Rows come
    # back in any order, so they are matched by their keys instead (unique within a batch).
    purchase_ids: dict[str, int] = {}
    if writes.plans:
        returned = session.execute(
            insert(_PURCHASES).returning(_PURCHASES.c.id, _PURCHASES.c.out_order_id),
            [planned_purchase_values(order_id, plan, ctx.now) for order_id, plan in writes.plans],
        )
        purchase_ids = {out_order_id: purchase_id for purchase_id, out_order_id in returned}
        _audit_from(
            session,
            "purchase",
            _PURCHASES,
            list(purchase_ids.values()),
            None,
            literal("planned"),
            planned_reason_sql(_PURCHASES),
            ctx,
        )
    for values in writes.lines:
        if values["purchase_id"] is not None:
            values["purchase_id"] = purchase_ids[writes.plans[values["purchase_id"]][1].out_order_id]
    if writes.exceptions:
        rows = [
            exception_values(
                order_id=order_id, line_id=line_id, purchase_id=None, code=code, at=ctx.now, facts=facts
            )
            for order_id, line_id, code, facts in writes.exceptions
        ]
        returned = session.execute(
            insert(_EXCEPTIONS).returning(
                _EXCEPTIONS.c.id, _EXCEPTIONS.c.order_id, _EXCEPTIONS.c.line_id, _EXCEPTIONS.c.reason_code
            ),
            rows,
        )
        exception_ids = {(order_id, line_id, code): row_id for row_id, order_id, line_id, code in returned}
        writes.changes.extend(
            _change(
                "exception",
                exception_ids[(values["order_id"], values["line_id"], values["reason_code"])],
                None,
                "open",
                opened_reason(values),
                ctx,
            )
            for values in rows
        )
    if writes.lines:
        session.execute(_LINE_UPDATE, writes.lines)
        routed = [values["line_id"] for values in writes.lines if values["state"] == "routed"]
        _audit_from(session, "line", _LINES, routed, "new", literal("routed"), routed_reason_sql(_LINES), ctx)
    # Orders end in a few (state, due, reason) groups: one UPDATE and one audit INSERT per group.
    groups: dict[tuple[str, datetime | None, str], list[int]] = {}
    for order_id, state, due_at, reason in writes.orders:
        groups.setdefault((state, due_at, reason), []).append(order_id)
    for (state, due_at, reason), order_ids in groups.items():
        session.execute(update(_ORDERS).where(_ORDERS.c.id.in_(order_ids)).values(state=state, due_at=due_at))
        _audit_from(
            session, "order", _ORDERS, order_ids, OrderState.READY.value, literal(state), literal(reason), ctx
        )
    if writes.changes:
        session.execute(insert(_CHANGES), writes.changes)


def _audit_from(
    session: Session,
    entity: str,
    table: Table,
    ids: list[int],
    from_state: str | None,
    to_state: ColumnElement[str],
    reason: ColumnElement[str],
    ctx: RoutingContext,
) -> None:
    """One audit row per id of ``table``, built by the database (same columns as ``change_values``)."""
    if not ids:
        return
    rows = select(
        literal(entity),
        table.c.id,
        literal(from_state, String) if from_state is not None else null(),
        to_state,
        literal(ctx.now, _CHANGES.c.at.type),
        reason,
        literal(ctx.actor),
    ).where(table.c.id.in_(ids))
    session.execute(
        insert(_CHANGES).from_select(
            ["entity", "entity_id", "from_state", "to_state", "at", "reason", "actor"], rows
        )
    )
