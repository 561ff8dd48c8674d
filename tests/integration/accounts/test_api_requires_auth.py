"""Every ``/api`` route but login and health answers 401 without a session or token (sign-in on);
every page sends the visitor to ``/login``. Routes are read from the app itself, so a new route is
covered the day it is added."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuajing.accounts.route_actions import PUBLIC_PATHS, ROUTE_ACTIONS
from kuajing.accounts.web import route_templates

OPEN_API = {"/api/health", "/api/auth/login"}


def _filled(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", template)


def _routes(client: TestClient) -> list[tuple[str, str]]:
    found = [
        (method, path)
        for path, methods in route_templates(client.app)
        for method in sorted(methods - {"HEAD"})
    ]
    assert len(found) > 50, found  # the whole app, included routers too
    return found


def test_every_api_route_but_login_and_health_answers_401_json(client: TestClient) -> None:
    checked = 0
    for method, template in _routes(client):
        if not template.startswith("/api") or template in OPEN_API:
            continue
        reply = client.request(method, _filled(template), json={})
        assert reply.status_code == 401, (method, template, reply.status_code)
        assert reply.json()["code"] == "unauthorized" and reply.json()["message_zh"], template
        checked += 1
    assert checked > 30


def test_a_bad_token_is_no_better_than_none(client: TestClient) -> None:
    for method, template in _routes(client):
        if template.startswith("/api") and template not in OPEN_API:
            reply = client.request(method, _filled(template), headers={"Authorization": "Bearer kj_nope"})
            assert reply.status_code == 401, template


def test_every_page_redirects_to_login_with_next(client: TestClient) -> None:
    for method, template in _routes(client):
        if template.startswith(("/api", "/static")) or template in PUBLIC_PATHS or method != "GET":
            continue
        path = _filled(template)
        reply = client.get(path, follow_redirects=False)
        assert reply.status_code == 303, (template, reply.status_code)
        assert reply.headers["location"].startswith("/login?next="), template


def test_health_and_the_login_page_stay_open(client: TestClient) -> None:
    assert client.get("/api/health").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.post("/api/auth/login", json={"username": "x", "password": "y"}).status_code == 401


def test_the_1688_push_hook_is_not_behind_sign_in(client: TestClient) -> None:
    """It is checked by its own signature (fulfilment.push): a bad one is refused by that check."""
    reply = client.post("/hooks/1688", data={"message": "{}", "_aop_signature": "x"})
    assert reply.json()["code"] not in ("unauthorized", "csrf_refused", "forbidden"), reply.json()


def test_every_mutating_route_names_its_permission(client: TestClient) -> None:
    """An unlisted POST would be owners-only: list it in accounts/route_actions.py deliberately."""
    public = {"/login", "/hooks/1688", "/api/auth/login"}
    unlisted = [
        (method, template)
        for method, template in _routes(client)
        if method != "GET" and template not in public and (method, template) not in ROUTE_ACTIONS
    ]
    assert unlisted == []


@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json"])
def test_the_api_documents_need_sign_in_too(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401
