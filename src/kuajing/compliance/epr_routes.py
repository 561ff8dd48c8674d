"""合规 pages for the seller's EPR numbers and QC reports, and their JSON.

- ``GET /compliance/epr``: EPR numbers (add / edit / remove; a format error re-renders with 422,
  a French IDU in an unusual shape is saved with a warning) and the rules with ``required_from``
  and source;
- ``GET /compliance/qc``: QC reports (upload with issue and expiry dates, remove, download);
- JSON: ``/api/compliance/epr``, ``/api/compliance/rules``, ``/api/compliance/qc``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuajing.accounts.web import audit
from kuajing.compliance import repository as repo
from kuajing.compliance import schemas, service
from kuajing.compliance.epr import QcFamily, Stream, parse_stream
from kuajing.compliance.epr_rules import default_rule_book
from kuajing.compliance.pages import TextField, UploadField, act, clock, page, parse_day
from kuajing.compliance.qc_service import add_qc_document, qc_statuses, remove_qc_document
from kuajing.kit.errors import KuajingError, NotFound, ValidationFailed
from kuajing.orders import web_helpers as web
from kuajing.web.params import RowId

router = APIRouter()

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
    now, today = clock(request)

    def job(session: Session) -> object:
        try:
            kind = parse_stream(stream)
        except ValueError:
            raise ValidationFailed(
                f"stream: unknown {stream!r}", f"类别未知:{stream!r}", details={"field": "stream"}
            ) from None
        found = repo.registration(session, registration_id) if registration_id is not None else None
        before = schemas.registration_to_dict(found) if found is not None else None
        outcome = service.save_registration(
            session,
            country=country,
            stream=kind,
            number=number,
            registered_on=parse_day(registered_on, "registered_on"),
            valid_until=parse_day(valid_until, "valid_until"),
            note=note,
            registration_id=registration_id,
            now=now,
            today=today,
        )
        after = schemas.registration_to_dict(outcome.row)
        action = "epr.create" if registration_id is None else "epr.edit"
        audit(request, session, action, "epr_registration", outcome.row.id, before, after)
        return outcome

    def on_error(error: KuajingError) -> HTMLResponse:
        form = {"country": country, "stream": stream, "number": number, "id": registration_id}
        return page(
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
    return page(request, "compliance_epr.html", _epr)


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
    registration_id: RowId,
    country: TextField = "",
    stream: TextField = "",
    number: TextField = "",
    registered_on: TextField = "",
    valid_until: TextField = "",
    note: TextField = "",
) -> Response:
    return _save_epr(request, registration_id, country, stream, number, registered_on, valid_until, note)


@router.post("/compliance/epr/{registration_id}/delete")
def remove_epr(request: Request, registration_id: RowId) -> Response:
    now, today = clock(request)
    return act(
        request,
        "/compliance/epr",
        "removed",
        lambda s: _remove_epr(request, s, registration_id, now=now, today=today),
        lambda e: page(request, "compliance_epr.html", _epr, error=e, status_code=e.http_status),
    )


def _remove_epr(request: Request, session: Session, registration_id: int, **when: Any) -> int:
    found = repo.registration(session, registration_id)
    before = schemas.registration_to_dict(found) if found is not None else None
    removed = service.remove_registration(session, registration_id, **when)
    audit(request, session, "epr.delete", "epr_registration", registration_id, before, None)
    return removed


# --- QC reports -----------------------------------------------------------------------------------------


def _qc(request: Request) -> Callable[[Session], dict[str, Any]]:
    _, today = clock(request)
    return lambda s: {
        "documents": [schemas.qc_to_dict(q) for q in qc_statuses(s, today)],
        "families": list(QcFamily),
    }


def _folder(request: Request) -> Path:
    return Path(web.settings(request).compliance_folder)


@router.get("/compliance/qc", response_class=HTMLResponse)
def qc_page(request: Request) -> HTMLResponse:
    return page(request, "compliance_qc.html", _qc(request))


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
    now, today = clock(request)

    def job(session: Session) -> object:
        try:
            kind = QcFamily(family.strip())
        except ValueError:
            raise ValidationFailed(
                "family: apparel, electronics or beauty", "类目:服饰、电子或美妆", details={"field": "family"}
            ) from None
        issued = parse_day(issued_on, "issued_on")
        if issued is None:
            raise ValidationFailed("issued_on: required", "出具日期:必填", details={"field": "issued_on"})
        return add_qc_document(
            session,
            family=kind,
            filename=filename,
            content=content,
            issuer=issuer,
            issued_on=issued,
            expires_on=parse_day(expires_on, "expires_on"),
            note=note,
            folder=_folder(request),
            who=web.actor(request),
            now=now,
            today=today,
        )

    return act(
        request,
        "/compliance/qc",
        "uploaded",
        job,
        lambda e: page(request, "compliance_qc.html", _qc(request), error=e, status_code=e.http_status),
    )


@router.post("/compliance/qc/{document_id}/delete")
def delete_qc(request: Request, document_id: RowId) -> Response:
    now, today = clock(request)
    return act(
        request,
        "/compliance/qc",
        "removed",
        lambda s: remove_qc_document(s, document_id, folder=_folder(request), now=now, today=today),
        lambda e: page(request, "compliance_qc.html", _qc(request), error=e, status_code=e.http_status),
    )


@router.get("/compliance/qc/{document_id}/file")
def qc_file(request: Request, document_id: RowId) -> FileResponse:
    row = web.work(request, lambda s: repo.qc_document(s, document_id))
    if row is None:
        raise NotFound(f"QC document {document_id} not found", f"找不到质检报告 {document_id}")
    return FileResponse(_folder(request) / row.stored_path, filename=row.filename)


# --- JSON ---


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
