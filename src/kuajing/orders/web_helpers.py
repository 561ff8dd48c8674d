"""Request plumbing shared by the order, exception-queue and SKU mapping rule pages and API.

Each request is one unit of work (``work``): the actions never commit, the handler does. Time is
the order loop's clock (``KUAJING_CLOCK_URL`` in the demo and tests), so "due now" means now to the
loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from kuajing.config import Settings
from kuajing.db.uow import UnitOfWork
from kuajing.kit.i18n import MESSAGES, translate
from kuajing.kit.remote_clock import clock_for
from kuajing.orders.reasons import REASONS, ReasonCode
from kuajing.purchasing.model import ORDER_STATE_ZH, PURCHASE_STATE_ZH, OrderState, PurchaseState
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository
from kuajing.web.app import render, request_language

_T = TypeVar("_T")


# --- plumbing ------------------------------------------------------------------------------------


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def now(request: Request) -> datetime:
    return clock_for(settings(request).clock_url).now()


def actor(request: Request) -> str:
    """``user:<name>``; until sign-in exists every page user is ``user:web``."""
    return f"user:{getattr(request.state, 'user', None) or 'web'}"


def work(request: Request, job: Callable[[Session], _T]) -> _T:
    """Run ``job`` in one unit of work and commit what it did."""
    with UnitOfWork(request.app.state.session_factory) as uow:
        result = job(uow.session)
        uow.commit()
        return result


@contextmanager
def catalog(session: Session, settings: Settings, now: datetime) -> Iterator[OfferSnapshots]:
    """Offers as 1688 shows them, read through the first buyer account; without one, only the
    offers already known validate."""
    accounts = StoreRepository(session).buyer_accounts()
    if not accounts:
        yield OfferSnapshots(session, None, now=now)
        return
    with service.alibaba_client(accounts[0], settings) as client:
        yield OfferSnapshots(session, client, now=now)


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """``render`` plus the helpers every order page uses (labels in the page's language, times)."""
    language = request_language(request)
    zh = language == "zh-CN"
    tz = ZoneInfo(settings(request).timezone)
    now = context.get("now")

    def order_state(state: str) -> str:
        return ORDER_STATE_ZH[OrderState(state)] if zh else state

    def purchase_state(state: str) -> str:
        return PURCHASE_STATE_ZH[PurchaseState(state)] if zh else state

    def reason_title(code: str) -> str:
        reason = REASONS[ReasonCode(code)]
        return reason.title_zh if zh else reason.title_en

    def when(moment: datetime | None) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "—"

    def countdown(deadline: datetime | None) -> str:
        if deadline is None or now is None:
            return "—"
        seconds = int((deadline - now).total_seconds())
        days, rest = divmod(abs(seconds), 86400)
        text = f"{days}d {rest // 3600}h" if days else f"{rest // 3600}h {rest % 3600 // 60}m"
        return text if seconds >= 0 else ("超时 " if zh else "overdue ") + text

    def label_of(group: str, value: str) -> str:
        """A label for a value the data holds (a fix id, a rule kind …); the raw value if none."""
        key = f"{group}.{value}"
        return translate(key, language) if key in MESSAGES else value

    helpers = {
        "label_of": label_of,
        "order_state": order_state,
        "purchase_state": purchase_state,
        "reason_title": reason_title,
        "when": when,
        "countdown": countdown,
    }
    return render(request, name, {**helpers, **context}, status_code=status_code)


__all__ = ["actor", "catalog", "now", "page", "settings", "work"]
