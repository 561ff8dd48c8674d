"""Use cases of the supplier scorecards: every supplier scored, or one with its history by month.

The same functions serve the pages, the JSON API and the selection (``reliabilities``: expected
profit × reliability). They read through ``SupplierHistoryRepository`` and never commit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kuajing.kit.errors import NotFound
from kuajing.sourcing.scoring import (
    Prior,
    ScoringSettings,
    SupplierHistory,
    SupplierProfile,
    SupplierScore,
    Tally,
    parse_scoring_settings,
    score_supplier,
)
from kuajing.sourcing.supplier_history import SupplierHistoryRepository, on_time_by_month
from kuajing.sourcing.tables import SourcedOfferRow, SupplierRow

SCORING_FILE = Path(__file__).parent / "data" / "scoring.toml"


@cache
def scoring_settings(path: Path = SCORING_FILE) -> ScoringSettings:
    """The shipped priors and weights (read once per process)."""
    with path.open("rb") as handle:
        return parse_scoring_settings(tomllib.load(handle), path.name)


class SupplierNotFound(NotFound):
    code = "supplier_not_found"

    def __init__(self, member_id: str) -> None:
        super().__init__(
            f"no supplier {member_id!r}", f"没有供应商 {member_id!r}", details={"member_id": member_id}
        )
        self.member_id = member_id


def profile_of(row: SupplierRow) -> SupplierProfile:
    return SupplierProfile(
        member_id=row.member_id,
        name=row.name,
        trust_pass=row.trust_pass,
        trust_pass_years=row.trust_pass_years,
        super_factory=row.super_factory,
        dropship=row.dropship,
        cross_border=row.cross_border,
        english_customs_docs=row.english_customs_docs,
        iso9001=row.iso9001,
        free_sample=row.free_sample,
        custom_moq=row.custom_moq,
        credit_guarantee=row.credit_guarantee,
    )


@dataclass(frozen=True, slots=True)
class Scorecard:
    supplier: SupplierRow
    profile: SupplierProfile
    history: SupplierHistory
    score: SupplierScore


@dataclass(frozen=True, slots=True)
class ScorecardDetail:
    card: Scorecard
    by_month: list[tuple[str, Tally]]  # on-time dispatch per month in the seller's zone
    offers: list[SourcedOfferRow]
    on_time_prior: Prior  # the prior the on-time rate starts from


def scorecards(session: Session, now: datetime, settings: ScoringSettings | None = None) -> list[Scorecard]:
    """Every supplier with its score (in name order; the caller sorts and filters)."""
    settings = settings or scoring_settings()
    repo = SupplierHistoryRepository(session)
    histories = repo.histories(now, settings.on_time_hours, settings.max_price_rise)
    cards = []
    for row in repo.suppliers():
        profile = profile_of(row)
        history = histories.get(row.member_id, SupplierHistory())
        cards.append(Scorecard(row, profile, history, score_supplier(profile, history, settings)))
    return cards


def scorecard(
    session: Session, member_id: str, now: datetime, tz: Any, settings: ScoringSettings | None = None
) -> ScorecardDetail:
    settings = settings or scoring_settings()
    repo = SupplierHistoryRepository(session)
    row = repo.supplier(member_id)
    if row is None:
        raise SupplierNotFound(member_id)
    dispatches = repo.dispatches_of(member_id, now, settings.on_time_hours)
    dispatch = Tally(sum(d.on_time for d in dispatches), len(dispatches))
    prices = repo.price_tallies(settings.max_price_rise, member_id).get(member_id, Tally())
    quality, claims = repo.aftersales_tallies(member_id).get(member_id, (Tally(), Tally()))
    profile = profile_of(row)
    history = SupplierHistory(dispatch=dispatch, quality=quality, claims=claims, prices=prices)
    card = Scorecard(row, profile, history, score_supplier(profile, history, settings))
    return ScorecardDetail(
        card, on_time_by_month(dispatches, tz), repo.offers_of(row.id), settings.on_time_prior(profile)
    )


def reliabilities(
    session: Session, now: datetime, settings: ScoringSettings | None = None
) -> dict[str, Decimal]:
    """supplier member id → reliability (Decimal in [0, 1]) for selection's expected profit × reliability."""
    return {card.profile.member_id: card.score.reliability for card in scorecards(session, now, settings)}


__all__ = [
    "SCORING_FILE",
    "Scorecard",
    "ScorecardDetail",
    "SupplierNotFound",
    "profile_of",
    "reliabilities",
    "scorecard",
    "scorecards",
    "scoring_settings",
]
