"""The AliExpress methods the sandbox serves: how each parses its parameters and what it answers.

``parse`` runs before any fault is injected and raises ``ApiError`` (MissingParameter naming the
parameter, InvalidParameter) so a bad call never writes; ``run`` reads or writes the storefront
synchronously and returns the reply body without ``request_id`` or the ``_response`` wrapper.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kuajing.kit.clock import from_ae_time, to_ae_time
from kuajing.sandbox import protocol_aliexpress_replies as replies
from kuajing.sandbox.storefront import Storefront, StorefrontRefusal
from kuajing.sandbox.storefront_auth import AuthError
from kuajing.sandbox.storefront_disputes import disputes_of
from kuajing.sandbox.storefront_listings import Store
from kuajing.sandbox.storefront_orders import AeOrder, OrderStatus

MAX_PAGE_SIZE = 50
MAX_DESCRIPTION = 512


class ApiError(Exception):
    """A gateway or parameter error in the platform's error shape."""

    def __init__(self, code: str, msg: str, *, type_: str = "ISV", http_status: int = 200) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.type = type_
        self.http_status = http_status


@dataclass
class Call:
    storefront: Storefront
    store: Store | None  # None for system APIs
    wall_now: float
    args: dict[str, Any]

    @property
    def seller(self) -> Store:
        assert self.store is not None, "business APIs always have a store"
        return self.store


@dataclass(frozen=True)
class MethodSpec:
    business: bool  # needs an access token (a store)
    parse: Callable[[dict[str, str]], dict[str, Any]]
    run: Callable[[Call], dict[str, Any]]


# --- parameter helpers ---------------------------------------------------------------------------


def _required(params: dict[str, Any], name: str, prefix: str = "") -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise ApiError("MissingParameter", f"Missing required parameter: {prefix}{name}")
    return value


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ApiError("InvalidParameter", f"{name} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ApiError("InvalidParameter", f"{name} must be an integer") from exc


def _json(params: dict[str, str], name: str, kind: type) -> Any:
    raw = _required(params, name)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ApiError("InvalidParameter", f"{name} is not valid JSON") from exc
    if not isinstance(value, kind):
        raise ApiError("InvalidParameter", f"{name} must be a JSON {kind.__name__}")
    return value


def _ae_time(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return from_ae_time(str(value))
    except ValueError as exc:
        raise ApiError("InvalidParameter", f"{name} must be yyyy-MM-dd HH:mm:ss") from exc


def _status(value: Any, name: str) -> OrderStatus:
    try:
        return OrderStatus(value)
    except ValueError as exc:
        raise ApiError("InvalidParameter", f"{name}: unknown order status {value!r}") from exc


# --- aliexpress.solution.order.get -------------------------------------------------------------


def _parse_order_get(params: dict[str, str]) -> dict[str, Any]:
    query = _json(params, "param0", dict)
    page = _integer(_required(query, "current_page", "param0."), "current_page")
    page_size = _integer(_required(query, "page_size", "param0."), "page_size")
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ApiError("InvalidParameter", f"current_page must be ≥ 1 and page_size 1..{MAX_PAGE_SIZE}")
    statuses: set[OrderStatus] = set()
    if query.get("order_status"):
        statuses.add(_status(query["order_status"], "order_status"))
    status_list = query.get("order_status_list") or []
    if not isinstance(status_list, list):
        raise ApiError("InvalidParameter", "order_status_list must be a list")
    statuses.update(_status(item, "order_status_list") for item in status_list)
    ranges = {
        name: _ae_time(query.get(name), name)
        for name in ("create_date_start", "create_date_end", "modified_date_start", "modified_date_end")
    }
    return {
        "page": page,
        "page_size": page_size,
        "statuses": statuses,
        "buyer_login_id": query.get("buyer_login_id") or None,
        **ranges,
    }


def _within(moment: datetime, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or moment >= start) and (end is None or moment < end)


def _run_order_get(call: Call) -> dict[str, Any]:
    args = call.args

    def wanted(order: AeOrder) -> bool:
        return (
            (not args["statuses"] or order.status in args["statuses"])
            and (args["buyer_login_id"] is None or order.buyer.login_id == args["buyer_login_id"])
            and _within(order.gmt_create, args["create_date_start"], args["create_date_end"])
            and _within(order.gmt_update, args["modified_date_start"], args["modified_date_end"])
        )

    orders = sorted(
        (o for o in call.storefront.orders_of(call.seller) if wanted(o)),
        key=lambda o: (o.gmt_update, o.order_id),
    )
    page, size = args["page"], args["page_size"]
    now = call.storefront.now()
    chosen = orders[(page - 1) * size : page * size]
    return {
        "result": {
            "success": True,
            "error_code": None,
            "error_message": None,
            "total_count": len(orders),
            "total_page": math.ceil(len(orders) / size),
            "current_page": page,
            "page_size": size,
            "time_stamp": to_ae_time(now),
            "target_list": {"order_dto": [replies.order_dto(order, now) for order in chosen]},
        }
    }


# --- aliexpress.solution.order.info.get --------------------------------------------------------


def _parse_order_info(params: dict[str, str]) -> dict[str, Any]:
    query = _json(params, "param1", dict)
    return {"order_id": _integer(_required(query, "order_id", "param1."), "order_id")}


def _run_order_info(call: Call) -> dict[str, Any]:
    order = call.storefront.order_of(call.seller, call.args["order_id"])
    if order is None:
        return {
            "result": {
                "success": False,
                "error_code": "ORDER_NOT_FOUND",
                "error_message": f"order {call.args['order_id']} not found",
            }
        }
    return {
        "result": {
            "success": True,
            "error_code": None,
            "error_message": None,
            "data": replies.order_info(order),
        }
    }


# --- aliexpress.solution.order.fulfill ---------------------------------------------------------


def _parse_fulfill(params: dict[str, str]) -> dict[str, Any]:
    names = ("service_name", "out_ref", "send_type", "logistics_no")
    args = {name: _required(params, name) for name in names}
    args["out_ref"] = _integer(args["out_ref"], "out_ref")
    if args["send_type"] not in ("all", "part"):
        raise ApiError("InvalidParameter", "send_type must be all or part")
    description = params.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        raise ApiError("InvalidParameter", f"description is longer than {MAX_DESCRIPTION} characters")
    return {**args, "tracking_website": params.get("tracking_website", ""), "description": description}


def _run_fulfill(call: Call) -> dict[str, Any]:
    args = call.args
    try:
        call.storefront.fulfil(
            call.seller,
            args["out_ref"],
            args["service_name"],
            args["send_type"],
            args["logistics_no"],
            args["tracking_website"],
            args["description"],
        )
    except StorefrontRefusal as refusal:
        return {
            "result": {
                "result_success": False,
                "result_error_code": refusal.code,
                "result_error_desc": refusal.message,
            }
        }
    return {"result": {"result_success": True}}


# --- aliexpress.logistics.* --------------------------------------------------------------------


def _parse_nothing(params: dict[str, str]) -> dict[str, Any]:
    return {}


def _run_list_services(call: Call) -> dict[str, Any]:
    return {
        "result_success": True,
        "result_list": {"aeop_logistics_service_result": replies.logistics_services()},
    }


_WAREHOUSE_REQUIRED = (
    "domestic_logistics_company_id",
    "domestic_tracking_no",
    "trade_order_id",
    "trade_order_from",
    "warehouse_carrier_service",
)


def _parse_warehouse_order(params: dict[str, str]) -> dict[str, Any]:
    address = _json(params, "address_d_t_os", dict)
    _required(address, "receiver", "address_d_t_os.")
    declared = _json(params, "declare_product_d_t_os", list)
    if not declared:
        raise ApiError("InvalidParameter", "declare_product_d_t_os must list at least one product")
    args = {name: _required(params, name) for name in _WAREHOUSE_REQUIRED}
    args["domestic_logistics_company_id"] = _integer(
        args["domestic_logistics_company_id"], "domestic_logistics_company_id"
    )
    args["trade_order_id"] = _integer(args["trade_order_id"], "trade_order_id")
    return {**args, "address": address, "declared": declared}


def _run_warehouse_order(call: Call) -> dict[str, Any]:
    args = call.args
    try:
        created = call.storefront.create_warehouse_order(
            call.seller,
            args["trade_order_id"],
            args["domestic_tracking_no"],
            args["warehouse_carrier_service"],
        )
    except StorefrontRefusal as refusal:
        return {
            "result": {
                "success": False,
                "error_code": refusal.code,
                "error_desc": refusal.message,
                "intl_tracking_no": None,
                "warehouse_order_id": None,
                "trade_order_id": args["trade_order_id"],
            }
        }
    return {"result": replies.warehouse_order(created)}


# --- aliexpress.solution.product.info.get ------------------------------------------------------


def _parse_product_info(params: dict[str, str]) -> dict[str, Any]:
    return {"product_id": _integer(_required(params, "product_id"), "product_id")}


def _run_product_info(call: Call) -> dict[str, Any]:
    listing = call.storefront.listing_of(call.seller, call.args["product_id"])
    if listing is None:
        raise ApiError("InvalidParameter", "product not found")
    return {"result": replies.product_info(listing)}


# --- aliexpress.issue.* (disputes; storefront_disputes.py) -----------------------------------

ISSUE_STATUSES = ("processing", "canceled", "finish")


def _parse_issue_list(params: dict[str, str]) -> dict[str, Any]:
    query = _json(params, "query_dto", dict)
    page = _integer(_required(query, "current_page", "query_dto."), "current_page")
    page_size = _integer(_required(query, "page_size", "query_dto."), "page_size")
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ApiError("InvalidParameter", f"current_page must be ≥ 1 and page_size 1..{MAX_PAGE_SIZE}")
    status = query.get("issue_status") or None
    if status is not None and status not in ISSUE_STATUSES:
        raise ApiError("InvalidParameter", f"issue_status must be one of {', '.join(ISSUE_STATUSES)}")
    order_no = query.get("order_no")
    return {
        "page": page, "page_size": page_size, "status": status,
        "order_no": None if order_no in (None, "") else _integer(order_no, "order_no"),
        "buyer_login_id": query.get("buyer_login_id") or None,
    }  # fmt: skip


def _run_issue_list(call: Call) -> dict[str, Any]:
    args = call.args
    found = [
        d for d in disputes_of(call.storefront).of_store(call.seller.number)
        if (args["status"] is None or d.status == args["status"])
        and (args["order_no"] is None or d.order_id == args["order_no"])
        and (args["buyer_login_id"] is None or d.buyer_login_id == args["buyer_login_id"])
    ]  # fmt: skip
    page, size = args["page"], args["page_size"]
    chosen = found[(page - 1) * size : page * size]
    return {
        "result": {
            "success": True, "total_item": len(found), "current_page": page, "page_size": size,
            "data_list": {"issue_api_issue_dto": [replies.issue_dto(d) for d in chosen]},
        }
    }  # fmt: skip


def _parse_issue_detail(params: dict[str, str]) -> dict[str, Any]:
    return {
        "issue_id": _integer(_required(params, "issue_id"), "issue_id"),
        "buyer_login_id": _required(params, "buyer_login_id"),
    }


def _run_issue_detail(call: Call) -> dict[str, Any]:
    dispute = disputes_of(call.storefront).find(call.seller.number, call.args["issue_id"])
    if dispute is None or dispute.buyer_login_id != call.args["buyer_login_id"]:
        message = f"issue {call.args['issue_id']} not found"
        return {"result": {"success": False, "error_code": "ISSUE_NOT_FOUND", "error_message": message}}
    return {"result": replies.issue_detail(dispute)}


# --- /auth/token/* -----------------------------------------------------------------------------


def _parse_code(params: dict[str, str]) -> dict[str, Any]:
    return {"code": _required(params, "code")}


def _parse_refresh(params: dict[str, str]) -> dict[str, Any]:
    return {"refresh_token": _required(params, "refresh_token")}


def _run_token_create(call: Call) -> dict[str, Any]:
    try:
        grant = call.storefront.tokens.create(call.args["code"], call.wall_now)
    except AuthError as error:
        raise ApiError(error.code, error.message) from error
    return replies.token_reply(grant, call.storefront.store(grant.store_number), call.wall_now)


def _run_token_refresh(call: Call) -> dict[str, Any]:
    try:
        grant = call.storefront.tokens.refresh(call.args["refresh_token"], call.wall_now)
    except AuthError as error:
        raise ApiError(error.code, error.message) from error
    return replies.token_reply(grant, call.storefront.store(grant.store_number), call.wall_now)


METHODS: dict[str, MethodSpec] = {
    "aliexpress.solution.order.get": MethodSpec(True, _parse_order_get, _run_order_get),
    "aliexpress.solution.order.info.get": MethodSpec(True, _parse_order_info, _run_order_info),
    "aliexpress.solution.order.fulfill": MethodSpec(True, _parse_fulfill, _run_fulfill),
    "aliexpress.logistics.redefining.listlogisticsservice": MethodSpec(
        True, _parse_nothing, _run_list_services
    ),
    "aliexpress.logistics.createwarehouseorder": MethodSpec(
        True, _parse_warehouse_order, _run_warehouse_order
    ),
    "aliexpress.solution.product.info.get": MethodSpec(True, _parse_product_info, _run_product_info),
    "aliexpress.issue.issuelist.get": MethodSpec(True, _parse_issue_list, _run_issue_list),
    "aliexpress.issue.detail.get": MethodSpec(True, _parse_issue_detail, _run_issue_detail),
    "/auth/token/create": MethodSpec(False, _parse_code, _run_token_create),
    "/auth/token/refresh": MethodSpec(False, _parse_refresh, _run_token_refresh),
}
