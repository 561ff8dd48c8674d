"""Sign-in for every request: the session cookie or a bearer token, CSRF, the route's permission.

An ASGI middleware, so every route is covered — included routers, the OpenAPI document and routes
added later alike. Without a valid session or token, ``/api/*`` answers 401 JSON and pages redirect to
``/login?next=…``. A request signed in by cookie that changes something (not GET/HEAD/OPTIONS) must
carry the session's CSRF token, in the ``X-CSRF-Token`` header or the ``csrf_token`` form field
(``base.html`` adds it to every form); bearer-token requests are exempt (no browser sends them on
its own). Then the route's action (``route_actions``) must be one the role may take, else 403.

With ``KUAJING_AUTH_REQUIRED=false`` every request is the implicit owner ``user:web``.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kuajing.accounts import service
from kuajing.accounts.errors import CsrfRefused, Forbidden, Unauthorized
from kuajing.accounts.model import LockoutPolicy, Principal, Role
from kuajing.accounts.route_actions import action_for, is_public
from kuajing.config import Settings
from kuajing.db.uow import UnitOfWork
from kuajing.kit.clock import Clock, SystemClock
from kuajing.kit.errors import KuajingError

SESSION_COOKIE = "kj_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_OWNER = Principal("web", Role.OWNER, None, None, via="open")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def clock(request: Request) -> Clock:
    """The wall clock; tests put a ``FixedClock`` on ``app.state.accounts_clock`` to move time."""
    value: Clock = getattr(request.app.state, "accounts_clock", None) or SystemClock()
    return value


def session_policy(settings: Settings) -> service.SessionPolicy:
    return service.SessionPolicy(settings.session_hours, settings.session_idle_minutes)


def lockout_policy(settings: Settings) -> LockoutPolicy:
    return LockoutPolicy(settings.login_max_failures, settings.login_lock_minutes)


def principal(request: Request) -> Principal:
    """Who is asking (the implicit owner when sign-in is off or outside the middleware)."""
    value: Principal = getattr(request.state, "principal", None) or OPEN_OWNER
    return value


def store_scope(request: Request) -> frozenset[int] | None:
    """The AliExpress store ids the user may see; None: every store."""
    return principal(request).store_ids


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def audit(
    request: Request, session: Any, action: str, kind: str, object_id: object, before: Any, after: Any
) -> None:
    """``audit.record`` with the request's user and address."""
    from kuajing.accounts.audit import record

    record(session, principal(request).actor, action, kind, object_id, before, after, ip=client_ip(request))


# --- route templates -----------------------------------------------------------------------------

_Pattern = tuple[re.Pattern[str], frozenset[str], str]


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, frozenset[str]]]:
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif isinstance(route, Route):
            yield prefix + route.path, frozenset(route.methods or ())


def route_templates(app: Any) -> Iterator[tuple[str, frozenset[str]]]:
    """Every route's path template and methods, through included routers."""
    return _walk(list(app.routes))


def _patterns(app: Any) -> list[_Pattern]:
    count = len(app.routes)
    cached = getattr(app.state, "_accounts_patterns", None)
    if cached is None or cached[0] != count:
        built = [(compile_path(path)[0], methods, path) for path, methods in route_templates(app)]
        app.state._accounts_patterns = cached = (count, built)
    patterns: list[_Pattern] = cached[1]
    return patterns


def match_route(app: Any, method: str, path: str) -> tuple[str | None, dict[str, str]]:
    method = "GET" if method == "HEAD" else method
    for regex, methods, template in _patterns(app):
        found = regex.match(path)
        if found and method in methods:
            return template, found.groupdict()
    return None, {}


# --- the middleware ------------------------------------------------------------------------------


def _refusal(request: Request, error: KuajingError) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse(error.to_dict(), status_code=error.http_status)
    if isinstance(error, Unauthorized):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    from kuajing.web.app import render

    return render(request, "error.html", {"error": error}, status_code=error.http_status)


def _resolve(request: Request) -> Principal | None:
    settings: Settings = request.app.state.settings
    now = clock(request).now()
    header = request.headers.get("authorization", "")
    with UnitOfWork(request.app.state.session_factory) as uow:
        if header.lower().startswith("bearer "):
            found = service.resume_token(uow.session, header[7:].strip(), now=now)
        elif request.cookies.get(SESSION_COOKIE):
            found = service.resume_session(
                uow.session, request.cookies[SESSION_COOKIE], now=now, policy=session_policy(settings)
            )
        else:
            return None
        uow.commit()
        return found


async def _buffer(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class SignInMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state = scope.setdefault("state", {})
        settings: Settings = request.app.state.settings
        if not settings.auth_required:
            state["principal"] = OPEN_OWNER
            await self.app(scope, receive, send)
            return
        if is_public(request.url.path):
            await self.app(scope, receive, send)
            return
        found = await run_in_threadpool(_resolve, request)
        if found is None:
            await _refusal(request, Unauthorized())(scope, receive, send)
            return
        state["principal"], state["user"] = found, found.username
        method = request.method.upper()
        if method not in SAFE_METHODS and found.via == "session":
            token = request.headers.get(CSRF_HEADER, "")
            content_type = request.headers.get("content-type", "")
            if not token and content_type.startswith(_FORMS):
                original = receive
                body = await _buffer(original)
                receive = _replay(body, original)
                form = await Request(scope, _replay(body, original)).form()
                value = form.get(CSRF_FIELD)
                token = value if isinstance(value, str) else ""
                await form.close()
            # bytes: compare_digest refuses non-ASCII text with a TypeError (a 500), bytes never
            if not (token and hmac.compare_digest(token.encode(), found.csrf_token.encode())):
                await _refusal(request, CsrfRefused())(scope, receive, send)
                return
        template, params = match_route(request.app, method, request.url.path)
        action = action_for(method, template, params)
        if not found.may(action):
            await _refusal(request, Forbidden(action.value, found.role.value))(scope, receive, send)
            return
        await self.app(scope, receive, send)


__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "OPEN_OWNER",
    "SESSION_COOKIE",
    "SignInMiddleware",
    "audit",
    "client_ip",
    "match_route",
    "principal",
    "route_templates",
    "store_scope",
]
