"""Every way an offers file is refused: a clear message (zh and en, with the place) and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.sourcing.offers_service import OfferImportOutcome, import_offers_file
from kuajing.sourcing.repository import SourcingRepository

NOW = datetime(2026, 11, 25, tzinfo=UTC)
HEADERS = ["商品ID", "标题", "供应商", "价格", "规格ID"]
GOOD = [["610000001", "手机壳", "义乌厂", "2.5", "S1"], ["610000001", "手机壳", "义乌厂", "2.6", "S2"]]


@pytest.fixture
def session(sqlite_url: str) -> Iterator[Session]:
    migrate.upgrade(sqlite_url)
    with make_session_factory(make_engine(sqlite_url))() as session:
        yield session


def xlsx(path: Path, rows: list[list[Any]], edit: Any = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(sheet)
    workbook.save(path)
    return path


def refused(session: Session, path: Path) -> OfferImportOutcome:
    outcome = import_offers_file(SourcingRepository(session), path, now=NOW)
    assert not outcome.ok and not outcome.keep and outcome.imported == 0
    session.rollback()
    assert SourcingRepository(session).count_offers() == 0
    for problem in outcome.problems:
        assert problem.reason_zh and problem.reason_en and problem.file == path.name
    return outcome


def test_a_file_in_neither_utf8_nor_gbk_is_refused(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("商品ID,标题\n".encode() + b"\xff\xfe\xff\x80\x80\n")
    (problem,) = refused(session, path).problems
    assert "neither UTF-8 nor GBK" in problem.reason_en


def test_a_missing_required_column_is_named(session: Session, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "a.xlsx", [["商品ID", "标题", "价格"], ["610000001", "杯子", "3"]])
    (problem,) = refused(session, path).problems
    assert (problem.row, problem.column) == (1, "供应商 supplier")


def test_duplicate_specs_and_a_repeated_offer_are_refused(session: Session, tmp_path: Path) -> None:
    rows = [HEADERS, *GOOD, ["610000001", "手机壳", "义乌厂", "2.6", "S2"]]
    rows += [["610000002", "杯子", "瓷厂", "3", ""], ["610000001", "手机壳", "义乌厂", "2.5", "S9"]]
    problems = refused(session, xlsx(tmp_path / "d.xlsx", rows)).problems
    assert [(p.row, p.column) for p in problems] == [(4, "规格ID"), (6, "商品ID")]
    assert "duplicate spec" in problems[0].reason_en and "duplicate offer" in problems[1].reason_en


def test_negative_and_non_numeric_prices_and_bad_booleans_are_each_reported(
    session: Session, tmp_path: Path
) -> None:
    rows = [
        [*HEADERS, "诚信通"],
        ["610000001", "壳", "厂", "-2", "S1", "是"],
        ["610000002", "壳", "厂", "两元", "", "maybe"],
    ]
    problems = refused(session, xlsx(tmp_path / "p.xlsx", rows)).problems
    assert [(p.row, p.column) for p in problems] == [(2, "价格"), (3, "价格"), (3, "诚信通")]


def test_price_tiers_out_of_order_are_refused(session: Session, tmp_path: Path) -> None:
    rows = [
        ["商品ID", "标题", "供应商", "价格1-99", "价格100-999", "价格1000+"],
        ["610000001", "壳", "厂", 2.5, 2.1, 2.3],
    ]
    (problem,) = refused(session, xlsx(tmp_path / "t.xlsx", rows)).problems
    assert "out of order" in problem.reason_en and problem.row == 2


def test_merged_cells_are_refused_with_the_range(session: Session, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "m.xlsx", [HEADERS, *GOOD], lambda sheet: sheet.merge_cells("B2:B3"))
    (problem,) = refused(session, path).problems
    assert (problem.row, problem.column) == (2, "B2:B3") and "merged" in problem.reason_en


def test_a_formula_is_refused_with_its_cell(session: Session, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "f.xlsx", [HEADERS, *GOOD], lambda sheet: sheet.__setitem__("D3", "=D2+0.1"))
    (problem,) = refused(session, path).problems
    assert (problem.row, problem.column) == (3, "D3") and "formula" in problem.reason_en


def test_an_empty_sheet_a_zero_byte_file_and_a_non_xlsx_file_are_refused(
    session: Session, tmp_path: Path
) -> None:
    assert "empty" in refused(session, xlsx(tmp_path / "e.xlsx", [])).problems[0].reason_en
    (tmp_path / "zero.xlsx").write_bytes(b"")
    assert "0 bytes" in refused(session, tmp_path / "zero.xlsx").problems[0].reason_en
    (tmp_path / "pic.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert "not an xlsx or csv" in refused(session, tmp_path / "pic.xlsx").problems[0].reason_en
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    assert "xlsx" in refused(session, tmp_path / "broken.xlsx").problems[0].reason_en
