"""The owner's pages: users (``/admin/users``) and the audit log (``/audit``, ``/audit.xlsx``,
``/api/audit``). The middleware lets only ``users.manage`` / ``audit.read`` through
(``accounts.route_actions``); every user change is itself written to the audit log."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuajing.accounts import audit, service
from kuajing.accounts.errors import AccountInvalid
from kuajing.accounts.model import Role
from kuajing.accounts.repository import AccountRepository
from kuajing.accounts.tables import AuditEntryRow, UserRow
from kuajing.accounts.web import audit as audit_request
from kuajing.accounts.web import clock
from kuajing.db.uow import UnitOfWork
from kuajing.kit.errors import KuajingError, ValidationFailed
from kuajing.stores.repository import StoreRepository
from kuajing.web.app import render

# The pages and forms are in the OpenAPI document too (tag ``accounts``), like every other page; the
# forms also carry ``csrf_token`` (the middleware reads it), which the handlers never see.
router = APIRouter(tags=["accounts"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def user_view(row: UserRow, store_ids: frozenset[int]) -> dict[str, Any]:
    return {
        "username": row.username,
        "display_name": row.display_name,
        "role": row.role,
        "active": row.active,
        "locked_until": row.locked_until.isoformat() if row.locked_until else None,
        "store_ids": sorted(store_ids),
    }


def _store_ids(session: Session, values: list[str]) -> frozenset[int]:
    """The ticked store ids; a value that is not the id of a store is refused (only a hand-made
    request sends one: the page offers the stores as checkboxes)."""
    known = {store.id for store in StoreRepository(session).aliexpress_stores()}
    ids: set[int] = set()
    for value in (v.strip() for v in values if v.strip()):
        number = int(value) if value.isascii() and value.isdigit() else None
        if number is None or number not in known:
            raise AccountInvalid(f"no AliExpress store {value!r}", f"没有速卖通店铺 {value!r}")
        ids.add(number)
    return frozenset(ids)


def _users_page(request: Request, error: KuajingError | None = None, saved: bool = False) -> HTMLResponse:
    with UnitOfWork(request.app.state.session_factory) as uow:
        repo = AccountRepository(uow.session)
        users = [(row, repo.store_ids(row.id)) for row in repo.users()]
        stores = list(StoreRepository(uow.session).aliexpress_stores())
        uow.session.expunge_all()
    context = {
        "users": users,
        "stores": stores,
        "roles": list(Role),
        "error": error,
        "saved": saved,
        "active": "users",
        "now": clock(request).now(),
    }
    return render(request, "admin_users.html", context, status_code=error.http_status if error else 200)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, saved: int = 0) -> HTMLResponse:
    return _users_page(request, saved=bool(saved))


_ROLE = "owner | buyer | purchaser | service | viewer (a wrong one is shown on the page, 422)"
_STORES = "AliExpress store ids the user may see; none: every store"


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form(description=_ROLE)] = "",
    display_name: Annotated[str, Form()] = "",
    stores: Annotated[list[str] | None, Form(description=_STORES)] = None,
) -> Response:
    """A new user; 303 to the users page, or the page with the problem (422) when refused."""
    now = clock(request).now()

    def job(session: Session) -> None:
        store_ids = _store_ids(session, stores or [])
        row = service.create_user(
            session, username, password, role, now=now, display_name=display_name, store_ids=store_ids
        )
        audit_request(request, session, "user.create", "user", row.username, None, user_view(row, store_ids))

    return _run(request, job)


def _run(request: Request, job: Any) -> Response:
    try:
        with UnitOfWork(request.app.state.session_factory) as uow:
            job(uow.session)
            uow.commit()
    except AccountInvalid as error:
        return _users_page(request, error=error)
    return RedirectResponse("/admin/users?saved=1", status_code=303)


_OP = "role (with role), stores (with stores), disable, enable, unlock, password (with password)"


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def change_user(
    request: Request,
    user_id: int,
    op: Annotated[str, Form(description=_OP)] = "",
    role: Annotated[str, Form(description=_ROLE)] = "",
    password: Annotated[str, Form()] = "",
    stores: Annotated[list[str] | None, Form(description=_STORES)] = None,
) -> Response:
    """One change to a user; 303 to the users page, or the page with the problem when refused."""

    def job(session: Session) -> None:
        repo = AccountRepository(session)
        row = repo.user(user_id)
        if row is None:
            raise AccountInvalid(f"no user {user_id}", f"没有用户 {user_id}", http_status=404)
        before = user_view(row, repo.store_ids(row.id))
        if op == "role":
            if row.role == Role.OWNER and role != Role.OWNER:
                _keep_an_owner(repo)
            service.set_role(session, row, role)
        elif op == "stores":
            service.set_stores(session, row, _store_ids(session, stores or []))
        elif op in ("disable", "enable"):
            if op == "disable" and row.role == Role.OWNER:
                _keep_an_owner(repo)
            service.set_active(session, row, op == "enable")
        elif op == "unlock":
            service.unlock(session, row)
        elif op == "password":
            service.change_password(session, row, None, password)
        else:
            raise AccountInvalid(f"no operation {op!r}", f"没有操作 {op!r}")
        after = user_view(row, repo.store_ids(row.id))
        audit_request(request, session, f"user.{op}", "user", row.username, before, after)

    return _run(request, job)


def _keep_an_owner(repo: AccountRepository) -> None:
    if repo.count_active_users(Role.OWNER.value) <= 1:
        raise AccountInvalid("the last active owner cannot be removed", "不能停用或降级最后一个管理员")


# --- the audit log -------------------------------------------------------------------------------


def _day(value: str, tz: ZoneInfo, field: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(datetime.strptime(value, "%Y-%m-%d").date(), time(), tz)
    except ValueError:
        raise ValidationFailed(f"{field}: a date is YYYY-MM-DD", f"{field}:日期格式为 YYYY-MM-DD") from None


def _entries(
    request: Request, who: str, action: str, kind: str, since: str, until: str
) -> list[AuditEntryRow]:
    tz = ZoneInfo(request.app.state.settings.timezone)
    start, end = _day(since, tz, "since"), _day(until, tz, "until")
    with UnitOfWork(request.app.state.session_factory) as uow:
        rows = list(
            AccountRepository(uow.session).audit_entries(
                who=who.strip(),
                action=action.strip(),
                object_kind=kind.strip(),
                since=start,
                until=end + timedelta(days=1) if end else None,
                limit=5000,
            )
        )
        uow.session.expunge_all()
    return rows


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, who: str = "", action: str = "", kind: str = "", since: str = "", until: str = ""
) -> HTMLResponse:
    rows = _entries(request, who, action, kind, since, until)
    filters = {"who": who, "action": action, "kind": kind, "since": since, "until": until}
    query = "&".join(f"{key}={value}" for key, value in filters.items() if value)
    context = {"entries": rows[:500], "filters": filters, "query": query, "active": "audit"}
    return render(request, "audit.html", context)


@router.get("/audit.xlsx")
def audit_xlsx(
    request: Request, who: str = "", action: str = "", kind: str = "", since: str = "", until: str = ""
) -> Response:
    rows = _entries(request, who, action, kind, since, until)
    headers = {"Content-Disposition": 'attachment; filename="audit-log.xlsx"'}
    return Response(audit.workbook(rows), media_type=XLSX, headers=headers)


@router.get("/api/audit", tags=["audit"])
def audit_api(
    request: Request,
    who: str = "",
    action: str = "",
    kind: str = "",
    since: str = "",
    until: str = "",
    limit: int = Query(500, ge=1, le=5000),
) -> list[dict[str, Any]]:
    return [audit.entry_dict(row) for row in _entries(request, who, action, kind, since, until)[:limit]]


__all__ = ["router", "user_view"]
