"""Suppliers' measured history, read from the order loop's tables (all SQL of the scorecards).

**Dispatch within 72 h** is measured per purchase from ``purchase_orders.placed_at`` (the 1688 order
was created and paid: the supplier's clock starts there, as 1688's own 48/72-hour dispatch promise
does) to ``shipped_at``, judged by ``fulfilment.sla.dispatched_on_time`` — the one definition the
SLA page's on-time rate uses too, so the two agree on every purchase they both count. Not from
``created_at`` or the AliExpress ``paid_at``: those add the buyer's cancellation window and our own
routing, which are not the supplier's doing. A purchase counts once it is decided: shipped (on time
or late), or placed more than the hours ago and still not shipped (already late; at exactly the
hours it could still ship on time). ``shipped_at`` is when tracking was first *seen* (the tracking
poll), so it errs late by at most one poll interval.

**Price stability**: there is no price history table; each spec imported into the workbench
(``sourced_specs.price``, read at ``imported_at``) whose offer was read again later for routing
(``offer_snapshots``, ``fetched_at``) is one observation: stable if the later price rose by no more
than ``max_rise``.

**Parcels right** and **orders without a claim** are read from the after-sales records: the
observations are the supplier's purchases that shipped (state shipped or fulfilled: a parcel left
the supplier); a purchase fails "parcels right" when a return case on it was classified as a
supplier error (wrong item, missing item, damaged packaging — ``aftersales.model.SUPPLIER_ERRORS``),
and fails "without a claim" when a supplier claim was opened on it (in any state since). Cases
reach a supplier through their claim (``aftersales_claims.case_id``/``purchase_id``), the link the
after-sales service records. A recent parcel that has not reached the buyer yet counts as right
until a case says otherwise, so these rates err high by the parcels still in transit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from kuajing.aftersales.model import SUPPLIER_ERRORS
from kuajing.aftersales.tables import ReturnCaseRow, SupplierClaimRow
from kuajing.fulfilment.sla import dispatched_on_time
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.scoring import SupplierHistory, Tally
from kuajing.sourcing.tables import OfferSnapshotRow, SourcedOfferRow, SourcedSpecRow, SupplierRow

_DISPATCH_STATES = ("placed", "shipped", "fulfilled")
_SHIPPED_STATES = ("shipped", "fulfilled")


@dataclass(frozen=True, slots=True)
class Dispatch:
    """One purchase whose dispatch clock has run out."""

    placed_at: datetime
    on_time: bool


class SupplierHistoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- suppliers -------------------------------------------------------------------------------

    def suppliers(self) -> list[SupplierRow]:
        return list(self.session.scalars(select(SupplierRow).order_by(SupplierRow.name, SupplierRow.id)))

    def supplier(self, member_id: str) -> SupplierRow | None:
        return self.session.scalars(select(SupplierRow).where(SupplierRow.member_id == member_id)).first()

    def offers_of(self, supplier_id: int, limit: int = 200) -> list[SourcedOfferRow]:
        query = (
            select(SourcedOfferRow)
            .where(SourcedOfferRow.supplier_id == supplier_id)
            .order_by(SourcedOfferRow.updated_at.desc(), SourcedOfferRow.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    # --- dispatch --------------------------------------------------------------------------------

    def _dispatch_query(self, now: datetime, hours: int) -> Select[str, datetime | None, datetime | None]:
        cutoff = now - timedelta(hours=hours)
        placed = PurchaseOrderRow.placed_at
        return select(PurchaseOrderRow.supplier_member_id, placed, PurchaseOrderRow.shipped_at).where(
            placed.is_not(None),
            PurchaseOrderRow.state.in_(_DISPATCH_STATES),
            or_(PurchaseOrderRow.shipped_at.is_not(None), placed < cutoff),
        )

    def _dispatches(
        self, query: Select[str, datetime | None, datetime | None], now: datetime, hours: int
    ) -> Iterator[tuple[str, Dispatch]]:
        for member_id, placed_at, shipped_at in self.session.execute(query):
            if placed_at is None:  # excluded by the query; here for the type checker
                continue
            on_time = dispatched_on_time(placed_at, shipped_at, hours, now)
            if on_time is not None:  # the query already leaves out the undecided
                yield member_id, Dispatch(placed_at, on_time)

    def dispatch_tallies(self, now: datetime, hours: int) -> dict[str, Tally]:
        """supplier member id → purchases dispatched within ``hours`` of out those whose clock ran out."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for member_id, dispatch in self._dispatches(self._dispatch_query(now, hours), now, hours):
            counts[member_id][0] += dispatch.on_time
            counts[member_id][1] += 1
        return {member_id: Tally(on_time, total) for member_id, (on_time, total) in counts.items()}

    def dispatches_of(self, member_id: str, now: datetime, hours: int) -> list[Dispatch]:
        query = self._dispatch_query(now, hours).where(PurchaseOrderRow.supplier_member_id == member_id)
        return sorted(
            (dispatch for _, dispatch in self._dispatches(query, now, hours)), key=lambda d: d.placed_at
        )

    def purchase_counts(self) -> dict[str, int]:
        """supplier member id → purchases ever planned (for "n orders, m measured")."""
        query = select(PurchaseOrderRow.supplier_member_id, func.count()).group_by(
            PurchaseOrderRow.supplier_member_id
        )
        return {member_id: int(count) for member_id, count in self.session.execute(query)}

    # --- price stability -------------------------------------------------------------------------

    def price_tallies(self, max_rise: Decimal, member_id: str | None = None) -> dict[str, Tally]:
        """supplier member id → specs whose later 1688 read (offer snapshot) rose by no more than
        ``max_rise`` over the imported price."""
        query = (
            select(
                SupplierRow.member_id,
                SourcedSpecRow.spec_id,
                SourcedSpecRow.price,
                SourcedOfferRow.unit_price,
                OfferSnapshotRow.specs,
            )
            .join(SourcedOfferRow, SourcedOfferRow.supplier_id == SupplierRow.id)
            .join(SourcedSpecRow, SourcedSpecRow.offer_row_id == SourcedOfferRow.id)
            .join(
                OfferSnapshotRow,
                and_(
                    OfferSnapshotRow.offer_id == SourcedOfferRow.offer_id,
                    OfferSnapshotRow.fetched_at > SourcedOfferRow.imported_at,
                ),
            )
        )
        if member_id is not None:
            query = query.where(SupplierRow.member_id == member_id)
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for supplier, spec_id, price, unit_price, specs in self.session.execute(query):
            later = _snapshot_price(specs, spec_id)
            earlier = price if price is not None else unit_price
            if later is None or earlier is None or earlier <= 0:
                continue
            counts[supplier][0] += later <= earlier * (1 + max_rise)
            counts[supplier][1] += 1
        return {supplier: Tally(stable, total) for supplier, (stable, total) in counts.items()}

    # --- after-sales: parcels right, orders without a claim ------------------------------------

    def aftersales_tallies(self, member_id: str | None = None) -> dict[str, tuple[Tally, Tally]]:
        """supplier member id → (parcels right, orders without a claim), each out of its shipped
        purchases; a claimed purchase that is not (yet) shipped still counts as one observation."""
        shipped = select(PurchaseOrderRow.supplier_member_id, PurchaseOrderRow.id).where(
            PurchaseOrderRow.state.in_(_SHIPPED_STATES)
        )
        claimed = select(
            SupplierClaimRow.supplier_member_id,
            SupplierClaimRow.purchase_id,
            SupplierClaimRow.case_id,
            ReturnCaseRow.reason,
        ).join(ReturnCaseRow, ReturnCaseRow.id == SupplierClaimRow.case_id)
        if member_id is not None:
            shipped = shipped.where(PurchaseOrderRow.supplier_member_id == member_id)
            claimed = claimed.where(SupplierClaimRow.supplier_member_id == member_id)
        purchases: dict[str, set[object]] = defaultdict(set)
        errors: dict[str, set[object]] = defaultdict(set)
        claims: dict[str, set[object]] = defaultdict(set)
        for supplier, shipped_id in self.session.execute(shipped):
            purchases[supplier].add(shipped_id)
        supplier_errors = {reason.value for reason in SUPPLIER_ERRORS}
        for supplier, purchase_id, case_id, reason in self.session.execute(claimed):
            # a claim without a purchase (none recorded) still stands for one order of this supplier
            order: object = purchase_id if purchase_id is not None else ("case", case_id)
            purchases[supplier].add(order)
            claims[supplier].add(order)
            if reason in supplier_errors:
                errors[supplier].add(order)
        return {
            supplier: (
                Tally(len(orders) - len(errors[supplier]), len(orders)),
                Tally(len(orders) - len(claims[supplier]), len(orders)),
            )
            for supplier, orders in purchases.items()
        }

    # --- all of it -------------------------------------------------------------------------------

    def histories(self, now: datetime, hours: int, max_rise: Decimal) -> dict[str, SupplierHistory]:
        """Every supplier's measured history (suppliers without any are absent: an empty history)."""
        dispatch = self.dispatch_tallies(now, hours)
        prices = self.price_tallies(max_rise)
        aftersales = self.aftersales_tallies()
        return {
            member_id: SupplierHistory(
                dispatch=dispatch.get(member_id, Tally()),
                quality=aftersales.get(member_id, (Tally(), Tally()))[0],
                claims=aftersales.get(member_id, (Tally(), Tally()))[1],
                prices=prices.get(member_id, Tally()),
            )
            for member_id in set(dispatch) | set(prices) | set(aftersales)
        }


def _snapshot_price(specs: Any, spec_id: str) -> Decimal | None:
    entry = specs.get(spec_id) if isinstance(specs, dict) else None
    raw = entry.get("price") if isinstance(entry, dict) else None
    try:
        return Decimal(str(raw)) if raw not in (None, "") else None
    except InvalidOperation:
        return None


def on_time_by_month(dispatches: Iterable[Dispatch], tz: Any) -> list[tuple[str, Tally]]:
    """(YYYY-MM in the seller's zone, tally) for each month with a measured dispatch, oldest first."""
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for dispatch in dispatches:
        month = dispatch.placed_at.astimezone(tz).strftime("%Y-%m")
        months[month][0] += dispatch.on_time
        months[month][1] += 1
    return [(month, Tally(on_time, total)) for month, (on_time, total) in sorted(months.items())]


__all__ = ["Dispatch", "SupplierHistoryRepository", "on_time_by_month"]
