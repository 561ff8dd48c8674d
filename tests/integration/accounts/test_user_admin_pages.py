"""The owner's /admin/users page and a user's /account page, over HTTP with sign-in on."""

from __future__ import annotations

import httpx
from accounts_world import PASSWORD, sign_in
from fastapi.testclient import TestClient

from kuajing.accounts.repository import AccountRepository
from kuajing.db.uow import UnitOfWork

NEW_PASSWORD = "a brand new passphrase"


def _user_id(client: TestClient, username: str) -> int:
    with UnitOfWork(client.app.state.session_factory) as uow:  # type: ignore[attr-defined]
        row = AccountRepository(uow.session).by_username(username)
        assert row is not None
        return row.id


def _post(client: TestClient, path: str, csrf: str, **form: object) -> httpx.Response:
    return client.post(path, data={**form, "csrf_token": csrf}, follow_redirects=False)


def test_the_owner_creates_a_user_limited_to_a_store_who_can_then_sign_in(client: TestClient) -> None:
    csrf = sign_in(client, "boss")
    reply = _post(
        client, "/admin/users", csrf, username="xiaozhang", role="service", password=NEW_PASSWORD, stores="2"
    )
    assert reply.status_code == 303
    page = client.get("/admin/users").text
    assert 'data-user="xiaozhang"' in page
    sign_in(client, "xiaozhang", NEW_PASSWORD)
    me = client.get("/api/auth/me").json()
    assert (me["role"], me["store_ids"]) == ("service", [2])


def test_a_weak_password_or_a_taken_name_is_shown_on_the_page_and_nothing_saved(client: TestClient) -> None:
    csrf = sign_in(client, "boss")
    reply = client.post(
        "/admin/users", data={"username": "x1", "role": "viewer", "password": "short", "csrf_token": csrf}
    )
    assert reply.status_code == 422 and 'data-code="account_invalid"' in reply.text
    reply = client.post(
        "/admin/users",
        data={"username": "paul", "role": "viewer", "password": NEW_PASSWORD, "csrf_token": csrf},
    )
    assert reply.status_code == 422
    assert 'data-user="x1"' not in client.get("/admin/users").text


def test_a_store_that_does_not_exist_is_refused_on_the_page_and_nothing_saved(client: TestClient) -> None:
    csrf = sign_in(client, "boss")
    for stores in ("99", "³", "2x"):
        reply = _post(
            client, "/admin/users", csrf, username="xiaozhang", role="service", password=NEW_PASSWORD,
            stores=stores,
        )  # fmt: skip
        assert reply.status_code == 422 and "没有速卖通店铺" in reply.text
    assert 'data-user="xiaozhang"' not in client.get("/admin/users").text
    paul = _user_id(client, "paul")
    reply = _post(client, f"/admin/users/{paul}", csrf, op="stores", stores="³")
    assert reply.status_code == 422


def test_the_last_owner_cannot_be_disabled_or_demoted(client: TestClient) -> None:
    csrf = sign_in(client, "boss")
    boss = _user_id(client, "boss")
    assert client.post(f"/admin/users/{boss}", data={"op": "disable", "csrf_token": csrf}).status_code == 422
    reply = client.post(f"/admin/users/{boss}", data={"op": "role", "role": "viewer", "csrf_token": csrf})
    assert reply.status_code == 422
    assert client.get("/api/auth/me").json()["role"] == "owner"


def test_a_disabled_user_is_signed_out_and_an_unlocked_one_can_sign_in(client: TestClient) -> None:
    other = TestClient(client.app)
    sign_in(other, "vera")
    csrf = sign_in(client, "boss")
    vera = _user_id(client, "vera")
    assert _post(client, f"/admin/users/{vera}", csrf, op="disable").status_code == 303
    assert other.get("/api/auth/me").status_code == 401
    assert other.post("/api/auth/login", json={"username": "vera", "password": PASSWORD}).status_code == 401
    assert _post(client, f"/admin/users/{vera}", csrf, op="enable").status_code == 303
    for _ in range(5):
        other.post("/api/auth/login", json={"username": "vera", "password": "wrong password"})
    assert other.post("/api/auth/login", json={"username": "vera", "password": PASSWORD}).status_code == 423
    assert _post(client, f"/admin/users/{vera}", csrf, op="unlock").status_code == 303
    assert sign_in(other, "vera")


def test_changing_my_password_needs_the_current_one_and_ends_other_sessions(client: TestClient) -> None:
    elsewhere = TestClient(client.app)
    sign_in(elsewhere, "sam")
    csrf = sign_in(client, "sam")
    wrong = client.post(
        "/account/password", data={"current": "not it at all", "new": NEW_PASSWORD, "csrf_token": csrf}
    )
    assert wrong.status_code == 401
    reply = _post(client, "/account/password", csrf, current=PASSWORD, new=NEW_PASSWORD)
    assert reply.status_code == 303
    assert client.get("/api/auth/me").json()["username"] == "sam"  # this browser got a new session
    assert elsewhere.get("/api/auth/me").status_code == 401
    assert client.post("/api/auth/login", json={"username": "sam", "password": PASSWORD}).status_code == 401
    assert sign_in(client, "sam", NEW_PASSWORD)
    assert (
        "account.html" not in client.get("/account").text
        and 'data-role="service"' in client.get("/account").text
    )
