"""Accounts as the team sees them: roles, the actions each role may take, per-store access.

Pure: no SQLAlchemy, no clock. A seller team is an owner (老板), buyers (选品: the sourcing
workbench, the lifecycle board, selection), purchasers (采购: orders, the exception queue, SKU
mapping rules, purchases, supplier claims), customer service (客服/售后: orders read, returns) and
viewers (read only). ``PERMISSIONS`` is the whole table; ``ROUTE_ACTIONS`` in ``accounts.routes_table``
names the action each mutating web route needs.

Per-store access: an owner sees every AliExpress store; anyone else sees the stores they were given,
or every store when none were given (a one-store team need not list it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    BUYER = "buyer"
    PURCHASER = "purchaser"
    SERVICE = "service"
    VIEWER = "viewer"


ROLE_ZH = {
    Role.OWNER: "老板/管理员",
    Role.BUYER: "选品",
    Role.PURCHASER: "采购",
    Role.SERVICE: "客服/售后",
    Role.VIEWER: "只读",
}


class Action(StrEnum):
    READ = "read"
    OFFERS_IMPORT = "offers.import"  # import or fetch 1688 offers
    SOURCING_EDIT = "sourcing.edit"  # screen and move offers on the workbench
    LIFECYCLE_MOVE = "lifecycle.move"
    MAPPING_EDIT = "mapping.edit"  # SKU mapping rules
    EXCEPTION_RESOLVE = "exception.resolve"  # cancel a line, pick another supplier
    PURCHASE_APPROVE = "purchase.approve"  # approve a held purchase
    RETURNS_MANAGE = "aftersales.returns"  # record and classify returns
    CLAIMS_MANAGE = "aftersales.claims"  # supplier claims: evidence, submit, settle
    COMPLIANCE_EDIT = "compliance.edit"  # EPR numbers, listings, QC reports, HS opinions
    LOGISTICS_EDIT = "logistics.edit"  # rate cards and costs
    SETTINGS_EDIT = "settings.edit"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"


_BUYING = {Action.OFFERS_IMPORT, Action.SOURCING_EDIT, Action.LIFECYCLE_MOVE, Action.COMPLIANCE_EDIT}
_PURCHASING = {
    Action.MAPPING_EDIT,
    Action.EXCEPTION_RESOLVE,
    Action.PURCHASE_APPROVE,
    Action.CLAIMS_MANAGE,
    Action.RETURNS_MANAGE,
    Action.LOGISTICS_EDIT,
}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.BUYER: frozenset({Action.READ, *_BUYING}),
    Role.PURCHASER: frozenset({Action.READ, *_PURCHASING}),
    Role.SERVICE: frozenset({Action.READ, Action.RETURNS_MANAGE}),
    Role.VIEWER: frozenset({Action.READ}),
}


def may(role: Role, action: Action) -> bool:
    return action in PERMISSIONS[role]


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in user, a script's API token, or (sign-in off) the implicit owner."""

    username: str
    role: Role
    store_ids: frozenset[int] | None = None  # None: every store
    user_id: int | None = None
    via: str = "session"  # session | token | open (KUAJING_AUTH_REQUIRED=false)
    csrf_token: str = ""

    def may(self, action: Action) -> bool:
        return may(self.role, action)

    def sees_store(self, store_id: int | None) -> bool:
        return shared_or_in_scope(store_id, self.store_ids)

    @property
    def actor(self) -> str:
        return f"user:{self.username}"


def shared_or_in_scope(store_id: int | None, scope: frozenset[int] | None) -> bool:
    """Whether a row of ``store_id`` is visible within ``scope`` (None: every store): a row of no
    store (a shared mapping rule, a listing entered by hand) is visible to every user."""
    return scope is None or store_id is None or store_id in scope


def visible_stores(role: Role, given: frozenset[int]) -> frozenset[int] | None:
    """The stores a user may see: every one for an owner or when none were given."""
    if role is Role.OWNER or not given:
        return None
    return given


# --- lock-out ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    lock_minutes: float = 15.0


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def after_failure(failures: int, policy: LockoutPolicy, now: datetime) -> tuple[int, datetime | None]:
    """The failure count after one more failed attempt, and the lock's end when it locks."""
    failures += 1
    if failures >= policy.max_failures:
        return 0, now + timedelta(minutes=policy.lock_minutes)
    return failures, None


# --- passwords -----------------------------------------------------------------------------------

MIN_PASSWORD_LENGTH = 10
_COMMON = {"password", "passw0rd", "1234567890", "qwertyuiop", "kuajing123", "admin12345", "woaini1314"}
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,40}$")


def password_problem(password: str, username: str = "") -> tuple[str, str] | None:
    """Why a password is too weak (zh, en), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"密码至少 {MIN_PASSWORD_LENGTH} 个字符",
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
        )
    lowered = password.lower()
    if lowered in _COMMON or len(set(password)) < 4 or (username and username.lower() in lowered):
        return ("密码太容易猜到", "the password is too easy to guess")
    return None


__all__ = [
    "PERMISSIONS",
    "ROLE_ZH",
    "Action",
    "LockoutPolicy",
    "Principal",
    "Role",
    "after_failure",
    "is_locked",
    "may",
    "password_problem",
    "shared_or_in_scope",
    "visible_stores",
]
