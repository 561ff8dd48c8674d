"""What the sandbox's 1688 buyer account holds: purchases, their shipments and trace, refunds.

Pure data plus the small rules that belong to it (amounts in fen, statuses, refund reasons, the
1688 time format). ``buyer.BuyerSide`` drives it; ``protocol_1688`` renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from kuajing.kit.clock import SHANGHAI

# Order statuses as 1688 spells them.
WAIT_BUYER_PAY = "waitbuyerpay"
WAIT_SELLER_SEND = "waitsellersend"
WAIT_BUYER_RECEIVE = "waitbuyerreceive"
SUCCESS = "success"
CANCEL = "cancel"
CANCELLABLE = (WAIT_BUYER_PAY, WAIT_SELLER_SEND)

# Logistics statuses (getLogisticsInfos ``status``).
WAIT_ACCEPT = "WAITACCEPT"
ACCEPT = "ACCEPT"
TRANSPORT = "TRANSPORT"
SIGN = "SIGN"

# productItems[].logisticsStatus: 1 未发货, 2 已发货, 3 已收货.
NOT_SHIPPED, SHIPPED, RECEIVED = 1, 2, 3

# Refund statuses (baseInfo.refundStatus).
REFUND_WAIT_SELLER_AGREE = "waitselleragree"
REFUND_SUCCESS = "refundsuccess"

GOODS_NOT_SENT = "refundWaitSellerSend"
GOODS_IN_TRANSIT = "refundWaitBuyerReceive"
GOODS_RECEIVED = "refundBuyerReceived"


@dataclass(frozen=True)
class RefundReason:
    id: int
    name: str
    need_voucher: bool


# Reasons per goodsStatus, as the buyer sees them on 1688 (the supplier-error ones the product
# recovers from the supplier need evidence: chat record, sign-off proof, unboxing video).
REFUND_REASONS: dict[str, tuple[RefundReason, ...]] = {
    GOODS_NOT_SENT: (
        RefundReason(20001, "拍错/多拍/不想要了", False),
        RefundReason(20002, "未按约定时间发货", False),
        RefundReason(20003, "缺货", False),
        RefundReason(20004, "协商一致退款", False),
    ),
    GOODS_IN_TRANSIT: (
        RefundReason(20011, "物流长时间未更新", False),
        RefundReason(20012, "快递一直未送达", False),
        RefundReason(20013, "协商一致退款", False),
    ),
    GOODS_RECEIVED: (
        RefundReason(20021, "货物与描述不符", True),
        RefundReason(20022, "少件漏发", True),
        RefundReason(20023, "发错货", True),
        RefundReason(20024, "包装破损", True),
        RefundReason(20025, "质量问题", True),
        RefundReason(20026, "七天无理由退货", False),
    ),
}


class BuyerRefusal(Exception):
    """The platform answered and said no: ``code`` is the 1688 business code (500_004, …)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def yuan_to_fen(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal(1), ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def to_1688_time(moment: datetime) -> str:
    """``yyyyMMddHHmmssSSS+0800`` in Asia/Shanghai, as the 1688 trade APIs write times."""
    local = moment.astimezone(SHANGHAI)
    return f"{local:%Y%m%d%H%M%S}{local.microsecond // 1000:03d}+0800"


def from_1688_time(text: str) -> datetime:
    """Reads ``yyyyMMddHHmmssSSS+0800`` (also without milliseconds, or ``yyyy-MM-dd HH:mm:ss``)."""
    text = text.strip()
    if len(text) == 22:  # yyyyMMddHHmmssSSS+0800; strptime's %f wants microseconds
        text, pattern = text[:17] + "000" + text[17:], "%Y%m%d%H%M%S%f%z"
    elif len(text) == 19 and "-" not in text[:8]:
        pattern = "%Y%m%d%H%M%S%z"
    else:
        pattern = "%Y-%m-%d %H:%M:%S"
    try:
        moment = datetime.strptime(text, pattern)
    except ValueError:
        pass
    else:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=SHANGHAI)
        return moment.astimezone(UTC)
    raise ValueError(f"not a 1688 time: {text!r}")


@dataclass(frozen=True)
class CargoItem:
    offer_id: int
    spec_id: str
    quantity: int


@dataclass
class PurchaseLine:
    entry_id: int  # subItemID: what refunds name in orderEntryIds
    offer_id: int
    spec_id: str
    sku_id: int
    subject: str
    quantity: int
    unit_price: Decimal  # 代发价 (consign price), yuan

    @property
    def amount_fen(self) -> int:
        return yuan_to_fen(self.unit_price * self.quantity)


@dataclass(frozen=True)
class TraceStep:
    at: datetime
    remark: str
    status: str  # the logistics status once this step happened


@dataclass
class Shipment:
    logistics_id: str
    bill_no: str
    carrier_code: str
    company_name: str
    company_id: int
    dispatched_at: datetime
    planned_steps: list[TraceStep]
    shown_steps: int = 0  # how many planned steps have happened so far

    @property
    def steps(self) -> list[TraceStep]:
        return self.planned_steps[: self.shown_steps]

    @property
    def status(self) -> str:
        return self.steps[-1].status if self.steps else WAIT_ACCEPT


@dataclass
class Refund:
    refund_id: str
    order_id: int
    entry_ids: tuple[int, ...]
    dispute_request: str
    apply_payment_fen: int
    apply_carriage_fen: int
    reason: RefundReason
    description: str
    goods_status: str
    vouchers: tuple[str, ...]
    created_at: datetime
    resolves_at: datetime
    status: str = REFUND_WAIT_SELLER_AGREE


@dataclass
class Purchase:
    order_id: int
    buyer_member_id: str
    seller_member_id: str
    out_order_id: str | None
    flow: str
    trade_type: str
    message: str
    lines: list[PurchaseLine]
    post_fee_fen: int
    address: dict[str, str]
    created_at: datetime
    dispatch_due: datetime  # drawn at creation from the supplier's on-time rate
    status: str = WAIT_BUYER_PAY
    paid_at: datetime | None = None
    modified_at: datetime | None = None
    completed_at: datetime | None = None
    close_reason: str | None = None
    shipment: Shipment | None = None
    refunds: list[Refund] = field(default_factory=list)

    @property
    def goods_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    @property
    def total_fen(self) -> int:
        return self.goods_fen + self.post_fee_fen

    @property
    def refund_status(self) -> str | None:
        return self.refunds[-1].status if self.refunds else None

    @property
    def line_logistics_status(self) -> int:
        if self.status == SUCCESS:
            return RECEIVED
        return SHIPPED if self.shipment else NOT_SHIPPED
