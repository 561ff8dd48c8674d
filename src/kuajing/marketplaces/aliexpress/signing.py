"""AliExpress (IOP) request signature, shared by the client and the sandbox.

All parameters except ``sign`` sorted by key (ASCII) and joined as ``key1value1key2value2…``;
system APIs (names containing ``/``) prepend the API name; HMAC-SHA256 with the app secret,
uppercase hex.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def sign_string(api_name: str, params: Mapping[str, str]) -> str:
    body = "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")
    return f"{api_name}{body}" if "/" in api_name else body


def sign(app_secret: str, api_name: str, params: Mapping[str, str]) -> str:
    message = sign_string(api_name, params).encode("utf-8")
    return hmac.new(app_secret.encode("utf-8"), message, hashlib.sha256).hexdigest().upper()


def verify(app_secret: str, api_name: str, params: Mapping[str, str]) -> bool:
    given = params.get("sign", "")
    expected = sign(app_secret, api_name, params).encode("ascii")
    return hmac.compare_digest(given.upper().encode("utf-8"), expected)  # bytes: any text is comparable


def push_signature(app_key: str, app_secret: str, raw_body: bytes) -> str:
    """Header ``Authorization`` of a push (inferred from Lazada, the same IOP platform)."""
    return hmac.new(app_secret.encode(), app_key.encode() + raw_body, hashlib.sha256).hexdigest()
