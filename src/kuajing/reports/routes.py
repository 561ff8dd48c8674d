"""The reports page and its downloads.

- ``GET /reports``: profit by order, SKU, supplier, store and country (tab ``by``) with totals,
  margin and a bar chart; the on-time dispatch trend per week; the after-sales section;
  filters ``from`` / ``to`` (days in the team's time zone, both inclusive), ``store``, ``country``;
- ``GET /reports/<kind>.xlsx``: the table of one tab as xlsx; ``/reports/trends.xlsx``: the SLA and
  claim trends (weekly, two sheets);
- ``GET /api/reports/<kind>`` and ``/api/reports/trends``: the same as JSON.

A user limited to some stores reports on one of them at a time; the trends (which have no store
filter) count the orders of all their stores, never another store's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from kuajing.accounts.web import store_scope
from kuajing.fulfilment.sla import load_sla_policy
from kuajing.kit.errors import ValidationFailed
from kuajing.kit.i18n import translate
from kuajing.logistics.service import catalog_for
from kuajing.orders import web_helpers as web
from kuajing.reports import service
from kuajing.reports.chart import claim_bars, on_time_line, profit_bars
from kuajing.reports.model import GroupBy, WeekClaims, WeekOnTime
from kuajing.reports.repository import ReportFilter, ReportRepository
from kuajing.reports.xlsx import profit_xlsx, trends_xlsx
from kuajing.web.app import render, request_language
from kuajing.web.params import whole_number

router = APIRouter()


def _kind(kind: str) -> GroupBy:
    try:
        return GroupBy(kind)
    except ValueError:
        raise ValidationFailed(
            f"unknown report {kind!r} (order, sku, supplier, store, country)", f"未知报表 {kind!r}"
        ) from None


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"not a date: {text!r}", f"日期格式错误: {text!r}") from None


def report_filter(
    start: date | None, end: date | None, store: int | None, country: str | None, zone: str
) -> ReportFilter:
    """Days in the team's zone → the UTC instants the orders are compared with (``to`` inclusive)."""
    tz = ZoneInfo(zone)
    return ReportFilter(
        start=datetime.combine(start, time(), tz) if start else None,
        end=datetime.combine(end + timedelta(days=1), time(), tz) if end else None,
        store_id=store,
        country=country.upper() if country else None,
    )


def _filter(request: Request) -> ReportFilter:
    query = request.query_params
    store = query.get("store")
    return report_filter(
        _day(query.get("from")),
        _day(query.get("to")),
        _store_in_scope(request, whole_number(store)),
        query.get("country") or None,
        web.settings(request).timezone,
    )


def _store_in_scope(request: Request, store: int | None) -> int | None:
    """A user limited to some stores reports on one of them (the one asked for, else the first)."""
    scope = store_scope(request)
    return store if scope is None or store in scope else min(scope)


def _report(request: Request) -> service.ProfitReport:
    where = _filter(request)
    settings = web.settings(request)
    return web.work(
        request, lambda session: service.profit_report(session, catalog_for(session, settings), where)
    )


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request) -> HTMLResponse:
    by = _kind(request.query_params.get("by", "supplier"))
    report = _report(request)
    now = web.now(request)
    language = request_language(request)
    zh = language == "zh-CN"

    settings, scope = web.settings(request), store_scope(request)

    def extras(session):  # type: ignore[no-untyped-def]
        repository = ReportRepository(session)
        claims = service.claim_trend(session, catalog_for(session, settings), now, scope=scope)
        return (
            {key: name for key, name in repository.stores().items() if _store_in_scope(request, key) == key},
            repository.countries(scope),
            service.sla_trend(session, now, load_sla_policy(), scope),
            claims,
        )

    stores, countries, weeks, claim_weeks = web.work(request, extras)
    groups = report.groups(by)
    query = request.query_params
    context = {
        "active": "reports",
        "by": by,
        "kinds": list(GroupBy),
        "report": report,
        "groups": groups,
        "total": report.total(),
        "weeks": weeks,
        "claim_weeks": claim_weeks,
        "claim_chart": claim_bars(claim_weeks, title=translate("reports.chart.claims", language)),
        "stores": stores,
        "countries": countries,
        "filters": {key: query.get(key, "") for key in ("from", "to", "store", "country")},
        "filter_query": "&".join(
            f"{k}={v}" for k in ("from", "to", "store", "country") if (v := query.get(k))
        ),
        "profit_chart": profit_bars(groups, title=translate("reports.chart.profit", language)),
        "trend_chart": on_time_line(weeks, title=translate("reports.chart.on_time", language)),
        "percent": lambda value: "—" if value is None else f"{value:.1%}",
        "zh": zh,
    }
    return render(request, "reports.html", context)


def _trends(request: Request) -> tuple[list[WeekOnTime], list[WeekClaims]]:
    now, settings, scope = web.now(request), web.settings(request), store_scope(request)
    text = request.query_params.get("weeks") or "12"
    weeks = whole_number(text) or 0
    if not 1 <= weeks <= 104:
        raise ValidationFailed("weeks must be 1–104", "周数须在 1–104 之间")
    return web.work(
        request,
        lambda session: (
            service.sla_trend(session, now, load_sla_policy(), scope),
            service.claim_trend(session, catalog_for(session, settings), now, weeks, scope),
        ),
    )


@router.get("/reports/trends.xlsx")
def trends_download(request: Request) -> Response:
    content = trends_xlsx(*_trends(request))
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="trends.xlsx"'},
    )


@router.get("/api/reports/trends")
def trends_api(request: Request) -> JSONResponse:
    return JSONResponse(service.trends_to_dict(*_trends(request)))


@router.get("/reports/{kind}.xlsx")
def reports_xlsx(kind: str, request: Request) -> Response:
    by = _kind(kind)
    content = profit_xlsx(_report(request), by)
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="profit-{by.value}.xlsx"'},
    )


@router.get("/api/reports/{kind}")
def reports_api(kind: str, request: Request) -> JSONResponse:
    by = _kind(kind)
    return JSONResponse(service.report_to_dict(_report(request), by))


__all__ = ["router"]
