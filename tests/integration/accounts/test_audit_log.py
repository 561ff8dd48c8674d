"""The audit log: a user's mapping rule change is stored with who, before and after, shown on /audit,
filtered, exported as xlsx and given by /api/audit (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from accounts_world import BOARD_OFFER, OFFER, sign_in
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from typer.testing import CliRunner

from kuajing.accounts.audit import cli_actor
from kuajing.accounts.repository import AccountRepository
from kuajing.cli import app
from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.db.uow import UnitOfWork

RULE = {
    "kind": "exact",
    "pattern": "SKU-1",
    "offer_id": OFFER,
    "spec_id": "S1",
    "store_id": 1,
    "priority": 50,
}


def _rule_changes(accounts_db_url: str, make_client: Callable[..., TestClient]) -> TestClient:
    client = make_client(accounts_db_url)
    csrf = sign_in(client, "paul")
    created = client.post("/api/rules", json=RULE, headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201, created.text
    edited = {**RULE, "id": created.json()["id"], "priority": 10, "csrf_token": csrf}
    reply = client.post(
        "/rules", data={key: str(value) for key, value in edited.items()}, follow_redirects=False
    )
    assert reply.status_code == 303, reply.text
    return client


def test_a_mapping_rule_change_is_stored_with_who_before_and_after(
    accounts_db_url: str, make_client: Callable[..., TestClient]
) -> None:
    client = _rule_changes(accounts_db_url, make_client)
    sign_in(client, "boss")
    entries = client.get("/api/audit", params={"kind": "sku_mapping_rule"}).json()
    assert [entry["action"] for entry in entries] == ["mapping.edit", "mapping.create"]
    edit, create = entries
    assert edit["who"] == create["who"] == "user:paul" and edit["ip"]
    assert create["before"] is None and create["after"]["pattern"] == "SKU-1"
    assert edit["before"]["priority"] == 50 and edit["after"]["priority"] == 10
    assert client.get("/api/audit", params={"who": "user:boss"}).json() == []


def test_the_audit_page_filters_and_the_xlsx_holds_the_same_entries(
    accounts_db_url: str, make_client: Callable[..., TestClient]
) -> None:
    client = _rule_changes(accounts_db_url, make_client)
    csrf = sign_in(client, "bella")
    moved = client.post(
        f"/api/lifecycle/{BOARD_OFFER}/move",
        json={"to_stage": "testing", "reason": "样品合格"},
        headers={"X-CSRF-Token": csrf},
    )
    assert moved.status_code == 200
    sign_in(client, "boss")
    page = client.get("/audit", params={"action": "lifecycle"}).text
    assert 'data-action="lifecycle.move"' in page and "user:bella" in page
    assert 'data-action="mapping.create"' not in page
    reply = client.get("/audit.xlsx")
    assert reply.status_code == 200 and reply.content.startswith(b"PK")
    sheet = load_workbook(io.BytesIO(reply.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 3  # header + lifecycle move + rule edit + rule create
    moves = [row for row in rows[1:] if row[2] == "lifecycle.move"]
    assert moves and moves[0][1] == "user:bella" and json.loads(moves[0][6])["stage"] == "testing"


def test_user_changes_are_audited_and_only_the_owner_reads_the_log(
    accounts_db_url: str, make_client: Callable[..., TestClient]
) -> None:
    client = make_client(accounts_db_url)
    csrf = sign_in(client, "boss")
    form = {"op": "role", "role": "buyer", "csrf_token": csrf}
    users = client.get("/admin/users").text
    assert 'data-user="vera"' in users
    vera_id = _user_id(client, "vera")
    assert client.post(f"/admin/users/{vera_id}", data=form, follow_redirects=False).status_code == 303
    (entry,) = client.get("/api/audit", params={"action": "user."}).json()
    assert entry["action"] == "user.role" and entry["who"] == "user:boss"
    assert entry["before"]["role"] == "viewer" and entry["after"]["role"] == "buyer"
    sign_in(client, "paul")
    assert client.get("/api/audit").status_code == 403
    assert client.get("/audit.xlsx").status_code == 403


def _user_id(client: TestClient, username: str) -> int:
    with UnitOfWork(client.app.state.session_factory) as uow:  # type: ignore[attr-defined]
        row = AccountRepository(uow.session).by_username(username)
        assert row is not None
        return row.id


def test_a_lifecycle_move_from_the_cli_is_audited_as_the_os_user(
    accounts_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUAJING_DATABASE_URL", accounts_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["lifecycle", "move", str(BOARD_OFFER), "testing", "--reason", "样品合格"]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    engine = make_engine(accounts_url)
    with UnitOfWork(make_session_factory(engine)) as uow:
        (entry,) = AccountRepository(uow.session).audit_entries(action="lifecycle")
        assert entry.who == cli_actor() and entry.object_id == str(BOARD_OFFER)
        assert json.loads(entry.after or "{}") == {"stage": "testing", "reason": "样品合格"}
    engine.dispose()


def test_epr_numbers_added_and_removed_from_the_cli_are_audited(
    accounts_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUAJING_DATABASE_URL", accounts_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        added = runner.invoke(
            app, ["epr", "add", "--country", "DE", "--stream", "packaging", "--number", "DE1234567890123"]
        )
        assert added.exit_code == 0, added.output
        assert runner.invoke(app, ["epr", "remove", "1"]).exit_code == 0
    finally:
        get_settings.cache_clear()
    engine = make_engine(accounts_url)
    with UnitOfWork(make_session_factory(engine)) as uow:
        removed, created = AccountRepository(uow.session).audit_entries(action="epr")
        assert (created.action, removed.action) == ("epr.create", "epr.delete")
        assert json.loads(removed.before or "{}")["number"] == "DE1234567890123" and removed.after is None
    engine.dispose()
