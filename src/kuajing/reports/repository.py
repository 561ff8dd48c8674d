"""All SQL of the reports: paid orders with their lines, purchases, offers, suppliers and stores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.accounts.store_scope import orders_in_scope
from kuajing.aftersales.tables import ReturnCaseRow, SupplierClaimRow
from kuajing.compliance.opinion_repository import latest_hs6_by_offer
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.reports.model import OrderFacts, OrderLine
from kuajing.sourcing.tables import SourcedOfferRow, SupplierRow
from kuajing.stores.tables import AliExpressStore


@dataclass(frozen=True, slots=True)
class ReportFilter:
    start: datetime | None = None  # paid at or after
    end: datetime | None = None  # paid before
    store_id: int | None = None
    country: str | None = None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # SQLite drops the zone


class ReportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def stores(self) -> dict[int, str]:
        return dict(self.session.execute(select(AliExpressStore.id, AliExpressStore.name)).all())

    def countries(self, scope: frozenset[int] | None = None) -> list[str]:
        query = select(AeOrderRow.country).where(AeOrderRow.country.is_not(None)).distinct()
        query = orders_in_scope(query, scope)
        return sorted(str(value) for value in self.session.scalars(query))

    def paid_orders(self, where: ReportFilter) -> list[OrderFacts]:
        query = (
            select(AeOrderRow)
            .where(AeOrderRow.paid_at.is_not(None))
            .order_by(AeOrderRow.paid_at, AeOrderRow.id)
        )
        if where.start is not None:
            query = query.where(AeOrderRow.paid_at >= where.start)
        if where.end is not None:
            query = query.where(AeOrderRow.paid_at < where.end)
        if where.store_id is not None:
            query = query.where(AeOrderRow.store_id == where.store_id)
        if where.country:
            query = query.where(AeOrderRow.country == where.country)
        orders = list(self.session.scalars(query))
        ids = [order.id for order in orders]
        if not ids:
            return []
        lines: dict[int, list[AeOrderLineRow]] = defaultdict(list)
        for line in self.session.scalars(
            select(AeOrderLineRow).where(AeOrderLineRow.order_id.in_(ids)).order_by(AeOrderLineRow.id)
        ):
            if line.state != "cancelled":
                lines[line.order_id].append(line)
        purchases: dict[int, list[PurchaseOrderRow]] = defaultdict(list)
        for purchase in self.session.scalars(
            select(PurchaseOrderRow).where(PurchaseOrderRow.order_id.in_(ids)).order_by(PurchaseOrderRow.id)
        ):
            if purchase.state != "cancelled":
                purchases[purchase.order_id].append(purchase)
        offer_ids = {line.offer_id for group in lines.values() for line in group if line.offer_id}
        offers = {
            offer.offer_id: offer
            for offer in self.session.scalars(
                select(SourcedOfferRow).where(SourcedOfferRow.offer_id.in_(offer_ids))
            )
        }
        suppliers = dict(self.session.execute(select(SupplierRow.member_id, SupplierRow.name)).all())
        stores = self.stores()
        official = latest_hs6_by_offer(self.session, list(offer_ids))  # 预归类意见 over the stated code
        refunds, recovered = self.aftersales(ids)
        return [
            replace(
                _facts(order, lines[order.id], purchases[order.id], offers, suppliers, stores, official),
                refunds=tuple(refunds[order.id]),
                recovered_cny=recovered[order.id],
            )
            for order in orders
        ]

    def returns_since(
        self, start: datetime, scope: frozenset[int] | None = None
    ) -> list[tuple[datetime, Decimal, str, Decimal | None, Decimal | None]]:
        """Classified returns since ``start`` on orders of the stores in ``scope`` (None: every
        store): (opened, amount, currency, claimed CNY, recovered CNY)."""
        query = (
            select(
                ReturnCaseRow.created_at,
                ReturnCaseRow.amount,
                ReturnCaseRow.currency,
                SupplierClaimRow.amount,
                SupplierClaimRow.recovered_amount,
            )
            .outerjoin(SupplierClaimRow, SupplierClaimRow.case_id == ReturnCaseRow.id)
            .join(AeOrderRow, AeOrderRow.id == ReturnCaseRow.order_id)
            .where(
                ReturnCaseRow.created_at >= start,
                ReturnCaseRow.reason.is_not(None),
                ReturnCaseRow.amount.is_not(None),
            )
            .order_by(ReturnCaseRow.created_at)
        )
        return [
            (_aware(opened), Decimal(amount or 0), currency, claimed, recovered)
            for opened, amount, currency, claimed, recovered in self.session.execute(
                orders_in_scope(query, scope)
            )
        ]

    def aftersales(
        self, order_ids: list[int]
    ) -> tuple[dict[int, list[tuple[Decimal, str]]], dict[int, Decimal]]:
        """Per order: each classified return's (amount, currency), and the CNY its claims recovered."""
        refunds: dict[int, list[tuple[Decimal, str]]] = defaultdict(list)
        recovered: dict[int, Decimal] = defaultdict(Decimal)
        for start in range(0, len(order_ids), 500):
            chunk = order_ids[start : start + 500]
            cases = select(ReturnCaseRow.order_id, ReturnCaseRow.amount, ReturnCaseRow.currency).where(
                ReturnCaseRow.order_id.in_(chunk),
                ReturnCaseRow.reason.is_not(None),
                ReturnCaseRow.amount.is_not(None),
            )
            for order_id, amount, currency in self.session.execute(cases):
                refunds[order_id].append((Decimal(amount or 0), currency))
            claims = (
                select(ReturnCaseRow.order_id, SupplierClaimRow.recovered_amount)
                .join(SupplierClaimRow, SupplierClaimRow.case_id == ReturnCaseRow.id)
                .where(ReturnCaseRow.order_id.in_(chunk), SupplierClaimRow.recovered_amount.is_not(None))
            )
            for order_id, amount in self.session.execute(claims):
                recovered[order_id] += Decimal(amount or 0)
        return refunds, recovered


def _goods(purchases: list[PurchaseOrderRow]) -> Decimal | None:
    """``total_amount`` is 1688's order total, post fee included; ``post_fee`` counts alone only when
    the total is not known yet. None while no purchase has an amount."""
    amounts = [
        p.total_amount if p.total_amount is not None else p.post_fee
        for p in purchases
        if p.total_amount is not None or p.post_fee is not None
    ]
    return sum((Decimal(a) for a in amounts if a is not None), Decimal(0)) if amounts else None


def _facts(
    order: AeOrderRow,
    lines: list[AeOrderLineRow],
    purchases: list[PurchaseOrderRow],
    offers: dict[int, SourcedOfferRow],
    suppliers: dict[str, str],
    stores: dict[int, str],
    official: dict[int, str] | None = None,
) -> OrderFacts:
    weight = 0
    weight_known = bool(lines)
    hs_codes: list[str] = []
    category = None
    for line in lines:
        offer = offers.get(line.offer_id) if line.offer_id else None
        if offer is None or not offer.weight_g:
            weight_known = False
            continue
        weight += offer.weight_g * (line.buy_quantity or line.quantity)
        code = (official or {}).get(offer.offer_id) or offer.hs_code  # EU: €3 per distinct HS6
        if code and code not in hs_codes:
            hs_codes.append(code)
        category = category or offer.category
    purchase_supplier = purchases[0].supplier_member_id if purchases else None
    service = next((p.ae_service_name for p in purchases if p.ae_service_name), None)
    assert order.paid_at is not None
    return OrderFacts(
        order_id=order.id,
        ae_order_id=order.ae_order_id,
        store_id=order.store_id,
        store_name=stores.get(order.store_id, str(order.store_id)),
        country=order.country,
        paid_at=_aware(order.paid_at),
        pay_amount=Decimal(order.pay_amount),
        currency=order.currency,
        goods_cny=_goods(purchases),
        lines=tuple(
            OrderLine(
                sku_code=line.sku_code or str(line.product_id),
                quantity=line.quantity,
                value=Decimal(line.unit_price) * line.quantity,
                supplier_member_id=line.supplier_member_id or purchase_supplier,
                supplier_name=suppliers.get(line.supplier_member_id or purchase_supplier or ""),
            )
            for line in lines
        ),
        ae_service_name=service,
        weight_g=weight if weight_known and weight > 0 else None,
        hs_codes=tuple(hs_codes),
        category=category,
    )
