"""预归类 page and API: the pack for the classification service, the official opinion, its code.

- ``GET /compliance/hs``: the workbench's 1688 offers and the AliExpress listings seen in orders, each
  with its stated code, its official code (latest opinion) and the opinions recorded; per product a
  link to the pack PDF and a form to record the opinion with its document;
- ``GET /compliance/hs/pack.pdf?offer_id=N`` (or ``product_id=N``): the pack (``pack.build_pack_pdf``);
- ``POST /compliance/hs/opinions``: record an opinion (multipart, file optional); success redirects
  (303), bad input re-renders the page with the message and 422, an unknown product 404;
- ``GET /compliance/hs/opinions/{id}/document``: the stored document;
- ``GET /api/compliance/hs/opinions``, ``/api/compliance/hs/official?offer_id=|product_id=`` and
  ``/api/compliance/hs/pack?offer_id=|product_id=`` (the pack's content with the proposed codes).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuajing.compliance import opinion_repository as repo
from kuajing.compliance import opinion_service as service
from kuajing.compliance.pack import build_pack_pdf
from kuajing.compliance.pack_cli import DEFAULT_APPLICANT, opinion_json
from kuajing.kit.errors import KuajingError, ValidationFailed
from kuajing.orders import web_helpers as web
from kuajing.web.params import OptionalId, RowId, whole_number

router = APIRouter()
TextField = Annotated[str, Form()]


def _int(text: str | None, field: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    number = whole_number(text)
    if number is None:
        raise ValidationFailed(
            f"{field}: not a number: {text!r}", f"{field}：不是数字：{text!r}", details={"field": field}
        )
    return number


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"date: not YYYY-MM-DD: {text!r}", f"日期格式应为 YYYY-MM-DD：{text!r}",
                               details={"field": "opinion_date"}) from None  # fmt: skip


def _products(session: Session) -> dict[str, Any]:
    offers = []
    for offer in repo.offers_page(session):
        opinions = repo.opinions_of(session, repo.OFFER, offer.offer_id)
        offers.append({"offer": offer, "official": opinions[0] if opinions else None, "opinions": opinions})
    listings = []
    for product_id, name, offer_id in repo.listed_products(session):
        opinion = service.official_opinion(session, offer_id=offer_id, product_id=product_id)
        listings.append(
            {
                "product_id": product_id,
                "name": name,
                "offer_id": offer_id,
                "official": opinion,
                "opinions": repo.opinions_of(session, repo.LISTING, product_id),
            }
        )
    return {"offers": offers, "listings": listings}


def _page(request: Request, *, error: KuajingError | None = None, status_code: int = 200) -> HTMLResponse:
    data = web.work(request, _products)
    context = {"active": "compliance_hs", **data, "error": error, "done": request.query_params.get("done"),
               "today": web.now(request).date().isoformat()}  # fmt: skip
    return web.page(request, "compliance_hs.html", context, status_code=status_code)


@router.get("/compliance/hs", response_class=HTMLResponse)
def hs_page(request: Request) -> HTMLResponse:
    return _page(request)


@router.get("/compliance/hs/pack.pdf")
def pack_pdf(
    request: Request, offer_id: OptionalId = None, product_id: OptionalId = None, applicant: str = ""
) -> Response:
    pack = web.work(
        request,
        lambda session: service.pack_request_for(
            session,
            offer_id=offer_id,
            product_id=product_id,
            applicant=applicant.strip() or DEFAULT_APPLICANT,
            on=web.now(request).date(),
        ),
    )
    name = f"preclass-{'offer' if offer_id is not None else 'product'}-{offer_id or product_id}.pdf"
    return Response(
        build_pack_pdf(pack),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/compliance/hs/opinions")
async def record_opinion(
    request: Request,
    offer_id: TextField = "",
    product_id: TextField = "",
    hs6: TextField = "",
    opinion_date: TextField = "",
    authority: TextField = "",
    reference: TextField = "",
    national_code: TextField = "",
    note: TextField = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    content = await file.read() if file is not None else b""
    filename = (file.filename if file is not None else None) or None

    def job(session: Session) -> object:
        return service.record_opinion(
            session,
            offer_id=_int(offer_id, "offer_id"),
            product_id=_int(product_id, "product_id"),
            hs6=hs6,
            opinion_date=_date(opinion_date),
            authority=authority,
            reference=reference or None,
            national_code=national_code or None,
            document=content or None,
            filename=filename,
            folder=Path(web.settings(request).hs_opinion_folder),
            recorded_by=web.actor(request),
            now=web.now(request),
            note=note.strip() or None,
        )

    try:
        web.work(request, job)
    except KuajingError as error:
        return _page(request, error=error, status_code=error.http_status)
    return RedirectResponse("/compliance/hs?done=opinion", status_code=303)


@router.get("/compliance/hs/opinions/{opinion_id}/document")
def opinion_document(request: Request, opinion_id: RowId) -> FileResponse:
    folder = Path(web.settings(request).hs_opinion_folder)
    path, name = web.work(request, lambda session: service.opinion_document(session, opinion_id, folder))
    return FileResponse(path, filename=name)


# --- JSON ---------------------------------------------------------------------------------------------


@router.get("/api/compliance/hs/opinions")
def opinions_api(request: Request) -> JSONResponse:
    return JSONResponse(
        web.work(request, lambda session: [opinion_json(r) for r in repo.all_opinions(session)])
    )


@router.get("/api/compliance/hs/official")
def official_api(
    request: Request, offer_id: OptionalId = None, product_id: OptionalId = None
) -> JSONResponse:
    def job(session: Session) -> dict[str, Any]:
        row = service.official_opinion(session, offer_id=offer_id, product_id=product_id)
        declared = service.declared_hs_code(session, offer_id=offer_id, product_id=product_id)
        return {"offer_id": offer_id, "product_id": product_id, "official_hs6": row.hs6 if row else None,
                "declared_hs_code": declared, "opinion": opinion_json(row) if row else None}  # fmt: skip

    return JSONResponse(web.work(request, job))


@router.get("/api/compliance/hs/pack")
def pack_api(request: Request, offer_id: OptionalId = None, product_id: OptionalId = None) -> JSONResponse:
    pack = web.work(
        request,
        lambda session: service.pack_request_for(
            session,
            offer_id=offer_id,
            product_id=product_id,
            applicant=DEFAULT_APPLICANT,
            on=web.now(request).date(),
        ),
    )
    return JSONResponse(_jsonable(asdict(pack)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)  # Decimal, date


__all__ = ["router"]
