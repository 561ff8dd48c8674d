"""Pages and JSON API for SKU mapping rules: the list, the form with "test this rule", xlsx export
and import, and ``POST /api/rules``.

Pages speak zh-CN first (``?lang=en`` for English) and post plain HTML forms; the JSON API under
``/api`` serves the same use cases (``orders.actions``). Each request is one unit of work: the
actions never commit, the handler does (``orders.web_helpers``). Form and JSON values are parsed
here — amounts as Decimal, never float — and every problem is reported next to its field.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.accounts.audit import row_values
from kuajing.accounts.errors import Forbidden
from kuajing.accounts.model import shared_or_in_scope
from kuajing.accounts.web import audit, principal
from kuajing.kit.money import Money
from kuajing.orders import actions
from kuajing.orders import web_helpers as web
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
from kuajing.orders.repository import OrderRepository
from kuajing.orders.rules_store import to_rule
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow, SkuMappingRuleRow
from kuajing.stores.repository import StoreRepository
from kuajing.web.app import request_language
from kuajing.web.params import DB_INT_MAX, OptionalId, form_body

router = APIRouter()
RULE_FORM = form_body(  # the rule form's fields, read by parse_rule
    "kind",
    "pattern",
    "offer_id",
    "spec_id",
    "variant_map",
    "quantity_multiplier",
    "priority",
    "store_id",
    "unit_cost",
    "enabled",
    "note",
    "id",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        if _INTEGER.fullmatch(text) and len(text) <= 20 and abs(int(text)) <= DB_INT_MAX:  # a column holds it
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


_RULE_FIELDS = ["store_id", "kind", "pattern", "offer_id", "spec_id", "variant_map", "quantity_multiplier"]
_RULE_FIELDS += ["priority", "unit_cost", "enabled", "note"]


def _add_mapping(
    request: Request, session: Session, rule: SkuMappingRule, catalog: Any, **when: Any
) -> SkuMappingRuleRow:
    """``actions.add_mapping`` and its audit entry (who, before, after). A user limited to some stores
    saves rules for those stores only (a rule for every store, or another's, is refused: 403)."""
    previous = session.get(SkuMappingRuleRow, rule.id) if rule.id is not None else None
    who = principal(request)
    if who.store_ids is not None and not all(
        store in who.store_ids for store in (rule.store_id, previous.store_id if previous else rule.store_id)
    ):
        raise Forbidden("mapping.edit (store)", who.role.value)
    before = row_values(previous, *_RULE_FIELDS) if previous is not None else None
    row = actions.add_mapping(session, rule, catalog, **when)
    action = "mapping.edit" if before is not None else "mapping.create"
    audit(request, session, action, "sku_mapping_rule", row.id, before, row_values(row, *_RULE_FIELDS))
    return row


def _rules_in_scope(session: Session, scope: frozenset[int] | None) -> list[SkuMappingRuleRow]:
    """A user limited to some stores: their stores' rules and the shared ones (no store)."""
    return [row for row in OrderRepository(session).rules() if shared_or_in_scope(row.store_id, scope)]


def _rules_context(session: Session, search: str = "", scope: frozenset[int] | None = None) -> dict[str, Any]:
    rules = [row for row in _rules_in_scope(session, scope) if search.lower() in row.pattern.lower()]
    stores = {store.id: store.name for store in StoreRepository(session).aliexpress_stores()}
    return {"rules": rules, "stores": stores, "active": "rules", "q": search}


@router.get("/rules", response_class=HTMLResponse)
def rules_page(
    request: Request, q: str = "", saved: int | None = None, imported: int | None = None
) -> HTMLResponse:
    scope = principal(request).store_ids
    context = web.work(request, lambda session: _rules_context(session, q.strip(), scope))
    return web.page(request, "rules.html", {**context, "saved": saved, "imported": imported})


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
    stores = web.work(request, lambda session: list(StoreRepository(session).aliexpress_stores()))
    context = {"form": dict(form), "problems": by_field, "stores": stores, "active": "rules", **extra}
    return web.page(request, "rules_form.html", context, status_code)


@router.get("/rules/new", response_class=HTMLResponse)
def new_rule_page(request: Request, sku: str = "", store_id: OptionalId = None) -> HTMLResponse:
    form = {"kind": "exact", "pattern": sku, "store_id": store_id or "", "enabled": "on", "priority": "50"}
    return _form_page(request, form, [])


def _form_values(form: Any) -> dict[str, Any]:
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.post("/rules", response_class=HTMLResponse, openapi_extra=RULE_FORM)
async def save_rule_form(request: Request) -> Response:
    values = _form_values(await request.form())
    return await run_in_threadpool(_save_rule_form, request, values)


def _save_rule_form(request: Request, values: dict[str, Any]) -> Response:
    rule, problems = parse_rule(values)
    if rule is None:
        return _form_page(request, values, problems, 422)
    now, actor, settings = web.now(request), web.actor(request), web.settings(request)

    def job(session: Session) -> int:
        with web.catalog(session, settings, now) as catalog:
            return _add_mapping(request, session, rule, catalog, now=now, actor=actor).id

    try:
        rule_id = web.work(request, job)
    except MappingRuleInvalid as error:
        return _form_page(request, values, list(error.problems), 422)
    return RedirectResponse(f"/rules?saved={rule_id}", status_code=303)


@router.post("/rules/preview", response_class=HTMLResponse, openapi_extra=RULE_FORM)
async def preview_rule_form(request: Request) -> HTMLResponse:
    values = _form_values(await request.form())
    return await run_in_threadpool(_preview_rule_form, request, values)


def _preview_rule_form(request: Request, values: dict[str, Any]) -> HTMLResponse:
    """ "Test this rule" against the store's real SKU codes, with the 1688 spec each one would buy."""
    rule, problems = parse_rule(values)
    if rule is None:
        return _form_page(request, values, problems, 422)
    settings, now = web.settings(request), web.now(request)

    def job(session: Session) -> dict[str, Any]:
        codes_query = select(AeOrderLineRow.sku_code).distinct().where(AeOrderLineRow.sku_code.is_not(None))
        if rule.store_id is not None:
            codes_query = codes_query.join(AeOrderRow, AeOrderRow.id == AeOrderLineRow.order_id).where(
                AeOrderRow.store_id == rule.store_id
            )
        codes = sorted(code for code in session.scalars(codes_query) if code)
        others = [to_rule(row) for row in OrderRepository(session).rules()]
        with web.catalog(session, settings, now) as catalog:
            found = validate_rule(rule, catalog)
            offer = catalog.get(rule.offer_id)
        specs = dict(offer.specs) if offer is not None else {}
        result = preview(rule, codes, other_rules=others)
        return {"found": found, "result": result, "specs": specs, "offer": offer, "code_count": len(codes)}

    view = web.work(request, job)
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


@router.get("/rules/export.xlsx")
def export_rules_xlsx(request: Request) -> Response:
    scope = principal(request).store_ids  # the same rules as the list shows
    rules = web.work(request, lambda session: [to_rule(row) for row in _rules_in_scope(session, scope)])
    buffer = io.BytesIO()
    export_rules(rules, buffer)
    headers = {"Content-Disposition": 'attachment; filename="sku-mapping-rules.xlsx"'}
    return Response(buffer.getvalue(), media_type=XLSX, headers=headers)


@router.post("/rules/import", response_class=HTMLResponse, openapi_extra=form_body(files=("file",)))
async def import_rules_xlsx(request: Request) -> Response:
    form = await request.form()
    upload = form.get("file")
    data = await upload.read() if upload is not None and not isinstance(upload, str) else b""
    name = getattr(upload, "filename", None) or "rules.xlsx"
    return await run_in_threadpool(_import_rules, request, data, name)


def _import_rules(request: Request, data: bytes, file_name: str) -> Response:
    """All rows good → every rule saved; otherwise nothing is saved and each bad row is listed."""
    now, actor, settings = web.now(request), web.actor(request), web.settings(request)

    def job(session: Session) -> Any:
        with web.catalog(session, settings, now) as catalog:
            result = import_rules(io.BytesIO(data), catalog, file_name=file_name)
            if not result.ok:
                return result
            for rule in result.rules:
                _add_mapping(request, session, rule, catalog, now=now, actor=actor)
            return len(result.rules)

    outcome = web.work(request, job)
    if isinstance(outcome, int):
        return RedirectResponse(f"/rules?imported={outcome}", status_code=303)
    rejects = base64.b64encode(rejects_workbook(outcome.errors)).decode("ascii")
    context = web.work(request, lambda session: _rules_context(session, "", principal(request).store_ids))
    context.update(
        import_errors=outcome.errors, rejects=rejects, file_name=file_name, saved=None, imported=None
    )
    return web.page(request, "rules.html", context, 422)


@router.post("/api/rules", tags=["rules"], status_code=201)
def create_rule_api(request: Request, body: dict[str, Any] = Body(...)) -> JSONResponse:
    """A rule as JSON (``unit_cost`` as a string); 422 with every problem, each naming its field."""
    rule, problems = parse_rule(body)
    if rule is None:
        placeholder = SkuMappingRule(MatchKind.EXACT, str(body.get("pattern") or ""), 0)
        raise MappingRuleInvalid(placeholder, problems)
    now, actor, settings = web.now(request), web.actor(request), web.settings(request)

    def job(session: Session) -> dict[str, Any]:
        with web.catalog(session, settings, now) as catalog:
            row = _add_mapping(request, session, rule, catalog, now=now, actor=actor)
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

    return JSONResponse(web.work(request, job), status_code=201)


__all__ = ["parse_rule", "router"]
