"""商品核对: the guide's PVC case titled 硅胶 on the page (evidence highlighted, correction proposed, HS
candidates), confirming a code teaches the model, and the two JSON endpoints behind it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.web.app import create_app

CASE = {
    "title": "iPhone 15 硅胶手机壳 防摔",
    "attrs": "颜色=黑色",
    "offer_title": "适用苹果15手机壳 透明防摔",
    "offer_attrs": "材质=PVC\n颜色=黑色",
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'check.sqlite3'}"
    migrate.upgrade(url)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def test_the_pvc_case_sold_as_silicone_shows_the_conflict_its_evidence_and_the_fix(
    client: TestClient,
) -> None:
    reply = client.get("/compliance/check", params={**CASE, "lang": "zh-CN"})
    assert reply.status_code == 200
    page = html.unescape(reply.text)
    assert 'data-kind="material_mismatch"' in page and 'class="conflict error"' in page
    assert "iPhone 15 <mark>硅胶</mark>手机壳 防摔" in page and "<mark>PVC</mark>" in page
    assert '<td class="proposed-title">iPhone 15 PVC手机壳 防摔</td>' in page
    codes = re.findall(r'<tr data-hs6="(\d{6})">', page)
    assert len(codes) == 5 and "392690" in codes[:3], codes
    english = html.unescape(client.get("/compliance/check", params={**CASE, "lang": "en"}).text)
    assert "the offer's material is the better evidence" in english and "HS candidates" in english


def test_a_consistent_product_has_no_conflict(client: TestClient) -> None:
    same = {**CASE, "title": "iPhone 15 PVC手机壳 防摔"}
    page = html.unescape(client.get("/compliance/check", params={**same, "lang": "en"}).text)
    assert "No conflicts found." in page and "data-kind=" not in page


def test_confirming_a_code_puts_it_first_for_that_product(client: TestClient) -> None:
    before = html.unescape(client.get("/compliance/check", params=CASE).text)
    assert re.findall(r'<tr data-hs6="(\d{6})">', before)[0] != "392690"  # the silicone title misleads
    reply = client.post("/compliance/check/confirm", data={**CASE, "category": "", "hs6": "392690"})
    assert reply.status_code == 200 and 'data-confirmed="392690"' in reply.text  # followed the 303
    after = html.unescape(reply.text)
    assert re.findall(r'<tr data-hs6="(\d{6})">', after)[0] == "392690"
    refused = client.post("/compliance/check/confirm", data={**CASE, "category": "", "hs6": "999999"})
    assert refused.status_code == 422


def test_a_bad_attribute_line_is_named(client: TestClient) -> None:
    reply = client.get("/compliance/check", params={**CASE, "attrs": "颜色=黑色\n=PVC", "lang": "en"})
    assert reply.status_code == 422 and "attrs, line 2" in html.unescape(reply.text)


def test_check_text_and_suggest_json(client: TestClient) -> None:
    body = {"title": CASE["title"], "offer_attributes": {"材质": "PVC"}}
    result = client.post("/api/compliance/check-text", json=body).json()
    assert [c["kind"] for c in result["conflicts"]] == ["material_mismatch"]
    assert result["proposed_title"] == "iPhone 15 PVC手机壳 防摔"
    assert client.post("/api/compliance/check-text", json={"title": ""}).status_code == 422
    ranked = client.get("/api/compliance/hs/suggest", params={"title": "纯棉短袖T恤 男", "top": "3"}).json()
    assert len(ranked) == 3 and ranked[0]["hs6"].startswith("61")
    assert ranked[0]["confidence"] >= ranked[1]["confidence"] and ranked[0]["evidence"]
    assert client.get("/api/compliance/hs/suggest", params={"title": "x", "top": "50"}).status_code == 422
    assert client.get("/api/compliance/hs/suggest").status_code == 422
