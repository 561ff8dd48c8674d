"""The 1688 Open Platform client (buyer side, cross-border dropship).

One signed form POST per API, paced by a ``RateLimiter`` and retried by a ``RetryPolicy``:
read-only APIs are retried on any transport failure, writes (createCrossOrder, cancel,
createRefund) only when the request never left (``ConnectionFailed``). A ``CallTimeout`` on
``create_cross_order`` reaches the caller, who must look the order up with
``find_orders_by_out_order_id`` before trying again: 1688 does not promise to dedupe outOrderId.

The same code talks to the sandbox or the real gateway; only ``Alibaba1688Config`` differs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

import httpx

from kuajing.kit.clock import epoch_ms, utcnow
from kuajing.kit.errors import ValidationFailed
from kuajing.marketplaces.alibaba1688 import signing
from kuajing.marketplaces.alibaba1688.config import Alibaba1688Config
from kuajing.marketplaces.alibaba1688.errors import (
    EXPIRED_TOKEN_CODE,
    NOT_SHIPPED_CODE,
    PLATFORM,
    business_error,
    gateway_error,
    oauth_error,
)
from kuajing.marketplaces.alibaba1688.inputs import (
    CargoItem,
    DeliveryAddress,
    RefundRequest,
    cargo_param,
    check_cargo,
    to_json,
)
from kuajing.marketplaces.alibaba1688.models import (
    BuyerOrder,
    BuyerOrderPage,
    CreatedOrder,
    LogisticsInfo,
    LogisticsTrace,
    OrderPreview,
    OrderStatus,
    ProductDetail,
    PushMessage,
    RefundReason,
    TokenSet,
)
from kuajing.marketplaces.alibaba1688.replies import (
    BODY_FIELD,
    BuyerOrderListReply,
    BuyerViewReply,
    CreateOrderReply,
    CreateRefundReply,
    LogisticsInfosReply,
    LogisticsTraceReply,
    NotJson,
    PreviewReply,
    ProductDetailReply,
    PushListReply,
    RefundReasonsReply,
    TokenReply,
    decode_json,
    malformed,
    parse,
)
from kuajing.marketplaces.alibaba1688.timeformat import to_aop_time
from kuajing.marketplaces.errors import (
    AuthError,
    BusinessError,
    CallTimeout,
    ConnectionFailed,
    TransportError,
)
from kuajing.marketplaces.policy import RateLimiter, RetryPolicy

log = logging.getLogger(__name__)

TRADE = "com.alibaba.trade"
LOGISTICS = "com.alibaba.logistics"
CROSSBORDER = "com.alibaba.fenxiao.crossborder"
PUSH = "cn.alibaba.open"
WEBSITE = "1688"
MAX_PAGE_SIZE = 50
TOKEN_METHOD = "system.oauth2.getToken"


class Alibaba1688Client:
    def __init__(
        self,
        config: Alibaba1688Config,
        *,
        transport: httpx.BaseTransport | None = None,
        rate_limiter: RateLimiter | None = None,
        retry_policy: RetryPolicy | None = None,
        now: Callable[[], datetime] = utcnow,
        on_tokens_refreshed: Callable[[TokenSet], None] | None = None,
    ) -> None:
        self.config = config
        self._base_url = config.base_url.rstrip("/")
        self._http = httpx.Client(transport=transport, timeout=config.timeout_seconds)
        self._limiter = rate_limiter or RateLimiter(config.calls_per_second)
        self._retry = retry_policy or RetryPolicy(max_attempts=config.max_retries + 1)
        self._now = now
        self._on_tokens_refreshed = on_tokens_refreshed
        self.access_token = config.access_token
        self.refresh_token: str | None = config.refresh_token or None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Alibaba1688Client:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- OAuth ---------------------------------------------------------------------------------

    def get_token(self, code: str, redirect_uri: str) -> TokenSet:
        """Exchange an authorisation code (valid once, about 2 minutes) for tokens; the client uses them."""
        form = {
            "grant_type": "authorization_code",
            "need_refresh_token": "true",
            "client_id": self.config.app_key,
            "client_secret": self.config.app_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        }
        # A code works once, so a timed-out exchange is not repeated.
        return self._token_call(form, read_only=False, previous_refresh_token=None)

    def refresh_access_token(self, refresh_token: str | None = None) -> TokenSet:
        token = refresh_token or self.refresh_token
        if not token:
            raise ValidationFailed(
                "no refresh token is known", "没有可用的 refresh token", details={"field": "refresh_token"}
            )
        form = {
            "grant_type": "refresh_token",
            "client_id": self.config.app_key,
            "client_secret": self.config.app_secret,
            "refreshToken": token,
        }
        return self._token_call(form, read_only=True, previous_refresh_token=token)

    def _token_call(
        self, form: dict[str, str], *, read_only: bool, previous_refresh_token: str | None
    ) -> TokenSet:
        url = f"{self._base_url}/openapi/http/1/system.oauth2/getToken/{self.config.app_key}"

        def attempt() -> dict[str, Any]:
            self._limiter.acquire()
            return self._read(TOKEN_METHOD, self._post(TOKEN_METHOD, url, form), oauth=True)

        reply = parse(TokenReply, TOKEN_METHOD, self._retry.run(attempt, read_only=read_only))
        now = self._now()
        tokens = TokenSet(
            access_token=reply.access_token,
            # A refresh grant may not return a new refresh token: the old one stays valid.
            refresh_token=reply.refresh_token or previous_refresh_token,
            access_token_expires_at=now + timedelta(seconds=reply.expires_in),
            refresh_token_expires_at=reply.refresh_token_timeout,
            member_id=reply.member_id,
            ali_id=reply.ali_id,
            resource_owner=reply.resource_owner,
        )
        self.access_token = tokens.access_token
        self.refresh_token = tokens.refresh_token
        if self._on_tokens_refreshed is not None:
            self._on_tokens_refreshed(tokens)
        return tokens

    # --- products and ordering -----------------------------------------------------------------

    def product_detail(self, offer_id: int, country: str = "en") -> ProductDetail:
        api = "product.search.queryProductDetail"
        params = {"offerDetailParam": to_json({"offerId": offer_id, "country": country})}
        body = self.call(CROSSBORDER, api, params, read_only=True)
        return parse(ProductDetailReply, api, body).result.result

    def preview_order(
        self, address: DeliveryAddress, cargo: Sequence[CargoItem], flow: str = "fenxiao"
    ) -> list[OrderPreview]:
        api = "alibaba.createOrder.preview"
        check_cargo(cargo)
        params = {
            "addressParam": to_json(address.to_param()),
            "cargoParamList": cargo_param(cargo),
            "flow": flow,
        }
        return parse(PreviewReply, api, self.call(TRADE, api, params, read_only=True)).previews

    def create_cross_order(
        self,
        out_order_id: str,
        address: DeliveryAddress,
        cargo: Sequence[CargoItem],
        *,
        flow: str = "fenxiao",
        trade_type: str | None = None,
        message: str = "",
    ) -> CreatedOrder:
        """Place a dropship order. Checked locally first; never retried once it may have been sent."""
        api = "alibaba.trade.createCrossOrder"
        if not out_order_id.strip():
            raise ValidationFailed(
                "outOrderId is required: it is how a lost reply is found again",
                "必须提供 outOrderId",
                details={"field": "out_order_id"},
            )
        address.check_complete()
        check_cargo(cargo)
        params = {
            "flow": flow,
            "message": message,
            "outOrderId": out_order_id,
            "dropshipping": "y",
            "addressParam": to_json(address.to_param()),
            "cargoParamList": cargo_param(cargo),
        }
        if trade_type:
            params["tradeType"] = trade_type
        return parse(CreateOrderReply, api, self.call(TRADE, api, params, read_only=False)).result

    def cancel_order(self, order_id: str, reason: str, remark: str = "") -> None:
        params = {"webSite": WEBSITE, "tradeID": order_id, "cancelReason": reason, "remark": remark}
        self.call(TRADE, "alibaba.trade.cancel", params, read_only=False)

    # --- the buyer's orders --------------------------------------------------------------------

    def buyer_view(self, order_id: str) -> BuyerOrder:
        api = "alibaba.trade.get.buyerView"
        params = {"webSite": WEBSITE, "orderId": order_id, "includeFields": "NativeLogistics"}
        return parse(BuyerViewReply, api, self.call(TRADE, api, params, read_only=True)).result

    def list_buyer_orders(
        self,
        *,
        page: int = 1,
        page_size: int = MAX_PAGE_SIZE,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        status: OrderStatus | str | None = None,
        out_order_id: str | None = None,
    ) -> BuyerOrderPage:
        """One page of getBuyerOrderList (pages start at 1, at most 50 orders a page)."""
        api = "alibaba.trade.getBuyerOrderList"
        if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValidationFailed(
                f"page must be ≥ 1 and page_size 1..{MAX_PAGE_SIZE}",
                f"页码须 ≥ 1,每页 1..{MAX_PAGE_SIZE}",
                details={"field": "page_size"},
            )
        params = {"page": str(page), "pageSize": str(page_size)}
        if created_after is not None:
            params["createStartTime"] = to_aop_time(created_after)
        if created_before is not None:
            params["createEndTime"] = to_aop_time(created_before)
        if status is not None:
            params["orderStatus"] = str(status)
        if out_order_id is not None:
            params["outOrderId"] = out_order_id
        reply = parse(BuyerOrderListReply, api, self.call(TRADE, api, params, read_only=True))
        return BuyerOrderPage(orders=reply.result, total=reply.total_record, page=page, page_size=page_size)

    def iter_buyer_orders(
        self,
        *,
        page_size: int = MAX_PAGE_SIZE,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        status: OrderStatus | str | None = None,
        out_order_id: str | None = None,
    ) -> Iterator[BuyerOrder]:
        """Every matching order, page after page, until a short page or ``totalRecord`` is reached."""
        page, seen = 1, 0
        while True:
            batch = self.list_buyer_orders(
                page=page,
                page_size=page_size,
                created_after=created_after,
                created_before=created_before,
                status=status,
                out_order_id=out_order_id,
            )
            yield from batch.orders
            seen += len(batch.orders)
            if len(batch.orders) < page_size or (batch.total is not None and seen >= batch.total):
                return
            page += 1

    def find_orders_by_out_order_id(
        self, out_order_id: str, *, created_after: datetime | None = None
    ) -> list[BuyerOrder]:
        """Orders placed with this outOrderId (normally zero or one), for the idempotent retry.

        Filters locally too: the real API does not promise to honour the outOrderId filter.
        """
        orders = self.iter_buyer_orders(out_order_id=out_order_id, created_after=created_after)
        return [order for order in orders if order.base_info.out_order_id == out_order_id]

    # --- logistics -----------------------------------------------------------------------------

    def logistics_infos(self, order_id: str) -> list[LogisticsInfo]:
        """The parcels of an order; [] while the supplier has not shipped (500_2)."""
        api = "alibaba.trade.getLogisticsInfos.buyerView"
        body = self._call_unless_unshipped(api, {"orderId": order_id, "webSite": WEBSITE})
        return [] if body is None else parse(LogisticsInfosReply, api, body).result

    def logistics_trace(self, order_id: str) -> list[LogisticsTrace]:
        """Tracking steps per parcel; [] while the supplier has not shipped (500_2)."""
        api = "alibaba.trade.getLogisticsTraceInfo.buyerView"
        body = self._call_unless_unshipped(api, {"orderId": order_id, "webSite": WEBSITE})
        return [] if body is None else parse(LogisticsTraceReply, api, body).logistics_trace

    def _call_unless_unshipped(self, api: str, params: dict[str, str]) -> dict[str, Any] | None:
        try:
            return self.call(LOGISTICS, api, params, read_only=True)
        except BusinessError as error:
            if error.platform_code == NOT_SHIPPED_CODE:
                return None
            raise

    # --- refunds and pushes --------------------------------------------------------------------

    def refund_reasons(
        self, order_id: str, order_entry_ids: Sequence[str], goods_status: str
    ) -> list[RefundReason]:
        api = "alibaba.trade.getRefundReasonList"
        entries = [int(entry) if str(entry).isdigit() else entry for entry in order_entry_ids]
        params = {"orderId": order_id, "orderEntryIds": to_json(entries), "goodsStatus": goods_status}
        return parse(RefundReasonsReply, api, self.call(TRADE, api, params, read_only=True)).result.reasons

    def create_refund(self, request: RefundRequest) -> str:
        """Open a refund (退款) and return its refundId."""
        api = "alibaba.trade.createRefund"
        body = self.call(TRADE, api, request.to_params(), read_only=False)
        return parse(CreateRefundReply, api, body).result.refund_id

    def push_messages(
        self, start: datetime, end: datetime, *, page_size: int = MAX_PAGE_SIZE
    ) -> list[PushMessage]:
        """Push messages born in [start, end), every page: the catch-up for missed pushes."""
        api = "push.query.messageList"
        messages: list[PushMessage] = []
        page = 1
        while True:
            params = {
                "startTime": to_aop_time(start),
                "endTime": to_aop_time(end),
                "page": str(page),
                "pageSize": str(page_size),
            }
            result = parse(PushListReply, api, self.call(PUSH, api, params, read_only=True)).result
            batch = result.push_message_page
            messages.extend(batch.datas)
            total = batch.total_count
            if len(batch.datas) < page_size or (total is not None and len(messages) >= total):
                return messages
            page += 1

    # --- the wire ------------------------------------------------------------------------------

    def call(self, namespace: str, api: str, params: dict[str, str], *, read_only: bool) -> dict[str, Any]:
        """One API call: signed, paced, retried, refusals raised; returns the decoded reply body.

        The typed methods above are built on it; use it directly only for an API they lack.
        ``read_only`` must be False for anything that writes (it decides whether a timeout is retried).
        """

        def attempt() -> dict[str, Any]:
            self._limiter.acquire()  # per attempt: retries are calls too
            return self._signed_post(namespace, api, params)

        try:
            return self._retry.run(attempt, read_only=read_only)
        except AuthError as error:
            if error.platform_code != EXPIRED_TOKEN_CODE or not self.refresh_token:
                raise
        log.info("1688 %s: access token expired, refreshing once", api)
        self.refresh_access_token()
        return self._retry.run(attempt, read_only=read_only)

    def _signed_post(self, namespace: str, api: str, params: dict[str, str]) -> dict[str, Any]:
        path = signing.url_path(namespace, api, self.config.app_key)
        form = dict(params)
        form["access_token"] = self.access_token
        form["_aop_timestamp"] = str(epoch_ms(self._now()))
        form["_aop_signature"] = signing.sign(self.config.app_secret, path, form)
        return self._read(api, self._post(api, f"{self._base_url}/openapi/{path}", form))

    def _post(self, api: str, url: str, form: dict[str, str]) -> httpx.Response:
        try:
            return self._http.post(url, data=form)
        except (httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ConnectError) as exc:
            # The request never left: nothing can have been written, so even writes may retry.
            raise ConnectionFailed(
                f"cannot reach the gateway: {exc!r}", platform=PLATFORM, method=api
            ) from exc
        except httpx.TimeoutException as exc:
            raise CallTimeout(
                f"no reply within {self.config.timeout_seconds}s", platform=PLATFORM, method=api
            ) from exc
        except httpx.TransportError as exc:
            raise TransportError(f"transport failure: {exc!r}", platform=PLATFORM, method=api) from exc

    def _read(self, api: str, response: httpx.Response, *, oauth: bool = False) -> dict[str, Any]:
        status = response.status_code
        try:
            body = decode_json(response.text)
        except NotJson:
            error = gateway_error(api, status, None)
            if error is not None:
                raise error from None
            raise malformed(api, BODY_FIELD, f"not JSON (HTTP {status})") from None
        if oauth:
            error = oauth_error(api, status, body)
        else:
            error = gateway_error(api, status, body, retry_after=_retry_after(response))
        if error is not None:
            raise error
        if not isinstance(body, dict):
            raise malformed(api, BODY_FIELD, f"expected a JSON object, got {type(body).__name__}")
        refusal = business_error(api, body)
        if refusal is not None:
            raise refusal
        return body


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None
