"""The 1688 client's typed replies: exact money, times, paging, unreadable replies, pushes.

The network is a plain function (``httpx.MockTransport``); nothing is patched.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from kuajing.kit.money import Money
from kuajing.marketplaces.alibaba1688 import (
    Alibaba1688Client,
    Alibaba1688Config,
    CargoItem,
    DeliveryAddress,
    OrderStatus,
    PushSignatureInvalid,
    RefundRequest,
    from_aop_time,
    to_aop_time,
    verify_push,
)
from kuajing.marketplaces.alibaba1688.push import InvalidPush
from kuajing.marketplaces.errors import BusinessError, MalformedReplyError
from kuajing.marketplaces.policy import RateLimiter, RetryPolicy

NOW = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
CONFIG = Alibaba1688Config(
    base_url="https://gw.test", app_key="1000", app_secret="s3cret", access_token="token-1"
)
ADDRESS = DeliveryAddress(
    full_name="张三",
    mobile="13800000000",
    province="浙江省",
    city="金华市",
    area="义乌市",
    town="稠城街道",
    address="工人北路 1 号",
)
Reply = Callable[[httpx.Request, dict[str, str]], httpx.Response]


class Gateway:
    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.forms: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
        self.forms.append(form)
        return self.reply(request, form)


def answering(body: Any) -> Gateway:
    return Gateway(lambda request, form: httpx.Response(200, json=body))


def make_client(gateway: Gateway) -> Alibaba1688Client:
    return Alibaba1688Client(
        CONFIG,
        transport=httpx.MockTransport(gateway),
        rate_limiter=RateLimiter(1_000_000, burst=1_000),
        retry_policy=RetryPolicy(sleep=lambda s: None),
        now=lambda: NOW,
    )


def order(order_id: int, out_order_id: str = "AE-1", status: str = "waitbuyerpay") -> dict[str, Any]:
    return {
        "baseInfo": {
            "id": order_id,
            "status": status,
            "totalAmount": "12.345",
            "shippingFee": "5.00",
            "createTime": "20261101163000123+0800",
            "payTime": "20261101163500000+0800",
            "outOrderId": out_order_id,
            "sellerMemberId": "b2b-22",
        },
        "productItems": [
            {
                "productID": 610000001,
                "specId": "a" * 32,
                "quantity": 3,
                "price": "0.035",
                "status": "waitbuyerpay",
                "logisticsStatus": 1,
                "subItemID": 777,
            }
        ],
        "nativeLogistics": {
            "logisticsItems": [
                {"logisticsCompanyName": "中通快递", "logisticsBillNo": "ZT123", "deliveredTime": ""}
            ]
        },
    }


PRODUCT = {
    "result": {
        "success": True,
        "code": "200",
        "message": None,
        "result": {
            "offerId": 610000001,
            "subject": "硅胶手机壳",
            "subjectTrans": "Silicone phone case",
            "categoryId": 1031,
            "categoryName": "手机壳",
            "minOrderQuantity": 2,
            "status": "published",
            "priceRangeList": [
                {"startQuantity": 100, "price": "2.10"},
                {"startQuantity": 2, "price": "2.50"},
                {"startQuantity": 1000, "price": "0.035"},
            ],
            "productAttribute": [{"attributeName": "材质", "value": "硅胶", "valueTrans": "silicone"}],
            "productShippingInfo": {"weight": "0.045", "length": "16", "width": "8.5", "height": "1.2"},
            "productSkuInfos": [
                {
                    "skuId": 5001,
                    "specId": "a" * 32,
                    "price": "2.50",
                    "consignPrice": "2.85",
                    "amountOnSale": 120,
                    "skuAttributes": [
                        {"attributeName": "颜色", "value": "黑色", "valueTrans": "black", "skuImageUrl": ""}
                    ],
                }
            ],
            "sellerInfo": {
                "memberId": "b2b-22",
                "loginId": "yiwu-case",
                "companyName": "义乌市某某电子商务有限公司",
                "province": "浙江",
                "city": "金华",
                "clusterCode": "yiwu",
                "clusterName": "义乌小商品",
                "trustPass": True,
                "trustPassYears": 6,
                "superFactory": False,
                "dropship": True,
                "crossBorder": True,
                "englishCustomsDocs": False,
                "iso9001": True,
                "freeSample": False,
                "customMoq": 50,
                "creditGuarantee": True,
            },
        },
    }
}


# --- exact money and times ------------------------------------------------------------------------


def test_preview_fen_become_exact_yuan() -> None:
    gateway = answering(
        {
            "success": True,
            "orderPreviewResuslt": [
                {
                    "sumPayment": 1999,
                    "sumCarriage": 500,
                    "sumPaymentNoCarriage": 1499,
                    "discountFee": 0,
                    "tradeModeNameList": ["fxassure"],
                    "cargoList": [
                        {"offerId": 610000001, "specId": "a" * 32, "amount": 1499, "finalUnitPrice": "0.035"}
                    ],
                }
            ],
        }
    )
    cargo = [CargoItem(610000001, 3, "a" * 32)]
    [preview] = make_client(gateway).preview_order(ADDRESS, cargo)
    assert preview.sum_payment == Money(Decimal("19.99"), "CNY")
    assert preview.sum_payment.amount == Decimal("19.99")
    assert preview.sum_carriage.amount == Decimal("5.00")
    assert preview.cargo[0].amount.amount == Decimal("14.99")
    assert preview.cargo[0].final_unit_price == Money(Decimal("0.035"), "CNY")
    assert preview.trade_modes == ["fxassure"]
    assert gateway.forms[0]["flow"] == "fenxiao"
    assert json.loads(gateway.forms[0]["cargoParamList"]) == [
        {"offerId": 610000001, "specId": "a" * 32, "quantity": 3}
    ]


def test_buyer_view_yuan_strings_stay_exact_including_sub_fen() -> None:
    buyer_order = make_client(answering({"success": True, "result": order(9001)})).buyer_view("9001")
    assert buyer_order.base_info.total_amount.amount == Decimal("12.345")
    assert buyer_order.items[0].price.amount == Decimal("0.035")
    assert buyer_order.items[0].sub_item_id == "777"
    assert buyer_order.status is OrderStatus.WAIT_BUYER_PAY
    assert buyer_order.base_info.create_time == datetime(2026, 11, 1, 8, 30, 0, 123000, tzinfo=UTC)
    assert buyer_order.base_info.out_order_id == "AE-1"
    assert buyer_order.logistics_items[0].bill_no == "ZT123"
    assert buyer_order.logistics_items[0].delivered_time is None


def test_a_price_sent_as_a_json_number_is_read_without_float_rounding() -> None:
    body = json.loads(json.dumps({"success": True, "result": order(1)}).replace('"0.035"', "0.035"))
    buyer_order = make_client(answering(body)).buyer_view("1")
    assert buyer_order.items[0].price.amount == Decimal("0.035")


def test_product_detail_reads_seller_flags_tiers_specs_and_size() -> None:
    detail = make_client(answering(PRODUCT)).product_detail(610000001)
    assert detail.offer_id == 610000001 and detail.is_published
    assert detail.seller.trust_pass and detail.seller.trust_pass_years == 6 and detail.seller.dropship
    assert detail.seller.custom_moq == 50 and detail.seller.cluster_code == "yiwu"
    assert detail.skus[0].spec_id == "a" * 32 and detail.skus[0].consign_price == Money.of("2.85", "CNY")
    assert detail.skus[0].attributes[0].value_trans == "black"
    assert detail.attributes[0].name == "材质"
    assert detail.shipping.weight == Decimal("0.045") and detail.shipping.width == Decimal("8.5")
    assert detail.sku("a" * 32) is detail.skus[0]


def test_product_detail_sends_the_offer_as_offer_detail_param() -> None:
    gateway = answering(PRODUCT)
    make_client(gateway).product_detail(610000001, country="ru")
    assert json.loads(gateway.forms[0]["offerDetailParam"]) == {"offerId": 610000001, "country": "ru"}


@pytest.mark.parametrize(
    ("quantity", "price"),
    [
        (1, "2.50"),
        (2, "2.50"),
        (99, "2.50"),
        (100, "2.10"),
        (999, "2.10"),
        (1000, "0.035"),
        (50_000, "0.035"),
    ],
)
def test_tier_price_picks_the_highest_tier_reached(quantity: int, price: str) -> None:
    detail = make_client(answering(PRODUCT)).product_detail(610000001)
    assert detail.tier_price(quantity) == Money.of(price, "CNY")


def test_aop_time_round_trips_through_china_time() -> None:
    moment = datetime(2026, 11, 1, 16, 5, 9, 250000, tzinfo=UTC)
    assert to_aop_time(moment) == "20261102000509250+0800"
    assert from_aop_time("20261102000509250+0800") == moment
    assert from_aop_time("2026-11-02 00:05:09") == datetime(2026, 11, 1, 16, 5, 9, tzinfo=UTC)


# --- unreadable replies ---------------------------------------------------------------------------


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"success": True, "result": order(9001)}
    target: Any = body
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["result", "baseInfo", "status"], KeyError, "result.baseInfo.status"),
        (["result", "baseInfo", "status"], "waitbuyerdance", "result.baseInfo.status"),
        (["result", "baseInfo", "totalAmount"], {"amount": 1}, "result.baseInfo.totalAmount"),
        (["result", "baseInfo", "createTime"], "yesterday", "result.baseInfo.createTime"),
        (["result", "productItems", 0, "quantity"], "many", "result.productItems[0].quantity"),
        (["result", "productItems"], "none", "result.productItems"),
        (["result", "baseInfo"], KeyError, "result.baseInfo"),
        (["result"], KeyError, "result"),
    ],
)
def test_unreadable_buyer_view_is_malformed_reply_naming_method_and_field(
    path: list[Any], value: Any, field: str, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = answering(_with(path, value))
    with caplog.at_level(logging.WARNING), pytest.raises(MalformedReplyError) as caught:
        make_client(gateway).buyer_view("9001")
    assert caught.value.method == "alibaba.trade.get.buyerView"
    assert caught.value.field == field
    assert field in str(caught.value)
    assert len(gateway.forms) == 1  # a reply we cannot read is not retried
    assert len([record for record in caplog.records if field in record.getMessage()]) == 1


def test_fractional_fen_is_malformed() -> None:
    gateway = answering(
        {
            "success": True,
            "orderPreviewResuslt": [{"sumPayment": 19.99, "sumCarriage": 0, "sumPaymentNoCarriage": 0}],
        }
    )
    with pytest.raises(MalformedReplyError) as caught:
        make_client(gateway).preview_order(ADDRESS, [CargoItem(1, 1, "a" * 32)])
    assert caught.value.field == "orderPreviewResuslt[0].sumPayment"


def test_created_order_missing_order_id_is_malformed() -> None:
    gateway = answering({"result": {"success": True, "totalSuccessAmount": 100, "postFee": 0}})
    with pytest.raises(MalformedReplyError) as caught:
        make_client(gateway).create_cross_order("AE-1", ADDRESS, [CargoItem(1, 1, "a" * 32)])
    assert (caught.value.method, caught.value.field) == ("alibaba.trade.createCrossOrder", "result.orderId")


@pytest.mark.parametrize("text", ["<html>gateway</html>", "", '{"success": true', "[1, 2]"])
def test_body_that_is_not_a_json_object_is_malformed_at_body(text: str) -> None:
    gateway = Gateway(lambda request, form: httpx.Response(200, text=text))
    with pytest.raises(MalformedReplyError) as caught:
        make_client(gateway).buyer_view("9001")
    assert caught.value.field == "<body>"


# --- paging ---------------------------------------------------------------------------------------


def order_list_gateway(
    total: int, *, send_total: bool = True, matching: Callable[[int], str] = str
) -> Gateway:
    ids = list(range(1, total + 1))

    def reply(request: httpx.Request, form: dict[str, str]) -> httpx.Response:
        page, size = int(form["page"]), int(form["pageSize"])
        chunk = ids[(page - 1) * size : page * size]
        body: dict[str, Any] = {"success": True, "result": [order(i, matching(i)) for i in chunk]}
        if send_total:
            body["totalRecord"] = total
        return httpx.Response(200, json=body)

    return Gateway(reply)


@pytest.mark.parametrize(("total", "requests"), [(0, 1), (1, 1), (50, 1), (51, 2), (100, 2), (101, 3)])
def test_iter_buyer_orders_walks_every_page_and_no_more(total: int, requests: int) -> None:
    gateway = order_list_gateway(total)
    orders = list(make_client(gateway).iter_buyer_orders(page_size=50))
    assert [o.order_id for o in orders] == [str(i) for i in range(1, total + 1)]
    assert len(gateway.forms) == requests
    assert [form["page"] for form in gateway.forms] == [str(p) for p in range(1, requests + 1)]


@pytest.mark.parametrize(("total", "requests"), [(0, 1), (1, 1), (50, 2), (51, 2)])
def test_iter_buyer_orders_without_total_record_stops_at_a_short_page(total: int, requests: int) -> None:
    gateway = order_list_gateway(total, send_total=False)
    assert len(list(make_client(gateway).iter_buyer_orders())) == total
    assert len(gateway.forms) == requests


def test_list_buyer_orders_sends_filters_in_1688_time() -> None:
    gateway = order_list_gateway(0)
    page = make_client(gateway).list_buyer_orders(
        page=2,
        page_size=20,
        created_after=datetime(2026, 11, 1, tzinfo=UTC),
        created_before=datetime(2026, 11, 2, tzinfo=UTC),
        status=OrderStatus.WAIT_SELLER_SEND,
    )
    form = gateway.forms[0]
    assert (form["page"], form["pageSize"]) == ("2", "20")
    assert form["createStartTime"] == "20261101080000000+0800"
    assert form["createEndTime"] == "20261102080000000+0800"
    assert form["orderStatus"] == "waitsellersend"
    assert page.orders == [] and page.total == 0


def test_find_by_out_order_id_sends_the_filter_and_also_filters_locally() -> None:
    # A gateway that ignores the outOrderId filter: 60 orders, two of them ours.
    gateway = order_list_gateway(60, matching=lambda i: "AE-77" if i in (7, 55) else f"AE-{i}")
    found = make_client(gateway).find_orders_by_out_order_id("AE-77", created_after=NOW)
    assert [o.order_id for o in found] == ["7", "55"]
    assert all(form["outOrderId"] == "AE-77" for form in gateway.forms)
    assert gateway.forms[0]["createStartTime"] == to_aop_time(NOW)


def test_push_messages_walks_every_page() -> None:
    messages = [
        {
            "msgId": 100 + i,
            "gmtBorn": 1793520000000 + i,
            "type": "LOGISTICS_BUYER_VIEW_TRACE",
            "userInfo": "b2b-1",
            "data": {"orderId": "9001"},
        }
        for i in range(3)
    ]

    def reply(request: httpx.Request, form: dict[str, str]) -> httpx.Response:
        page, size = int(form["page"]), int(form["pageSize"])
        datas = messages[(page - 1) * size : page * size]
        return httpx.Response(
            200,
            json={
                "success": True,
                "result": {"pushMessagePage": {"datas": datas, "totalCount": len(messages)}},
            },
        )

    gateway = Gateway(reply)
    found = make_client(gateway).push_messages(NOW, NOW.replace(hour=20), page_size=2)
    assert [m.msg_id for m in found] == ["100", "101", "102"]
    assert found[0].gmt_born == datetime.fromtimestamp(1793520000, tz=UTC)
    assert len(gateway.forms) == 2
    assert gateway.forms[0]["startTime"] == "20261101163000000+0800"


# --- logistics, cancel, refunds -------------------------------------------------------------------


def test_logistics_infos_is_empty_while_not_shipped() -> None:
    gateway = answering({"success": False, "errorCode": "500_2", "errorMessage": "not shipped"})
    assert make_client(gateway).logistics_infos("9001") == []
    assert make_client(gateway).logistics_trace("9001") == []


def test_logistics_infos_and_trace_are_typed() -> None:
    infos = make_client(
        answering(
            {
                "success": True,
                "result": [
                    {
                        "logisticsId": "LP01",
                        "logisticsBillNo": "ZT123",
                        "status": "TRANSPORT",
                        "logisticsCompanyId": 8,
                        "logisticsCompanyName": "中通快递",
                    }
                ],
            }
        )
    ).logistics_infos("9001")
    assert (infos[0].bill_no, infos[0].status, infos[0].company_id) == ("ZT123", "TRANSPORT", "8")
    traces = make_client(
        answering(
            {
                "success": True,
                "logisticsTrace": [
                    {
                        "logisticsBillNo": "ZT123",
                        "logisticsSteps": [{"acceptTime": "20261102100000000+0800", "remark": "已揽收"}],
                    }
                ],
            }
        )
    ).logistics_trace("9001")
    assert traces[0].steps[0].accept_time == datetime(2026, 11, 2, 2, tzinfo=UTC)
    assert traces[0].steps[0].remark == "已揽收"


def test_cancel_refused_after_dispatch_is_a_business_error() -> None:
    gateway = answering({"success": False, "errorCode": "ORDER_STATUS_INVALID", "errorMessage": "shipped"})
    with pytest.raises(BusinessError) as caught:
        make_client(gateway).cancel_order("9001", "buyerCancel", "changed mind")
    assert caught.value.platform_code == "ORDER_STATUS_INVALID"
    assert gateway.forms[0]["tradeID"] == "9001" and gateway.forms[0]["cancelReason"] == "buyerCancel"


def test_refund_reasons_and_create_refund_send_fen_and_json_entry_ids() -> None:
    reasons = make_client(
        answering(
            {
                "success": True,
                "result": {"reasons": [{"id": 20006, "name": "未按约定时间发货", "needVoucher": False}]},
            }
        )
    ).refund_reasons("9001", ["777"], "refundWaitSellerSend")
    assert (reasons[0].id, reasons[0].need_voucher) == ("20006", False)
    gateway = answering({"success": True, "result": {"refundId": "TQ1"}})
    refund_id = make_client(gateway).create_refund(
        RefundRequest(
            order_id="9001",
            order_entry_ids=["777"],
            apply_payment=Money.of("12.35", "CNY"),
            apply_reason_id="20006",
            goods_status="refundWaitSellerSend",
            description="late",
        )
    )
    assert refund_id == "TQ1"
    form = gateway.forms[0]
    assert form["applyPayment"] == "1235" and form["applyCarriage"] == "0"
    assert json.loads(form["orderEntryIds"]) == [777] and json.loads(form["vouchers"]) == []
    assert form["disputeRequest"] == "refund"


# --- pushes ---------------------------------------------------------------------------------------

ENVELOPE = {
    "msgId": 123456789,
    "gmtBorn": "20261101163000000+0800",
    "type": "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS",
    "userInfo": "b2b-1",
    "data": {"orderId": "9001", "outOrderId": "AE-1", "logisticsBillNo": "ZT1"},
}


def _signed(message: str, secret: str = "s3cret") -> dict[str, str]:
    signature = hmac.new(secret.encode(), ("message" + message).encode(), hashlib.sha1).hexdigest().upper()
    return {"message": message, "_aop_signature": signature}


def test_verified_push_exposes_msg_id_type_and_data() -> None:
    push = verify_push("s3cret", _signed(json.dumps(ENVELOPE)))
    assert push.msg_id == "123456789" and push.type == "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS"
    assert push.data["outOrderId"] == "AE-1"
    assert push.gmt_born == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


def test_push_with_a_wrong_or_missing_signature_is_refused() -> None:
    message = json.dumps(ENVELOPE)
    with pytest.raises(PushSignatureInvalid):
        verify_push("s3cret", _signed(message, secret="other"))
    with pytest.raises(PushSignatureInvalid):
        verify_push("s3cret", {"message": message})


def test_unreadable_push_is_refused_naming_the_field() -> None:
    broken = copy.deepcopy(ENVELOPE)
    del broken["type"]
    with pytest.raises(InvalidPush) as caught:
        verify_push("s3cret", _signed(json.dumps(broken)))
    assert caught.value.details["field"] == "type"
    with pytest.raises(InvalidPush):
        verify_push("s3cret", _signed("not json"))
