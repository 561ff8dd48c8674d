"""All account SQL: users, their stores, sessions, API tokens, audit entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kuajing.accounts.tables import ApiTokenRow, AuditEntryRow, UserRow, UserSessionRow, UserStoreRow


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # users
    def user(self, user_id: int) -> UserRow | None:
        return self.session.get(UserRow, user_id)

    def by_username(self, username: str) -> UserRow | None:
        return self.session.scalar(select(UserRow).where(UserRow.username == username))

    def users(self) -> Sequence[UserRow]:
        return self.session.scalars(select(UserRow).order_by(UserRow.username)).all()

    def count_active_users(self, role: str | None = None) -> int:
        query = select(func.count()).select_from(UserRow).where(UserRow.active.is_(True))
        if role is not None:
            query = query.where(UserRow.role == role)
        return self.session.scalar(query) or 0

    def add(self, row: UserRow | UserSessionRow | ApiTokenRow | AuditEntryRow) -> None:
        self.session.add(row)
        self.session.flush()

    # stores
    def store_ids(self, user_id: int) -> frozenset[int]:
        query = select(UserStoreRow.store_id).where(UserStoreRow.user_id == user_id)
        return frozenset(self.session.scalars(query))

    def set_store_ids(self, user_id: int, store_ids: frozenset[int]) -> None:
        self.session.execute(delete(UserStoreRow).where(UserStoreRow.user_id == user_id))
        self.session.add_all(
            UserStoreRow(user_id=user_id, store_id=store_id) for store_id in sorted(store_ids)
        )
        self.session.flush()

    # sessions
    def session_by_hash(self, token_hash: str) -> UserSessionRow | None:
        return self.session.scalar(select(UserSessionRow).where(UserSessionRow.token_hash == token_hash))

    def delete_session(self, row: UserSessionRow) -> None:
        self.session.delete(row)
        self.session.flush()

    def delete_sessions_of(self, user_id: int) -> None:
        self.session.execute(delete(UserSessionRow).where(UserSessionRow.user_id == user_id))

    def delete_expired_sessions(self, now: datetime) -> int:
        result = self.session.execute(delete(UserSessionRow).where(UserSessionRow.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)

    # API tokens
    def token_by_hash(self, token_hash: str) -> ApiTokenRow | None:
        return self.session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash))

    def token(self, token_id: int) -> ApiTokenRow | None:
        return self.session.get(ApiTokenRow, token_id)

    def tokens(self, user_id: int | None = None) -> Sequence[ApiTokenRow]:
        query = select(ApiTokenRow).order_by(ApiTokenRow.id)
        if user_id is not None:
            query = query.where(ApiTokenRow.user_id == user_id)
        return self.session.scalars(query).all()

    # audit
    def audit_entries(
        self,
        *,
        who: str = "",
        action: str = "",
        object_kind: str = "",
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 500,
    ) -> Sequence[AuditEntryRow]:
        query = select(AuditEntryRow).order_by(AuditEntryRow.at.desc(), AuditEntryRow.id.desc())
        if who:
            query = query.where(AuditEntryRow.who == who)
        if action:
            query = query.where(AuditEntryRow.action.startswith(action))
        if object_kind:
            query = query.where(AuditEntryRow.object_kind == object_kind)
        if since is not None:
            query = query.where(AuditEntryRow.at >= since)
        if until is not None:
            query = query.where(AuditEntryRow.at < until)
        return self.session.scalars(query.limit(limit)).all()


__all__ = ["AccountRepository"]
