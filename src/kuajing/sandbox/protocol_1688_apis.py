"""The 1688 APIs the sandbox answers: how each reads its parameters and what it replies.

``APIS`` maps (namespace, apiName) to an ``Api``: ``parse`` turns the form fields into typed
values or raises ``GatewayError`` (gw.MissingParameter / gw.InvalidParameter naming the field);
``run`` reads or writes the world and returns the reply body. Business refusals are HTTP 200
bodies, in the two shapes 1688 uses (createCrossOrder's ``result`` wrapper, or top-level
``success: false``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kuajing.sandbox import protocol_1688_params as read
from kuajing.sandbox import protocol_1688_replies as replies
from kuajing.sandbox.buyer_model import BuyerRefusal
from kuajing.sandbox.world import World

TRADE = "com.alibaba.trade"
LOGISTICS = "com.alibaba.logistics"
CROSSBORDER = "com.alibaba.fenxiao.crossborder"
OPEN = "cn.alibaba.open"

MAX_ORDER_PAGE_SIZE = 50
MAX_MESSAGE_PAGE_SIZE = 200


@dataclass
class Call:
    world: World
    member_id: str  # the buyer the access token belongs to
    args: dict[str, Any]


@dataclass(frozen=True)
class Api:
    parse: Callable[[dict[str, str]], dict[str, Any]]
    run: Callable[[Call], dict[str, Any]]


def _refusal(refusal: BuyerRefusal) -> dict[str, Any]:
    return {"success": False, "errorCode": refusal.code, "errorMessage": refusal.message}


# -- handlers ---------------------------------------------------------------------------------------


def _parse_product(params: dict[str, str]) -> dict[str, Any]:
    detail = read.json_param(params, "offerDetailParam", dict)
    try:
        return {"offer_id": int(detail["offerId"])}
    except KeyError as exc:
        raise read.missing("offerDetailParam.offerId") from exc
    except (TypeError, ValueError) as exc:
        raise read.invalid("offerDetailParam", "offerId must be an integer") from exc


def _product(call: Call) -> dict[str, Any]:
    offer = call.world.catalog.offers.get(call.args["offer_id"])
    if offer is None:
        return {
            "result": {
                "success": False,
                "code": "500_001",
                "message": f"商品不存在 offer {call.args['offer_id']} not found",
                "result": None,
            }
        }
    return {
        "result": {
            "success": True,
            "code": "200",
            "message": None,
            "result": replies.product_detail(call.world.catalog, offer),
        }
    }


def _parse_order_input(params: dict[str, str]) -> dict[str, Any]:
    return {
        "cargo": read.cargo(params),
        "address": read.address(params),
        "flow": params.get("flow") or "general",
        "out_order_id": params.get("outOrderId", "").strip(),
        "message": params.get("message", ""),
        "trade_type": params.get("tradeType", ""),
    }


def _preview(call: Call) -> dict[str, Any]:
    args = call.args
    try:
        quote = call.world.buyer.preview(args["cargo"], args["address"])
    except BuyerRefusal as refusal:
        return _refusal(refusal)
    return {
        "success": True,
        "orderPreviewResuslt": [
            {
                "sumPayment": quote.goods_fen + quote.post_fee_fen,
                "sumCarriage": quote.post_fee_fen,
                "sumPaymentNoCarriage": quote.goods_fen,
                "discountFee": 0,
                "flowFlag": args["flow"],
                "tradeModeNameList": ["fxassure", "assureTrade"]
                if args["flow"] in ("fenxiao", "saleproxy")
                else ["assureTrade"],
                "cargoList": [
                    {
                        "offerId": line.offer_id,
                        "specId": line.spec_id,
                        "skuId": line.sku_id,
                        "amount": line.amount_fen,
                        "finalUnitPrice": replies.yuan(line.unit_price),
                    }
                    for line in quote.lines
                ],
            }
        ],
    }


def _create(call: Call) -> dict[str, Any]:
    args = call.args
    try:
        purchase = call.world.buyer.create_order(
            call.member_id,
            args["cargo"],
            args["address"],
            out_order_id=args["out_order_id"] or None,
            flow=args["flow"],
            message=args["message"],
            trade_type=args["trade_type"],
        )
    except BuyerRefusal as refusal:
        failed = [
            {
                "offerId": item.offer_id,
                "specId": item.spec_id,
                "errorCode": refusal.code,
                "errorMessage": refusal.message,
            }
            for item in args["cargo"]
        ]
        return {
            "result": {
                "success": False,
                "code": refusal.code,
                "message": refusal.message,
                "failedOfferList": failed,
            }
        }
    return {
        "result": {
            "success": True,
            "orderId": str(purchase.order_id),
            "totalSuccessAmount": purchase.total_fen,
            "postFee": purchase.post_fee_fen,
            "code": None,
            "message": None,
            "failedOfferList": [],
            "orderList": [
                {
                    "orderId": str(purchase.order_id),
                    "postFee": purchase.post_fee_fen,
                    "orderAmmount": purchase.total_fen,
                }
            ],
        }
    }


def _buyer_view(call: Call) -> dict[str, Any]:
    try:
        purchase = call.world.buyer.get(call.args["order_id"], call.member_id)
    except BuyerRefusal as refusal:
        return _refusal(refusal)
    return {"success": True, "result": replies.order_view(call.world.catalog, purchase)}


def _parse_order_list(params: dict[str, str]) -> dict[str, Any]:
    page, page_size = read.integer(params, "page", default=1), read.integer(params, "pageSize", default=20)
    if page < 1:
        raise read.invalid("page", "must be at least 1")
    if not 1 <= page_size <= MAX_ORDER_PAGE_SIZE:
        raise read.invalid("pageSize", f"must be between 1 and {MAX_ORDER_PAGE_SIZE}")
    return {
        "page": page,
        "page_size": page_size,
        "start_ms": read.time_ms(params, "createStartTime"),
        "end_ms": read.time_ms(params, "createEndTime"),
        "status": params.get("orderStatus", "").strip(),
        "out_order_id": params.get("outOrderId", "").strip(),
    }


def _order_list(call: Call) -> dict[str, Any]:
    args = call.args
    found = [
        p
        for p in call.world.buyer.list_orders(
            call.member_id, status=args["status"] or None, out_order_id=args["out_order_id"] or None
        )
        if (args["start_ms"] is None or p.created_at.timestamp() * 1000 >= args["start_ms"])
        and (args["end_ms"] is None or p.created_at.timestamp() * 1000 < args["end_ms"])
    ]
    first = (args["page"] - 1) * args["page_size"]
    page = found[first : first + args["page_size"]]
    return {
        "success": True,
        "result": [replies.order_view(call.world.catalog, p) for p in page],
        "totalRecord": len(found),
    }


def _shipped(call: Call, render: Callable[..., dict[str, Any]], key: str) -> dict[str, Any]:
    try:
        purchase = call.world.buyer.get(call.args["order_id"], call.member_id)
    except BuyerRefusal as refusal:
        return _refusal(refusal)
    if purchase.shipment is None:
        return {"success": False, "errorCode": "500_2", "errorMessage": "物流信息不存在 not shipped yet"}
    return {"success": True, key: [render(purchase, purchase.shipment)]}


def _parse_cancel(params: dict[str, str]) -> dict[str, Any]:
    return {
        "order_id": read.integer(params, "tradeID"),
        "reason": read.text(params, "cancelReason"),
        "remark": params.get("remark", ""),
    }


def _cancel(call: Call) -> dict[str, Any]:
    try:
        call.world.buyer.cancel(call.args["order_id"], call.member_id, call.args["reason"])
    except BuyerRefusal as refusal:
        return _refusal(refusal)
    return {"success": True}


def _parse_reasons(params: dict[str, str]) -> dict[str, Any]:
    return {
        "order_id": read.integer(params, "orderId"),
        "entry_ids": read.entry_ids(params),
        "goods_status": read.goods_status(params),
    }


def _reasons(call: Call) -> dict[str, Any]:
    try:
        reasons = call.world.buyer.refund_reasons(
            call.args["order_id"], call.member_id, call.args["goods_status"]
        )
    except BuyerRefusal as refusal:
        return _refusal(refusal)
    return {
        "success": True,
        "result": {
            "reasons": [
                {"id": reason.id, "name": reason.name, "needVoucher": reason.need_voucher}
                for reason in reasons
            ]
        },
    }


def _parse_refund(params: dict[str, str]) -> dict[str, Any]:
    dispute = read.text(params, "disputeRequest")
    if dispute not in ("refund", "returnRefund"):
        raise read.invalid("disputeRequest", "refund or returnRefund")
    return {
        "order_id": read.integer(params, "orderId"),
        "entry_ids": read.entry_ids(params),
        "dispute_request": dispute,
        "apply_payment_fen": read.integer(params, "applyPayment"),
        "apply_carriage_fen": read.integer(params, "applyCarriage"),
        "reason_id": read.integer(params, "applyReasonId"),
        "description": read.text(params, "description"),
        "goods_status": read.goods_status(params),
        "vouchers": [str(v) for v in read.json_param(params, "vouchers", list, required=False)],
    }


def _refund(call: Call) -> dict[str, Any]:
    args = dict(call.args)
    order_id = args.pop("order_id")
    try:
        refund = call.world.buyer.create_refund(order_id, call.member_id, **args)
    except BuyerRefusal as refusal:
        return _refusal(refusal)
    return {"success": True, "result": {"refundId": refund.refund_id}}


def _parse_messages(params: dict[str, str]) -> dict[str, Any]:
    page, page_size = read.integer(params, "page", default=1), read.integer(params, "pageSize", default=20)
    if page < 1 or not 1 <= page_size <= MAX_MESSAGE_PAGE_SIZE:
        raise read.invalid(
            "pageSize" if page >= 1 else "page", f"page ≥ 1, pageSize 1..{MAX_MESSAGE_PAGE_SIZE}"
        )
    return {
        "page": page,
        "page_size": page_size,
        "start_ms": read.time_ms(params, "startTime"),
        "end_ms": read.time_ms(params, "endTime"),
        "type": params.get("type", "").strip(),
    }


def _messages(call: Call) -> dict[str, Any]:
    args = call.args
    found = [
        m
        for m in call.world.buyer.outbox.query(call.member_id, args["start_ms"], args["end_ms"])
        if not args["type"] or m.type == args["type"]
    ]
    first = (args["page"] - 1) * args["page_size"]
    datas = [m.envelope() for m in found[first : first + args["page_size"]]]
    return {"success": True, "result": {"pushMessagePage": {"datas": datas, "totalCount": len(found)}}}


APIS: dict[tuple[str, str], Api] = {
    (CROSSBORDER, "product.search.queryProductDetail"): Api(_parse_product, _product),
    (TRADE, "alibaba.createOrder.preview"): Api(_parse_order_input, _preview),
    (TRADE, "alibaba.trade.createCrossOrder"): Api(_parse_order_input, _create),
    (TRADE, "alibaba.trade.fastCreateOrder"): Api(_parse_order_input, _create),
    (TRADE, "alibaba.trade.get.buyerView"): Api(read.parse_order_id, _buyer_view),
    (TRADE, "alibaba.trade.getBuyerOrderList"): Api(_parse_order_list, _order_list),
    (LOGISTICS, "alibaba.trade.getLogisticsInfos.buyerView"): Api(
        read.parse_order_id, lambda call: _shipped(call, replies.logistics_info, "result")
    ),
    (LOGISTICS, "alibaba.trade.getLogisticsTraceInfo.buyerView"): Api(
        read.parse_order_id, lambda call: _shipped(call, replies.trace, "logisticsTrace")
    ),
    (TRADE, "alibaba.trade.cancel"): Api(_parse_cancel, _cancel),
    (TRADE, "alibaba.trade.getRefundReasonList"): Api(_parse_reasons, _reasons),
    (TRADE, "alibaba.trade.createRefund"): Api(_parse_refund, _refund),
    (OPEN, "push.query.messageList"): Api(_parse_messages, _messages),
}
