"""Sign-in, sign-out, my account, and the JSON login for scripts and browsers.

``/login`` (page + form), ``POST /logout``, ``/account`` (+ ``POST /account/password``),
``POST /api/auth/login`` (JSON ``{username, password}`` → session cookie and the CSRF token),
``POST /api/auth/logout``, ``GET /api/auth/me``. Users and the audit log: ``accounts.admin_routes``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from kuajing.accounts import service
from kuajing.accounts.errors import AccountInvalid, AccountLocked, LoginRefused, Unauthorized
from kuajing.accounts.model import Principal
from kuajing.accounts.repository import AccountRepository
from kuajing.accounts.web import SESSION_COOKIE, client_ip, clock, lockout_policy, principal, session_policy
from kuajing.config import Settings
from kuajing.db.uow import UnitOfWork
from kuajing.stores.repository import StoreRepository
from kuajing.web.app import render

# The pages and forms are in the OpenAPI document too (tag ``accounts``); their forms also carry
# ``csrf_token`` (read by the middleware, not by the handlers). The JSON twins keep their ``auth`` tag.
router = APIRouter(tags=["accounts"])


def _settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def _safe_next(target: str) -> str:
    """Only a path on this site: never ``//evil`` or ``https://…``."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def sign_in(request: Request, username: str, password: str) -> tuple[Principal, service.NewSession]:
    """Check the password (counting failures, committed even when refused) and open a session."""
    settings, now = _settings(request), clock(request).now()
    with UnitOfWork(request.app.state.session_factory) as uow:
        try:
            user = service.authenticate(
                uow.session, username, password, now=now, policy=lockout_policy(settings)
            )
        except (LoginRefused, AccountLocked):
            uow.commit()
            raise
        opened = service.start_session(
            uow.session, user, now=now, policy=session_policy(settings), ip=client_ip(request)
        )
        found = service.principal_for(uow.session, user, via="session", csrf_token=opened.csrf_token)
        uow.commit()
    return found, opened


def _set_cookie(request: Request, response: Response, opened: service.NewSession) -> None:
    settings = _settings(request)
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )


def _end(request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with UnitOfWork(request.app.state.session_factory) as uow:
            service.end_session(uow.session, token)
            uow.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", {"next": _safe_next(next), "error": None, "username": ""})


@router.post("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form(description="where to go once signed in (a path on this site)")] = "/",
) -> Response:
    """Signed in: 303 to ``next`` with the session cookie; refused: the page again (401, or 423 locked)."""
    try:
        _, opened = sign_in(request, username, password)
    except (LoginRefused, AccountLocked) as error:
        context = {"next": _safe_next(next), "error": error, "username": username}
        return render(request, "login.html", context, status_code=error.http_status)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(request, response, opened)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    """Ends the session; 303 to the sign-in page."""
    response = RedirectResponse("/login", status_code=303)
    _end(request, response)
    return response


def _me(found: Principal) -> dict[str, Any]:
    stores = None if found.store_ids is None else sorted(found.store_ids)
    return {"username": found.username, "role": found.role.value, "store_ids": stores, "via": found.via}


@router.post("/api/auth/login", tags=["auth"])
def login_api(request: Request, body: dict[str, Any] = Body(...)) -> Response:
    """``{"username", "password"}`` → the session cookie, and the CSRF token to send back in
    ``X-CSRF-Token`` on every POST. Scripts may rather use an API token (``kuajing user token create``)."""
    found, opened = sign_in(request, str(body.get("username") or ""), str(body.get("password") or ""))
    response = JSONResponse({**_me(found), "csrf_token": opened.csrf_token})
    _set_cookie(request, response, opened)
    return response


@router.post("/api/auth/logout", tags=["auth"])
def logout_api(request: Request) -> Response:
    response = JSONResponse({"signed_out": True})
    _end(request, response)
    return response


@router.get("/api/auth/me", tags=["auth"])
def me_api(request: Request) -> dict[str, Any]:
    return _me(principal(request))


def _account_page(request: Request, **extra: Any) -> HTMLResponse:
    found, status_code = principal(request), int(extra.pop("status_code", 200))
    with UnitOfWork(request.app.state.session_factory) as uow:
        names = {store.id: store.name for store in StoreRepository(uow.session).aliexpress_stores()}
    stores = None if found.store_ids is None else [names.get(i, str(i)) for i in sorted(found.store_ids)]
    changed = request.query_params.get("changed") == "1"
    context = {"me_stores": stores, "changed": changed, "error": None, "active": "account", **extra}
    return render(request, "account.html", context, status_code=status_code)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> HTMLResponse:
    return _account_page(request)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request, current: Annotated[str, Form()] = "", new: Annotated[str, Form()] = ""
) -> Response:
    """My password; 303 to my page with a fresh session, or the page with the problem."""
    found = principal(request)
    if found.user_id is None:
        raise Unauthorized()
    now = clock(request).now()
    try:
        with UnitOfWork(request.app.state.session_factory) as uow:
            user = AccountRepository(uow.session).user(found.user_id)
            assert user is not None
            service.change_password(uow.session, user, current, new)
            opened = service.start_session(
                uow.session, user, now=now, policy=session_policy(_settings(request))
            )
            from kuajing.accounts.audit import record

            record(
                uow.session,
                found.actor,
                "user.password",
                "user",
                user.username,
                None,
                None,
                ip=client_ip(request),
            )
            uow.commit()
    except (LoginRefused, AccountInvalid) as error:
        return _account_page(request, error=error, status_code=error.http_status)
    response = RedirectResponse("/account?changed=1", status_code=303)
    _set_cookie(request, response, opened)
    return response


__all__ = ["router", "sign_in"]
