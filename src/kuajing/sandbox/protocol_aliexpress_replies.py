"""The AliExpress wire shapes of sandbox objects (``simplify=false``: lists wrapped in objects).

Money objects carry the amount as a string; dates are "yyyy-MM-dd HH:mm:ss" in US Pacific time;
ids are JSON integers. Hidden truth (which 1688 spec a SKU is) never appears here.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from kuajing.kit.clock import to_ae_time
from kuajing.sandbox.carriers import APPROVED, approved_service
from kuajing.sandbox.storefront import WarehouseOrder
from kuajing.sandbox.storefront_auth import ACCESS_TOKEN_TTL_S, REFRESH_TOKEN_TTL_S, TokenGrant
from kuajing.sandbox.storefront_disputes import Dispute
from kuajing.sandbox.storefront_listings import Listing, Store
from kuajing.sandbox.storefront_orders import AeOrder, OrderLine


def money(amount: Decimal, currency: str = "USD") -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currency_code": currency}


def order_dto(order: AeOrder, now: datetime) -> dict[str, Any]:
    days, hours, minutes = order.left_to_ship(now)
    return {
        "order_id": order.order_id,
        "order_status": order.status.value,
        "gmt_create": to_ae_time(order.gmt_create),
        "gmt_pay_time": to_ae_time(order.gmt_pay_time),
        "gmt_update": to_ae_time(order.gmt_update),
        "pay_amount": money(order.order_amount),
        "logistics_status": order.logistics_status,
        "fund_status": order.fund_status,
        "frozen_status": order.frozen_status,
        "issue_status": order.issue_status,
        "buyer_login_id": order.buyer.login_id,
        "buyer_signer_fullname": f"{order.buyer.first_name} {order.buyer.last_name}",
        "seller_login_id": f"seller{order.seller_id}",
        "seller_operator_login_id": f"seller{order.seller_id}",
        "end_reason": order.end_reason,
        "left_send_good_day": days,
        "left_send_good_hour": hours,
        "left_send_good_min": minutes,
        "product_list": {"order_product_dto": [_order_product(order, line) for line in order.lines]},
    }


def _order_product(order: AeOrder, line: OrderLine) -> dict[str, Any]:
    return {
        "child_id": line.child_id,
        "order_id": order.order_id,
        "product_id": line.product_id,
        "product_name": line.product_name,
        "product_count": line.product_count,
        "sku_code": line.sku_code,
        "product_unit_price": money(line.product_unit_price),
        "total_product_amount": money(line.total_product_amount),
        "logistics_type": line.logistics_type,
        "logistics_service_name": line.logistics_service_name,
        "send_goods_operator": "SELLER_SEND_GOODS",
        "show_status": order.status.value,
        "son_order_status": order.status.value,
        "product_img_url": line.product_img_url,
    }


def order_info(order: AeOrder) -> dict[str, Any]:
    amount = order.order_amount
    address = order.address
    return {
        "id": order.order_id,
        "gmt_create": to_ae_time(order.gmt_create),
        "gmt_pay_time": to_ae_time(order.gmt_pay_time),
        "gmt_modified": to_ae_time(order.gmt_update),
        "order_status": order.status.value,
        "logistics_status": order.logistics_status,
        "frozen_status": order.frozen_status,
        "issue_status": order.issue_status,
        "fund_status": order.fund_status,
        "seller_operator_login_id": f"seller{order.seller_id}",
        "buyer_info": {
            "login_id": order.buyer.login_id,
            "first_name": order.buyer.first_name,
            "last_name": order.buyer.last_name,
            "country": order.buyer.country,
        },
        "receipt_address": {
            "contact_person": address.contact_person,
            "address": address.address,
            "address2": address.address2,
            "detail_address": address.detail_address,
            "city": address.city,
            "province": address.province,
            "country": address.country,
            "zip": address.zip,
            "phone_country": address.phone_country,
            "phone_area": address.phone_area,
            "phone_number": address.phone_number,
            "mobile_no": address.mobile_no,
        },
        "order_amount": {**money(amount), "cent": int(amount * 100), "cent_factor": 100},
        "child_order_list": {
            "global_aeop_tp_child_order_dto": [
                {
                    "id": line.child_id,
                    "product_id": line.product_id,
                    "sku_code": line.sku_code,
                    "product_count": line.product_count,
                    "product_name": line.product_name,
                    "product_price": money(line.product_unit_price),
                    "logistics_service_name": line.logistics_service_name,
                    "logistics_type": line.logistics_type,
                }
                for line in order.lines
            ]
        },
        "logistic_info_list": {
            "global_aeop_tp_logistic_info_dto": [
                {
                    "logistics_no": shipment.logistics_no,
                    "logistics_service_name": shipment.service_name,
                    "logistics_type_code": shipment.service_name,
                    "gmt_send": to_ae_time(shipment.gmt_send),
                    "receive_status": shipment.receive_status,
                }
                for shipment in order.shipments
            ]
        },
    }


def logistics_services() -> list[dict[str, Any]]:
    return [
        {
            "service_name": carrier.ae_service_name,
            "display_name": carrier.display_name,
            "logistics_company": carrier.name_zh,
            "min_process_day": carrier.min_process_day,
            "max_process_day": carrier.max_process_day,
            "tracking_no_regex": carrier.tracking_no_regex,
            "recommend_order": rank,
        }
        for rank, carrier in enumerate(APPROVED, start=1)
    ]


def product_info(listing: Listing) -> dict[str, Any]:
    return {
        "product_id": listing.product_id,
        "subject": listing.subject,
        "category_id": listing.category_id,
        "currency_code": listing.currency_code,
        "product_price": f"{listing.price:.2f}",
        "gross_weight": f"{listing.gross_weight:.3f}",
        "package_length": listing.package_length,
        "package_width": listing.package_width,
        "package_height": listing.package_height,
        "product_status_type": "onSelling",
        "aeop_ae_product_s_k_us": {
            "global_aeop_ae_product_sku": [
                {
                    "id": sku.id,
                    "sku_code": sku.sku_code,
                    "sku_price": f"{sku.sku_price:.2f}",
                    "sku_stock": sku.sku_stock,
                    "ipm_sku_stock": sku.sku_stock,
                    "aeop_s_k_u_property_list": {
                        "global_aeop_sku_property": [
                            {
                                "sku_property_id": prop.sku_property_id,
                                "property_value_id": prop.property_value_id,
                                "property_value_definition_name": prop.property_value_definition_name,
                            }
                            for prop in sku.properties
                        ]
                    },
                }
                for sku in listing.skus
            ]
        },
    }


def warehouse_order(order: WarehouseOrder) -> dict[str, Any]:
    return {
        "success": True,
        "error_code": None,
        "error_desc": None,
        "intl_tracking_no": order.intl_tracking_no,
        "warehouse_order_id": order.warehouse_order_id,
        "trade_order_id": order.trade_order_id,
        "service_name": order.service_name,
        "tracking_no_regex": _regex_of(order.service_name),
    }


def _regex_of(service_name: str) -> str:
    carrier = approved_service(service_name)
    return carrier.tracking_no_regex if carrier else ""


def token_reply(grant: TokenGrant, store: Store, wall_now: float) -> dict[str, Any]:
    now_ms = int(wall_now * 1000)
    return {
        "code": "0",
        "access_token": grant.access_token,
        "refresh_token": grant.refresh_token,
        "expires_in": ACCESS_TOKEN_TTL_S,
        "refresh_expires_in": REFRESH_TOKEN_TTL_S,
        "expire_time": now_ms + ACCESS_TOKEN_TTL_S * 1000,
        "refresh_token_valid_time": now_ms + REFRESH_TOKEN_TTL_S * 1000,
        "user_id": store.seller_id,
        "seller_id": store.seller_id,
        "account": f"store{store.number}@kuajing-sandbox.example",
        "account_platform": "seller_center",
        "locale": "zh_CN",
        "sp": "ae",
    }


def issue_dto(dispute: Dispute) -> dict[str, Any]:
    """One ``issue_api_issue_dto`` of aliexpress.issue.issuelist.get."""
    return {
        "issue_id": dispute.issue_id,
        "order_id": dispute.order_id,
        "parent_order_id": dispute.order_id,
        "issue_status": dispute.status,
        "reason_chinese": dispute.reason.zh,
        "reason_english": dispute.reason.en,
        "gmt_create": to_ae_time(dispute.gmt_create),
        "gmt_modified": to_ae_time(dispute.gmt_modified),
        "buyer_login_id": dispute.buyer_login_id,
    }


def issue_detail(dispute: Dispute) -> dict[str, Any]:
    """The ``result`` of aliexpress.issue.detail.get."""
    return {
        "success": True,
        "issue_id": dispute.issue_id,
        "order_id": dispute.order_id,
        "parent_order_id": dispute.order_id,
        "issue_status": dispute.status,
        "issue_reason_id": dispute.reason.reason_id,
        "issue_reason": f"{dispute.reason.zh} / {dispute.reason.en}",
        "buyer_refund_amount": money(dispute.refund_amount),
        "gmt_create": to_ae_time(dispute.gmt_create),
    }
