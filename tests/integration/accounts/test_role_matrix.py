"""Each role × a representative protected action per area, over HTTP with sign-in on: allowed ones
succeed (2xx or 303), the others answer 403 ``forbidden`` and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from accounts_world import BOARD_OFFER, LIMITED, NOW, OFFER, USERS, sign_in
from fastapi.testclient import TestClient

from kuajing.aftersales.model import ReturnReason
from kuajing.aftersales.service import record_return
from kuajing.config import get_settings
from kuajing.db.uow import UnitOfWork
from kuajing.kit.money import Money

ALL = set(USERS)
# action: (method, path, body kind, body, the users allowed)
CASES: dict[str, tuple[str, str, str, Any, set[str]]] = {
    "read": ("GET", "/api/exceptions", "", None, ALL),
    "read_page": ("GET", "/orders", "", None, ALL),
    "mapping.edit": (
        "POST",
        "/api/rules",
        "json",
        {"kind": "exact", "pattern": "SKU-1", "offer_id": OFFER, "spec_id": "S1", "store_id": 1},
        {"boss", "paul"},
    ),
    "exception.resolve": ("POST", "/api/exceptions/cancel", "json", {"ids": []}, {"boss", "paul"}),
    "purchase.approve": ("POST", "/api/exceptions/approve", "json", {"ids": []}, {"boss", "paul"}),
    "lifecycle.move": (
        "POST",
        f"/api/lifecycle/{BOARD_OFFER}/move",
        "json",
        {"to_stage": "testing", "reason": "样品合格"},
        {"boss", "bella"},
    ),
    "sourcing.edit": ("POST", "/sourcing/screen", "form", {}, {"boss", "bella"}),
    "offers.import": ("POST", "/sourcing/import/upload", "file", None, {"boss", "bella"}),
    "compliance.edit": (
        "POST",
        "/compliance/epr",
        "form",
        {"country": "DE", "stream": "packaging", "number": "DE1234567890123"},
        {"boss", "bella"},
    ),
    "aftersales.returns": (
        "POST",
        "/aftersales/returns",
        "form",
        {"ae_order_id": "8001", "reason": "wrong_item", "amount": "10"},
        {"boss", "paul", "sam"},
    ),
    "aftersales.claims": ("POST", "/aftersales/claims/1/evidence", "evidence", None, {"boss", "paul"}),
    "users.manage": (
        "POST",
        "/admin/users",
        "form",
        {"username": "newbie", "role": "viewer", "password": "another long passphrase"},
        {"boss"},
    ),
    "users.page": ("GET", "/admin/users", "", None, {"boss"}),
    "audit.read": ("GET", "/api/audit", "", None, {"boss"}),
}


def _call(client: TestClient, csrf: str, case: str) -> Any:
    method, path, kind, body, _ = CASES[case]
    if method == "GET":
        return client.get(path, follow_redirects=False)
    if kind == "json":
        return client.post(path, json=body, headers={"X-CSRF-Token": csrf}, follow_redirects=False)
    if kind == "evidence":
        _a_claim(client)
        files = {"file": ("chat.png", b"\x89PNG", "image/png")}
        return client.post(
            path, data={"kind": "chat_record", "csrf_token": csrf}, files=files, follow_redirects=False
        )
    if kind == "file":
        files = {"file": ("offers.csv", b"offer_id,title\n1,x\n", "text/csv")}
        return client.post(path, data={"csrf_token": csrf}, files=files, follow_redirects=False)
    return client.post(path, data={**body, "csrf_token": csrf}, follow_redirects=False)


def _a_claim(client: TestClient) -> None:
    """Claim 1: a wrong item sent on order 8001, recorded by the owner."""
    with UnitOfWork(client.app.state.session_factory) as uow:  # type: ignore[attr-defined]
        outcome = record_return(
            uow.session,
            ae_order_id=8001,
            line_id=None,
            reason=ReturnReason.WRONG_ITEM,
            amount=Money(Decimal("10"), "CNY"),
            notes=None,
            who="user:boss",
            now=NOW,
        )
        assert outcome.claim is not None and outcome.claim.id == 1
        uow.commit()


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("username", list(USERS))
def test_each_role_is_allowed_or_refused_each_action(client: TestClient, username: str, case: str) -> None:
    csrf = sign_in(client, username)
    reply = _call(client, csrf, case)
    if username in CASES[case][4]:
        assert reply.status_code in (200, 201, 303), (reply.status_code, reply.text[:500])
    else:
        assert reply.status_code == 403, reply.text[:500]
        if CASES[case][1].startswith("/api"):
            assert reply.json()["code"] == "forbidden"
        else:
            assert "forbidden" in reply.text


def test_a_refused_action_changes_nothing(client: TestClient) -> None:
    sign_in(client, "vera")
    csrf = sign_in(client, "vera")
    assert _call(client, csrf, "lifecycle.move").status_code == 403
    board = client.get("/api/lifecycle").json()
    assert {offer["offer_id"]: offer["stage"] for offer in board["offers"]}[BOARD_OFFER] == "candidate"


def test_a_purchaser_limited_to_store_2_sees_only_store_2_orders_and_exceptions(client: TestClient) -> None:
    csrf = sign_in(client, LIMITED)
    assert [item["ae_order_id"] for item in client.get("/api/exceptions").json()] == [8002]
    assert client.get("/api/orders/8002").status_code == 200
    assert client.get("/api/orders/8001").status_code == 404
    page = client.get("/orders").text
    assert "8002" in page and "8001" not in page
    assert "8001" not in client.get("/exceptions").text
    assert client.get("/orders/8001").status_code == 404
    # an exception of store 1 named by id is not touched
    store1 = sign_in_other_and_list(client)
    csrf = sign_in(client, LIMITED)
    reply = client.post("/api/exceptions/cancel", json={"ids": [store1]}, headers={"X-CSRF-Token": csrf})
    assert reply.status_code == 200 and reply.json()["results"] == []
    sign_in(client, "boss")
    assert store1 in [item["id"] for item in client.get("/api/exceptions").json()]


def sign_in_other_and_list(client: TestClient) -> int:
    sign_in(client, "boss")
    items = client.get("/api/exceptions").json()
    assert sorted(item["ae_order_id"] for item in items) == [8001, 8002]
    return int(next(item["id"] for item in items if item["ae_order_id"] == 8001))


def test_a_limited_purchaser_reports_on_their_store_only(client: TestClient) -> None:
    sign_in(client, "boss")
    assert client.get("/api/reports/store").json()["filter"]["store_id"] is None
    sign_in(client, LIMITED)
    for query in ("", "?store=1", "?store=2"):
        assert client.get(f"/api/reports/store{query}").json()["filter"]["store_id"] == 2
    page = client.get("/reports").text
    assert "店铺2" in page and "店铺1" not in page


@pytest.fixture
def no_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The seeded stores point at a closed port: one quick failed call each, no retries."""
    monkeypatch.setenv("KUAJING_ALIEXPRESS_MAX_RETRIES", "0")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("no_retries")
def test_the_dashboard_shows_a_limited_user_only_their_stores(client: TestClient) -> None:
    sign_in(client, "boss")
    page = client.get("/").text
    assert "店铺1" in page and "店铺2" in page
    sign_in(client, LIMITED)
    page = client.get("/").text
    assert "店铺2" in page and "店铺1" not in page


def test_a_limited_purchaser_handles_after_sales_of_their_store_only(client: TestClient) -> None:
    csrf = sign_in(client, "boss")
    for order in ("8001", "8002"):
        form = {"ae_order_id": order, "reason": "wrong_item", "amount": "10", "csrf_token": csrf}
        assert client.post("/aftersales/returns", data=form, follow_redirects=False).status_code == 303
    claims = {claim["ae_order_id"]: claim["id"] for claim in client.get("/api/aftersales/claims").json()}
    assert set(claims) == {8001, 8002}
    csrf = sign_in(client, LIMITED)
    assert [claim["ae_order_id"] for claim in client.get("/api/aftersales/claims").json()] == [8002]
    form = {"ae_order_id": "8001", "reason": "wrong_item", "amount": "10", "csrf_token": csrf}
    assert client.post("/aftersales/returns", data=form).status_code == 404
    submit = {"csrf_token": csrf}
    assert client.post(f"/aftersales/claims/{claims[8001]}/submit", data=submit).status_code == 404
    reply = client.post(f"/aftersales/claims/{claims[8002]}/submit", data=submit, follow_redirects=False)
    assert reply.status_code != 404


def test_a_limited_purchaser_saves_mapping_rules_for_their_store_only(client: TestClient) -> None:
    csrf = sign_in(client, "boss")
    rule = {"kind": "exact", "offer_id": OFFER, "spec_id": "S1"}
    headers = {"X-CSRF-Token": csrf}
    assert (
        client.post(
            "/api/rules", json={**rule, "pattern": "BOSS-1", "store_id": 1}, headers=headers
        ).status_code
        == 201
    )
    headers = {"X-CSRF-Token": sign_in(client, LIMITED)}
    for store in (1, None):
        reply = client.post(
            "/api/rules", json={**rule, "pattern": "PIA-X", "store_id": store}, headers=headers
        )
        assert reply.status_code == 403, store
    reply = client.post("/api/rules", json={**rule, "pattern": "PIA-2", "store_id": 2}, headers=headers)
    assert reply.status_code == 201
    page = client.get("/rules").text
    assert "PIA-2" in page and "BOSS-1" not in page and "PIA-X" not in page
