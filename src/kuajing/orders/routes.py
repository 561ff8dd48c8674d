"""Pages and JSON API for orders and the exception queue.

Pages speak zh-CN first (``?lang=en`` for English) and post plain HTML forms; the JSON API under
``/api`` serves the same use cases (``orders.actions``). Each request is one unit of work: the
actions never commit, the handler does (``orders.web_helpers``). Time is the order loop's clock
(``KUAJING_CLOCK_URL`` in the demo and tests), so "due now" means now to the loop. Form and JSON
values are parsed here and every problem is reported next to its field. The SKU mapping rule pages
and API live in ``orders.rule_routes``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuajing.accounts import store_scope as scoped
from kuajing.accounts.web import audit, store_scope
from kuajing.config import Settings
from kuajing.kit.errors import NotFound
from kuajing.orders import actions
from kuajing.orders import web_helpers as web
from kuajing.orders.mapping import MappingRuleInvalid
from kuajing.orders.queue import QueueItem, open_items
from kuajing.orders.repository import OrderRepository
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow, OrderExceptionRow
from kuajing.purchasing.model import OrderState
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.tables import OfferSnapshotRow
from kuajing.stores.tables import AliExpressStore
from kuajing.web.params import MAX_PAGE, RowId, form_body, whole_number

router = APIRouter()
PER_PAGE = 50


# --- orders --------------------------------------------------------------------------------------


@router.get("/orders", response_class=HTMLResponse)
def orders_page(
    request: Request,
    state: OrderState | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    per_page: int = Query(PER_PAGE, ge=1, le=500),
) -> HTMLResponse:
    scope = store_scope(request)  # a user limited to some stores sees only their orders

    def job(session: Session) -> dict[str, Any]:
        query = select(AeOrderRow, AliExpressStore.name).join(
            AliExpressStore, AliExpressStore.id == AeOrderRow.store_id
        )
        query = scoped.orders_in_scope(query, scope)
        if state is not None:
            query = query.where(AeOrderRow.state == state.value)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = list(
            session.execute(
                query.order_by(AeOrderRow.created_at.desc(), AeOrderRow.id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
        )
        purchases: dict[int, list[PurchaseOrderRow]] = {}
        ids = [order.id for order, _ in rows]
        if ids:
            for purchase in session.scalars(
                select(PurchaseOrderRow)
                .where(PurchaseOrderRow.order_id.in_(ids))
                .order_by(PurchaseOrderRow.id)
            ):
                purchases.setdefault(purchase.order_id, []).append(purchase)
        counts = dict(
            list(
                session.execute(
                    scoped.orders_in_scope(select(AeOrderRow.state, func.count()), scope).group_by(
                        AeOrderRow.state
                    )
                )
            )
        )
        return {"rows": rows, "purchases": purchases, "total": total, "counts": counts}

    context = web.work(request, job)
    context.update(
        active="orders",
        state=state.value if state else "",
        states=list(OrderState),
        page=page,
        per_page=per_page,
        now=web.now(request),
    )
    return web.page(request, "orders_list.html", context)


def _order_view(session: Session, ae_order_id: int, scope: frozenset[int] | None = None) -> dict[str, Any]:
    repo = OrderRepository(session)
    order = repo.by_ae_order_id(ae_order_id)
    if order is None or (scope is not None and order.store_id not in scope):
        raise NotFound(f"order {ae_order_id} not found", f"找不到订单 {ae_order_id}")
    lines = repo.lines_of(order.id)
    offers = {
        line.offer_id: session.get(OfferSnapshotRow, line.offer_id)
        for line in lines
        if line.offer_id is not None
    }
    purchases = list(
        session.scalars(
            select(PurchaseOrderRow)
            .where(PurchaseOrderRow.order_id == order.id)
            .order_by(PurchaseOrderRow.id)
        )
    )
    return {
        "order": order,
        "store": session.get(AliExpressStore, order.store_id),
        "lines": lines,
        "offers": offers,
        "purchases": purchases,
        "exceptions": repo.open_exceptions(order.id),
        "timeline": actions.order_timeline(session, order.id),
    }


@router.get("/orders/{ae_order_id}", response_class=HTMLResponse)
def order_page(request: Request, ae_order_id: RowId) -> HTMLResponse:
    scope = store_scope(request)
    context = web.work(request, lambda session: _order_view(session, ae_order_id, scope))
    return web.page(request, "orders_detail.html", {**context, "active": "orders", "now": web.now(request)})


@router.get("/api/orders/{ae_order_id}", tags=["orders"])
def order_api(request: Request, ae_order_id: RowId) -> dict[str, Any]:
    scope = store_scope(request)
    view = web.work(request, lambda session: _order_view(session, ae_order_id, scope))
    order: AeOrderRow = view["order"]
    return {
        "ae_order_id": order.ae_order_id,
        "store_id": order.store_id,
        "ae_status": order.ae_status,
        "state": order.state,
        "pay_amount": {"amount": str(order.pay_amount), "currency": order.currency},
        "paid_at": order.paid_at.isoformat() if order.paid_at else None,
        "ship_by": order.ship_by.isoformat() if order.ship_by else None,
        "lines": [
            {
                "child_id": line.child_id,
                "sku_code": line.sku_code,
                "quantity": line.quantity,
                "state": line.state,
                "offer_id": line.offer_id,
                "spec_id": line.spec_id,
                "buy_quantity": line.buy_quantity,
                "purchase_id": line.purchase_id,
            }
            for line in view["lines"]
        ],
        "purchases": [
            {
                "id": purchase.id,
                "out_order_id": purchase.out_order_id,
                "alibaba_order_id": purchase.alibaba_order_id,
                "state": purchase.state,
                "tracking_no": purchase.tracking_no,
                "carrier_name": purchase.carrier_name,
                "ae_service_name": purchase.ae_service_name,
            }
            for purchase in view["purchases"]
        ],
        "timeline": [entry.to_dict() for entry in view["timeline"]],
    }


# --- the exception queue -------------------------------------------------------------------------


def _queue_view(session: Session, reason: str | None, scope: frozenset[int] | None = None) -> dict[str, Any]:
    items = scoped.items_in_scope(session, open_items(session), scope)
    counts = Counter(item.reason_code for item in items)
    shown = [item for item in items if not reason or item.reason_code == reason]
    extra: dict[int, tuple[int | None, int]] = {}
    ids = [item.id for item in shown]
    if ids:
        query = (
            select(OrderExceptionRow.id, OrderExceptionRow.line_id, AeOrderRow.store_id)
            .join(AeOrderRow, AeOrderRow.id == OrderExceptionRow.order_id)
            .where(OrderExceptionRow.id.in_(ids))
        )
        extra = {row_id: (line_id, store_id) for row_id, line_id, store_id in session.execute(query)}
    rows = [{"item": item, "line_id": extra[item.id][0], "store_id": extra[item.id][1]} for item in shown]
    return {"counts": sorted(counts.items()), "total": len(items), "rows": rows, "reason": reason or ""}


def _queue_page(
    request: Request, reason: str | None, results: list[actions.ItemResult], status_code: int = 200
) -> HTMLResponse:
    scope = store_scope(request)
    context = web.work(request, lambda session: _queue_view(session, reason, scope))
    context.update(active="exceptions", results=results)
    return web.page(request, "exceptions.html", context, status_code)


@router.get("/exceptions", response_class=HTMLResponse)
def exceptions_page(request: Request, reason: str | None = None) -> HTMLResponse:
    return _queue_page(request, reason, [])


def _ids(values: list[Any]) -> list[int]:
    return [number for value in values if (number := whole_number(str(value))) is not None]


@router.post(
    "/exceptions/{verb}",
    response_class=HTMLResponse,
    openapi_extra=form_body("line_id", "offer_id", "spec_id", "reason", lists=("ids",)),
)
async def exceptions_action(request: Request, verb: str) -> HTMLResponse:
    """The queue page's forms: ``approve`` and ``cancel`` (checked rows), ``alternate`` (one line)."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(_exceptions_action, request, verb, values, _ids(form.getlist("ids")))


def _exceptions_action(request: Request, verb: str, values: dict[str, str], ids: list[int]) -> HTMLResponse:
    now, actor, settings = web.now(request), web.actor(request), web.settings(request)
    scope = store_scope(request)

    def job(session: Session) -> list[actions.ItemResult]:
        results = _queue_action(session, verb, scoped.exception_ids_in_scope(session, ids, scope))
        _audit_results(request, session, verb, results)
        return results

    def _queue_action(session: Session, verb: str, ids: list[int]) -> list[actions.ItemResult]:
        if verb == "approve":
            return actions.approve_manual(session, ids, now=now, actor=actor)
        if verb == "cancel":
            return actions.cancel_lines(session, exception_ids=ids, now=now, actor=actor)
        if verb == "alternate":
            if scope is not None and not _line_in_scope(session, values.get("line_id"), scope):
                return []
            return [_alternate(session, settings, values, now=now, actor=actor)]
        raise NotFound(f"no action {verb!r}", f"没有操作 {verb!r}")

    results = web.work(request, job)
    return _queue_page(request, values.get("reason") or None, results)


def _line_in_scope(session: Session, line_id: object, scope: frozenset[int]) -> bool:
    found = _ids([line_id])
    line = session.get(AeOrderLineRow, found[0]) if found else None
    order = session.get(AeOrderRow, line.order_id) if line is not None else None
    return order is not None and order.store_id in scope


def _audit_results(request: Request, session: Session, verb: str, results: list[actions.ItemResult]) -> None:
    """Each exception resolution or approval in the audit log (the line's id for ``alternate``)."""
    kind = "order_line" if verb == "alternate" else "order_exception"
    for result in results:
        audit(request, session, f"exception.{verb}", kind, result.id, None, result.to_dict())


def _alternate(
    session: Session, settings: Settings, form: Mapping[str, Any], *, now: datetime, actor: str
) -> actions.ItemResult:
    line_id, offer_id = _ids([form.get("line_id")]), _ids([form.get("offer_id")])
    spec_id = str(form.get("spec_id") or "").strip()
    if not (line_id and offer_id and spec_id):
        return actions.ItemResult(
            line_id[0] if line_id else 0,
            False,
            "请填写1688商品ID和规格ID",
            "enter the 1688 offer id and spec id",
        )
    with web.catalog(session, settings, now) as catalog:
        try:
            return actions.pick_alternate_supplier(
                session, line_id[0], offer_id[0], spec_id, catalog, now=now, actor=actor
            )
        except MappingRuleInvalid as error:
            return actions.ItemResult(line_id[0], False, error.message_zh, error.message_en)


@router.get("/api/exceptions", tags=["exceptions"])
def exceptions_api(request: Request, reason: str | None = None) -> list[dict[str, Any]]:
    scope = store_scope(request)
    items: list[QueueItem] = web.work(
        request,
        lambda session: scoped.items_in_scope(session, open_items(session, reason_code=reason), scope),
    )
    return [item.to_dict() for item in items]


@router.post("/api/exceptions/{verb}", tags=["exceptions"])
def exceptions_action_api(
    request: Request, verb: str, body: dict[str, Any] = Body(...)
) -> dict[str, list[dict[str, Any]]]:
    """``{"ids": [exception ids]}``; cancel also takes ``{"ae_order_ids": [...]}``."""
    ids, ae_order_ids = _ids(list(body.get("ids") or [])), _ids(list(body.get("ae_order_ids") or []))
    now, actor, scope = web.now(request), web.actor(request), store_scope(request)

    def job(session: Session) -> list[actions.ItemResult]:
        results = _queue_action(
            session,
            scoped.exception_ids_in_scope(session, ids, scope),
            scoped.ae_order_ids_in_scope(session, ae_order_ids, scope),
        )
        _audit_results(request, session, verb, results)
        return results

    def _queue_action(session: Session, ids: list[int], ae_order_ids: list[int]) -> list[actions.ItemResult]:
        if verb == "approve":
            return actions.approve_manual(session, ids, now=now, actor=actor)
        if verb == "cancel":
            return actions.cancel_lines(
                session, exception_ids=ids, ae_order_ids=ae_order_ids, now=now, actor=actor
            )
        raise NotFound(f"no action {verb!r}", f"没有操作 {verb!r}")

    return {"results": [result.to_dict() for result in web.work(request, job)]}


__all__ = ["router"]
