"""AliExpress side of the sandbox world: stores, listings built from 1688 offers, orders, fulfilments.

The interface ``World`` relies on:

    Storefront(catalog, credentials, *, build_rng, order_rng, clock)
    .advance(start, stop) -> dict[str, int]   # react to simulated time; counts by event kind
    .state() -> {"ae_orders": N, "ae_orders_by_status": {...}, "shipments": N, ...}
    .generate_orders(count) -> list[int]  # paid orders now; returns AliExpress order ids
    .set_order_rate(per_hour: float)   # paid orders generated per simulated hour by advance()

Life of an order: paid (WAIT_SELLER_SEND_GOODS) → the seller fulfils with an approved service's
tracking number (``part`` → SELLER_PART_SEND_GOODS, ``all`` → WAIT_BUYER_ACCEPT_GOODS) → FINISH
20 simulated days later. Along the way: ~3 % of buyers ask to cancel within 30 minutes of paying
(IN_CANCEL, closed as FINISH a day later), a few orders are frozen for a day (IN_FROZEN) or get a
dispute after shipping (IN_ISSUE), and an order not shipped by its ship-by deadline is closed
(FINISH, ``end_reason`` "seller_send_goods_timeout") as AliExpress does.
"""

from __future__ import annotations

import heapq
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kuajing.kit.clock import FixedClock
from kuajing.sandbox.carriers import approved_service
from kuajing.sandbox.catalog import Catalog
from kuajing.sandbox.credentials import SandboxCredentials
from kuajing.sandbox.storefront_auth import StoreTokens
from kuajing.sandbox.storefront_listings import Listing, Store, build_stores
from kuajing.sandbox.storefront_orders import (
    FIRST_CHILD_ID,
    FIRST_ORDER_ID,
    SHIPPABLE,
    AeOrder,
    OrderStatus,
    Shipment,
    draw_order,
)

BUYER_CONFIRM_AFTER = timedelta(days=20)
CANCEL_CLOSE_AFTER = timedelta(hours=24)
FREEZE_FOR = timedelta(hours=24)
FIRST_WAREHOUSE_ORDER_ID = 60000000000


class StorefrontRefusal(Exception):
    """A business refusal the protocol layer reports with the platform's code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class WarehouseOrder:
    warehouse_order_id: int
    trade_order_id: int
    domestic_tracking_no: str
    service_name: str
    intl_tracking_no: str
    created_at: datetime


class Storefront:
    def __init__(
        self,
        catalog: Catalog,
        credentials: SandboxCredentials,
        *,
        build_rng: random.Random,
        order_rng: random.Random,
        clock: FixedClock,
    ) -> None:
        self.stores: list[Store] = build_stores(catalog, credentials, build_rng)
        self.tokens = StoreTokens(self.stores, random.Random(build_rng.getrandbits(64)))
        # Tracking numbers for warehouse orders: a stream of their own, so the product's calls
        # never shift the orders the world generates.
        self._ops_rng = random.Random(build_rng.getrandbits(64))
        self._order_rng = order_rng
        self._clock = clock
        self.orders: dict[int, AeOrder] = {}
        self.order_rate_per_hour = 0.0
        self.warehouse_orders: dict[tuple[int, str], WarehouseOrder] = {}
        self._events: list[tuple[datetime, int, str, int]] = []
        self._event_seq = 0
        self._next_child_id = FIRST_CHILD_ID

    # --- the World interface -------------------------------------------------------------------

    def generate_orders(self, count: int) -> list[int]:
        now = self._clock.now()
        return [self._create_order(now).order_id for _ in range(count)]

    def set_order_rate(self, per_hour: float) -> None:
        if per_hour < 0:
            raise ValueError("order rate cannot be negative")
        self.order_rate_per_hour = per_hour

    def advance(self, start: datetime, stop: datetime) -> dict[str, int]:
        happened: Counter[str] = Counter()
        if self.order_rate_per_hour > 0:
            # Poisson arrivals: exponential gaps, memoryless, so steps can cut the timeline anywhere.
            moment = start
            while True:
                gap = self._order_rng.expovariate(self.order_rate_per_hour / 3600)
                moment += timedelta(seconds=gap)
                if moment >= stop:
                    break
                self._create_order(max(start, moment.replace(microsecond=0)))
                happened["ae_orders_created"] += 1
        while self._events and self._events[0][0] < stop:
            when, _, kind, order_id = heapq.heappop(self._events)
            outcome = self._apply(kind, self.orders[order_id], when)
            if outcome:
                happened[outcome] += 1
        return dict(happened)

    def state(self) -> dict[str, Any]:
        by_status = Counter(order.status.value for order in self.orders.values())
        return {
            "ae_orders": len(self.orders),
            "ae_orders_by_status": dict(sorted(by_status.items())),
            "shipments": sum(len(order.shipments) for order in self.orders.values()),
            "ae_warehouse_orders": len(self.warehouse_orders),
            "ae_stores": len(self.stores),
        }

    # --- look-ups --------------------------------------------------------------------------------

    def store(self, number: int) -> Store:
        return self.tokens.store(number)

    def store_for_token(self, access_token: str, wall_now: float) -> Store | None:
        return self.tokens.store_for(access_token, wall_now)

    def order_of(self, store: Store, order_id: int) -> AeOrder | None:
        """The order if it belongs to ``store``: other stores' orders are invisible."""
        order = self.orders.get(order_id)
        return order if order is not None and order.store_number == store.number else None

    def orders_of(self, store: Store) -> list[AeOrder]:
        return [order for order in self.orders.values() if order.store_number == store.number]

    def listing_of(self, store: Store, product_id: int) -> Listing | None:
        return store.listings.get(product_id)

    def now(self) -> datetime:
        return self._clock.now()

    # --- seller actions --------------------------------------------------------------------------

    def fulfil(
        self,
        store: Store,
        order_id: int,
        service_name: str,
        send_type: str,
        logistics_no: str,
        tracking_website: str = "",
        description: str = "",
    ) -> Shipment:
        """Declare shipment; raises ``StorefrontRefusal`` with the sandbox's fulfil codes."""
        order = self.order_of(store, order_id)
        if order is None:
            raise StorefrontRefusal("ORDER_NOT_FOUND", f"order {order_id} not found")
        for shipment in order.shipments:
            if shipment.logistics_no == logistics_no:
                return shipment  # a retry of a call that already went through
        carrier = approved_service(service_name)
        if carrier is None:
            raise StorefrontRefusal(
                "LOGISTICS_SERVICE_NOT_SUPPORT", f"logistics service {service_name} is not supported"
            )
        if not re.fullmatch(carrier.tracking_no_regex, logistics_no):
            raise StorefrontRefusal(
                "TRACKING_NO_INVALID", f"tracking number {logistics_no} is invalid for {service_name}"
            )
        if order.status not in SHIPPABLE:
            raise StorefrontRefusal(
                "ORDER_STATUS_INVALID", f"order {order_id} is {order.status.value} and cannot be shipped"
            )
        now = self._clock.now()
        shipment = Shipment(
            order_id, service_name, logistics_no, send_type, now, tracking_website, description
        )
        order.shipments.append(shipment)
        if send_type == "part":
            order.touch(OrderStatus.SELLER_PART_SEND_GOODS, now)
        else:
            order.touch(OrderStatus.WAIT_BUYER_ACCEPT_GOODS, now)
            self._schedule(now + BUYER_CONFIRM_AFTER, "buyer_confirm", order)
            if order.plan.issue_after_shipping is not None:
                self._schedule(now + order.plan.issue_after_shipping, "issue_open", order)
        return shipment

    def create_warehouse_order(
        self, store: Store, trade_order_id: int, domestic_tracking_no: str, service_name: str
    ) -> WarehouseOrder:
        """A Cainiao online logistics order: gives an international tracking number of ``service_name``."""
        order = self.order_of(store, trade_order_id)
        if order is None:
            raise StorefrontRefusal("ORDER_NOT_FOUND", f"order {trade_order_id} not found")
        existing = self.warehouse_orders.get((trade_order_id, domestic_tracking_no))
        if existing is not None:
            return existing
        carrier = approved_service(service_name)
        if carrier is None:
            raise StorefrontRefusal(
                "LOGISTICS_SERVICE_NOT_SUPPORT", f"warehouse carrier service {service_name} is not supported"
            )
        if order.status not in SHIPPABLE:
            raise StorefrontRefusal("ORDER_STATUS_INVALID", f"order {trade_order_id} is {order.status.value}")
        warehouse_order = WarehouseOrder(
            FIRST_WAREHOUSE_ORDER_ID + len(self.warehouse_orders) + 1,
            trade_order_id,
            domestic_tracking_no,
            service_name,
            carrier.make_tracking_no(self._ops_rng),
            self._clock.now(),
        )
        self.warehouse_orders[(trade_order_id, domestic_tracking_no)] = warehouse_order
        return warehouse_order

    # --- admin (the sandbox's control surface) ---------------------------------------------------

    def buyer_cancel(self, order_id: int) -> AeOrder:
        """The buyer asks to cancel now; only possible while nothing has shipped."""
        order = self.orders.get(order_id)
        if order is None:
            raise StorefrontRefusal("ORDER_NOT_FOUND", f"order {order_id} not found")
        if order.shipped() or order.status != OrderStatus.WAIT_SELLER_SEND_GOODS:
            raise StorefrontRefusal(
                "ORDER_STATUS_INVALID", f"order {order_id} is {order.status.value}: too late to cancel"
            )
        self._apply("cancel_request", order, self._clock.now())
        return order

    def set_status(self, order_id: int, status: OrderStatus) -> AeOrder:
        order = self.orders.get(order_id)
        if order is None:
            raise StorefrontRefusal("ORDER_NOT_FOUND", f"order {order_id} not found")
        order.frozen_status = "IN_FROZEN" if status == OrderStatus.IN_FROZEN else "NO_FROZEN"
        if status == OrderStatus.IN_ISSUE:
            order.issue_status = "IN_ISSUE"
        order.touch(status, self._clock.now())
        return order

    # --- internals -------------------------------------------------------------------------------

    def _create_order(self, paid_at: datetime) -> AeOrder:
        rng = self._order_rng
        store = rng.choices(self.stores, weights=[2 if s.number == 1 else 1 for s in self.stores])[0]
        order_id = FIRST_ORDER_ID + len(self.orders) + 1
        order = draw_order(rng, store, order_id, self._next_child_id, paid_at)
        self._next_child_id += len(order.lines)
        self.orders[order_id] = order
        if order.plan.cancel_request_at is not None:
            self._schedule(order.plan.cancel_request_at, "cancel_request", order)
        if order.plan.freeze_at is not None:
            self._schedule(order.plan.freeze_at, "freeze", order)
        self._schedule(order.ship_by, "ship_deadline", order)
        return order

    def _schedule(self, when: datetime, kind: str, order: AeOrder) -> None:
        self._event_seq += 1
        heapq.heappush(self._events, (when, self._event_seq, kind, order.order_id))

    def _apply(self, kind: str, order: AeOrder, when: datetime) -> str | None:
        """Apply one timed event if it still makes sense; returns what happened, for the counts."""
        status = order.status
        if kind == "cancel_request" and status == OrderStatus.WAIT_SELLER_SEND_GOODS and not order.shipped():
            order.touch(OrderStatus.IN_CANCEL, when)
            self._schedule(when + CANCEL_CLOSE_AFTER, "cancel_close", order)
            return "ae_cancel_requests"
        if kind == "cancel_close" and status == OrderStatus.IN_CANCEL:
            self._close(order, when, "buyer_cancel_order")
            return "ae_orders_cancelled"
        if kind == "freeze" and status == OrderStatus.WAIT_SELLER_SEND_GOODS:
            order.status_before_freeze = status
            order.frozen_status = "IN_FROZEN"
            order.touch(OrderStatus.IN_FROZEN, when)
            self._schedule(when + FREEZE_FOR, "unfreeze", order)
            return "ae_orders_frozen"
        if kind == "unfreeze" and status == OrderStatus.IN_FROZEN:
            order.frozen_status = "NO_FROZEN"
            order.touch(order.status_before_freeze or OrderStatus.WAIT_SELLER_SEND_GOODS, when)
            order.ship_by += FREEZE_FOR  # frozen time does not count against the seller
            self._schedule(order.ship_by, "ship_deadline", order)
            return "ae_orders_unfrozen"
        if kind == "ship_deadline" and status == OrderStatus.WAIT_SELLER_SEND_GOODS and when >= order.ship_by:
            self._close(order, when, "seller_send_goods_timeout")
            return "ae_orders_closed_unshipped"
        if kind == "buyer_confirm" and status == OrderStatus.WAIT_BUYER_ACCEPT_GOODS:
            order.end_reason = "buyer_accept_goods"
            order.touch(OrderStatus.FINISH, when)
            return "ae_orders_finished"
        if kind == "issue_open" and status == OrderStatus.WAIT_BUYER_ACCEPT_GOODS:
            order.issue_status = "IN_ISSUE"
            order.touch(OrderStatus.IN_ISSUE, when)
            return "ae_issues_opened"
        return None

    def _close(self, order: AeOrder, when: datetime, reason: str) -> None:
        order.end_reason = reason
        order.fund_status = "REFUND_SUCCESS"
        order.touch(OrderStatus.FINISH, when)
