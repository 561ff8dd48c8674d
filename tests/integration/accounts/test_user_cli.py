"""`kuajing user` through typer's CliRunner on a migrated SQLite database; `kuajing serve` refusing
to start without a user; the demo's owner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from kuajing.accounts import bootstrap, service
from kuajing.accounts.errors import AccountInvalid, LoginRefused, NoUsers
from kuajing.accounts.model import LockoutPolicy
from kuajing.accounts.repository import AccountRepository
from kuajing.cli import app
from kuajing.config import Settings, get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.db.uow import UnitOfWork

runner = CliRunner()
PASSWORD = "a long enough passphrase"


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    database = f"sqlite:///{tmp_path / 'users.sqlite3'}"
    migrate.upgrade(database)
    monkeypatch.setenv("KUAJING_DATABASE_URL", database)
    monkeypatch.setenv("KUAJING_AUTH_REQUIRED", "true")
    get_settings.cache_clear()
    yield database
    get_settings.cache_clear()


def _user(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, ["user", *args], input=stdin)


def _users(url: str) -> dict[str, str]:
    engine = make_engine(url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            return {row.username: row.role for row in AccountRepository(uow.session).users()}
    finally:
        engine.dispose()


def test_create_the_first_owner_from_stdin(url: str) -> None:
    result = _user(
        "create", "--username", "laoban", "--role", "owner", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "laoban" in result.output and PASSWORD not in result.output
    assert _users(url) == {"laoban": "owner"}
    engine = make_engine(url)
    with UnitOfWork(make_session_factory(engine)) as uow:
        user = service.authenticate(
            uow.session, "laoban", PASSWORD, now=datetime.now(UTC), policy=LockoutPolicy()
        )
        assert user.password_hash.startswith("$argon2id$")
        (entry,) = AccountRepository(uow.session).audit_entries()
        assert entry.action == "user.create" and entry.who.startswith("cli")
    engine.dispose()


@pytest.mark.parametrize("password", ["", "short", "password"])
def test_a_weak_or_empty_password_is_refused_and_nothing_is_saved(url: str, password: str) -> None:
    result = _user(
        "create", "--username", "laoban", "--role", "owner", "--password-stdin", stdin=password + "\n"
    )
    assert result.exit_code != 0 and isinstance(result.exception, AccountInvalid)
    assert _users(url) == {}


def test_a_duplicate_name_or_unknown_role_is_refused(url: str) -> None:
    args = ("create", "--username", "laoban", "--password-stdin")
    assert _user(*args, "--role", "owner", stdin=PASSWORD).exit_code == 0
    duplicate = _user(*args, "--role", "viewer", stdin=PASSWORD)
    assert isinstance(duplicate.exception, AccountInvalid) and "exists" in duplicate.exception.message_en
    unknown = _user("create", "--username", "x2", "--role", "boss", "--password-stdin", stdin=PASSWORD)
    assert isinstance(unknown.exception, AccountInvalid)
    assert _users(url) == {"laoban": "owner"}


def test_list_set_role_set_stores_and_disable(url: str) -> None:
    for name, role in (("laoban", "owner"), ("xiaoli", "viewer")):
        assert (
            _user("create", "--username", name, "--role", role, "--password-stdin", stdin=PASSWORD).exit_code
            == 0
        )
    assert _user("set-role", "xiaoli", "purchaser").exit_code == 0
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        from kuajing.stores.tables import AliExpressStore

        session.add(
            AliExpressStore(
                name="店铺1",
                seller_id="1",
                base_url="http://127.0.0.1:1",
                app_key="k",
                app_secret="s",
                access_token="t",
                access_token_expires_at=None,
                refresh_token_expires_at=None,
                buyer_account_id=None,
                last_synced_at=None,
                created_at=datetime.now(UTC),
            )
        )
        session.commit()
    engine.dispose()
    assert _user("set-stores", "xiaoli", "1").exit_code == 0
    listed = json.loads(_user("list", "--json").output)
    assert {user["username"]: (user["role"], user["store_ids"]) for user in listed} == {
        "laoban": ("owner", []),
        "xiaoli": ("purchaser", [1]),
    }
    assert _user("disable", "xiaoli").exit_code == 0
    engine = make_engine(url)
    with UnitOfWork(make_session_factory(engine)) as uow, pytest.raises(LoginRefused):
        service.authenticate(uow.session, "xiaoli", PASSWORD, now=datetime.now(UTC), policy=LockoutPolicy())
    engine.dispose()


def test_an_api_token_works_as_bearer_until_revoked(url: str) -> None:
    assert (
        _user(
            "create", "--username", "laoban", "--role", "owner", "--password-stdin", stdin=PASSWORD
        ).exit_code
        == 0
    )
    created = _user("token", "create", "laoban", "--name", "erp")
    token = created.output.strip()
    assert created.exit_code == 0 and token.startswith("kj_")
    assert "erp" in _user("token", "list").output and token not in _user("token", "list").output
    web = TestClient(_app(url))
    headers = {"Authorization": f"Bearer {token}"}
    assert web.get("/api/auth/me", headers=headers).json()["username"] == "laoban"
    assert _user("token", "revoke", "1").exit_code == 0
    assert web.get("/api/auth/me", headers=headers).status_code == 401


def _app(url: str) -> object:
    from kuajing.web.app import create_app

    return create_app(Settings(database_url=url, auth_required=True))


def test_serve_refuses_to_start_with_sign_in_on_and_no_user(url: str) -> None:
    result = runner.invoke(app, ["serve", "--port", "1"])
    assert isinstance(result.exception, NoUsers)
    assert "kuajing user create" in result.exception.message_en
    assert "kuajing user create" in result.exception.message_zh
    bootstrap.require_a_user(Settings(database_url=url, auth_required=False))  # sign-in off: no check


def test_the_demo_creates_its_owner_once_and_prints_the_password_once(url: str) -> None:
    settings = Settings(database_url=url, auth_required=True)
    (first,) = bootstrap.demo_owner_lines(settings)
    password = first.split("password")[1].split()[0]
    engine = make_engine(url)
    with UnitOfWork(make_session_factory(engine)) as uow:
        user = service.authenticate(
            uow.session, "demo", password, now=datetime.now(UTC), policy=LockoutPolicy()
        )
        assert user.role == "owner"
    engine.dispose()
    (again,) = bootstrap.demo_owner_lines(settings)
    assert password not in again and "set-password" in again
    bootstrap.require_a_user(settings)  # now a user exists: serve may start


def test_a_costs_import_from_the_cli_is_in_the_audit_log(url: str, tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[3] / "src" / "kuajing" / "logistics" / "data" / "costs.toml"
    result = runner.invoke(app, ["costs", "import", str(source), "--by", "cli:laoban"])
    assert result.exit_code == 0, result.output
    dry = runner.invoke(app, ["costs", "import", str(source), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    engine = make_engine(url)
    with UnitOfWork(make_session_factory(engine)) as uow:
        (entry,) = AccountRepository(uow.session).audit_entries()  # the dry run wrote nothing
        assert (entry.who, entry.action, entry.object_kind) == ("cli:laoban", "costs.import", "costs")
        assert json.loads(entry.after or "{}")["file"] == "costs.toml"
    engine.dispose()
