"""The 合规 pages and /api/compliance on a migrated SQLite app: zh and en, filters, forms, JSON."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.web.app import create_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'compliance.sqlite3'}"
    migrate.upgrade(url)
    app = create_app(Settings(database_url=url, compliance_folder=str(tmp_path / "qc")))
    with TestClient(app) as test_client:
        yield test_client


def _post(client: TestClient, path: str, **kwargs: Any) -> tuple[int, str]:
    reply = client.post(path, follow_redirects=True, **kwargs)
    return reply.status_code, html.unescape(reply.text)


def _add(client: TestClient, product_id: int, title: str, markets: str = "DE,FR") -> None:
    status, text = _post(
        client,
        "/compliance/listings",
        data={"product_id": str(product_id), "title": title, "markets": markets},
    )
    assert status == 200, text


def _checks(client: TestClient, **params: str) -> list[dict[str, Any]]:
    reply = client.get("/api/compliance/checks", params=params)
    assert reply.status_code == 200
    rows: list[dict[str, Any]] = reply.json()
    return rows


def test_pages_render_in_chinese_and_english(client: TestClient) -> None:
    _add(client, 1, "Silicone phone case")
    for path in (
        "/compliance",
        "/compliance/listings",
        "/compliance/listings/1",
        "/compliance/epr",
        "/compliance/qc",
    ):
        zh = client.get(path, params={"lang": "zh-CN"})  # the ?lang= cookie sticks: ask each time
        assert zh.status_code == 200, path
        assert "合规" in zh.text and 'href="/compliance"' in zh.text
        en = client.get(path, params={"lang": "en"})
        assert en.status_code == 200 and "Compliance" in en.text, path
    dashboard = html.unescape(client.get("/compliance", params={"lang": "en"}).text)
    assert (
        'data-market="DE"' in dashboard
        and "will be delisted: register stream packaging in country DE" in dashboard
    )
    assert "将被下架" in html.unescape(client.get("/compliance", params={"lang": "zh-CN"}).text)


def test_listing_filters_by_market_and_status(client: TestClient) -> None:
    _add(client, 1, "Silicone phone case", "DE,ES")
    page = client.get("/compliance/listings", params={"market": "ES", "status": "warning"}).text
    assert 'data-market="ES"' in page and 'data-market="DE" data-status' not in page
    assert [(r["market"], r["status"]) for r in _checks(client, market="DE")] == [("DE", "blocking")]
    assert _checks(client, status="ok") == []
    assert {r["market"] for r in _checks(client)} == {"DE", "ES"}


def test_epr_number_with_a_bad_format_is_refused_on_the_page_then_a_good_one_clears_the_listing(
    client: TestClient,
) -> None:
    _add(client, 1, "Silicone phone case", "DE")
    status, text = _post(
        client, "/compliance/epr", data={"country": "DE", "stream": "packaging", "number": "DE123"}
    )
    assert status == 422 and 'data-code="epr_number_invalid"' in text and "号码格式不符" in text
    assert client.get("/api/compliance/epr").json() == []
    status, text = _post(
        client, "/compliance/epr", data={"country": "DE", "stream": "packaging", "number": "DE1234567890123"}
    )
    assert status == 200 and 'data-done="saved"' in text
    assert [r["status"] for r in _checks(client, market="DE")] == ["ok"]
    (registration,) = client.get("/api/compliance/epr").json()
    status, text = _post(client, f"/compliance/epr/{registration['id']}/delete")
    assert status == 200 and [r["status"] for r in _checks(client, market="DE")] == ["blocking"]


def test_french_idu_in_an_odd_shape_is_saved_with_the_warning_shown(client: TestClient) -> None:
    status, text = _post(
        client, "/compliance/epr", data={"country": "FR", "stream": "textiles", "number": "X-1"}
    )
    assert status == 200 and 'data-warned="1"' in text
    status, text = _post(
        client, "/compliance/epr", data={"country": "FR", "stream": "textiles", "number": "X-2"}
    )
    assert status == 409 and 'data-code="epr_registration_exists"' in text


def test_qc_upload_clears_the_category_review_warning_and_the_file_downloads(client: TestClient) -> None:
    _add(client, 5, "Women summer dress", "ES")
    (row,) = _checks(client)
    assert any("category review needs a QC report" in r["message_en"] for r in row["reasons"])
    status, text = _post(
        client,
        "/compliance/qc",
        data={"family": "apparel", "issuer": "SGS", "issued_on": "2026-01-01", "expires_on": "2099-01-01"},
        files={"file": ("报告.pdf", b"%PDF-1.4 report", "application/pdf")},
    )
    assert status == 200 and 'data-done="uploaded"' in text
    (row,) = _checks(client)
    assert not any(r["code"] == "qc_report" for r in row["reasons"])
    (doc,) = client.get("/api/compliance/qc").json()
    assert doc["valid"] and doc["family"] == "apparel"
    assert client.get(f"/compliance/qc/{doc['id']}/file").content == b"%PDF-1.4 report"
    status, _ = _post(
        client,
        "/compliance/qc",
        data={"family": "apparel", "issuer": "SGS", "issued_on": "x"},
        files={"file": ("r.pdf", b"x", "application/pdf")},
    )
    assert status == 422


def test_import_with_a_bad_row_shows_every_problem_and_imports_nothing(client: TestClient) -> None:
    content = b"product_id,title,markets\n11,Phone case,DE\nabc,Earbuds,FR\n"
    status, text = _post(
        client, "/compliance/listings/import", files={"file": ("mine.csv", content, "text/csv")}
    )
    assert status == 422 and 'data-row="3" data-column="product_id"' in text and "mine.csv" in text
    assert _checks(client) == []
    content = b"product_id,title,markets\n11,Phone case,DE\n12,Bluetooth earbuds,FR\n"
    status, text = _post(
        client, "/compliance/listings/import", files={"file": ("mine.csv", content, "text/csv")}
    )
    assert status == 200 and 'data-done="imported"' in text
    assert {r["product_id"] for r in _checks(client)} == {11, 12}


def test_listing_detail_edits_markets_and_the_json_api_shows_it(client: TestClient) -> None:
    _add(client, 9, "蓝牙耳机 Bluetooth earbuds", "DE")
    detail = client.get("/api/compliance/listings/1").json()
    assert detail["listing"]["markets"] == ["DE"]
    assert set(detail["checks"][0]["streams"]) == {"packaging", "eee", "batteries"}
    status, text = _post(client, "/compliance/listings/1/markets", data={"markets": "de, fr"})
    assert status == 200 and 'data-done="markets"' in text
    assert {c["market"] for c in client.get("/api/compliance/listings/1").json()["checks"]} == {"DE", "FR"}
    status, text = _post(client, "/compliance/listings/1/markets", data={"markets": "Germany"})
    assert status == 422
    dashboard = client.get("/api/compliance/dashboard").json()
    assert {m["market"]: m["blocking"] for m in dashboard["markets"]} == {"DE": 1, "FR": 1}
    rules = client.get("/api/compliance/rules").json()
    assert rules["version"] and any(
        r["country"] == "DE" and r["stream"] == "batteries" for r in rules["rules"]
    )
    assert client.get("/api/compliance/listings/999").status_code == 404


def test_listing_detail_shows_material_conflicts_with_the_mapped_1688_offer(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from kuajing.compliance import truth
    from kuajing.sourcing.tables import OfferSnapshotRow

    seen: list[tuple[str, str]] = []

    def fake_check_text(listing: truth.ProductText, offer: truth.ProductText | None = None, **_: Any) -> Any:
        assert offer is not None
        seen.append((listing.title, offer.title))
        conflict = truth.Conflict(
            "material",
            "真皮",
            "PU",
            (),
            "error",
            message_zh="标题写真皮,货源是 PU",
            message_en="title says leather, offer PU",
        )
        return truth.TextCheck({}, (conflict,), listing.title, {})

    monkeypatch.setattr(truth, "check_text", fake_check_text)
    _add(client, 3, "Genuine leather wallet", "DE")
    page = html.unescape(client.get("/compliance/listings/1", params={"lang": "en"}).text)
    assert "No 1688 offer known" in page and seen == []  # no offer mapped: nothing compared
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        session.add(
            OfferSnapshotRow(
                offer_id=777,
                subject="PU皮钱包",
                status="published",
                supplier_member_id="m",
                trust_pass=True,
                super_factory=False,
                dropship=True,
                specs={},
                fetched_at=datetime(2026, 12, 1, tzinfo=UTC),
            )
        )
        session.commit()
    _post(
        client,
        "/compliance/listings",
        data={"product_id": "3", "title": "Genuine leather wallet", "offer_id": "777"},
    )
    page = html.unescape(client.get("/compliance/listings/1", params={"lang": "en"}).text)
    assert seen == [("Genuine leather wallet", "PU皮钱包")]
    assert "title says leather, offer PU" in page
    assert client.get("/api/compliance/listings/1").json()["conflicts"][0]["severity"] == "error"
