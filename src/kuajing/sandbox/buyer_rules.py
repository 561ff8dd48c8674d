"""The rules 1688 applies to a buyer's order: what it refuses, what it charges, how a parcel moves.

Business codes (the sandbox's, agreed in the shared brief): 500_001 offer not found or delisted;
500_002 specId not on the offer; 500_003 quantity invalid; 500_004 out of stock; 500_005 address
incomplete; 500_006 more than one supplier or more than 50 SKUs; 500_007 no 代发 relation with the
supplier; 500_008 price changed (reserved, never raised); 500_009 cannot ship to that area.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from kuajing.sandbox.buyer_model import (
    ACCEPT,
    CANCEL,
    GOODS_NOT_SENT,
    REFUND_REASONS,
    REFUND_WAIT_SELLER_AGREE,
    SIGN,
    TRANSPORT,
    WAIT_SELLER_SEND,
    BuyerRefusal,
    CargoItem,
    Purchase,
    PurchaseLine,
    RefundReason,
    TraceStep,
    to_1688_time,
)
from kuajing.sandbox.carriers import Carrier
from kuajing.sandbox.catalog import Catalog, Supplier

__all__ = [
    "DISPATCH_ON_TIME",
    "DISPATCH_ON_TIME_SUPER",
    "Quote",
    "check_refund",
    "plan_trace",
    "quote",
    "to_1688_time",
]

# The guide's ≤ 72 h dispatch rates.
DISPATCH_ON_TIME_SUPER = 0.917
DISPATCH_ON_TIME = 0.634

MAX_QUANTITY = 9999
MAX_SKUS = 50
# 1688 fulfils in mainland China only.
NOT_SHIPPABLE = ("香港特别行政区", "香港", "澳门特别行政区", "澳门", "台湾省", "台湾")
# Domestic express to the buyer's (forwarder's) address: first kg and each further kg, in fen.
POST_FIRST_KG_FEN = 400
POST_EXTRA_KG_FEN = 200

ADDRESS_FIELDS = ("fullName", "mobile", "provinceText", "cityText", "areaText", "townText", "address")
# Stored addresses of the sandbox buyer account (addressParam {"addressId": ...}).
SAVED_ADDRESSES: dict[str, dict[str, str]] = {
    "1001": {
        "fullName": "王仓管",
        "mobile": "13800001688",
        "phone": "",
        "postCode": "322000",
        "provinceText": "浙江省",
        "cityText": "金华市",
        "areaText": "义乌市",
        "townText": "稠城街道",
        "address": "国际商贸城一区东门跨境集运仓 A-12",
    },
    "1002": {
        "fullName": "李收货",
        "mobile": "13900001688",
        "phone": "",
        "postCode": "518000",
        "provinceText": "广东省",
        "cityText": "深圳市",
        "areaText": "宝安区",
        "townText": "福永街道",
        "address": "福海工业区 3 栋 2 楼 海外仓转运中心",
    },
}
# districtCode → (province, city, area) for addressParam {"districtCode": ...}.
DISTRICTS: dict[str, tuple[str, str, str]] = {
    "330782": ("浙江省", "金华市", "义乌市"),
    "440306": ("广东省", "深圳市", "宝安区"),
    "440111": ("广东省", "广州市", "白云区"),
    "310115": ("上海市", "上海市", "浦东新区"),
    "650102": ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"),
}


@dataclass
class Quote:
    supplier: Supplier
    lines: list[PurchaseLine]
    post_fee_fen: int
    address: dict[str, str]

    @property
    def goods_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)


def quote(catalog: Catalog, cargo: list[CargoItem], address: dict[str, str]) -> Quote:
    """Validates an order the way 1688 does and prices it at the 代发 (consign) price."""
    if not cargo:
        raise BuyerRefusal("500_003", "商品数量不能为空 no cargo")
    lines: list[PurchaseLine] = []
    weight_g = 0
    for item in cargo:
        offer = catalog.offers.get(item.offer_id)
        if offer is None or offer.status != "published":
            raise BuyerRefusal("500_001", f"商品不存在或已下架 offer {item.offer_id} not found or delisted")
        spec = offer.spec(item.spec_id)
        if spec is None:
            raise BuyerRefusal("500_002", f"规格不存在 specId {item.spec_id} not on offer {item.offer_id}")
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise BuyerRefusal("500_003", f"购买数量无效 quantity {item.quantity} not in 1..{MAX_QUANTITY}")
        lines.append(
            PurchaseLine(
                0, offer.offer_id, spec.spec_id, spec.sku_id, offer.subject, item.quantity, spec.consign_price
            )
        )
        weight_g += offer.weight_g * item.quantity
    sellers = {catalog.offers[item.offer_id].supplier_member_id for item in cargo}
    if len(sellers) > 1 or len({item.spec_id for item in cargo}) > MAX_SKUS:
        raise BuyerRefusal(
            "500_006",
            f"一个订单只能包含一个供应商且不超过{MAX_SKUS}个SKU "
            f"one supplier and at most {MAX_SKUS} SKUs per order",
        )
    supplier = catalog.suppliers[sellers.pop()]
    if not supplier.dropship_relation:
        raise BuyerRefusal(
            "500_007",
            f"未与供应商{supplier.company_name}建立代发关系 no dropship relation with {supplier.member_id}",
        )
    wanted: dict[tuple[int, str], int] = {}
    for item in cargo:
        wanted[(item.offer_id, item.spec_id)] = wanted.get((item.offer_id, item.spec_id), 0) + item.quantity
    for (offer_id, spec_id), quantity in wanted.items():
        spec = catalog.offers[offer_id].spec(spec_id)
        if spec is not None and spec.stock < quantity:
            raise BuyerRefusal(
                "500_004", f"库存不足 specId {spec_id}: {spec.stock} in stock, {quantity} wanted"
            )
    resolved = resolve_address(address)
    province = resolved["provinceText"]
    if province in NOT_SHIPPABLE or province in supplier.excluded_provinces:
        raise BuyerRefusal("500_009", f"该地区不支持配送 supplier does not ship to {province}")
    extra_kg = max(0, ceil(weight_g / 1000) - 1)
    return Quote(supplier, lines, POST_FIRST_KG_FEN + POST_EXTRA_KG_FEN * extra_kg, resolved)


def resolve_address(address: dict[str, str]) -> dict[str, str]:
    """The four-level address (province, city, area, town) plus name, mobile and street address."""
    if address.get("addressId"):
        saved = SAVED_ADDRESSES.get(str(address["addressId"]))
        if saved is None:
            raise BuyerRefusal("500_005", f"收货地址不存在 addressId {address['addressId']} not found")
        return dict(saved)
    resolved = {key: str(value).strip() for key, value in address.items() if value is not None}
    if resolved.get("districtCode"):
        district = DISTRICTS.get(resolved["districtCode"])
        if district is None:
            raise BuyerRefusal("500_005", f"地区编码无效 districtCode {resolved['districtCode']} unknown")
        resolved.update(zip(("provinceText", "cityText", "areaText"), district, strict=True))
    missing = [name for name in ADDRESS_FIELDS if not resolved.get(name)]
    if missing:
        raise BuyerRefusal("500_005", f"收货地址不完整 address incomplete: missing {', '.join(missing)}")
    return resolved


def check_refund(
    purchase: Purchase,
    *,
    entry_ids: list[int],
    apply_payment_fen: int,
    apply_carriage_fen: int,
    reason_id: int,
    goods_status: str,
    vouchers: list[str],
) -> RefundReason:
    if purchase.status == CANCEL:
        raise BuyerRefusal("ORDER_STATUS_INVALID", "订单已关闭 order is closed")
    if goods_status == GOODS_NOT_SENT and purchase.status != WAIT_SELLER_SEND:
        raise BuyerRefusal("ORDER_STATUS_INVALID", "订单已发货 goods already sent")
    lines = {line.entry_id: line for line in purchase.lines}
    unknown = [entry for entry in entry_ids if entry not in lines]
    if not entry_ids or unknown:
        raise BuyerRefusal(
            "ORDER_ENTRY_NOT_FOUND", f"子订单不存在 order entries {unknown or entry_ids} not found"
        )
    open_entries = {
        entry
        for refund in purchase.refunds
        if refund.status == REFUND_WAIT_SELLER_AGREE
        for entry in refund.entry_ids
    }
    if open_entries & set(entry_ids):
        raise BuyerRefusal("REFUND_EXISTS", "该子订单已有进行中的退款 a refund is already open")
    reason = next((r for r in REFUND_REASONS[goods_status] if r.id == reason_id), None)
    if reason is None:
        raise BuyerRefusal(
            "REFUND_REASON_INVALID", f"退款原因无效 reason {reason_id} not valid for {goods_status}"
        )
    if reason.need_voucher and not vouchers:
        raise BuyerRefusal("REFUND_VOUCHER_REQUIRED", f"{reason.name}需要上传凭证 vouchers required")
    payable = sum(lines[entry].amount_fen for entry in set(entry_ids))
    if not 0 <= apply_payment_fen <= payable or not 0 <= apply_carriage_fen <= purchase.post_fee_fen:
        raise BuyerRefusal(
            "REFUND_AMOUNT_EXCEEDED",
            f"退款金额超出 at most {payable} fen goods and {purchase.post_fee_fen} fen carriage",
        )
    return reason


HUBS = ("上海国际邮件处理中心", "广州国际邮件互换局", "深圳国际快件监管中心", "义乌国际陆港")


CUSTOMS_HOLD_SHARE = 0.03  # approved-carrier parcels held at import clearance, then released
RETURNED_SHARE = 0.02  # … held, then sent back to the sender
HELD_TEXT = "已到达目的国,海关查验中 (Customs inspection)"
RELEASED_TEXT = "海关放行,进口清关完成"
DETAINED_TEXT = "已到达目的国,海关扣留 (Held by customs)"
RETURNED_TEXT = "清关失败,包裹退回寄件人 (Returned to sender)"
ARRIVAL_STEP = 5  # "已到达目的国,进口清关完成": where a parcel meets import customs


def plan_trace(
    rng: random.Random, carrier: Carrier, city: str, dispatched_at: datetime, *, fate: int | None = None
) -> list[TraceStep]:
    """The parcel's carrier events over the following days (an unapproved carrier often goes quiet).

    ``fate`` (a per-parcel number, e.g. a hash of the order id) decides the rare customs hold or
    return of an approved-carrier parcel. It and the hold's timings come from their own random
    stream, so the world's shared one draws exactly what it drew before these existed."""
    hub = rng.choice(HUBS)
    plan: tuple[tuple[tuple[int, int], str, str], ...] = (
        ((1, 6), f"【{city}】{carrier.name_zh} 已揽收", ACCEPT),
        ((4, 18), f"快件已从【{city}分拨中心】发出,已发往【{hub}】", TRANSPORT),
        ((6, 24), f"快件已到达【{hub}】", TRANSPORT),
        ((6, 36), "出口清关完成,等待航班", TRANSPORT),
        ((12, 48), "航班已起飞,快件离开中国", TRANSPORT),
        ((48, 120), "已到达目的国,进口清关完成", TRANSPORT),
        ((12, 72), "快件正在派送中", TRANSPORT),
        ((2, 24), "已签收,感谢使用", SIGN),
    )
    if not carrier.approved and rng.random() < 0.6:
        plan = plan[:1]  # 未备案 lines: after 揽收 nothing more is ever reported
    steps: list[TraceStep] = []
    at = dispatched_at
    for (low, high), remark, status in plan:
        at += timedelta(hours=rng.uniform(low, high))
        steps.append(TraceStep(at, remark, status))
    if fate is None or len(steps) != len(plan) or len(plan) <= ARRIVAL_STEP:
        return steps
    return _customs_fate(steps, random.Random(fate))


def _customs_fate(steps: list[TraceStep], side: random.Random) -> list[TraceStep]:
    """A few parcels are held at import: released days later (the rest of the trace shifts), or
    returned to the sender (the trace ends there)."""
    draw = side.random()
    arrival = steps[ARRIVAL_STEP]
    if draw < CUSTOMS_HOLD_SHARE:
        held = timedelta(hours=side.uniform(72, 192))
        shifted = [TraceStep(step.at + held, step.remark, step.status) for step in steps[ARRIVAL_STEP + 1 :]]
        return [
            *steps[:ARRIVAL_STEP],
            TraceStep(arrival.at, HELD_TEXT, TRANSPORT),
            TraceStep(arrival.at + held, RELEASED_TEXT, TRANSPORT),
            *shifted,
        ]
    if draw < CUSTOMS_HOLD_SHARE + RETURNED_SHARE:
        held = timedelta(hours=side.uniform(72, 168))
        return [
            *steps[:ARRIVAL_STEP],
            TraceStep(arrival.at, DETAINED_TEXT, TRANSPORT),
            TraceStep(arrival.at + held, RETURNED_TEXT, TRANSPORT),
        ]
    return steps
