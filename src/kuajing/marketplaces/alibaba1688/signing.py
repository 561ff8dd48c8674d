"""1688 (AOP) ``_aop_signature``, shared by the client and the sandbox.

``url_path`` is ``param2/1/{namespace}/{apiName}/{appKey}`` (no leading slash, no ``openapi/``).
Every parameter except ``_aop_signature`` becomes the string key+value; those strings are sorted
and concatenated after the url_path; HMAC-SHA1 with the app secret, uppercase hex.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def url_path(
    namespace: str, api_name: str, app_key: str, *, protocol: str = "param2", version: int = 1
) -> str:
    return f"{protocol}/{version}/{namespace}/{api_name}/{app_key}"


def sign_string(path: str, params: Mapping[str, str]) -> str:
    pairs = sorted(f"{key}{value}" for key, value in params.items() if key != "_aop_signature")
    return path + "".join(pairs)


def sign(app_secret: str, path: str, params: Mapping[str, str]) -> str:
    message = sign_string(path, params).encode("utf-8")
    return hmac.new(app_secret.encode("utf-8"), message, hashlib.sha1).hexdigest().upper()


def verify(app_secret: str, path: str, params: Mapping[str, str]) -> bool:
    given = params.get("_aop_signature", "")
    # as bytes: compare_digest refuses str with non-ASCII characters (a forged signature is False, not a 500)
    return hmac.compare_digest(given.upper().encode("utf-8"), sign(app_secret, path, params).encode("ascii"))


def push_signature(app_secret: str, message: str) -> str:
    """Push messages: ``_aop_signature = HMAC-SHA1(secret, "message" + message)``, uppercase hex."""
    return (
        hmac.new(app_secret.encode("utf-8"), ("message" + message).encode("utf-8"), hashlib.sha1)
        .hexdigest()
        .upper()
    )


def verify_push(app_secret: str, message: str, signature: str) -> bool:
    expected = push_signature(app_secret, message).encode("ascii")
    return hmac.compare_digest(signature.upper().encode("utf-8"), expected)  # bytes: any text is comparable
