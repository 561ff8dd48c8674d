"""The IOP gateway's reply shapes (``simplify=false``), validated, and their conversion to ``models``.

Every reply goes through ``wire.parse_reply``: anything missing, mistyped or unknown (an order
status we have never seen) becomes one ``MalformedReplyError`` naming the method and the field
path, e.g. ``target_list.order_dto[3].order_status``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field, StrictBool, StrictInt, StrictStr

from kuajing.kit.clock import from_epoch_ms
from kuajing.kit.money import Money
from kuajing.marketplaces.aliexpress import models
from kuajing.marketplaces.aliexpress.models import OrderStatus
from kuajing.marketplaces.aliexpress.wire import (
    AeTime,
    Currency,
    ExactDecimal,
    IdText,
    Regex,
    WholeNumber,
    Wire,
    WireMoney,
)

# --- aliexpress.solution.order.get -------------------------------------------------------------


class WireOrderProduct(Wire):
    child_id: StrictInt
    order_id: StrictInt | None = None
    product_id: StrictInt
    product_name: StrictStr | None = None
    product_count: StrictInt
    sku_code: StrictStr | None = None
    product_unit_price: WireMoney
    total_product_amount: WireMoney | None = None
    logistics_type: StrictStr | None = None
    logistics_service_name: StrictStr | None = None
    send_goods_operator: StrictStr | None = None
    show_status: StrictStr | None = None
    son_order_status: StrictStr | None = None

    def to_domain(self) -> models.OrderLine:
        return models.OrderLine(
            child_id=self.child_id,
            order_id=self.order_id,
            product_id=self.product_id,
            product_name=self.product_name,
            product_count=self.product_count,
            sku_code=self.sku_code,
            unit_price=self.product_unit_price.to_money(),
            total_amount=self.total_product_amount.to_money() if self.total_product_amount else None,
            logistics_type=self.logistics_type,
            logistics_service_name=self.logistics_service_name,
            send_goods_operator=self.send_goods_operator,
            show_status=self.show_status,
            son_order_status=self.son_order_status,
        )


class WireOrderProductList(Wire):
    order_product_dto: list[WireOrderProduct] = Field(default_factory=list)


class WireOrder(Wire):
    order_id: StrictInt
    order_status: OrderStatus
    gmt_create: AeTime
    gmt_pay_time: AeTime | None = None
    gmt_update: AeTime | None = None
    pay_amount: WireMoney
    logistics_status: StrictStr | None = None
    fund_status: StrictStr | None = None
    frozen_status: StrictStr | None = None
    issue_status: StrictStr | None = None
    buyer_login_id: StrictStr | None = None
    left_send_good_day: WholeNumber | None = None
    left_send_good_hour: WholeNumber | None = None
    left_send_good_min: WholeNumber | None = None
    product_list: WireOrderProductList

    def to_domain(self) -> models.Order:
        return models.Order(
            order_id=self.order_id,
            status=self.order_status,
            created_at=self.gmt_create,
            paid_at=self.gmt_pay_time,
            updated_at=self.gmt_update,
            pay_amount=self.pay_amount.to_money(),
            logistics_status=self.logistics_status,
            fund_status=self.fund_status,
            frozen_status=self.frozen_status,
            issue_status=self.issue_status,
            buyer_login_id=self.buyer_login_id,
            left_send_good_day=self.left_send_good_day,
            left_send_good_hour=self.left_send_good_hour,
            left_send_good_min=self.left_send_good_min,
            lines=tuple(line.to_domain() for line in self.product_list.order_product_dto),
        )


class WireOrderList(Wire):
    order_dto: list[WireOrder] = Field(default_factory=list)


class OrderListResult(Wire):
    total_count: WholeNumber
    total_page: WholeNumber | None = None
    current_page: WholeNumber | None = None
    page_size: WholeNumber | None = None
    # The gateway leaves the list out altogether when nothing matches.
    target_list: WireOrderList = Field(default_factory=WireOrderList)

    def to_domain(self, page: int, page_size: int) -> models.OrderPage:
        size = self.page_size or page_size
        total_page = self.total_page if self.total_page is not None else -(-self.total_count // size)
        return models.OrderPage(
            orders=tuple(order.to_domain() for order in self.target_list.order_dto),
            total_count=self.total_count,
            total_page=total_page,
            current_page=self.current_page or page,
            page_size=size,
        )


# --- aliexpress.solution.order.info.get --------------------------------------------------------


class WireBuyerInfo(Wire):
    login_id: StrictStr | None = None
    first_name: StrictStr | None = None
    last_name: StrictStr | None = None
    country: StrictStr | None = None


class WireReceiptAddress(Wire):
    contact_person: StrictStr
    country: StrictStr
    province: StrictStr | None = None
    city: StrictStr | None = None
    address: StrictStr | None = None
    address2: StrictStr | None = None
    detail_address: StrictStr | None = None
    zip: StrictStr | None = None
    phone_country: StrictStr | None = None
    phone_area: StrictStr | None = None
    phone_number: StrictStr | None = None
    mobile_no: StrictStr | None = None


class WireChildOrder(Wire):
    id: StrictInt
    product_id: StrictInt
    sku_code: StrictStr | None = None
    product_count: StrictInt
    product_name: StrictStr | None = None
    product_price: WireMoney


class WireChildOrderList(Wire):
    global_aeop_tp_child_order_dto: list[WireChildOrder] = Field(default_factory=list)


class WireLogisticInfo(Wire):
    logistics_no: StrictStr
    logistics_service_name: StrictStr | None = None
    logistics_type_code: StrictStr | None = None
    gmt_send: AeTime | None = None
    receive_status: StrictStr | None = None


class WireLogisticInfoList(Wire):
    global_aeop_tp_logistic_info_dto: list[WireLogisticInfo] = Field(default_factory=list)


class WireOrderDetail(Wire):
    id: StrictInt
    order_status: OrderStatus
    gmt_create: AeTime
    gmt_pay_time: AeTime | None = None
    buyer_info: WireBuyerInfo | None = None
    receipt_address: WireReceiptAddress
    order_amount: WireMoney
    logistics_status: StrictStr | None = None
    child_order_list: WireChildOrderList = Field(default_factory=WireChildOrderList)
    logistic_info_list: WireLogisticInfoList = Field(default_factory=WireLogisticInfoList)

    def to_domain(self) -> models.OrderDetail:
        buyer = self.buyer_info
        return models.OrderDetail(
            order_id=self.id,
            status=self.order_status,
            created_at=self.gmt_create,
            paid_at=self.gmt_pay_time,
            buyer=models.Buyer(buyer.login_id, buyer.first_name, buyer.last_name, buyer.country)
            if buyer
            else None,
            receipt_address=models.ReceiptAddress(**self.receipt_address.model_dump()),
            amount=self.order_amount.to_money(),
            logistics_status=self.logistics_status,
            child_orders=tuple(
                models.ChildOrder(
                    child.id,
                    child.product_id,
                    child.sku_code,
                    child.product_count,
                    child.product_name,
                    child.product_price.to_money(),
                )
                for child in self.child_order_list.global_aeop_tp_child_order_dto
            ),
            shipments=tuple(
                models.ShipmentInfo(
                    info.logistics_no,
                    info.logistics_service_name,
                    info.logistics_type_code,
                    info.gmt_send,
                    info.receive_status,
                )
                for info in self.logistic_info_list.global_aeop_tp_logistic_info_dto
            ),
        )


class OrderInfoResult(Wire):
    data: WireOrderDetail


# --- fulfil, carriers, warehouse order ---------------------------------------------------------


class FulfillResult(Wire):
    result_success: StrictBool
    result_error_code: IdText | None = None
    result_error_desc: StrictStr | None = None


class WireLogisticsService(Wire):
    service_name: StrictStr
    display_name: StrictStr | None = None
    logistics_company: StrictStr | None = None
    min_process_day: WholeNumber | None = None
    max_process_day: WholeNumber | None = None
    tracking_no_regex: Regex | None = None
    recommend_order: WholeNumber | None = None

    def to_domain(self) -> models.LogisticsService:
        return models.LogisticsService(
            service_name=self.service_name,
            display_name=self.display_name,
            logistics_company=self.logistics_company,
            min_process_day=self.min_process_day,
            max_process_day=self.max_process_day,
            tracking_no_regex=self.tracking_no_regex,
            recommend_order=self.recommend_order,
        )


class WireLogisticsServiceList(Wire):
    aeop_logistics_service_result: list[WireLogisticsService] = Field(default_factory=list)


class LogisticsServicesReply(Wire):
    """Not under ``result``: the list sits directly in the ``..._response`` object."""

    result_success: StrictBool
    result_error_code: IdText | None = None
    error_desc: StrictStr | None = None
    result_list: WireLogisticsServiceList = Field(default_factory=WireLogisticsServiceList)


class WarehouseOrderResult(Wire):
    warehouse_order_id: WholeNumber
    trade_order_id: WholeNumber | None = None
    intl_tracking_no: StrictStr | None = None

    def to_domain(self) -> models.WarehouseOrderResult:
        return models.WarehouseOrderResult(
            self.warehouse_order_id, self.trade_order_id, self.intl_tracking_no
        )


# --- aliexpress.solution.product.info.get ------------------------------------------------------


class WireSkuProperty(Wire):
    sku_property_id: WholeNumber | None = None
    property_value_id: WholeNumber | None = None
    property_value_definition_name: StrictStr | None = None


class WireSkuPropertyList(Wire):
    global_aeop_sku_property: list[WireSkuProperty] = Field(default_factory=list)


class WireSku(Wire):
    id: IdText
    sku_code: StrictStr | None = None
    sku_price: ExactDecimal
    sku_stock: WholeNumber | None = None
    aeop_s_k_u_property_list: WireSkuPropertyList = Field(default_factory=WireSkuPropertyList)


class WireSkuList(Wire):
    global_aeop_ae_product_sku: list[WireSku] = Field(default_factory=list)


class ProductResult(Wire):
    product_id: StrictInt
    subject: StrictStr
    category_id: WholeNumber | None = None
    currency_code: Currency
    product_price: ExactDecimal | None = None
    gross_weight: ExactDecimal | None = None
    package_length: ExactDecimal | None = None
    package_width: ExactDecimal | None = None
    package_height: ExactDecimal | None = None
    aeop_ae_product_s_k_us: WireSkuList = Field(default_factory=WireSkuList)

    def to_domain(self) -> models.Product:
        currency = self.currency_code
        return models.Product(
            product_id=self.product_id,
            subject=self.subject,
            category_id=self.category_id,
            price=Money(self.product_price, currency) if self.product_price is not None else None,
            gross_weight_kg=self.gross_weight,
            package_length_cm=self.package_length,
            package_width_cm=self.package_width,
            package_height_cm=self.package_height,
            skus=tuple(
                models.ProductSku(
                    sku_id=sku.id,
                    sku_code=sku.sku_code,
                    price=Money(sku.sku_price, currency),
                    stock=sku.sku_stock,
                    properties=tuple(
                        models.SkuProperty(
                            p.sku_property_id, p.property_value_id, p.property_value_definition_name
                        )
                        for p in sku.aeop_s_k_u_property_list.global_aeop_sku_property
                    ),
                )
                for sku in self.aeop_ae_product_s_k_us.global_aeop_ae_product_sku
            ),
        )


# --- /auth/token/create, /auth/token/refresh ---------------------------------------------------


class TokenReply(Wire):
    access_token: StrictStr = Field(repr=False)  # secrets: kept out of reprs
    refresh_token: StrictStr = Field(repr=False)
    expires_in: WholeNumber | None = None
    refresh_expires_in: WholeNumber | None = None
    expire_time: WholeNumber | None = None  # epoch ms
    refresh_token_valid_time: WholeNumber | None = None  # epoch ms
    user_id: IdText | None = None
    seller_id: IdText | None = None
    account: StrictStr | None = None
    locale: StrictStr | None = None

    def to_domain(self, now: datetime) -> models.TokenSet:
        return models.TokenSet(
            access_token=self.access_token,
            refresh_token=self.refresh_token,
            expires_at=_moment(self.expire_time, self.expires_in, now),
            refresh_expires_at=_moment(self.refresh_token_valid_time, self.refresh_expires_in, now),
            seller_id=self.seller_id,
            user_id=self.user_id,
            account=self.account,
            locale=self.locale,
        )


def _moment(epoch_ms: int | None, seconds_from_now: int | None, now: datetime) -> datetime | None:
    if epoch_ms is not None:
        return from_epoch_ms(epoch_ms)
    if seconds_from_now is not None:
        return now + timedelta(seconds=seconds_from_now)
    return None
