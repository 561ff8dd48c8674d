"""Webhook signatures exactly as each robot platform documents them. Pure functions: no clock.

- DingTalk custom robot (加签): string_to_sign = f"{timestamp_ms}\\n{secret}"; HMAC-SHA256 keyed with
  the secret over that string; base64; URL-encoded; sent as ``timestamp`` and ``sign`` query parameters.
- Feishu / Lark custom bot (签名校验): string_to_sign = f"{timestamp_s}\\n{secret}" is the HMAC *key*
  and the message is empty; base64; sent as ``timestamp`` (string, seconds) and ``sign`` body fields.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote_plus


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The ``sign`` query value, already URL-encoded (the platform decodes it once)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def dingtalk_signed_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    separator = "&" if "?" in webhook else "?"
    return f"{webhook}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")
