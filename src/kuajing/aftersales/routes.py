"""售后 page and API.

- ``GET /aftersales``: cases and claims (state, liability, amount, 信用保障 compensation, the evidence
  checklist, each claim's history), the per-supplier summary, and the forms: record a return, take
  in disputes, classify a taken-in case, upload evidence, submit to 1688, settle;
- ``POST /aftersales/...``: one use case each (``aftersales.service``), one unit of work; success
  redirects back (303), a refused move (409) or bad input (422) re-renders the page with the
  message in the page's language and that status;
- ``GET /api/aftersales/claims`` and ``/api/aftersales/suppliers``: ``aftersales.schemas``.

A user limited to some stores sees, counts and takes in the cases of their stores' orders only.

The 1688 refund goes through the first buyer account's client, or through ``app.state.
aftersales_refunds`` when set (tests, the demo): any object with ``create_refund(RefundRequest)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuajing.accounts import store_scope as scoped
from kuajing.accounts.web import store_scope
from kuajing.aftersales import schemas, service
from kuajing.aftersales.intake import intake_all_stores
from kuajing.aftersales.model import ClaimState, Evidence, ReturnReason
from kuajing.kit.errors import KuajingError, ValidationFailed
from kuajing.kit.money import Money
from kuajing.orders import web_helpers as web
from kuajing.stores.repository import StoreRepository
from kuajing.stores.service import alibaba_client
from kuajing.web.params import DB_INT_MAX, RowId

router = APIRouter()
_E = TypeVar("_E", bound=StrEnum)
SETTLE_STATES = (ClaimState.RECOVERED, ClaimState.REJECTED, ClaimState.COMPENSATED, ClaimState.WITHDRAWN)
GOODS_STATUSES = ("refundWaitSellerSend", "refundWaitBuyerReceive", "refundBuyerReceived")
TextField = Annotated[str, Form()]


class NoBuyerAccount(KuajingError):
    code = "no_buyer_account"
    http_status = 422

    def __init__(self) -> None:
        super().__init__(
            "no 1688 buyer account: add one to submit claims", "没有 1688 买家账号，无法提交索赔"
        )


@contextmanager
def refunds_for(request: Request, session: Session) -> Iterator[service.RefundPort]:
    injected: service.RefundPort | None = getattr(request.app.state, "aftersales_refunds", None)
    if injected is not None:
        yield injected
        return
    accounts = StoreRepository(session).buyer_accounts()
    if not accounts:
        raise NoBuyerAccount()
    with alibaba_client(accounts[0], web.settings(request)) as client:
        yield client


# --- parsing form input (bad input is a 422 with the field named) ----------------------------------


# The form fields as the Chinese page names them (the English message keeps the field's own name).
FIELD_ZH = {
    "amount": "金额",
    "ae_order_id": "速卖通订单号",
    "line_id": "子订单号",
    "reason": "原因",
    "kind": "类型",
}


def parse_money(text: str, field: str, *, required: bool = True) -> Money | None:
    text = text.strip().replace(",", "").lstrip("¥")
    if not text and not required:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or (required and amount == 0):
        raise ValidationFailed(
            f"{field}: not an amount in CNY: {text!r}",
            f"{FIELD_ZH.get(field, field)}：金额（人民币）无效：{text!r}",
            details={"field": field},
        )
    return Money.of(amount, "CNY")


def parse_int(text: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    # '²' is a digit to isdigit; 5,000 digits are too many for int(); beyond DB_INT_MAX no row
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > DB_INT_MAX:
        raise ValidationFailed(
            f"{field}: not a number: {text!r}",
            f"{FIELD_ZH.get(field, field)}：不是数字：{text!r}",
            details={"field": field},
        )
    return int(text)


def parse_choice(kind: type[_E], text: str, field: str) -> _E:
    try:
        return kind(text.strip())
    except ValueError:
        choices = ", ".join(item.value for item in kind)
        raise ValidationFailed(
            f"{field}: choose one of {choices}",
            f"{FIELD_ZH.get(field, field)}：请选择 {choices} 之一",
            details={"field": field, "value": text},
        ) from None


# --- the page ---------------------------------------------------------------------------------------


def _page(request: Request, *, error: KuajingError | None = None, status_code: int = 200) -> HTMLResponse:
    scope = store_scope(request)  # a user limited to some stores sees their orders' cases only

    def build(session: Session) -> dict[str, Any]:
        return {
            "views": scoped.views_in_scope(session, schemas.case_views(session), scope),
            "suppliers": schemas.suppliers_to_dicts(session, scope),
        }

    data = web.work(request, build)
    context = {
        "active": "aftersales",
        **data,
        "error": error,
        "done": request.query_params.get("done"),
        "reasons": list(ReturnReason),
        "evidence_kinds": list(Evidence),
        "settle_states": SETTLE_STATES,
        "goods_statuses": GOODS_STATUSES,
        "money": schemas.money_text,
        "terminal": {
            state.value for state in (ClaimState.RECOVERED, ClaimState.COMPENSATED, ClaimState.WITHDRAWN)
        },
    }
    return web.page(request, "aftersales.html", context, status_code=status_code)


def _act(request: Request, done: str, job: Callable[[Session], object]) -> Response:
    scope = store_scope(request)

    def guarded(session: Session) -> object:
        scoped.require_path_objects(session, dict(request.path_params), scope)  # another store's: 404
        return job(session)

    try:
        web.work(request, guarded)
    except KuajingError as error:
        return _page(request, error=error, status_code=error.http_status)
    return RedirectResponse(f"/aftersales?done={done}", status_code=303)


@router.get("/aftersales", response_class=HTMLResponse)
def aftersales_page(request: Request) -> HTMLResponse:
    return _page(request)


@router.post("/aftersales/returns")
def record_return(
    request: Request,
    ae_order_id: TextField = "",
    line_id: TextField = "",
    reason: TextField = "",
    amount: TextField = "",
    notes: TextField = "",
) -> Response:
    def job(session: Session) -> object:
        order_id = parse_int(ae_order_id, "ae_order_id")
        if order_id is None:
            raise ValidationFailed(
                "ae_order_id: required", "速卖通订单号：必填", details={"field": "ae_order_id"}
            )
        scoped.require_ae_order(session, order_id, store_scope(request))
        return service.record_return(
            session,
            ae_order_id=order_id,
            line_id=parse_int(line_id, "line_id"),
            reason=parse_choice(ReturnReason, reason, "reason"),
            amount=_required(parse_money(amount, "amount")),
            notes=notes.strip() or None,
            who=web.actor(request),
            now=web.now(request),
        )

    return _act(request, "recorded", job)


@router.post("/aftersales/intake")
def intake(request: Request) -> Response:
    scope = store_scope(request)  # a user limited to some stores takes in their stores' disputes only
    return _act(
        request,
        "intake",
        lambda session: intake_all_stores(
            session, web.settings(request), who=web.actor(request), now=web.now(request), scope=scope
        ),
    )


@router.post("/aftersales/cases/{case_id}/classify")
def classify(request: Request, case_id: RowId, reason: TextField = "", amount: TextField = "") -> Response:
    def job(session: Session) -> object:
        return service.classify(
            session,
            case_id,
            parse_choice(ReturnReason, reason, "reason"),
            _required(parse_money(amount, "amount")),
            who=web.actor(request),
            now=web.now(request),
        )

    return _act(request, "classified", job)


@router.post("/aftersales/claims/{claim_id}/evidence")
async def upload_evidence(
    request: Request, claim_id: int, kind: TextField = "", file: Annotated[UploadFile | None, File()] = None
) -> Response:
    content = await file.read() if file is not None else b""
    filename = (file.filename if file is not None else None) or "file"

    def job(session: Session) -> object:
        return service.attach_evidence(
            session,
            claim_id,
            parse_choice(Evidence, kind, "kind"),
            filename,
            content,
            folder=Path(web.settings(request).aftersales_folder),
            who=web.actor(request),
            now=web.now(request),
        )

    return _act(request, "evidence", job)


@router.post("/aftersales/claims/{claim_id}/submit")
def submit(
    request: Request,
    claim_id: RowId,
    reason_id: TextField = "",
    entry_ids: TextField = "",
    goods_status: TextField = "refundBuyerReceived",
) -> Response:
    def job(session: Session) -> object:
        if not reason_id.strip():
            raise ValidationFailed(
                "reason_id: required (a 1688 refund reason id)",
                "退款原因 ID：必填",
                details={"field": "reason_id"},
            )
        if goods_status not in GOODS_STATUSES:
            raise ValidationFailed(
                f"goods_status: one of {', '.join(GOODS_STATUSES)}",
                "货物状态无效",
                details={"field": "goods_status"},
            )
        entries = [entry.strip() for entry in entry_ids.replace("，", ",").split(",") if entry.strip()]
        with refunds_for(request, session) as refunds:
            return service.submit_claim(
                session,
                claim_id,
                refunds,
                reason_id=reason_id.strip(),
                entry_ids=entries,
                goods_status=goods_status,
                who=web.actor(request),
                now=web.now(request),
            )

    return _act(request, "submitted", job)


@router.post("/aftersales/claims/{claim_id}/settle")
def settle(
    request: Request, claim_id: int, state: TextField = "", amount: TextField = "", why: TextField = ""
) -> Response:
    def job(session: Session) -> object:
        to_state = parse_choice(ClaimState, state, "state")
        if to_state not in SETTLE_STATES:
            raise ValidationFailed(
                "state: recovered, rejected, compensated or withdrawn",
                "结果：已追回、被拒、已赔付或撤回",
                details={"field": "state"},
            )
        return service.settle_claim(
            session,
            claim_id,
            to_state,
            recovered=parse_money(amount, "amount", required=False),
            why=why.strip() or to_state.value,
            who=web.actor(request),
            now=web.now(request),
        )

    return _act(request, "settled", job)


def _required(amount: Money | None) -> Money:
    assert amount is not None  # parse_money(required=True) never returns None
    return amount


# --- JSON ---------------------------------------------------------------------------------------------


@router.get("/api/aftersales/claims")
def claims_api(request: Request) -> JSONResponse:
    scope = store_scope(request)

    def claims(session: Session) -> list[dict[str, Any]]:
        views = scoped.views_in_scope(session, schemas.case_views(session), scope)
        return [schemas.claim_to_dict(view) for view in views if view.claim is not None]

    return JSONResponse(web.work(request, claims))


@router.get("/api/aftersales/suppliers")
def suppliers_api(request: Request) -> JSONResponse:
    scope = store_scope(request)
    return JSONResponse(web.work(request, lambda session: schemas.suppliers_to_dicts(session, scope)))


__all__ = ["router"]
