"""``AliExpressClient``: the seller-side IOP calls kuajing makes, signed, paced, retried and typed.

The same code talks to the real gateway and to the sandbox; only ``AliExpressConfig`` differs.
Read-only calls are retried on transport failures too; writes (fulfil, warehouse order, tokens)
only on errors that prove nothing was written (throttle, 5xx, connection refused). An expired
access token is refreshed once, then the call is tried once more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal

import httpx

from kuajing.kit.clock import to_ae_time
from kuajing.marketplaces.aliexpress import issues, replies
from kuajing.marketplaces.aliexpress.config import AliExpressConfig
from kuajing.marketplaces.aliexpress.errors import (
    EXPIRED_TOKEN_CODE,
    PLATFORM,
    business_error,
    malformed,
)
from kuajing.marketplaces.aliexpress.models import (
    LogisticsService,
    Order,
    OrderDetail,
    OrderPage,
    OrderQuery,
    Product,
    TokenSet,
    WarehouseOrderRequest,
    WarehouseOrderResult,
)
from kuajing.marketplaces.aliexpress.transport import CallPacer, Gateway, is_system_api
from kuajing.marketplaces.aliexpress.wire import BusinessStatus, parse_reply
from kuajing.marketplaces.errors import AuthError
from kuajing.marketplaces.policy import RateLimiter, RetryPolicy

ORDER_LIST = "aliexpress.solution.order.get"
ORDER_INFO = "aliexpress.solution.order.info.get"
ORDER_FULFILL = "aliexpress.solution.order.fulfill"
LOGISTICS_SERVICES = "aliexpress.logistics.redefining.listlogisticsservice"
WAREHOUSE_ORDER = "aliexpress.logistics.createwarehouseorder"
PRODUCT_INFO = "aliexpress.solution.product.info.get"
TOKEN_CREATE = "/auth/token/create"
TOKEN_REFRESH = "/auth/token/refresh"

MAX_PAGE_SIZE = 50
MAX_DESCRIPTION_CHARS = 512
# order.info.get: which optional parts of the order to include (all of them).
EXT_INFO_ALL = 11111


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AliExpressClient:
    def __init__(
        self,
        config: AliExpressConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        rate_limiter: CallPacer | None = None,
        retry_policy: RetryPolicy | None = None,
        now: Callable[[], datetime] = _utc_now,
        on_tokens_refreshed: Callable[[TokenSet], None] | None = None,
    ) -> None:
        self.config = config
        self.access_token = config.access_token
        self.refresh_token = config.refresh_token
        self._now = now
        self._on_tokens_refreshed = on_tokens_refreshed
        self._refresh_lock = threading.Lock()
        self._retry = retry_policy or RetryPolicy(max_attempts=config.max_retries + 1)
        self._http = httpx.Client(transport=transport, timeout=config.timeout_seconds)
        pacer = rate_limiter or RateLimiter(config.calls_per_second)
        self._gateway = Gateway(config, self._http, pacer=pacer, now=now)

    # --- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AliExpressClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- low level ---------------------------------------------------------------------------

    def call(
        self, method: str, params: Mapping[str, object] | None = None, *, read_only: bool = False
    ) -> dict[str, Any]:
        """Calls any IOP API: business APIs return their ``<method>_response`` object, system
        APIs (``/auth/...``) their flat body. Structured values are sent as compact JSON."""
        business = dict(params or {})
        if is_system_api(method):
            return self._retry.run(lambda: self._gateway.attempt(method, business, None), read_only=read_only)
        token_used = self.access_token
        try:
            body = self._attempt_with_token(method, business, read_only)
        except AuthError as error:
            if error.platform_code != EXPIRED_TOKEN_CODE or not self.refresh_token:
                raise
            with self._refresh_lock:
                # Another thread may have refreshed already; its refresh token is spent by now.
                if self.access_token == token_used:
                    self.refresh_access_token()
            body = self._attempt_with_token(method, business, read_only)
        key = method.replace(".", "_") + "_response"
        response = body.get(key)
        if not isinstance(response, dict):
            raise malformed(method, key, "missing or not an object")
        return response

    def _attempt_with_token(
        self, method: str, business: dict[str, object], read_only: bool
    ) -> dict[str, Any]:
        # The token is read per attempt so a refresh in between is picked up.
        return self._retry.run(
            lambda: self._gateway.attempt(method, business, self.access_token), read_only=read_only
        )

    def _result(self, method: str, params: Mapping[str, object], *, read_only: bool) -> dict[str, Any]:
        """The ``result`` object of a business call, with ``success: false`` raised as BusinessError."""
        response = self.call(method, params, read_only=read_only)
        request_id = response.get("request_id")
        request_id = request_id if isinstance(request_id, str) else None
        result = response.get("result")
        if not isinstance(result, dict):
            raise malformed(method, "result", "missing or not an object", request_id)
        status = parse_reply(BusinessStatus, result, method=method, request_id=request_id)
        if status.refused:
            raise business_error(method, status.error_code, status.message, request_id)
        return result

    # --- authorisation -------------------------------------------------------------------------

    def create_token(self, code: str, uuid: str | None = None) -> TokenSet:
        """Exchanges a seller's authorisation code for tokens, and uses them from now on."""
        body = self.call(TOKEN_CREATE, {"code": code, "uuid": uuid}, read_only=False)
        return self._adopt(parse_reply(replies.TokenReply, body, method=TOKEN_CREATE))

    def refresh_access_token(self, refresh_token: str | None = None) -> TokenSet:
        token = refresh_token or self.refresh_token
        if not token:
            raise AuthError(
                "no refresh token: the seller must authorise the app again",
                "没有刷新令牌:需要卖家重新授权",
                platform=PLATFORM,
                method=TOKEN_REFRESH,
            )
        body = self.call(TOKEN_REFRESH, {"refresh_token": token}, read_only=False)
        return self._adopt(parse_reply(replies.TokenReply, body, method=TOKEN_REFRESH))

    def _adopt(self, reply: replies.TokenReply) -> TokenSet:
        tokens = reply.to_domain(self._now())
        self.access_token = tokens.access_token
        self.refresh_token = tokens.refresh_token
        if self._on_tokens_refreshed is not None:
            self._on_tokens_refreshed(tokens)
        return tokens

    # --- orders ----------------------------------------------------------------------------------

    def list_orders(self, query: OrderQuery, page: int = 1, page_size: int = MAX_PAGE_SIZE) -> OrderPage:
        if page < 1:
            raise ValueError("page starts at 1")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        param0: dict[str, object] = {"current_page": page, "page_size": page_size}
        for name in ("create_date_start", "create_date_end", "modified_date_start", "modified_date_end"):
            moment = getattr(query, name)
            if moment is not None:
                param0[name] = to_ae_time(moment)
        if query.order_status is not None:
            param0["order_status"] = query.order_status.value
        if query.order_status_list:
            param0["order_status_list"] = [status.value for status in query.order_status_list]
        if query.buyer_login_id:
            param0["buyer_login_id"] = query.buyer_login_id
        result = self._result(ORDER_LIST, {"param0": param0}, read_only=True)
        parsed = parse_reply(replies.OrderListResult, result, method=ORDER_LIST)
        return parsed.to_domain(page, page_size)

    def iter_orders(self, query: OrderQuery, page_size: int = MAX_PAGE_SIZE) -> Iterator[Order]:
        """Every order matching ``query``, page after page, until the last page or an empty one.

        Pages are offsets into a list sorted by ``gmt_update``: an order updated while we page moves
        to the end (or out of a bounded window), so a sync should overlap its windows and dedupe.
        """
        page = 1
        while True:
            current = self.list_orders(query, page=page, page_size=page_size)
            yield from current.orders
            if not current.orders or page >= current.total_page:
                return
            page += 1

    def get_order(self, order_id: int) -> OrderDetail:
        param1 = {"order_id": order_id, "ext_info_bit_flag": EXT_INFO_ALL}
        result = self._result(ORDER_INFO, {"param1": param1}, read_only=True)
        return parse_reply(replies.OrderInfoResult, result, method=ORDER_INFO).data.to_domain()

    def fulfill_order(
        self,
        order_id: int,
        service_name: str,
        tracking_no: str,
        *,
        send_type: Literal["all", "part"] = "all",
        tracking_website: str | None = None,
        description: str | None = None,
    ) -> None:
        """Declares shipment of the order (``part``: more parcels will follow)."""
        if send_type not in ("all", "part"):
            raise ValueError("send_type is 'all' or 'part'")
        if description is not None and len(description) > MAX_DESCRIPTION_CHARS:
            raise ValueError(
                f"description is {len(description)} characters; the platform allows {MAX_DESCRIPTION_CHARS}"
            )
        if service_name == "OTHER" and not tracking_website:
            raise ValueError("service 'OTHER' needs tracking_website")
        params = {
            "service_name": service_name,
            "out_ref": str(order_id),
            "send_type": send_type,
            "logistics_no": tracking_no,
            "tracking_website": tracking_website,
            "description": description,
        }
        result = self._result(ORDER_FULFILL, params, read_only=False)
        outcome = parse_reply(replies.FulfillResult, result, method=ORDER_FULFILL)
        if not outcome.result_success:
            raise business_error(ORDER_FULFILL, outcome.result_error_code, outcome.result_error_desc)

    # --- disputes (issues.py: shapes from the platform's public Issue API docs) -----------------

    def list_issues(
        self, query: issues.IssueQuery, page: int = 1, page_size: int = issues.MAX_ISSUE_PAGE_SIZE
    ) -> issues.IssuePage:
        return issues.list_issues(self._read, query, page, page_size)

    def iter_issues(
        self, query: issues.IssueQuery, page_size: int = issues.MAX_ISSUE_PAGE_SIZE
    ) -> Iterator[issues.Issue]:
        return issues.iter_issues(self._read, query, page_size)

    def get_issue(self, issue_id: int, buyer_login_id: str) -> issues.IssueDetail:
        return issues.get_issue(self._read, issue_id, buyer_login_id)

    def _read(self, method: str, params: Mapping[str, object]) -> dict[str, Any]:
        return self._result(method, params, read_only=True)

    # --- logistics and products ----------------------------------------------------------------

    def list_logistics_services(self) -> list[LogisticsService]:
        """The approved carrier services: a tracking number must belong to one of them."""
        response = self.call(LOGISTICS_SERVICES, read_only=True)
        reply = parse_reply(replies.LogisticsServicesReply, response, method=LOGISTICS_SERVICES)
        if not reply.result_success:
            raise business_error(LOGISTICS_SERVICES, reply.result_error_code, reply.error_desc)
        return [service.to_domain() for service in reply.result_list.aeop_logistics_service_result]

    def create_warehouse_order(self, request: WarehouseOrderRequest) -> WarehouseOrderResult:
        addresses = {"sender": request.sender.to_wire(), "receiver": request.receiver.to_wire()}
        if request.pickup is not None:
            addresses["pickup"] = request.pickup.to_wire()
        if request.refund is not None:
            addresses["refund"] = request.refund.to_wire()
        params = {
            "address_d_t_os": addresses,
            "declare_product_d_t_os": [product.to_wire() for product in request.declared_products],
            "domestic_logistics_company_id": request.domestic_logistics_company_id,
            "domestic_tracking_no": request.domestic_tracking_no,
            "trade_order_id": request.trade_order_id,
            "trade_order_from": request.trade_order_from,
            "warehouse_carrier_service": request.warehouse_carrier_service,
            "undeliverable_decision": request.undeliverable_decision,
        }
        result = self._result(WAREHOUSE_ORDER, params, read_only=False)
        return parse_reply(replies.WarehouseOrderResult, result, method=WAREHOUSE_ORDER).to_domain()

    def get_product(self, product_id: int) -> Product:
        result = self._result(PRODUCT_INFO, {"product_id": product_id}, read_only=True)
        return parse_reply(replies.ProductResult, result, method=PRODUCT_INFO).to_domain()
