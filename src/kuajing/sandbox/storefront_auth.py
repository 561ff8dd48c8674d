"""AliExpress seller authorisation in the sandbox: access tokens, refresh tokens, one-time codes.

Token lifetimes are measured in WALL time (seconds since the epoch, handed in by the protocol
layer), because the client caches tokens against its own clock, not the simulated one. The
configured default tokens never expire unless an admin call expires them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kuajing.sandbox.storefront_listings import Store

ACCESS_TOKEN_TTL_S = 86400
REFRESH_TOKEN_TTL_S = 2 * 86400


@dataclass
class TokenGrant:
    access_token: str
    refresh_token: str
    store_number: int
    expires_at: float | None  # wall epoch seconds; None = never
    refresh_expires_at: float | None


class AuthError(Exception):
    """A refused code or refresh token; ``code`` is the platform's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class StoreTokens:
    def __init__(self, stores: list[Store], rng: random.Random) -> None:
        self._stores = {store.number: store for store in stores}
        self._rng = rng
        self._grants: dict[str, TokenGrant] = {}
        self._by_refresh: dict[str, TokenGrant] = {}
        self._used_codes: set[str] = set()
        for store in stores:
            self._grants[store.access_token] = TokenGrant(store.access_token, "", store.number, None, None)

    def store_for(self, access_token: str, wall_now: float) -> Store | None:
        """The store a live token belongs to; None if unknown or expired."""
        grant = self._grants.get(access_token)
        if grant is None or (grant.expires_at is not None and wall_now >= grant.expires_at):
            return None
        return self._stores[grant.store_number]

    def create(self, code: str, wall_now: float) -> TokenGrant:
        store = next((s for s in self._stores.values() if s.auth_code == code), None)
        if store is None:
            raise AuthError("InvalidCode", "authorization code is invalid")
        if code in self._used_codes:
            raise AuthError("InvalidCode", "authorization code has already been used")
        self._used_codes.add(code)
        return self._issue(store.number, wall_now)

    def refresh(self, refresh_token: str, wall_now: float) -> TokenGrant:
        grant = self._by_refresh.pop(refresh_token, None)
        if grant is None or (grant.refresh_expires_at is not None and wall_now >= grant.refresh_expires_at):
            raise AuthError("IllegalRefreshToken", "refresh token is invalid or expired")
        return self._issue(grant.store_number, wall_now)

    def expire(self, access_token: str, wall_now: float) -> bool:
        grant = self._grants.get(access_token)
        if grant is None:
            return False
        grant.expires_at = wall_now - 1
        return True

    def store(self, number: int) -> Store:
        return self._stores[number]

    def _issue(self, store_number: int, wall_now: float) -> TokenGrant:
        seller_id = self._stores[store_number].seller_id
        access = f"50000{seller_id}{self._rng.getrandbits(64):016x}"
        refresh = f"50001{seller_id}{self._rng.getrandbits(64):016x}"
        grant = TokenGrant(
            access, refresh, store_number, wall_now + ACCESS_TOKEN_TTL_S, wall_now + REFRESH_TOKEN_TTL_S
        )
        self._grants[access] = grant
        self._by_refresh[refresh] = grant
        return grant
