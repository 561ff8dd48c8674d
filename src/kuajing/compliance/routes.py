"""合规 pages and API: the dashboard and the listings (EPR numbers and QC reports: ``epr_routes``).

- ``GET /compliance``: the dashboard — blocking / warning / ok per market, the worst listings;
- ``GET /compliance/listings?market=DE&status=blocking``: the listing × market table, filtered;
  ``GET /compliance/listings/{id}``: one listing (markets, each market's reasons, material truth
  against the mapped 1688 offer when known); add by hand, import a file, edit markets, remove;
- ``GET /compliance/epr`` and ``/compliance/qc``: see ``epr_routes``;
- JSON: ``/api/compliance/dashboard|checks|listings/{id}`` here, ``epr|rules|qc`` in ``epr_routes``.
Each POST is one unit of work; success redirects back (303) with ``done``.

A user limited to some stores sees and edits their stores' listings and the shared ones (no store:
entered by hand or imported without one, so every user sees them); another store's listing is a
404, as an order of another store is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from kuajing.accounts.web import store_scope
from kuajing.compliance import epr_routes, schemas, service
from kuajing.compliance import repository as repo
from kuajing.compliance.epr import STATUS_ORDER, CheckStatus
from kuajing.compliance.epr_rules import default_rule_book
from kuajing.compliance.listings_import import ListingsFileInvalid, import_listings
from kuajing.compliance.pages import TextField, UploadField, act, choice, clock, page
from kuajing.kit.errors import KuajingError, ValidationFailed
from kuajing.orders import web_helpers as web
from kuajing.web.params import RowId, whole_number

router = APIRouter()
router.include_router(epr_routes.router)

# --- dashboard and listings -----------------------------------------------------------------------------


def _dashboard(request: Request) -> Callable[[Session], dict[str, Any]]:
    scope = store_scope(request)

    def build(session: Session) -> dict[str, Any]:
        book = default_rule_book()
        data = schemas.dashboard_to_dict(session, scope)
        stale = repo.stale_listings(session, book.version, scope=scope)
        return {**data, "stale": len(stale), "rules_version": book.version}

    return build


@router.get("/compliance", response_class=HTMLResponse)
def dashboard_page(request: Request) -> HTMLResponse:
    return page(request, "compliance_dashboard.html", _dashboard(request))


@router.post("/compliance/recheck")
def recheck(request: Request) -> Response:
    now, today = clock(request)
    return act(
        request,
        "/compliance",
        "rechecked",
        lambda s: service.recheck_stale(s, now=now, today=today, everything=True),
        lambda e: page(
            request, "compliance_dashboard.html", _dashboard(request), error=e, status_code=e.http_status
        ),
    )


def _listings(request: Request) -> Callable[[Session], dict[str, Any]]:
    book = default_rule_book()
    wanted = request.query_params.get("market", "").strip().upper()
    market = wanted if re.fullmatch(r"[A-Z]{2}", wanted) else None
    status = choice(request.query_params.get("status"), {s.value for s in CheckStatus})
    scope = store_scope(request)

    def build(session: Session) -> dict[str, Any]:
        counted = {c.market for c in repo.market_counts(session, scope)}
        return {
            "rows": schemas.checks_to_dicts(session, market=market, status=status, scope=scope),
            "market": market,
            "status": status,
            "markets": sorted(counted | set(book.default_markets)),
            "statuses": STATUS_ORDER,
        }

    return build


def _listings_error(request: Request) -> Callable[[KuajingError], HTMLResponse]:
    return lambda e: page(
        request, "compliance_listings.html", _listings(request), error=e, status_code=e.http_status
    )


@router.get("/compliance/listings", response_class=HTMLResponse)
def listings_page(request: Request) -> HTMLResponse:
    return page(request, "compliance_listings.html", _listings(request))


@router.post("/compliance/listings")
def add_listing(
    request: Request,
    product_id: TextField = "",
    title: TextField = "",
    markets: TextField = "",
    category_name: TextField = "",
    offer_id: TextField = "",
) -> Response:
    now, today = clock(request)
    scope = store_scope(request)

    def job(session: Session) -> object:
        number = whole_number(product_id)
        if number is None:
            raise ValidationFailed("product_id: a number", "商品ID:应为数字", details={"field": "product_id"})
        existing = repo.listing_by_product(session, number)
        if existing is not None:  # the same product of another store: not this user's to change
            service.get_listing(session, existing.id, scope)
        item = service.ListingInput(
            product_id=number,
            title=title,
            category_name=category_name.strip(),
            markets=service.parse_markets(markets) if markets.strip() else None,
            offer_id=whole_number(offer_id),
        )
        return service.upsert_listing(session, item, source="manual", now=now, today=today)

    return act(request, "/compliance/listings", "added", job, _listings_error(request))


@router.post("/compliance/listings/import")
async def import_file(request: Request, file: UploadField = None) -> Response:
    content = await file.read() if file is not None else b""
    name = (file.filename if file is not None else None) or "listings.csv"
    now, today = clock(request)
    scope = store_scope(request)

    def job(session: Session) -> object:
        with TemporaryDirectory() as folder:
            path = Path(folder) / Path(name).name
            path.write_bytes(content)
            return import_listings(session, path, now=now, today=today, file=name, scope=scope)

    def on_error(error: KuajingError) -> HTMLResponse:
        problems = error.problems if isinstance(error, ListingsFileInvalid) else []
        build = _listings(request)
        return page(
            request,
            "compliance_listings.html",
            lambda s: {**build(s), "problems": problems},
            error=error,
            status_code=error.http_status,
        )

    return act(request, "/compliance/listings", "imported", job, on_error)


def _detail(request: Request, listing_id: int) -> Callable[[Session], dict[str, Any]]:
    scope = store_scope(request)

    def build(session: Session) -> dict[str, Any]:
        row = service.get_listing(session, listing_id, scope)  # another store's: 404
        checks = repo.checks_of(session, row.id)
        return {
            "listing": schemas.listing_to_dict(row),
            "checks": [schemas.check_to_dict(row, c) for c in checks],
            "conflicts": _conflicts(session, row),
        }

    return build


def _conflicts(session: Session, row: Any) -> list[dict[str, str]] | None:
    """Material/function conflicts between the listing and its 1688 offer (None: no offer or no checker)."""
    if row.offer_id is None:
        return None
    offer = repo.offer_text(session, row.offer_id)
    try:
        from kuajing.compliance.truth import ProductText, check_text
    except ImportError:  # pragma: no cover - the truth checker ships separately
        return None
    if offer is None:
        return None
    attributes = {str(k): str(v) for k, v in (row.attributes or {}).items()}
    check = check_text(ProductText(row.title, attributes), ProductText(offer[0], offer[1]))
    return [
        {"severity": c.severity, "kind": c.kind, "message_zh": c.message_zh, "message_en": c.message_en}
        for c in check.conflicts
    ]


@router.get("/compliance/listings/{listing_id}", response_class=HTMLResponse)
def listing_page(request: Request, listing_id: RowId) -> HTMLResponse:
    return page(request, "compliance_listing.html", _detail(request, listing_id))


@router.post("/compliance/listings/{listing_id}/markets")
def set_markets(request: Request, listing_id: RowId, markets: TextField = "") -> Response:
    now, today = clock(request)
    scope = store_scope(request)

    def job(session: Session) -> object:
        service.get_listing(session, listing_id, scope)  # another store's: 404
        return service.set_markets(session, listing_id, service.parse_markets(markets), now=now, today=today)

    return act(
        request,
        f"/compliance/listings/{listing_id}",
        "markets",
        job,
        lambda e: page(
            request,
            "compliance_listing.html",
            _detail(request, listing_id),
            error=e,
            status_code=e.http_status,
        ),
    )


@router.post("/compliance/listings/{listing_id}/delete")
def delete_listing(request: Request, listing_id: RowId) -> Response:
    scope = store_scope(request)

    def job(session: Session) -> None:
        service.get_listing(session, listing_id, scope)  # another store's: 404
        service.remove_listing(session, listing_id)

    return act(request, "/compliance/listings", "removed", job, _listings_error(request))


# --- JSON -----------------------------------------------------------------------------------------------


@router.get("/api/compliance/dashboard")
def dashboard_api(request: Request) -> JSONResponse:
    return JSONResponse(web.work(request, _dashboard(request)))


@router.get("/api/compliance/checks")
def checks_api(request: Request) -> JSONResponse:
    return JSONResponse(web.work(request, _listings(request))["rows"])


@router.get("/api/compliance/listings/{listing_id}")
def listing_api(request: Request, listing_id: RowId) -> JSONResponse:
    return JSONResponse(web.work(request, _detail(request, listing_id)))


__all__ = ["router"]
