"""Account use cases: users, sign-in with lock-out, sessions, API tokens. Never commits.

Passwords are argon2id hashes (argon2-cffi). Session and API tokens are random (``secrets``) and
stored as SHA-256 digests; the plain token lives only in the cookie or the script's header. Time is
passed in (``now``), so lock-out and expiry are tested without sleeping.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from kuajing.accounts.errors import AccountInvalid, AccountLocked, LoginRefused
from kuajing.accounts.model import (
    USERNAME,
    LockoutPolicy,
    Principal,
    Role,
    after_failure,
    is_locked,
    password_problem,
    visible_stores,
)
from kuajing.accounts.repository import AccountRepository
from kuajing.accounts.tables import ApiTokenRow, UserRow, UserSessionRow

_HASHER = PasswordHasher()
# Verified against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("kuajing-no-such-user")
TOKEN_PREFIX = "kj_"


@dataclass(frozen=True)
class SessionPolicy:
    max_hours: float = 12.0  # a session ends this long after sign-in …
    idle_minutes: float = 120.0  # … or after this long without a request


@dataclass(frozen=True)
class NewSession:
    token: str  # the cookie's value; only its digest is stored
    csrf_token: str
    row: UserSessionRow


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        roles = ", ".join(role.value for role in Role)
        raise AccountInvalid(
            f"unknown role {value!r} (one of {roles})", f"未知角色 {value!r}(可选:{roles})"
        ) from None


def _check_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem is not None:
        raise AccountInvalid(problem[1], problem[0], details={"field": "password"})


# --- users ---------------------------------------------------------------------------------------


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    now: datetime,
    display_name: str = "",
    store_ids: frozenset[int] = frozenset(),
) -> UserRow:
    username = username.strip()
    if not USERNAME.match(username):
        raise AccountInvalid(
            "a username is 2–40 letters, digits, '.', '_' or '-'",
            "用户名为 2–40 个字母、数字、'.'、'_' 或 '-'",
            details={"field": "username"},
        )
    repo = AccountRepository(session)
    if repo.by_username(username) is not None:
        raise AccountInvalid(
            f"user {username!r} exists", f"用户 {username!r} 已存在", details={"field": "username"}
        )
    checked = _role(role)
    _check_password(password, username)
    row = UserRow(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        role=checked.value,
        active=True,
        failed_attempts=0,
        locked_until=None,
        created_at=now,
    )
    repo.add(row)
    if store_ids:
        repo.set_store_ids(row.id, store_ids)
    return row


def user_named(session: Session, username: str) -> UserRow:
    row = AccountRepository(session).by_username(username.strip())
    if row is None:
        raise AccountInvalid(f"no user {username!r}", f"没有用户 {username!r}", http_status=404)
    return row


def set_role(session: Session, user: UserRow, role: str) -> None:
    user.role = _role(role).value
    session.flush()


def set_active(session: Session, user: UserRow, active: bool) -> None:
    user.active = active
    if not active:
        AccountRepository(session).delete_sessions_of(user.id)
    session.flush()


def unlock(session: Session, user: UserRow) -> None:
    user.failed_attempts, user.locked_until = 0, None
    session.flush()


def set_stores(session: Session, user: UserRow, store_ids: frozenset[int]) -> None:
    AccountRepository(session).set_store_ids(user.id, store_ids)


def change_password(session: Session, user: UserRow, current: str | None, new: str) -> None:
    """``current`` None: an owner resetting someone else's password."""
    if current is not None and not _verify(user.password_hash, current):
        raise LoginRefused()
    _check_password(new, user.username)
    user.password_hash = hash_password(new)
    AccountRepository(session).delete_sessions_of(user.id)  # every other sign-in ends
    session.flush()


def principal_for(session: Session, user: UserRow, *, via: str, csrf_token: str = "") -> Principal:
    role = Role(user.role)
    stores = visible_stores(role, AccountRepository(session).store_ids(user.id))
    return Principal(user.username, role, stores, user.id, via, csrf_token)


# --- sign-in -------------------------------------------------------------------------------------


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    session: Session, username: str, password: str, *, now: datetime, policy: LockoutPolicy
) -> UserRow:
    """The user, or ``LoginRefused`` / ``AccountLocked``. Each failure counts; ``policy.max_failures``
    in a row lock the account for ``policy.lock_minutes`` (a locked account refuses even the right
    password). The caller commits, failures included."""
    user = AccountRepository(session).by_username(username.strip())
    if user is None:
        _verify(_DUMMY_HASH, password)
        raise LoginRefused()
    if is_locked(user.locked_until, now):
        assert user.locked_until is not None
        raise AccountLocked(user.locked_until)
    if not _verify(user.password_hash, password) or not user.active:
        user.failed_attempts, locked_until = after_failure(user.failed_attempts, policy, now)
        if locked_until is not None:
            user.locked_until = locked_until
            session.flush()
            raise AccountLocked(locked_until)
        session.flush()
        raise LoginRefused()
    user.failed_attempts, user.locked_until = 0, None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def start_session(
    session: Session, user: UserRow, *, now: datetime, policy: SessionPolicy, ip: str | None = None
) -> NewSession:
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    row = UserSessionRow(
        token_hash=digest(token),
        user_id=user.id,
        csrf_token=csrf_token,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=policy.max_hours),
        ip=(ip or "")[:64] or None,
    )
    repo = AccountRepository(session)
    repo.delete_expired_sessions(now)  # sessions nobody came back to, swept at each sign-in
    repo.add(row)
    return NewSession(token, csrf_token, row)


def resume_session(session: Session, token: str, *, now: datetime, policy: SessionPolicy) -> Principal | None:
    """The session's user, or None when the token is unknown, expired, idle too long or the user is
    disabled (an expired session is deleted)."""
    repo = AccountRepository(session)
    row = repo.session_by_hash(digest(token))
    if row is None:
        return None
    idle_end = row.last_seen_at + timedelta(minutes=policy.idle_minutes)
    user = repo.user(row.user_id)
    if row.expires_at <= now or idle_end <= now or user is None or not user.active:
        repo.delete_session(row)
        return None
    if now - row.last_seen_at > timedelta(minutes=1):  # one write a minute, not one per request
        row.last_seen_at = now
        session.flush()
    return principal_for(session, user, via="session", csrf_token=row.csrf_token)


def end_session(session: Session, token: str) -> None:
    repo = AccountRepository(session)
    row = repo.session_by_hash(digest(token))
    if row is not None:
        repo.delete_session(row)


# --- API tokens ----------------------------------------------------------------------------------


def create_token(session: Session, user: UserRow, name: str, *, now: datetime) -> tuple[str, ApiTokenRow]:
    """A new token for scripts; the plain value is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiTokenRow(
        token_hash=digest(token),
        prefix=token[:10],
        user_id=user.id,
        name=(name.strip() or "script")[:80],
        created_at=now,
        last_used_at=None,
        revoked_at=None,
    )
    AccountRepository(session).add(row)
    return token, row


def revoke_token(session: Session, token_id: int, *, now: datetime) -> ApiTokenRow:
    row = AccountRepository(session).token(token_id)
    if row is None:
        raise AccountInvalid(f"no API token {token_id}", f"没有 API 令牌 {token_id}", http_status=404)
    row.revoked_at = row.revoked_at or now
    session.flush()
    return row


def resume_token(session: Session, token: str, *, now: datetime) -> Principal | None:
    repo = AccountRepository(session)
    row = repo.token_by_hash(digest(token))
    if row is None or row.revoked_at is not None:
        return None
    user = repo.user(row.user_id)
    if user is None or not user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
        session.flush()
    return principal_for(session, user, via="token")


__all__ = [
    "NewSession",
    "SessionPolicy",
    "authenticate",
    "change_password",
    "create_token",
    "create_user",
    "end_session",
    "hash_password",
    "principal_for",
    "resume_session",
    "resume_token",
    "revoke_token",
    "set_active",
    "set_role",
    "set_stores",
    "start_session",
    "unlock",
    "user_named",
]
