"""All SQL for 合规: listings, EPR registrations, listing checks, QC documents, the dashboard counts.

``scope``: the stores a user may see (None: every store). A listing without a store (entered by
hand or imported from a file that names none) is shared, like a mapping rule without a store:
every user sees it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, delete, func, or_, select
from sqlalchemy.orm import Session

from kuajing.accounts.model import shared_or_in_scope
from kuajing.accounts.store_scope import store_or_shared
from kuajing.compliance.tables import EprRegistrationRow, ListingCheckRow, ListingRow, QcDocumentRow
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow
from kuajing.sourcing.tables import OfferSnapshotRow, SourcedOfferRow


@dataclass(frozen=True)
class MarketCounts:
    market: str
    blocking: int
    warning: int
    ok: int


@dataclass(frozen=True)
class SeenProduct:
    """A product id seen on an order line, the store that sold it and the 1688 offer it was bought as."""

    product_id: int
    store_id: int
    title: str | None
    offer_id: int | None


# --- listings -------------------------------------------------------------------------------------------


def _in_scope(query: Select, scope: frozenset[int] | None) -> Select:  # type: ignore[type-arg]
    """``query`` (over ``compliance_listings``) limited to the listings of ``scope`` and the shared ones."""
    return query if scope is None else query.where(store_or_shared(ListingRow.store_id, scope))


def listing(session: Session, listing_id: int, scope: frozenset[int] | None = None) -> ListingRow | None:
    """The listing, or None when there is none or it belongs to a store outside ``scope``."""
    row = session.get(ListingRow, listing_id)
    return row if row is not None and shared_or_in_scope(row.store_id, scope) else None


def listing_by_product(session: Session, product_id: int) -> ListingRow | None:
    return session.scalars(select(ListingRow).where(ListingRow.product_id == product_id)).first()


def all_listings(session: Session, scope: frozenset[int] | None = None) -> list[ListingRow]:
    return list(session.scalars(_in_scope(select(ListingRow), scope).order_by(ListingRow.id)))


def listings_shipping_to(session: Session, country: str) -> list[ListingRow]:
    """Listings whose markets include ``country`` (JSON lists differ per backend: filtered here)."""
    return [row for row in all_listings(session) if country in (row.markets or [])]


def stale_listings(
    session: Session,
    rules_version: str,
    checked_before: datetime | None = None,
    scope: frozenset[int] | None = None,
) -> list[ListingRow]:
    """Never checked, changed since the last check, checked under other rules, or (with
    ``checked_before``) checked before that moment — dates move statuses too."""
    other_rules = select(ListingCheckRow.listing_id).where(ListingCheckRow.rules_version != rules_version)
    conditions = [
        ListingRow.checked_at.is_(None),
        ListingRow.checked_at < ListingRow.updated_at,
        ListingRow.id.in_(other_rules),
    ]
    if checked_before is not None:
        conditions.append(ListingRow.checked_at < checked_before)
    query = _in_scope(select(ListingRow).where(or_(*conditions)), scope)
    return list(session.scalars(query.order_by(ListingRow.id)))


def listed_product_ids(session: Session) -> set[int]:
    return {int(pid) for pid in session.scalars(select(ListingRow.product_id))}


def seen_products(session: Session) -> list[SeenProduct]:
    """Every product id on a stored order line, with its store, last title and most used 1688 offer."""
    query = (
        select(
            AeOrderLineRow.product_id,
            AeOrderRow.store_id,
            AeOrderLineRow.product_name,
            AeOrderLineRow.offer_id,
        )
        .join(AeOrderRow, AeOrderRow.id == AeOrderLineRow.order_id)
        .order_by(AeOrderLineRow.id)
    )
    stores: dict[int, int] = {}
    titles: dict[int, str | None] = {}
    offers: dict[int, Counter[int]] = {}
    for product_id, store_id, name, offer_id in session.execute(query):
        stores.setdefault(int(product_id), int(store_id))
        titles[int(product_id)] = name or titles.get(int(product_id))
        if offer_id is not None:
            offers.setdefault(int(product_id), Counter())[int(offer_id)] += 1
    return [
        SeenProduct(pid, store, titles.get(pid), offers[pid].most_common(1)[0][0] if pid in offers else None)
        for pid, store in stores.items()
    ]


# --- checks ---------------------------------------------------------------------------------------------


def checks_of(session: Session, listing_id: int) -> list[ListingCheckRow]:
    query = select(ListingCheckRow).where(ListingCheckRow.listing_id == listing_id)
    return list(session.scalars(query.order_by(ListingCheckRow.market)))


def replace_checks(session: Session, listing_id: int, rows: list[ListingCheckRow]) -> None:
    session.execute(delete(ListingCheckRow).where(ListingCheckRow.listing_id == listing_id))
    session.add_all(rows)


def market_counts(session: Session, scope: frozenset[int] | None = None) -> list[MarketCounts]:
    def count(status: str) -> ColumnElement[Any]:
        return func.sum(case((ListingCheckRow.status == status, 1), else_=0))

    query = (
        select(ListingCheckRow.market, count("blocking"), count("warning"), count("ok"))
        .join(ListingRow, ListingRow.id == ListingCheckRow.listing_id)
        .group_by(ListingCheckRow.market)
        .order_by(ListingCheckRow.market)
    )
    query = _in_scope(query, scope)
    return [MarketCounts(m, int(b or 0), int(w or 0), int(o or 0)) for m, b, w, o in session.execute(query)]


def checks_page(
    session: Session,
    *,
    market: str | None = None,
    status: str | None = None,
    limit: int = 500,
    scope: frozenset[int] | None = None,
) -> list[tuple[ListingRow, ListingCheckRow]]:
    """Listing × market rows, worst first (blocking, then warning, then by listing)."""
    rank = case((ListingCheckRow.status == "blocking", 0), (ListingCheckRow.status == "warning", 1), else_=2)
    query = select(ListingRow, ListingCheckRow).join(
        ListingCheckRow, ListingCheckRow.listing_id == ListingRow.id
    )
    if market:
        query = query.where(ListingCheckRow.market == market)
    if status:
        query = query.where(ListingCheckRow.status == status)
    query = _in_scope(query, scope).order_by(rank, ListingRow.id, ListingCheckRow.market).limit(limit)
    return [(row, check) for row, check in session.execute(query)]


def blocking_checks(session: Session) -> list[tuple[ListingRow, ListingCheckRow]]:
    return checks_page(session, status="blocking", limit=10_000)


# --- registrations --------------------------------------------------------------------------------------


def registrations(session: Session) -> list[EprRegistrationRow]:
    query = select(EprRegistrationRow).order_by(EprRegistrationRow.country, EprRegistrationRow.stream)
    return list(session.scalars(query))


def registration(session: Session, registration_id: int) -> EprRegistrationRow | None:
    return session.get(EprRegistrationRow, registration_id)


def registration_for(session: Session, country: str, stream: str) -> EprRegistrationRow | None:
    query = select(EprRegistrationRow).where(
        EprRegistrationRow.country == country, EprRegistrationRow.stream == stream
    )
    return session.scalars(query).first()


# --- QC documents ---------------------------------------------------------------------------------------


def qc_documents(session: Session) -> list[QcDocumentRow]:
    query = select(QcDocumentRow).order_by(QcDocumentRow.family, QcDocumentRow.expires_on, QcDocumentRow.id)
    return list(session.scalars(query))


def qc_document(session: Session, document_id: int) -> QcDocumentRow | None:
    return session.get(QcDocumentRow, document_id)


# --- the mapped 1688 offer (for material truth on the listing page) --------------------------------------


def offer_text(session: Session, offer_id: int) -> tuple[str, dict[str, str]] | None:
    """The 1688 offer's title and attributes: from the sourcing workbench, else the last snapshot."""
    offer = session.scalars(select(SourcedOfferRow).where(SourcedOfferRow.offer_id == offer_id)).first()
    if offer is not None:
        return offer.title, {str(k): str(v) for k, v in (offer.attributes or {}).items()}
    snapshot = session.get(OfferSnapshotRow, offer_id)
    return (snapshot.subject, {}) if snapshot is not None else None
