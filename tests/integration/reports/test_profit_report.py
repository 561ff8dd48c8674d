# ruff: noqa: E501  (seed tables kept one row per line)
"""The profit report on SQLite and PostgreSQL (rows inserted directly), then the page, xlsx, API and CLI.

Two stores, three paid orders. Orders without a sourced offer's weight get no freight estimate (0,
flagged); the order whose offer has weight and HS code gets ``landed_cost()``'s figures on the
cheapest official line, which the test recomputes through the same engine.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from typer.testing import CliRunner

from kuajing.cli import app as cli_app
from kuajing.config import Settings, get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.logistics.service import catalog_for
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.reports.estimate import estimate_costs
from kuajing.reports.model import GroupBy
from kuajing.reports.repository import ReportFilter, ReportRepository
from kuajing.reports.service import profit_report
from kuajing.sourcing.tables import SourcedOfferRow, SupplierRow
from kuajing.stores.tables import AliExpressStore

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
D = Decimal


def seed(url: str) -> None:
    migrate.upgrade(url)
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        for name in ("店铺一", "店铺二"):
            session.add(
                AliExpressStore(
                    name=name, seller_id=name, base_url="http://127.0.0.1:1", app_key="k", app_secret="s",
                    access_token="t", access_token_expires_at=None, refresh_token_expires_at=None,
                    buyer_account_id=None, last_synced_at=None, created_at=NOW,
                )
            )  # fmt: skip
        session.add_all(
            [
                SupplierRow(member_id="s1", name="义乌一号厂", updated_at=NOW),
                SupplierRow(member_id="s2", name="广州二号档", updated_at=NOW),
            ]
        )
        session.flush()
        session.add(
            SourcedOfferRow(
                offer_id=555, supplier_id=1, title="杯子", attributes={}, price_tiers=[], unit_price=D("10"),
                weight_g=150, hs_code="691200", category="*", source="test", content_hash="h",
                imported_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip
        # (store, country, paid day, pay USD, [(sku, qty, unit USD, supplier, offer)], purchase total, post fee)
        plan = [
            (1, "DE", 2, "20.00", [("CUP", 2, "10.00", "s1", 555)], "40.00", "5.60"),
            (1, "FR", 5, "30.00", [("CUP", 1, "10.00", "s1", None), ("LID", 2, "10.00", "s2", None)], "50.00", None),
            (2, "DE", 9, "15.00", [("LID", 1, "15.00", "s2", None)], None, None),
        ]  # fmt: skip
        for number, (store, country, day, pay, lines, amount, post) in enumerate(plan, start=1):
            paid = datetime(2026, 3, day, 4, tzinfo=UTC)
            order = AeOrderRow(
                store_id=store, ae_order_id=7000 + number, ae_status="FINISH", state="fulfilled",
                country=country, pay_amount=D(pay), currency="USD", created_at=paid, paid_at=paid, synced_at=NOW,
            )  # fmt: skip
            session.add(order)
            session.flush()
            for index, (sku, quantity, unit, supplier, offer) in enumerate(lines):
                session.add(
                    AeOrderLineRow(
                        order_id=order.id, child_id=number * 10 + index, product_id=1, sku_code=sku,
                        quantity=quantity, unit_price=D(unit), currency="USD", state="purchased",
                        offer_id=offer, supplier_member_id=supplier,
                    )
                )  # fmt: skip
            if amount is not None:
                session.add(
                    PurchaseOrderRow(
                        order_id=order.id, out_order_id=f"AE{number}", supplier_member_id=lines[0][3],
                        state="fulfilled", cargo=[], total_amount=D(amount), post_fee=D(post) if post else None,
                        placed_at=paid, shipped_at=paid, created_at=paid,
                    )
                )  # fmt: skip
        session.commit()


def _report(url: str, where: ReportFilter | None = None):  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        catalog = catalog_for(session, Settings(database_url=url))
        return profit_report(session, catalog, where or ReportFilter()), catalog


def test_profit_per_order_uses_purchases_fx_and_the_landed_cost_estimate(database_url: str) -> None:
    seed(database_url)
    report, catalog = _report(database_url)
    usd = catalog.fx.rate("USD")
    rows = {row.facts.ae_order_id: row for row in report.rows}
    assert list(rows) == [7001, 7002, 7003]
    first = rows[7001]
    assert first.sale == catalog.fx.to_cny(D("20.00"), "USD") == (D("20.00") * usd).quantize(D("0.01"))
    assert first.goods == D("40.00")  # total_amount already includes the post fee
    assert first.facts.weight_g == 300 and first.facts.hs_codes == ("691200",)
    estimate, why_not = estimate_costs(first.facts, catalog)
    assert why_not is None and estimate is not None and estimate.line_basis == "cheapest"
    assert (first.freight, first.duty, first.commission, first.fees) == (
        estimate.freight, estimate.duty, estimate.commission, estimate.fees
    )  # fmt: skip
    assert first.freight > 0 and first.commission > 0
    assert (
        first.profit == first.sale - D("40.00") - first.freight - first.duty - first.commission - first.fees
    )
    assert first.margin == (first.profit / first.sale).quantize(D("0.0001"))
    second = rows[7002]
    assert second.goods == D("50.00") and second.freight == 0 and "weight unknown" in second.notes
    assert second.profit == second.sale - D("50.00")
    assert rows[7003].goods == 0 and "not purchased yet" in rows[7003].notes


def test_groupings_sum_to_the_orders_and_filters_cut_by_date_store_and_country(database_url: str) -> None:
    seed(database_url)
    report, _ = _report(database_url)
    whole = report.total()
    assert whole.orders == 3 and whole.profit == sum((row.profit for row in report.rows), D(0))
    for by in GroupBy:
        groups = report.groups(by)
        assert sum((g.profit for g in groups), D(0)) == whole.profit
        assert sum((g.sale for g in groups), D(0)) == whole.sale
    suppliers = {g.key: g for g in report.groups(GroupBy.SUPPLIER)}
    assert suppliers["s1"].label == "义乌一号厂" and suppliers["s2"].orders == 2
    assert {g.label for g in report.groups(GroupBy.STORE)} == {"店铺一", "店铺二"}
    march = ReportFilter(start=datetime(2026, 3, 3, tzinfo=UTC), end=datetime(2026, 3, 9, tzinfo=UTC))
    assert [r.facts.ae_order_id for r in _report(database_url, march)[0].rows] == [7002]
    assert [r.facts.ae_order_id for r in _report(database_url, ReportFilter(store_id=2))[0].rows] == [7003]
    germany = _report(database_url, ReportFilter(country="DE"))[0]
    assert [r.facts.ae_order_id for r in germany.rows] == [7001, 7003]
    factory = make_session_factory(make_engine(database_url))
    with factory() as session:
        assert ReportRepository(session).countries() == ["DE", "FR"]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('reports')) / 'kuajing.sqlite3'}"
    seed(url)
    return url


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[TestClient]:
    with TestClient(create_app_for(url)) as test_client:
        yield test_client


def create_app_for(url: str):  # type: ignore[no-untyped-def]
    from kuajing.web.app import create_app

    return create_app(Settings(database_url=url))


def test_page_in_chinese_and_english_with_totals_and_charts(client: TestClient) -> None:
    client.cookies.clear()
    zh = html.unescape(client.get("/reports?lang=zh-CN&by=supplier").text)
    assert "利润与时效报表" in zh and 'href="/reports" class="active"' in zh
    assert "义乌一号厂" in zh and "合计" in zh and 'class="chart profit-bars"' in zh
    assert "按周按时发货率" in zh and "最近 12 周没有已判定原因的售后单" in zh and "<script src" not in zh
    client.cookies.clear()
    en = html.unescape(client.get("/reports?lang=en&by=country&from=2026-03-01&to=2026-03-04").text)
    assert "Profit and dispatch reports" in en and "No classified returns in the last 12 weeks" in en
    assert 'data-key="DE"' in en and 'data-key="FR"' not in en
    assert client.get("/reports?by=nope").status_code == 422


def test_xlsx_and_json_of_each_table(client: TestClient) -> None:
    api = client.get("/api/reports/sku").json()
    assert api["by"] == "sku" and api["currency"] == "CNY"
    assert sum(D(row["profit"]) for row in api["rows"]) == D(api["total"]["profit"])
    for kind in GroupBy:
        reply = client.get(f"/reports/{kind.value}.xlsx?store=1")
        assert reply.status_code == 200
        sheet = load_workbook(BytesIO(reply.content)).active
        values = list(sheet.iter_rows(values_only=True))
        assert values[-1][0] == "合计 total"
    orders = list(
        load_workbook(BytesIO(client.get("/reports/order.xlsx").content)).active.iter_rows(values_only=True)
    )
    assert [row[0] for row in orders[1:-1]] == ["7001", "7002", "7003"]
    profit_column = orders[0].index("利润 profit (CNY)")
    assert sum(D(str(row[profit_column])) for row in orders[1:-1]) == D(str(orders[-1][profit_column]))


def test_cli_prints_json_and_writes_xlsx(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUAJING_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(
            cli_app, ["reports", "profit", "--by", "store", "--json", "--to", "2026-03-05"]
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert data["total"]["orders"] == 2 and [row["label"] for row in data["rows"]] == ["店铺一"]
        out = tmp_path / "p.xlsx"
        result = runner.invoke(cli_app, ["reports", "profit", "--by", "order", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert load_workbook(out).active.max_row == 5  # header, 3 orders, total
    finally:
        get_settings.cache_clear()
    assert date(2026, 3, 5)  # the --to day is inclusive: order paid 03-05 04:00 UTC counted
