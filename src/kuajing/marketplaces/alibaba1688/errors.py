"""How the 1688 (AOP) gateway's answers map onto kuajing's marketplace error hierarchy.

Three shapes of refusal reach us:

- gateway errors: HTTP 4xx/5xx with ``{"error_code": "gw.…", "error_message", "request_id"}``;
- business refusals: HTTP 200 with ``success: false`` at the top level (``errorCode``/
  ``errorMessage``) or inside ``result`` (createCrossOrder, queryProductDetail: ``code``/
  ``message``) — both spellings are accepted in both places;
- OAuth refusals from getToken: HTTP 400 ``{"error": "invalid_grant", "error_description"}``.

Only the HTTP status says anything when the body is not the platform's (a proxy's 502 page).
"""

from __future__ import annotations

from typing import Any

from kuajing.marketplaces.errors import (
    AuthError,
    BusinessError,
    InvalidParameterError,
    PlatformError,
    ThrottledError,
    TransientError,
)

PLATFORM = "1688"
EXPIRED_TOKEN_CODE = "gw.AccessTokenExpired"
NOT_SHIPPED_CODE = "500_2"  # logistics not available yet: the supplier has not shipped
DEFAULT_RETRY_AFTER = 1.0

_GATEWAY_CODES: dict[str, type[PlatformError]] = {
    "gw.SignatureInvalid": AuthError,
    "gw.AccessTokenInvalid": AuthError,
    "gw.AccessTokenExpired": AuthError,
    "gw.APINotFound": InvalidParameterError,
    "gw.MissingParameter": InvalidParameterError,
    "gw.InvalidParameter": InvalidParameterError,
    "gw.QosAppFrequencyLimit": ThrottledError,
    "gw.ServiceUnavailable": TransientError,
    "gw.InternalError": TransientError,
}


def _by_status(status: int) -> type[PlatformError]:
    if status >= 500:
        return TransientError
    if status in (401, 403):
        return AuthError
    if status == 429:
        return ThrottledError
    if status >= 400:
        return InvalidParameterError  # a wrong path or request: our bug, retrying won't help
    return PlatformError


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def gateway_error(
    method: str, status: int, body: Any, *, retry_after: float | None = None
) -> PlatformError | None:
    """The error in a gateway reply, or None when the reply is not one.

    A known ``error_code`` decides the class; otherwise the HTTP status does (any 5xx is transient).
    """
    code = _text(body.get("error_code")) if isinstance(body, dict) else None
    if code is None and status < 400:
        return None
    message = _text(body.get("error_message")) if isinstance(body, dict) else None
    request_id = _text(body.get("request_id")) if isinstance(body, dict) else None
    error_class = _GATEWAY_CODES.get(code or "") or _by_status(status)
    if status >= 500 and not issubclass(error_class, TransientError):
        error_class = TransientError
    platform_code = code or f"HTTP_{status}"
    text = f"HTTP {status} {platform_code}: {message or 'no message'}"
    if error_class is ThrottledError:
        return ThrottledError(
            text,
            platform=PLATFORM,
            method=method,
            platform_code=platform_code,
            request_id=request_id,
            retry_after=retry_after or DEFAULT_RETRY_AFTER,
        )
    return error_class(
        text, platform=PLATFORM, method=method, platform_code=platform_code, request_id=request_id
    )


def business_error(method: str, body: Any) -> BusinessError | None:
    """A refusal with ``success: false`` at the top level or inside ``result``, else None."""
    if not isinstance(body, dict):
        return None
    for place in (body, body.get("result")):
        if isinstance(place, dict) and place.get("success") is False:
            code = _text(place.get("errorCode") or place.get("code")) or "UNKNOWN"
            message = _text(place.get("errorMessage") or place.get("message")) or "refused"
            return BusinessError(
                f"{code}: {message}",
                platform=PLATFORM,
                method=method,
                platform_code=code,
                request_id=_text(body.get("request_id")),
            )
    return None


def oauth_error(method: str, status: int, body: Any) -> PlatformError | None:
    """getToken's own refusals (``invalid_grant`` and friends) are authorisation failures."""
    if isinstance(body, dict) and "error" in body and "error_code" not in body:
        code = str(body["error"])
        message = _text(body.get("error_description")) or code
        error_class: type[PlatformError] = TransientError if status >= 500 else AuthError
        return error_class(f"{code}: {message}", platform=PLATFORM, method=method, platform_code=code)
    return gateway_error(method, status, body)
