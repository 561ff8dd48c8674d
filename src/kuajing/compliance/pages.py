"""Request plumbing shared by the 合规 pages (``routes`` and ``epr_routes``): the page with its
tab and result line, one unit of work per action with a 303 back, form dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuajing.compliance import service
from kuajing.kit.errors import KuajingError, ValidationFailed
from kuajing.orders import web_helpers as web

TextField = Annotated[str, Form()]
UploadField = Annotated[UploadFile | None, File()]
TABS = {
    "compliance_dashboard.html": "dashboard",
    "compliance_listings.html": "listings",
    "compliance_listing.html": "listings",
    "compliance_epr.html": "epr",
    "compliance_qc.html": "qc",
}


def clock(request: Request) -> tuple[datetime, date]:
    now = web.now(request)
    return now, service.local_today(now, web.settings(request).timezone)


def parse_day(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            f"{field}: a date as YYYY-MM-DD", f"{field}:日期格式应为 YYYY-MM-DD", details={"field": field}
        ) from None


def choice(value: str | None, allowed: set[str]) -> str | None:
    value = (value or "").strip()
    return value if value in allowed else None


def page(
    request: Request,
    name: str,
    build: Callable[[Session], dict[str, Any]],
    *,
    error: KuajingError | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    data = web.work(request, build)
    tab = TABS[name]
    context = {
        "active": "compliance",
        "tab": tab,
        "error": error,
        "done": request.query_params.get("done"),
        "warned": bool(request.query_params.get("warned")),
        **data,
    }
    return web.page(request, name, context, status_code=status_code)


def act(
    request: Request,
    back: str,
    done: str,
    job: Callable[[Session], object],
    on_error: Callable[[KuajingError], HTMLResponse],
) -> Response:
    try:
        web.work(request, job)
    except KuajingError as error:
        return on_error(error)
    return RedirectResponse(f"{back}?done={done}", status_code=303)
