"""1688 buyer side of the sandbox world: purchases (dropship orders), dispatch, logistics, refunds, pushes.

The interface ``World`` relies on:

    BuyerSide(catalog, credentials, *, rng, clock)
    .advance(start, stop) -> dict[str, int]
    .state() -> {"purchases": N, "purchases_per_out_order_id": {"<outOrderId>": count, ...}, ...}

Purchases are validated the way 1688 refuses them (business codes 500_001…500_009) and are
**never** deduplicated on ``outOrderId``: two creations are two orders, as on the real platform;
keeping to one is the product's job. The sandbox buyer account pays automatically, so a new
purchase is ``waitsellersend``. When the supplier dispatches is drawn at creation from the
guide's on-time rates (≤ 72 h: 91.7 % for 超级工厂, 63.4 % otherwise); ``advance`` then plays
dispatch and carrier trace events in time order, each announced as a push message.
"""

from __future__ import annotations

import heapq
import random
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kuajing.kit.clock import Clock
from kuajing.sandbox import buyer_rules
from kuajing.sandbox.buyer_model import (
    CANCEL,
    CANCELLABLE,
    GOODS_NOT_SENT,
    REFUND_REASONS,
    REFUND_SUCCESS,
    REFUND_WAIT_SELLER_AGREE,
    SIGN,
    SUCCESS,
    WAIT_BUYER_RECEIVE,
    WAIT_SELLER_SEND,
    BuyerRefusal,
    CargoItem,
    Purchase,
    Refund,
    RefundReason,
    Shipment,
)
from kuajing.sandbox.buyer_push import SEND_GOODS, TRACE, PushOutbox
from kuajing.sandbox.carriers import CARRIERS_BY_CODE
from kuajing.sandbox.catalog import Catalog
from kuajing.sandbox.credentials import SandboxCredentials

# The sandbox's own 1688 buyer account (what the configured access token belongs to).
BUYER_MEMBER_ID = "b2b-2219980001688"
BUYER_LOGIN_ID = "kuajing沙箱买家"

ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
ORDER_STATUS_INVALID = "ORDER_STATUS_INVALID"


@dataclass(order=True, frozen=True)
class _Event:
    at: datetime
    seq: int
    kind: str  # dispatch | trace | refund
    key: str  # order id or refund id


class BuyerSide:
    def __init__(
        self, catalog: Catalog, credentials: SandboxCredentials, *, rng: random.Random, clock: Clock
    ) -> None:
        self.catalog = catalog
        self.credentials = credentials
        self.member_id = BUYER_MEMBER_ID
        self._rng = rng
        self._clock = clock
        self.purchases: dict[int, Purchase] = {}
        self.refunds: dict[str, Refund] = {}
        self.outbox = PushOutbox(credentials.alibaba_app_secret)
        self._events: list[_Event] = []
        self._seq = 0
        self._next_order_id = 2_400_000_000_000_000_000 + rng.randrange(10**15)
        self._next_entry_id = self._next_order_id + 10**17

    @property
    def buyer_member_id(self) -> str:
        """The sandbox buyer account's memberId (what the configured access token belongs to)."""
        return self.member_id

    # -- purchases ------------------------------------------------------------------------------

    def preview(self, cargo: list[CargoItem], address: dict[str, str]) -> buyer_rules.Quote:
        """What createCrossOrder would charge (fen), or the BuyerRefusal it would answer."""
        return buyer_rules.quote(self.catalog, cargo, address)

    def create_order(
        self,
        buyer_member_id: str,
        cargo: list[CargoItem],
        address: dict[str, str],
        *,
        out_order_id: str | None = None,
        flow: str = "general",
        message: str = "",
        trade_type: str = "",
    ) -> Purchase:
        quote = buyer_rules.quote(self.catalog, cargo, address)
        now = self._clock.now()
        for item, line in zip(cargo, quote.lines, strict=True):
            self.catalog.offers[item.offer_id].spec(item.spec_id).stock -= item.quantity  # type: ignore[union-attr]
            line.entry_id = self._new_entry_id()
        supplier = quote.supplier
        on_time = (
            buyer_rules.DISPATCH_ON_TIME_SUPER if supplier.super_factory else buyer_rules.DISPATCH_ON_TIME
        )
        hours = self._rng.uniform(2, 72) if self._rng.random() < on_time else self._rng.uniform(72, 168)
        purchase = Purchase(
            order_id=self._new_order_id(),
            buyer_member_id=buyer_member_id,
            seller_member_id=supplier.member_id,
            out_order_id=out_order_id or None,
            flow=flow,
            trade_type=trade_type,
            message=message,
            lines=quote.lines,
            post_fee_fen=quote.post_fee_fen,
            address=quote.address,
            created_at=now,
            dispatch_due=now + timedelta(hours=hours),
            status=WAIT_SELLER_SEND,
            paid_at=now,
            modified_at=now,
        )
        self.purchases[purchase.order_id] = purchase
        self._schedule(purchase.dispatch_due, "dispatch", str(purchase.order_id))
        return purchase

    def get(self, order_id: int, buyer_member_id: str) -> Purchase:
        purchase = self.purchases.get(order_id)
        if purchase is None or purchase.buyer_member_id != buyer_member_id:
            raise BuyerRefusal(ORDER_NOT_FOUND, f"订单不存在 order {order_id} not found")
        return purchase

    def list_orders(
        self,
        buyer_member_id: str,
        *,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        status: str | None = None,
        out_order_id: str | None = None,
    ) -> list[Purchase]:
        found = [
            p
            for p in self.purchases.values()
            if p.buyer_member_id == buyer_member_id
            and (created_from is None or p.created_at >= created_from)
            and (created_to is None or p.created_at < created_to)
            and (not status or p.status == status)
            and (not out_order_id or p.out_order_id == out_order_id)
        ]
        return sorted(found, key=lambda p: (p.created_at, p.order_id))

    def cancel(self, order_id: int, buyer_member_id: str, reason: str) -> Purchase:
        purchase = self.get(order_id, buyer_member_id)
        if purchase.status not in CANCELLABLE:
            raise BuyerRefusal(
                ORDER_STATUS_INVALID,
                f"订单状态{purchase.status}不允许取消 order in {purchase.status} cannot be cancelled",
            )
        self._close(purchase, reason or "buyerCancel")
        return purchase

    def _close(self, purchase: Purchase, reason: str) -> None:
        for line in purchase.lines:
            offer = self.catalog.offers.get(line.offer_id)
            spec = offer.spec(line.spec_id) if offer else None
            if spec is not None:
                spec.stock += line.quantity
        purchase.status = CANCEL
        purchase.close_reason = reason
        purchase.modified_at = self._clock.now()

    # -- refunds ----------------------------------------------------------------------------------

    def refund_reasons(
        self, order_id: int, buyer_member_id: str, goods_status: str
    ) -> tuple[RefundReason, ...]:
        self.get(order_id, buyer_member_id)
        return REFUND_REASONS[goods_status]

    def create_refund(
        self,
        order_id: int,
        buyer_member_id: str,
        *,
        entry_ids: list[int],
        dispute_request: str,
        apply_payment_fen: int,
        apply_carriage_fen: int,
        reason_id: int,
        description: str,
        goods_status: str,
        vouchers: list[str],
    ) -> Refund:
        purchase = self.get(order_id, buyer_member_id)
        reason = buyer_rules.check_refund(
            purchase,
            entry_ids=entry_ids,
            apply_payment_fen=apply_payment_fen,
            apply_carriage_fen=apply_carriage_fen,
            reason_id=reason_id,
            goods_status=goods_status,
            vouchers=vouchers,
        )
        now = self._clock.now()
        refund = Refund(
            refund_id=f"TQ{self._rng.randrange(10**17, 10**18)}",
            order_id=order_id,
            entry_ids=tuple(entry_ids),
            dispute_request=dispute_request,
            apply_payment_fen=apply_payment_fen,
            apply_carriage_fen=apply_carriage_fen,
            reason=reason,
            description=description,
            goods_status=goods_status,
            vouchers=tuple(vouchers),
            created_at=now,
            resolves_at=now + timedelta(hours=self._rng.uniform(24, 72)),
        )
        purchase.refunds.append(refund)
        purchase.modified_at = now
        self.refunds[refund.refund_id] = refund
        self._schedule(refund.resolves_at, "refund", refund.refund_id)
        return refund

    # -- simulated time ---------------------------------------------------------------------------

    def advance(self, start: datetime, stop: datetime) -> dict[str, int]:
        happened: Counter[str] = Counter()
        while self._events and self._events[0].at <= stop:
            event = heapq.heappop(self._events)
            if event.kind == "dispatch":
                happened.update(self._dispatch(self.purchases[int(event.key)], event.at))
            elif event.kind == "trace":
                happened.update(self._trace_step(self.purchases[int(event.key)], event.at))
            elif event.kind == "refund":
                happened.update(self._resolve_refund(self.refunds[event.key], event.at))
        return dict(happened)

    def dispatch_now(self, order_id: int) -> Purchase:
        """Admin: the supplier ships this purchase now (tests and demos that cannot wait)."""
        purchase = self.purchases.get(order_id)
        if purchase is None:
            raise BuyerRefusal(ORDER_NOT_FOUND, f"order {order_id} not found")
        if purchase.status != WAIT_SELLER_SEND:
            raise BuyerRefusal(ORDER_STATUS_INVALID, f"order in {purchase.status} cannot be dispatched")
        self._dispatch(purchase, self._clock.now())
        return purchase

    def _dispatch(self, purchase: Purchase, at: datetime) -> dict[str, int]:
        if purchase.status != WAIT_SELLER_SEND or purchase.shipment is not None:
            return {}  # cancelled (or refunded) before the supplier got to it
        supplier = self.catalog.suppliers[purchase.seller_member_id]
        carrier = CARRIERS_BY_CODE[self._rng.choice(supplier.carrier_codes)]
        cluster = self.catalog.clusters[supplier.cluster_code]
        fate = zlib.crc32(f"trace:{purchase.order_id}".encode())
        steps = buyer_rules.plan_trace(self._rng, carrier, cluster.city, at, fate=fate)
        purchase.shipment = Shipment(
            logistics_id=f"BX{self._rng.randrange(10**15, 10**16)}",
            bill_no=carrier.make_tracking_no(self._rng),
            carrier_code=carrier.code,
            company_name=carrier.name_zh,
            company_id=carrier.company_id,
            dispatched_at=at,
            planned_steps=steps,
        )
        purchase.status = WAIT_BUYER_RECEIVE
        purchase.modified_at = at
        for step in steps:
            self._schedule(step.at, "trace", str(purchase.order_id))
        self.outbox.publish(
            SEND_GOODS,
            purchase.buyer_member_id,
            {
                "orderId": purchase.order_id,
                "outOrderId": purchase.out_order_id,
                "logisticsBillNo": purchase.shipment.bill_no,
                "logisticsCompanyName": carrier.name_zh,
                "currentStatus": WAIT_BUYER_RECEIVE,
            },
            at,
        )
        return {"purchases_dispatched": 1, "push_messages": 1}

    def _trace_step(self, purchase: Purchase, at: datetime) -> dict[str, int]:
        shipment = purchase.shipment
        if shipment is None or shipment.shown_steps >= len(shipment.planned_steps):
            return {}
        step = shipment.planned_steps[shipment.shown_steps]
        shipment.shown_steps += 1
        if step.status == SIGN and purchase.status == WAIT_BUYER_RECEIVE:
            purchase.status = SUCCESS
            purchase.completed_at = at
        purchase.modified_at = at
        self.outbox.publish(
            TRACE,
            purchase.buyer_member_id,
            {
                "orderId": purchase.order_id,
                "logisticsBillNo": shipment.bill_no,
                "acceptTime": buyer_rules.to_1688_time(step.at),
                "remark": step.remark,
            },
            at,
        )
        return {"trace_events": 1, "push_messages": 1}

    def _resolve_refund(self, refund: Refund, at: datetime) -> dict[str, int]:
        if refund.status != REFUND_WAIT_SELLER_AGREE:
            return {}
        refund.status = REFUND_SUCCESS
        purchase = self.purchases[refund.order_id]
        purchase.modified_at = at
        # A full refund before dispatch closes the order (1688 does the same).
        if (
            refund.goods_status == GOODS_NOT_SENT
            and purchase.status == WAIT_SELLER_SEND
            and refund.apply_payment_fen >= purchase.goods_fen
        ):
            self._close(purchase, "refund")
        return {"refunds_resolved": 1}

    def _schedule(self, at: datetime, kind: str, key: str) -> None:
        self._seq += 1
        heapq.heappush(self._events, _Event(at, self._seq, kind, key))

    def _new_order_id(self) -> int:
        self._next_order_id += self._rng.randint(1, 9_999)
        return self._next_order_id

    def _new_entry_id(self) -> int:
        self._next_entry_id += self._rng.randint(1, 99)
        return self._next_entry_id

    # -- summary --------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        per_out_order: Counter[str] = Counter(
            p.out_order_id for p in self.purchases.values() if p.out_order_id
        )
        by_status: Counter[str] = Counter(p.status for p in self.purchases.values())
        return {
            "purchases": len(self.purchases),
            "purchases_per_out_order_id": dict(per_out_order),
            "purchases_by_status": dict(by_status),
            "refunds": len(self.refunds),
            "push_1688": self.outbox.summary(),
        }
