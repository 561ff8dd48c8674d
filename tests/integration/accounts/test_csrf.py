"""CSRF: a POST signed in by cookie must carry the session's token (form field or header);
bearer-token requests need none."""

from __future__ import annotations

from datetime import UTC, datetime

from accounts_world import BOARD_OFFER, sign_in
from fastapi.testclient import TestClient

from kuajing.accounts import service
from kuajing.db.uow import UnitOfWork

EPR = {"country": "DE", "stream": "packaging", "number": "DE1234567890123"}


def _epr_count(client: TestClient) -> int:
    return len(client.get("/api/compliance/epr").json())


def test_a_form_post_without_the_token_is_refused_403_and_saves_nothing(client: TestClient) -> None:
    sign_in(client, "boss")
    reply = client.post("/compliance/epr", data=EPR, follow_redirects=False)
    assert reply.status_code == 403 and "csrf_refused" in reply.text
    assert _epr_count(client) == 0


def test_a_wrong_or_another_sessions_token_is_refused(client: TestClient) -> None:
    other = TestClient(client.app)
    other_token = sign_in(other, "boss")
    sign_in(client, "boss")
    for token in ("not-the-token", other_token, "令牌-non-ascii"):
        reply = client.post("/compliance/epr", data={**EPR, "csrf_token": token}, follow_redirects=False)
        assert reply.status_code == 403
    reply = client.post(
        f"/api/lifecycle/{BOARD_OFFER}/move",
        json={"to_stage": "testing", "reason": "x"},
        headers={"X-CSRF-Token": other_token},
    )
    assert reply.status_code == 403 and reply.json()["code"] == "csrf_refused"


def test_the_token_in_the_form_field_or_the_header_is_accepted(client: TestClient) -> None:
    token = sign_in(client, "boss")
    reply = client.post("/compliance/epr", data={**EPR, "csrf_token": token}, follow_redirects=False)
    assert reply.status_code == 303
    reply = client.post(
        f"/api/lifecycle/{BOARD_OFFER}/move",
        json={"to_stage": "testing", "reason": "样品合格"},
        headers={"X-CSRF-Token": token},
    )
    assert reply.status_code == 200


def test_a_multipart_upload_carries_the_token_in_its_form(client: TestClient) -> None:
    token = sign_in(client, "bella")
    files = {"file": ("offers.csv", b"offer_id,title\n1,x\n", "text/csv")}
    assert client.post("/sourcing/import/upload", files=files, follow_redirects=False).status_code == 403
    reply = client.post(
        "/sourcing/import/upload", data={"csrf_token": token}, files=files, follow_redirects=False
    )
    assert reply.status_code == 303  # and the upload itself reached the handler intact


def test_every_page_carries_the_token_for_its_forms(client: TestClient) -> None:
    token = sign_in(client, "boss")
    page = client.get("/exceptions").text
    assert f'<meta name="csrf-token" content="{token}">' in page
    assert f'"X-CSRF-Token": "{token}"' in page  # htmx requests send it as a header
    assert 'input.name = "csrf_token"' in page  # base.html adds the field to every POST form


def test_a_bearer_token_request_needs_no_csrf_token(client: TestClient) -> None:
    with UnitOfWork(client.app.state.session_factory) as uow:  # type: ignore[attr-defined]
        user = service.user_named(uow.session, "boss")
        token, _ = service.create_token(uow.session, user, "ci", now=datetime.now(UTC))
        uow.commit()
    reply = client.post(
        f"/api/lifecycle/{BOARD_OFFER}/move",
        json={"to_stage": "testing", "reason": "脚本"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.status_code == 200
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json()["via"] == "token"
    assert client.get("/api/auth/me", headers={"Authorization": "Bearer kj_wrong"}).status_code == 401
