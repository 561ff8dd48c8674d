"""``POST /hooks/1688``: the 1688 push receiver (see ``fulfilment.push``).

Answers quickly: 200 once the message is stored (or recognised as a resend), 401 for a bad
signature, 400 for an unreadable message — always JSON, since the caller is 1688, not a browser.
Time comes from the same clock the order loop uses (``KUAJING_CLOCK_URL`` in the demo and tests),
so "due now" means now to the loop.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.fulfilment.push import PushReceipt, receive_1688_push
from kuajing.kit.remote_clock import clock_for
from kuajing.marketplaces.alibaba1688 import InvalidPush
from kuajing.web.params import form_body

router = APIRouter(tags=["hooks"])


def _now(settings: Settings) -> datetime:
    return clock_for(settings.clock_url).now()


def _receive(factory: sessionmaker[Session], settings: Settings, form: dict[str, str]) -> PushReceipt:
    with factory() as session:
        receipt = receive_1688_push(session, form, now=_now(settings))
        session.commit()
        return receipt


@router.post("/hooks/1688", openapi_extra=form_body("message", "_aop_signature"))
async def receive_1688(request: Request) -> JSONResponse:
    submitted = await request.form()
    form = {key: value for key, value in submitted.items() if isinstance(value, str)}
    try:
        receipt = await run_in_threadpool(
            _receive, request.app.state.session_factory, request.app.state.settings, form
        )
    except InvalidPush as error:  # PushSignatureInvalid is one: 401; unreadable message: 400
        return JSONResponse(error.to_dict(), status_code=error.http_status)
    return JSONResponse(
        {
            "success": True,
            "msgId": receipt.msg_id,
            "duplicate": not receipt.stored,
            "purchase_id": receipt.purchase_id,
        }
    )


__all__ = ["router"]
