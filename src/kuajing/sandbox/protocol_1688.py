"""The 1688 Open Platform (AOP) wire protocol over the sandbox world.

``POST /1688/openapi/param2/1/{namespace}/{apiName}/{appKey}`` (form-encoded; query parameters
are read too) and ``POST /1688/openapi/http/1/system.oauth2/getToken/{appKey}``. Every call
passes the gateway's checks in the platform's order: app key → ``_aop_signature`` → API known
under that namespace → call rate → access token → parameters → injected fault → handler.
Gateway refusals are HTTP 4xx/5xx ``{error_code, error_message, request_id}``; business
refusals are HTTP 200 bodies (see ``protocol_1688_apis``).

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

from kuajing.marketplaces.alibaba1688 import signing
from kuajing.sandbox import protocol_1688_admin
from kuajing.sandbox.buyer import BUYER_LOGIN_ID
from kuajing.sandbox.protocol_1688_apis import APIS, Call
from kuajing.sandbox.protocol_1688_params import GatewayError
from kuajing.sandbox.protocol_1688_tokens import TokenBook, TokenError
from kuajing.sandbox.world import World

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
    router = APIRouter(tags=["1688"])
    request_ids = itertools.count(1)
    tokens = TokenBook(world.credentials.alibaba_access_token, world.buyer.member_id, BUYER_LOGIN_ID)
    world.buyer.outbox.duplicate = lambda topic: _duplicate_push(world, topic)

    @router.api_route("/1688/openapi/param2/1/{namespace}/{api_name}/{app_key}", methods=["GET", "POST"])
    async def call_api(request: Request, namespace: str, api_name: str, app_key: str) -> Response:
        params = await _read_params(request)
        request_id = f"sandbox-1688-{next(request_ids):010d}"
        try:
            reply = await _handle(world, tokens, namespace, api_name, app_key, params)
        except GatewayError as error:
            reply = _Reply({"error_code": error.code, "error_message": error.message}, error.http_status)
        if reply.status != 200:
            reply.body["request_id"] = request_id
        world.buyer.outbox.flush()
        return reply.response()

    @router.post("/1688/openapi/http/1/system.oauth2/getToken/{app_key}")
    async def get_token(request: Request, app_key: str) -> Response:
        params = await _read_params(request)
        credentials = world.credentials
        if (
            app_key != credentials.alibaba_app_key
            or params.get("client_id") != credentials.alibaba_app_key
            or params.get("client_secret") != credentials.alibaba_app_secret
        ):
            return _oauth_error("invalid_client", "client_id or client_secret is wrong")
        grant = params.get("grant_type", "")
        try:
            if grant == "authorization_code":
                body = tokens.exchange_code(params.get("code", ""), time.time())
            elif grant == "refresh_token":
                refresh = params.get("refreshToken") or params.get("refresh_token") or ""
                body = tokens.refresh(refresh, time.time())
            else:
                return _oauth_error("unsupported_grant_type", f"grant_type {grant!r} is not supported")
        except TokenError as error:
            return _oauth_error(error.code, error.message)
        return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")

    router.include_router(protocol_1688_admin.build_router(world, tokens))
    return router


async def _read_params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


async def _handle(
    world: World, tokens: TokenBook, namespace: str, api_name: str, app_key: str, params: dict[str, str]
) -> _Reply:
    credentials = world.credentials
    if app_key != credentials.alibaba_app_key:
        raise GatewayError("gw.SignatureInvalid", f"AppKey {app_key} is not registered", 401)
    path = signing.url_path(namespace, api_name, app_key)
    if not params.get("_aop_signature") or not signing.verify(credentials.alibaba_app_secret, path, params):
        raise GatewayError("gw.SignatureInvalid", "_aop_signature does not match the request", 401)
    api = APIS.get((namespace, api_name))
    if api is None:
        raise GatewayError("gw.APINotFound", f"API {namespace}:{api_name}-1 not found", 404)
    if not world.limits["1688"].allow(app_key):
        raise GatewayError("gw.QosAppFrequencyLimit", "App call frequency exceeds the limit", 429)
    try:
        member_id = tokens.member_for(params.get("access_token", ""), time.time())
    except TokenError as error:
        raise GatewayError(error.code, error.message, 401) from error
    call = Call(world, member_id, api.parse(params))
    fault = world.faults.draw(api_name, CALL_FAULT_KINDS)
    if fault is None:
        return _Reply(api.run(call))
    if fault.kind == "timeout_before_write":
        await asyncio.sleep(fault.delay_s)
        raise GatewayError("gw.ServiceUnavailable", "The service is temporarily unavailable", 503)
    if fault.kind == "http_500":
        raise GatewayError("gw.InternalError", "Internal error of the open platform", 500)
    if fault.kind == "throttle":
        raise GatewayError("gw.QosAppFrequencyLimit", "App call frequency exceeds the limit", 429)
    body = api.run(call)  # timeout_after_write and malformed: the write happens
    if fault.kind == "timeout_after_write":
        await asyncio.sleep(fault.delay_s)
        return _Reply(body)
    return _Reply(body, truncate=True)


def _duplicate_push(world: World, topic: str) -> bool:
    """Whether the duplicate_push fault (method = the topic, ``push`` or ``*``) hits this message."""
    if world.faults.draw(topic, ("duplicate_push",)) is not None:
        return True
    wants_push = any(f.kind == "duplicate_push" and f.method == "push" for f in world.faults.active())
    return wants_push and world.faults.draw("push", ("duplicate_push",)) is not None


def _oauth_error(code: str, message: str) -> Response:
    body = {"error": code, "error_description": message}
    return Response(json.dumps(body, ensure_ascii=False), status_code=400, media_type="application/json")


__all__ = ["CALL_FAULT_KINDS", "build_router"]
