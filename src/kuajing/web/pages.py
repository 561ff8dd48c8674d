"""The first pages: stores with their latest orders, and the 1688 catalog — read live through the clients.

Each marketplace call is made here through the same clients the jobs use; a platform error on one
store is shown on that store's card instead of failing the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from kuajing.accounts.web import principal
from kuajing.db.uow import UnitOfWork
from kuajing.kit.clock import utcnow
from kuajing.marketplaces.aliexpress import OrderQuery
from kuajing.marketplaces.errors import MarketplaceError
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository
from kuajing.web.app import render
from kuajing.web.params import MAX_PAGE

router = APIRouter()
ORDER_WINDOW_DAYS = 7
LATEST = 15


@dataclass
class StoreCard:
    name: str
    seller_id: str
    order_count: int = 0
    latest: list[Any] = field(default_factory=list)
    error: str | None = None


def _store_card(store: Any) -> StoreCard:
    card = StoreCard(store.name, store.seller_id)
    try:
        with service.aliexpress_client(store) as client:
            # The sandbox's clock may run ahead of ours: ask it for "now" where it says so.
            now = utcnow()
            query = OrderQuery(
                create_date_start=now - timedelta(days=ORDER_WINDOW_DAYS),
                create_date_end=now + timedelta(days=365),
            )
            orders = list(client.iter_orders(query))
        card.order_count = len(orders)
        card.latest = sorted(orders, key=lambda order: order.created_at, reverse=True)[:LATEST]
    except MarketplaceError as error:
        card.error = str(error)
    return card


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request) -> HTMLResponse:
    carriers: list[Any] = []
    carrier_error = None
    with UnitOfWork(request.app.state.session_factory) as uow:
        scope = principal(request).store_ids  # a user limited to some stores sees only theirs
        stores = [
            s for s in StoreRepository(uow.session).aliexpress_stores() if scope is None or s.id in scope
        ]
        cards = [_store_card(store) for store in stores]
        if stores:
            try:
                with service.aliexpress_client(stores[0]) as client:
                    carriers = client.list_logistics_services()
            except MarketplaceError as error:
                carrier_error = str(error)
        uow.commit()  # refreshed tokens, if any
    return render(
        request,
        "dashboard.html",
        {
            "cards": cards,
            "carriers": carriers,
            "carrier_error": carrier_error,
            "window_days": ORDER_WINDOW_DAYS,
        },
    )


@router.get("/catalog", response_class=HTMLResponse)
def catalog(
    request: Request, page: int = Query(1, ge=1, le=MAX_PAGE), per_page: int = Query(20, ge=1, le=100)
) -> HTMLResponse:
    offers: list[Any] = []
    errors: list[str] = []
    total = 0
    with UnitOfWork(request.app.state.session_factory) as uow:
        accounts = list(StoreRepository(uow.session).buyer_accounts())
        if accounts:
            account = accounts[0]
            offer_ids, total = _offer_ids(account.base_url, page, per_page)
            with service.alibaba_client(account) as client:
                for offer_id in offer_ids:
                    try:
                        offers.append(client.product_detail(offer_id))
                    except MarketplaceError as error:
                        errors.append(str(error))
        uow.commit()
    return render(
        request,
        "catalog.html",
        {
            "offers": offers,
            "errors": errors,
            "has_account": bool(total or offers),
            "page": page,
            "per_page": per_page,
            "total": total,
        },
    )


def _offer_ids(base_url: str, page: int, per_page: int) -> tuple[list[int], int]:
    """Which offers to show: the sandbox lists its catalog; a real account shows nothing until offers
    are imported (the sourcing workbench)."""
    sandbox_root = base_url.removesuffix("/1688")
    if sandbox_root == base_url:
        return [], 0
    try:
        reply = httpx.get(
            f"{sandbox_root}/sandbox/catalog/offers",
            params={"limit": per_page, "offset": (page - 1) * per_page},
            timeout=10,
        ).json()
    except (httpx.HTTPError, ValueError):
        return [], 0
    return [int(offer_id) for offer_id in reply["offer_ids"]], int(reply["total"])
