"""`kuajing quote`, `kuajing price` and `kuajing lines list` as a user runs them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from kuajing.cli import app
from kuajing.config import get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.sandbox.server import SandboxServer
from kuajing.stores.service import connect_sandbox

runner = CliRunner()
MONEY_FIELDS = ("freight", "duty", "vat", "commission", "expected_cost", "total")


@pytest.fixture
def database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    migrate.upgrade(sqlite_url)
    monkeypatch.setenv("KUAJING_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_quote_prints_every_lines_itemised_quote_and_the_best_line(database: str) -> None:
    reply = invoke(
        "quote", "--goods-cny", "12.50", "--weight-g", "180", "--size-cm", "15x8x2",
        "--hs", "392690", "--hs", "420212", "--country", "DE", "--date", "2026-07-02", "--json",
    )  # fmt: skip
    assert reply["best"] == reply["quotes"][0]["line"]
    assert len(reply["quotes"]) == 8
    for quote in reply["quotes"]:
        assert quote["chargeable_weight_g"] == 180
        for field in MONEY_FIELDS:
            assert set(quote[field]) == {"amount", "currency"} and quote[field]["currency"] == "CNY"
        assert quote["duty"]["amount"] == "46.20"  # two subheadings × €3 × 7.70
        assert quote["vat_collected_by"] == "marketplace"
    assert "最优线路" in reply["explanation_zh"] and "best line" in reply["explanation_en"]


def test_quote_on_one_line_at_a_given_price(database: str) -> None:
    reply = invoke(
        "quote", "--goods-cny", "12.50", "--weight-g", "180", "--hs", "392690", "--country", "US",
        "--date", "2026-03-01", "--line", "ae_saver_simple", "--price-usd", "15", "--json",
    )  # fmt: skip
    (quote,) = reply["quotes"]
    assert (quote["line"], quote["price"]["amount"], quote["tax_rule"]) == (
        "ae_saver_simple",
        "15",
        "us-section-122",
    )
    assert quote["duty"]["amount"] == "16.33"  # (5.3 % + 10 % Section 122) × $15 = 2.295 → $2.30 × 7.10
    assert quote["vat_collected_by"] == "none"


def test_quote_reads_price_weight_and_size_from_a_1688_offer(database: str, sandbox: SandboxServer) -> None:
    with make_session_factory(make_engine(database))() as session:
        connect_sandbox(session, sandbox.base_url, httpx.get(f"{sandbox.base_url}/sandbox/accounts").json())
        session.commit()
    offers = httpx.get(f"{sandbox.base_url}/sandbox/catalog/offers", params={"limit": 1}).json()
    offer_id = offers["offer_ids"][0]
    offer = sandbox.world.catalog.offers[offer_id]
    reply = invoke("quote", "--offer", str(offer_id), "--hs", "392690", "--country", "FR", "--json")
    goods = next(item for item in reply["quotes"][0]["breakdown"] if item["key"] == "goods")
    assert goods["source"].startswith("1688 unit price")
    assert reply["quotes"][0]["chargeable_weight_g"] >= offer.weight_g


def test_price_lists_a_price_per_country(database: str) -> None:
    rows = invoke(
        "price", "--goods-cny", "12.50", "--weight-g", "180", "--hs", "392690",
        "--countries", "DE,US,NZ", "--margin", "0.3", "--date", "2026-12-01", "--json",
    )  # fmt: skip
    de, us, nz = rows
    assert float(de["margin"]) >= 0.3 and float(us["margin"]) >= 0.3
    assert de["buyer_pays"]["amount"] > de["price"]["amount"]
    assert nz["line"] is None and nz["refused"]


def test_lines_list_json_lists_the_cards_in_force(database: str) -> None:
    cards = invoke("lines", "list", "--json", "--date", "2026-12-01")
    lines = {card["line"]: card for card in cards}
    assert {"ae_saver_simple", "ae_standard", "ae_premium", "fwd_yanwen_tracked"} <= set(lines)
    assert lines["ae_saver_simple"]["name_zh"] == "无忧物流-简易"
    assert all(card["sample"] and card["source"] for card in cards)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--goods-cny", "x", "--weight-g", "180"], "--goods-cny"),
        (["--goods-cny", "1", "--weight-g", "180", "--size-cm", "15x8"], "15x8x2"),
        (["--goods-cny", "1"], "--weight-g"),
        (["--goods-cny", "1", "--weight-g", "180", "--date", "2026-13-01"], "--date"),
        (["--goods-cny", "1", "--weight-g", "180", "--line", "no_such_line"], "no_such_line"),
    ],
)
def test_bad_input_exits_1_and_says_what(database: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["quote", "--hs", "392690", "--country", "DE", *args])
    assert result.exit_code != 0
    assert message in (result.output + str(result.exception))
