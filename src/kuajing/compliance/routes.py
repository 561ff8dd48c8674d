"""合规 pages and API.

- ``GET /compliance``: the dashboard — blocking / warning / ok per market, the worst listings;
- ``GET /compliance/listings?market=DE&status=blocking``: the listing × market table, filtered;
  ``GET /compliance/listings/{id}``: one listing (markets, each market's reasons, material truth
  against the mapped 1688 offer when known); add by hand, import a file, edit markets, remove;
- ``GET /compliance/epr``: EPR numbers (add / edit / remove; a format error re-renders with 422),
  and the rules in force with their ``required_from`` and source;
- ``GET /compliance/qc``: QC reports (upload with expiry, remove, download);
- JSON: ``/api/compliance/dashboard|checks|listings/{id}|epr|qc|rules``.
Each POST is one unit of work; success redirects back (303) with ``done``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuajing.compliance import repository as repo
from kuajing.compliance import schemas, service
from kuajing.compliance.epr import STATUS_ORDER, CheckStatus, QcFamily, Stream, parse_stream
from kuajing.compliance.epr_rules import default_rule_book
from kuajing.compliance.listings_import import ListingsFileInvalid, import_listings
from kuajing.compliance.qc_service import add_qc_document, qc_statuses, remove_qc_document
from kuajing.kit.errors import KuajingError, NotFound, ValidationFailed
from kuajing.orders import web_helpers as web

router = APIRouter()
TextField = Annotated[str, Form()]
UploadField = Annotated[UploadFile | None, File()]
TABS = {
    "compliance_dashboard.html": "dashboard",
    "compliance_listings.html": "listings",
    "compliance_listing.html": "listings",
    "compliance_epr.html": "epr",
    "compliance_qc.html": "qc",
}


def _today(request: Request) -> tuple[Any, date]:
    now = web.now(request)
    return now, service.local_today(now, web.settings(request).timezone)


def _day(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            f"{field}: a date as YYYY-MM-DD", f"{field}:日期格式应为 YYYY-MM-DD", details={"field": field}
        ) from None


def _filter(value: str | None, allowed: set[str]) -> str | None:
    value = (value or "").strip()
    return value if value in allowed else None


def _page(
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


def _act(
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


# --- dashboard and listings -----------------------------------------------------------------------------


def _dashboard(session: Session) -> dict[str, Any]:
    book = default_rule_book()
    data = schemas.dashboard_to_dict(session)
    return {**data, "stale": len(repo.stale_listings(session, book.version)), "rules_version": book.version}


@router.get("/compliance", response_class=HTMLResponse)
def dashboard_page(request: Request) -> HTMLResponse:
    return _page(request, "compliance_dashboard.html", _dashboard)


@router.post("/compliance/recheck")
def recheck(request: Request) -> Response:
    now, today = _today(request)
    return _act(
        request,
        "/compliance",
        "rechecked",
        lambda s: service.recheck_stale(s, now=now, today=today, everything=True),
        lambda e: _page(request, "compliance_dashboard.html", _dashboard, error=e, status_code=e.http_status),
    )


def _listings(request: Request) -> Callable[[Session], dict[str, Any]]:
    book = default_rule_book()
    wanted = request.query_params.get("market", "").strip().upper()
    market = wanted if re.fullmatch(r"[A-Z]{2}", wanted) else None
    status = _filter(request.query_params.get("status"), {s.value for s in CheckStatus})

    def build(session: Session) -> dict[str, Any]:
        markets = sorted({c.market for c in repo.market_counts(session)} | set(book.default_markets))
        return {
            "rows": schemas.checks_to_dicts(session, market=market, status=status),
            "market": market,
            "status": status,
            "markets": markets,
            "statuses": STATUS_ORDER,
        }

    return build


def _listings_error(request: Request) -> Callable[[KuajingError], HTMLResponse]:
    return lambda e: _page(
        request, "compliance_listings.html", _listings(request), error=e, status_code=e.http_status
    )


@router.get("/compliance/listings", response_class=HTMLResponse)
def listings_page(request: Request) -> HTMLResponse:
    return _page(request, "compliance_listings.html", _listings(request))


@router.post("/compliance/listings")
def add_listing(
    request: Request,
    product_id: TextField = "",
    title: TextField = "",
    markets: TextField = "",
    category_name: TextField = "",
    offer_id: TextField = "",
) -> Response:
    now, today = _today(request)

    def job(session: Session) -> object:
        if not product_id.strip().isdigit():
            raise ValidationFailed("product_id: a number", "商品ID:应为数字", details={"field": "product_id"})
        offer = offer_id.strip()
        item = service.ListingInput(
            product_id=int(product_id),
            title=title,
            category_name=category_name.strip(),
            markets=service.parse_markets(markets) if markets.strip() else None,
            offer_id=int(offer) if offer.isdigit() else None,
        )
        return service.upsert_listing(session, item, source="manual", now=now, today=today)

    return _act(request, "/compliance/listings", "added", job, _listings_error(request))


@router.post("/compliance/listings/import")
async def import_file(request: Request, file: UploadField = None) -> Response:
    content = await file.read() if file is not None else b""
    name = (file.filename if file is not None else None) or "listings.csv"
    now, today = _today(request)

    def job(session: Session) -> object:
        with TemporaryDirectory() as folder:
            path = Path(folder) / Path(name).name
            path.write_bytes(content)
            return import_listings(session, path, now=now, today=today, file=name)

    def on_error(error: KuajingError) -> HTMLResponse:
        problems = error.problems if isinstance(error, ListingsFileInvalid) else []
        build = _listings(request)
        return _page(
            request,
            "compliance_listings.html",
            lambda s: {**build(s), "problems": problems},
            error=error,
            status_code=error.http_status,
        )

    return _act(request, "/compliance/listings", "imported", job, on_error)


def _detail(listing_id: int) -> Callable[[Session], dict[str, Any]]:
    def build(session: Session) -> dict[str, Any]:
        row = service.get_listing(session, listing_id)
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
def listing_page(request: Request, listing_id: int) -> HTMLResponse:
    return _page(request, "compliance_listing.html", _detail(listing_id))


@router.post("/compliance/listings/{listing_id}/markets")
def set_markets(request: Request, listing_id: int, markets: TextField = "") -> Response:
    now, today = _today(request)
    return _act(
        request,
        f"/compliance/listings/{listing_id}",
        "markets",
        lambda s: service.set_markets(s, listing_id, service.parse_markets(markets), now=now, today=today),
        lambda e: _page(
            request, "compliance_listing.html", _detail(listing_id), error=e, status_code=e.http_status
        ),
    )


@router.post("/compliance/listings/{listing_id}/delete")
def delete_listing(request: Request, listing_id: int) -> Response:
    return _act(
        request,
        "/compliance/listings",
        "removed",
        lambda s: service.remove_listing(s, listing_id),
        _listings_error(request),
    )


# --- EPR registrations ----------------------------------------------------------------------------------


def _epr(session: Session) -> dict[str, Any]:
    book = default_rule_book()
    return {
        "registrations": [schemas.registration_to_dict(r) for r in repo.registrations(session)],
        "rules": schemas.rules_to_dicts(book),
        "streams": list(Stream),
    }


def _save_epr(
    request: Request,
    registration_id: int | None,
    country: str,
    stream: str,
    number: str,
    registered_on: str,
    valid_until: str,
    note: str,
) -> Response:
    now, today = _today(request)

    def job(session: Session) -> object:
        try:
            kind = parse_stream(stream)
        except ValueError:
            raise ValidationFailed(
                f"stream: unknown {stream!r}", f"类别未知:{stream!r}", details={"field": "stream"}
            ) from None
        outcome = service.save_registration(
            session,
            country=country,
            stream=kind,
            number=number,
            registered_on=_day(registered_on, "registered_on"),
            valid_until=_day(valid_until, "valid_until"),
            note=note,
            registration_id=registration_id,
            now=now,
            today=today,
        )
        return outcome

    def on_error(error: KuajingError) -> HTMLResponse:
        form = {"country": country, "stream": stream, "number": number, "id": registration_id}
        return _page(
            request,
            "compliance_epr.html",
            lambda s: {**_epr(s), "form": form},
            error=error,
            status_code=error.http_status,
        )

    try:
        outcome = web.work(request, job)
    except KuajingError as error:
        return on_error(error)
    warned = "&warned=1" if getattr(outcome, "warning_en", "") else ""
    return RedirectResponse(f"/compliance/epr?done=saved{warned}", status_code=303)


@router.get("/compliance/epr", response_class=HTMLResponse)
def epr_page(request: Request) -> HTMLResponse:
    return _page(request, "compliance_epr.html", _epr)


@router.post("/compliance/epr")
def add_epr(
    request: Request,
    country: TextField = "",
    stream: TextField = "",
    number: TextField = "",
    registered_on: TextField = "",
    valid_until: TextField = "",
    note: TextField = "",
) -> Response:
    return _save_epr(request, None, country, stream, number, registered_on, valid_until, note)


@router.post("/compliance/epr/{registration_id}")
def edit_epr(
    request: Request,
    registration_id: int,
    country: TextField = "",
    stream: TextField = "",
    number: TextField = "",
    registered_on: TextField = "",
    valid_until: TextField = "",
    note: TextField = "",
) -> Response:
    return _save_epr(request, registration_id, country, stream, number, registered_on, valid_until, note)


@router.post("/compliance/epr/{registration_id}/delete")
def remove_epr(request: Request, registration_id: int) -> Response:
    now, today = _today(request)
    return _act(
        request,
        "/compliance/epr",
        "removed",
        lambda s: service.remove_registration(s, registration_id, now=now, today=today),
        lambda e: _page(request, "compliance_epr.html", _epr, error=e, status_code=e.http_status),
    )


# --- QC reports -----------------------------------------------------------------------------------------


def _qc(request: Request) -> Callable[[Session], dict[str, Any]]:
    _, today = _today(request)
    return lambda s: {
        "documents": [schemas.qc_to_dict(q) for q in qc_statuses(s, today)],
        "families": list(QcFamily),
    }


def _folder(request: Request) -> Path:
    return Path(web.settings(request).compliance_folder)


@router.get("/compliance/qc", response_class=HTMLResponse)
def qc_page(request: Request) -> HTMLResponse:
    return _page(request, "compliance_qc.html", _qc(request))


@router.post("/compliance/qc")
async def upload_qc(
    request: Request,
    family: TextField = "",
    issuer: TextField = "",
    issued_on: TextField = "",
    expires_on: TextField = "",
    note: TextField = "",
    file: UploadField = None,
) -> Response:
    content = await file.read() if file is not None else b""
    filename = (file.filename if file is not None else None) or "report"
    now, today = _today(request)

    def job(session: Session) -> object:
        try:
            kind = QcFamily(family.strip())
        except ValueError:
            raise ValidationFailed(
                "family: apparel, electronics or beauty", "类目:服饰、电子或美妆", details={"field": "family"}
            ) from None
        issued = _day(issued_on, "issued_on")
        if issued is None:
            raise ValidationFailed("issued_on: required", "出具日期:必填", details={"field": "issued_on"})
        return add_qc_document(
            session,
            family=kind,
            filename=filename,
            content=content,
            issuer=issuer,
            issued_on=issued,
            expires_on=_day(expires_on, "expires_on"),
            note=note,
            folder=_folder(request),
            who=web.actor(request),
            now=now,
            today=today,
        )

    return _act(
        request,
        "/compliance/qc",
        "uploaded",
        job,
        lambda e: _page(request, "compliance_qc.html", _qc(request), error=e, status_code=e.http_status),
    )


@router.post("/compliance/qc/{document_id}/delete")
def delete_qc(request: Request, document_id: int) -> Response:
    now, today = _today(request)
    return _act(
        request,
        "/compliance/qc",
        "removed",
        lambda s: remove_qc_document(s, document_id, folder=_folder(request), now=now, today=today),
        lambda e: _page(request, "compliance_qc.html", _qc(request), error=e, status_code=e.http_status),
    )


@router.get("/compliance/qc/{document_id}/file")
def qc_file(request: Request, document_id: int) -> FileResponse:
    row = web.work(request, lambda s: repo.qc_document(s, document_id))
    if row is None:
        raise NotFound(f"QC document {document_id} not found", f"找不到质检报告 {document_id}")
    return FileResponse(_folder(request) / row.stored_path, filename=row.filename)


# --- JSON -----------------------------------------------------------------------------------------------


@router.get("/api/compliance/dashboard")
def dashboard_api(request: Request) -> JSONResponse:
    return JSONResponse(web.work(request, _dashboard))


@router.get("/api/compliance/checks")
def checks_api(request: Request) -> JSONResponse:
    return JSONResponse(web.work(request, _listings(request))["rows"])


@router.get("/api/compliance/listings/{listing_id}")
def listing_api(request: Request, listing_id: int) -> JSONResponse:
    return JSONResponse(web.work(request, _detail(listing_id)))


@router.get("/api/compliance/epr")
def epr_api(request: Request) -> JSONResponse:
    return JSONResponse(web.work(request, _epr)["registrations"])


@router.get("/api/compliance/rules")
def rules_api() -> JSONResponse:
    book = default_rule_book()
    return JSONResponse({"version": book.version, "rules": schemas.rules_to_dicts(book)})


@router.get("/api/compliance/qc")
def qc_api(request: Request) -> JSONResponse:
    return JSONResponse(web.work(request, _qc(request))["documents"])


__all__ = ["router"]
