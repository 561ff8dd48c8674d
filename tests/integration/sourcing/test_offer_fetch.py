"""``kuajing offers fetch``: offers read through the first 1688 buyer account (the sandbox over HTTP)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kuajing.cli import app
from kuajing.config import get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.repository import SourcingRepository
from kuajing.stores.service import connect_sandbox

runner = CliRunner()


@pytest.fixture
def database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    migrate.upgrade(database_url)
    monkeypatch.setenv("KUAJING_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def test_fetch_stores_offers_specs_and_supplier_flags_and_reports_the_failures(
    database: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    with make_session_factory(make_engine(database))() as session:
        connect_sandbox(session, sandbox.base_url, httpx.get(f"{sandbox.base_url}/sandbox/accounts").json())
        session.commit()
    first, second = httpx.get(f"{sandbox.base_url}/sandbox/catalog/offers", params={"limit": 2}).json()[
        "offer_ids"
    ]
    ids = tmp_path / "ids.txt"
    ids.write_text(f"https://detail.1688.com/offer/{second}.html\n999999999999\n", encoding="utf-8")
    result = runner.invoke(app, ["offers", "fetch", str(first), "--file", str(ids), "--json"])
    assert result.exit_code == 1, result.output  # one offer failed; the others are stored
    reply = json.loads(result.stdout)
    assert (reply["imported"], [f["offer"] for f in reply["failed"]]) == (2, ["999999999999"])
    offer = sandbox.world.catalog.offers[first]
    with make_session_factory(make_engine(database))() as session:
        repository = SourcingRepository(session)
        stored = repository.offer(first)
        assert stored is not None and stored.source == "1688 API"
        assert {s.spec_id for s in repository.specs(stored.id)} == {s.spec_id for s in offer.specs}
        (supplier,) = [s for s in repository.list_suppliers() if s.id == stored.supplier_id]
        assert supplier.member_id == offer.supplier_member_id
    again = runner.invoke(app, ["offers", "fetch", str(first), "--json"])
    assert json.loads(again.stdout) == {"imported": 0, "unchanged": 1, "failed": []}
