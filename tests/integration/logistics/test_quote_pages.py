"""The landed-cost calculator, the rate-card page and the logistics JSON API, on a migrated SQLite app.

Figures come from the shipped data (sample rate cards, dated duty/VAT rules, FX), so each test
states what it relies on: the EU's flat €3 per distinct HS6 from 2026-07-01, the US rule after
2026-07-24 that is still to be confirmed, lines that refuse batteries or parcels over 500 g.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.web.app import create_app

DE_JULY = {
    "goods_cny": "12.50",
    "weight_g": "180",
    "size_cm": "15x8x2",
    "hs_codes": "392690, 420212",  # two distinct subheadings: €3 each
    "country": "DE",
    "date": "2026-07-02",
    "dropship": "true",
}
MONEY_FIELDS = ("freight", "duty", "vat", "commission", "expected_cost", "total")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('logistics')) / 'kuajing.sqlite3'}"
    migrate.upgrade(url)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def _page(client: TestClient, **params: str) -> tuple[int, str]:
    client.cookies.clear()  # ?lang=en sets a cookie; each page here starts in the default language
    reply = client.get(f"/logistics/quote?{urlencode(params)}")
    return reply.status_code, html.unescape(reply.text)


def _quote_api(client: TestClient, **body: Any) -> dict[str, Any]:
    reply = client.post("/api/logistics/quote", json=body)
    assert reply.status_code == 200, reply.text
    result: dict[str, Any] = reply.json()
    return result


def _row_lines(text: str) -> list[str]:
    return re.findall(r'<tr class="quote-row[^"]*" data-line="([a-z0-9_]+)"', text)


# --- the calculator page -------------------------------------------------------------------------


def test_calculator_opens_with_the_defaults_and_no_comparison_yet(client: TestClient) -> None:
    status, text = _page(client)

    assert status == 200
    assert "运费与落地成本试算" in text
    today_for_seller = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the page: settings.timezone
    for value in ("12.50", "180", "15x8x2", "392690", "DE", today_for_seller.isoformat()):
        assert f'value="{value}"' in text
    assert 'href="/logistics/quote" class="active">运费试算</a>' in text  # the nav link
    assert "quote-row" not in text


def test_calculator_speaks_english_with_lang_en(client: TestClient) -> None:
    status, text = _page(client, lang="en")

    assert status == 200
    assert "Landed-cost calculator" in text
    assert ">Landed cost</a>" in text
    assert "1688 unit price (¥)" in text


def test_submitted_quote_compares_every_line_best_first_with_sources_badges_and_chart(
    client: TestClient,
) -> None:
    api = _quote_api(client, **{**DE_JULY, "hs_codes": ["392690", "420212"]})

    status, text = _page(client, **DE_JULY)

    assert status == 200
    lines = _row_lines(text)
    assert lines == [quote["line"] for quote in api["quotes"]]
    assert f'<tr class="quote-row best" data-line="{api["best"]}"' in text
    assert text.count("quote-row best") == 1
    assert api["explanation_zh"] in text
    assert text.count("€6.00") >= len(lines)  # the flat duty, in euros, on every low-value line
    assert "rule eu-flat-3-2026: HS 392690: 3 EUR; HS 420212: 3 EUR" in text  # each cost's source
    assert "速卖通销售时代收" in text  # who collects the VAT
    assert '<span class="badge sample"' in text and "示例数据" in text  # the shipped cards are samples
    assert "待确认" not in text  # the EU rule is confirmed
    assert "<svg" in text and "<polyline" in text and "发往 DE 的运费随重量变化" in text
    assert re.search(rf'<g class="series best" data-line="{api["best"]}">', text)


def test_the_comparison_reads_in_english_too(client: TestClient) -> None:
    api = _quote_api(client, **DE_JULY)

    status, text = _page(client, **DE_JULY, lang="en")

    assert status == 200
    assert api["explanation_en"] in text
    assert "★ Best" in text and "Sample data" in text and "AliExpress, at sale" in text
    assert "Freight to DE by weight" in text
    assert "lang=zh-CN" in text and "goods_cny=12.50" in text  # the language switch keeps the quote


def test_a_rule_still_to_confirm_is_badged_on_every_line(client: TestClient) -> None:
    params = {**DE_JULY, "country": "US", "hs_codes": "392690", "date": "2026-12-01"}
    api = _quote_api(client, **params)

    status, text = _page(client, **params)

    assert status == 200
    assert api["quotes"] and all(quote["to_confirm"] for quote in api["quotes"])
    assert text.count('<span class="badge to-confirm"') == len(api["quotes"])


def test_refused_lines_are_listed_with_their_reason(client: TestClient) -> None:
    params = {**DE_JULY, "weight_g": "900", "battery": "true"}
    api = _quote_api(client, **params)

    status, text = _page(client, **params)

    assert status == 200
    refused = {item["line"]: item["reason"] for item in api["refused"]}
    assert refused["cainiao_super_economy"] == "too_heavy"
    assert refused["ae_saver_simple"] == "battery_not_accepted"
    assert "无法承运的线路" in text
    assert re.search(r'data-line="cainiao_super_economy">[^<]*<span[^>]*>[^<]*</span>: 超重', text)
    assert "不收带电货物" in text
    assert "cainiao_super_economy" not in _row_lines(text)


def test_a_bad_field_on_the_page_is_shown_next_to_it_and_the_form_keeps_the_values(
    client: TestClient,
) -> None:
    status, text = _page(client, **{**DE_JULY, "weight_g": "heavy", "hs_codes": "39"})

    assert status == 422
    assert '<div class="error field-problem" data-field="weight_g">应为整数' in text
    assert '<div class="error field-problem" data-field="hs_codes">HS 编码应为 6–10 位数字: 39' in text
    assert 'value="heavy"' in text and 'value="12.50"' in text
    assert "quote-row" not in text


# --- the JSON API --------------------------------------------------------------------------------


def test_quote_api_answers_the_contract_fields_with_money_as_amount_and_currency(client: TestClient) -> None:
    result = _quote_api(client, **{**DE_JULY, "hs_codes": ["392690", "420212"]})

    quotes = result["quotes"]
    assert quotes and result["best"] == quotes[0]["line"]
    for quote in quotes:
        assert isinstance(quote["line"], str) and quote["chargeable_weight_g"] == 180
        assert quote["vat_collected_by"] == "marketplace"
        for field in MONEY_FIELDS:
            assert set(quote[field]) == {"amount", "currency"}, field
            assert quote[field]["currency"] == "CNY"
    expected = [float(quote["expected_cost"]["amount"]) for quote in quotes]
    assert expected == sorted(expected)


def test_de_after_july_2026_charges_three_euros_per_distinct_hs6_on_low_value_lines(
    client: TestClient,
) -> None:
    two = _quote_api(client, **{**DE_JULY, "hs_codes": ["392690", "420212"]})
    one = _quote_api(client, **{**DE_JULY, "hs_codes": ["392690", "3926909700"]})  # one subheading

    for result, euros in ((two, "6.00"), (one, "3.00")):
        low_value = [quote for quote in result["quotes"] if quote["tax_regime"] == "low_value"]
        assert low_value
        for quote in low_value:
            [duty] = [line for line in quote["breakdown"] if line["key"] == "duty"]
            assert duty["amount"] == {"amount": euros, "currency": "EUR"}, quote["line"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weight_g": 0}, "weight_g"),
        ({"goods_cny": 12.5}, "goods_cny"),  # a float is not an exact amount
        ({"size_cm": "15x8"}, "size_cm"),
        ({"country": "Germany"}, "country"),
        ({"date": "2026-02-30"}, "date"),
        ({"line": "no_such_line"}, "line"),
        ({"category": "no_such_category"}, "category"),
        ({"weight": 180}, "weight"),  # a misspelt field is not silently ignored
    ],
)
def test_quote_api_rejects_a_bad_field_with_422_naming_it_in_both_languages(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    reply = client.post("/api/logistics/quote", json={**DE_JULY, **change})

    assert reply.status_code == 422
    error = reply.json()
    assert error["code"] == "quote_input_invalid"
    assert error["details"]["field"] == field
    assert field in error["message_zh"] and field in error["message_en"]
    assert error["message_zh"] != error["message_en"]


def test_lines_api_lists_the_cards_in_force_and_one_by_id(client: TestClient) -> None:
    reply = client.get("/api/logistics/lines", params={"date": "2026-07-02"})

    assert reply.status_code == 200
    cards = reply.json()
    assert {"ae_standard", "cainiao_super_economy"} <= {card["line"] for card in cards}
    assert all(card["user_imported"] is False and card["sample"] is True for card in cards)
    one = client.get("/api/logistics/lines/ae_standard", params={"date": "2026-07-02"})
    assert one.status_code == 200 and one.json()["volumetric_divisor"] == 8000
    assert client.get("/api/logistics/lines/no_such_line").status_code == 404
    bad = client.get("/api/logistics/lines", params={"date": "July"})
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "date"


# --- the rate-card page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh-CN", ("物流线路与运价表", "无忧物流-标准", "官方线路", "货代", "示例数据", "仅按实重")),
        (
            "en",
            ("Logistics lines and rate cards", "AliExpress Standard Shipping", "Forwarder", "Sample data"),
        ),
    ],
)
def test_lines_page_lists_the_cards_in_force_in_either_language(
    client: TestClient, lang: str, words: tuple[str, ...]
) -> None:
    reply = client.get("/logistics/lines", params={"date": "2026-07-02", "lang": lang})

    assert reply.status_code == 200
    text = html.unescape(reply.text)
    for word in words:
        assert word in text
    assert 'href="/logistics/quote?line=ae_standard&country=DE' in text
    assert "5.8 %" in text  # the forwarders' clearance-failure rate
