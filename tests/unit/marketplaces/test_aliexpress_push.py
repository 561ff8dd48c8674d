"""AliExpress push messages: signature per the documented (Lazada-inferred) algorithm, then parsing."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from kuajing.marketplaces.aliexpress import (
    PushRejected,
    PushSignatureInvalid,
    parse_push,
    read_push,
    verify_push,
)

APP_KEY, APP_SECRET = "500100", "sandbox-ae-secret"
BODY = json.dumps(
    {
        "seller_id": "2001",
        "message_type": 0,
        "data": {"order_id": 42, "order_status": "FINISH"},
        "timestamp": 1709280000,
        "site": "aliexpress",
    }
).encode()


def documented_signature(body: bytes) -> str:
    return hmac.new(APP_SECRET.encode(), APP_KEY.encode() + body, hashlib.sha256).hexdigest()


def test_push_with_the_documented_signature_is_read() -> None:
    message = read_push(BODY, documented_signature(BODY), app_key=APP_KEY, app_secret=APP_SECRET)
    assert (message.seller_id, message.message_type, message.site) == ("2001", "0", "aliexpress")
    assert message.data == {"order_id": 42, "order_status": "FINISH"}
    assert message.sent_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def test_push_signature_check_is_case_insensitive_but_exact() -> None:
    signature = documented_signature(BODY)
    assert verify_push(BODY, signature.upper(), app_key=APP_KEY, app_secret=APP_SECRET)
    assert not verify_push(BODY + b" ", signature, app_key=APP_KEY, app_secret=APP_SECRET)
    assert not verify_push(BODY, None, app_key=APP_KEY, app_secret=APP_SECRET)


def test_push_with_a_wrong_signature_is_rejected_as_unauthorised() -> None:
    with pytest.raises(PushSignatureInvalid) as caught:
        read_push(BODY, "0" * 64, app_key=APP_KEY, app_secret=APP_SECRET)
    assert caught.value.http_status == 401


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1]",
        b'{"message_type": 1, "data": {}}',
        b'{"seller_id": "1", "message_type": 1, "data": "x"}',
    ],
)
def test_unreadable_push_is_rejected(body: bytes) -> None:
    with pytest.raises(PushRejected) as caught:
        parse_push(body)
    assert caught.value.http_status == 400


def test_push_timestamp_in_milliseconds_is_understood() -> None:
    body = json.dumps({"seller_id": 1, "message_type": "order", "data": {}, "timestamp": 1709280000000})
    assert parse_push(body.encode()).sent_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
