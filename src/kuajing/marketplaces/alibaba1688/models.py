"""Typed 1688 replies: what the client returns, read straight from the wire shapes.

Each model validates the JSON the gateway sends (camelCase aliases); a missing required field, a
wrong type or an unknown order status fails validation and the client turns that into a
``MalformedReplyError`` naming the field path. Amounts are ``Money`` in CNY: fen integers from
preview/createOrder, yuan strings from productDetail/buyerView, never float.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field

from kuajing.kit.money import Money
from kuajing.marketplaces.alibaba1688.fields import (
    AopModel,
    AopTime,
    Fen,
    OptionalTime,
    OptionalYuan,
    PushTime,
    Text,
    Yuan,
)

# --- product (queryProductDetail) -------------------------------------------------------------


class SellerInfo(AopModel):
    member_id: Text
    login_id: str | None = None
    company_name: str | None = None
    province: str | None = None
    city: str | None = None
    cluster_code: str | None = None
    cluster_name: str | None = None
    trust_pass: bool = False  # 诚信通
    trust_pass_years: int = 0
    super_factory: bool = False  # 超级工厂
    dropship: bool = False  # 一件代发
    cross_border: bool = False  # 跨境专供
    english_customs_docs: bool = False
    iso9001: bool = False
    free_sample: bool = False
    custom_moq: int | None = None  # 定制起订量; None = no custom orders
    credit_guarantee: bool = False  # 信用保障


class PriceTier(AopModel):
    start_quantity: int
    price: Yuan


class Attribute(AopModel):
    name: str = Field(alias="attributeName")
    value: str
    value_trans: str | None = None


class SkuAttribute(Attribute):
    sku_image_url: str | None = None


class SkuInfo(AopModel):
    sku_id: Text
    spec_id: str | None = None
    price: OptionalYuan = None
    consign_price: OptionalYuan = None  # 代发价, the dropship price
    amount_on_sale: int = 0
    attributes: list[SkuAttribute] = Field(default_factory=list, alias="skuAttributes")


class ShippingInfo(AopModel):
    weight: Decimal | None = None  # kg
    length: Decimal | None = None  # cm
    width: Decimal | None = None
    height: Decimal | None = None


class ProductDetail(AopModel):
    offer_id: int
    subject: str
    subject_trans: str | None = None
    category_id: int | None = None
    category_name: str | None = None
    min_order_quantity: int = 1
    status: str = "published"  # published | deleted (1688 has a few more)
    price_tiers: list[PriceTier] = Field(default_factory=list, alias="priceRangeList")
    attributes: list[Attribute] = Field(default_factory=list, alias="productAttribute")
    shipping: ShippingInfo = Field(default_factory=ShippingInfo, alias="productShippingInfo")
    skus: list[SkuInfo] = Field(default_factory=list, alias="productSkuInfos")
    seller: SellerInfo = Field(alias="sellerInfo")

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    def sku(self, spec_id: str) -> SkuInfo | None:
        return next((sku for sku in self.skus if sku.spec_id == spec_id), None)

    def tier_price(self, quantity: int) -> Money:
        """The unit price for ``quantity`` pieces: the tier with the highest start ≤ quantity.

        Below the first tier's start the first tier applies (1688 quotes its MOQ price there).
        """
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        if not self.price_tiers:
            raise ValueError(f"offer {self.offer_id} has no price tiers")
        tiers = sorted(self.price_tiers, key=lambda tier: tier.start_quantity)
        chosen = tiers[0]
        for tier in tiers:
            if tier.start_quantity <= quantity:
                chosen = tier
        return chosen.price


# --- order preview and creation (amounts in fen) ----------------------------------------------


class PreviewCargo(AopModel):
    offer_id: int
    spec_id: str | None = None
    amount: Fen
    final_unit_price: OptionalYuan = None


class OrderPreview(AopModel):
    sum_payment: Fen
    sum_carriage: Fen
    sum_payment_no_carriage: Fen
    discount_fee: Fen = Money.zero("CNY")
    trade_modes: list[str] = Field(default_factory=list, alias="tradeModeNameList")
    cargo: list[PreviewCargo] = Field(default_factory=list, alias="cargoList")


class FailedOffer(AopModel):
    offer_id: Text | None = None
    spec_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None


class SubOrder(AopModel):
    order_id: Text
    post_fee: Fen | None = None
    order_amount: Fen | None = Field(default=None, alias="orderAmmount")  # sic, as 1688 spells it


class CreatedOrder(AopModel):
    order_id: Text
    total_success_amount: Fen
    post_fee: Fen = Money.zero("CNY")
    failed_offers: list[FailedOffer] = Field(default_factory=list, alias="failedOfferList")
    orders: list[SubOrder] = Field(default_factory=list, alias="orderList")


# --- buyer's view of an order (amounts in yuan) -----------------------------------------------


class OrderStatus(StrEnum):
    WAIT_BUYER_PAY = "waitbuyerpay"
    WAIT_SELLER_SEND = "waitsellersend"
    WAIT_LOGISTICS_TAKE_IN = "waitlogisticstakein"
    WAIT_BUYER_RECEIVE = "waitbuyerreceive"
    WAIT_BUYER_SIGN = "waitbuyersign"
    SUCCESS = "success"
    CANCEL = "cancel"


class OrderBaseInfo(AopModel):
    id: Text
    status: OrderStatus
    total_amount: Yuan
    shipping_fee: OptionalYuan = None
    create_time: AopTime
    pay_time: OptionalTime = None
    refund_status: str | None = None
    close_reason: str | None = None
    out_order_id: str | None = None
    seller_member_id: Text | None = None


class OrderItem(AopModel):
    product_id: Text = Field(alias="productID")
    spec_id: str | None = None
    # The order entry id that refunds name (orderEntryIds); optional on the wire.
    sub_item_id: Text | None = Field(default=None, alias="subItemID")
    quantity: int
    price: Yuan
    status: str | None = None
    logistics_status: Text | None = None


class LogisticsItem(AopModel):
    company_name: str | None = Field(default=None, alias="logisticsCompanyName")
    bill_no: str | None = Field(default=None, alias="logisticsBillNo")
    delivered_time: OptionalTime = None


class NativeLogistics(AopModel):
    logistics_items: list[LogisticsItem] = Field(default_factory=list)


class BuyerOrder(AopModel):
    base_info: OrderBaseInfo
    items: list[OrderItem] = Field(default_factory=list, alias="productItems")
    native_logistics: NativeLogistics = Field(default_factory=NativeLogistics)

    @property
    def order_id(self) -> str:
        return self.base_info.id

    @property
    def status(self) -> OrderStatus:
        return self.base_info.status

    @property
    def logistics_items(self) -> list[LogisticsItem]:
        return self.native_logistics.logistics_items


@dataclass(frozen=True)
class BuyerOrderPage:
    orders: list[BuyerOrder]
    total: int | None  # totalRecord, when the gateway sends it
    page: int
    page_size: int


# --- logistics, refunds, pushes ---------------------------------------------------------------


class LogisticsInfo(AopModel):
    logistics_id: Text
    bill_no: str | None = Field(default=None, alias="logisticsBillNo")
    status: str | None = None  # WAITACCEPT | CANCEL | ACCEPT | TRANSPORT | NOGET | SIGN | UNSIGN
    company_id: Text | None = Field(default=None, alias="logisticsCompanyId")
    company_name: str | None = Field(default=None, alias="logisticsCompanyName")


class TraceStep(AopModel):
    accept_time: AopTime
    remark: str = ""


class LogisticsTrace(AopModel):
    bill_no: str | None = Field(default=None, alias="logisticsBillNo")
    steps: list[TraceStep] = Field(default_factory=list, alias="logisticsSteps")


class RefundReason(AopModel):
    id: Text
    name: str
    need_voucher: bool = False


class PushMessage(AopModel):
    """A push envelope. ``msg_id`` is the key a receiver dedupes on (pushes are at-least-once)."""

    msg_id: Text
    gmt_born: PushTime
    type: str
    user_info: Text | None = None
    data: dict[str, Any] = Field(default_factory=dict)


# --- OAuth ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    access_token_expires_at: datetime
    refresh_token_expires_at: datetime | None
    member_id: str | None
    ali_id: str | None
    resource_owner: str | None

    @property
    def expires_at(self) -> datetime:
        return self.access_token_expires_at

    def __repr__(self) -> str:  # tokens are secrets: keep them out of logs
        return (
            f"TokenSet(member_id={self.member_id!r}, "
            f"access_token_expires_at={self.access_token_expires_at!r})"
        )
