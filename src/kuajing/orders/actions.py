"""What a person does with the exception queue: add a mapping, approve, pick another supplier, cancel.

Each action is one use case shared by the pages, the JSON API and (later) the CLI. Actions take a
session and never commit; the request does. Every change is stored through ``audit.record_change``
with the person as actor (``user:<name>``), and every order an action touches is made due again
(``due_at = now``) so the next pass routes it with the fix.

Bulk actions take many ids and answer one ``ItemResult`` per id: a bad id (unknown, already
resolved, not allowed) is reported in both languages and never stops the others.

Approvals need no column of their own: the approved exception is resolved with a resolution
starting "approved", and routing (``routing_service._approved_reasons``) skips a reason a person
approved for that line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.orders.audit import record_change, set_line_state
from kuajing.orders.exceptions import resolve_exception
from kuajing.orders.mapping import MatchKind, OfferCatalog, SkuMappingRule
from kuajing.orders.reasons import ReasonCode
from kuajing.orders.repository import OrderRepository
from kuajing.orders.rules_store import save_rule
from kuajing.orders.sync import set_order_state
from kuajing.orders.tables import (
    AeOrderLineRow,
    AeOrderRow,
    OrderExceptionRow,
    SkuMappingRuleRow,
    StateChangeRow,
)
from kuajing.purchasing.change_reasons import Explained, explain
from kuajing.purchasing.model import IllegalTransition, OrderState, PurchaseState, transition
from kuajing.purchasing.service import set_purchase_state
from kuajing.purchasing.tables import PurchaseOrderRow

# Reasons a person may accept and buy anyway. Frozen or disputed orders are not among them: routing
# stops before checking anything else for those, so "buy anyway" would skip the mapping checks.
APPROVABLE = frozenset(
    {
        ReasonCode.SUPPLIER_NOT_ELIGIBLE,
        ReasonCode.PRICE_MOVED,
        ReasonCode.MARGIN_BELOW_FLOOR,
        ReasonCode.MANUAL_APPROVAL_REQUIRED,
    }
)
ALTERNATE_PRIORITY = 10  # ahead of the usual rules (50 exact, 100 default): the person's choice wins
LIVE_LINE_STATES = ("new", "routed", "exception", "purchased")
# A line is cancellable while nothing live on 1688 carries it.
CANCELLABLE_PURCHASE_STATES = frozenset({PurchaseState.FAILED.value, PurchaseState.CANCELLED.value})


@dataclass(frozen=True)
class ItemResult:
    """One id's outcome in a bulk action."""

    id: int
    ok: bool
    message_zh: str = ""
    message_en: str = ""

    def message(self, lang: str = "zh-CN") -> str:
        return self.message_zh if lang.lower().startswith("zh") else self.message_en

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ok": self.ok, "message_zh": self.message_zh, "message_en": self.message_en}


def _ok(item_id: int, zh: str, en: str) -> ItemResult:
    return ItemResult(item_id, True, zh, en)


def _error(item_id: int, zh: str, en: str) -> ItemResult:
    return ItemResult(item_id, False, zh, en)


def _requeue(order: AeOrderRow, now: datetime) -> None:
    order.due_at = now


# --- add a mapping -------------------------------------------------------------------------------


def add_mapping(
    session: Session, rule: SkuMappingRule, catalog: OfferCatalog, *, now: datetime, actor: str
) -> SkuMappingRuleRow:
    """Validate and save ``rule`` (``MappingRuleInvalid`` with every problem, nothing saved).

    Saving re-queues every order in the exception queue; the next routing pass closes the
    UNMAPPED_SKU reasons the rule fixes, so none are resolved here.
    """
    previous = session.get(SkuMappingRuleRow, rule.id) if rule.id is not None else None
    before = None if previous is None else ("enabled" if previous.enabled else "disabled")
    row = save_rule(session, rule, catalog, now=now)
    target = row.spec_id or f"{len(row.variant_map)} variants"
    record_change(
        session,
        "rule",
        row.id,
        before,
        "enabled" if row.enabled else "disabled",
        at=now,
        reason=f"{row.kind} {row.pattern!r} → 1688 {row.offer_id}/{target} × {row.quantity_multiplier}",
        actor=actor,
    )
    return row


# --- approve -------------------------------------------------------------------------------------


def approve_manual(
    session: Session, exception_ids: Iterable[int], *, now: datetime, actor: str
) -> list[ItemResult]:
    """Buy these lines despite the reason: the exception is resolved "approved by <actor>"."""
    results = []
    for exception_id in dict.fromkeys(exception_ids):
        row = session.get(OrderExceptionRow, exception_id)
        problem = _approval_problem(exception_id, row)
        if problem is not None:
            results.append(problem)
            continue
        assert row is not None
        resolve_exception(session, row, at=now, actor=actor, resolution=f"approved by {actor}")
        order = session.get(AeOrderRow, row.order_id)
        if order is not None:
            _requeue(order, now)
        results.append(_ok(exception_id, "已确认,下一轮将采购", "approved: bought on the next pass"))
    return results


def _approval_problem(exception_id: int, row: OrderExceptionRow | None) -> ItemResult | None:
    if row is None:
        return _error(exception_id, f"找不到异常 {exception_id}", f"exception {exception_id} not found")
    if row.status != "open":
        return _error(exception_id, "该异常已处理", "this exception is already resolved")
    if ReasonCode(row.reason_code) not in APPROVABLE or row.line_id is None:
        return _error(
            exception_id,
            f"「{row.reason_code}」不能人工确认采购,请按建议处理",
            f"{row.reason_code} cannot be approved; fix it as suggested",
        )
    return None


# --- another supplier ----------------------------------------------------------------------------


def pick_alternate_supplier(
    session: Session,
    line_id: int,
    offer_id: int,
    spec_id: str,
    catalog: OfferCatalog,
    *,
    now: datetime,
    actor: str,
) -> ItemResult:
    """Buy this line's SKU from ``offer_id``/``spec_id`` from now on.

    Saves an exact, store-scoped rule at priority 10 (updating the one an earlier pick made), takes
    the line out of its failed purchase — which stays FAILED under its key; the new purchase gets
    the next number — and re-queues the order. ``MappingRuleInvalid`` if the offer or spec is unknown.
    """
    line = session.get(AeOrderLineRow, line_id)
    order = session.get(AeOrderRow, line.order_id) if line is not None else None
    if line is None or order is None:
        return _error(line_id, f"找不到订单行 {line_id}", f"order line {line_id} not found")
    if line.state != "exception" or not line.sku_code:
        return _error(
            line_id,
            "只有异常队列中、带SKU编码的订单行可以换供应商",
            "only a line in the exception queue with a SKU code can change supplier",
        )
    purchase = session.get(PurchaseOrderRow, line.purchase_id) if line.purchase_id is not None else None
    if purchase is not None and purchase.state != PurchaseState.FAILED.value:
        return _error(
            line_id,
            f"采购单 {purchase.out_order_id} 未失败({purchase.state}),不能换供应商",
            f"purchase {purchase.out_order_id} has not failed ({purchase.state})",
        )
    earlier = session.scalars(
        select(SkuMappingRuleRow.id).where(
            SkuMappingRuleRow.kind == MatchKind.EXACT.value,
            SkuMappingRuleRow.pattern == line.sku_code,
            SkuMappingRuleRow.store_id == order.store_id,
            SkuMappingRuleRow.priority == ALTERNATE_PRIORITY,
        )
    ).first()
    rule = SkuMappingRule(
        MatchKind.EXACT,
        line.sku_code,
        offer_id,
        spec_id=spec_id,
        priority=ALTERNATE_PRIORITY,
        store_id=order.store_id,
        id=earlier,
        note=f"alternate supplier picked by {actor}",
    )
    add_mapping(session, rule, catalog, now=now, actor=actor)
    if purchase is not None:
        _detach(session, line, purchase, now=now, actor=actor)
    _requeue(order, now)
    return _ok(
        line_id,
        f"已改为 1688 商品 {offer_id} 规格 {spec_id},下一轮重新采购",
        f"now bought as 1688 offer {offer_id} spec {spec_id} on the next pass",
    )


def _detach(
    session: Session, line: AeOrderLineRow, purchase: PurchaseOrderRow, *, now: datetime, actor: str
) -> None:
    query = select(OrderExceptionRow).where(
        OrderExceptionRow.line_id == line.id,
        OrderExceptionRow.purchase_id == purchase.id,
        OrderExceptionRow.status == "open",
    )
    for row in session.scalars(query):
        resolve_exception(session, row, at=now, actor=actor, resolution="alternate supplier")
    set_line_state(
        session,
        line,
        "exception",
        at=now,
        actor=actor,
        reason=f"taken out of failed purchase {purchase.out_order_id}: alternate supplier",
    )
    line.purchase_id = None


# --- cancel --------------------------------------------------------------------------------------


def cancel_lines(
    session: Session,
    *,
    exception_ids: Iterable[int] = (),
    ae_order_ids: Iterable[int] = (),
    now: datetime,
    actor: str,
) -> list[ItemResult]:
    """The seller will not buy these: by exception (its line, or the whole order for an order-level
    reason) or by AliExpress order id (every line not yet bought). Lines → cancelled, their open
    exceptions resolved "cancelled by <actor>", the order → CANCELLED once none of it is live.

    Everything is checked before anything changes, so a refused item leaves no half-done work.
    """
    results = []
    repo = OrderRepository(session)
    for exception_id in dict.fromkeys(exception_ids):
        row = repo.exception(exception_id)
        if row is None:
            results.append(
                _error(exception_id, f"找不到异常 {exception_id}", f"exception {exception_id} not found")
            )
        elif row.status != "open":
            results.append(_error(exception_id, "该异常已处理", "this exception is already resolved"))
        else:
            order = repo.get(row.order_id)
            assert order is not None
            lines = [line for line in repo.lines_of(order.id) if row.line_id in (None, line.id)]
            results.append(_cancel(session, exception_id, order, lines, now=now, actor=actor))
    for ae_order_id in dict.fromkeys(ae_order_ids):
        found = repo.by_ae_order_id(ae_order_id)
        if found is None:
            results.append(_error(ae_order_id, f"找不到订单 {ae_order_id}", f"order {ae_order_id} not found"))
        else:
            results.append(
                _cancel(session, ae_order_id, found, repo.lines_of(found.id), now=now, actor=actor)
            )
    return results


def _cancel(
    session: Session,
    item_id: int,
    order: AeOrderRow,
    lines: Sequence[AeOrderLineRow],
    *,
    now: datetime,
    actor: str,
) -> ItemResult:
    purchases = {row.id: row for row in _purchases_of(session, order.id)}
    to_cancel = [line for line in lines if line.state != "cancelled"]
    for line in to_cancel:
        purchase = purchases.get(line.purchase_id) if line.purchase_id is not None else None
        in_purchase = purchase is not None and purchase.state not in CANCELLABLE_PURCHASE_STATES
        if line.state == "purchased" or in_purchase:
            key = purchase.out_order_id if purchase is not None else "?"
            state = purchase.state if purchase is not None else line.state
            return _error(
                item_id,
                f"订单行 {line.child_id} 在采购单 {key}({state})中,不能在这里取消",
                f"line {line.child_id} is in purchase {key} ({state}): it cannot be cancelled here",
            )
    cancelled_ids = {line.id for line in to_cancel}
    still_live = [
        line
        for line in OrderRepository(session).lines_of(order.id)
        if line.id not in cancelled_ids and line.state in LIVE_LINE_STATES
    ]
    if not still_live and order.state != OrderState.CANCELLED.value:
        try:
            transition(OrderState(order.state), OrderState.CANCELLED)
        except IllegalTransition as error:
            return _error(item_id, error.message_zh, error.message_en)
    reason = f"cancelled by {actor}"
    for line in to_cancel:
        set_line_state(session, line, "cancelled", at=now, actor=actor, reason=reason)
    for row in OrderRepository(session).open_exceptions(order.id):
        if row.line_id is None and still_live:
            continue  # an order-level reason still concerns the lines that are left
        if row.line_id is None or row.line_id in cancelled_ids:
            resolve_exception(session, row, at=now, actor=actor, resolution=reason)
    _cancel_abandoned_purchases(session, purchases.values(), cancelled_ids, now=now, actor=actor)
    if not still_live:
        set_order_state(session, order, OrderState.CANCELLED, at=now, actor=actor, reason=reason)
    _requeue(order, now)
    return _ok(item_id, f"已取消 {len(to_cancel)} 个订单行", f"{len(to_cancel)} line(s) cancelled")


def _purchases_of(session: Session, order_id: int) -> list[PurchaseOrderRow]:
    query = (
        select(PurchaseOrderRow).where(PurchaseOrderRow.order_id == order_id).order_by(PurchaseOrderRow.id)
    )
    return list(session.scalars(query))


def _cancel_abandoned_purchases(
    session: Session,
    purchases: Iterable[PurchaseOrderRow],
    cancelled_line_ids: set[int],
    *,
    now: datetime,
    actor: str,
) -> None:
    """A failed purchase whose every line is now cancelled will never be retried: close it."""
    for purchase in purchases:
        line_ids = {int(line_id) for item in purchase.cargo for line_id in item.get("line_ids", [])}
        if purchase.state == PurchaseState.FAILED.value and line_ids and line_ids <= cancelled_line_ids:
            set_purchase_state(
                session,
                purchase,
                PurchaseState.CANCELLED,
                at=now,
                actor=actor,
                reason=f"every line cancelled by {actor}",
            )


# --- the order's story ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One state change of the order, a line, a purchase or an exception: what, when, why, who."""

    at: datetime
    entity: str  # order | line | purchase | exception
    entity_id: int
    label: str  # what it is, as people name it: the order id, a line's child id, a purchase key
    from_state: str | None
    to_state: str
    why: str
    who: str
    reason_code: str | None = None  # exceptions only
    message_zh: str = ""
    message_en: str = ""

    def message(self, lang: str = "zh-CN") -> str:
        return self.message_zh if lang.lower().startswith("zh") else self.message_en

    def why_in(self, lang: str = "zh-CN") -> Explained:
        """The stored reason in ``lang`` (purchasing.change_reasons); unknown text as stored."""
        return explain(self.why, lang)

    def to_dict(self) -> dict[str, Any]:
        zh = self.why_in("zh-CN")
        return {
            "at": self.at.isoformat(),
            "entity": self.entity,
            "entity_id": self.entity_id,
            "label": self.label,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "why": self.why,
            "why_code": zh.code,
            "why_zh": zh.text + (f" ({zh.quoted})" if zh.quoted else ""),
            "who": self.who,
            "reason_code": self.reason_code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


def order_timeline(session: Session, order_id: int) -> list[TimelineEntry]:
    """Everything that happened to the order, oldest first (ties in the order it was stored)."""
    order = session.get(AeOrderRow, order_id)
    if order is None:
        return []
    labels: dict[tuple[str, int], str] = {("order", order.id): str(order.ae_order_id)}
    for line in OrderRepository(session).lines_of(order.id):
        labels[("line", line.id)] = f"{line.child_id} {line.sku_code or ''}".strip()
    for purchase in _purchases_of(session, order.id):
        labels[("purchase", purchase.id)] = purchase.out_order_id
    exceptions = {
        row.id: row
        for row in session.scalars(select(OrderExceptionRow).where(OrderExceptionRow.order_id == order.id))
    }
    for exception_id, row in exceptions.items():
        labels[("exception", exception_id)] = row.reason_code
    changes: list[StateChangeRow] = []
    for entity in ("order", "line", "purchase", "exception"):
        ids = [entity_id for kind, entity_id in labels if kind == entity]
        if ids:
            changes.extend(
                session.scalars(
                    select(StateChangeRow).where(
                        StateChangeRow.entity == entity, StateChangeRow.entity_id.in_(ids)
                    )
                )
            )
    changes.sort(key=lambda change: (change.at, change.id))
    return [_entry(change, labels, exceptions) for change in changes]


def _entry(
    change: StateChangeRow, labels: dict[tuple[str, int], str], exceptions: dict[int, OrderExceptionRow]
) -> TimelineEntry:
    exception = exceptions.get(change.entity_id) if change.entity == "exception" else None
    return TimelineEntry(
        at=change.at,
        entity=change.entity,
        entity_id=change.entity_id,
        label=labels.get((change.entity, change.entity_id), str(change.entity_id)),
        from_state=change.from_state,
        to_state=change.to_state,
        why=change.reason,
        who=change.actor,
        reason_code=exception.reason_code if exception is not None else None,
        message_zh=exception.message_zh if exception is not None else "",
        message_en=exception.message_en if exception is not None else "",
    )


__all__ = [
    "APPROVABLE",
    "ItemResult",
    "TimelineEntry",
    "add_mapping",
    "approve_manual",
    "cancel_lines",
    "order_timeline",
    "pick_alternate_supplier",
]
