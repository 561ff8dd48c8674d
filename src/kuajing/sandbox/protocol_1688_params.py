"""Reading 1688 request parameters: typed values, or the gateway error naming the bad field.

Structured parameters travel as JSON strings (``addressParam``, ``cargoParamList``, …); times as
``yyyyMMddHHmmssSSS+0800`` (epoch milliseconds are accepted too).
"""

from __future__ import annotations

import json
from typing import Any

from kuajing.sandbox.buyer_model import REFUND_REASONS, CargoItem, from_1688_time


class GatewayError(Exception):
    """A gateway-level refusal: HTTP status + ``{error_code, error_message, request_id}``."""

    def __init__(self, code: str, message: str, http_status: int) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status


def missing(name: str) -> GatewayError:
    return GatewayError("gw.MissingParameter", f"Missing required parameter: {name}", 400)


def invalid(name: str, why: str) -> GatewayError:
    return GatewayError("gw.InvalidParameter", f"Invalid parameter {name}: {why}", 400)


def text(params: dict[str, str], name: str, *, required: bool = True) -> str:
    value = params.get(name, "").strip()
    if required and not value:
        raise missing(name)
    return value


def integer(params: dict[str, str], name: str, *, default: int | None = None) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        if default is None:
            raise missing(name)
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise invalid(name, f"{raw!r} is not an integer") from exc


def json_param(params: dict[str, str], name: str, kind: type, *, required: bool = True) -> Any:
    raw = params.get(name, "").strip()
    if not raw:
        if required:
            raise missing(name)
        return kind()
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise invalid(name, "not valid JSON") from exc
    if not isinstance(value, kind):
        raise invalid(name, f"must be a JSON {'object' if kind is dict else 'array'}")
    return value


def time_ms(params: dict[str, str], name: str) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if raw.isdigit() and len(raw) >= 12:
        return int(raw)
    try:
        return int(from_1688_time(raw).timestamp() * 1000)
    except ValueError as exc:
        raise invalid(name, "expected yyyyMMddHHmmssSSS+0800 or epoch milliseconds") from exc


def cargo(params: dict[str, str]) -> list[CargoItem]:
    items = json_param(params, "cargoParamList", list)
    if not items:
        raise invalid("cargoParamList", "must not be empty")
    cargo = []
    for item in items:
        if not isinstance(item, dict) or not item.get("specId") or not {"offerId", "quantity"} <= item.keys():
            raise invalid("cargoParamList", "each item needs offerId, specId and quantity")
        if isinstance(item["quantity"], bool | float) and not float(item["quantity"]).is_integer():
            raise invalid("cargoParamList", "quantity must be an integer")
        try:
            offer_id, quantity = int(item["offerId"]), int(item["quantity"])
        except (TypeError, ValueError) as exc:
            raise invalid("cargoParamList", "offerId and quantity must be integers") from exc
        cargo.append(CargoItem(offer_id, str(item["specId"]), quantity))
    return cargo


def address(params: dict[str, str]) -> dict[str, str]:
    address = json_param(params, "addressParam", dict)
    return {str(key): "" if value is None else str(value) for key, value in address.items()}


def parse_order_id(params: dict[str, str], name: str = "orderId") -> dict[str, Any]:
    return {"order_id": integer(params, name)}


def goods_status(params: dict[str, str]) -> str:
    status = text(params, "goodsStatus")
    if status not in REFUND_REASONS:
        raise invalid("goodsStatus", f"one of {', '.join(REFUND_REASONS)}")
    return status


def entry_ids(params: dict[str, str]) -> list[int]:
    try:
        return [int(entry) for entry in json_param(params, "orderEntryIds", list)]
    except (TypeError, ValueError) as exc:
        raise invalid("orderEntryIds", "must be a JSON array of integers") from exc
