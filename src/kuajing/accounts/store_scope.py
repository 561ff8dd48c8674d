"""Per-store access applied to orders and the exception queue: what a user limited to some
AliExpress stores may see and act on (``scope`` None: every store)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kuajing.orders.queue import QueueItem
from kuajing.orders.tables import AeOrderRow, OrderExceptionRow

_S = TypeVar("_S", bound=Select)  # type: ignore[type-arg]


def orders_in_scope(query: _S, scope: frozenset[int] | None) -> _S:
    """``query`` (over ``ae_orders``) limited to the stores in ``scope``."""
    return query if scope is None else query.where(AeOrderRow.store_id.in_(sorted(scope)))


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


__all__ = ["ae_order_ids_in_scope", "exception_ids_in_scope", "items_in_scope", "orders_in_scope"]
