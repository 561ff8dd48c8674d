"""After-sales in the reports (SQLite and PostgreSQL): what went back to buyers less what suppliers
paid back lowers each order's profit, and the weekly claim trend counts the same cases — on the
page, in the trends xlsx and JSON, and in `kuajing reports trends`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy.orm import Session
from test_profit_report import NOW, seed
from typer.testing import CliRunner

from kuajing.aftersales.tables import ReturnCaseRow, SupplierClaimRow
from kuajing.cli import app as cli_app
from kuajing.config import Settings, get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.logistics.service import catalog_for
from kuajing.orders.tables import AeOrderRow
from kuajing.reports.model import GroupBy
from kuajing.reports.repository import ReportFilter
from kuajing.reports.service import claim_trend, profit_report

D = Decimal
OPENED = datetime(2026, 3, 11, 9, tzinfo=UTC)  # a Wednesday: week of Monday 2026-03-09


def add_cases(session: Session) -> None:
    orders = {order.ae_order_id: order for order in session.query(AeOrderRow)}
    # 7001: the supplier sent the wrong item — $10 refunded, ¥30 recovered from the supplier
    wrong = ReturnCaseRow(
        order_id=orders[7001].id, ae_order_id=7001, source="manual", reason="wrong_item", liable="supplier",
        amount=D("10.00"), currency="USD", created_by="t", created_at=OPENED,
    )  # fmt: skip
    # 7002: quality, the seller bears ¥20 (a manual case in CNY)
    quality = ReturnCaseRow(
        order_id=orders[7002].id, ae_order_id=7002, source="manual", reason="quality", liable="seller",
        amount=D("20.00"), currency="CNY", created_by="t", created_at=OPENED + timedelta(days=7),
    )  # fmt: skip
    # 7003: a dispute nobody classified yet: no amount decided, nothing counted
    pending = ReturnCaseRow(
        order_id=orders[7003].id, ae_order_id=7003, source="ae_issue", currency="USD", created_by="t",
        created_at=OPENED,
    )  # fmt: skip
    session.add_all([wrong, quality, pending])
    session.flush()
    session.add(
        SupplierClaimRow(
            case_id=wrong.id, supplier_member_id="s1", amount=D("71.00"), state="recovered",
            recovered_amount=D("30.00"), created_at=OPENED, updated_at=OPENED,
        )
    )  # fmt: skip
    session.commit()


@pytest.fixture
def url(database_url: str) -> str:
    seed(database_url)
    with make_session_factory(make_engine(database_url))() as session:
        add_cases(session)
    return database_url


def test_refunds_less_recoveries_lower_each_orders_profit(url: str) -> None:
    with make_session_factory(make_engine(url))() as session:
        catalog = catalog_for(session, Settings(database_url=url))
        report = profit_report(session, catalog, ReportFilter())
    by_order = {row.facts.ae_order_id: row for row in report.rows}
    refunded_7001 = catalog.fx.to_cny(D("10.00"), "USD")
    assert by_order[7001].aftersales == refunded_7001 - D("30.00")
    assert by_order[7002].aftersales == D("20.00")
    assert by_order[7003].aftersales == 0
    for row in by_order.values():
        assert (
            row.profit
            == row.sale - row.goods - row.freight - row.duty - row.commission - row.fees - row.aftersales
        )
    whole = report.total()
    assert whole.aftersales == refunded_7001 - D("30.00") + D("20.00")
    for by in GroupBy:  # every grouping still sums to the orders
        groups = report.groups(by)
        assert sum((group.aftersales for group in groups), D(0)) == whole.aftersales


def test_the_weekly_claim_trend_counts_refunds_claims_and_recoveries(url: str) -> None:
    with make_session_factory(make_engine(url))() as session:
        catalog = catalog_for(session, Settings(database_url=url))
        weeks = claim_trend(session, catalog, NOW + timedelta(days=20), weeks=12)
    assert [week.week.isoformat() for week in weeks] == ["2026-03-09", "2026-03-16"]
    first, second = weeks
    assert (first.returns, first.supplier_liable) == (1, 1)
    assert first.refunded == catalog.fx.to_cny(D("10.00"), "USD")
    assert (first.claimed, first.recovered) == (D("71.00"), D("30.00"))
    assert first.recovery_rate == D("0.4225")
    assert (second.returns, second.supplier_liable, second.refunded, second.claimed) == (1, 0, D("20.00"), 0)
    assert second.recovery_rate is None


def test_page_trends_xlsx_and_json_show_the_same_weeks(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from kuajing.orders import web_helpers
    from kuajing.web.app import create_app

    monkeypatch.setattr(
        web_helpers, "now", lambda request: NOW + timedelta(days=20)
    )  # the cases are in March
    app = create_app(Settings(database_url=url))
    with TestClient(app) as client:
        page = client.get("/reports?lang=en&by=order").text
        assert 'class="claim-trend-table"' in page and 'class="chart claim-trend"' in page
        assert 'data-week="2026-03-09"' in page and "After-sales" in page and "Recovery rate" in page
        data = client.get("/api/reports/trends?weeks=104").json()
        assert [row["week"] for row in data["claims"]] == ["2026-03-09", "2026-03-16"]
        book = load_workbook(BytesIO(client.get("/reports/trends.xlsx?weeks=104").content))
        assert book.sheetnames == ["sla-weekly", "claims-weekly"]
        rows = list(book["claims-weekly"].iter_rows(min_row=2, values_only=True))
        assert [(row[1], row[2]) for row in rows] == [(1, 1), (1, 0)]
        for bad in ("0", "abc", "200"):
            refused = client.get(f"/api/reports/trends?weeks={bad}")
            assert refused.status_code == 422 and "1–104" in refused.json()["message_en"], refused.text


def test_cli_reports_trends_json_and_xlsx(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUAJING_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        reply = runner.invoke(cli_app, ["reports", "trends", "--weeks", "104", "--json"])
        assert reply.exit_code == 0, reply.output
        weeks = json.loads(reply.output)["claims"]
        assert [(w["week"], w["returns"], w["recovered"]) for w in weeks] == [
            ("2026-03-09", 1, "30.00"),
            ("2026-03-16", 1, "0.00"),
        ]
        out = tmp_path / "trends.xlsx"
        assert (
            runner.invoke(cli_app, ["reports", "trends", "--weeks", "104", "--out", str(out)]).exit_code == 0
        )
        assert load_workbook(out).sheetnames == ["sla-weekly", "claims-weekly"]
        profit = runner.invoke(cli_app, ["reports", "profit", "--by", "order", "--json"])
        assert json.loads(profit.output)["total"]["aftersales"] != "0.00"
    finally:
        get_settings.cache_clear()
