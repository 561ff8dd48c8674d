"""Each 1688 API's reply shape over HTTP, and the failure scenarios the admin endpoints set up."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

import httpx

from kuajing.sandbox.catalog import Offer
from kuajing.sandbox.server import SandboxServer

APP_KEY, SECRET, TOKEN = "1688100", "sandbox-1688-secret", "sandbox-1688-token"
TRADE, LOGISTICS = "com.alibaba.trade", "com.alibaba.logistics"
TIME_1688 = re.compile(r"^\d{17}\+0800$")
ADDRESS = {
    "fullName": "王仓管",
    "mobile": "13800001688",
    "provinceText": "浙江省",
    "cityText": "金华市",
    "areaText": "义乌市",
    "townText": "稠城街道",
    "address": "国际商贸城一区",
}


def call(sandbox: SandboxServer, namespace: str, api: str, **business: Any) -> dict[str, Any]:
    params = {
        key: json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
        for key, value in business.items()
    }
    params["access_token"] = TOKEN
    path = f"param2/1/{namespace}/{api}/{APP_KEY}"
    message = path + "".join(sorted(key + value for key, value in params.items()))
    params["_aop_signature"] = hmac.new(SECRET.encode(), message.encode(), hashlib.sha1).hexdigest().upper()
    reply = httpx.post(f"{sandbox.base_url}/1688/openapi/{path}", data=params)
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def orderable(sandbox: SandboxServer, skip: int = 0) -> Offer:
    catalog = sandbox.world.catalog
    return [
        o
        for o in catalog.offers.values()
        if o.status == "published"
        and catalog.supplier_of(o).dropship_relation
        and len(o.specs) >= 2
        and not catalog.supplier_of(o).excluded_provinces
        and all(s.stock > 10 for s in o.specs)
    ][skip]


def create(
    sandbox: SandboxServer,
    offer: Offer,
    *,
    quantity: int = 1,
    out_order_id: str = "AE-1-1",
    spec_id: str | None = None,
) -> dict[str, Any]:
    return call(
        sandbox,
        TRADE,
        "alibaba.trade.createCrossOrder",
        flow="general",
        outOrderId=out_order_id,
        dropshipping="y",
        addressParam=ADDRESS,
        cargoParamList=[
            {"offerId": offer.offer_id, "specId": spec_id or offer.specs[0].spec_id, "quantity": quantity}
        ],
    )


def created_id(reply: dict[str, Any]) -> str:
    assert reply["result"]["success"] is True, reply
    order_id: str = reply["result"]["orderId"]
    return order_id


def admin(sandbox: SandboxServer, method: str, path: str, **params: Any) -> dict[str, Any]:
    reply = httpx.request(method, f"{sandbox.base_url}/sandbox/1688{path}", params=params)
    reply.raise_for_status()
    body: dict[str, Any] = reply.json()
    return body


def test_product_detail_has_prices_in_yuan_skus_and_seller_flags(sandbox: SandboxServer) -> None:
    offer = orderable(sandbox)
    body = call(
        sandbox,
        "com.alibaba.fenxiao.crossborder",
        "product.search.queryProductDetail",
        offerDetailParam={"offerId": offer.offer_id, "country": "en", "outMemberId": "kuajing"},
    )
    assert body["result"]["success"] is True and body["result"]["code"] == "200"
    detail = body["result"]["result"]
    assert detail["offerId"] == offer.offer_id and detail["subject"] == offer.subject
    assert detail["status"] == "published" and detail["subjectTrans"]
    tiers = detail["priceRangeList"]
    assert all(isinstance(tier["price"], str) and tier["startQuantity"] >= 1 for tier in tiers)
    assert any(attr["attributeName"] == "材质" for attr in detail["productAttribute"])
    assert set(detail["productShippingInfo"]) == {"weight", "length", "width", "height"}
    sku = detail["productSkuInfos"][0]
    assert sku["specId"] == offer.specs[0].spec_id and isinstance(sku["skuId"], int)
    assert sku["consignPrice"] == str(offer.specs[0].consign_price) and isinstance(sku["amountOnSale"], int)
    assert {"attributeName", "value", "valueTrans", "skuImageUrl"} <= sku["skuAttributes"][0].keys()
    seller = detail["sellerInfo"]
    assert {
        "memberId",
        "companyName",
        "clusterName",
        "trustPass",
        "trustPassYears",
        "superFactory",
        "dropship",
        "crossBorder",
        "englishCustomsDocs",
        "iso9001",
        "freeSample",
        "customMoq",
        "creditGuarantee",
    } <= seller.keys()
    assert "realMaterial" not in json.dumps(body)


def test_sub_fen_prices_keep_their_digits(sandbox: SandboxServer) -> None:
    cheap = next(o for o in sandbox.world.catalog.offers.values() if o.category == "hair_tie")
    detail = call(
        sandbox,
        "com.alibaba.fenxiao.crossborder",
        "product.search.queryProductDetail",
        offerDetailParam={"offerId": cheap.offer_id},
    )["result"]["result"]
    assert [tier["price"] for tier in detail["priceRangeList"]] == [str(t.price) for t in cheap.price_tiers]


def test_unknown_offer_detail_is_500_001_inside_result(sandbox: SandboxServer) -> None:
    body = call(
        sandbox,
        "com.alibaba.fenxiao.crossborder",
        "product.search.queryProductDetail",
        offerDetailParam={"offerId": 1},
    )
    assert body["result"]["success"] is False and body["result"]["code"] == "500_001"


def test_preview_amounts_are_in_fen_and_unit_price_in_yuan(sandbox: SandboxServer) -> None:
    offer = orderable(sandbox)
    body = call(
        sandbox,
        TRADE,
        "alibaba.createOrder.preview",
        flow="general",
        addressParam=ADDRESS,
        cargoParamList=[{"offerId": offer.offer_id, "specId": offer.specs[0].spec_id, "quantity": 3}],
    )
    preview = body["orderPreviewResuslt"][0]
    goods = round(offer.specs[0].consign_price * 3 * 100)
    assert preview["sumPaymentNoCarriage"] == goods
    assert preview["sumPayment"] == goods + preview["sumCarriage"] and preview["discountFee"] == 0
    assert preview["cargoList"][0]["amount"] == goods
    assert preview["cargoList"][0]["finalUnitPrice"] == str(offer.specs[0].consign_price)
    assert isinstance(preview["tradeModeNameList"], list)
    assert sandbox.world.buyer.state()["purchases"] == 0


def test_create_cross_order_reply_and_the_same_out_order_id_twice(sandbox: SandboxServer) -> None:
    offer = orderable(sandbox)
    first = create(sandbox, offer, quantity=2)["result"]
    assert first["success"] is True and isinstance(first["orderId"], str)
    assert first["totalSuccessAmount"] == round(offer.specs[0].consign_price * 200) + first["postFee"]
    assert first["failedOfferList"] == [] and first["code"] is None
    assert first["orderList"] == [
        {
            "orderId": first["orderId"],
            "postFee": first["postFee"],
            "orderAmmount": first["totalSuccessAmount"],
        }
    ]
    second = create(sandbox, offer, quantity=2)["result"]
    assert second["orderId"] != first["orderId"]
    state = httpx.get(f"{sandbox.base_url}/sandbox/state").json()
    assert state["purchases_per_out_order_id"] == {"AE-1-1": 2}


def test_buyer_view_shows_yuan_amounts_and_1688_times(sandbox: SandboxServer) -> None:
    offer = orderable(sandbox)
    order_id = created_id(create(sandbox, offer, out_order_id="AE-9-1"))
    body = call(sandbox, TRADE, "alibaba.trade.get.buyerView", webSite="1688", orderId=order_id)
    assert body["success"] is True
    base = body["result"]["baseInfo"]
    assert str(base["id"]) == order_id and base["status"] == "waitsellersend"
    assert base["outOrderId"] == "AE-9-1" and base["sellerMemberId"] == offer.supplier_member_id
    assert re.fullmatch(r"\d+\.\d{2}", base["totalAmount"])
    assert re.fullmatch(r"\d+\.\d{2}", base["shippingFee"])
    assert TIME_1688.match(base["createTime"]) and TIME_1688.match(base["payTime"])
    assert base["refundStatus"] is None and base["closeReason"] is None
    item = body["result"]["productItems"][0]
    assert item["productID"] == offer.offer_id and item["specId"] == offer.specs[0].spec_id
    assert item["quantity"] == 1 and item["price"] == str(offer.specs[0].consign_price)
    assert body["result"]["nativeLogistics"]["logisticsItems"] == []


def test_buyer_view_of_unknown_order_is_order_not_found(sandbox: SandboxServer) -> None:
    body = call(sandbox, TRADE, "alibaba.trade.get.buyerView", webSite="1688", orderId=42)
    assert body == {"success": False, "errorCode": "ORDER_NOT_FOUND", "errorMessage": body["errorMessage"]}


def test_order_list_filters_on_out_order_id_and_pages(sandbox: SandboxServer) -> None:
    offer = orderable(sandbox)
    for n in range(3):
        created_id(create(sandbox, offer, out_order_id=f"AE-{n}-1"))
    created_id(create(sandbox, offer, out_order_id="AE-1-1"))
    one = call(sandbox, TRADE, "alibaba.trade.getBuyerOrderList", outOrderId="AE-1-1")
    assert one["success"] is True and one["totalRecord"] == 2
    assert {o["baseInfo"]["outOrderId"] for o in one["result"]} == {"AE-1-1"}
    page = call(sandbox, TRADE, "alibaba.trade.getBuyerOrderList", page=2, pageSize=3)
    assert page["totalRecord"] == 4 and len(page["result"]) == 1
    later = call(sandbox, TRADE, "alibaba.trade.getBuyerOrderList", createStartTime="20991231000000000+0800")
    assert later["totalRecord"] == 0 and later["result"] == []


def test_logistics_is_500_2_until_shipped_then_carrier_and_trace(sandbox: SandboxServer) -> None:
    order_id = created_id(create(sandbox, orderable(sandbox)))
    before = call(
        sandbox, LOGISTICS, "alibaba.trade.getLogisticsInfos.buyerView", webSite="1688", orderId=order_id
    )
    assert before["success"] is False and before["errorCode"] == "500_2"
    admin(sandbox, "POST", f"/purchases/{order_id}/dispatch")
    httpx.post(f"{sandbox.base_url}/sandbox/clock/advance", params={"hours": 48}).raise_for_status()
    infos = call(
        sandbox, LOGISTICS, "alibaba.trade.getLogisticsInfos.buyerView", webSite="1688", orderId=order_id
    )
    info = infos["result"][0]
    assert {
        "logisticsId",
        "logisticsBillNo",
        "status",
        "logisticsCompanyId",
        "logisticsCompanyName",
    } <= info.keys()
    assert info["status"] in ("ACCEPT", "TRANSPORT", "SIGN")
    trace = call(
        sandbox, LOGISTICS, "alibaba.trade.getLogisticsTraceInfo.buyerView", webSite="1688", orderId=order_id
    )["logisticsTrace"][0]
    assert trace["logisticsBillNo"] == info["logisticsBillNo"]
    assert trace["logisticsSteps"] and "揽收" in trace["logisticsSteps"][0]["remark"]
    assert all(TIME_1688.match(step["acceptTime"]) for step in trace["logisticsSteps"])
    view = call(sandbox, TRADE, "alibaba.trade.get.buyerView", orderId=order_id)["result"]
    assert view["baseInfo"]["status"] in ("waitbuyerreceive", "success")
    assert view["nativeLogistics"]["logisticsItems"][0]["logisticsBillNo"] == info["logisticsBillNo"]


def test_cancel_before_dispatch_then_refused_after(sandbox: SandboxServer) -> None:
    offer = orderable(sandbox)
    order_id = created_id(create(sandbox, offer))
    assert call(
        sandbox, TRADE, "alibaba.trade.cancel", webSite="1688", tradeID=order_id, cancelReason="buyerCancel"
    ) == {"success": True}
    again = call(
        sandbox, TRADE, "alibaba.trade.cancel", webSite="1688", tradeID=order_id, cancelReason="buyerCancel"
    )
    assert again["success"] is False and again["errorCode"] == "ORDER_STATUS_INVALID"
    view = call(sandbox, TRADE, "alibaba.trade.get.buyerView", orderId=order_id)["result"]["baseInfo"]
    assert view["status"] == "cancel"


def test_refund_reasons_and_create_refund(sandbox: SandboxServer) -> None:
    order_id = created_id(create(sandbox, orderable(sandbox), quantity=2))
    admin(sandbox, "POST", f"/purchases/{order_id}/dispatch")
    view = call(sandbox, TRADE, "alibaba.trade.get.buyerView", orderId=order_id)["result"]
    entry = view["productItems"][0]["subItemID"]
    reasons = call(
        sandbox,
        TRADE,
        "alibaba.trade.getRefundReasonList",
        orderId=order_id,
        orderEntryIds=[entry],
        goodsStatus="refundBuyerReceived",
    )["result"]["reasons"]
    names = {reason["name"] for reason in reasons}
    assert {"货物与描述不符", "少件漏发", "发错货", "包装破损", "质量问题"} <= names
    missing = next(reason for reason in reasons if reason["name"] == "少件漏发")
    body = call(
        sandbox,
        TRADE,
        "alibaba.trade.createRefund",
        orderId=order_id,
        orderEntryIds=[entry],
        disputeRequest="refund",
        applyPayment=1,
        applyCarriage=0,
        applyReasonId=missing["id"],
        description="少发一件",
        goodsStatus="refundBuyerReceived",
        vouchers=["https://img/1.jpg"],
    )
    assert body["success"] is True and body["result"]["refundId"].startswith("TQ")
    view = call(sandbox, TRADE, "alibaba.trade.get.buyerView", orderId=order_id)["result"]
    assert view["baseInfo"]["refundStatus"] == "waitselleragree"


def test_message_list_holds_the_pushes(sandbox: SandboxServer) -> None:
    order_id = created_id(create(sandbox, orderable(sandbox)))
    admin(sandbox, "POST", f"/purchases/{order_id}/dispatch")
    body = call(sandbox, "cn.alibaba.open", "push.query.messageList", page=1, pageSize=20)
    page = body["result"]["pushMessagePage"]
    assert page["totalCount"] == 1
    message = page["datas"][0]
    assert message["type"] == "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS"
    assert str(message["data"]["orderId"]) == order_id and message["data"]["outOrderId"] == "AE-1-1"
    assert isinstance(message["gmtBorn"], int) and message["userInfo"] == sandbox.world.buyer.member_id


def create_code(reply: dict[str, Any]) -> str:
    assert reply["result"]["success"] is False
    code: str = reply["result"]["code"]
    return code


def test_admin_scenarios_make_create_fail_with_the_matching_code(sandbox: SandboxServer) -> None:
    offer = orderable(sandbox)
    spec_id = offer.specs[0].spec_id
    other_spec_id = offer.specs[1].spec_id
    admin(sandbox, "POST", f"/specs/{spec_id}/stock", stock=0)
    assert create_code(create(sandbox, offer, spec_id=spec_id)) == "500_004"
    admin(sandbox, "DELETE", f"/specs/{spec_id}")
    assert create_code(create(sandbox, offer, spec_id=spec_id)) == "500_002"
    admin(sandbox, "POST", f"/suppliers/{offer.supplier_member_id}/dropship-relation", enabled="false")
    assert create_code(create(sandbox, offer, spec_id=other_spec_id)) == "500_007"
    admin(sandbox, "POST", f"/offers/{offer.offer_id}/delist")
    assert create_code(create(sandbox, offer, spec_id=other_spec_id)) == "500_001"
    assert sandbox.world.buyer.state()["purchases"] == 0


def test_incomplete_address_is_500_005_in_the_result_wrapper(sandbox: SandboxServer) -> None:
    offer = orderable(sandbox)
    body = call(
        sandbox,
        TRADE,
        "alibaba.trade.createCrossOrder",
        flow="general",
        outOrderId="AE-5-1",
        addressParam={**ADDRESS, "townText": ""},
        cargoParamList=[{"offerId": offer.offer_id, "specId": offer.specs[0].spec_id, "quantity": 1}],
    )
    assert create_code(body) == "500_005" and body["result"]["message"]


def test_admin_consign_price_change_shows_in_detail_and_orders(sandbox: SandboxServer) -> None:
    offer = orderable(sandbox)
    admin(sandbox, "POST", f"/specs/{offer.specs[0].spec_id}/consign-price", price="99.90")
    detail = call(
        sandbox,
        "com.alibaba.fenxiao.crossborder",
        "product.search.queryProductDetail",
        offerDetailParam={"offerId": offer.offer_id},
    )["result"]["result"]
    assert detail["productSkuInfos"][0]["consignPrice"] == "99.90"
    reply = create(sandbox, offer)["result"]
    assert reply["totalSuccessAmount"] == 9990 + reply["postFee"]
    purchases = admin(sandbox, "GET", "/purchases")
    assert purchases["total"] == 1 and purchases["purchases"][0]["outOrderId"] == "AE-1-1"
    assert purchases["purchases"][0]["status"] == "waitsellersend"
    assert purchases["purchases"][0]["tracking"] is None
