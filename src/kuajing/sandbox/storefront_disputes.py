"""Buyer disputes (纠纷) in the sandbox storefront, as ``aliexpress.issue.*`` shows them.

An order gets a dispute when it goes IN_ISSUE: by its own plan (``storefront_orders.ISSUE_RATE``
of orders, some days after shipping), by ``POST /sandbox/aliexpress/orders/{id}/status`` or by
``POST /sandbox/aliexpress/orders/{id}/dispute`` (a chosen reason). Everything about a dispute
that the order does not say — the reason, the refund the buyer asks — comes from a hash of the
order id, never from the world's random streams, so taking disputes in changes no other order.

One dispute per order; ``issue_id`` is derived from the order id. The dispute is ``processing``
while its order is IN_ISSUE and ``finish`` once the order has left that status. Disputes are kept
beside the storefront (``disputes_of``) and brought up to date each time they are read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from kuajing.sandbox.storefront_orders import FIRST_ORDER_ID, AeOrder, OrderStatus

if TYPE_CHECKING:
    from kuajing.sandbox.storefront import Storefront

FIRST_ISSUE_ID = 5060000000000000


@dataclass(frozen=True)
class DisputeReason:
    code: str  # the admin endpoint's name for it
    reason_id: int  # issue_reason_id
    zh: str
    en: str
    weight: int  # how often buyers give it


REASONS: tuple[DisputeReason, ...] = (
    DisputeReason("not_as_described", 1001, "货物与描述不符", "Item not as described", 22),
    DisputeReason("wrong_item", 1002, "发错货", "Wrong item received", 14),
    DisputeReason("missing_items", 1003, "少件/漏发", "Missing items", 10),
    DisputeReason("package_damaged", 1004, "包裹破损", "Package damaged", 9),
    DisputeReason("quality", 1005, "质量问题", "Quality problem", 20),
    DisputeReason("no_longer_needed", 1006, "不想要了", "No longer needed", 8),
    DisputeReason("not_received", 1007, "未收到货", "Item not received", 17),
)
REASON_BY_CODE = {reason.code: reason for reason in REASONS}


@dataclass
class Dispute:
    issue_id: int
    order_id: int
    store_number: int
    buyer_login_id: str
    reason: DisputeReason
    refund_amount: Decimal  # USD, what the buyer asks back
    gmt_create: datetime
    gmt_modified: datetime
    status: str = "processing"  # processing | canceled | finish


def _digest(order_id: int, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}:{order_id}".encode()).digest()[:8], "big")


def reason_for(order_id: int) -> DisputeReason:
    """The reason a buyer gives for this order's dispute: weighted, fixed by the order id."""
    point = _digest(order_id, "issue-reason") % sum(reason.weight for reason in REASONS)
    for reason in REASONS:
        if point < reason.weight:
            return reason
        point -= reason.weight
    raise AssertionError("unreachable")


def refund_for(order: AeOrder, reason: DisputeReason) -> Decimal:
    """Missing items: one unit of the first line; otherwise the whole order."""
    if reason.code == "missing_items":
        return order.lines[0].product_unit_price
    return order.order_amount.quantize(Decimal("0.01"), ROUND_HALF_UP)


class Disputes:
    def __init__(self, storefront: Storefront) -> None:
        self._storefront = storefront
        self.by_order: dict[int, Dispute] = {}

    def refresh(self) -> None:
        """Open a dispute for each IN_ISSUE order without one; finish those whose order moved on."""
        for order in self._storefront.orders.values():
            dispute = self.by_order.get(order.order_id)
            if dispute is None and order.status == OrderStatus.IN_ISSUE:
                self._add(order, reason_for(order.order_id))
            elif (
                dispute is not None
                and dispute.status == "processing"
                and order.status != OrderStatus.IN_ISSUE
            ):
                dispute.status = "finish"
                dispute.gmt_modified = order.gmt_update

    def open(self, order_id: int, reason_code: str | None = None) -> Dispute:
        """The buyer opens a dispute now (the order goes IN_ISSUE); a second call returns the first."""
        existing = self.by_order.get(order_id)
        if existing is not None:
            return existing
        reason = REASON_BY_CODE[reason_code] if reason_code else reason_for(order_id)
        order = self._storefront.set_status(order_id, OrderStatus.IN_ISSUE)
        return self._add(order, reason)

    def of_store(self, store_number: int) -> list[Dispute]:
        self.refresh()
        found = [d for d in self.by_order.values() if d.store_number == store_number]
        return sorted(found, key=lambda d: (d.gmt_create, d.issue_id))

    def find(self, store_number: int, issue_id: int) -> Dispute | None:
        self.refresh()
        order_id = issue_id - FIRST_ISSUE_ID + FIRST_ORDER_ID
        dispute = self.by_order.get(order_id)
        return dispute if dispute is not None and dispute.store_number == store_number else None

    def _add(self, order: AeOrder, reason: DisputeReason) -> Dispute:
        dispute = Dispute(
            issue_id=FIRST_ISSUE_ID + order.order_id - FIRST_ORDER_ID,
            order_id=order.order_id,
            store_number=order.store_number,
            buyer_login_id=order.buyer.login_id,
            reason=reason,
            refund_amount=refund_for(order, reason),
            gmt_create=order.gmt_update,
            gmt_modified=order.gmt_update,
        )
        self.by_order[order.order_id] = dispute
        return dispute


_REGISTRY: WeakKeyDictionary[Storefront, Disputes] = WeakKeyDictionary()


def disputes_of(storefront: Storefront) -> Disputes:
    """The storefront's disputes (kept beside it, so the storefront itself stays as it was)."""
    found = _REGISTRY.get(storefront)
    if found is None:
        found = _REGISTRY[storefront] = Disputes(storefront)
    return found
