"""The dispatch SLA page and its JSON.

- ``GET /fulfilment/sla``: summary counts, the breached and at-risk purchases with a live countdown
  (remaining time rendered by the server; a tiny inline script ticks it), the per-supplier on-time
  table and the tracking health flags with their next action;
- ``GET /api/fulfilment/sla``: the same report (``sla_service.report_to_dict``).

Time is the order loop's clock (``orders.web_helpers.now``). The page does not call 1688: the
trace-based health rules (no new event, customs, returned) need a trace reader, which only the CLI
wires today, so the page says when they were not checked. A user limited to some stores sees the
purchases of their stores' orders only, and the supplier figures computed from those.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from kuajing.accounts.web import store_scope
from kuajing.fulfilment import sla_service as service
from kuajing.fulfilment.sla import SLA_STATE_ZH, SlaState, countdown_text, load_sla_policy
from kuajing.orders import web_helpers as web
from kuajing.web.app import render, request_language

router = APIRouter()


def _report(request: Request) -> service.SlaReport:
    now = web.now(request)
    policy, scope = load_sla_policy(), store_scope(request)
    return web.work(request, lambda session: service.sla_report(session, now, policy, scope=scope))


@router.get("/fulfilment/sla", response_class=HTMLResponse)
def sla_page(request: Request) -> HTMLResponse:
    report = _report(request)
    zh = request_language(request) == "zh-CN"

    def state_label(state: SlaState) -> str:
        return SLA_STATE_ZH[state] if zh else state.value.replace("_", " ")

    context = {
        "active": "sla",
        "report": report,
        "states": list(SlaState),
        "state_label": state_label,
        "countdown": countdown_text,
        "zh": zh,
    }
    return render(request, "fulfilment_sla.html", context)


@router.get("/api/fulfilment/sla")
def sla_api(request: Request) -> JSONResponse:
    return JSONResponse(service.report_to_dict(_report(request)))


__all__ = ["router"]
