"""Per-store access: what a user limited to some AliExpress stores may see and act on (``scope``
None: every store). Orders, the exception queue and 售后 follow their order's store; rows that may
belong to no store (mapping rules, listings entered by hand) are shared: every user sees them.

Repositories take a ``scope`` and filter with these helpers, so this module imports tables only
(the view types are for annotations): any repository may import it without a cycle."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kuajing.aftersales.tables import ReturnCaseRow, SupplierClaimRow
from kuajing.kit.errors import NotFound
from kuajing.orders.tables import AeOrderRow, OrderExceptionRow

if TYPE_CHECKING:
    from kuajing.aftersales.schemas import CaseView
    from kuajing.orders.queue import QueueItem

_S = TypeVar("_S", bound=Select)  # type: ignore[type-arg]


def orders_in_scope(query: _S, scope: frozenset[int] | None) -> _S:
    """``query`` (over ``ae_orders``) limited to the stores in ``scope``."""
    return query if scope is None else query.where(AeOrderRow.store_id.in_(sorted(scope)))


def store_or_shared(store_id: InstrumentedAttribute[int | None], scope: frozenset[int]) -> ColumnElement[Any]:
    """The SQL condition "a row of one of the stores in ``scope``, or of no store (shared)"; for a row
    already read, ``accounts.model.shared_or_in_scope``."""
    return or_(store_id.is_(None), store_id.in_(sorted(scope)))


def items_in_scope(
    session: Session, items: Sequence[QueueItem], scope: frozenset[int] | None
) -> list[QueueItem]:
    if scope is None or not items:
        return list(items)
    order_ids = {item.order_id for item in items}
    query = select(AeOrderRow.id).where(AeOrderRow.id.in_(order_ids), AeOrderRow.store_id.in_(sorted(scope)))
    visible = set(session.scalars(query))
    return [item for item in items if item.order_id in visible]


def exception_ids_in_scope(session: Session, ids: Sequence[int], scope: frozenset[int] | None) -> list[int]:
    """The exception ids among ``ids`` on orders of the user's stores (the others are dropped)."""
    if scope is None or not ids:
        return list(ids)
    query = (
        select(OrderExceptionRow.id)
        .join(AeOrderRow, AeOrderRow.id == OrderExceptionRow.order_id)
        .where(OrderExceptionRow.id.in_(list(ids)), AeOrderRow.store_id.in_(sorted(scope)))
    )
    visible = set(session.scalars(query))
    return [item for item in ids if item in visible]


def ae_order_ids_in_scope(session: Session, ids: Sequence[int], scope: frozenset[int] | None) -> list[int]:
    if scope is None or not ids:
        return list(ids)
    query = select(AeOrderRow.ae_order_id).where(
        AeOrderRow.ae_order_id.in_(list(ids)), AeOrderRow.store_id.in_(sorted(scope))
    )
    visible = set(session.scalars(query))
    return [item for item in ids if item in visible]


# --- 售后: cases and claims follow their AliExpress order's store ----------------------------------


def _visible_orders(session: Session, order_ids: set[int], scope: frozenset[int]) -> set[int]:
    query = select(AeOrderRow.id).where(AeOrderRow.id.in_(order_ids), AeOrderRow.store_id.in_(sorted(scope)))
    return set(session.scalars(query)) if order_ids else set()


def views_in_scope(
    session: Session, views: Sequence[CaseView], scope: frozenset[int] | None
) -> list[CaseView]:
    if scope is None:
        return list(views)
    visible = _visible_orders(session, {view.case.order_id for view in views}, scope)
    return [view for view in views if view.case.order_id in visible]


def _hidden(kind: str, value: object) -> NotFound:
    return NotFound(f"{kind} {value} not found", f"找不到{kind} {value}")


def require_ae_order(session: Session, ae_order_id: int | None, scope: frozenset[int] | None) -> None:
    """``NotFound`` for an order of another store (as if it did not exist)."""
    if scope is None or ae_order_id is None:
        return
    if not ae_order_ids_in_scope(session, [ae_order_id], scope):
        raise _hidden("order", ae_order_id)


def require_path_objects(session: Session, params: dict[str, object], scope: frozenset[int] | None) -> None:
    """The route's ``case_id`` / ``claim_id`` must belong to one of the user's stores."""
    if scope is None:
        return
    if "case_id" in params:
        case = session.get(ReturnCaseRow, int(str(params["case_id"])))
        if case is None or not _visible_orders(session, {case.order_id}, scope):
            raise _hidden("case", params["case_id"])
    if "claim_id" in params:
        claim = session.get(SupplierClaimRow, int(str(params["claim_id"])))
        case = session.get(ReturnCaseRow, claim.case_id) if claim is not None else None
        if case is None or not _visible_orders(session, {case.order_id}, scope):
            raise _hidden("claim", params["claim_id"])


__all__ = [
    "ae_order_ids_in_scope",
    "exception_ids_in_scope",
    "items_in_scope",
    "orders_in_scope",
    "require_ae_order",
    "require_path_objects",
    "store_or_shared",
    "views_in_scope",
]
