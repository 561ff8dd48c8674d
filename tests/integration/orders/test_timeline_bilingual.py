"""The order page's timeline gives each change's reason in the page's language, after the real loop
(sandbox over HTTP: sync, route, buy, ship, upload tracking); a reason stored as free text by an
older version still shows, as stored."""

from __future__ import annotations

import html
import re

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_order_loop import _setup  # same folder (pytest puts it on sys.path)

from kuajing.config import Settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.jobs import run_pass
from kuajing.orders.tables import AeOrderRow, StateChangeRow
from kuajing.sandbox.server import SandboxServer
from kuajing.web.app import create_app

WHY_CELL = re.compile(r'<td class="why" data-why="([^"]*)">(.*?)</td>', re.DOTALL)
QUOTED = re.compile(r'<span class="muted quoted" data-i18n-skip>.*?</span>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")
TOKEN = re.compile(r"[A-Za-z][\w.@/:\-]*")


def _settings(sandbox: SandboxServer, database_url: str) -> Settings:
    """The loop tests' sandbox setup (every fifth SKU left unmapped); the pages on the sandbox clock."""
    return _setup(sandbox, database_url, skip_every=5).model_copy(update={"clock_url": sandbox.base_url})


def _english_words(text: str) -> list[str]:
    """Latin words that are words, not codes (codes carry a digit, ``_``, ``:`` … or are all capitals)."""
    return [
        token
        for token in TOKEN.findall(text)
        if token.isalpha() and not token.isupper() and token != "AliExpress"
    ]


def test_after_the_loop_every_timeline_reason_is_chinese_on_the_chinese_page(
    sandbox: SandboxServer, sqlite_url: str
) -> None:
    settings = _settings(sandbox, sqlite_url)
    factory = make_session_factory(make_engine(sqlite_url))
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 12}).raise_for_status()
    sandbox.world.advance(0.5)  # past the cancellation window
    for hours in [0] + [6] * 8:
        sandbox.world.advance(hours)
        run_pass(factory, settings, now=sandbox.world.now, worker="test")
    with factory() as session:
        ae_order_ids = list(session.scalars(select(AeOrderRow.ae_order_id).order_by(AeOrderRow.id)))
    client = TestClient(create_app(settings))

    codes: set[str] = set()
    for ae_order_id in ae_order_ids:
        page = client.get(f"/orders/{ae_order_id}?lang=zh-CN")
        assert page.status_code == 200
        cells = WHY_CELL.findall(page.text)
        assert cells, ae_order_id
        for code, cell in cells:
            text = html.unescape(TAG.sub(" ", QUOTED.sub("", cell)))
            assert code, (ae_order_id, text)  # the catalogue knew the stored reason
            assert not _english_words(text), (ae_order_id, code, text)
            codes.add(code)
    # the loop went through routing, buying and shipping, not just the sync
    assert {"order.synced", "line.routed", "purchase.planned", "order.bought"} <= codes, codes
    assert codes & {"line.exception", "exception.opened"}, codes  # every fifth SKU is unmapped

    english = client.get(f"/orders/{ae_order_ids[0]}?lang=en").text
    assert "synced from AliExpress" in english and "从速卖通同步" not in english


def test_a_free_text_reason_from_an_older_version_is_shown_as_stored(
    sandbox: SandboxServer, sqlite_url: str
) -> None:
    settings = _settings(sandbox, sqlite_url)
    factory = make_session_factory(make_engine(sqlite_url))
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 1}).raise_for_status()
    run_pass(factory, settings, now=sandbox.world.now, worker="test")
    with factory() as session:
        order = session.scalars(select(AeOrderRow)).one()
        session.add(
            StateChangeRow(
                entity="order",
                entity_id=order.id,
                from_state=order.state,
                to_state=order.state,
                at=sandbox.world.now(),
                reason="checked by hand with the buyer on WhatsApp",
                actor="user:web",
            )
        )
        session.commit()
        ae_order_id = order.ae_order_id
    client = TestClient(create_app(settings))
    for lang in ("zh-CN", "en"):
        cells = WHY_CELL.findall(client.get(f"/orders/{ae_order_id}?lang={lang}").text)
        stored = [cell for code, cell in cells if not code]
        assert len(stored) == 1 and "checked by hand with the buyer on WhatsApp" in stored[0]
        assert "data-i18n-skip" in stored[0]  # data, not UI text
