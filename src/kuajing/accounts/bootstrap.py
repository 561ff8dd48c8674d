"""Starting the web app with sign-in on: ``kuajing serve`` needs a user, ``kuajing demo`` makes one.

The demo creates an owner ``demo`` with a random password, printed once on the console; later demos
on the same database keep it (``kuajing user set-password demo --password-stdin`` sets a new one).
"""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from kuajing.accounts import service
from kuajing.accounts.audit import record
from kuajing.accounts.errors import NoUsers
from kuajing.accounts.model import Role
from kuajing.accounts.repository import AccountRepository
from kuajing.config import Settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.db.uow import UnitOfWork
from kuajing.kit.clock import SystemClock

DEMO_USER = "demo"


def require_a_user(settings: Settings) -> None:
    """Raise ``NoUsers`` (zh + en, naming ``kuajing user create``) when sign-in is on and nobody can."""
    if not settings.auth_required:
        return
    engine = make_engine(settings.database_url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            if AccountRepository(uow.session).count_active_users() == 0:
                raise NoUsers()
    finally:
        engine.dispose()


def ensure_demo_owner(session: Session) -> str | None:
    """Create the owner ``demo`` when absent; its new password, or None when it existed."""
    if AccountRepository(session).by_username(DEMO_USER) is not None:
        return None
    password = secrets.token_urlsafe(12)
    row = service.create_user(
        session, DEMO_USER, password, Role.OWNER.value, now=SystemClock().now(), display_name="Demo owner"
    )
    record(session, "cli:demo", "user.create", "user", row.username, None, {"role": row.role})
    return password


def demo_owner_lines(settings: Settings) -> list[str]:
    """The console lines ``kuajing demo`` prints about signing in."""
    if not settings.auth_required:
        return ["  sign-in off (KUAJING_AUTH_REQUIRED=false) / 未开启登录"]
    engine = make_engine(settings.database_url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            password = ensure_demo_owner(uow.session)
            uow.commit()
    finally:
        engine.dispose()
    if password is None:
        return [
            f"  登录 / sign in: {DEMO_USER} (password set by an earlier demo; "
            f"`kuajing user set-password {DEMO_USER} --password-stdin` sets a new one)"
        ]
    return [f"  登录 / sign in:  user {DEMO_USER}   password {password}   (shown once / 仅显示一次)"]


__all__ = ["DEMO_USER", "demo_owner_lines", "ensure_demo_owner", "require_a_user"]
