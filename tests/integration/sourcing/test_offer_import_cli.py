"""``kuajing offers import / count / list`` as a seller runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from typer.testing import CliRunner

from kuajing.cli import app
from kuajing.config import get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.sourcing.repository import SourcingRepository

runner = CliRunner()
ZH_HEADERS = [
    "商品ID",
    "标题",
    "供应商",
    "价格",
    "阶梯价",
    "起订量",
    "重量(克)",
    "尺寸",
    "规格ID",
    "规格",
    "诚信通",
    "超级工厂",
]
EN_HEADERS = [
    "offerId",
    "title",
    "supplier",
    "price",
    "MOQ",
    "weight(kg)",
    "size",
    "spec_id",
    "stock",
    "dropship",
]


TIERS = "1-99:2.50;100-999:2.10;1000+:1.80"


def _zh_rows() -> list[list[Any]]:
    return [
        ["610000001", "手机壳", "义乌小商品厂", "2.50", TIERS, "2", "35", "15x8x2", "S1", "颜色:黑色", "是", "否"],  # noqa: E501
        ["610000001", "手机壳", "义乌小商品厂", "2.60", TIERS, "2", "35", "15x8x2", "S2", "颜色:红色", "是", "否"],  # noqa: E501
        ["610000002", "收纳盒", "深圳塑料厂", "8.00", "", "1", "120", "20x10x5", "", "", "Y", "N"],
    ]  # fmt: skip


def write_xlsx(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, headers: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


@pytest.fixture
def database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    migrate.upgrade(database_url)
    monkeypatch.setenv("KUAJING_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


@pytest.fixture
def sqlite_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    migrate.upgrade(sqlite_url)
    monkeypatch.setenv("KUAJING_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


def offers_import(*args: str, code: int = 0) -> dict[str, Any]:
    result = runner.invoke(app, ["offers", "import", *args, "--json"])
    assert result.exit_code == code, result.output
    reply: dict[str, Any] = json.loads(result.stdout)
    return reply


def stored(url: str) -> int:
    with make_session_factory(make_engine(url))() as session:
        return SourcingRepository(session).count_offers()


def test_chinese_xlsx_imports_offers_specs_and_suppliers_then_reimport_changes_nothing(
    database: str, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "货源.xlsx", ZH_HEADERS, _zh_rows())
    assert offers_import(str(path)) == {"imported": 2, "unchanged": 0, "rejected": []}
    assert offers_import(str(path)) == {"imported": 0, "unchanged": 2, "rejected": []}
    count = runner.invoke(app, ["offers", "count"])
    assert count.exit_code == 0 and count.stdout.strip() == "2"
    with make_session_factory(make_engine(database))() as session:
        repository = SourcingRepository(session)
        offer = repository.offer(610000001)
        assert offer is not None
        assert offer.price_tiers == [[1, "2.50"], [100, "2.10"], [1000, "1.80"]]
        assert (offer.unit_price, offer.min_order_quantity, offer.weight_g) == (2.5, 2, 35)
        assert [(s.spec_id, s.attributes, str(s.price)) for s in repository.specs(offer.id)] == [
            ("S1", "颜色:黑色", "2.500000"),
            ("S2", "颜色:红色", "2.600000"),
        ]
        suppliers = {s.name: s for s in repository.list_suppliers()}
        assert suppliers["义乌小商品厂"].trust_pass and not suppliers["义乌小商品厂"].super_factory
    listed = json.loads(runner.invoke(app, ["offers", "list", "--json", "--limit", "1"]).stdout)
    assert [item["offer_id"] for item in listed] == [610000001]


def test_a_changed_row_updates_the_offer_and_its_specs(database: str, tmp_path: Path) -> None:
    rows = _zh_rows()
    offers_import(str(write_xlsx(tmp_path / "a.xlsx", ZH_HEADERS, rows)))
    rows[1][3] = "2.70"
    rows[1][9] = "颜色:蓝色"
    assert offers_import(str(write_xlsx(tmp_path / "b.xlsx", ZH_HEADERS, rows))) == {
        "imported": 1,
        "unchanged": 1,
        "rejected": [],
    }
    with make_session_factory(make_engine(database))() as session:
        repository = SourcingRepository(session)
        offer = repository.offer(610000001)
        assert offer is not None
        assert [s.attributes for s in repository.specs(offer.id)] == ["颜色:黑色", "颜色:蓝色"]


def test_any_bad_row_writes_nothing_and_lists_every_problem(database: str, tmp_path: Path) -> None:
    rows = _zh_rows()
    rows[0][3] = "-1"
    rows[2][3] = "abc"
    rows[1][4] = "1-99:2.50;100-999:2.80"
    reply = offers_import(str(write_xlsx(tmp_path / "bad.xlsx", ZH_HEADERS, rows)), code=1)
    assert reply["imported"] == 0
    assert [(r["row"], r["column"]) for r in reply["rejected"]] == [(2, "价格"), (3, "阶梯价"), (4, "价格")]
    assert "price tiers out of order" in reply["rejected"][1]["reason"]
    assert stored(database) == 0


def test_good_rows_only_writes_the_good_offers_and_reports_the_rest(database: str, tmp_path: Path) -> None:
    rows = _zh_rows()
    rows[2][3] = "-8"
    rejects = tmp_path / "rejects.xlsx"
    path = write_xlsx(tmp_path / "bad.xlsx", ZH_HEADERS, rows)
    reply = offers_import(str(path), "--good-rows-only", "--rejects", str(rejects), code=1)
    assert reply["imported"] == 1 and [r["row"] for r in reply["rejected"]] == [4]
    assert stored(database) == 1
    sheet = load_workbook(rejects).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("行 row", "原因 reason", "reason (en)", "商品ID")
    assert values[1][0] == 4 and "must not be negative" not in values[1][2] and "above 0" in values[1][2]


def test_gbk_csv_with_chinese_headers_imports(sqlite_db: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", ZH_HEADERS, _zh_rows(), encoding="gbk")
    assert offers_import(str(path))["imported"] == 2
    assert stored(sqlite_db) == 2


def test_english_headers_and_utf8_bom_csv_import(sqlite_db: str, tmp_path: Path) -> None:
    rows = [["610000009", "Phone case", "Yiwu Co", "3.10", "5", "0.035", "15 x 8 x 2", "", "100", "true"]]
    path = write_csv(tmp_path / "en.csv", EN_HEADERS, rows, encoding="utf-8-sig")
    assert offers_import(str(path)) == {"imported": 1, "unchanged": 0, "rejected": []}
    with make_session_factory(make_engine(sqlite_db))() as session:
        offer = SourcingRepository(session).offer(610000009)
        assert offer is not None and offer.weight_g == 35 and offer.min_order_quantity == 5


def test_an_unknown_header_mapped_by_hand_is_remembered_for_the_next_file(
    sqlite_db: str, tmp_path: Path
) -> None:
    headers = ["货号", "标题", "供应商", "价格"]
    rows = [["610000003", "杯子", "景德镇瓷厂", "5.5"]]
    first = offers_import(str(write_csv(tmp_path / "a.csv", headers, rows)), code=1)
    assert first["rejected"][0]["column"] == "商品ID offer_id"
    assert "--map offer_id=" in first["rejected"][0]["reason"]
    assert offers_import(str(tmp_path / "a.csv"), "--map", "offer_id=货号")["imported"] == 1
    rows[0][0] = "610000004"
    assert offers_import(str(write_csv(tmp_path / "b.csv", headers, rows)))["imported"] == 1
    assert stored(sqlite_db) == 2
