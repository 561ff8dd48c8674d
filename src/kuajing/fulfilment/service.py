"""Tracking back: from a 1688 purchase's logistics to a fulfilled AliExpress order.

For a placed purchase, 1688's logistics are polled (pushes only make the poll come sooner). When a
tracking number appears its carrier is checked (``carriers.check_tracking``): approved numbers are
uploaded with ``aliexpress.solution.order.fulfill`` — ``part`` while other purchases of the same
AliExpress order are still on their way, ``all`` for the last one; anything else goes to the
exception queue with the guide's two fixes. A timeout on the upload is harmless: the next attempt
first reads the AliExpress order and treats a number already there as uploaded.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kuajing.fulfilment.carriers import check_tracking
from kuajing.marketplaces.alibaba1688 import Alibaba1688Client
from kuajing.marketplaces.aliexpress import AliExpressClient, LogisticsService
from kuajing.marketplaces.errors import BusinessError, MarketplaceError
from kuajing.orders.exceptions import open_exception, resolve_open
from kuajing.orders.reasons import ReasonCode
from kuajing.orders.repository import OrderRepository
from kuajing.orders.sync import set_order_state
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.model import OrderState, PurchaseState
from kuajing.purchasing.service import set_purchase_state
from kuajing.purchasing.tables import PurchaseOrderRow

log = logging.getLogger(__name__)
POLL_EVERY = timedelta(hours=1)


@dataclass
class TrackingOutcome:
    state: PurchaseState
    uploaded: bool = False
    flagged: ReasonCode | None = None


def track_purchase(
    session: Session,
    purchase: PurchaseOrderRow,
    order: AeOrderRow,
    buyer: Alibaba1688Client,
    store: AliExpressClient,
    *,
    approved: Sequence[LogisticsService],
    carrier_map: Mapping[str, str],
    now: datetime,
    actor: str,
) -> TrackingOutcome:
    if purchase.tracking_no is None:
        try:
            infos = buyer.logistics_infos(purchase.alibaba_order_id or "")
        except MarketplaceError as error:
            purchase.due_at = now + timedelta(minutes=5)
            purchase.last_error = f"logistics not read: {error}"[:2000]
            return TrackingOutcome(PurchaseState(purchase.state))
        shipped = next((info for info in infos if info.bill_no), None)
        if shipped is None:
            purchase.due_at = now + POLL_EVERY
            return TrackingOutcome(PurchaseState(purchase.state))
        purchase.tracking_no = shipped.bill_no
        purchase.carrier_name = shipped.company_name or ""
        purchase.shipped_at = now
        set_purchase_state(
            session,
            purchase,
            PurchaseState.SHIPPED,
            at=now,
            actor=actor,
            reason=f"supplier shipped: {purchase.carrier_name} {purchase.tracking_no}",
        )

    check = check_tracking(purchase.carrier_name or "", purchase.tracking_no or "", approved, carrier_map)
    if check.verdict != "approved":
        code = (
            ReasonCode.CARRIER_NOT_APPROVED
            if check.verdict == "not_approved"
            else ReasonCode.TRACKING_PATTERN_MISMATCH
        )
        open_exception(
            session,
            order_id=order.id,
            purchase_id=purchase.id,
            code=code,
            at=now,
            actor=actor,
            facts={
                "carrier": purchase.carrier_name or "",
                "tracking_no": purchase.tracking_no or "",
                "service_name": check.service_name or "",
            },
        )
        _set_order(session, order, OrderState.EXCEPTION, now, actor, f"tracking not uploadable: {code.value}")
        purchase.due_at = None  # a person decides; fixing the carrier re-queues it
        return TrackingOutcome(PurchaseState.SHIPPED, flagged=code)

    purchase.ae_service_name = check.service_name
    return _upload(session, purchase, order, store, now=now, actor=actor)


def _send_type(session: Session, purchase: PurchaseOrderRow, order: AeOrderRow) -> str:
    """``all`` only when every line of the AliExpress order is covered once this number is up."""
    repo = OrderRepository(session)
    for line in repo.lines_of(order.id):
        if line.purchase_id is None or line.purchase_id == purchase.id:
            if line.purchase_id is None and line.state != "cancelled":
                return "part"
            continue
        other = session.get(PurchaseOrderRow, line.purchase_id)
        if other is None or other.state != PurchaseState.FULFILLED.value:
            return "part"
    return "all"


def _upload(
    session: Session,
    purchase: PurchaseOrderRow,
    order: AeOrderRow,
    store: AliExpressClient,
    *,
    now: datetime,
    actor: str,
) -> TrackingOutcome:
    tracking_no, service_name = purchase.tracking_no or "", purchase.ae_service_name or ""
    if OrderState(order.state) == OrderState.CANCELLED:
        # Bought, then the buyer cancelled: the parcel must be stopped or returned — a person's call.
        open_exception(
            session,
            order_id=order.id,
            purchase_id=purchase.id,
            code=ReasonCode.ORDER_CANCELLED,
            at=now,
            actor=actor,
            facts={"tracking_no": tracking_no, "alibaba_order_id": purchase.alibaba_order_id or ""},
        )
        purchase.due_at = None
        return TrackingOutcome(PurchaseState.SHIPPED, flagged=ReasonCode.ORDER_CANCELLED)
    send_type = _send_type(session, purchase, order)
    try:
        already = {s.logistics_no for s in store.get_order(order.ae_order_id).shipments}
        if tracking_no not in already:
            store.fulfill_order(order.ae_order_id, service_name, tracking_no, send_type=send_type)  # type: ignore[arg-type]
    except BusinessError as error:
        open_exception(
            session,
            order_id=order.id,
            purchase_id=purchase.id,
            code=ReasonCode.FULFIL_REFUSED,
            at=now,
            actor=actor,
            facts={
                "tracking_no": tracking_no,
                "platform_message": error.message_en,
                "platform_code": error.platform_code or "",
            },
        )
        _set_order(session, order, OrderState.EXCEPTION, now, actor, "AliExpress refused the tracking number")
        purchase.due_at = None
        return TrackingOutcome(PurchaseState.SHIPPED, flagged=ReasonCode.FULFIL_REFUSED)
    except MarketplaceError as error:
        purchase.due_at = now + timedelta(minutes=5)
        purchase.last_error = f"upload not confirmed: {error}"[:2000]
        return TrackingOutcome(PurchaseState.SHIPPED)
    purchase.send_type = send_type
    purchase.fulfilled_at = now
    purchase.due_at = None
    set_purchase_state(
        session,
        purchase,
        PurchaseState.FULFILLED,
        at=now,
        actor=actor,
        reason=f"tracking {tracking_no} on AliExpress via {service_name} ({send_type})",
    )
    resolve_open(
        session,
        order.id,
        at=now,
        actor=actor,
        resolution="tracking uploaded",
        codes=frozenset(
            {ReasonCode.FULFIL_REFUSED, ReasonCode.CARRIER_NOT_APPROVED, ReasonCode.TRACKING_PATTERN_MISMATCH}
        ),
        purchase_id=purchase.id,
    )
    # Another purchase of this order may still wait for a person: the order stays in the queue then.
    still_open = bool(OrderRepository(session).open_exceptions(order.id))
    _set_order(
        session,
        order,
        OrderState.FULFILLED
        if send_type == "all"
        else OrderState.EXCEPTION
        if still_open
        else OrderState.SHIPPED,
        now,
        actor,
        f"tracking {tracking_no} uploaded ({send_type})",
    )
    return TrackingOutcome(PurchaseState.FULFILLED, uploaded=True)


def _set_order(
    session: Session, order: AeOrderRow, target: OrderState, now: datetime, actor: str, reason: str
) -> None:
    current = OrderState(order.state)
    if current == OrderState.CANCELLED:
        return
    if current == OrderState.READY and target != OrderState.EXCEPTION:
        set_order_state(session, order, OrderState.BUYING, at=now, actor=actor, reason=reason)
    if target == OrderState.FULFILLED and current not in (OrderState.SHIPPED, OrderState.EXCEPTION):
        set_order_state(session, order, OrderState.SHIPPED, at=now, actor=actor, reason=reason)
    set_order_state(session, order, target, at=now, actor=actor, reason=reason)
