"""App secrets and tokens at rest on SQLite and PostgreSQL: what plain SQL reads is ciphertext, the
migration encrypts existing rows, ``kuajing secrets rotate-key`` moves them to a new key, and a
wrong key is a clear error that writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from kuajing.cli import app
from kuajing.config import get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.db.uow import UnitOfWork
from kuajing.kit.secrets import KEY_ENV, PREFIX, KeyRing, SecretUndecryptable, new_key
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository

UseKey = Callable[[str], None]
OLD, NEW, STRANGER = new_key(), new_key(), new_key()
STORE = service.StoreCredentials(
    "店铺一", "2200001", "https://api-sg.aliexpress.com", "ae-key", "ae-app-secret-0001",
    "ae-access-token-0001", "ae-refresh-token-0001",
)  # fmt: skip
BUYER = service.BuyerAccountCredentials(
    "采购号", "b2b-1688", "https://gw.open.1688.com", "1688-key", "1688-app-secret-0001",
    "1688-access-token-0001", "1688-refresh-token-0001",
)  # fmt: skip
PLAIN = {
    "ae-app-secret-0001", "ae-access-token-0001", "ae-refresh-token-0001",
    "1688-app-secret-0001", "1688-access-token-0001", "1688-refresh-token-0001",
}  # fmt: skip


@pytest.fixture
def use_key(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[UseKey]:
    """Sets KUAJING_SECRET_KEY (and the database URL) as a person would before a command."""

    def use(keys: str) -> None:
        monkeypatch.setenv(KEY_ENV, keys)
        monkeypatch.setenv("KUAJING_DATABASE_URL", database_url)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def _save_both(database_url: str) -> None:
    with UnitOfWork(make_session_factory(make_engine(database_url))) as uow:
        service.save_aliexpress_store(uow.session, STORE)
        service.save_buyer_account(uow.session, BUYER)
        uow.commit()


def _raw(database_url: str) -> list[str]:
    """The six stored values, read with plain SQL."""
    engine = make_engine(database_url)
    values: list[str] = []
    with engine.connect() as conn:
        for table in ("aliexpress_stores", "alibaba1688_accounts"):
            row = conn.execute(text(f"SELECT app_secret, access_token, refresh_token FROM {table}")).one()
            values.extend(row)
    engine.dispose()
    return values


def _read_back(database_url: str) -> set[str]:
    with UnitOfWork(make_session_factory(make_engine(database_url))) as uow:
        repo = StoreRepository(uow.session)
        store, account = repo.aliexpress_stores()[0], repo.buyer_accounts()[0]
        return {
            store.app_secret, store.access_token, store.refresh_token,
            account.app_secret, account.access_token, account.refresh_token,
        }  # fmt: skip


def _cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_stored_secrets_are_ciphertext_and_read_back_as_the_tokens(
    database_url: str, use_key: UseKey
) -> None:
    use_key(OLD)
    migrate.upgrade(database_url)
    _save_both(database_url)
    raw = _raw(database_url)
    assert all(value.startswith(PREFIX) for value in raw)
    assert not any(plain in value for value in raw for plain in PLAIN)
    assert {KeyRing.from_text(OLD).decrypt(value) for value in raw} == PLAIN
    assert _read_back(database_url) == PLAIN


def test_migration_encrypts_plaintext_rows_in_place_and_downgrade_restores_them(
    database_url: str, use_key: UseKey
) -> None:
    use_key(OLD)
    migrate.upgrade(database_url, "0013")
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO alibaba1688_accounts (name, member_id, base_url, app_key, app_secret,"
                " access_token, refresh_token, created_at) VALUES ('采购号', 'b2b-1688', 'u', 'k',"
                " '1688-app-secret-0001', '1688-access-token-0001', '', '2026-12-01 00:00:00+00:00')"
            )
        )
    engine.dispose()
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        secret, token, refresh = conn.execute(
            text("SELECT app_secret, access_token, refresh_token FROM alibaba1688_accounts")
        ).one()
    engine.dispose()
    assert secret.startswith(PREFIX) and token.startswith(PREFIX) and refresh == ""
    assert KeyRing.from_text(OLD).decrypt(token) == "1688-access-token-0001"
    migrate.downgrade(database_url, "0013")
    engine = make_engine(database_url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT app_secret, access_token FROM alibaba1688_accounts")).one()
    engine.dispose()
    assert tuple(row) == ("1688-app-secret-0001", "1688-access-token-0001")


def test_rotate_key_reencrypts_every_secret_under_the_new_first_key(
    database_url: str, use_key: UseKey
) -> None:
    use_key(OLD)
    migrate.upgrade(database_url)
    _save_both(database_url)
    before = _raw(database_url)
    use_key(f"{NEW},{OLD}")
    status = json.loads(_cli("secrets", "status", "--json").stdout)
    assert [key["values"] for key in status["keys"]] == [0, 6]
    result = _cli("secrets", "rotate-key")
    assert result.exit_code == 0, result.output
    assert "6 values re-encrypted" in result.stdout
    after = _raw(database_url)
    assert all(value != old for value, old in zip(after, before, strict=True))
    assert {KeyRing.from_text(NEW).decrypt(value) for value in after} == PLAIN  # the old key can go
    use_key(NEW)
    assert _read_back(database_url) == PLAIN
    status = json.loads(_cli("secrets", "status", "--json").stdout)
    assert status["keys"][0]["values"] == 6 and status["plaintext"] == {} and status["undecryptable"] == {}
    assert OLD not in result.stdout and NEW not in result.stdout


def test_rotate_key_upgrades_plaintext_left_from_before(database_url: str, use_key: UseKey) -> None:
    use_key(OLD)
    migrate.upgrade(database_url)
    _save_both(database_url)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE aliexpress_stores SET access_token = 'pasted-by-hand-token'"))
    engine.dispose()
    status = json.loads(_cli("secrets", "status", "--json").stdout)
    assert status["plaintext"] == {"aliexpress_stores.access_token": 1}
    assert _cli("secrets", "rotate-key").exit_code == 0
    assert all(value.startswith(PREFIX) for value in _raw(database_url))
    assert "pasted-by-hand-token" in _read_back(database_url)


def test_a_wrong_key_is_a_clear_error_and_rotate_key_writes_nothing(
    database_url: str, use_key: UseKey
) -> None:
    use_key(OLD)
    migrate.upgrade(database_url)
    _save_both(database_url)
    before = _raw(database_url)
    use_key(STRANGER)
    with pytest.raises(SecretUndecryptable):
        _read_back(database_url)
    result = _cli("secrets", "rotate-key")
    assert isinstance(result.exception, SecretUndecryptable)
    assert "KUAJING_SECRET_KEY" in result.exception.message_en
    assert _raw(database_url) == before
    status = _cli("secrets", "status", "--json")
    assert status.exit_code == 1
    assert sum(json.loads(status.stdout)["undecryptable"].values()) == 6
