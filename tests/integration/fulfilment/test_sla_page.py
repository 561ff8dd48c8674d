"""`/fulfilment/sla`, `/api/fulfilment/sla` and `kuajing fulfilment sla|health` on a migrated SQLite app.

Seeded relative to the real clock (no ``KUAJING_CLOCK_URL``): the same purchases as the report test,
but judged by the shipped ``data/sla.toml`` (no 48 h override for "fast": its 50-hour-old purchase is
on time here), so 2 breached and 2 at risk.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_sla_report import seed  # same folder: pytest puts it on sys.path
from typer.testing import CliRunner

from kuajing.cli import app as cli_app
from kuajing.config import Settings, get_settings
from kuajing.web.app import create_app


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('sla')) / 'kuajing.sqlite3'}"
    seed(url, now=datetime.now(UTC))
    return url


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def _page(client: TestClient, lang: str) -> str:
    client.cookies.clear()
    reply = client.get(f"/fulfilment/sla?lang={lang}")
    assert reply.status_code == 200, reply.text
    return html.unescape(reply.text)


def test_page_in_chinese_lists_breaches_with_countdowns_and_actions(client: TestClient) -> None:
    text = _page(client, "zh-CN")
    assert "发货时效与物流健康" in text and 'href="/fulfilment/sla" class="active"' in text
    assert re.findall(r'data-state="breached"><span class="sla-count">(\d+)', text) == ["2"]
    rows = re.findall(r'<tr class="sla-row sla-(\w+)" data-purchase="(\d+)"', text)
    assert [state for state, _ in rows] == ["breached"] * 2 + ["at_risk"] * 2
    countdowns = re.findall(r'class="countdown" data-remaining="(-?\d+)">(-?[\dd :]+)<', text)
    assert len(countdowns) == 4 and int(countdowns[0][0]) < 0 and countdowns[0][1].startswith("-")
    assert "setInterval(tick, 1000)" in text and "<script src" not in text
    assert "以此为准" in text and "已超时未发" in text
    assert "义乌超级工厂" in text and "付款后无运单号" in text and "在 1688 旺旺催供应商发货" in text


def test_page_in_english(client: TestClient) -> None:
    text = _page(client, "en")
    assert "Dispatch SLA and tracking health" in text and "Breached and at risk" in text
    assert "Carrier not approved by AliExpress" in text and "Require an approved carrier" in text
    assert "binding" in text and "On time (from payment)" in text


def test_api_returns_the_report(client: TestClient) -> None:
    data = client.get("/api/fulfilment/sla").json()
    assert data["counts"]["breached"] == 2 and data["counts"]["at_risk"] == 2
    assert {line["member_id"] for line in data["suppliers"]} == {"fast", "slow"}


def test_cli_sla_and_health_json(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUAJING_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        reply = runner.invoke(cli_app, ["fulfilment", "sla", "--json"])
        assert reply.exit_code == 0, reply.output
        assert json.loads(reply.output)["counts"]["breached"] == 2
        reply = runner.invoke(cli_app, ["fulfilment", "health"])
        assert reply.exit_code == 0, reply.output
        assert "付款后无运单号 / No tracking after payment" in reply.output
        reply = runner.invoke(cli_app, ["fulfilment", "sla"])
        assert "已超时未发/breached" in reply.output
    finally:
        get_settings.cache_clear()
