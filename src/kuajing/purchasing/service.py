"""Placing 1688 purchase orders exactly once.

For each purchase the steps are: look the idempotency key (``outOrderId``) up on 1688 → adopt the
order if it exists → otherwise preview → create. Because the look-up comes first on every attempt,
a timeout after the write, a malformed reply, a crash between "1688 accepted" and "we recorded it",
or a second worker never create a second order: the next attempt finds the first. Workers take a
lease on the AliExpress order before touching its purchases, so two never race on one key.

Supplier-side refusals (spec gone, out of stock, no dropship relation, price changed…) go to the
exception queue with 1688's own reason — never into a retry loop. Transport trouble leaves the
purchase as it is, due again shortly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kuajing.marketplaces.alibaba1688 import Alibaba1688Client, CargoItem, DeliveryAddress
from kuajing.marketplaces.errors import BusinessError, MarketplaceError, PlatformError
from kuajing.orders.audit import record_change, set_line_state
from kuajing.orders.exceptions import open_exception
from kuajing.orders.reasons import ReasonCode
from kuajing.orders.repository import OrderRepository
from kuajing.orders.routing import AddressFacts, address_for_1688
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.model import ExistingAction, FoundOrder, PurchaseState, match_existing, transition
from kuajing.purchasing.tables import PurchaseOrderRow

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=1)
# 1688 business codes → our reasons (the rest: SUPPLIER_REFUSED with the platform's message).
PLATFORM_REASONS = {
    "500_001": ReasonCode.OFFER_UNAVAILABLE,
    "500_002": ReasonCode.OFFER_UNAVAILABLE,
    "500_004": ReasonCode.OUT_OF_STOCK,
    "500_005": ReasonCode.ADDRESS_INCOMPLETE,
    "500_007": ReasonCode.NO_DROPSHIP_RELATION,
    "500_009": ReasonCode.DESTINATION_NOT_SERVED,
}


@dataclass
class PlacementOutcome:
    state: PurchaseState
    created: bool = False
    adopted: bool = False
    error: str | None = None


def set_purchase_state(
    session: Session,
    purchase: PurchaseOrderRow,
    target: PurchaseState,
    *,
    at: datetime,
    actor: str,
    reason: str,
) -> None:
    current = PurchaseState(purchase.state)
    if current == target and target != PurchaseState.PLACING:
        return
    transition(current, target)
    purchase.state = target.value
    record_change(
        session, "purchase", purchase.id, current.value, target.value, at=at, reason=reason, actor=actor
    )


def delivery_address(order: AeOrderRow) -> DeliveryAddress:
    """The buyer's address in 1688's four levels, by the one rule (``routing.address_for_1688``).

    Routing has already sent incomplete addresses to the queue (a reason no one can approve), so
    ``IncompleteAddress`` here means the order changed under us: the step fails, nothing is sent.
    addressParam has no country field: the country ends the address line for the forwarder.
    """
    fields = address_for_1688(
        AddressFacts(
            province=order.province,
            city=order.city,
            district=order.district,
            street=order.street,
            address_line=order.address_line,
            zip=order.zip,
            contact=order.contact,
            phone=order.phone,
        )
    )
    return DeliveryAddress(
        full_name=fields["fullName"],
        mobile=fields["mobile"],
        phone=fields["phone"],
        post_code=fields["postCode"],
        province=fields["provinceText"],
        city=fields["cityText"],
        area=fields["areaText"],
        town=fields["townText"],
        address=" ".join(part for part in (fields["address"], order.country) if part),
    )


def _cargo(purchase: PurchaseOrderRow) -> list[CargoItem]:
    return [
        CargoItem(offer_id=int(item["offer_id"]), spec_id=item["spec_id"], quantity=int(item["quantity"]))
        for item in purchase.cargo
    ]


def place_purchase(
    session: Session,
    purchase: PurchaseOrderRow,
    order: AeOrderRow,
    client: Alibaba1688Client,
    *,
    now: datetime,
    actor: str,
) -> PlacementOutcome:
    key = purchase.out_order_id
    if purchase.state == PurchaseState.PLANNED:
        # From here on the outcome is "unknown until confirmed": every attempt starts with the look-up.
        set_purchase_state(
            session,
            purchase,
            PurchaseState.PLACING,
            at=now,
            actor=actor,
            reason=f"buying: looking up outOrderId {key} on 1688 first",
        )
    try:
        found = client.find_orders_by_out_order_id(key, created_after=purchase.created_at - timedelta(days=1))
    except MarketplaceError as error:
        return _later(purchase, now, f"look-up failed: {error}")
    decision = match_existing(
        key,
        [
            FoundOrder(order_id=str(o.order_id), status=o.status.value, out_order_id=o.base_info.out_order_id)
            for o in found
        ],
    )
    if decision.action == ExistingAction.ADOPT:
        adopted = next(o for o in found if str(o.order_id) == decision.order_id)
        _record_placed(
            session,
            purchase,
            str(adopted.order_id),
            adopted.base_info.total_amount.amount,
            None,
            now=now,
            actor=actor,
            how=f"found on 1688 by outOrderId {key}",
        )
        return PlacementOutcome(PurchaseState.PLACED, adopted=True)
    if decision.action == ExistingAction.REVIEW:
        set_purchase_state(
            session,
            purchase,
            PurchaseState.NEEDS_REVIEW,
            at=now,
            actor=actor,
            reason=f"{len(found)} live 1688 orders carry outOrderId {key}",
        )
        open_exception(
            session,
            order_id=order.id,
            purchase_id=purchase.id,
            code=ReasonCode.AMBIGUOUS_PURCHASE,
            at=now,
            actor=actor,
            facts={"out_order_id": key, "count": len(found)},
        )
        return PlacementOutcome(PurchaseState.NEEDS_REVIEW)

    address, cargo = delivery_address(order), _cargo(purchase)
    try:
        previews = client.preview_order(address, cargo, flow="fenxiao")
    except BusinessError as error:
        return _refused(session, purchase, order, error, now=now, actor=actor)
    except MarketplaceError as error:
        return _later(purchase, now, f"preview failed: {error}")
    trade_type = next((mode for p in previews for mode in p.trade_modes), None)

    purchase.attempts += 1
    record_change(
        session,
        "purchase",
        purchase.id,
        purchase.state,
        purchase.state,
        at=now,
        actor=actor,
        reason=f"createCrossOrder attempt {purchase.attempts}",
    )
    session.flush()
    try:
        created = client.create_cross_order(
            key,
            address,
            cargo,
            flow="fenxiao",
            trade_type=trade_type,
            message=f"AliExpress order {order.ae_order_id}",
        )
    except BusinessError as error:
        return _refused(session, purchase, order, error, now=now, actor=actor)
    except (MarketplaceError, ValueError) as error:
        # Timeout, 5xx, malformed reply: 1688 may have written it. The next attempt looks it up first.
        return _later(purchase, now, f"create outcome unknown: {error}")
    _record_placed(
        session,
        purchase,
        str(created.order_id),
        created.total_success_amount.amount,
        created.post_fee.amount,
        now=now,
        actor=actor,
        how="created on 1688",
    )
    return PlacementOutcome(PurchaseState.PLACED, created=True)


def _record_placed(
    session: Session,
    purchase: PurchaseOrderRow,
    alibaba_order_id: str,
    total: object,
    post_fee: object,
    *,
    now: datetime,
    actor: str,
    how: str,
) -> None:
    set_purchase_state(
        session,
        purchase,
        PurchaseState.PLACED,
        at=now,
        actor=actor,
        reason=f"{how}: 1688 order {alibaba_order_id}",
    )
    purchase.alibaba_order_id = alibaba_order_id
    purchase.total_amount = total  # type: ignore[assignment]
    purchase.post_fee = post_fee  # type: ignore[assignment]
    purchase.placed_at = now
    purchase.last_error = None
    purchase.due_at = now
    repo = OrderRepository(session)
    for line in repo.lines_of(purchase.order_id):
        if line.purchase_id == purchase.id and line.state != "purchased":
            set_line_state(
                session, line, "purchased", at=now, reason=f"in 1688 order {alibaba_order_id}", actor=actor
            )


def _refused(
    session: Session,
    purchase: PurchaseOrderRow,
    order: AeOrderRow,
    error: PlatformError,
    *,
    now: datetime,
    actor: str,
) -> PlacementOutcome:
    code = PLATFORM_REASONS.get(error.platform_code or "", ReasonCode.SUPPLIER_REFUSED)
    set_purchase_state(
        session,
        purchase,
        PurchaseState.FAILED,
        at=now,
        actor=actor,
        reason=f"1688 refused: {error.platform_code} {error.message_en}",
    )
    purchase.last_error = str(error)[:2000]
    repo = OrderRepository(session)
    for line in repo.lines_of(purchase.order_id):
        if line.purchase_id == purchase.id:
            open_exception(
                session,
                order_id=order.id,
                line_id=line.id,
                purchase_id=purchase.id,
                code=code,
                at=now,
                actor=actor,
                facts={
                    "platform_code": error.platform_code or "",
                    "platform_message": str(error),
                    "sku_code": line.sku_code or "",
                },
            )
            set_line_state(session, line, "exception", at=now, actor=actor, reason=code.value)
    return PlacementOutcome(PurchaseState.FAILED, error=str(error))


def _later(purchase: PurchaseOrderRow, now: datetime, why: str) -> PlacementOutcome:
    log.info("purchase %s: %s", purchase.out_order_id, why)
    purchase.last_error = why[:2000]
    purchase.due_at = now + RETRY_AFTER
    return PlacementOutcome(PurchaseState(purchase.state), error=why)
