"""How the IOP gateway's refusals map onto kuajing's marketplace error hierarchy.

The gateway answers errors with HTTP 200 and a body: ``{"error_response": {type, code, msg,
request_id}}`` on ``/sync``, a flat ``{code, type, message, request_id}`` on ``/rest``. Only the
HTTP status says anything when the body is not the platform's (a proxy's 502 page, say).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from kuajing.marketplaces.errors import (
    AuthError,
    BusinessError,
    InvalidParameterError,
    MalformedReplyError,
    PlatformError,
    ThrottledError,
    TransientError,
)

PLATFORM = "aliexpress"
log = logging.getLogger(__name__)

EXPIRED_TOKEN_CODE = "IllegalAccessToken"

_CODE_CLASSES: dict[str, type[PlatformError]] = {
    "IncompleteSignature": AuthError,
    "IllegalAccessToken": AuthError,
    # System API refusals of an authorisation code or refresh token.
    "InvalidCode": AuthError,
    "IllegalRefreshToken": AuthError,
    "InvalidApiPath": InvalidParameterError,
    "MissingParameter": InvalidParameterError,
    "InvalidParameter": InvalidParameterError,
    "ApiCallLimit": ThrottledError,
    "ServiceUnavailable": TransientError,
}

# "Api access frequency exceeds the limit. this ban will last 1 seconds"
_BAN_SECONDS = re.compile(r"last\s+(\d+(?:\.\d+)?)\s*s", re.IGNORECASE)
DEFAULT_RETRY_AFTER = 1.0


def retry_after_from(message: str) -> float:
    match = _BAN_SECONDS.search(message)
    return float(match.group(1)) if match else DEFAULT_RETRY_AFTER


def platform_error(
    method: str, code: str, message: str, *, error_type: str | None, request_id: str | None
) -> PlatformError:
    """The error for a gateway ``code``; unknown codes are platform faults when the platform says
    so (type ISP), otherwise refusals we do not know how to act on (plain ``PlatformError``)."""
    error_class = _CODE_CLASSES.get(code)
    if error_class is None:
        error_class = TransientError if error_type == "ISP" else PlatformError
    text = f"{code}: {message}" if message else code
    if error_class is ThrottledError:
        return ThrottledError(
            text,
            platform=PLATFORM,
            method=method,
            platform_code=code,
            request_id=request_id,
            retry_after=retry_after_from(message),
        )
    return error_class(text, platform=PLATFORM, method=method, platform_code=code, request_id=request_id)


def error_from_body(method: str, body: Any) -> PlatformError | None:
    """The error a decoded reply carries, or None when it is not an error reply."""
    if not isinstance(body, dict):
        return None
    wrapped = body.get("error_response")
    if isinstance(wrapped, dict):
        return platform_error(
            method,
            str(wrapped.get("code") or "unknown"),
            str(wrapped.get("msg") or ""),
            error_type=_opt_str(wrapped.get("type")),
            request_id=_opt_str(wrapped.get("request_id")),
        )
    code = body.get("code")
    if code is not None and str(code) != "0":  # a flat /rest reply
        return platform_error(
            method,
            str(code),
            str(body.get("message") or body.get("msg") or ""),
            error_type=_opt_str(body.get("type")),
            request_id=_opt_str(body.get("request_id")),
        )
    return None


def error_from_status(method: str, status: int, snippet: str) -> PlatformError:
    """For a non-2xx reply whose body is not the platform's error shape."""
    text = f"HTTP {status}: {snippet[:200]}"
    error_class: type[PlatformError]
    if status >= 500:
        error_class = TransientError
    elif status in (401, 403):
        error_class = AuthError
    elif status == 429:
        return ThrottledError(text, platform=PLATFORM, method=method, platform_code=f"HTTP_{status}")
    elif status >= 400:
        error_class = InvalidParameterError  # a wrong path or request: our bug, retrying won't help
    else:
        error_class = PlatformError
    return error_class(text, platform=PLATFORM, method=method, platform_code=f"HTTP_{status}")


def business_error(
    method: str, code: str | None, message: str | None, request_id: str | None = None
) -> BusinessError:
    code = code or "UNKNOWN"
    return BusinessError(
        f"{code}: {message or 'refused'}",
        platform=PLATFORM,
        method=method,
        platform_code=code,
        request_id=request_id,
    )


def malformed(method: str, field: str, problem: str, request_id: str | None = None) -> MalformedReplyError:
    """Builds (and logs, once, here) the error for a reply we cannot read."""
    error = MalformedReplyError(
        f"malformed reply at {field}: {problem}",
        platform=PLATFORM,
        method=method,
        field=field,
        request_id=request_id,
    )
    log.error("%s", error)
    return error


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
