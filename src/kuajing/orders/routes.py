"""Pages and JSON API for orders, the exception queue and SKU mapping rules.

Pages speak zh-CN first (``?lang=en`` for English) and post plain HTML forms; the JSON API under
``/api`` serves the same use cases (``orders.actions``). Each request is one unit of work: the
actions never commit, the handler does. Time is the order loop's clock (``KUAJING_CLOCK_URL`` in
the demo and tests), so "due now" means now to the loop. Form and JSON values are parsed here —
amounts as Decimal, never float — and every problem is reported next to its field.
"""

from __future__ import annotations

import base64
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuajing.config import Settings
from kuajing.db.uow import UnitOfWork
from kuajing.kit.errors import NotFound
from kuajing.kit.i18n import MESSAGES, translate
from kuajing.kit.money import Money
from kuajing.kit.remote_clock import clock_for
from kuajing.orders import actions
from kuajing.orders.mapping import (
    DEFAULT_PRIORITY,
    MappingRuleInvalid,
    MatchKind,
    RuleProblem,
    SkuMappingRule,
    preview,
    validate_rule,
)
from kuajing.orders.mapping_xlsx import export_rules, import_rules, rejects_workbook
from kuajing.orders.queue import QueueItem, open_items
from kuajing.orders.reasons import REASONS, ReasonCode
from kuajing.orders.repository import OrderRepository
from kuajing.orders.rules_store import to_rule
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow, OrderExceptionRow
from kuajing.purchasing.model import ORDER_STATE_ZH, PURCHASE_STATE_ZH, OrderState, PurchaseState
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.sourcing.tables import OfferSnapshotRow
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository
from kuajing.stores.tables import AliExpressStore
from kuajing.web.app import render, request_language

router = APIRouter()
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_T = TypeVar("_T")


# --- plumbing ------------------------------------------------------------------------------------


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _now(request: Request) -> datetime:
    return clock_for(_settings(request).clock_url).now()


def _actor(request: Request) -> str:
    """``user:<name>``; until sign-in exists every page user is ``user:web``."""
    return f"user:{getattr(request.state, 'user', None) or 'web'}"


def _work(request: Request, job: Callable[[Session], _T]) -> _T:
    """Run ``job`` in one unit of work and commit what it did."""
    with UnitOfWork(request.app.state.session_factory) as uow:
        result = job(uow.session)
        uow.commit()
        return result


@contextmanager
def _catalog(session: Session, settings: Settings, now: datetime) -> Iterator[OfferSnapshots]:
    """Offers as 1688 shows them, read through the first buyer account; without one, only the
    offers already known validate."""
    accounts = StoreRepository(session).buyer_accounts()
    if not accounts:
        yield OfferSnapshots(session, None, now=now)
        return
    with service.alibaba_client(accounts[0], settings) as client:
        yield OfferSnapshots(session, client, now=now)


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """``render`` plus the helpers every order page uses (labels in the page's language, times)."""
    language = request_language(request)
    zh = language == "zh-CN"
    tz = ZoneInfo(_settings(request).timezone)
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


# --- orders --------------------------------------------------------------------------------------


@router.get("/orders", response_class=HTMLResponse, include_in_schema=False)
def orders_page(
    request: Request,
    state: OrderState | None = None,
    page: int = Query(1, ge=1),
    per_page: int = Query(PER_PAGE, ge=1, le=500),
) -> HTMLResponse:
    def job(session: Session) -> dict[str, Any]:
        query = select(AeOrderRow, AliExpressStore.name).join(
            AliExpressStore, AliExpressStore.id == AeOrderRow.store_id
        )
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
            list(session.execute(select(AeOrderRow.state, func.count()).group_by(AeOrderRow.state)))
        )
        return {"rows": rows, "purchases": purchases, "total": total, "counts": counts}

    context = _work(request, job)
    context.update(
        active="orders",
        state=state.value if state else "",
        states=list(OrderState),
        page=page,
        per_page=per_page,
        now=_now(request),
    )
    return _page(request, "orders_list.html", context)


def _order_view(session: Session, ae_order_id: int) -> dict[str, Any]:
    repo = OrderRepository(session)
    order = repo.by_ae_order_id(ae_order_id)
    if order is None:
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


@router.get("/orders/{ae_order_id}", response_class=HTMLResponse, include_in_schema=False)
def order_page(request: Request, ae_order_id: int) -> HTMLResponse:
    context = _work(request, lambda session: _order_view(session, ae_order_id))
    return _page(request, "orders_detail.html", {**context, "active": "orders", "now": _now(request)})


@router.get("/api/orders/{ae_order_id}", tags=["orders"])
def order_api(request: Request, ae_order_id: int) -> dict[str, Any]:
    view = _work(request, lambda session: _order_view(session, ae_order_id))
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


def _queue_view(session: Session, reason: str | None) -> dict[str, Any]:
    items = open_items(session)
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
    context = _work(request, lambda session: _queue_view(session, reason))
    context.update(active="exceptions", results=results)
    return _page(request, "exceptions.html", context, status_code)


@router.get("/exceptions", response_class=HTMLResponse, include_in_schema=False)
def exceptions_page(request: Request, reason: str | None = None) -> HTMLResponse:
    return _queue_page(request, reason, [])


def _ids(values: list[Any]) -> list[int]:
    return [int(value) for value in values if str(value).strip().isdigit()]


@router.post("/exceptions/{verb}", response_class=HTMLResponse, include_in_schema=False)
async def exceptions_action(request: Request, verb: str) -> HTMLResponse:
    """The queue page's forms: ``approve`` and ``cancel`` (checked rows), ``alternate`` (one line)."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(_exceptions_action, request, verb, values, _ids(form.getlist("ids")))


def _exceptions_action(request: Request, verb: str, values: dict[str, str], ids: list[int]) -> HTMLResponse:
    now, actor, settings = _now(request), _actor(request), _settings(request)

    def job(session: Session) -> list[actions.ItemResult]:
        if verb == "approve":
            return actions.approve_manual(session, ids, now=now, actor=actor)
        if verb == "cancel":
            return actions.cancel_lines(session, exception_ids=ids, now=now, actor=actor)
        if verb == "alternate":
            return [_alternate(session, settings, values, now=now, actor=actor)]
        raise NotFound(f"no action {verb!r}", f"没有操作 {verb!r}")

    results = _work(request, job)
    return _queue_page(request, values.get("reason") or None, results)


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
    with _catalog(session, settings, now) as catalog:
        try:
            return actions.pick_alternate_supplier(
                session, line_id[0], offer_id[0], spec_id, catalog, now=now, actor=actor
            )
        except MappingRuleInvalid as error:
            return actions.ItemResult(line_id[0], False, error.message_zh, error.message_en)


@router.get("/api/exceptions", tags=["exceptions"])
def exceptions_api(request: Request, reason: str | None = None) -> list[dict[str, Any]]:
    items: list[QueueItem] = _work(request, lambda session: open_items(session, reason_code=reason))
    return [item.to_dict() for item in items]


@router.post("/api/exceptions/{verb}", tags=["exceptions"])
def exceptions_action_api(
    request: Request, verb: str, body: dict[str, Any] = Body(...)
) -> dict[str, list[dict[str, Any]]]:
    """``{"ids": [exception ids]}``; cancel also takes ``{"ae_order_ids": [...]}``."""
    ids, ae_order_ids = _ids(list(body.get("ids") or [])), _ids(list(body.get("ae_order_ids") or []))
    now, actor = _now(request), _actor(request)

    def job(session: Session) -> list[actions.ItemResult]:
        if verb == "approve":
            return actions.approve_manual(session, ids, now=now, actor=actor)
        if verb == "cancel":
            return actions.cancel_lines(
                session, exception_ids=ids, ae_order_ids=ae_order_ids, now=now, actor=actor
            )
        raise NotFound(f"no action {verb!r}", f"没有操作 {verb!r}")

    return {"results": [result.to_dict() for result in _work(request, job)]}


# --- mapping rules: parsing ----------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?\d+")


def parse_rule(values: Mapping[str, Any]) -> tuple[SkuMappingRule | None, list[RuleProblem]]:
    """A rule from form or JSON values, or None and a problem per unreadable field."""
    problems: list[RuleProblem] = []

    def bad(field: str, zh: str, en: str) -> None:
        problems.append(RuleProblem(field, "unreadable", zh, en))

    def integer(field: str, default: int | None) -> int | None:
        value = values.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            if default is None and field == "offer_id":
                bad(field, "必填", "required")
            return default
        if _INTEGER.fullmatch(text):
            return int(text)
        bad(field, f"应为整数,实为 {text!r}", f"expected a whole number, got {text!r}")
        return None

    kind_text = str(values.get("kind") or "").strip().lower()
    kind = MatchKind(kind_text) if kind_text in {k.value for k in MatchKind} else None
    if kind is None:
        bad("kind", "类型应为 exact/prefix/regex", f"kind must be exact, prefix or regex, got {kind_text!r}")
    offer_id = integer("offer_id", None)
    multiplier = integer("quantity_multiplier", 1)
    priority = integer("priority", DEFAULT_PRIORITY)
    store_id = integer("store_id", None)
    unit_cost = _unit_cost(values.get("unit_cost"), bad)
    variant_map = _variant_map(values.get("variant_map"), bad)
    enabled = values.get("enabled", True)
    if isinstance(enabled, str):
        enabled = enabled.strip().lower() in ("on", "true", "1", "yes")
    rule_id = integer("id", None)
    spec_id = str(values.get("spec_id") or "").strip() or None
    if problems or kind is None or offer_id is None or multiplier is None or priority is None:
        if kind is not None:  # the other fields' own problems are worth showing at once too
            stand_in = SkuMappingRule(
                kind, str(values.get("pattern") or "").strip(), 0, spec_id=spec_id, variant_map=variant_map
            )
            unread = {problem.field for problem in problems}
            problems += [
                problem
                for problem in validate_rule(stand_in, _NO_CATALOG)
                if problem.field not in unread
                and problem.code not in _CATALOG_CODES
                and problem.field in ("pattern", "spec_id", "variant_map")
            ]
        return None, problems
    rule = SkuMappingRule(
        kind,
        str(values.get("pattern") or "").strip(),
        offer_id,
        spec_id=spec_id,
        variant_map=variant_map,
        quantity_multiplier=multiplier,
        priority=priority,
        store_id=store_id,
        unit_cost=unit_cost,
        enabled=bool(enabled),
        id=rule_id,
        note=str(values.get("note") or "").strip(),
    )
    return rule, problems


class _NoCatalog:
    """For checking a rule's own fields before its offer id can be read."""

    def spec_ids(self, offer_id: int) -> frozenset[str] | None:
        return None


_NO_CATALOG = _NoCatalog()
_CATALOG_CODES = frozenset({"unknown_offer", "spec_not_in_offer", "variant_spec_not_in_offer"})


def _unit_cost(value: Any, bad: Callable[[str, str, str], None]) -> Money | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float | bool):  # a JSON float is already inexact: amounts travel as strings
        bad("unit_cost", "金额请以字符串填写", 'send the amount as a string, e.g. "12.35"')
        return None
    try:
        amount = Decimal(str(value).strip().lstrip("¥￥").strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        bad("unit_cost", f"应为金额(元),实为 {value!r}", f"expected an amount in yuan, got {value!r}")
        return None
    return Money(amount, "CNY")


def _variant_map(value: Any, bad: Callable[[str, str, str], None]) -> dict[str, str]:
    """A dict (JSON) or ``key=spec`` pairs separated by ``;`` or new lines (the form)."""
    if isinstance(value, Mapping):
        return {str(key): str(spec) for key, spec in value.items()}
    result: dict[str, str] = {}
    for part in re.split(r"[;;\n]", str(value or "")):
        if not part.strip():
            continue
        key, sep, spec_id = (text.strip() for text in part.partition("="))
        if not sep or not spec_id:
            bad(
                "variant_map",
                f"格式应为 键=规格ID,{part.strip()!r} 不符",
                f"expected key=spec, got {part.strip()!r}",
            )
        elif key in result:
            bad("variant_map", f"变体键 {key!r} 重复", f"variant key {key!r} appears twice")
        else:
            result[key] = spec_id
    return result


# --- mapping rules: pages ------------------------------------------------------------------------


def _rules_context(session: Session, search: str = "") -> dict[str, Any]:
    rules = [row for row in OrderRepository(session).rules() if search.lower() in row.pattern.lower()]
    stores = {store.id: store.name for store in StoreRepository(session).aliexpress_stores()}
    return {"rules": rules, "stores": stores, "active": "rules", "q": search}


@router.get("/rules", response_class=HTMLResponse, include_in_schema=False)
def rules_page(
    request: Request, q: str = "", saved: int | None = None, imported: int | None = None
) -> HTMLResponse:
    context = _work(request, lambda session: _rules_context(session, q.strip()))
    return _page(request, "rules.html", {**context, "saved": saved, "imported": imported})


def _form_page(
    request: Request,
    form: Mapping[str, Any],
    problems: list[RuleProblem],
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    lang = request_language(request)
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(problem.field, []).append(
            problem.message_zh if lang == "zh-CN" else problem.message_en
        )
    stores = _work(request, lambda session: list(StoreRepository(session).aliexpress_stores()))
    context = {"form": dict(form), "problems": by_field, "stores": stores, "active": "rules", **extra}
    return _page(request, "rules_form.html", context, status_code)


@router.get("/rules/new", response_class=HTMLResponse, include_in_schema=False)
def new_rule_page(request: Request, sku: str = "", store_id: int | None = None) -> HTMLResponse:
    form = {"kind": "exact", "pattern": sku, "store_id": store_id or "", "enabled": "on", "priority": "50"}
    return _form_page(request, form, [])


def _form_values(form: Any) -> dict[str, Any]:
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.post("/rules", response_class=HTMLResponse, include_in_schema=False)
async def save_rule_form(request: Request) -> Response:
    values = _form_values(await request.form())
    return await run_in_threadpool(_save_rule_form, request, values)


def _save_rule_form(request: Request, values: dict[str, Any]) -> Response:
    rule, problems = parse_rule(values)
    if rule is None:
        return _form_page(request, values, problems, 422)
    now, actor, settings = _now(request), _actor(request), _settings(request)

    def job(session: Session) -> int:
        with _catalog(session, settings, now) as catalog:
            return actions.add_mapping(session, rule, catalog, now=now, actor=actor).id

    try:
        rule_id = _work(request, job)
    except MappingRuleInvalid as error:
        return _form_page(request, values, list(error.problems), 422)
    return RedirectResponse(f"/rules?saved={rule_id}", status_code=303)


@router.post("/rules/preview", response_class=HTMLResponse, include_in_schema=False)
async def preview_rule_form(request: Request) -> HTMLResponse:
    values = _form_values(await request.form())
    return await run_in_threadpool(_preview_rule_form, request, values)


def _preview_rule_form(request: Request, values: dict[str, Any]) -> HTMLResponse:
    """ "Test this rule" against the store's real SKU codes, with the 1688 spec each one would buy."""
    rule, problems = parse_rule(values)
    if rule is None:
        return _form_page(request, values, problems, 422)
    settings, now = _settings(request), _now(request)

    def job(session: Session) -> dict[str, Any]:
        codes_query = select(AeOrderLineRow.sku_code).distinct().where(AeOrderLineRow.sku_code.is_not(None))
        if rule.store_id is not None:
            codes_query = codes_query.join(AeOrderRow, AeOrderRow.id == AeOrderLineRow.order_id).where(
                AeOrderRow.store_id == rule.store_id
            )
        codes = sorted(code for code in session.scalars(codes_query) if code)
        others = [to_rule(row) for row in OrderRepository(session).rules()]
        with _catalog(session, settings, now) as catalog:
            found = validate_rule(rule, catalog)
            offer = catalog.get(rule.offer_id)
        specs = dict(offer.specs) if offer is not None else {}
        result = preview(rule, codes, other_rules=others)
        return {"found": found, "result": result, "specs": specs, "offer": offer, "code_count": len(codes)}

    view = _work(request, job)
    attributes = {spec_id: str(spec.get("attributes", "")) for spec_id, spec in view["specs"].items()}
    return _form_page(
        request,
        values,
        view.pop("found"),
        200,
        preview=view["result"],
        attributes=attributes,
        offer=view["offer"],
        code_count=view["code_count"],
    )


@router.get("/rules/export.xlsx", include_in_schema=False)
def export_rules_xlsx(request: Request) -> Response:
    rules = _work(request, lambda session: [to_rule(row) for row in OrderRepository(session).rules()])
    buffer = io.BytesIO()
    export_rules(rules, buffer)
    headers = {"Content-Disposition": 'attachment; filename="sku-mapping-rules.xlsx"'}
    return Response(buffer.getvalue(), media_type=XLSX, headers=headers)


@router.post("/rules/import", response_class=HTMLResponse, include_in_schema=False)
async def import_rules_xlsx(request: Request) -> Response:
    form = await request.form()
    upload = form.get("file")
    data = await upload.read() if upload is not None and not isinstance(upload, str) else b""
    name = getattr(upload, "filename", None) or "rules.xlsx"
    return await run_in_threadpool(_import_rules, request, data, name)


def _import_rules(request: Request, data: bytes, file_name: str) -> Response:
    """All rows good → every rule saved; otherwise nothing is saved and each bad row is listed."""
    now, actor, settings = _now(request), _actor(request), _settings(request)

    def job(session: Session) -> Any:
        with _catalog(session, settings, now) as catalog:
            result = import_rules(io.BytesIO(data), catalog, file_name=file_name)
            if not result.ok:
                return result
            for rule in result.rules:
                actions.add_mapping(session, rule, catalog, now=now, actor=actor)
            return len(result.rules)

    outcome = _work(request, job)
    if isinstance(outcome, int):
        return RedirectResponse(f"/rules?imported={outcome}", status_code=303)
    rejects = base64.b64encode(rejects_workbook(outcome.errors)).decode("ascii")
    context = _work(request, _rules_context)
    context.update(
        import_errors=outcome.errors, rejects=rejects, file_name=file_name, saved=None, imported=None
    )
    return _page(request, "rules.html", context, 422)


@router.post("/api/rules", tags=["rules"], status_code=201)
def create_rule_api(request: Request, body: dict[str, Any] = Body(...)) -> JSONResponse:
    """A rule as JSON (``unit_cost`` as a string); 422 with every problem, each naming its field."""
    rule, problems = parse_rule(body)
    if rule is None:
        placeholder = SkuMappingRule(MatchKind.EXACT, str(body.get("pattern") or ""), 0)
        raise MappingRuleInvalid(placeholder, problems)
    now, actor, settings = _now(request), _actor(request), _settings(request)

    def job(session: Session) -> dict[str, Any]:
        with _catalog(session, settings, now) as catalog:
            row = actions.add_mapping(session, rule, catalog, now=now, actor=actor)
        return {
            "id": row.id,
            "kind": row.kind,
            "pattern": row.pattern,
            "offer_id": row.offer_id,
            "spec_id": row.spec_id,
            "variant_map": row.variant_map,
            "store_id": row.store_id,
            "quantity_multiplier": row.quantity_multiplier,
            "priority": row.priority,
        }

    return JSONResponse(_work(request, job), status_code=201)


__all__ = ["parse_rule", "router"]
