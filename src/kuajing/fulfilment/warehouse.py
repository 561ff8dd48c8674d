"""The guide's second fix for an unapproved carrier: create the AliExpress logistics order ourselves.

When a 1688 supplier ships with a carrier AliExpress does not accept (``CARRIER_NOT_APPROVED``),
its number would never update. Instead we create a Cainiao online logistics order
(``aliexpress.logistics.createwarehouseorder``) naming the supplier's domestic parcel; Cainiao
gives an international number of an approved service. That number becomes the purchase's
tracking number (carrier = the Cainiao name in ``carrier_map.csv``), the exception is resolved
with the label number to hand to the supplier, and the purchase is made due so the next pass
uploads it through the ordinary path (``service.track_purchase``: carrier check, then fulfil).

Idempotent: a purchase already carrying an international number of the requested service is
left alone and that number returned. (The sandbox also answers a repeated request for the same
AliExpress order and domestic number with the same warehouse order.) Services never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.compliance.opinion_service import declared_hs_code
from kuajing.fulfilment.carriers import load_carrier_map
from kuajing.kit.errors import KuajingError
from kuajing.marketplaces.alibaba1688 import Alibaba1688Client, ProductDetail
from kuajing.marketplaces.aliexpress import (
    AliExpressClient,
    DeclaredProduct,
    ReceiptAddress,
    WarehouseContact,
    WarehouseOrderRequest,
)
from kuajing.marketplaces.errors import MarketplaceError
from kuajing.orders.audit import record_change
from kuajing.orders.exceptions import resolve_exception
from kuajing.orders.reasons import ReasonCode
from kuajing.orders.repository import OrderRepository
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow, OrderExceptionRow
from kuajing.purchasing.model import PurchaseState
from kuajing.purchasing.tables import PurchaseOrderRow

DEFAULT_SERVICE = "CAINIAO_STANDARD"
UNDELIVERABLE_RETURN = 0  # undeliverable_decision: 0 return to sender, 1 destroy


class WarehouseOrderNotPossible(KuajingError):
    """The purchase is not in a state a warehouse order can fix (nothing shipped, wrong reason…)."""

    code = "warehouse_order_not_possible"
    http_status = 409


@dataclass(frozen=True)
class _Target:
    purchase: PurchaseOrderRow
    exception: OrderExceptionRow | None


def cainiao_carrier_name(service_name: str, carrier_map: Mapping[str, str] | None = None) -> str:
    """The 1688-side carrier name that ``carrier_map.csv`` maps to ``service_name`` (first listed)."""
    mapping = carrier_map if carrier_map is not None else load_carrier_map()
    for company_name, mapped_service in mapping.items():
        if mapped_service == service_name:
            return company_name
    raise WarehouseOrderNotPossible(
        f"no carrier name maps to {service_name} in carrier_map.csv",
        f"carrier_map.csv 中没有对应 {service_name} 的物流商名称",
        details={"service_name": service_name},
    )


def create_warehouse_order_for(
    session: Session,
    exception_or_purchase: OrderExceptionRow | PurchaseOrderRow | int,
    client: AliExpressClient,
    *,
    buyer: Alibaba1688Client,
    service_name: str = DEFAULT_SERVICE,
    sender: WarehouseContact | None = None,
    carrier_map: Mapping[str, str] | None = None,
    now: datetime,
    actor: str,
) -> str:
    """Creates the Cainiao warehouse order for a purchase flagged ``CARRIER_NOT_APPROVED``; returns
    the international tracking number (the label the supplier sticks on the parcel).

    ``exception_or_purchase``: the exception row, the purchase row, or an exception id (what the
    queue shows). ``buyer`` reads the supplier's parcel (its 1688 logistics company id) and, when
    no ``sender`` is given, the supplier's location as the sender and pickup address.
    Raises ``WarehouseOrderNotPossible`` when there is nothing to fix; platform refusals propagate
    as ``MarketplaceError`` with nothing changed here.
    """
    target = _find_target(session, exception_or_purchase)
    purchase = target.purchase
    carrier_name = cainiao_carrier_name(service_name, carrier_map)
    if _already_done(purchase, service_name, carrier_name):
        _resolve_flags(session, target, purchase, now=now, actor=actor, resolution=None)
        return purchase.tracking_no or ""
    flagged = target.exception or _open_flag(session, purchase)
    if flagged is None:
        raise WarehouseOrderNotPossible(
            f"purchase {purchase.id} is not flagged {ReasonCode.CARRIER_NOT_APPROVED.value}",
            f"采购单 {purchase.id} 没有“物流商不在认可名单”的异常",
            details={"purchase_id": purchase.id},
        )
    if PurchaseState(purchase.state) != PurchaseState.SHIPPED or not purchase.tracking_no:
        raise WarehouseOrderNotPossible(
            f"purchase {purchase.id} is {purchase.state}: only a shipped parcel can get a warehouse order",
            f"采购单 {purchase.id} 状态为 {purchase.state}:只有已发货的包裹才能创建物流订单",
            details={"purchase_id": purchase.id, "state": purchase.state},
        )
    order = session.get(AeOrderRow, purchase.order_id)
    assert order is not None
    request = _build_request(session, purchase, order, client, buyer, service_name, sender)
    result = client.create_warehouse_order(request)
    if not result.intl_tracking_no:
        raise WarehouseOrderNotPossible(
            f"warehouse order {result.warehouse_order_id} came back without an international number",
            f"物流订单 {result.warehouse_order_id} 没有返回国际运单号",
            details={"warehouse_order_id": result.warehouse_order_id},
        )
    domestic = f"{purchase.carrier_name or '?'} {purchase.tracking_no}"
    purchase.tracking_no = result.intl_tracking_no
    purchase.carrier_name = carrier_name
    purchase.ae_service_name = service_name
    purchase.last_error = None
    purchase.due_at = now  # the next pass uploads it through the normal carrier check
    record_change(
        session,
        "purchase",
        purchase.id,
        purchase.state,
        purchase.state,
        at=now,
        reason=(
            f"warehouse order {result.warehouse_order_id} ({service_name}) for domestic parcel {domestic}: "
            f"tracking is now {result.intl_tracking_no}"
        ),
        actor=actor,
    )
    label = f"warehouse order {result.warehouse_order_id}: label {result.intl_tracking_no} for the supplier"
    _resolve_flags(session, target, purchase, now=now, actor=actor, resolution=label)
    return result.intl_tracking_no


def _find_target(session: Session, given: OrderExceptionRow | PurchaseOrderRow | int) -> _Target:
    if isinstance(given, PurchaseOrderRow):
        return _Target(given, None)
    exception = given if isinstance(given, OrderExceptionRow) else session.get(OrderExceptionRow, given)
    if exception is None:
        raise WarehouseOrderNotPossible(
            f"exception {given} not found", f"找不到异常 {given}", details={"exception_id": given}
        )
    if exception.reason_code != ReasonCode.CARRIER_NOT_APPROVED.value or exception.purchase_id is None:
        raise WarehouseOrderNotPossible(
            f"exception {exception.id} is {exception.reason_code}: a warehouse order fixes only "
            f"{ReasonCode.CARRIER_NOT_APPROVED.value}",
            f"异常 {exception.id} 的原因是 {exception.reason_code}:物流订单只能解决“物流商不在认可名单”",
            details={"exception_id": exception.id, "reason_code": exception.reason_code},
        )
    purchase = session.get(PurchaseOrderRow, exception.purchase_id)
    assert purchase is not None
    return _Target(purchase, exception)


def _already_done(purchase: PurchaseOrderRow, service_name: str, carrier_name: str) -> bool:
    return bool(
        purchase.tracking_no
        and purchase.ae_service_name == service_name
        and purchase.carrier_name == carrier_name
        and PurchaseState(purchase.state) in (PurchaseState.SHIPPED, PurchaseState.FULFILLED)
    )


def _open_flag(session: Session, purchase: PurchaseOrderRow) -> OrderExceptionRow | None:
    return session.scalars(
        select(OrderExceptionRow)
        .where(
            OrderExceptionRow.purchase_id == purchase.id,
            OrderExceptionRow.reason_code == ReasonCode.CARRIER_NOT_APPROVED.value,
            OrderExceptionRow.status == "open",
        )
        .order_by(OrderExceptionRow.id)
    ).first()


def _resolve_flags(
    session: Session,
    target: _Target,
    purchase: PurchaseOrderRow,
    *,
    now: datetime,
    actor: str,
    resolution: str | None,
) -> None:
    """Resolves this purchase's open CARRIER_NOT_APPROVED exceptions (none left open on a repeat)."""
    text = resolution or f"warehouse order already created: label {purchase.tracking_no} for the supplier"
    rows = list(
        session.scalars(
            select(OrderExceptionRow).where(
                OrderExceptionRow.purchase_id == purchase.id,
                OrderExceptionRow.reason_code == ReasonCode.CARRIER_NOT_APPROVED.value,
                OrderExceptionRow.status == "open",
            )
        )
    )
    if target.exception is not None and target.exception not in rows:
        rows.append(target.exception)
    for row in rows:
        resolve_exception(session, row, at=now, actor=actor, resolution=text)


# --- the request ---------------------------------------------------------------------------------


def _build_request(
    session: Session,
    purchase: PurchaseOrderRow,
    order: AeOrderRow,
    client: AliExpressClient,
    buyer: Alibaba1688Client,
    service_name: str,
    sender: WarehouseContact | None,
) -> WarehouseOrderRequest:
    detail = client.get_order(order.ae_order_id)
    lines = [
        line
        for line in OrderRepository(session).lines_of(order.id)
        if line.purchase_id == purchase.id and line.state != "cancelled"
    ]
    if not lines:
        raise WarehouseOrderNotPossible(
            f"purchase {purchase.id} covers no order line", f"采购单 {purchase.id} 没有对应的订单行"
        )
    offers = _offers(buyer, lines)
    if sender is None:
        sender = _supplier_contact(next(iter(offers.values())))
    return WarehouseOrderRequest(
        trade_order_id=order.ae_order_id,
        receiver=_receiver(detail.receipt_address),
        sender=sender,
        pickup=sender,
        declared_products=tuple(
            _declared(line, client, offers.get(line.offer_id or 0), _hs_code(session, line)) for line in lines
        ),
        domestic_logistics_company_id=_domestic_company_id(purchase, buyer),
        domestic_tracking_no=purchase.tracking_no or "",
        warehouse_carrier_service=service_name,
        undeliverable_decision=UNDELIVERABLE_RETURN,
    )


def _offers(buyer: Alibaba1688Client, lines: list[AeOrderLineRow]) -> dict[int, ProductDetail]:
    offers: dict[int, ProductDetail] = {}
    for line in lines:
        if line.offer_id is not None and line.offer_id not in offers:
            offers[line.offer_id] = buyer.product_detail(line.offer_id)
    if not offers:
        raise WarehouseOrderNotPossible(
            "the purchase's lines name no 1688 offer", "采购单的订单行没有 1688 商品"
        )
    return offers


def _supplier_contact(offer: ProductDetail) -> WarehouseContact:
    """The supplier's location as 1688 shows it: where the parcel starts (no settings for our own)."""
    seller = offer.seller
    name = seller.company_name or seller.login_id or seller.member_id
    return WarehouseContact(
        name=name,
        country="CN",
        province=seller.province or "",
        city=seller.city or "",
        street_address=seller.cluster_name or name,
    )


def _receiver(address: ReceiptAddress) -> WarehouseContact:
    street = " ".join(part for part in (address.detail_address, address.address, address.address2) if part)
    return WarehouseContact(
        name=address.contact_person,
        country=address.country,
        province=address.province or "",
        city=address.city or "",
        street_address=street or address.city or "",
        post_code=address.zip,
        phone=address.phone_number,
        mobile=address.mobile_no,
    )


def _hs_code(session: Session, line: AeOrderLineRow) -> str | None:
    """The official pre-classification opinion's code for the listing or its offer, else the offer's own."""
    return declared_hs_code(session, offer_id=line.offer_id, product_id=line.product_id)


def _declared(
    line: AeOrderLineRow, client: AliExpressClient, offer: ProductDetail | None, hs_code: str | None = None
) -> DeclaredProduct:
    """Per unit: the price the buyer paid (USD) and the listing's gross weight (else the 1688 one)."""
    weight = _weight(line, client, offer)
    english = (line.product_name or (offer.subject_trans if offer else None) or "goods")[:200]
    chinese = ((offer.category_name or offer.subject) if offer else None) or english
    return DeclaredProduct(
        product_id=line.product_id,
        product_num=line.quantity,
        declare_amount=line.unit_price,
        weight_kg=weight,
        category_cn_desc=chinese[:200],
        category_en_desc=english,
        hs_code=hs_code,
        sku_code=line.sku_code,
        child_order_id=line.child_id,
    )


def _weight(line: AeOrderLineRow, client: AliExpressClient, offer: ProductDetail | None) -> Decimal:
    try:
        listed = client.get_product(line.product_id).gross_weight_kg
    except MarketplaceError:
        listed = None
    if listed is not None and listed > 0:
        return listed
    if offer is not None and offer.shipping.weight is not None and offer.shipping.weight > 0:
        per_sale = max(1, (line.buy_quantity or line.quantity) // max(1, line.quantity))
        return offer.shipping.weight * per_sale
    raise WarehouseOrderNotPossible(
        f"no weight known for product {line.product_id}: set the listing's gross weight",
        f"商品 {line.product_id} 没有重量:请在速卖通填写毛重",
        details={"product_id": line.product_id},
    )


def _domestic_company_id(purchase: PurchaseOrderRow, buyer: Alibaba1688Client) -> int:
    """The 1688 logistics company id of the supplier's parcel (the purchase keeps only its name)."""
    for info in buyer.logistics_infos(purchase.alibaba_order_id or ""):
        if info.bill_no == purchase.tracking_no and info.company_id and info.company_id.isdigit():
            return int(info.company_id)
    raise WarehouseOrderNotPossible(
        f"1688 does not show parcel {purchase.tracking_no} on order {purchase.alibaba_order_id}",
        f"1688 订单 {purchase.alibaba_order_id} 上找不到包裹 {purchase.tracking_no}",
        details={"purchase_id": purchase.id},
    )


__all__ = [
    "DEFAULT_SERVICE",
    "WarehouseOrderNotPossible",
    "cainiao_carrier_name",
    "create_warehouse_order_for",
]
