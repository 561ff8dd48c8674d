"""`kuajing sync` and `kuajing exceptions list --json` as a user runs them, against the sandbox."""

from __future__ import annotations

import json

import httpx
import pytest
from test_order_loop import _setup  # same folder (pytest puts it on sys.path)
from typer.testing import CliRunner

from kuajing.cli import app
from kuajing.config import get_settings
from kuajing.sandbox.server import SandboxServer


def test_sync_runs_a_pass_and_the_queue_lists_open_exceptions_as_json(
    sandbox: SandboxServer, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(sandbox, sqlite_url, skip_every=3)  # every third listing unmapped: the queue fills
    for key, value in {
        "KUAJING_DATABASE_URL": sqlite_url,
        "KUAJING_CLOCK_URL": sandbox.base_url,
        "KUAJING_1688_CALLS_PER_SECOND": "1000",
        "KUAJING_ALIEXPRESS_CALLS_PER_SECOND": "1000",
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 30}).raise_for_status()
    sandbox.world.advance(0.5)
    runner = CliRunner()
    try:
        synced = runner.invoke(app, ["sync"])
        assert synced.exit_code == 0, synced.output
        assert "Order sync" in synced.output and "route" in synced.output
        listed = runner.invoke(app, ["exceptions", "list", "--json"])
        assert listed.exit_code == 0, listed.output
        items = json.loads(listed.output)
        assert items, "with a third of the listings unmapped some orders must be queued"
        reasons = {item["reason_code"] for item in items}
        assert "unmapped_sku" in reasons
        for item in items:
            assert str(item["ae_order_id"]).startswith("8190")
            assert item["message"] and item["action"]
    finally:
        get_settings.cache_clear()
