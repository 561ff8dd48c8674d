"""Receiving 1688 pushes: check the signature, read the envelope.

1688 POSTs form fields ``message`` (a JSON envelope ``{msgId, gmtBorn, type, userInfo, data}``)
and ``_aop_signature`` = uppercase hex HMAC-SHA1(app_secret, "message" + message). Delivery is
at least once: the receiver dedupes on ``PushMessage.msg_id`` (not done here: it needs storage).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from kuajing.kit.errors import KuajingError
from kuajing.marketplaces.alibaba1688 import signing
from kuajing.marketplaces.alibaba1688.models import PushMessage
from kuajing.marketplaces.alibaba1688.replies import NotJson, decode_json, field_path

ORDER_SHIPPED = "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS"
ORDER_SUCCESS = "ORDER_BUYER_VIEW_ORDER_SUCCESS"
LOGISTICS_TRACE = "LOGISTICS_BUYER_VIEW_TRACE"


class InvalidPush(KuajingError):
    """A push we refuse: unsigned, wrongly signed or unreadable (answer non-2xx so 1688 resends)."""

    code = "alibaba1688_invalid_push"
    http_status = 400


class PushSignatureInvalid(InvalidPush):
    code = "alibaba1688_push_signature_invalid"
    http_status = 401


def parse_push_message(message: str) -> PushMessage:
    try:
        envelope = decode_json(message)
    except NotJson:
        raise InvalidPush(
            "push message is not JSON", "推送消息不是 JSON", details={"field": "message"}
        ) from None
    try:
        return PushMessage.model_validate(envelope)
    except ValidationError as exc:
        path = field_path(exc.errors()[0]["loc"])
        raise InvalidPush(
            f"push message unreadable at {path}", f"推送消息字段 {path} 无法解析", details={"field": path}
        ) from None


def verify_push(app_secret: str, form: Mapping[str, str]) -> PushMessage:
    """The pushed message, once its signature checks out against ``app_secret``."""
    message = form.get("message")
    signature = form.get("_aop_signature")
    if not message or not signature:
        raise PushSignatureInvalid(
            "push lacks message or _aop_signature",
            "推送缺少 message 或签名",
            details={"field": "message" if not message else "_aop_signature"},
        )
    if not signing.verify_push(app_secret, message, signature):
        raise PushSignatureInvalid(
            "push signature does not match", "推送签名不匹配", details={"field": "_aop_signature"}
        )
    return parse_push_message(message)
