"""SQL of the lifecycle board: tracked offers with their supplier, the order lines mapped to them
(from the order loop's tables), and the moves. Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuajing.orders.tables import AeOrderLineRow, AeOrderRow, SkuMappingRuleRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.lifecycle import LifecycleMove
from kuajing.sourcing.tables import LifecycleMoveRow, SourcedOfferRow, SourcedSpecRow, SupplierRow


@dataclass(frozen=True, slots=True)
class LineFacts:
    """One mapped AliExpress order line, raw: the service turns it into a ``SoldLine``."""

    offer_id: int
    order_id: int
    paid_at: datetime
    order_state: str
    line_state: str
    quantity: int
    buy_quantity: int | None
    unit_price: Decimal
    currency: str
    rule_unit_cost: Decimal | None
    purchase_state: str | None


class LifecycleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def offers(
        self, stages: Sequence[str] | None = None, limit: int | None = None
    ) -> list[tuple[SourcedOfferRow, SupplierRow]]:
        query = select(SourcedOfferRow, SupplierRow).join(
            SupplierRow, SourcedOfferRow.supplier_id == SupplierRow.id
        )
        if stages is not None:
            query = query.where(SourcedOfferRow.lifecycle_stage.in_(stages))
        query = query.order_by(SourcedOfferRow.updated_at.desc(), SourcedOfferRow.id.desc()).limit(limit)
        return [(offer, supplier) for offer, supplier in self.session.execute(query)]

    def stage_counts(self) -> dict[str, int]:
        query = select(SourcedOfferRow.lifecycle_stage, func.count()).group_by(
            SourcedOfferRow.lifecycle_stage
        )
        return {stage: count for stage, count in self.session.execute(query)}

    def offer(self, offer_id: int) -> tuple[SourcedOfferRow, SupplierRow] | None:
        query = (
            select(SourcedOfferRow, SupplierRow)
            .join(SupplierRow, SourcedOfferRow.supplier_id == SupplierRow.id)
            .where(SourcedOfferRow.offer_id == offer_id)
        )
        row = self.session.execute(query).first()
        return (row[0], row[1]) if row else None

    def dropship_prices(self, offer_row_ids: Sequence[int]) -> dict[int, Decimal]:
        """The cheapest 代发价 among each offer's specs (what one piece costs shipped one by one)."""
        if not offer_row_ids:
            return {}
        query = (
            select(SourcedSpecRow.offer_row_id, func.min(SourcedSpecRow.consign_price))
            .where(SourcedSpecRow.offer_row_id.in_(offer_row_ids), SourcedSpecRow.consign_price.is_not(None))
            .group_by(SourcedSpecRow.offer_row_id)
        )
        return {row_id: Decimal(price) for row_id, price in self.session.execute(query) if price is not None}

    def first_paid(self, offer_ids: Sequence[int]) -> dict[int, datetime]:
        if not offer_ids:
            return {}
        query = (
            select(AeOrderLineRow.offer_id, func.min(AeOrderRow.paid_at))
            .join(AeOrderRow, AeOrderLineRow.order_id == AeOrderRow.id)
            .where(AeOrderLineRow.offer_id.in_(offer_ids), AeOrderRow.paid_at.is_not(None))
            .group_by(AeOrderLineRow.offer_id)
        )
        return {
            offer_id: _utc(at)
            for offer_id, at in self.session.execute(query)
            if offer_id is not None and at is not None
        }

    def lines_since(self, offer_ids: Sequence[int], since: datetime) -> list[LineFacts]:
        if not offer_ids:
            return []
        query = (
            select(
                AeOrderLineRow.offer_id,
                AeOrderLineRow.order_id,
                AeOrderRow.paid_at,
                AeOrderRow.state,
                AeOrderLineRow.state,
                AeOrderLineRow.quantity,
                AeOrderLineRow.buy_quantity,
                AeOrderLineRow.unit_price,
                AeOrderLineRow.currency,
                SkuMappingRuleRow.unit_cost,
                PurchaseOrderRow.state,
            )
            .join(AeOrderRow, AeOrderLineRow.order_id == AeOrderRow.id)
            .outerjoin(SkuMappingRuleRow, AeOrderLineRow.rule_id == SkuMappingRuleRow.id)
            .outerjoin(PurchaseOrderRow, AeOrderLineRow.purchase_id == PurchaseOrderRow.id)
            .where(AeOrderLineRow.offer_id.in_(offer_ids), AeOrderRow.paid_at > since)
        )
        facts = []
        for row in self.session.execute(query):
            offer_id, order_id, paid_at, order_state, line_state, quantity, buy_quantity = row[:7]
            unit_price, currency, unit_cost, purchase_state = row[7:]
            if offer_id is None or paid_at is None:  # excluded by the query; for the type checker
                continue
            facts.append(
                LineFacts(
                    offer_id,
                    order_id,
                    _utc(paid_at),
                    order_state,
                    line_state,
                    quantity,
                    buy_quantity,
                    Decimal(unit_price),
                    currency,
                    None if unit_cost is None else Decimal(unit_cost),
                    purchase_state,
                )
            )
        return facts

    def record_move(self, offer: SourcedOfferRow, move: LifecycleMove) -> LifecycleMoveRow:
        row = LifecycleMoveRow(
            offer_row_id=offer.id,
            from_stage=move.from_stage.value,
            to_stage=move.to_stage.value,
            reason=move.reason,
            actor=move.actor,
            at=move.at,
        )
        offer.lifecycle_stage = move.to_stage.value
        offer.updated_at = move.at
        self.session.add(row)
        self.session.flush()
        return row

    def moves(self, offer_row_id: int) -> list[LifecycleMoveRow]:
        query = (
            select(LifecycleMoveRow)
            .where(LifecycleMoveRow.offer_row_id == offer_row_id)
            .order_by(LifecycleMoveRow.at, LifecycleMoveRow.id)
        )
        return list(self.session.scalars(query))


def _utc(moment: datetime) -> datetime:
    """Aggregates may come back naive on SQLite; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
