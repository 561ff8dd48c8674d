"""Lifecycle use cases: the board (every tracked offer by stage, with its order figures and the move
the triggers suggest), a validated and recorded move, and the suggestions alone. Never commits:
the page, the API or the CLI command does.

Order figures come from the order loop's tables (``LifecycleRepository.lines_since``): sale prices
are converted to CNY with the FX table the caller passes (the logistics catalog's, as for landed
cost); the 1688 cost of a line is the mapping rule's unit cost when it has one, else the offer's
first-tier price, times the pieces bought.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from kuajing.kit.errors import NotFound
from kuajing.logistics.landed import FxTable
from kuajing.purchasing.model import OrderState, PurchaseState
from kuajing.sourcing.lifecycle import (
    LifecycleMove,
    OrderStats,
    ReorderPlan,
    SoldLine,
    Stage,
    Suggestion,
    Triggers,
    order_stats,
    plan_move,
    plan_reorder,
    suggest,
)
from kuajing.sourcing.lifecycle_repository import LifecycleRepository, LineFacts
from kuajing.sourcing.tables import SourcedOfferRow, SupplierRow

# Stages whose offers sell on AliExpress (or are about to): the ones with order figures and triggers.
MEASURED = (Stage.SAMPLE, Stage.TESTING, Stage.WINNER, Stage.REORDER, Stage.OFFICIAL_LOGISTICS)
_FAILED_PURCHASE = {PurchaseState.FAILED.value, PurchaseState.CANCELLED.value}


@dataclass(frozen=True, slots=True)
class BoardCard:
    offer_id: int
    title: str
    supplier_name: str
    supplier_member_id: str
    custom_moq: int | None
    stage: Stage
    unit_price: Decimal
    stats: OrderStats = field(default_factory=OrderStats)
    suggestion: Suggestion | None = None
    reorder_plan: ReorderPlan | None = None


@dataclass(frozen=True, slots=True)
class Board:
    cards: list[BoardCard]
    counts: dict[Stage, int]  # offers per stage in the database (a column may show fewer)
    triggers: Triggers
    now: datetime

    def column(self, stage: Stage) -> list[BoardCard]:
        return [card for card in self.cards if card.stage == stage]


def sold_line(facts: LineFacts, fx: FxTable, offer_unit_price: Decimal) -> SoldLine:
    bought = facts.purchase_state is not None
    cancelled = facts.order_state == OrderState.CANCELLED.value or facts.line_state == "cancelled"
    pieces = facts.buy_quantity or facts.quantity
    try:
        sale: Decimal | None = fx.to_cny(facts.unit_price * facts.quantity, facts.currency)
    except NotFound:
        sale = None
    unit_cost = facts.rule_unit_cost if facts.rule_unit_cost is not None else offer_unit_price
    return SoldLine(
        order_id=facts.order_id,
        paid_at=facts.paid_at,
        pieces=pieces,
        sale_cny=sale,
        cost_cny=unit_cost * pieces,
        counted=bought or not cancelled,
        defect=(bought and cancelled) or facts.purchase_state in _FAILED_PURCHASE,
    )


def board(
    session: Session,
    now: datetime,
    fx: FxTable,
    triggers: Triggers,
    *,
    unmeasured_limit: int = 60,
    reported_defects: Mapping[int, int] | None = None,
) -> Board:
    """Every offer in a measured stage with its figures and suggestion; the newest
    ``unmeasured_limit`` candidates and dropped offers (they can number in the hundred thousands)."""
    repo = LifecycleRepository(session)
    measured = repo.offers([stage.value for stage in MEASURED])
    others = repo.offers([Stage.CANDIDATE.value], unmeasured_limit) + repo.offers(
        [Stage.DROPPED.value], unmeasured_limit
    )
    offer_ids = [offer.offer_id for offer, _ in measured]
    first_paid = repo.first_paid(offer_ids)
    prices = {offer.offer_id: offer.unit_price for offer, _ in measured}
    by_offer: dict[int, list[SoldLine]] = {}
    for facts in repo.lines_since(offer_ids, now - timedelta(days=triggers.window_days)):
        by_offer.setdefault(facts.offer_id, []).append(sold_line(facts, fx, prices[facts.offer_id]))
    dropship = repo.dropship_prices([offer.id for offer, _ in measured])
    cards = []
    for offer, supplier in measured:
        first = first_paid.get(offer.offer_id)
        history = int((now - first) / timedelta(days=1)) if first else 0
        stats = order_stats(
            by_offer.get(offer.offer_id, []),
            now,
            triggers.window_days,
            history,
            (reported_defects or {}).get(offer.offer_id, 0),
        )
        cards.append(_card(offer, supplier, stats, triggers, dropship.get(offer.id)))
    cards += [_card(offer, supplier, None, triggers, None) for offer, supplier in others]
    counts = {stage: 0 for stage in Stage}
    for stage, count in repo.stage_counts().items():
        if stage in counts:
            counts[Stage(stage)] = count
    return Board(cards, counts, triggers, now)


def _card(
    offer: SourcedOfferRow,
    supplier: SupplierRow,
    stats: OrderStats | None,
    triggers: Triggers,
    dropship_price: Decimal | None,
) -> BoardCard:
    stage = Stage(offer.lifecycle_stage)
    suggestion = suggest(stage, stats, triggers) if stats is not None else None
    plan = None
    wants_reorder = stage == Stage.REORDER or (
        suggestion is not None and suggestion.to_stage == Stage.REORDER
    )
    if stats is not None and wants_reorder:
        tiers = offer.price_tiers or [[max(1, offer.min_order_quantity), str(offer.unit_price)]]
        plan = plan_reorder(
            stats,
            triggers,
            tiers,
            supplier.custom_moq,
            offer.min_order_quantity,
            dropship_price or offer.unit_price,
        )
    return BoardCard(
        offer.offer_id,
        offer.title,
        supplier.name,
        supplier.member_id,
        supplier.custom_moq,
        stage,
        offer.unit_price,
        stats or OrderStats(),
        suggestion,
        plan,
    )


def suggestions(board_: Board) -> list[BoardCard]:
    return [card for card in board_.cards if card.suggestion is not None]


class OfferNotTracked(NotFound):
    code = "offer_not_tracked"

    def __init__(self, offer_id: int) -> None:
        super().__init__(
            f"offer {offer_id} is not in the sourcing workbench",
            f"选品库里没有货源 {offer_id}",
            details={"offer_id": offer_id},
        )


def move(
    session: Session, offer_id: int, to_stage: str, reason: str, actor: str, now: datetime
) -> LifecycleMove:
    """Validate the move against the allowed transitions and record it (what, when, why, who)."""
    repo = LifecycleRepository(session)
    found = repo.offer(offer_id)
    if found is None:
        raise OfferNotTracked(offer_id)
    offer, _ = found
    planned = plan_move(offer_id, offer.lifecycle_stage, to_stage, reason, actor, now)
    repo.record_move(offer, planned)
    return planned


# --- JSON shapes (the API and ``kuajing lifecycle … --json`` print the same) ------------------------


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def suggestion_to_dict(suggestion: Suggestion | None) -> dict[str, Any] | None:
    if suggestion is None:
        return None
    return {
        "to_stage": suggestion.to_stage.value,
        "rule": suggestion.rule,
        "reason_zh": suggestion.reason_zh,
        "reason_en": suggestion.reason_en,
    }


def plan_to_dict(plan: ReorderPlan | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {
        "quantity": plan.quantity,
        "pieces_per_day": str(plan.pieces_per_day),
        "days_of_stock": plan.days_of_stock,
        "custom_moq": plan.custom_moq,
        "tier_start": plan.tier_start,
        "unit_price_cny": str(plan.unit_price),
        "total_cny": str(plan.total),
        "dropship_unit_price_cny": _text(plan.dropship_unit_price),
        "saving_cny": _text(plan.saving),
    }


def card_to_dict(card: BoardCard, triggers: Triggers) -> dict[str, Any]:
    stats = card.stats
    return {
        "offer_id": card.offer_id,
        "title": card.title,
        "supplier": {
            "name": card.supplier_name,
            "member_id": card.supplier_member_id,
            "custom_moq": card.custom_moq,
        },
        "stage": card.stage.value,
        "unit_price_cny": str(card.unit_price),
        "daily_orders": list(stats.daily_orders),
        "orders_per_day": str(stats.orders_per_day(triggers.winner_days).quantize(Decimal("0.01"))),
        "orders_30d": stats.orders(30),
        "margin_rate": _text(stats.margin_rate),
        "defect_rate": _text(stats.defect_rate(triggers.drop_days)),
        "suggestion": suggestion_to_dict(card.suggestion),
        "reorder_plan": plan_to_dict(card.reorder_plan),
    }


def board_to_dict(board_: Board) -> dict[str, Any]:
    return {
        "at": board_.now.isoformat(),
        "triggers": board_.triggers.source,
        "counts": {stage.value: count for stage, count in board_.counts.items()},
        "offers": [card_to_dict(card, board_.triggers) for card in board_.cards],
    }


def move_to_dict(move_: LifecycleMove) -> dict[str, Any]:
    return {
        "offer_id": move_.offer_id,
        "from_stage": move_.from_stage.value,
        "to_stage": move_.to_stage.value,
        "reason": move_.reason,
        "actor": move_.actor,
        "at": move_.at.isoformat(),
    }
