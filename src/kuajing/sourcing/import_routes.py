"""The offer import page, ``/sourcing/import``: a file in three steps, or offer ids through 1688.

1. ``POST /sourcing/import/upload``: the file is kept server-side under a random token (the
   user never names a path: the token must match ``_TOKEN`` and is joined to our own folder);
2. the mapping step shows every header with the field it was matched to (explicitly, by the
   remembered mapping for this layout, or by name) as a select; ``POST …/{token}/confirm`` imports
   with the confirmed mapping, which is remembered for the next file with the same headers — also
   when rows are bad and nothing is written;
3. the result: imported / unchanged, or every rejected row (file, row, column, reason in the page's
   language), the rejects xlsx (``GET …/{token}/rejects.xlsx``) and "import the good rows only".

``POST /sourcing/import/fetch`` reads pasted offer ids or 1688 URLs through the first buyer account
and says per offer whether it was new, updated, unchanged or failed. The use cases are
``offers_service``'s; this module commits only when the outcome says ``keep``.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuajing.db.uow import UnitOfWork
from kuajing.kit.i18n import translate
from kuajing.kit.importing import ImportProblem
from kuajing.orders import web_helpers as web
from kuajing.sourcing.import_columns import FIELDS, ColumnPlan, signature
from kuajing.sourcing.import_files import FileRefused, open_offers_file
from kuajing.sourcing.importers import ReadReport, rejects_workbook
from kuajing.sourcing.offers_service import (
    OfferImportOutcome,
    column_plan,
    fetch_offers,
    import_offers_file,
    parse_offer_ref,
)
from kuajing.sourcing.repository import SourcingRepository
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository
from kuajing.web.app import request_language
from kuajing.web.params import form_body

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
_SUFFIXES = (".xlsx", ".csv", ".txt", ".tsv")
_KEEP_SECONDS = 24 * 3600  # uploads older than this are removed at the next upload
_SHOWN_PROBLEMS = 2000  # the page lists this many; the rejects xlsx has them all
_MAX_REFS = 500
TIER = "tier"  # the select value of a one-tier-per-column header


def upload_root(request: Request) -> Path:
    root: Path | None = getattr(request.app.state, "offer_upload_dir", None)
    path = root or Path(tempfile.gettempdir()) / "kuajing-offer-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Upload:
    folder: Path
    file_name: str

    @property
    def data(self) -> Path:
        return next(self.folder.glob("data.*"))

    @property
    def rejects(self) -> Path:
        return self.folder / "rejects.xlsx"


def find_upload(request: Request, token: str) -> Upload | None:
    if not _TOKEN.fullmatch(token):
        return None
    folder = upload_root(request) / token
    meta = folder / "meta.json"
    if not meta.is_file() or not any(folder.glob("data.*")):
        return None
    return Upload(folder, json.loads(meta.read_text(encoding="utf-8"))["file_name"])


def _forget_old_uploads(root: Path) -> None:
    cutoff = time.time() - _KEEP_SECONDS
    for folder in root.iterdir():
        if _TOKEN.fullmatch(folder.name) and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _lang_query(request: Request) -> str:
    return "?lang=en" if request_language(request) == "en" else ""


# --- pages -----------------------------------------------------------------------------------------


def _page(request: Request, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    zh = request_language(request) == "zh-CN"

    def reason(problem: ImportProblem) -> str:
        return problem.reason_zh if zh else problem.reason_en

    fields = [(f.name, f.zh if zh else f.en, f.en if zh else f.zh) for f in FIELDS]  # value, name, other
    base = {"active": "sourcing", "fields": fields, "reason": reason, "step": "start", "tier": TIER}
    return web.page(request, "offers_import.html", {**base, **context}, status_code)


@router.get("/sourcing/import", response_class=HTMLResponse)
def import_page(request: Request) -> HTMLResponse:
    return _page(request, {})


@router.post("/sourcing/import/upload", response_class=HTMLResponse, openapi_extra=form_body(files=("file",)))
async def upload_offers_file(request: Request) -> Response:
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _page(request, {"upload_error": True}, 422)
    name = Path(upload.filename).name[:200]
    suffix = Path(name).suffix.lower()
    root = upload_root(request)
    _forget_old_uploads(root)
    token = secrets.token_urlsafe(16)
    folder = root / token
    folder.mkdir()
    # The suffix tells csv from a non-spreadsheet; anything else is kept as .bin and refused later.
    with (folder / f"data{suffix if suffix in _SUFFIXES else '.bin'}").open("wb") as target:
        await run_in_threadpool(shutil.copyfileobj, upload.file, target, 1 << 20)
    (folder / "meta.json").write_text(json.dumps({"file_name": name}), encoding="utf-8")
    return RedirectResponse(f"/sourcing/import/{token}{_lang_query(request)}", status_code=303)


@dataclass
class MappingRow:
    index: int  # the column, from 0: the select is ``col-<index>``
    header: str
    chosen: str  # a field name, TIER, or "" (not imported)
    tier_start: int | None = None


def mapping_rows(plan: ColumnPlan) -> list[MappingRow]:
    """Every non-empty header with what it is matched to."""
    by_index = {index: name for name, index in plan.positions.items()}
    tiers = {index: start for start, index in plan.tier_columns}
    rows = []
    for index, header in enumerate(plan.all_headers):
        if not header:
            continue
        if index in tiers:
            rows.append(MappingRow(index, header, TIER, tiers[index]))
        else:
            rows.append(MappingRow(index, header, by_index.get(index, "")))
    return rows


def _mapping_step(
    request: Request,
    token: str,
    upload: Upload,
    mapping: dict[str, str] | None = None,
    extra: list[ImportProblem] | None = None,
) -> HTMLResponse:
    def job(session: Session) -> tuple[ColumnPlan | None, list[ImportProblem], bool]:
        try:
            opened = open_offers_file(upload.data, upload.file_name)
        except FileRefused as refused:
            return None, refused.problems, False
        if hasattr(opened.rows, "close"):
            opened.rows.close()
        repository = SourcingRepository(session)
        remembered = repository.column_mapping(signature(opened.headers)) is not None
        return column_plan(repository, opened.headers, upload.file_name, mapping), [], remembered

    plan, refused, remembered = web.work(request, job)
    if plan is None:
        return _result(request, token, upload, OfferImportOutcome(upload.file_name, problems=refused), False)
    context: dict[str, Any] = {"token": token, "file_name": upload.file_name}
    problems = [*(extra or []), *plan.problems]
    context.update(step="mapping", rows=mapping_rows(plan), problems=problems, remembered=remembered)
    return _page(request, context, 422 if extra is not None else 200)


@router.get("/sourcing/import/{token}", response_class=HTMLResponse)
def mapping_page(request: Request, token: str) -> Response:
    upload = find_upload(request, token)
    if upload is None:
        return _page(request, {"expired": True}, 404)
    return _mapping_step(request, token, upload)


def confirmed_mapping(form: Any, headers: list[str]) -> tuple[dict[str, str], set[str], list[ImportProblem]]:
    """The selects (``col-<n>`` = field) → field → header, the headers left out, and clashes."""
    mapping: dict[str, str] = {}
    left_out: set[str] = set()
    problems: list[ImportProblem] = []
    for index, header in enumerate(headers):
        choice = str(form.get(f"col-{index}") or "").strip()
        if not header or choice == TIER:
            continue
        if not choice:
            left_out.add(header)
        elif choice in mapping:
            both = f"{mapping[choice]}、{header}"
            problems.append(
                ImportProblem(
                    "", 1, both, f"{both} 都选了同一个字段 {choice}", f"{both} are both mapped to {choice}"
                )
            )
        else:
            mapping[choice] = header
    return mapping, left_out, problems


@router.post(
    "/sourcing/import/{token}/confirm",
    response_class=HTMLResponse,
    openapi_extra=form_body("good_rows_only", "col-0", "col-1", "col-2", "col-3"),
)
async def confirm_import(request: Request, token: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_confirm_import, request, token, form)


def _confirm_import(request: Request, token: str, form: Any) -> Response:
    upload = find_upload(request, token)
    if upload is None:
        return _page(request, {"expired": True}, 404)
    good_rows_only = str(form.get("good_rows_only") or "") in ("1", "on", "true")
    try:
        opened = open_offers_file(upload.data, upload.file_name)
    except FileRefused as refused:
        refused_outcome = OfferImportOutcome(upload.file_name, problems=refused.problems)
        return _result(request, token, upload, refused_outcome, good_rows_only)
    headers = opened.headers
    if hasattr(opened.rows, "close"):
        opened.rows.close()
    mapping, left_out, clashes = confirmed_mapping(form, headers)
    if clashes:
        return _mapping_step(request, token, upload, mapping, clashes)
    now = web.now(request)
    with UnitOfWork(request.app.state.session_factory) as uow:
        outcome = import_offers_file(
            SourcingRepository(uow.session),
            upload.data,
            now=now,
            file_name=upload.file_name,
            mapping=mapping,
            good_rows_only=good_rows_only,
        )
        plan = outcome.plan
        still_matched = sorted(left_out & set(plan.headers.values())) if plan else []
        if plan is not None and (still_matched or not plan.ok):
            uow.rollback()  # the mapping itself is wrong: back to the mapping step
            clashes = [_still_matched(header) for header in still_matched]
            return _mapping_step(request, token, upload, mapping, clashes or [])
        if outcome.keep:
            uow.commit()
        else:
            uow.rollback()
    if not outcome.keep and plan is not None and mapping:
        # Nothing was written, but the mapping the user confirmed holds for the fixed file too.
        explicit = plan.explicit
        web.work(
            request,
            lambda session: SourcingRepository(session).remember_column_mapping(
                signature(headers), headers, explicit, now
            ),
        )
    return _result(request, token, upload, outcome, good_rows_only)


def _still_matched(header: str) -> ImportProblem:
    return ImportProblem(
        "",
        1,
        header,
        f"列 {header} 按名称仍会被导入:请把它的字段改给另一列,或在文件里改列名",
        f"column {header} still matches by its name: map its field to another column, or rename it",
    )


def _result(
    request: Request, token: str, upload: Upload, outcome: OfferImportOutcome, good_rows_only: bool
) -> HTMLResponse:
    problems = outcome.problems
    if problems:
        report = outcome.report or ReadReport(problems=list(problems))
        upload.rejects.write_bytes(rejects_workbook(outcome.headers, report))
    context = {
        "step": "result",
        "token": token,
        "file_name": upload.file_name,
        "outcome": outcome,
        "problems": problems,
        "shown": problems[:_SHOWN_PROBLEMS],
        "bad_rows": len({p.row for p in problems if p.row > 1}),
        "good_rows_only": good_rows_only,
        "can_retry_good_rows": bool(problems) and not good_rows_only and outcome.report is not None,
        # The confirmed selects, posted again by "import the good rows only".
        "mapping": {f"col-{row.index}": row.chosen for row in mapping_rows(outcome.plan)}
        if outcome.plan
        else {},
    }
    return _page(request, context, 200 if outcome.keep else 422)


@router.get("/sourcing/import/{token}/rejects.xlsx")
def download_rejects(request: Request, token: str) -> Response:
    upload = find_upload(request, token)
    if upload is None or not upload.rejects.is_file():
        return Response(status_code=404)
    stem = re.sub(r"[^\w.-]+", "_", Path(upload.file_name).stem, flags=re.ASCII) or "offers"
    headers = {"Content-Disposition": f'attachment; filename="rejects-{stem}.xlsx"'}
    return Response(upload.rejects.read_bytes(), media_type=XLSX, headers=headers)


# --- offer ids through the 1688 API ----------------------------------------------------------------


@router.post("/sourcing/import/fetch", response_class=HTMLResponse, openapi_extra=form_body("refs"))
async def fetch_pasted_offers(request: Request) -> Response:
    form = await request.form()
    text = str(form.get("refs") or "")
    return await run_in_threadpool(_fetch, request, text)


def _fetch(request: Request, text: str) -> HTMLResponse:
    refs = [line.strip() for line in text.splitlines() if line.strip()]
    if not refs or len(refs) > _MAX_REFS:
        return _page(request, {"fetch_error": "empty" if not refs else "too_many", "refs": text}, 422)
    settings, now = web.settings(request), web.now(request)
    language = request_language(request)

    def job(session: Session) -> list[dict[str, str]] | None:
        accounts = StoreRepository(session).buyer_accounts()
        if not accounts:
            return None
        repository = SourcingRepository(session)
        ids = [i for i in (parse_offer_ref(ref) for ref in refs) if i is not None]
        before = repository.offer_hashes(ids)
        with service.alibaba_client(accounts[0], settings) as client:
            outcome = fetch_offers(repository, client, refs, now=now)
        after = repository.offer_hashes(ids)
        failed = {failure["offer"]: failure["reason"] for failure in outcome.failed}
        results = []
        for ref in refs:
            offer_id = parse_offer_ref(ref)
            if ref in failed or offer_id is None:
                # our own reason in the page's language; a failure 1688 reported, as 1688 wrote it
                not_an_offer = offer_id is None
                reason = translate("offers_import.not_an_offer", language) if not_an_offer else failed[ref]
                results.append(
                    {"ref": ref, "offer_id": str(offer_id or ""), "outcome": "failed", "reason": reason}
                )
                continue
            if offer_id not in before:
                state = "new"
            elif before[offer_id][1] != after[offer_id][1]:
                state = "updated"
            else:
                state = "unchanged"
            results.append({"ref": ref, "offer_id": str(offer_id), "outcome": state, "reason": ""})
        return results

    results = web.work(request, job)
    if results is None:
        return _page(request, {"fetch_error": "no_account", "refs": text}, 422)
    states = ("new", "updated", "unchanged", "failed")
    counts = {state: sum(1 for r in results if r["outcome"] == state) for state in states}
    return _page(request, {"fetched": results, "fetch_counts": counts, "refs": text})


__all__ = ["router"]
