"""`kuajing preclass` through typer's CliRunner on a migrated SQLite database; the page and API too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from typer.testing import CliRunner

from kuajing.cli import app
from kuajing.config import Settings, get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.sourcing.tables import SourcedOfferRow, SupplierRow
from kuajing.web.app import create_app

runner = CliRunner()
NOW = datetime(2026, 7, 1, 8, tzinfo=UTC)
OFFER = 652345678901
TITLE = "适用iPhone15手机壳 硅胶防摔保护套"


def _seed(url: str) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        session.execute(
            insert(SupplierRow), [{"id": 1, "member_id": "m1", "name": "深圳壳王工厂", "updated_at": NOW}]
        )
        session.execute(
            insert(SourcedOfferRow),
            [
                {
                    "id": 1,
                    "offer_id": OFFER,
                    "supplier_id": 1,
                    "title": TITLE,
                    "material": "硅胶",
                    "category": "手机壳",
                    "attributes": {"材质": "硅胶"},
                    "price_tiers": [[2, "6.50"]],
                    "unit_price": Decimal("6.50"),
                    "weight_g": 60,
                    "source": "test",
                    "content_hash": "1",
                    "imported_at": NOW,
                    "updated_at": NOW,
                }
            ],
        )
        session.commit()
    engine.dispose()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'preclass.sqlite3'}"
    _seed(url)
    monkeypatch.setenv("KUAJING_DATABASE_URL", url)
    monkeypatch.setenv("KUAJING_HS_OPINION_FOLDER", str(tmp_path / "opinions"))
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["preclass", *args])
    assert result.exit_code == code, result.output
    return result.output


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "".join("".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document)))


def test_pack_command_writes_a_chinese_pdf_with_the_proposed_codes(database: str, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    output = _run("pack", "--offer-id", str(OFFER), "--out", str(out), "--applicant", "义乌示例贸易")
    assert str(out) in output and TITLE in output
    text = _text(out.read_bytes())
    assert "".join(TITLE.split()) in text and "义乌示例贸易" in text and "拟申报商品编码及理由" in text


def test_opinion_command_records_the_file_and_list_shows_it(database: str, tmp_path: Path) -> None:
    document = tmp_path / "意见书.pdf"
    document.write_bytes(b"%PDF-1.4 scan")
    output = _run(
        "opinion",
        "--offer-id",
        str(OFFER),
        "--hs6",
        "392690",
        "--date",
        "2026-06-20",
        "--authority",
        "海关总署",
        "--reference",
        "HG-2026-1",
        "--file",
        str(document),
    )
    assert "HS 392690" in output and "海关总署" in output

    (row,) = json.loads(_run("list", "--json"))
    assert row["subject_kind"] == "offer" and row["subject_id"] == OFFER and row["hs6"] == "392690"
    assert row["reference"] == "HG-2026-1" and row["document"].endswith(".pdf")
    stored = list((tmp_path / "opinions").rglob("*.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes() == b"%PDF-1.4 scan"
    assert f"offer {OFFER} HS 392690" in _run("list")


def test_opinion_with_an_unknown_code_exits_1_in_both_languages(database: str) -> None:
    result = runner.invoke(
        app,
        [
            "preclass",
            "opinion",
            "--offer-id",
            str(OFFER),
            "--hs6",
            "123456",
            "--date",
            "2026-06-20",
            "--authority",
            "海关总署",
        ],
    )
    assert result.exit_code == 1
    assert "hs_code_unknown" in result.output and "HS 2022" in result.output and "六位子目" in result.output
    assert "no opinions recorded" in _run("list")


def test_page_lists_the_offer_records_an_opinion_and_serves_the_pack(database: str, tmp_path: Path) -> None:
    settings = Settings(database_url=database, hs_opinion_folder=str(tmp_path / "web-opinions"))
    with TestClient(create_app(settings)) as client:
        page = client.get("/compliance/hs")
        assert page.status_code == 200 and TITLE in page.text and "尚无意见" in page.text

        pdf = client.get("/compliance/hs/pack.pdf", params={"offer_id": OFFER})
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert "".join(TITLE.split()) in _text(pdf.content)

        bad = client.post(
            "/compliance/hs/opinions",
            data={
                "offer_id": str(OFFER),
                "hs6": "999999",
                "opinion_date": "2026-06-20",
                "authority": "深圳海关",
            },
        )
        assert bad.status_code == 422 and "hs_code_unknown" in bad.text

        done = client.post(
            "/compliance/hs/opinions",
            data={
                "offer_id": str(OFFER),
                "hs6": "3926.90",
                "opinion_date": "2026-06-20",
                "authority": "深圳海关",
                "national_code": "3926909090",
            },
            files={"file": ("opinion.pdf", b"%PDF-1.4 web", "application/pdf")},
            follow_redirects=False,
        )
        assert done.status_code == 303
        official = client.get("/api/compliance/hs/official", params={"offer_id": OFFER}).json()
        assert official["official_hs6"] == "392690" and official["declared_hs_code"] == "3926909090"
        opinion_id = official["opinion"]["id"]
        assert client.get(f"/compliance/hs/opinions/{opinion_id}/document").content == b"%PDF-1.4 web"
        page = client.get("/compliance/hs", params={"lang": "en"})
        assert "392690" in page.text and "Opinion document" in page.text
        packed = client.get("/api/compliance/hs/pack", params={"offer_id": OFFER}).json()
        assert packed["title_zh"] == TITLE and packed["candidates"]
