"""Use cases for stores and buyer accounts: register, list, and build the clients that talk for them.

Services never commit: the CLI command, page or job that calls them does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kuajing.config import Settings, get_settings
from kuajing.kit.clock import utcnow
from kuajing.kit.errors import NotFound, ValidationFailed
from kuajing.kit.secrets import Secret, reveal
from kuajing.marketplaces.alibaba1688 import Alibaba1688Client, Alibaba1688Config
from kuajing.marketplaces.alibaba1688 import TokenSet as AlibabaTokens
from kuajing.marketplaces.aliexpress import AliExpressClient, AliExpressConfig
from kuajing.marketplaces.aliexpress import TokenSet as AliExpressTokens
from kuajing.marketplaces.policy import RetryPolicy
from kuajing.stores.repository import StoreRepository
from kuajing.stores.tables import Alibaba1688Account, AliExpressStore


@dataclass(frozen=True)
class StoreCredentials:
    """What a person pastes for a store; the secrets are :class:`Secret` (``***`` in any repr)."""

    name: str
    seller_id: str
    base_url: str
    app_key: str
    app_secret: Secret | str
    access_token: Secret | str
    refresh_token: Secret | str = ""

    def __post_init__(self) -> None:
        for field in SECRET_FIELDS:
            object.__setattr__(self, field, Secret(getattr(self, field)))


@dataclass(frozen=True)
class BuyerAccountCredentials:
    name: str
    member_id: str
    base_url: str
    app_key: str
    app_secret: Secret | str
    access_token: Secret | str
    refresh_token: Secret | str = ""

    def __post_init__(self) -> None:
        for field in SECRET_FIELDS:
            object.__setattr__(self, field, Secret(getattr(self, field)))


SECRET_FIELDS = ("app_secret", "access_token", "refresh_token")


def audit_view(row: AliExpressStore | Alibaba1688Account | None) -> dict[str, object] | None:
    """What the audit log keeps of a store or buyer account: names and addresses, and which secrets
    are set — never a secret's value (the log is shown on pages and exported)."""
    if row is None:
        return None
    who = {"seller_id": row.seller_id} if isinstance(row, AliExpressStore) else {"member_id": row.member_id}
    secrets = {field: bool(getattr(row, field)) for field in SECRET_FIELDS}
    return {"name": row.name, **who, "base_url": row.base_url, "app_key": row.app_key, "secrets_set": secrets}


def changed_secrets(row: AliExpressStore | Alibaba1688Account | None, creds: object) -> list[str]:
    """The names of the secrets ``creds`` changes on ``row`` (all of them for a new row)."""
    return [
        field
        for field in SECRET_FIELDS
        if row is None or getattr(row, field) != reveal(getattr(creds, field))
    ]


def _require(value: str | Secret, field: str) -> None:
    if not reveal(value).strip():
        raise ValidationFailed(f"{field} must not be empty", f"{field} 不能为空", details={"field": field})


def save_aliexpress_store(
    session: Session, creds: StoreCredentials, *, now: datetime | None = None
) -> AliExpressStore:
    """Adds the store, or updates its credentials if the seller id is already known."""
    for field in ("name", "seller_id", "base_url", "app_key", "app_secret", "access_token"):
        _require(getattr(creds, field), field)
    repo = StoreRepository(session)
    store = repo.aliexpress_store_by_seller(creds.seller_id)
    if store is None:
        store = AliExpressStore(
            seller_id=creds.seller_id,
            created_at=now or utcnow(),
            access_token_expires_at=None,
            refresh_token_expires_at=None,
            last_synced_at=None,
            buyer_account_id=None,
        )
    store.name = creds.name
    store.base_url = creds.base_url.rstrip("/")
    store.app_key = creds.app_key
    store.app_secret = reveal(creds.app_secret)
    store.access_token = reveal(creds.access_token)
    store.refresh_token = reveal(creds.refresh_token)
    if store.id is None:
        repo.add(store)
    session.flush()
    return store


def save_buyer_account(
    session: Session, creds: BuyerAccountCredentials, *, now: datetime | None = None
) -> Alibaba1688Account:
    for field in ("name", "member_id", "base_url", "app_key", "app_secret", "access_token"):
        _require(getattr(creds, field), field)
    repo = StoreRepository(session)
    account = repo.buyer_account_by_member(creds.member_id)
    if account is None:
        account = Alibaba1688Account(
            member_id=creds.member_id,
            created_at=now or utcnow(),
            access_token_expires_at=None,
            refresh_token_expires_at=None,
        )
    account.name = creds.name
    account.base_url = creds.base_url.rstrip("/")
    account.app_key = creds.app_key
    account.app_secret = reveal(creds.app_secret)
    account.access_token = reveal(creds.access_token)
    account.refresh_token = reveal(creds.refresh_token)
    if account.id is None:
        repo.add(account)
    session.flush()
    return account


def link_store_to_buyer(session: Session, store_id: int, account_id: int) -> None:
    repo = StoreRepository(session)
    store = repo.aliexpress_store(store_id)
    account = repo.buyer_account(account_id)
    if store is None:
        raise NotFound(f"AliExpress store {store_id} not found", f"找不到速卖通店铺 {store_id}")
    if account is None:
        raise NotFound(f"1688 account {account_id} not found", f"找不到1688账号 {account_id}")
    store.buyer_account_id = account.id
    session.flush()


def retry_policy(settings: Settings, max_retries: int) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=max_retries + 1,
        base_delay=settings.retry_base_delay_seconds,
        max_delay=settings.retry_max_delay_seconds,
        max_throttle_wait=settings.retry_max_throttle_wait_seconds,
    )


def apply_store_tokens(store: AliExpressStore, tokens: AliExpressTokens) -> None:
    """Refreshed AliExpress tokens onto the store row (a reply without a refresh token keeps ours)."""
    store.access_token = tokens.access_token
    store.refresh_token = tokens.refresh_token or store.refresh_token
    store.access_token_expires_at = tokens.expires_at
    store.refresh_token_expires_at = tokens.refresh_expires_at


def apply_buyer_tokens(account: Alibaba1688Account, tokens: AlibabaTokens) -> None:
    """Refreshed 1688 tokens onto the buyer account row, the same way."""
    account.access_token = tokens.access_token
    account.refresh_token = tokens.refresh_token or account.refresh_token
    account.access_token_expires_at = tokens.access_token_expires_at
    account.refresh_token_expires_at = tokens.refresh_token_expires_at


def aliexpress_client(
    store: AliExpressStore,
    settings: Settings | None = None,
    on_tokens_refreshed: Callable[[AliExpressTokens], None] | None = None,
    **overrides: object,
) -> AliExpressClient:
    """A client speaking for this store; refreshed tokens are written back onto the row.

    The caller's unit of work commits them with whatever else it does.
    """
    settings = settings or get_settings()
    config = AliExpressConfig(
        calls_per_second=settings.aliexpress_calls_per_second,
        timeout_seconds=settings.aliexpress_timeout_seconds,
        max_retries=settings.aliexpress_max_retries,
        base_url=store.base_url,
        app_key=store.app_key,
        app_secret=store.app_secret,
        access_token=store.access_token,
        refresh_token=store.refresh_token,
    )

    def remember(tokens: AliExpressTokens) -> None:
        apply_store_tokens(store, tokens)

    overrides.setdefault("retry_policy", retry_policy(settings, settings.aliexpress_max_retries))
    return AliExpressClient(config, on_tokens_refreshed=on_tokens_refreshed or remember, **overrides)  # type: ignore[arg-type]


def alibaba_client(
    account: Alibaba1688Account,
    settings: Settings | None = None,
    on_tokens_refreshed: Callable[[AlibabaTokens], None] | None = None,
    **overrides: object,
) -> Alibaba1688Client:
    settings = settings or get_settings()
    config = Alibaba1688Config(
        calls_per_second=settings.alibaba1688_calls_per_second,
        timeout_seconds=settings.alibaba1688_timeout_seconds,
        max_retries=settings.alibaba1688_max_retries,
        base_url=account.base_url,
        app_key=account.app_key,
        app_secret=account.app_secret,
        access_token=account.access_token,
        refresh_token=account.refresh_token,
    )

    def remember(tokens: AlibabaTokens) -> None:
        apply_buyer_tokens(account, tokens)

    overrides.setdefault("retry_policy", retry_policy(settings, settings.alibaba1688_max_retries))
    return Alibaba1688Client(config, on_tokens_refreshed=on_tokens_refreshed or remember, **overrides)  # type: ignore[arg-type]


def connect_sandbox(session: Session, sandbox_url: str, accounts: dict[str, Any]) -> int:
    """Registers the sandbox's stores and buyer account (``GET /sandbox/accounts``) and links them."""
    base = sandbox_url.rstrip("/")
    ae, buyer = accounts["aliexpress"], accounts["1688"]
    account = save_buyer_account(
        session,
        BuyerAccountCredentials(
            name=buyer.get("name", "1688 沙箱采购账号"),
            member_id=buyer["member_id"],
            base_url=f"{base}/1688",
            app_key=buyer["app_key"],
            app_secret=buyer["app_secret"],
            access_token=buyer["access_token"],
        ),
    )
    for entry in ae["stores"]:
        store = save_aliexpress_store(
            session,
            StoreCredentials(
                name=entry["name"],
                seller_id=str(entry["seller_id"]),
                base_url=f"{base}/aliexpress",
                app_key=ae["app_key"],
                app_secret=ae["app_secret"],
                access_token=entry["access_token"],
            ),
        )
        store.buyer_account_id = account.id
    session.flush()
    return len(ae["stores"])
