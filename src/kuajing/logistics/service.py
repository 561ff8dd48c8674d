"""Use cases of the logistics context: the catalog in force for a request, a quote, a ranking."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from kuajing.config import Settings
from kuajing.logistics.catalog import LogisticsCatalog, shipped_catalog
from kuajing.logistics.landed import QuoteRequest
from kuajing.logistics.rank import Ranking, rank_lines
from kuajing.logistics.repository import LogisticsDocuments

log = logging.getLogger(__name__)


def catalog_for(session: Session | None, settings: Settings) -> LogisticsCatalog:
    """Shipped data, then the user's saved documents (when a session is given), then settings.

    A saved document that no longer loads (the parsers grew stricter) is left out with a warning
    rather than stopping every quote and the order loop's margin check."""
    catalog = shipped_catalog()
    if session is not None:
        user = LogisticsDocuments(session).load_active()
        for problem in user.problems:
            log.warning("logistics document left out: %s", problem)
        catalog = catalog.with_user_documents(user.cards, user.rules, user.policy, user.problems)
    return catalog.with_settings(
        usd_cny_rate=settings.usd_cny_rate,
        margin_floor=settings.margin_floor,
        platform_commission=settings.platform_commission,
    )


def quote_lines(catalog: LogisticsCatalog, request: QuoteRequest, line_id: str | None = None) -> Ranking:
    """Every line in force on the request's date (or just ``line_id``), best first."""
    cards = [catalog.card(line_id, request.on)] if line_id else list(catalog.cards_on(request.on))
    return rank_lines(request, cards, catalog.rules, catalog.policy, catalog.fx)
