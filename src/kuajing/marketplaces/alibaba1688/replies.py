"""Reading 1688 reply bodies: exact JSON decoding and the envelope each API wraps its result in.

A reply we cannot read becomes one ``MalformedReplyError`` naming the API and the field path as
1688 spells it (``result.baseInfo.status``), logged once here; nothing raw (ValidationError,
KeyError, JSONDecodeError) escapes the client.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from kuajing.marketplaces.alibaba1688.errors import PLATFORM
from kuajing.marketplaces.alibaba1688.fields import AopModel, OptionalTime, Text
from kuajing.marketplaces.alibaba1688.models import (
    BuyerOrder,
    CreatedOrder,
    LogisticsInfo,
    LogisticsTrace,
    OrderPreview,
    ProductDetail,
    PushMessage,
    RefundReason,
)
from kuajing.marketplaces.errors import MalformedReplyError

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
BODY_FIELD = "<body>"


class NotJson(Exception):
    """The body is not JSON at all (a proxy page, a truncated reply)."""


def decode_json(text: str) -> Any:
    # parse_float=Decimal: a price sent as a JSON number keeps every digit it was sent with.
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise NotJson(str(exc)) from None


def malformed(method: str, field: str, problem: str, request_id: str | None = None) -> MalformedReplyError:
    log.warning("1688 %s: unreadable reply at %s: %s", method, field, problem)
    return MalformedReplyError(
        f"unreadable reply at {field}: {problem}",
        platform=PLATFORM,
        method=method,
        field=field,
        request_id=request_id,
    )


def field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or BODY_FIELD


def parse(model: type[M], method: str, body: Any) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        problem = first["msg"] + (f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else "")
        request_id = body.get("request_id") if isinstance(body, dict) else None
        raise malformed(
            method, field_path(first["loc"]), problem, str(request_id) if request_id else None
        ) from None


# --- envelopes, one per API --------------------------------------------------------------------


class _ProductDetailResult(AopModel):
    result: ProductDetail


class ProductDetailReply(AopModel):
    result: _ProductDetailResult


class PreviewReply(AopModel):
    previews: list[OrderPreview] = Field(alias="orderPreviewResuslt")  # sic, as 1688 spells it


class CreateOrderReply(AopModel):
    result: CreatedOrder


class BuyerViewReply(AopModel):
    result: BuyerOrder


class BuyerOrderListReply(AopModel):
    result: list[BuyerOrder] = Field(default_factory=list)
    total_record: int | None = None


class LogisticsInfosReply(AopModel):
    result: list[LogisticsInfo] = Field(default_factory=list)


class LogisticsTraceReply(AopModel):
    logistics_trace: list[LogisticsTrace] = Field(default_factory=list)


class _Reasons(AopModel):
    reasons: list[RefundReason] = Field(default_factory=list)


class RefundReasonsReply(AopModel):
    result: _Reasons


class _RefundCreated(AopModel):
    refund_id: Text


class CreateRefundReply(AopModel):
    result: _RefundCreated


class _PushPage(AopModel):
    datas: list[PushMessage] = Field(default_factory=list)
    total_count: int | None = None


class _PushResult(AopModel):
    push_message_page: _PushPage


class PushListReply(AopModel):
    result: _PushResult


class TokenReply(AopModel):
    access_token: str = Field(alias="access_token", repr=False)  # secrets: kept out of reprs
    refresh_token: str | None = Field(default=None, alias="refresh_token", repr=False)
    expires_in: int = Field(alias="expires_in")
    refresh_token_timeout: OptionalTime = Field(default=None, alias="refresh_token_timeout")
    member_id: Text | None = None
    ali_id: Text | None = None
    resource_owner: str | None = Field(default=None, alias="resource_owner")
