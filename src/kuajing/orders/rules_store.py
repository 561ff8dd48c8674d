"""Mapping rules between the database rows and the pure ``SkuMappingRule``; saving validates first."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kuajing.kit.money import Money
from kuajing.orders.mapping import MatchKind, OfferCatalog, RuleBook, SkuMappingRule, ensure_valid
from kuajing.orders.tables import AeOrderRow, SkuMappingRuleRow
from kuajing.purchasing.model import OrderState


def to_rule(row: SkuMappingRuleRow) -> SkuMappingRule:
    return SkuMappingRule(
        kind=MatchKind(row.kind),
        pattern=row.pattern,
        offer_id=row.offer_id,
        spec_id=row.spec_id,
        variant_map=dict(row.variant_map or {}),
        quantity_multiplier=row.quantity_multiplier,
        priority=row.priority,
        store_id=row.store_id,
        unit_cost=Money(row.unit_cost, "CNY") if row.unit_cost is not None else None,
        enabled=row.enabled,
        id=row.id,
        note=row.note,
    )


def load_rulebook(session: Session) -> RuleBook:
    return RuleBook(to_rule(row) for row in session.scalars(select(SkuMappingRuleRow)))


def save_rule(
    session: Session, rule: SkuMappingRule, catalog: OfferCatalog, *, now: datetime
) -> SkuMappingRuleRow:
    """Validates (bad regex, unknown offer or spec → MappingRuleInvalid, nothing written), then saves,
    then makes every order waiting in the exception queue due again so the fix re-routes it."""
    ensure_valid(rule, catalog)
    row = session.get(SkuMappingRuleRow, rule.id) if rule.id is not None else None
    if row is None:
        row = SkuMappingRuleRow(created_at=now)
        session.add(row)
    row.kind = rule.kind.value
    row.pattern = rule.pattern
    row.offer_id = rule.offer_id
    row.spec_id = rule.spec_id
    row.variant_map = dict(rule.variant_map)
    row.quantity_multiplier = rule.quantity_multiplier
    row.priority = rule.priority
    row.store_id = rule.store_id
    row.unit_cost = rule.unit_cost.amount if rule.unit_cost is not None else None
    row.enabled = rule.enabled
    row.note = rule.note
    row.updated_at = now
    session.flush()
    requeue_exceptions(session, now)
    return row


def requeue_exceptions(session: Session, now: datetime) -> None:
    """A cause was fixed: every order in the queue is looked at again on the next pass."""
    session.execute(
        update(AeOrderRow)
        .where(AeOrderRow.state == OrderState.EXCEPTION.value)
        .values(due_at=now)
        .execution_options(synchronize_session=False)
    )


def unit_cost(value: str | None) -> Money | None:
    return Money(Decimal(value), "CNY") if value else None
