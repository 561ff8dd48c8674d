"""1688 OAuth in the sandbox: which access tokens are valid, for which buyer, until when.

The configured token (``KUAJING_SANDBOX_1688_ACCESS_TOKEN``) belongs to the sandbox buyer and
never expires unless ``POST /sandbox/1688/tokens/expire`` says so. ``getToken`` with the code
``code-<memberId>`` (each code once) or a refresh token issues a token valid ``ACCESS_TOKEN_TTL_S``
of wall time, like 1688's 10 hours. Token expiry runs on the wall clock, not the simulated one:
it is about the client's session, not the world's story.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kuajing.sandbox.buyer_model import to_1688_time

ACCESS_TOKEN_TTL_S = 36_000
REFRESH_TOKEN_TTL_S = 180 * 24 * 3600


class TokenError(Exception):
    """``code`` is the gateway code (gw.AccessTokenInvalid / gw.AccessTokenExpired) or OAuth error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class _Token:
    member_id: str
    expires_at: float | None  # wall-clock epoch seconds; None = never
    expired: bool = False


class TokenBook:
    def __init__(
        self,
        configured_token: str,
        buyer_member_id: str,
        buyer_login_id: str,
        new_secret: Callable[[], str] = lambda: secrets.token_hex(16),
    ) -> None:
        self._access: dict[str, _Token] = {configured_token: _Token(buyer_member_id, None)}
        self._refresh: dict[str, tuple[str, float]] = {}
        self._used_codes: set[str] = set()
        self._logins = {buyer_member_id: buyer_login_id}
        self._new_secret = new_secret

    def member_for(self, token: str, wall_now: float) -> str:
        entry = self._access.get(token) if token else None
        if entry is None:
            raise TokenError("gw.AccessTokenInvalid", "access_token is missing or invalid")
        if entry.expired or (entry.expires_at is not None and wall_now >= entry.expires_at):
            raise TokenError("gw.AccessTokenExpired", "access_token has expired; refresh it")
        return entry.member_id

    def expire(self, token: str | None = None) -> int:
        """Marks one token (or all) expired; returns how many."""
        if token:
            targets = [self._access[token]] if token in self._access else []
        else:
            targets = list(self._access.values())
        for entry in targets:
            entry.expired = True
        return len(targets)

    def exchange_code(self, code: str, wall_now: float) -> dict[str, object]:
        member_id = code.removeprefix("code-") if code.startswith("code-") else ""
        if not member_id or code in self._used_codes:
            raise TokenError("invalid_grant", "authorization code is invalid or already used")
        self._used_codes.add(code)
        refresh = self._new_secret()
        self._refresh[refresh] = (member_id, wall_now + REFRESH_TOKEN_TTL_S)
        return self._issue(member_id, refresh, wall_now)

    def refresh(self, refresh_token: str, wall_now: float) -> dict[str, object]:
        found = self._refresh.get(refresh_token)
        if found is None or wall_now >= found[1]:
            raise TokenError("invalid_grant", "refresh token is invalid or expired")
        return self._issue(found[0], refresh_token, wall_now)

    def _issue(self, member_id: str, refresh: str, wall_now: float) -> dict[str, object]:
        access = self._new_secret()
        self._access[access] = _Token(member_id, wall_now + ACCESS_TOKEN_TTL_S)
        refresh_until = datetime.fromtimestamp(self._refresh[refresh][1], tz=UTC)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": ACCESS_TOKEN_TTL_S,
            "refresh_token_timeout": to_1688_time(refresh_until),
            "memberId": member_id,
            "aliId": str(zlib.crc32(member_id.encode()) + 2_200_000_000_000),
            "resource_owner": self._logins.get(member_id, member_id),
        }
