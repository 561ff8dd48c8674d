"""The sourcing workbench: the selection table, its JSON API, the xlsx export and a group comparison.

- ``GET /sourcing``: the table; filters, sort and page are query parameters, so a view is a link;
- ``GET /api/sourcing/offers``: the same rows and filters as JSON;
- ``GET /sourcing/export.xlsx``: the selection sheet of the filtered rows (or the ticked ones, ``ids``);
- ``GET /sourcing/group/{offer_row_id}``: the offers that are the same product, side by side.

Figures come from ``selection_figures`` (``kuajing selection screen`` fills them); a request reads
one page of them, so a page costs the same with 100 offers or 100,000.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.kit.errors import ValidationFailed
from kuajing.logistics.service import catalog_for
from kuajing.orders import web_helpers as web
from kuajing.sourcing import lifecycle_service as lifecycle
from kuajing.sourcing.grouping import DEFAULT_THRESHOLD
from kuajing.sourcing.selection import PER_PAGE_CHOICES, SORT_COLUMNS, SelectionQuery
from kuajing.sourcing.selection_repository import FigurePage, SelectionRepository
from kuajing.sourcing.selection_service import group_comparison, rescreen_stale, selection_page, sheet_rows
from kuajing.sourcing.selection_tables import SelectionFigureRow
from kuajing.sourcing.selection_xlsx import write_selection_sheet
from kuajing.sourcing.tables import SourcedOfferRow
from kuajing.web.app import render, request_language
from kuajing.web.params import DB_INT_MAX, RowId, form_body, whole_number

router = APIRouter()
_FLAGS = ("custom_friendly", "dropship_only", "unserved")
MONEY_COLUMNS = (
    "price_usd", "goods_cny", "freight_cny", "duty_cny", "vat_cny", "fees_cny", "total_cny",
    "expected_cost_cny", "profit_cny", "expected_profit_cny", "unit_cost_cny",
)  # fmt: skip


def _bad(field: str, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {en}", f"{field}: {zh}", details={"field": field})


def parse_query(params: Any) -> SelectionQuery:
    """The query string → ``SelectionQuery``; a bad value is a 422 that names the field."""

    def text(name: str) -> str | None:
        value = str(params.get(name) or "").strip()
        return value or None

    def whole(name: str, default: int | None, low: int = 0) -> int | None:
        value = text(name)
        if value is None:
            return default
        if (
            not (value.isascii() and value.isdigit())
            or len(value) > 19
            or not low <= int(value) <= DB_INT_MAX
        ):
            raise _bad(
                name,
                f"应为不小于 {low} 的整数,实为 {value!r}",
                f"expected a whole number ≥ {low}, got {value!r}",
            )
        return int(value)

    margin = text("min_margin")
    min_margin = None
    if margin is not None:
        try:
            min_margin = Decimal(margin.rstrip("%")) / (100 if margin.endswith("%") else 1)
            if not min_margin.is_finite():  # NaN would raise at the first comparison
                raise InvalidOperation
        except InvalidOperation:
            raise _bad(
                "min_margin",
                f"应为如 0.2 或 20% 的数,实为 {margin!r}",
                f"expected 0.2 or 20%, got {margin!r}",
            ) from None
    sort = text("sort") or "expected_profit_cny"
    descending = (
        not sort.startswith("-") if sort.startswith(("-", "+")) else (text("dir") or "desc") == "desc"
    )
    sort = sort.lstrip("+-")
    if sort not in SORT_COLUMNS:
        raise _bad(
            "sort", f"只能按 {', '.join(SORT_COLUMNS)} 排序", f"sort by one of {', '.join(SORT_COLUMNS)}"
        )
    country = (text("country") or "US").upper()
    if len(country) != 2 or not country.isalpha():
        raise _bad(
            "country",
            f"应为 ISO 国家代码(如 DE),实为 {country!r}",
            f"expected an ISO code like DE, got {country!r}",
        )
    per_page = whole("per_page", 50, 1) or 50
    ids_text = ",".join(str(v) for v in (params.getlist("ids") if hasattr(params, "getlist") else []))
    ids = tuple(n for part in ids_text.replace(" ", ",").split(",") if (n := whole_number(part)) is not None)
    return SelectionQuery(
        country=country,
        category=text("category"),
        max_moq=whole("max_moq", None),
        custom_friendly=text("custom_friendly") in ("1", "true", "on"),
        dropship_only=text("dropship_only") in ("1", "true", "on"),
        min_margin=min_margin,
        cluster=text("cluster"),
        line=text("line"),
        text=text("q"),
        offer_row_ids=ids,
        unserved=text("unserved") in ("1", "true", "on"),
        sort=sort,
        descending=descending,
        page=whole("page", 1, 1) or 1,
        per_page=min(per_page, max(PER_PAGE_CHOICES)),
    )


def query_params(query: SelectionQuery, **changes: Any) -> dict[str, str]:
    """The query string of ``query`` (with ``changes``), leaving defaults out: short shareable links."""
    values: dict[str, Any] = {
        "country": query.country, "category": query.category, "max_moq": query.max_moq,
        "min_margin": query.min_margin, "cluster": query.cluster, "line": query.line, "q": query.text,
        "custom_friendly": "1" if query.custom_friendly else None,
        "dropship_only": "1" if query.dropship_only else None, "unserved": "1" if query.unserved else None,
        "sort": query.sort, "dir": "desc" if query.descending else "asc",
        "page": query.page if query.page > 1 else None,
        "per_page": query.per_page if query.per_page != 50 else None,
    }  # fmt: skip
    values.update(changes)
    return {key: str(value) for key, value in values.items() if value not in (None, "")}


def figure_to_dict(row: SelectionFigureRow) -> dict[str, Any]:
    money = {
        key: (None if getattr(row, key) is None else f"{getattr(row, key):.2f}") for key in MONEY_COLUMNS
    }
    return {
        "offer_row_id": row.offer_row_id, "offer_id": row.offer_id, "spec_id": row.spec_id,
        "spec_attributes": row.spec_attributes, "title": row.title, "category": row.category,
        "supplier_id": row.supplier_id, "supplier_name": row.supplier_name, "cluster_code": row.cluster_code,
        "dropship": row.dropship, "super_factory": row.super_factory, "custom_moq": row.custom_moq,
        "moq": row.moq, "weight_g": row.weight_g, "country": row.country, "line_id": row.line_id,
        "hs_code": row.hs_code, "hs_assumed": row.hs_assumed, **money,
        "margin": None if row.margin is None else f"{row.margin:.4f}",
        "reliability": f"{row.reliability:.4f}",
        "reason": row.reason, "price_given": row.price_given, "computed_on": row.computed_on,
    }  # fmt: skip


def _page(request: Request, query: SelectionQuery) -> tuple[FigurePage, list[str], list[str]]:
    def job(session: Any) -> tuple[FigurePage, list[str], list[str]]:
        repository = SelectionRepository(session)
        return selection_page(session, query), repository.categories(), repository.lines(query.country)

    return web.work(request, job)


@router.get("/api/sourcing/offers", tags=["sourcing"])
def api_offers(request: Request) -> dict[str, Any]:
    query = parse_query(request.query_params)
    page, _, _ = _page(request, query)
    return {
        "total": page.total, "page": query.page, "per_page": query.per_page, "unserved": page.unserved,
        "screened": page.screened, "sort": query.sort, "descending": query.descending,
        "rows": [figure_to_dict(row) for row in page.rows],
    }  # fmt: skip


@router.post("/sourcing/screen")
def screen_stale(request: Request) -> Response:
    """Re-screen the offers that changed since their figures (a new import, a 1688 re-read)."""
    settings = web.settings(request)

    def job(session: Session) -> int:
        day = web.now(request).date()
        return rescreen_stale(session, catalog_for(session, settings), day, web.now(request)).specs

    count = web.work(request, job)
    return RedirectResponse(f"/sourcing?screened_specs={count}", status_code=303)


@router.get("/sourcing", response_class=HTMLResponse)
def workbench(request: Request) -> HTMLResponse:
    query = parse_query(request.query_params)
    page, categories, lines = _page(request, query)
    stale = web.work(request, lambda session: SelectionRepository(session).has_stale())
    language = request_language(request)
    lang = {"lang": language} if language != "zh-CN" else {}

    def link(**changes: Any) -> str:
        return "/sourcing?" + urlencode(query_params(query, **changes) | lang)

    def sort_link(column: str) -> str:
        descending = not (query.sort == column and query.descending)
        return link(sort=column, dir="desc" if descending else "asc", page=None)

    pages = max(1, -(-page.total // query.per_page))
    return render(
        request,
        "workbench.html",
        {
            "active": "sourcing", "query": query, "page": page, "pages": pages, "categories": categories,
            "lines": lines, "link": link, "sort_link": sort_link, "per_page_choices": PER_PAGE_CHOICES,
            "stale": stale, "rescreened": _whole(request.query_params.get("screened_specs")),
            "export_params": query_params(query, page=None, per_page=None),
            "lang_href": link(lang="en" if language == "zh-CN" else "zh-CN"),
        },
    )  # fmt: skip


@router.post("/sourcing/move", openapi_extra=form_body("to_stage", lists=("ids",)))
async def move_to_stage(request: Request) -> Response:
    """The ticked rows' offers move to a lifecycle stage (to sample, usually), all or none."""
    form = await request.form()
    row_ids = sorted({_row_id(str(value)) for value in form.getlist("ids")})
    to_stage = str(form.get("to_stage", "sample"))
    if not row_ids:
        raise ValidationFailed("tick at least one row", "请至少勾选一行", http_status=422)

    def job(session: Session) -> int:
        offers = session.scalars(select(SourcedOfferRow.offer_id).where(SourcedOfferRow.id.in_(row_ids)))
        moved = 0
        for offer_id in offers:
            reason = "chosen in the sourcing workbench / 在选品工作台选中"
            lifecycle.move(session, offer_id, to_stage, reason, web.actor(request), web.now(request))
            moved += 1
        return moved

    count = web.work(request, job)
    return RedirectResponse(f"/lifecycle?moved={count}", status_code=303)


def _whole(text: str | None) -> int | None:
    return whole_number(text)


def _row_id(text: str) -> int:
    number = whole_number(text)
    if number is None:
        raise ValidationFailed(f"not a row id: {text!r}", f"不是行编号: {text!r}", http_status=422)
    return number


@router.get("/sourcing/export.xlsx")
def export(request: Request) -> Response:
    query = parse_query(request.query_params)
    settings = web.settings(request)
    buffer = io.BytesIO()

    def job(session: Any) -> int:
        catalog = catalog_for(session, settings)
        return write_selection_sheet(sheet_rows(session, catalog, query), buffer)

    web.work(request, job)
    name = f"selection-{query.country}-{date.today().isoformat()}.xlsx"
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/sourcing/group/{offer_row_id}", response_class=HTMLResponse)
def group(request: Request, offer_row_id: RowId) -> HTMLResponse:
    query = parse_query(request.query_params)
    threshold_text = request.query_params.get("threshold")
    try:
        threshold = Decimal(threshold_text) if threshold_text else DEFAULT_THRESHOLD
        if not threshold.is_finite():  # NaN would raise at the first comparison
            raise InvalidOperation
    except InvalidOperation:
        raise _bad("threshold", "应为 0 到 1 之间的数", "expected a number from 0 to 1") from None
    members = web.work(
        request, lambda session: group_comparison(session, offer_row_id, query.country, threshold)
    )
    language = request_language(request)
    back = query_params(query) | ({"lang": language} if language != "zh-CN" else {})
    return render(
        request,
        "workbench.html",
        {
            "active": "sourcing", "query": query, "members": members, "threshold": threshold,
            "group_of": offer_row_id,
            "back": "/sourcing?" + urlencode(back),
        },
    )  # fmt: skip
