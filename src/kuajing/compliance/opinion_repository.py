"""All SQL of the pre-classification opinions and of the product facts their pack reads.

Subjects: ``offer`` is a 1688 offer id, ``listing`` an AliExpress product id. The latest opinion
(by opinion date, then the order recorded) is the one that counts.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.compliance.opinion_tables import HsOpinionRow
from kuajing.compliance.tables import ListingRow
from kuajing.orders.tables import AeOrderLineRow
from kuajing.sourcing.tables import OfferSnapshotRow, SourcedOfferRow, SourcedSpecRow, SupplierRow

OFFER = "offer"
LISTING = "listing"
SUBJECT_KINDS = (OFFER, LISTING)

Op = HsOpinionRow


def add_opinion(session: Session, row: HsOpinionRow) -> HsOpinionRow:
    session.add(row)
    session.flush()
    return row


def opinions_of(session: Session, kind: str, subject_id: int) -> list[HsOpinionRow]:
    """Every opinion on one subject, the one that counts first."""
    return list(
        session.scalars(
            select(Op)
            .where(Op.subject_kind == kind, Op.subject_id == subject_id)
            .order_by(Op.opinion_date.desc(), Op.id.desc())
        )
    )


def latest_opinion(session: Session, subjects: Sequence[tuple[str, int]]) -> HsOpinionRow | None:
    """The latest opinion on any of the subjects (a listing and the 1688 offer behind it)."""
    found = [row for kind, subject_id in subjects for row in opinions_of(session, kind, subject_id)[:1]]
    return max(found, key=lambda row: (row.opinion_date, row.id), default=None)


def latest_hs6_by_offer(session: Session, offer_ids: Sequence[int]) -> dict[int, str]:
    """The official HS6 of each 1688 offer that has an opinion (one query per 500 offers)."""
    found: dict[int, tuple[object, int, str]] = {}
    unique = sorted(set(offer_ids))
    for start in range(0, len(unique), 500):
        rows = session.execute(
            select(Op.subject_id, Op.opinion_date, Op.id, Op.hs6).where(
                Op.subject_kind == OFFER, Op.subject_id.in_(unique[start : start + 500])
            )
        )
        for subject_id, opinion_date, row_id, hs6 in rows:
            held = found.get(subject_id)
            if held is None or (opinion_date, row_id) > (held[0], held[1]):
                found[subject_id] = (opinion_date, row_id, hs6)
    return {subject_id: value[2] for subject_id, value in found.items()}


def all_opinions(session: Session, limit: int = 500) -> list[HsOpinionRow]:
    return list(session.scalars(select(Op).order_by(Op.recorded_at.desc(), Op.id.desc()).limit(limit)))


def opinion(session: Session, opinion_id: int) -> HsOpinionRow | None:
    return session.get(Op, opinion_id)


# --- the product facts a pack reads ----------------------------------------------------------------


def sourced_offer(session: Session, offer_id: int) -> tuple[SourcedOfferRow, SupplierRow] | None:
    row = session.execute(
        select(SourcedOfferRow, SupplierRow)
        .join(SupplierRow, SupplierRow.id == SourcedOfferRow.supplier_id)
        .where(SourcedOfferRow.offer_id == offer_id)
    ).first()
    return None if row is None else (row[0], row[1])


def sourced_specs(session: Session, offer_row_id: int) -> list[SourcedSpecRow]:
    return list(
        session.scalars(
            select(SourcedSpecRow)
            .where(SourcedSpecRow.offer_row_id == offer_row_id)
            .order_by(SourcedSpecRow.id)
        )
    )


def offer_snapshot(session: Session, offer_id: int) -> OfferSnapshotRow | None:
    return session.get(OfferSnapshotRow, offer_id)


def listing_lines(session: Session, product_id: int, limit: int = 50) -> list[AeOrderLineRow]:
    """The latest stored AliExpress order lines of a listing (its name, price and mapped offer)."""
    return list(
        session.scalars(
            select(AeOrderLineRow)
            .where(AeOrderLineRow.product_id == product_id)
            .order_by(AeOrderLineRow.id.desc())
            .limit(limit)
        )
    )


def listings_for(session: Session, kind: str, subject_id: int) -> list[ListingRow]:
    """The compliance listings an opinion speaks for: the listing itself, or those mapped to the offer."""
    column = ListingRow.product_id if kind == LISTING else ListingRow.offer_id
    return list(session.scalars(select(ListingRow).where(column == subject_id).order_by(ListingRow.id)))


def offers_page(session: Session, limit: int = 200) -> list[SourcedOfferRow]:
    """The workbench's offers, latest changed first (the HS page lists them)."""
    return list(
        session.scalars(select(SourcedOfferRow).order_by(SourcedOfferRow.updated_at.desc()).limit(limit))
    )


def listed_products(session: Session, limit: int = 200) -> list[tuple[int, str | None, int | None]]:
    """AliExpress listings seen in orders: (product id, name, mapped 1688 offer id), latest first."""
    rows = session.execute(
        select(AeOrderLineRow.product_id, AeOrderLineRow.product_name, AeOrderLineRow.offer_id)
        .order_by(AeOrderLineRow.id.desc())
        .limit(limit * 20)
    )
    seen: dict[int, tuple[int, str | None, int | None]] = {}
    for product_id, name, offer_id in rows:
        held = seen.get(product_id)
        if held is None:
            seen[product_id] = (product_id, name, offer_id)
        elif held[2] is None and offer_id is not None:
            seen[product_id] = (product_id, held[1] or name, offer_id)
    return list(seen.values())[:limit]


__all__ = [
    "LISTING",
    "OFFER",
    "SUBJECT_KINDS",
    "add_opinion",
    "all_opinions",
    "latest_hs6_by_offer",
    "latest_opinion",
    "listed_products",
    "listing_lines",
    "listings_for",
    "offer_snapshot",
    "offers_page",
    "opinion",
    "opinions_of",
    "sourced_offer",
    "sourced_specs",
]
