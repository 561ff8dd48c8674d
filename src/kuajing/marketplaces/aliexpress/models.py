"""What the AliExpress client hands back and takes in, in the seller's terms.

Plain frozen dataclasses (no pydantic, no httpx): amounts are ``Money``, times aware UTC, order
statuses an enum. The wire shapes and their validation live in ``replies.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from kuajing.kit.money import Money


class OrderStatus(StrEnum):
    PLACE_ORDER_SUCCESS = "PLACE_ORDER_SUCCESS"  # placed, not paid yet
    IN_CANCEL = "IN_CANCEL"  # the buyer asked to cancel
    WAIT_SELLER_SEND_GOODS = "WAIT_SELLER_SEND_GOODS"
    SELLER_PART_SEND_GOODS = "SELLER_PART_SEND_GOODS"
    WAIT_BUYER_ACCEPT_GOODS = "WAIT_BUYER_ACCEPT_GOODS"
    FUND_PROCESSING = "FUND_PROCESSING"
    IN_ISSUE = "IN_ISSUE"  # a dispute is open
    IN_FROZEN = "IN_FROZEN"
    WAIT_SELLER_EXAMINE_MONEY = "WAIT_SELLER_EXAMINE_MONEY"
    RISK_CONTROL = "RISK_CONTROL"  # payment under the platform's risk review (usually 24 h)
    FINISH = "FINISH"


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: datetime | None
    refresh_expires_at: datetime | None
    seller_id: str | None = None
    user_id: str | None = None
    account: str | None = None
    locale: str | None = None

    def __repr__(self) -> str:  # tokens are secrets: keep them out of logs
        return f"TokenSet(seller_id={self.seller_id!r}, expires_at={self.expires_at!r})"


@dataclass(frozen=True)
class OrderQuery:
    """Filters for ``list_orders``: date ranges include the start and exclude the end."""

    create_date_start: datetime | None = None
    create_date_end: datetime | None = None
    modified_date_start: datetime | None = None
    modified_date_end: datetime | None = None
    order_status: OrderStatus | None = None
    order_status_list: tuple[OrderStatus, ...] = ()
    buyer_login_id: str | None = None

    def __post_init__(self) -> None:
        for name in ("create_date_start", "create_date_end", "modified_date_start", "modified_date_end"):
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is None:
                raise ValueError(f"OrderQuery.{name} must be timezone-aware")


@dataclass(frozen=True)
class OrderLine:
    child_id: int
    order_id: int | None
    product_id: int
    product_name: str | None
    product_count: int
    sku_code: str | None
    unit_price: Money
    total_amount: Money | None
    logistics_type: str | None
    logistics_service_name: str | None
    send_goods_operator: str | None
    show_status: str | None
    son_order_status: str | None


@dataclass(frozen=True)
class Order:
    order_id: int
    status: OrderStatus
    created_at: datetime
    paid_at: datetime | None
    updated_at: datetime | None
    pay_amount: Money
    logistics_status: str | None
    fund_status: str | None
    frozen_status: str | None
    issue_status: str | None
    buyer_login_id: str | None
    left_send_good_day: int | None
    left_send_good_hour: int | None
    left_send_good_min: int | None
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class OrderPage:
    orders: tuple[Order, ...]
    total_count: int
    total_page: int
    current_page: int
    page_size: int


@dataclass(frozen=True)
class Buyer:
    login_id: str | None
    first_name: str | None
    last_name: str | None
    country: str | None


@dataclass(frozen=True)
class ReceiptAddress:
    contact_person: str
    country: str
    province: str | None = None
    city: str | None = None
    address: str | None = None
    address2: str | None = None
    detail_address: str | None = None
    zip: str | None = None
    phone_country: str | None = None
    phone_area: str | None = None
    phone_number: str | None = None
    mobile_no: str | None = None


@dataclass(frozen=True)
class ChildOrder:
    child_id: int
    product_id: int
    sku_code: str | None
    product_count: int
    product_name: str | None
    product_price: Money


@dataclass(frozen=True)
class ShipmentInfo:
    """One tracking number already declared on the order."""

    logistics_no: str
    logistics_service_name: str | None
    logistics_type_code: str | None
    sent_at: datetime | None
    receive_status: str | None


@dataclass(frozen=True)
class OrderDetail:
    order_id: int
    status: OrderStatus
    created_at: datetime
    paid_at: datetime | None
    buyer: Buyer | None
    receipt_address: ReceiptAddress
    amount: Money
    logistics_status: str | None
    child_orders: tuple[ChildOrder, ...]
    shipments: tuple[ShipmentInfo, ...]


@dataclass(frozen=True)
class LogisticsService:
    """A carrier service on AliExpress's approved list."""

    service_name: str
    display_name: str | None
    logistics_company: str | None
    min_process_day: int | None
    max_process_day: int | None
    tracking_no_regex: str | None
    recommend_order: int | None

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.tracking_no_regex) if self.tracking_no_regex else None

    def matches(self, tracking_no: str) -> bool:
        """Whether AliExpress would accept this tracking number for this service (no regex: any)."""
        pattern = self._pattern
        return pattern is None or pattern.fullmatch(tracking_no.strip()) is not None


@dataclass(frozen=True)
class WarehouseContact:
    """A sender, pickup, receiver or refund address of a Cainiao warehouse order."""

    name: str
    country: str
    province: str
    city: str
    street_address: str
    county: str | None = None
    street: str | None = None
    post_code: str | None = None
    phone: str | None = None
    mobile: str | None = None
    email: str | None = None

    def to_wire(self) -> dict[str, str]:
        wire = {
            "name": self.name,
            "country": self.country,
            "province": self.province,
            "city": self.city,
            "address": self.street_address,
            "county": self.county,
            "street": self.street,
            "post_code": self.post_code,
            "phone": self.phone,
            "mobile": self.mobile,
            "email": self.email,
        }
        return {key: value for key, value in wire.items() if value is not None}


@dataclass(frozen=True)
class DeclaredProduct:
    """One customs declaration line (declared value in USD, weight in kg)."""

    product_id: int
    product_num: int
    declare_amount: Decimal
    weight_kg: Decimal
    category_cn_desc: str
    category_en_desc: str
    hs_code: str | None = None
    contains_battery: bool = False
    only_battery: bool = False
    breakable: bool = False
    sku_code: str | None = None
    child_order_id: int | None = None

    def to_wire(self) -> dict[str, object]:
        wire: dict[str, object] = {
            "product_id": self.product_id,
            "product_num": self.product_num,
            # Amounts travel as strings: a JSON float would lose the exact decimal.
            "product_declare_amount": str(self.declare_amount),
            "product_weight": str(self.weight_kg),
            "category_cn_desc": self.category_cn_desc,
            "category_en_desc": self.category_en_desc,
            "contains_battery": self.contains_battery,
            "only_battery": self.only_battery,
            "breakable": self.breakable,
        }
        optional = {"hs_code": self.hs_code, "sku_code": self.sku_code, "child_order_id": self.child_order_id}
        wire.update({key: value for key, value in optional.items() if value is not None})
        return wire


@dataclass(frozen=True)
class WarehouseOrderRequest:
    """A Cainiao online logistics order: the fix when the supplier's carrier is not approved."""

    trade_order_id: int
    receiver: WarehouseContact
    sender: WarehouseContact
    declared_products: tuple[DeclaredProduct, ...]
    domestic_logistics_company_id: int
    domestic_tracking_no: str
    warehouse_carrier_service: str
    pickup: WarehouseContact | None = None
    refund: WarehouseContact | None = None
    trade_order_from: str = "ESCROW"
    undeliverable_decision: int | None = None  # 0 return to sender, 1 destroy


@dataclass(frozen=True)
class WarehouseOrderResult:
    warehouse_order_id: int
    trade_order_id: int | None
    intl_tracking_no: str | None


@dataclass(frozen=True)
class SkuProperty:
    sku_property_id: int | None
    property_value_id: int | None
    property_value_definition_name: str | None


@dataclass(frozen=True)
class ProductSku:
    sku_id: str
    sku_code: str | None
    price: Money
    stock: int | None
    properties: tuple[SkuProperty, ...]


@dataclass(frozen=True)
class Product:
    product_id: int
    subject: str
    category_id: int | None
    price: Money | None
    gross_weight_kg: Decimal | None
    package_length_cm: Decimal | None
    package_width_cm: Decimal | None
    package_height_cm: Decimal | None
    skus: tuple[ProductSku, ...]
