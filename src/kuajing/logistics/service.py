"""Use cases of the logistics context: the catalog in force for a request, a quote, a ranking."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from kuajing.config import Settings
from kuajing.logistics.catalog import LogisticsCatalog, shipped_catalog
from kuajing.logistics.landed import QuoteRequest
from kuajing.logistics.rank import Ranking, rank_lines
from kuajing.logistics.repository import LogisticsDocuments, UserDocuments


def catalog_for(session: Session | None, settings: Settings) -> LogisticsCatalog:
    """Shipped data, then the user's saved documents (when a session is given), then settings."""
    catalog = shipped_catalog()
    if session is not None:
        catalog = with_user_documents(catalog, LogisticsDocuments(session).load_active())
    return catalog.with_settings(
        usd_cny_rate=settings.usd_cny_rate,
        margin_floor=settings.margin_floor,
        platform_commission=settings.platform_commission,
    )


def with_user_documents(catalog: LogisticsCatalog, user: UserDocuments) -> LogisticsCatalog:
    """The user's documents over ``catalog``: for a line or a country on a date, the user's wins.

    A user's card with the line and version of a shipped card (a shipped card exported, edited
    and imported back) replaces that card: the catalog tells user cards by (line, version), so
    both together would be taken for user cards and the shipped one could win.
    """
    replaced = {(card.line_id, card.version) for card in user.cards}
    kept = tuple(card for card in catalog.cards if (card.line_id, card.version) not in replaced)
    return replace(catalog, cards=kept).with_user_documents(user.cards, user.rules, user.policy)


def quote_lines(catalog: LogisticsCatalog, request: QuoteRequest, line_id: str | None = None) -> Ranking:
    """Every line in force on the request's date (or just ``line_id``), best first."""
    cards = [catalog.card(line_id, request.on)] if line_id else list(catalog.cards_on(request.on))
    return rank_lines(request, cards, catalog.rules, catalog.policy, catalog.fx)
