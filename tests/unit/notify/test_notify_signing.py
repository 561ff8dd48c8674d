"""Signatures against answers computed here, step by step, from each platform's documentation."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote

from kuajing.notify.signing import dingtalk_sign, dingtalk_signed_url, feishu_sign


def test_dingtalk_sign_is_urlencoded_base64_hmac_of_timestamp_newline_secret() -> None:
    secret, timestamp = "SEC000000000000000000000", 1577262236757
    raw = hmac.new(secret.encode(), b"1577262236757\nSEC000000000000000000000", hashlib.sha256).digest()
    assert dingtalk_sign(secret, timestamp) == quote(base64.b64encode(raw).decode(), safe="")


def test_dingtalk_signed_url_appends_timestamp_and_sign_to_the_access_token() -> None:
    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "s", 1700000000000)
    assert url.startswith(
        "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign="
    )


def test_feishu_sign_uses_timestamp_newline_secret_as_the_key_over_an_empty_message() -> None:
    secret, timestamp = "demo-secret", 1599360473
    raw = hmac.new(b"1599360473\ndemo-secret", b"", hashlib.sha256).digest()
    assert feishu_sign(secret, timestamp) == base64.b64encode(raw).decode()
