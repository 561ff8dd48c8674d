"""``kuajing stores add-aliexpress | add-1688 | link``: a real store set up from the command line buys
with its 1688 account, and each change is in the audit log without any secret value."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kuajing.accounts.tables import AuditEntryRow
from kuajing.cli import app
from kuajing.config import get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.stores.tables import AliExpressStore

runner = CliRunner()
SECRETS = ("store-secret-1", "store-token-1", "buyer-secret-1", "buyer-token-1", "store-token-2")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/stores.sqlite3"
    migrate.upgrade(url)
    monkeypatch.setenv("KUAJING_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _run(*args: str) -> str:
    result = runner.invoke(app, ["stores", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_store_added_and_linked_from_the_cli_buys_with_its_account_and_is_audited(database: str) -> None:
    store = ["add-aliexpress", "--name", "主店", "--seller-id", "2201", "--app-key", "ak1"]
    _run(*store, "--app-secret", "store-secret-1", "--access-token", "store-token-1")
    _run("add-1688", "--name", "采购号", "--member-id", "b2b-1", "--app-key", "bk1",
         "--app-secret", "buyer-secret-1", "--access-token", "buyer-token-1")  # fmt: skip
    assert "1688账号 1" in _run("link", "--store", "1", "--account", "1")
    _run(*store, "--app-secret", "store-secret-1", "--access-token", "store-token-2")  # a new token

    factory = make_session_factory(make_engine(database))
    with factory() as session:
        assert session.scalars(select(AliExpressStore.buyer_account_id)).one() == 1
        entries = list(session.scalars(select(AuditEntryRow).order_by(AuditEntryRow.id)))
    assert [e.action for e in entries] == [
        "store.save",
        "buyer_account.save",
        "store.link_buyer",
        "store.save",
    ]
    assert all(e.who.startswith("cli:") for e in entries)
    resaved = json.loads(entries[3].after or "{}")
    assert resaved["secrets_changed"] == ["access_token"] and resaved["seller_id"] == "2201"
    assert json.loads(entries[2].after or "{}") == {"buyer_account_id": 1}
    logged = " ".join(f"{e.before} {e.after}" for e in entries)
    assert not [secret for secret in SECRETS if secret in logged]


def test_linking_an_unknown_account_exits_1_and_changes_nothing(database: str) -> None:
    _run("add-aliexpress", "--name", "主店", "--seller-id", "2201", "--app-key", "ak1",
         "--app-secret", "s", "--access-token", "t")  # fmt: skip
    result = runner.invoke(app, ["stores", "link", "--store", "1", "--account", "9"])
    assert result.exit_code == 1 and "找不到1688账号 9" in result.output
    with make_session_factory(make_engine(database))() as session:
        assert session.scalars(select(AliExpressStore.buyer_account_id)).one() is None
        actions = list(session.scalars(select(AuditEntryRow.action)))
    assert actions == ["store.save"]
