"""A demo-like run leaks no secret: not in a log line, an API reply, a page, a download or the CLI.

As ``kuajing demo`` does: SQLite without KUAJING_SECRET_KEY (the key file is made), the sandbox's
stores and buyer account connected with ``connect_sandbox``, SKU rules installed, orders generated,
the order loop and the alert pass run with the sandbox clock advanced, alerts sent to DingTalk,
Feishu and WeCom robots with signing secrets. Everything is logged at DEBUG (httpx included) and
every GET route of the app is called with ids that exist; then each secret value is looked for.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from starlette.routing import Route
from typer.testing import CliRunner

from kuajing.cli import app as cli_app
from kuajing.config import Settings, get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.jobs import run_pass
from kuajing.kit.secrets import KEY_ENV
from kuajing.notify.run import run_alert_pass
from kuajing.notify.testing import RobotReceiver
from kuajing.sandbox.cli import current_hour
from kuajing.sandbox.credentials import SandboxCredentials
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.pool import ClientPool
from kuajing.stores.repository import StoreRepository
from kuajing.stores.tables import Alibaba1688Account, AliExpressStore
from kuajing.web.app import create_app

PASSES = 4


def _unique(label: str) -> str:
    return f"{label}-{secrets.token_hex(8)}"


def _get_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    """Every GET route and its path parameters, through included routers (FastAPI keeps them apart
    from ``app.routes``), the OpenAPI document and its docs page included."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _get_routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif isinstance(route, Route) and "GET" in (route.methods or set()):
            yield prefix + route.path, list(route.param_convertors)


def _readable(content: bytes) -> str:
    """A reply as text, xlsx unzipped and PDF streams inflated, so nothing hides in compression."""
    parts = [content.decode("utf-8", "replace")]
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    if content.startswith(b"%PDF"):
        for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
            try:
                parts.append(zlib.decompress(stream).decode("latin-1"))
            except zlib.error:
                continue
    return "\n".join(parts)


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(KEY_ENV, raising=False)  # the demo's default: a key file beside the database
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_demo_run_shows_no_secret_in_logs_api_replies_pages_or_cli(
    tmp_path: Path, no_key: None, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")
    creds = SandboxCredentials(
        ae_app_secret=_unique("ae-app-secret"),
        ae_access_token=_unique("ae-access-token"),
        alibaba_app_secret=_unique("b2b-app-secret"),
        alibaba_access_token=_unique("b2b-access-token"),
    )
    robots = RobotReceiver(secret=_unique("SECrobot-secret"), token=_unique("robot-token"))
    url = f"sqlite:///{tmp_path}/var/kuajing.sqlite3"
    with SandboxServer(seed=1688, start=current_hour(), credentials=creds) as sandbox, robots:
        base = sandbox.base_url
        settings = Settings(
            database_url=url,
            clock_url=base,
            alibaba1688_calls_per_second=1000,
            aliexpress_calls_per_second=1000,
            alert_dingtalk_webhook=robots.url("dingtalk"),
            alert_dingtalk_secret=robots.secret,
            alert_feishu_webhook=robots.url("feishu"),
            alert_feishu_secret=robots.secret,
            alert_wecom_webhook=robots.url("wecom"),
            alert_exception_queue_threshold=0,  # the unmapped listings raise an alert at once
        )
        web = TestClient(create_app(settings))  # the web app starts first, as in the demo
        migrate.upgrade(url)
        factory = make_session_factory(make_engine(url))
        accounts = httpx.get(f"{base}/sandbox/accounts").json()
        with factory() as session:
            service.connect_sandbox(session, base, accounts)
            account = StoreRepository(session).buyer_accounts()[0]
            with service.alibaba_client(account, settings) as buyer:
                catalog = OfferSnapshots(session, buyer, now=sandbox.world.now())
                install_sandbox_rules(session, base, catalog, now=sandbox.world.now(), skip_every=4)
            session.commit()
        httpx.post(f"{base}/sandbox/orders/generate", params={"count": 16}).raise_for_status()
        with ClientPool(factory, settings) as pool:
            for _ in range(PASSES):
                httpx.post(f"{base}/sandbox/clock/advance", params={"hours": 1}).raise_for_status()
                run_pass(factory, settings, now=sandbox.world.now, worker="leaks", pool=pool)
                run_alert_pass(factory, settings, sandbox.world.now())

        replies = _every_get_reply(web, factory)
        monkeypatch.setenv("KUAJING_DATABASE_URL", url)
        get_settings.cache_clear()
        listed = CliRunner().invoke(cli_app, ["stores", "list"])
        assert listed.exit_code == 0, listed.output
        status = CliRunner().invoke(cli_app, ["secrets", "status"])
        assert status.exit_code == 0, status.output

        key_file = tmp_path / "var" / "secret.key"
        values = {
            "encryption key": key_file.read_text().strip(),
            "robot secret": robots.secret,
            "robot token": robots.token,
            **_sandbox_secrets(accounts, sandbox),
            **_stored_secrets(factory),
        }
        assert robots.accepted, "the alerts reached the robots (their URLs carry the robot token)"

    logs = caplog.text
    found = {
        f"{label} in {where}"
        for label, value in values.items()
        for where, haystack in (("logs", logs), ("cli", listed.output + status.output), *replies.items())
        if value and value in haystack
    }
    assert found == set(), sorted(found)
    assert "HTTP Request:" in logs and "access_token=***" in logs  # httpx was heard, and masked
    assert len(replies) >= 50, sorted(replies)  # every page and API reply was looked at
    assert "****" in listed.output  # stores list shows the tokens' last characters only


def _sandbox_secrets(accounts: dict[str, Any], sandbox: SandboxServer) -> dict[str, str]:
    """App secrets and every token the sandbox handed out (refreshed ones included)."""
    found = {
        "aliexpress app secret": accounts["aliexpress"]["app_secret"],
        "1688 app secret": accounts["1688"]["app_secret"],
        "1688 access token": accounts["1688"]["access_token"],
    }
    for store in accounts["aliexpress"]["stores"]:
        found[f"store {store['number']} access token"] = store["access_token"]
    for number, store in enumerate(sandbox.world.storefront.stores, start=1):
        for name in ("access_token", "refresh_token"):
            value = getattr(store, name, "")
            if isinstance(value, str) and value:
                found[f"sandbox store {number} {name}"] = value
    return found


def _stored_secrets(factory: Any) -> dict[str, str]:
    """What the database holds after the run, decrypted (a refreshed token is a secret too)."""
    found: dict[str, str] = {}
    with factory() as session:
        repo = StoreRepository(session)
        rows: list[AliExpressStore | Alibaba1688Account] = [*repo.aliexpress_stores(), *repo.buyer_accounts()]
        for row in rows:
            for name in ("app_secret", "access_token", "refresh_token"):
                found[f"stored {row.__tablename__}.{row.id}.{name}"] = getattr(row, name)
    return found


def _path_values(web: TestClient, factory: Any) -> dict[str, list[str]]:
    """Ids that exist, per path parameter name; "1" for the rest (a 404 is a reply too)."""
    with factory() as session:

        def first(sql: str, limit: int = 3) -> list[str]:
            return [str(value) for (value,) in session.execute(text(f"{sql} LIMIT {limit}"))]

        values = {
            "ae_order_id": first("SELECT ae_order_id FROM ae_orders ORDER BY id"),
            "offer_row_id": first("SELECT id FROM sourced_offers ORDER BY id"),
            "listing_id": first("SELECT id FROM compliance_listings ORDER BY id"),
            "opinion_id": first("SELECT id FROM hs_opinions ORDER BY id"),
            "document_id": first("SELECT id FROM compliance_qc_documents ORDER BY id"),
        }
    lines = web.get("/api/logistics/lines").json()
    values["line_id"] = [str(line.get("line_id") or line.get("id")) for line in lines[:2]]
    values["member_id"] = [str(item["member_id"]) for item in web.get("/api/suppliers").json()[:3]]
    values["kind"] = ["order", "sku", "supplier", "store", "country"]
    return {name: found or ["1"] for name, found in values.items()}


def _every_get_reply(web: TestClient, factory: Any) -> dict[str, str]:
    values = _path_values(web, factory)
    replies: dict[str, str] = {}
    for path, names in _get_routes(list(web.app.routes)):  # type: ignore[attr-defined]
        targets = [path]
        for name in names:
            targets = [t.replace(f"{{{name}}}", value) for t in targets for value in values.get(name, ["1"])]
        for target in targets:
            for lang in ("zh-CN", "en"):
                response = web.get(target, params={"lang": lang})
                assert response.status_code < 500, (target, response.status_code, response.text[:500])
                replies[f"GET {target}?lang={lang}"] = _readable(response.content)
    return replies
