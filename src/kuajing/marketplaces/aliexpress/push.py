"""AliExpress push messages: check they came from the platform, then read them.

The payload is not documented publicly; it is inferred from Lazada (the same IOP platform):
header ``Authorization`` = lowercase hex HMAC-SHA256(app_secret, app_key + raw body), body JSON
``{seller_id, message_type, data, timestamp, site}``. Pushes arrive at least once and only speed
up polling, which stays the source of truth, so a handler must tolerate duplicates.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kuajing.kit.errors import KuajingError
from kuajing.marketplaces.aliexpress.signing import push_signature

# Lazada's timestamps are epoch seconds; anything this large must be milliseconds.
_MS_THRESHOLD = 10**11


class PushRejected(KuajingError):
    """A push we will not act on: answer it with ``http_status`` and do nothing."""

    code = "aliexpress_push_rejected"
    http_status = 400


class PushSignatureInvalid(PushRejected):
    code = "aliexpress_push_signature_invalid"
    http_status = 401


@dataclass(frozen=True)
class PushMessage:
    seller_id: str
    message_type: str
    data: dict[str, Any]
    sent_at: datetime | None
    site: str | None


def verify_push(raw_body: bytes, authorization: str | None, *, app_key: str, app_secret: str) -> bool:
    if not authorization:
        return False
    expected = push_signature(app_key, app_secret, raw_body)
    given = authorization.strip().lower().encode("utf-8")  # bytes: any header text is comparable
    return hmac.compare_digest(given, expected.encode("ascii"))


def parse_push(raw_body: bytes) -> PushMessage:
    try:
        body = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PushRejected("push body is not JSON", "推送内容不是 JSON") from exc
    if not isinstance(body, dict):
        raise PushRejected("push body is not a JSON object", "推送内容不是 JSON 对象")
    seller_id, message_type, data = body.get("seller_id"), body.get("message_type"), body.get("data")
    if not _is_id(seller_id) or not _is_id(message_type):
        raise PushRejected("push lacks seller_id or message_type", "推送缺少 seller_id 或 message_type")
    if not isinstance(data, dict):
        raise PushRejected("push data is not an object", "推送 data 不是对象")
    site = body.get("site")
    return PushMessage(
        seller_id=str(seller_id),
        message_type=str(message_type),
        data=data,
        sent_at=_moment(body.get("timestamp")),
        site=site if isinstance(site, str) else None,
    )


def read_push(raw_body: bytes, authorization: str | None, *, app_key: str, app_secret: str) -> PushMessage:
    """Verifies then parses a push; raises ``PushSignatureInvalid`` or ``PushRejected``."""
    if not verify_push(raw_body, authorization, app_key=app_key, app_secret=app_secret):
        raise PushSignatureInvalid("push signature does not match", "推送签名不匹配")
    return parse_push(raw_body)


def _is_id(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return (isinstance(value, str) and value != "") or isinstance(value, int)


def _moment(value: object) -> datetime | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    seconds = value / 1000 if value >= _MS_THRESHOLD else value
    return datetime.fromtimestamp(seconds, tz=UTC)
