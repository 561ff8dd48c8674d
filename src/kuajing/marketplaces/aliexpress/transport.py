"""One signed attempt at an IOP call: build, pace, send, decode, and turn failures into errors.

No retries here (the client wraps attempts in ``RetryPolicy.run``). httpx failures become
kuajing's transport errors: a timeout after the request went out is a ``CallTimeout`` (a write
may have happened); a failure to connect, including a connect timeout, is ``ConnectionFailed``
(nothing reached the platform, so even a write can be retried).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

import httpx

from kuajing.kit.clock import epoch_ms
from kuajing.marketplaces.aliexpress import signing
from kuajing.marketplaces.aliexpress.config import AliExpressConfig
from kuajing.marketplaces.aliexpress.errors import (
    PLATFORM,
    error_from_body,
    error_from_status,
    malformed,
)
from kuajing.marketplaces.errors import CallTimeout, ConnectionFailed, TransientError, TransportError

PARTNER_ID = "kuajing"
BODY_FIELD = "<body>"


class CallPacer(Protocol):
    """What the client needs from a rate limiter (``policy.RateLimiter`` is one)."""

    def acquire(self) -> None: ...


def is_system_api(api_name: str) -> bool:
    return api_name.startswith("/")


def encode_param(value: object) -> str:
    """Business parameters travel as strings; structured ones as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _json_default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)  # exact, never through float
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def decode_json(text: str) -> Any:
    """JSON numbers with a fraction become Decimal, so no amount ever passes through float."""
    return json.loads(text, parse_float=Decimal)


class Gateway:
    def __init__(
        self, config: AliExpressConfig, http: httpx.Client, *, pacer: CallPacer, now: Callable[[], datetime]
    ) -> None:
        self._config = config
        self._http = http
        self._pacer = pacer
        self._now = now
        self._base_url = config.base_url.rstrip("/")

    def signed_params(
        self, api_name: str, business: Mapping[str, object], session: str | None
    ) -> dict[str, str]:
        params = {
            "app_key": self._config.app_key,
            "timestamp": str(epoch_ms(self._now())),
            "sign_method": "sha256",
            "method": api_name,
            "format": "json",
            "simplify": "false",
            "partner_id": PARTNER_ID,
        }
        if session:
            params["session"] = session
        params.update({key: encode_param(value) for key, value in business.items() if value is not None})
        params["sign"] = signing.sign(self._config.app_secret, api_name, params)
        return params

    def url_for(self, api_name: str) -> str:
        return f"{self._base_url}/rest{api_name}" if is_system_api(api_name) else f"{self._base_url}/sync"

    def attempt(self, api_name: str, business: Mapping[str, object], session: str | None) -> dict[str, Any]:
        """One paced, signed call; returns the decoded body or raises a MarketplaceError."""
        self._pacer.acquire()
        params = self.signed_params(api_name, business, session)
        try:
            reply = self._http.post(self.url_for(api_name), data=params)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ConnectionFailed(
                f"cannot reach the gateway: {exc!r}", platform=PLATFORM, method=api_name
            ) from exc
        except httpx.TimeoutException as exc:
            raise CallTimeout(
                f"no reply within {self._config.timeout_seconds}s: {exc!r}",
                platform=PLATFORM,
                method=api_name,
            ) from exc
        except httpx.TransportError as exc:
            raise TransportError(f"transport failure: {exc!r}", platform=PLATFORM, method=api_name) from exc
        return self._read(api_name, reply)

    def _read(self, api_name: str, reply: httpx.Response) -> dict[str, Any]:
        try:
            body = decode_json(reply.text)
        except (ValueError, UnicodeDecodeError):
            body = None
        if reply.status_code >= 500:
            # Whatever the body says, a 5xx is the platform's fault and worth another try.
            error = error_from_body(api_name, body)
            if isinstance(error, TransientError):
                raise error
            if error is None:
                raise error_from_status(api_name, reply.status_code, reply.text)
            raise TransientError(
                f"HTTP {reply.status_code}: {error.message_en}",
                platform=PLATFORM,
                method=api_name,
                platform_code=error.platform_code,
                request_id=error.request_id,
            )
        if not isinstance(body, dict):
            if not reply.is_success:
                raise error_from_status(api_name, reply.status_code, reply.text)
            raise malformed(
                api_name, BODY_FIELD, f"not a JSON object (HTTP {reply.status_code}): {reply.text[:80]!r}"
            )
        error = error_from_body(api_name, body)
        if error is not None:
            raise error
        if not reply.is_success:
            raise error_from_status(api_name, reply.status_code, reply.text)
        return body
