"""The AliExpress Open Platform (IOP) wire protocol over the sandbox world.

``POST /aliexpress/sync`` (business APIs, ``method=…``), ``POST /aliexpress/rest`` and
``POST /aliexpress/rest/{api_path}`` (system APIs such as ``/auth/token/create``); GET with a
query string is accepted too. Every call passes the gateway's checks in the platform's order:
known method → app key → signature → timestamp skew → call rate → access token → parameters →
injected fault → handler. Business replies are wrapped (``<method>_response``), system replies
flat, errors in the matching error shape (see COMMON.md for the exact agreements).

Handlers never await between reading and writing the world, so the event loop serialises them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response

from kuajing.marketplaces.aliexpress import signing
from kuajing.sandbox import protocol_aliexpress_admin
from kuajing.sandbox.protocol_aliexpress_methods import METHODS, ApiError, Call
from kuajing.sandbox.world import World

MAX_TIMESTAMP_SKEW_S = 7200
THROTTLE_MESSAGE = "Api access frequency exceeds the limit. this ban will last 1 seconds"
# A fault of kind duplicate_push concerns pushes, not calls.
CALL_FAULT_KINDS = ("timeout_before_write", "timeout_after_write", "http_500", "throttle", "malformed")


@dataclass
class _Reply:
    body: dict[str, Any]
    status: int = 200
    truncate: bool = False

    def response(self) -> Response:
        text = json.dumps(self.body, ensure_ascii=False)
        if self.truncate:
            text = text[: len(text) // 2]  # half an object is never valid JSON
        return Response(text, status_code=self.status, media_type="application/json")


def build_router(world: World) -> APIRouter:
    router = APIRouter(tags=["aliexpress"])
    request_ids = itertools.count(1)

    async def dispatch(request: Request, path_name: str | None, rest: bool) -> Response:
        params = await _read_params(request)
        method = params.get("method") or path_name or ""
        request_id = f"sandbox-ae-{next(request_ids):010d}"
        flat = method.startswith("/") or (rest and method not in METHODS)
        try:
            reply = await _handle(world, method, params)
        except ApiError as error:
            reply = _Reply(_error_body(error, flat), error.http_status)
        if flat:
            reply.body["request_id"] = request_id
        elif "error_response" in reply.body:
            reply.body["error_response"]["request_id"] = request_id
        else:
            reply.body = {f"{method.replace('.', '_')}_response": {**reply.body, "request_id": request_id}}
        return reply.response()

    @router.api_route("/aliexpress/sync", methods=["GET", "POST"])
    async def sync(request: Request) -> Response:
        return await dispatch(request, None, rest=False)

    @router.api_route("/aliexpress/rest", methods=["GET", "POST"])
    async def rest(request: Request) -> Response:
        return await dispatch(request, None, rest=True)

    @router.api_route("/aliexpress/rest/{api_path:path}", methods=["GET", "POST"])
    async def rest_path(request: Request, api_path: str) -> Response:
        return await dispatch(request, "/" + api_path.strip("/"), rest=True)

    router.include_router(protocol_aliexpress_admin.build_router(world))
    return router


async def _read_params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


async def _handle(world: World, method: str, params: dict[str, str]) -> _Reply:
    spec = METHODS.get(method)
    if spec is None:
        raise ApiError("InvalidApiPath", f"The specified API path {method or '(none)'} is invalid")
    credentials = world.credentials
    if params.get("app_key") != credentials.ae_app_key:
        raise ApiError("IncompleteSignature", "The app_key is invalid or not registered")
    if params.get("sign_method", "sha256").lower() != "sha256":
        raise ApiError("IncompleteSignature", "Unsupported sign_method; use sha256")
    if not params.get("sign") or not signing.verify(credentials.ae_app_secret, method, params):
        raise ApiError("IncompleteSignature", "The request signature does not conform to platform standards")
    wall_now = time.time()
    _check_timestamp(params, wall_now)
    if not world.limits["aliexpress"].allow(credentials.ae_app_key):
        raise ApiError("ApiCallLimit", THROTTLE_MESSAGE)
    store = None
    if spec.business:
        token = params.get("session") or params.get("access_token") or ""
        store = world.storefront.store_for_token(token, wall_now)
        if store is None:
            raise ApiError("IllegalAccessToken", "The specified access token is invalid or expired")
    parsed = spec.parse(params)
    call = Call(world.storefront, store, wall_now, parsed)
    fault = world.faults.draw(method, CALL_FAULT_KINDS)
    if fault is None:
        return _Reply(spec.run(call))
    if fault.kind == "timeout_before_write":
        await asyncio.sleep(fault.delay_s)
        raise ApiError(
            "ServiceUnavailable", "The request failed due to a temporary failure of the server", type_="ISP"
        )
    if fault.kind == "http_500":
        raise ApiError(
            "ServiceUnavailable", "The service is temporarily unavailable", type_="ISP", http_status=500
        )
    if fault.kind == "throttle":
        raise ApiError("ApiCallLimit", THROTTLE_MESSAGE)
    body = spec.run(call)  # timeout_after_write and malformed: the write happens
    if fault.kind == "timeout_after_write":
        await asyncio.sleep(fault.delay_s)
        return _Reply(body)
    return _Reply(body, truncate=True)


def _check_timestamp(params: dict[str, str], wall_now: float) -> None:
    raw = params.get("timestamp")
    if not raw:
        raise ApiError("MissingParameter", "Missing required parameter: timestamp")
    try:
        sent_s = int(raw) / 1000
    except ValueError as exc:
        raise ApiError("InvalidParameter", "timestamp must be epoch milliseconds") from exc
    if abs(wall_now - sent_s) > MAX_TIMESTAMP_SKEW_S:
        raise ApiError("InvalidParameter", "timestamp skew too large")


def _error_body(error: ApiError, flat: bool) -> dict[str, Any]:
    if flat:
        return {"code": error.code, "type": error.type, "message": error.msg}
    return {"error_response": {"type": error.type, "code": error.code, "msg": error.msg}}


__all__ = ["MAX_TIMESTAMP_SKEW_S", "THROTTLE_MESSAGE", "build_router"]
