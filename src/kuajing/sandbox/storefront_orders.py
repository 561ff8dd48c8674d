"""AliExpress orders in the sandbox: the order model, its statuses, and how a paid order is drawn.

Everything random about an order — buyer, address, lines, and what will happen to it later
(a cancellation request, a freeze, a dispute) — is drawn when it is created, from the order
stream alone. Later events are only applied as the clock passes them, so the same seed and the
same sequence of ``generate``/``advance`` calls always give the same orders.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from kuajing.sandbox.carriers import APPROVED
from kuajing.sandbox.storefront_buyers import Buyer, ReceiptAddress, draw_buyer_and_address
from kuajing.sandbox.storefront_listings import Listing, Store

FIRST_ORDER_ID = 8190000000000000
FIRST_CHILD_ID = 8195000000000000
CANCEL_REQUEST_RATE = 0.03
CANCEL_REQUEST_WINDOW_MIN = 30
FREEZE_RATE = 0.005
ISSUE_RATE = 0.01


class OrderStatus(StrEnum):
    PLACE_ORDER_SUCCESS = "PLACE_ORDER_SUCCESS"
    IN_CANCEL = "IN_CANCEL"
    WAIT_SELLER_SEND_GOODS = "WAIT_SELLER_SEND_GOODS"
    SELLER_PART_SEND_GOODS = "SELLER_PART_SEND_GOODS"
    WAIT_BUYER_ACCEPT_GOODS = "WAIT_BUYER_ACCEPT_GOODS"
    FUND_PROCESSING = "FUND_PROCESSING"
    IN_ISSUE = "IN_ISSUE"
    IN_FROZEN = "IN_FROZEN"
    WAIT_SELLER_EXAMINE_MONEY = "WAIT_SELLER_EXAMINE_MONEY"
    RISK_CONTROL = "RISK_CONTROL"
    FINISH = "FINISH"


SHIPPABLE = (OrderStatus.WAIT_SELLER_SEND_GOODS, OrderStatus.SELLER_PART_SEND_GOODS)

# logistics_status per order status, as the order list shows it.
LOGISTICS_STATUS = {
    OrderStatus.WAIT_SELLER_SEND_GOODS: "WAIT_SELLER_SEND_GOODS",
    OrderStatus.SELLER_PART_SEND_GOODS: "SELLER_SEND_PART_GOODS",
    OrderStatus.WAIT_BUYER_ACCEPT_GOODS: "SELLER_SEND_GOODS",
}

# The buyer's choice of AliExpress shipping service at checkout.
_SERVICE_WEIGHTS = {"CAINIAO_STANDARD": 50, "CAINIAO_ECONOMY": 15, "CAINIAO_PREMIUM": 8}


@dataclass
class OrderLine:
    child_id: int
    product_id: int
    product_name: str
    product_count: int
    sku_code: str
    product_unit_price: Decimal  # USD
    logistics_type: str  # the AliExpress service code the buyer chose
    logistics_service_name: str  # its display name
    product_img_url: str = ""

    @property
    def total_product_amount(self) -> Decimal:
        return self.product_unit_price * self.product_count


@dataclass
class Shipment:
    order_id: int
    service_name: str
    logistics_no: str
    send_type: str  # all | part
    gmt_send: datetime
    tracking_website: str = ""
    description: str = ""
    receive_status: str = "not_received"


@dataclass
class OrderPlan:
    """What this order's buyer (or the platform) will do later; drawn at creation."""

    cancel_request_at: datetime | None = None
    freeze_at: datetime | None = None
    issue_after_shipping: timedelta | None = None


@dataclass
class AeOrder:
    order_id: int
    store_number: int
    seller_id: str
    status: OrderStatus
    gmt_create: datetime
    gmt_pay_time: datetime
    gmt_update: datetime
    buyer: Buyer
    address: ReceiptAddress
    lines: list[OrderLine]
    ship_by: datetime  # pay time + the strictest listing's handling days
    plan: OrderPlan = field(default_factory=OrderPlan)
    frozen_status: str = "NO_FROZEN"
    issue_status: str = "NO_ISSUE"
    fund_status: str = "PAY_SUCCESS"
    end_reason: str = ""
    shipments: list[Shipment] = field(default_factory=list)
    status_before_freeze: OrderStatus | None = None

    @property
    def order_amount(self) -> Decimal:
        return sum((line.total_product_amount for line in self.lines), Decimal(0))

    @property
    def logistics_status(self) -> str:
        if self.status in LOGISTICS_STATUS:
            return LOGISTICS_STATUS[self.status]
        if self.shipments:
            return "BUYER_ACCEPT_GOODS" if self.status == OrderStatus.FINISH else "SELLER_SEND_GOODS"
        return "NO_LOGISTICS"

    def shipped(self) -> bool:
        return bool(self.shipments)

    def left_to_ship(self, now: datetime) -> tuple[int, int, int]:
        """(days, hours, minutes) before the ship-by deadline; zeros once passed or not shippable."""
        if self.status not in SHIPPABLE or now >= self.ship_by:
            return 0, 0, 0
        minutes = int((self.ship_by - now).total_seconds() // 60)
        return minutes // 1440, minutes % 1440 // 60, minutes % 60

    def touch(self, status: OrderStatus, now: datetime) -> None:
        self.status = status
        self.gmt_update = now


def draw_order(
    rng: random.Random, store: Store, order_id: int, first_child_id: int, paid_at: datetime
) -> AeOrder:
    """A paid order (WAIT_SELLER_SEND_GOODS) for ``store``, everything drawn from ``rng``."""
    buyer, address = draw_buyer_and_address(rng)
    listings = _draw_listings(rng, store)
    service = rng.choices(APPROVED, weights=[_SERVICE_WEIGHTS.get(c.code, 4) for c in APPROVED])[0]
    service_name = service.ae_service_name or service.code
    lines: list[OrderLine] = []
    for offset, listing in enumerate(listings):
        sku = rng.choice(listing.skus)
        count = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
        lines.append(
            OrderLine(
                first_child_id + offset,
                listing.product_id,
                listing.subject,
                count,
                sku.sku_code,
                sku.sku_price,
                service_name,
                service.display_name,
            )
        )
    plan = OrderPlan()
    if rng.random() < CANCEL_REQUEST_RATE:
        plan.cancel_request_at = paid_at + timedelta(seconds=rng.randint(60, CANCEL_REQUEST_WINDOW_MIN * 60))
    if rng.random() < FREEZE_RATE:
        plan.freeze_at = paid_at + timedelta(minutes=rng.randint(60, 12 * 60))
    if rng.random() < ISSUE_RATE:
        plan.issue_after_shipping = timedelta(hours=rng.randint(5 * 24, 15 * 24))
    handling_days = min(listing.handling_days for listing in listings)
    return AeOrder(
        order_id=order_id,
        store_number=store.number,
        seller_id=store.seller_id,
        status=OrderStatus.WAIT_SELLER_SEND_GOODS,
        gmt_create=paid_at,
        gmt_pay_time=paid_at,
        gmt_update=paid_at,
        buyer=buyer,
        address=address,
        lines=lines,
        ship_by=paid_at + timedelta(days=handling_days),
        plan=plan,
    )


def _draw_listings(rng: random.Random, store: Store) -> list[Listing]:
    """1–3 different listings; multi-line orders come from one supplier about half the time."""
    all_listings = store.listing_list()
    count = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
    first = rng.choice(all_listings)
    chosen = [first]
    if count > 1 and rng.random() < 0.5:
        same_supplier = [
            listing
            for listing in all_listings
            if listing.supplier_member_id == first.supplier_member_id and listing is not first
        ]
        chosen.extend(rng.sample(same_supplier, min(count - 1, len(same_supplier))))
    taken = {listing.product_id for listing in chosen}
    others = [listing for listing in all_listings if listing.product_id not in taken]
    while len(chosen) < count and others:
        pick = rng.choice(others)
        others.remove(pick)
        chosen.append(pick)
    return chosen
