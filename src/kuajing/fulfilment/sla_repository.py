"""All SQL of the dispatch SLA and tracking health pages: read from the order loop's tables, no schema.

A purchase is in scope while it is live (planned … fulfilled, or needs review; failed and
cancelled ones have no parcel to wait for). Unshipped purchases are always read (an old one is an
old breach); shipped ones only when paid inside the window, which bounds the on-time rate and the
health checks of parcels already on their way. A user limited to some stores (``scope``) reads the
purchases of their stores' orders only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kuajing.accounts.store_scope import orders_in_scope
from kuajing.orders.reasons import ReasonCode
from kuajing.orders.tables import AeOrderRow, OrderExceptionRow
from kuajing.purchasing.model import PurchaseState
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.tables import SupplierRow

LIVE_STATES = tuple(
    state.value for state in PurchaseState if state not in (PurchaseState.FAILED, PurchaseState.CANCELLED)
)


@dataclass(frozen=True, slots=True)
class PurchaseClock:
    """What the SLA and health rules need of one purchase and its AliExpress order."""

    purchase_id: int
    out_order_id: str
    ae_order_id: int
    country: str | None
    supplier_member_id: str
    state: str
    paid_at: datetime  # the buyer's payment; the purchase's creation when the order has none
    ship_by: datetime | None
    shipped_at: datetime | None
    tracking_no: str | None
    carrier_name: str | None
    alibaba_order_id: str | None


class SlaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def purchases(self, window_start: datetime, scope: frozenset[int] | None = None) -> list[PurchaseClock]:
        purchase, order = PurchaseOrderRow, AeOrderRow
        query = orders_in_scope(
            select(purchase, order.ae_order_id, order.country, order.paid_at, order.ship_by)
            .join(order, order.id == purchase.order_id)
            .where(
                purchase.state.in_(LIVE_STATES),
                or_(
                    purchase.shipped_at.is_(None),
                    order.paid_at >= window_start,
                    (order.paid_at.is_(None) & (purchase.created_at >= window_start)),
                ),
            )
            .order_by(purchase.id),
            scope,
        )
        return [
            PurchaseClock(
                purchase_id=row.id,
                out_order_id=row.out_order_id,
                ae_order_id=ae_order_id,
                country=country,
                supplier_member_id=row.supplier_member_id,
                state=row.state,
                paid_at=paid_at or row.created_at,
                ship_by=ship_by,
                shipped_at=row.shipped_at,
                tracking_no=row.tracking_no,
                carrier_name=row.carrier_name,
                alibaba_order_id=row.alibaba_order_id,
            )
            for row, ae_order_id, country, paid_at, ship_by in self.session.execute(query)
        ]

    def open_carrier_exceptions(self) -> set[int]:
        """Purchase ids with an open ``carrier_not_approved`` exception (the order loop opened it)."""
        query = select(OrderExceptionRow.purchase_id).where(
            OrderExceptionRow.status == "open",
            OrderExceptionRow.reason_code == ReasonCode.CARRIER_NOT_APPROVED.value,
            OrderExceptionRow.purchase_id.is_not(None),
        )
        return {purchase_id for purchase_id in self.session.scalars(query) if purchase_id is not None}

    def supplier_names(self) -> dict[str, str]:
        rows = self.session.execute(select(SupplierRow.member_id, SupplierRow.name))
        return {member_id: name for member_id, name in rows}
