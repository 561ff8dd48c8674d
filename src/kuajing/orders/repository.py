"""All SQL for orders, lines, rules, exceptions and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from kuajing.orders.tables import (
    AeOrderLineRow,
    AeOrderRow,
    OrderExceptionRow,
    SkuMappingRuleRow,
    StateChangeRow,
    StoreSyncStateRow,
)


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- orders ------------------------------------------------------------------------------------
    def by_ae_order_id(self, ae_order_id: int) -> AeOrderRow | None:
        return self.session.scalars(select(AeOrderRow).where(AeOrderRow.ae_order_id == ae_order_id)).first()

    def by_ae_order_ids(self, ae_order_ids: Sequence[int]) -> dict[int, AeOrderRow]:
        if not ae_order_ids:
            return {}
        rows = self.session.scalars(select(AeOrderRow).where(AeOrderRow.ae_order_id.in_(ae_order_ids)))
        return {row.ae_order_id: row for row in rows}

    def get(self, order_id: int) -> AeOrderRow | None:
        return self.session.get(AeOrderRow, order_id)

    def lines_of(self, order_id: int) -> list[AeOrderLineRow]:
        query = select(AeOrderLineRow).where(AeOrderLineRow.order_id == order_id).order_by(AeOrderLineRow.id)
        return list(self.session.scalars(query))

    def lines_by_child(self, child_ids: Sequence[int]) -> dict[int, AeOrderLineRow]:
        if not child_ids:
            return {}
        rows = self.session.scalars(select(AeOrderLineRow).where(AeOrderLineRow.child_id.in_(child_ids)))
        return {row.child_id: row for row in rows}

    def due_orders(self, states: Sequence[str], now: datetime, limit: int) -> list[AeOrderRow]:
        query = (
            select(AeOrderRow)
            .where(AeOrderRow.state.in_(states))
            .where(or_(AeOrderRow.due_at.is_(None), AeOrderRow.due_at <= now))
            .where(or_(AeOrderRow.lease_until.is_(None), AeOrderRow.lease_until < now))
            .order_by(AeOrderRow.due_at, AeOrderRow.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def claim(self, order_id: int, owner: str, now: datetime, until: datetime) -> bool:
        """One worker at a time per order: an atomic compare-and-set on the lease columns."""
        result = self.session.execute(
            update(AeOrderRow)
            .where(AeOrderRow.id == order_id)
            .where(or_(AeOrderRow.lease_until.is_(None), AeOrderRow.lease_until < now))
            .values(lease_owner=owner, lease_until=until)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def claim_many(self, order_ids: Sequence[int], owner: str, now: datetime, until: datetime) -> list[int]:
        """``claim`` for a batch in one statement: the ids this worker now holds."""
        if not order_ids:
            return []
        claimed = self.session.scalars(
            update(AeOrderRow)
            .where(AeOrderRow.id.in_(order_ids))
            .where(or_(AeOrderRow.lease_until.is_(None), AeOrderRow.lease_until < now))
            .values(lease_owner=owner, lease_until=until)
            .returning(AeOrderRow.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(claimed)

    def release_many(self, order_ids: Sequence[int], owner: str) -> None:
        """Give back the leases this worker holds on these orders (others' leases are left alone)."""
        if order_ids:
            self.session.execute(
                update(AeOrderRow)
                .where(AeOrderRow.id.in_(order_ids), AeOrderRow.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
                .execution_options(synchronize_session=False)
            )

    def release(self, order: AeOrderRow) -> None:
        order.lease_owner = None
        order.lease_until = None

    def add(self, row: object) -> None:
        self.session.add(row)

    # -- sync state --------------------------------------------------------------------------------
    def sync_state(self, store_id: int) -> StoreSyncStateRow:
        state = self.session.get(StoreSyncStateRow, store_id)
        if state is None:
            state = StoreSyncStateRow(store_id=store_id, watermark=None, last_run_at=None, last_result="")
            self.session.add(state)
        return state

    # -- rules ---------------------------------------------------------------------------------------
    def rules(self) -> list[SkuMappingRuleRow]:
        return list(self.session.scalars(select(SkuMappingRuleRow).order_by(SkuMappingRuleRow.id)))

    def rule(self, rule_id: int) -> SkuMappingRuleRow | None:
        return self.session.get(SkuMappingRuleRow, rule_id)

    # -- exceptions ------------------------------------------------------------------------------------
    def open_exceptions(self, order_id: int | None = None) -> list[OrderExceptionRow]:
        query = select(OrderExceptionRow).where(OrderExceptionRow.status == "open")
        if order_id is not None:
            query = query.where(OrderExceptionRow.order_id == order_id)
        return list(self.session.scalars(query.order_by(OrderExceptionRow.id)))

    def exception(self, exception_id: int) -> OrderExceptionRow | None:
        return self.session.get(OrderExceptionRow, exception_id)

    # -- audit ---------------------------------------------------------------------------------------
    def history(self, entity: str, entity_id: int) -> list[StateChangeRow]:
        query = (
            select(StateChangeRow)
            .where(StateChangeRow.entity == entity, StateChangeRow.entity_id == entity_id)
            .order_by(StateChangeRow.id)
        )
        return list(self.session.scalars(query))
