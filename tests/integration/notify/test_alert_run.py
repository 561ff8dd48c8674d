"""Alert rules + dispatch on SQLite and PostgreSQL: rows inserted directly, time passed in.

Each cause alerts once (a second check raises and sends nothing), one message per kind, delivered
to the local signature-checking receiver; `kuajing alerts check` and `alerts list --json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuajing.cli import app as cli_app
from kuajing.config import Settings, get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.notify.channels import Channel, DingTalkRobot, FeishuBot
from kuajing.notify.run import check_and_dispatch
from kuajing.notify.tables import AlertOutboxRow
from kuajing.notify.testing import RobotReceiver
from kuajing.orders.tables import AeOrderRow, SkuMappingRuleRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.tables import OfferSnapshotRow, SupplierRow
from kuajing.stores.tables import AliExpressStore

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SETTINGS = Settings(alert_digest_kinds="", alert_exception_queue_threshold=100)


def seed(session: Session, now: datetime) -> None:
    session.add(
        AliExpressStore(
            name="店铺一", seller_id="1", base_url="http://127.0.0.1:1", app_key="k", app_secret="s",
            access_token="t", access_token_expires_at=None, refresh_token_expires_at=None,
            buyer_account_id=None, last_synced_at=None, created_at=now,
        )
    )  # fmt: skip
    session.add(SupplierRow(member_id="slow", name="广州新档口", updated_at=now))
    session.flush()
    # paid hours ago: 10 on time, 65 at risk, 80 breached, 8 days breached + no tracking
    for number, paid_ago in enumerate((10, 65, 80, 24 * 8), start=1):
        paid = now - timedelta(hours=paid_ago)
        order = AeOrderRow(
            store_id=1, ae_order_id=9000 + number, ae_status="WAIT_SELLER_SEND_GOODS", state="bought",
            pay_amount=Decimal("9.99"), currency="USD", created_at=paid, paid_at=paid, synced_at=now,
        )  # fmt: skip
        session.add(order)
        session.flush()
        session.add(
            PurchaseOrderRow(
                order_id=order.id, out_order_id=f"AE{number}", supplier_member_id="slow", state="placed",
                cargo=[], alibaba_order_id=f"1688-{number}", placed_at=paid, created_at=paid,
            )
        )  # fmt: skip
    session.add(
        OfferSnapshotRow(
            offer_id=555, subject="手机壳", status="published", supplier_member_id="slow",
            supplier_name="广州新档口", trust_pass=True, super_factory=False, dropship=True,
            specs={"a": {"price": "10", "stock": 0}, "b": {"consign_price": "12.50", "stock": 9},
                   "c": {"price": "10", "stock": 9}},
            fetched_at=now,
        )
    )  # fmt: skip
    for pattern, spec_id, variants in (("CASE-A", "a", {}), ("CASE-*", None, {"B": "b", "C": "c"})):
        session.add(
            SkuMappingRuleRow(
                kind="exact", pattern=pattern, offer_id=555, spec_id=spec_id, variant_map=variants,
                unit_cost=Decimal("10"), created_at=now, updated_at=now,
            )
        )  # fmt: skip
    session.commit()


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        seed(session, NOW)
        yield session
    engine.dispose()


def test_each_rule_fires_once_grouped_per_kind_and_signed(session: Session) -> None:
    with RobotReceiver() as receiver:
        channels: dict[str, Channel] = {"dingtalk": DingTalkRobot(receiver.url("dingtalk"), receiver.secret),
                    "feishu": FeishuBot(receiver.url("feishu"), receiver.secret)}  # fmt: skip
        report = check_and_dispatch(session, SETTINGS, NOW, channels)
        assert report.raised == {
            "no_tracking": 1, "price_rise": 1, "sla_at_risk": 1, "sla_breach": 2, "stock_out": 1
        }  # fmt: skip
        assert report.dispatched is not None and report.dispatched.messages_sent == 5 * 2
        bodies = [json.dumps(a["body"], ensure_ascii=False) for a in receiver.accepted]
        breach = [b for b in bodies if "sla_breach" in b]
        assert len(breach) == 2 and all("采购单 3" in b and "采购单 4" in b for b in breach)  # grouped
        assert any("涨价 25.0%" in b and "Next:" in b for b in bodies)
        again = check_and_dispatch(session, SETTINGS, NOW + timedelta(hours=1), channels)
        assert again.raised == {} and again.dispatched is not None and again.dispatched.messages_sent == 0
        assert len(receiver.accepted) == 10
    keys = set(session.scalars(select(AlertOutboxRow.cause_key)))
    assert {"sla_breach:purchase:3", "sla_breach:purchase:4", "no_tracking:purchase:4",
            "stock_out:offer:555:spec:a", "price_rise:offer:555:spec:b:12.50"} <= keys  # fmt: skip
    assert set(session.scalars(select(AlertOutboxRow.state))) == {"sent"}


def test_digest_kinds_wait_and_no_channel_sends_nothing(session: Session) -> None:
    settings = Settings(alert_digest_kinds="sla_at_risk,price_rise", alert_exception_queue_threshold=100)
    report = check_and_dispatch(session, settings, NOW, channels={})
    assert report.dispatched is None and sum(report.raised.values()) == 6
    modes = {kind: mode for kind, mode in session.execute(select(AlertOutboxRow.kind, AlertOutboxRow.mode))}
    assert modes["price_rise"] == "digest" and modes["sla_breach"] == "immediate"
    assert set(session.scalars(select(AlertOutboxRow.state))) == {"pending"}


def test_cli_alerts_check_and_list_json(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/alerts.sqlite3"
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed(session, datetime.now(UTC))
    engine.dispose()
    with RobotReceiver() as receiver:
        monkeypatch.setenv("KUAJING_DATABASE_URL", url)
        monkeypatch.setenv("KUAJING_ALERT_DINGTALK_WEBHOOK", receiver.url("dingtalk"))
        monkeypatch.setenv("KUAJING_ALERT_DINGTALK_SECRET", receiver.secret)
        monkeypatch.setenv("KUAJING_ALERT_DIGEST_KINDS", "")
        get_settings.cache_clear()
        try:
            runner = CliRunner()
            reply = runner.invoke(cli_app, ["alerts", "check", "--json"])
            assert reply.exit_code == 0, reply.output
            data = json.loads(reply.output)
            assert data["raised"]["sla_breach"] == 2 and data["messages_sent"] == 5
            assert runner.invoke(cli_app, ["alerts", "check"]).exit_code == 0
            listed = runner.invoke(cli_app, ["alerts", "list", "--json"])
            assert listed.exit_code == 0, listed.output
            rows = json.loads(listed.output)
            assert len(rows) == 6 and {row["state"] for row in rows} == {"sent"}
            assert {row["delivered"][0] for row in rows} == {"dingtalk"}
        finally:
            get_settings.cache_clear()
    assert len(receiver.accepted) == 5


def test_a_restocked_spec_that_runs_out_again_alerts_again_once(session: Session) -> None:
    def stock(value: int) -> None:
        snapshot = session.get(OfferSnapshotRow, 555)
        assert snapshot is not None
        snapshot.specs = {**snapshot.specs, "a": {"price": "10", "stock": value}}
        session.commit()

    def stock_out_rows() -> list[str]:
        query = select(AlertOutboxRow.cause_key).where(AlertOutboxRow.kind == "stock_out")
        return sorted(session.scalars(query))

    assert check_and_dispatch(session, SETTINGS, NOW, channels={}).raised["stock_out"] == 1
    assert (
        "stock_out" not in check_and_dispatch(session, SETTINGS, NOW + timedelta(hours=1), channels={}).raised
    )
    stock(40)  # restocked: the episode closes, nothing new is raised
    later = check_and_dispatch(session, SETTINGS, NOW + timedelta(hours=2), channels={})
    assert "stock_out" not in later.raised
    assert stock_out_rows() == ["stock_out:offer:555:spec:a#cleared@20260310T140000"]
    stock(0)  # out again: a new cause, once
    again = check_and_dispatch(session, SETTINGS, NOW + timedelta(hours=3), channels={})
    assert again.raised["stock_out"] == 1
    assert (
        "stock_out" not in check_and_dispatch(session, SETTINGS, NOW + timedelta(hours=4), channels={}).raised
    )
    assert stock_out_rows() == [
        "stock_out:offer:555:spec:a",
        "stock_out:offer:555:spec:a#cleared@20260310T140000",
    ]
