"""The offer import page, /sourcing/import, on a migrated SQLite app: upload, mapping step, result."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.repository import SourcingRepository
from kuajing.stores.service import connect_sandbox
from kuajing.web.app import create_app

HEADERS = ["商品ID", "标题", "供应商", "价格", "规格ID", "规格"]
GOOD = [
    ["610000001", "手机壳", "义乌小商品厂", "2.50", "S1", "颜色:黑色"],
    ["610000001", "手机壳", "义乌小商品厂", "2.60", "S2", "颜色:红色"],
    ["610000002", "收纳盒", "深圳塑料厂", "8.00", "", ""],
]


@pytest.fixture
def app_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kuajing.sqlite3'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def client(app_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=app_url))
    app.state.offer_upload_dir = tmp_path / "uploads"
    with TestClient(app) as test_client:
        yield test_client


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in [headers, *rows]).encode("utf-8")


def _xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client: TestClient, name: str, data: bytes, lang: str = "") -> tuple[str, str]:
    """Uploads → (token, the mapping step's text)."""
    query = f"?lang={lang}" if lang else ""
    reply = client.post(f"/sourcing/import/upload{query}", files={"file": (name, data)})
    assert reply.status_code == 200, reply.text
    token = re.search(r"/sourcing/import/([A-Za-z0-9_-]{22})/confirm", reply.text)
    assert token is not None, reply.text
    return token[1], html.unescape(reply.text)


def _selects(text: str) -> dict[str, str]:
    """select name → the selected value, as the browser would post it."""
    chosen: dict[str, str] = {}
    for name, body in re.findall(r'<select name="(col-\d+)">(.*?)</select>', text, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', body)
        chosen[name] = selected[1] if selected else ""
    return chosen


def _mapped(text: str) -> dict[str, str]:
    return dict(re.findall(r'<tr class="mapping-row" data-header="([^"]*)" data-field="([^"]*)">', text))


def _confirm(client: TestClient, token: str, form: dict[str, str], lang: str = "") -> tuple[int, str]:
    query = f"?lang={lang}" if lang else ""
    reply = client.post(f"/sourcing/import/{token}/confirm{query}", data=form)
    return reply.status_code, html.unescape(reply.text)


def _stored(url: str) -> int:
    with make_session_factory(make_engine(url))() as session:
        return SourcingRepository(session).count_offers()


def test_the_page_offers_a_file_upload_and_a_paste_box_and_the_workbench_links_to_it(
    client: TestClient,
) -> None:
    page = client.get("/sourcing/import")
    assert page.status_code == 200
    assert "导入货源" in page.text and 'name="file"' in page.text and 'name="refs"' in page.text
    assert "Import offers" in client.get("/sourcing/import?lang=en").text
    assert 'href="/sourcing/import"' in client.get("/sourcing?lang=zh-CN").text


def test_good_csv_shows_every_header_with_its_field_then_imports_and_reimport_is_unchanged(
    client: TestClient, app_url: str
) -> None:
    token, step = _upload(client, "offers.csv", _csv([*HEADERS, "备注"], [[*row, "x"] for row in GOOD]))

    assert _mapped(step) == {
        "商品ID": "offer_id",
        "标题": "title",
        "供应商": "supplier",
        "价格": "price",
        "规格ID": "spec_id",
        "规格": "spec",
        "备注": "",
    }
    assert '<option value="price" selected>价格 / price</option>' in step
    status, result = _confirm(client, token, _selects(step))
    assert status == 200, result
    assert "offers.csv:已导入 2 个商品,0 个未变化。" in result
    assert _stored(app_url) == 2

    token, step = _upload(client, "offers.csv", _csv([*HEADERS, "备注"], [[*row, "x"] for row in GOOD]))
    status, result = _confirm(client, token, _selects(step))
    assert "已导入 0 个商品,2 个未变化" in result and _stored(app_url) == 2


def test_bad_xlsx_lists_every_rejected_row_writes_nothing_and_the_rejects_xlsx_reads_back(
    client: TestClient, app_url: str
) -> None:
    rows: list[list[Any]] = [
        [610000001, "手机壳", "义乌小商品厂", 2.5, "S1", "黑"],
        [610000002, "收纳盒", "深圳塑料厂", -3, "", ""],
        ["abc", "杯子", "厂", 1, "", ""],
        [610000004, "", "厂", 1, "", ""],
    ]
    token, step = _upload(client, "bad.xlsx", _xlsx(HEADERS, rows))
    status, result = _confirm(client, token, _selects(step))

    assert status == 422
    assert "3 行有错误" in result and "没有导入任何内容" in result
    listed = re.findall(
        r'<tr class="rejected-row"><td>([^<]*)</td><td>(\d*)</td><td>([^<]*)</td><td>([^<]*)</td>', result
    )
    assert [(file, row, column) for file, row, column, _ in listed] == [
        ("bad.xlsx", "3", "价格"),
        ("bad.xlsx", "4", "商品ID"),
        ("bad.xlsx", "5", "标题"),
    ]
    assert "价格必须大于 0" in listed[0][3]
    assert _stored(app_url) == 0

    download = client.get(f"/sourcing/import/{token}/rejects.xlsx")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(download.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("行 row", "原因 reason", "reason (en)")
    assert [row[0] for row in values[1:]] == [3, 4, 5]
    assert "price must be above 0" in values[1][2]

    # "Import the good rows only": the one good offer goes in, the reasons stay listed.
    good = re.search(r'<form [^>]*id="good-rows">(.*?)</form>', result, re.S)
    assert good is not None
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', good[1]))
    status, again = _confirm(client, token, form)
    assert status == 200, again
    assert "已导入 1 个商品" in again and "这些商品未导入" in again
    assert _stored(app_url) == 1


def test_english_page_reports_reasons_in_english(client: TestClient) -> None:
    token, step = _upload(
        client, "bad.csv", _csv(HEADERS, [["610000009", "cup", "maker", "-1", "", ""]]), "en"
    )
    assert "Check the columns: bad.csv" in step and ">supplier / 供应商</option>" in step
    status, result = _confirm(client, token, _selects(step), "en")

    assert status == 422
    assert "1 rows are bad" in result and "nothing was imported" in result
    assert "price must be above 0" in result and "价格必须大于 0" not in result


def test_a_changed_mapping_imports_and_is_remembered_for_the_next_file_with_the_same_headers(
    client: TestClient, app_url: str
) -> None:
    headers = ["商品ID", "标题", "供应商", "进货价", "价格备注"]
    rows = [["610000011", "挂钩", "宁波五金", "1.20", "含税"]]
    token, step = _upload(client, "mine.csv", _csv(headers, rows))
    assert _mapped(step)["进货价"] == "" and "缺少必填列 价格" in step

    form = _selects(step)
    form["col-3"] = "price"
    status, result = _confirm(client, token, form)
    assert status == 200, result
    assert _stored(app_url) == 1

    token, step = _upload(
        client, "mine-2.csv", _csv(headers, [["610000012", "挂钩2", "宁波五金", "1.30", ""]])
    )
    assert _mapped(step)["进货价"] == "price" and 'id="remembered"' in step
    status, result = _confirm(client, token, _selects(step))
    assert status == 200 and _stored(app_url) == 2


def test_mapping_two_columns_to_one_field_goes_back_to_the_mapping_step(client: TestClient) -> None:
    token, step = _upload(client, "offers.csv", _csv(HEADERS, GOOD))
    form = _selects(step)
    form["col-4"] = "title"

    status, text = _confirm(client, token, form)
    assert status == 422
    assert 'id="mapping"' in text and "都选了同一个字段 title" in text


def test_a_made_up_token_is_not_a_path(client: TestClient) -> None:
    assert client.get("/sourcing/import/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/sourcing/import/AAAAAAAAAAAAAAAAAAAAAA/rejects.xlsx").status_code == 404
    assert client.post("/sourcing/import/AAAAAAAAAAAAAAAAAAAAAA/confirm", data={}).status_code == 404


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_its_reason(client: TestClient) -> None:
    reply = client.post("/sourcing/import/upload", files={"file": ("notes.pdf", b"%PDF-1.4 hello")})
    assert reply.status_code == 422
    assert "不是 xlsx 或 csv 文件" in html.unescape(reply.text)


def test_pasted_ids_are_fetched_through_the_buyer_account_with_an_outcome_each(
    client: TestClient, app_url: str, sandbox: SandboxServer
) -> None:
    assert "还没有 1688 采购账号" in html.unescape(
        client.post("/sourcing/import/fetch", data={"refs": "1"}).text
    )
    with make_session_factory(make_engine(app_url))() as session:
        connect_sandbox(session, sandbox.base_url, httpx.get(f"{sandbox.base_url}/sandbox/accounts").json())
        session.commit()
    first, second = httpx.get(f"{sandbox.base_url}/sandbox/catalog/offers", params={"limit": 2}).json()[
        "offer_ids"
    ]
    refs = f"{first}\nhttps://detail.1688.com/offer/{second}.html\n999999999999\nnot an offer\n"

    reply = client.post("/sourcing/import/fetch", data={"refs": refs})
    text = html.unescape(reply.text)
    assert reply.status_code == 200
    outcomes = re.findall(r'<tr class="fetch-row fetch-(\w+)" data-offer="(\d*)">', text)
    assert outcomes == [("new", str(first)), ("new", str(second)), ("failed", "999999999999"), ("failed", "")]
    assert "新增 2,更新 0,未变 0,失败 2" in text
    again = html.unescape(client.post("/sourcing/import/fetch?lang=en", data={"refs": str(first)}).text)
    assert "0 new, 0 updated, 1 unchanged, 0 failed" in again
