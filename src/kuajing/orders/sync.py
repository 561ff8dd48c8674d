"""Order sync: each store's AliExpress orders into our tables, incrementally and idempotently.

The window starts at the newest ``gmt_update`` already seen minus an overlap (AliExpress pages by
offset over a moving sort, and clocks drift), and has no end: whatever the platform's clock says
"now" is, it is included. Every order in the window is upserted by its AliExpress id, so a pass
that sees an order twice, or a second pass over the same window, changes nothing. New orders get
their detail (receipt address) read once; status changes (cancel, frozen, dispute) land on the
next pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.kit.clock import ae_offset_changes
from kuajing.marketplaces.aliexpress import AliExpressClient, Order, OrderDetail, OrderQuery, OrderStatus
from kuajing.marketplaces.errors import MarketplaceError
from kuajing.orders.audit import record_change
from kuajing.orders.repository import OrderRepository
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow
from kuajing.purchasing.model import OrderState, transition
from kuajing.stores.tables import AliExpressStore

log = logging.getLogger(__name__)

CANCELLED_STATUSES = {OrderStatus.IN_CANCEL}
# Before we buy, these AliExpress statuses mean the order will not need goods from us.
CLOSED_BEFORE_PURCHASE = {OrderStatus.IN_CANCEL, OrderStatus.FINISH}
UNBOUGHT_STATES = {OrderState.NEW, OrderState.READY, OrderState.EXCEPTION}
BOUGHT_NOT_SHIPPED = {OrderState.BUYING, OrderState.BOUGHT}


@dataclass
class SyncResult:
    store_id: int
    store_name: str
    seen: int = 0
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    detail_failures: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SyncSettings:
    buy_after: timedelta = timedelta(minutes=10)
    overlap: timedelta = timedelta(minutes=30)
    first_lookback: timedelta = timedelta(days=30)


DST_SLACK = timedelta(hours=1)


def window_start(watermark: datetime | None, now: datetime, settings: SyncSettings) -> datetime:
    """Where the next incremental read starts: the watermark minus the overlap, and an hour more
    when US-Pacific clocks change in between — an order time in the repeated autumn hour may be
    an hour off, and the usual overlap is shorter than that hour."""
    if watermark is None:
        return now - settings.first_lookback
    start = watermark - settings.overlap
    if ae_offset_changes(start - DST_SLACK, now):
        start -= DST_SLACK
    return start


def sync_store(
    session: Session,
    store: AliExpressStore,
    client: AliExpressClient,
    *,
    now: datetime,
    settings: SyncSettings = SyncSettings(),
    actor: str = "job:sync",
) -> SyncResult:
    repo = OrderRepository(session)
    state = repo.sync_state(store.id)
    result = SyncResult(store.id, store.name)
    start = window_start(state.watermark, now, settings)
    newest = state.watermark
    batch: list[Order] = []
    try:
        for order in client.iter_orders(OrderQuery(modified_date_start=start)):
            batch.append(order)
            if len(batch) >= 200:
                newest = _upsert_batch(
                    session, repo, store, client, batch, now, settings, actor, result, newest
                )
                batch = []
        newest = _upsert_batch(session, repo, store, client, batch, now, settings, actor, result, newest)
    except MarketplaceError as error:
        # What was read so far is kept; the watermark only moves past orders we stored.
        result.errors.append(str(error))
        log.warning("order sync for store %s stopped: %s", store.name, error)
    state.watermark = newest
    state.last_run_at = now
    state.last_result = (
        f"seen {result.seen}, new {result.created}, updated {result.updated}"
        + (f"; error: {result.errors[0]}" if result.errors else "")
    )[:500]
    store.last_synced_at = now
    session.flush()
    return result


def _upsert_batch(
    session: Session,
    repo: OrderRepository,
    store: AliExpressStore,
    client: AliExpressClient,
    orders: list[Order],
    now: datetime,
    settings: SyncSettings,
    actor: str,
    result: SyncResult,
    newest: datetime | None,
) -> datetime | None:
    existing = repo.by_ae_order_ids([order.order_id for order in orders])
    for order in orders:
        result.seen += 1
        row = existing.get(order.order_id)
        if row is None:
            row = _create(session, store, order, now, settings)
            existing[order.order_id] = row
            result.created += 1
            record_change(
                session,
                "order",
                row.id,
                None,
                row.state,
                at=now,
                reason=f"synced from AliExpress ({order.status.value})",
                actor=actor,
            )
        elif _update(session, row, order, now, actor):
            result.updated += 1
            if row.state == OrderState.CANCELLED:
                result.cancelled += 1
        if not row.detail_synced:
            try:
                apply_detail(row, client.get_order(order.order_id))
            except MarketplaceError as error:
                result.detail_failures += 1
                log.warning("order %s detail not read yet: %s", order.order_id, error)
        stamp = order.updated_at or order.created_at
        newest = stamp if newest is None or stamp > newest else newest
    session.flush()
    return newest


def _ship_by(order: Order, now: datetime) -> datetime | None:
    if order.left_send_good_day is None and order.left_send_good_hour is None:
        return None
    return now + timedelta(
        days=order.left_send_good_day or 0,
        hours=order.left_send_good_hour or 0,
        minutes=order.left_send_good_min or 0,
    )


def _initial_state(order: Order) -> OrderState:
    if order.status in CLOSED_BEFORE_PURCHASE:
        return OrderState.SKIPPED
    if order.status in (OrderStatus.WAIT_SELLER_SEND_GOODS, OrderStatus.IN_FROZEN, OrderStatus.IN_ISSUE):
        return OrderState.NEW
    # Already shipped or not yet payable (PLACE_ORDER_SUCCESS, RISK_CONTROL…): nothing to buy yet.
    return OrderState.SKIPPED if order.status != OrderStatus.PLACE_ORDER_SUCCESS else OrderState.NEW


def _create(
    session: Session, store: AliExpressStore, order: Order, now: datetime, settings: SyncSettings
) -> AeOrderRow:
    paid = order.paid_at
    row = AeOrderRow(
        store_id=store.id,
        ae_order_id=order.order_id,
        ae_status=order.status.value,
        state=_initial_state(order).value,
        buyer_login_id=order.buyer_login_id,
        pay_amount=order.pay_amount.amount,
        currency=order.pay_amount.currency,
        created_at=order.created_at,
        paid_at=paid,
        ae_updated_at=order.updated_at,
        ship_by=_ship_by(order, now),
        due_at=(paid + settings.buy_after) if paid else None,
        detail_synced=False,
        synced_at=now,
    )
    session.add(row)
    session.flush()
    for line in order.lines:
        session.add(
            AeOrderLineRow(
                order_id=row.id,
                child_id=line.child_id,
                product_id=line.product_id,
                product_name=(line.product_name or "")[:500],
                sku_code=line.sku_code,
                quantity=line.product_count,
                unit_price=line.unit_price.amount,
                currency=line.unit_price.currency,
                buyer_logistics_service=line.logistics_service_name,
                state="new",
            )
        )
    return row


def _update(session: Session, row: AeOrderRow, order: Order, now: datetime, actor: str) -> bool:
    changed = row.ae_status != order.status.value or row.ae_updated_at != order.updated_at
    if not changed:
        return False
    previous_status = row.ae_status
    row.ae_status = order.status.value
    row.ae_updated_at = order.updated_at
    row.synced_at = now
    if order.paid_at and row.paid_at is None:
        row.paid_at = order.paid_at
    new_ship_by = _ship_by(order, now)
    if new_ship_by is not None:
        row.ship_by = new_ship_by
    if order.status in CLOSED_BEFORE_PURCHASE and row.state in UNBOUGHT_STATES:
        set_order_state(
            session,
            row,
            OrderState.CANCELLED,
            at=now,
            actor=actor,
            reason=f"AliExpress status {previous_status} → {order.status.value} before purchase",
        )
    elif order.status in CLOSED_BEFORE_PURCHASE and row.state in BOUGHT_NOT_SHIPPED:
        # Bought on 1688 but closed on AliExpress (buyer cancel, or the ship-by deadline passed):
        # a person must stop the 1688 order — within ~15 minutes it is free to cancel.
        set_order_state(
            session,
            row,
            OrderState.CANCELLED,
            at=now,
            actor=actor,
            reason=f"AliExpress closed the order ({order.status.value}) after purchase",
        )
        _flag_live_purchases(session, row, now, actor)
    return True


def _flag_live_purchases(session: Session, row: AeOrderRow, now: datetime, actor: str) -> None:
    from kuajing.orders.exceptions import open_exception
    from kuajing.orders.reasons import ReasonCode
    from kuajing.purchasing.tables import PurchaseOrderRow

    live = ("placing", "placed", "shipped", "needs_review")
    for purchase in session.scalars(select(PurchaseOrderRow).where(PurchaseOrderRow.order_id == row.id)):
        if purchase.state in live:
            open_exception(
                session,
                order_id=row.id,
                purchase_id=purchase.id,
                code=ReasonCode.ORDER_CANCELLED,
                at=now,
                actor=actor,
                facts={
                    "alibaba_order_id": purchase.alibaba_order_id or "",
                    "out_order_id": purchase.out_order_id,
                },
            )


def apply_detail(row: AeOrderRow, detail: OrderDetail) -> None:
    address = detail.receipt_address
    row.country = address.country
    row.contact = address.contact_person
    row.phone = (
        address.mobile_no
        or " ".join(
            part for part in (address.phone_country, address.phone_area, address.phone_number) if part
        )
        or None
    )
    row.province = address.province
    row.city = address.city
    row.district = address.address2 or None
    row.street = address.detail_address or None
    row.address_line = address.address
    row.zip = address.zip
    row.detail_synced = True


def set_order_state(
    session: Session, row: AeOrderRow, target: OrderState, *, at: datetime, actor: str, reason: str
) -> None:
    """The one way an order changes state: checked against the transition table and recorded."""
    current = OrderState(row.state)
    if current == target:
        return
    transition(current, target)
    row.state = target.value
    record_change(session, "order", row.id, current.value, target.value, at=at, reason=reason, actor=actor)
