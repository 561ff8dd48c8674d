"""What can go wrong when we call a marketplace, as one hierarchy both clients raise.

Transport errors (we may not know whether the platform saw the request) are kept apart from
platform errors (the platform answered and said no), as httpx does::

    KuajingError
     └── MarketplaceError                 platform + method
          ├── TransportError              no usable answer
          │    ├── CallTimeout            sent, no reply in time: a write MAY have happened
          │    └── ConnectionFailed       never reached the platform: nothing was written
          └── PlatformError               the platform answered
               ├── AuthError              bad signature, wrong/expired token (refresh or re-authorise)
               ├── ThrottledError         call rate exceeded (wait ``retry_after`` then retry)
               ├── InvalidParameterError  missing/invalid parameter, unknown method (our bug: no retry)
               ├── TransientError         platform-side fault, HTTP 5xx (retry with back-off)
               ├── BusinessError          the call was valid and refused (out of stock, no dropship
               │                          relation, …): ``platform_code`` says why; never retried
               └── MalformedReplyError    a reply we cannot read: names the method and the field

Only ``TransientError``, ``ThrottledError`` and, for read-only methods, ``TransportError`` are
retried by the clients. A ``CallTimeout`` on a write is surfaced to the caller, who must look the
write up (1688: by ``outOrderId``) before trying again.
"""

from __future__ import annotations

from typing import Any

from kuajing.kit.errors import KuajingError


class MarketplaceError(KuajingError):
    code = "marketplace_error"
    http_status = 502

    def __init__(
        self,
        message_en: str,
        message_zh: str | None = None,
        *,
        platform: str,
        method: str,
        platform_code: str | None = None,
        request_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        full_details = {"platform": platform, "method": method, "platform_code": platform_code}
        full_details.update(details or {})
        super().__init__(
            f"[{platform} {method}] {message_en}",
            f"[{platform} {method}] {message_zh or message_en}",
            details=full_details,
        )
        self.platform = platform
        self.method = method
        self.platform_code = platform_code
        self.request_id = request_id


class TransportError(MarketplaceError):
    code = "marketplace_transport"


class CallTimeout(TransportError):
    code = "marketplace_timeout"
    http_status = 504


class ConnectionFailed(TransportError):
    code = "marketplace_unreachable"


class PlatformError(MarketplaceError):
    code = "marketplace_platform_error"


class AuthError(PlatformError):
    code = "marketplace_auth"
    http_status = 401


class ThrottledError(PlatformError):
    code = "marketplace_throttled"
    http_status = 429

    def __init__(self, *args: Any, retry_after: float = 1.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class InvalidParameterError(PlatformError):
    code = "marketplace_invalid_parameter"
    http_status = 400


class TransientError(PlatformError):
    code = "marketplace_transient"
    http_status = 503


class BusinessError(PlatformError):
    code = "marketplace_business"
    http_status = 422


class MalformedReplyError(PlatformError):
    code = "marketplace_malformed_reply"

    def __init__(self, *args: Any, field: str, **kwargs: Any) -> None:
        details = dict(kwargs.pop("details", None) or {})
        details["field"] = field
        super().__init__(*args, details=details, **kwargs)
        self.field = field
