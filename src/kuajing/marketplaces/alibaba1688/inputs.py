"""What kuajing sends to 1688 when it buys: the delivery address, the cargo, a refund request.

Orders are checked here before anything is sent, so a bad address or an oversized order fails
fast with ``ValidationFailed`` naming the field instead of as a 500_005/500_006 from the platform.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kuajing.kit.errors import ValidationFailed
from kuajing.kit.money import Money

MAX_CARGO_ITEMS = 50  # 1688 refuses more than 50 SKUs in one order (500_006)


def to_json(value: Any) -> str:
    """Structured parameters travel as compact JSON strings, signed exactly as sent."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class DeliveryAddress:
    """A text address with China's four levels (province, city, area/district, town/street)."""

    full_name: str
    mobile: str
    province: str
    city: str
    area: str
    town: str
    address: str  # the street address line below the town
    phone: str = ""
    post_code: str = ""

    def to_param(self) -> dict[str, str]:
        param = {
            "fullName": self.full_name,
            "mobile": self.mobile,
            "phone": self.phone,
            "postCode": self.post_code,
            "provinceText": self.province,
            "cityText": self.city,
            "areaText": self.area,
            "townText": self.town,
            "address": self.address,
        }
        return {key: value for key, value in param.items() if value}

    def check_complete(self) -> None:
        for name in ("province", "city", "area", "town", "address", "full_name", "mobile"):
            if not str(getattr(self, name)).strip():
                raise ValidationFailed(
                    f"delivery address is missing {name}",
                    f"收货地址缺少 {name}",
                    details={"field": f"address.{name}"},
                )


@dataclass(frozen=True)
class CargoItem:
    offer_id: int
    quantity: int
    spec_id: str | None = None  # None only for offers without specs

    def to_param(self) -> dict[str, Any]:
        param: dict[str, Any] = {"offerId": self.offer_id, "quantity": self.quantity}
        if self.spec_id:
            param["specId"] = self.spec_id
        return param


def check_cargo(cargo: Sequence[CargoItem]) -> None:
    if not cargo:
        raise ValidationFailed(
            "an order needs at least one cargo item", "订单至少需要一个商品", details={"field": "cargo"}
        )
    if len(cargo) > MAX_CARGO_ITEMS:
        raise ValidationFailed(
            f"{len(cargo)} cargo items; 1688 accepts at most {MAX_CARGO_ITEMS} in one order",
            f"商品 {len(cargo)} 项,1688 每单最多 {MAX_CARGO_ITEMS} 项",
            details={"field": "cargo", "count": len(cargo)},
        )
    for index, item in enumerate(cargo):
        if item.quantity < 1:
            raise ValidationFailed(
                f"cargo[{index}].quantity must be at least 1, got {item.quantity}",
                f"第 {index + 1} 项商品数量至少为 1,实际 {item.quantity}",
                details={"field": f"cargo[{index}].quantity"},
            )


def cargo_param(cargo: Sequence[CargoItem]) -> str:
    return to_json([item.to_param() for item in cargo])


@dataclass(frozen=True)
class RefundRequest:
    """``alibaba.trade.createRefund``: amounts are sent in fen."""

    order_id: str
    order_entry_ids: list[str]
    apply_payment: Money
    apply_reason_id: str
    goods_status: str  # refundWaitSellerSend | refundWaitBuyerReceive | refundBuyerReceived
    description: str  # 1688 requires one
    dispute_request: str = "refund"  # refund | returnRefund
    apply_carriage: Money = field(default_factory=lambda: Money.zero("CNY"))
    vouchers: list[str] = field(default_factory=list)

    def to_params(self) -> dict[str, str]:
        for name in ("apply_payment", "apply_carriage"):
            if getattr(self, name).currency != "CNY":
                raise ValidationFailed(
                    f"{name} must be in CNY", f"{name} 必须是人民币", details={"field": name}
                )
        return {
            "orderId": self.order_id,
            "orderEntryIds": to_json([_entry_id(entry) for entry in self.order_entry_ids]),
            "disputeRequest": self.dispute_request,
            "applyPayment": str(self.apply_payment.to_minor()),
            "applyCarriage": str(self.apply_carriage.to_minor()),
            "applyReasonId": self.apply_reason_id,
            "description": self.description,
            "goodsStatus": self.goods_status,
            "vouchers": to_json(self.vouchers),
        }


def _entry_id(entry: str) -> int | str:
    # 1688 order entry ids are numbers; send them as JSON numbers when they are.
    return int(entry) if entry.isdigit() else entry
