"""How the sandbox's 1688 objects look on the wire (reply shapes agreed in COMMON.md).

Money: buyerView and product detail in YUAN as strings (sub-fen kept: "0.035"); order creation
and preview in FEN as integers. Times: ``yyyyMMddHHmmssSSS+0800`` in Asia/Shanghai.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kuajing.sandbox.buyer_model import Purchase, Shipment, fen_to_yuan, to_1688_time
from kuajing.sandbox.catalog import Catalog, Offer, Supplier


def yuan(amount: Decimal) -> str:
    """A CNY amount as 1688 writes it: at least two decimals, sub-fen digits kept."""
    in_fen = amount.quantize(Decimal("0.01"))
    return str(in_fen) if amount == in_fen else str(amount.normalize())


def product_detail(catalog: Catalog, offer: Offer) -> dict[str, Any]:
    supplier = catalog.supplier_of(offer)
    return {
        "offerId": offer.offer_id,
        "subject": offer.subject,
        "subjectTrans": offer.subject_trans,
        "categoryId": offer.category_id,
        "categoryName": offer.category_name_zh,
        "minOrderQuantity": offer.min_order_quantity,
        "status": offer.status,
        "mainImage": offer.image_url,
        "priceRangeList": [
            {"startQuantity": tier.min_quantity, "price": yuan(tier.price)} for tier in offer.price_tiers
        ],
        "productAttribute": [
            {"attributeName": a.name, "value": a.value, "valueTrans": a.value_trans} for a in offer.attributes
        ],
        "productShippingInfo": {
            "weight": str((Decimal(offer.weight_g) / 1000).quantize(Decimal("0.001"))),
            "length": str(offer.length_cm),
            "width": str(offer.width_cm),
            "height": str(offer.height_cm),
        },
        "productSkuInfos": [
            {
                "skuId": spec.sku_id,
                "specId": spec.spec_id,
                "price": yuan(spec.price),
                "consignPrice": yuan(spec.consign_price),
                "amountOnSale": spec.stock,
                "skuAttributes": [
                    {
                        "attributeName": a.name,
                        "value": a.value,
                        "valueTrans": a.value_trans,
                        "skuImageUrl": spec.image_url,
                    }
                    for a in spec.attributes
                ],
            }
            for spec in offer.specs
        ],
        "sellerInfo": seller_info(catalog, supplier),
    }


def seller_info(catalog: Catalog, supplier: Supplier) -> dict[str, Any]:
    cluster = catalog.clusters[supplier.cluster_code]
    return {
        "memberId": supplier.member_id,
        "loginId": supplier.login_id,
        "companyName": supplier.company_name,
        "province": cluster.province,
        "city": cluster.city,
        "clusterCode": cluster.code,
        "clusterName": cluster.name_zh,
        "trustPass": supplier.trust_pass,
        "trustPassYears": supplier.trust_pass_years,
        "superFactory": supplier.super_factory,
        "dropship": supplier.dropship,
        "crossBorder": supplier.cross_border,
        "englishCustomsDocs": supplier.english_customs_docs,
        "iso9001": supplier.iso9001,
        "freeSample": supplier.free_sample,
        "customMoq": supplier.custom_moq,
        "creditGuarantee": supplier.credit_guarantee,
    }


def order_view(catalog: Catalog, purchase: Purchase) -> dict[str, Any]:
    """The ``result`` object of alibaba.trade.get.buyerView (and each getBuyerOrderList entry)."""
    supplier = catalog.suppliers.get(purchase.seller_member_id)
    shipment = purchase.shipment
    address = purchase.address
    base: dict[str, Any] = {
        "id": purchase.order_id,
        "idOfStr": str(purchase.order_id),
        "status": purchase.status,
        "totalAmount": fen_to_yuan(purchase.total_fen),
        "sumProductPayment": fen_to_yuan(purchase.goods_fen),
        "shippingFee": fen_to_yuan(purchase.post_fee_fen),
        "discount": 0,
        "createTime": to_1688_time(purchase.created_at),
        "payTime": to_1688_time(purchase.paid_at) if purchase.paid_at else None,
        "modifyTime": to_1688_time(purchase.modified_at or purchase.created_at),
        "allDeliveredTime": to_1688_time(shipment.dispatched_at) if shipment else None,
        "completeTime": to_1688_time(purchase.completed_at) if purchase.completed_at else None,
        "refundStatus": purchase.refund_status,
        "closeReason": purchase.close_reason,
        "outOrderId": purchase.out_order_id,
        "buyerID": purchase.buyer_member_id,
        "sellerID": purchase.seller_member_id,
        "sellerMemberId": purchase.seller_member_id,
        "sellerLoginId": supplier.login_id if supplier else None,
        "sellerCompanyName": supplier.company_name if supplier else None,
        "flow": purchase.flow,
        "tradeType": purchase.trade_type,
        "buyerMemo": purchase.message,
        "receiverInfo": {
            "toFullName": address.get("fullName"),
            "toMobile": address.get("mobile"),
            "toPhone": address.get("phone", ""),
            "toPost": address.get("postCode", ""),
            "toArea": " ".join(
                address.get(key, "")
                for key in ("provinceText", "cityText", "areaText", "townText", "address")
            ),
        },
    }
    items = [
        {
            "productID": line.offer_id,
            "specId": line.spec_id,
            "skuID": line.sku_id,
            "subItemID": line.entry_id,
            "subItemIDString": str(line.entry_id),
            "name": line.subject,
            "quantity": line.quantity,
            "price": yuan(line.unit_price),
            "itemAmount": fen_to_yuan(line.amount_fen),
            "status": purchase.status,
            "logisticsStatus": purchase.line_logistics_status,
        }
        for line in purchase.lines
    ]
    logistics: dict[str, Any] = {
        "contactPerson": address.get("fullName"),
        "mobile": address.get("mobile"),
        "province": address.get("provinceText"),
        "city": address.get("cityText"),
        "area": address.get("areaText"),
        "town": address.get("townText"),
        "address": address.get("address"),
        "zip": address.get("postCode", ""),
        "logisticsItems": [logistics_item(purchase, shipment)] if shipment else [],
    }
    return {"baseInfo": base, "productItems": items, "nativeLogistics": logistics}


def logistics_item(purchase: Purchase, shipment: Shipment) -> dict[str, Any]:
    return {
        "id": shipment.logistics_id,
        "logisticsCompanyName": shipment.company_name,
        "logisticsCompanyId": shipment.company_id,
        "logisticsCode": shipment.carrier_code,
        "logisticsBillNo": shipment.bill_no,
        "deliveredTime": to_1688_time(shipment.dispatched_at),
        "status": shipment.status,
        "subItemIds": ",".join(str(line.entry_id) for line in purchase.lines),
    }


def logistics_info(purchase: Purchase, shipment: Shipment) -> dict[str, Any]:
    return {
        "logisticsId": shipment.logistics_id,
        "logisticsBillNo": shipment.bill_no,
        "status": shipment.status,
        "logisticsCompanyId": shipment.company_id,
        "logisticsCompanyName": shipment.company_name,
        "orderEntryIds": ",".join(str(line.entry_id) for line in purchase.lines),
        "sendGoodsTime": to_1688_time(shipment.dispatched_at),
    }


def trace(purchase: Purchase, shipment: Shipment) -> dict[str, Any]:
    return {
        "logisticsId": shipment.logistics_id,
        "orderId": purchase.order_id,
        "logisticsBillNo": shipment.bill_no,
        "logisticsSteps": [
            {"acceptTime": to_1688_time(step.at), "remark": step.remark} for step in shipment.steps
        ],
    }
