"""The lifecycle board: page, form posts and JSON API.

- ``GET /lifecycle``: one column per stage, a card per offer (orders/day sparkline, margin, the
  suggested move with a one-click "apply" form), checkboxes for a bulk move;
- ``POST /lifecycle/move``: the form (one or many ``offer_id``, ``to_stage``, ``reason``); every move
  is checked before any is stored, so a bulk move with one refused offer stores none;
- ``GET /api/lifecycle``: the board as JSON (``lifecycle_service.board_to_dict``);
- ``POST /api/lifecycle/{offer_id}/move``: ``{"to_stage": …, "reason": …}`` → the recorded move.

Each request is one unit of work (``orders.web_helpers.work``): the service never commits.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuajing.accounts.web import audit
from kuajing.kit.errors import ValidationFailed
from kuajing.logistics.service import catalog_for
from kuajing.orders import web_helpers as web
from kuajing.sourcing import lifecycle_service as service
from kuajing.sourcing.lifecycle import STAGE_ZH, LifecycleMove, Stage, load_triggers, sparkline_points
from kuajing.web.app import render, request_language
from kuajing.web.params import DB_INT_MAX, RowId, form_body

router = APIRouter()
SPARK_DAYS = 14


def _board(request: Request, session: Session) -> service.Board:
    fx = catalog_for(session, web.settings(request)).fx
    return service.board(session, web.now(request), fx, load_triggers())


@router.get("/lifecycle", response_class=HTMLResponse)
def lifecycle_page(request: Request, moved: int = 0) -> HTMLResponse:
    board = web.work(request, lambda session: _board(request, session))
    zh = request_language(request) == "zh-CN"

    def stage_label(stage: str) -> str:
        return STAGE_ZH[Stage(stage)] if zh else stage.replace("_", " ")

    def spark(values: tuple[int, ...]) -> str:
        return sparkline_points(values[-SPARK_DAYS:])

    context = {
        "active": "lifecycle",
        "board": board,
        "stages": list(Stage),
        "stage_label": stage_label,
        "spark": spark,
        "spark_days": SPARK_DAYS,
        "moved": moved,
    }
    return render(request, "lifecycle.html", context)


@router.post("/lifecycle/move", openapi_extra=form_body("to_stage", "reason", lists=("offer_id",)))
async def move_form(request: Request) -> Response:
    form = await request.form()
    offer_ids = [str(value) for value in form.getlist("offer_id")]
    to_stage, reason = str(form.get("to_stage", "")), str(form.get("reason", ""))
    if not offer_ids:
        raise ValidationFailed("choose at least one offer", "请至少选择一个货源", http_status=422)
    ids = [_offer_id(value) for value in offer_ids]

    def job(session: Session) -> int:
        for offer_id in ids:
            moved = service.move(session, offer_id, to_stage, reason, web.actor(request), web.now(request))
            _audit_move(request, session, moved)
        return len(ids)

    count = web.work(request, job)
    return RedirectResponse(f"/lifecycle?moved={count}", status_code=303)


@router.get("/api/lifecycle", tags=["sourcing"])
def lifecycle_api(request: Request) -> dict[str, Any]:
    return web.work(request, lambda session: service.board_to_dict(_board(request, session)))


@router.post("/api/lifecycle/{offer_id}/move", tags=["sourcing"])
def move_api(request: Request, offer_id: RowId, body: dict[str, Any] = Body(...)) -> JSONResponse:
    to_stage, reason = str(body.get("to_stage", "")), str(body.get("reason", ""))

    def job(session: Session) -> LifecycleMove:
        moved = service.move(session, offer_id, to_stage, reason, web.actor(request), web.now(request))
        _audit_move(request, session, moved)
        return moved

    return JSONResponse(service.move_to_dict(web.work(request, job)))


def _audit_move(request: Request, session: Session, moved: LifecycleMove) -> None:
    before, after = {"stage": moved.from_stage.value}, {"stage": moved.to_stage.value, "reason": moved.reason}
    audit(request, session, "lifecycle.move", "offer", moved.offer_id, before, after)


def _offer_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value <= DB_INT_MAX:  # a larger id is no offer, and SQLite cannot compare with it
        raise ValidationFailed(
            f"offer id must be a number, got {text!r}", f"货源编号应为数字,实为 {text!r}", http_status=422
        )
    return value
