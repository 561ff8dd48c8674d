"""The SLA report on SQLite and PostgreSQL: purchases inserted directly, time passed in.

One AliExpress store, five orders paid at known times, purchases from a 超级工厂 (48 h override) and
an ordinary supplier, one open ``carrier_not_approved`` exception, and a fake trace reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.fulfilment.health import HealthFlag, TraceEvent
from kuajing.fulfilment.sla import SlaState, load_sla_policy
from kuajing.fulfilment.sla_repository import PurchaseClock
from kuajing.fulfilment.sla_service import report_to_dict, sla_report
from kuajing.orders.tables import AeOrderRow, OrderExceptionRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.tables import SupplierRow
from kuajing.stores.tables import AliExpressStore

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
POLICY = load_sla_policy(text='[defaults]\nwindow_days = 30\n[suppliers."fast"]\ndispatch_hours = 48\n')


def seed(url: str, now: datetime = NOW) -> None:
    migrate.upgrade(url)
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        session.add(
            AliExpressStore(
                name="店铺一", seller_id="1", base_url="http://127.0.0.1:1", app_key="k", app_secret="s",
                access_token="t", access_token_expires_at=None, refresh_token_expires_at=None,
                buyer_account_id=None, last_synced_at=None, created_at=now,
            )
        )  # fmt: skip
        session.add_all(
            [
                SupplierRow(member_id="fast", name="义乌超级工厂", updated_at=now),
                SupplierRow(member_id="slow", name="广州新档口", updated_at=now),
            ]
        )
        session.flush()
        # (paid hours ago, ship_by hours from now, supplier, shipped hours after payment, state, tracking)
        plan = [
            (10, None, "slow", None, "placed", None),  # 62 h left: on time
            (65, None, "slow", None, "placed", None),  # 7 h left: at risk
            (30, 2, "slow", None, "placed", None),  # ship-by in 2 h binds: at risk
            (73, None, "slow", None, "placed", None),  # 1 h over: breached
            (50, None, "fast", None, "placed", None),  # 48 h override: breached
            (200, None, "slow", 72, "fulfilled", "LP1"),  # shipped at exactly 72 h: on time
            (200, None, "slow", 80, "shipped", "LP2"),  # shipped late
            (24 * 8, None, "fast", None, "placed", None),  # no tracking 8 days after payment
            (24 * 60, None, "slow", 10, "fulfilled", "LP3"),  # shipped, paid outside the window
        ]
        for number, (paid_ago, ship_by_in, member, shipped_after, state, tracking) in enumerate(
            plan, start=1
        ):
            paid = now - timedelta(hours=paid_ago)
            order = AeOrderRow(
                store_id=1, ae_order_id=9000 + number, ae_status="WAIT_SELLER_SEND_GOODS", state="bought",
                pay_amount=Decimal("9.99"), currency="USD", created_at=paid, paid_at=paid, synced_at=now,
                ship_by=now + timedelta(hours=ship_by_in) if ship_by_in is not None else None,
            )  # fmt: skip
            session.add(order)
            session.flush()
            shipped = paid + timedelta(hours=shipped_after) if shipped_after is not None else None
            session.add(
                PurchaseOrderRow(
                    order_id=order.id, out_order_id=f"AE{number}-{member}", supplier_member_id=member,
                    state=state, cargo=[], alibaba_order_id=f"1688-{number}", placed_at=paid,
                    shipped_at=shipped, tracking_no=tracking, carrier_name="某快递" if tracking else None,
                    created_at=paid,
                )
            )  # fmt: skip
        session.add(
            PurchaseOrderRow(
                order_id=1, out_order_id="AE-cancelled", supplier_member_id="slow", state="cancelled",
                cargo=[], created_at=now - timedelta(hours=100),
            )
        )  # fmt: skip
        session.flush()
        session.add(
            OrderExceptionRow(
                order_id=7, purchase_id=7, reason_code="carrier_not_approved", message_zh="承运商未认可",
                message_en="carrier not approved", action="fix_carrier", facts={}, status="open",
                opened_at=now - timedelta(days=3),
            )
        )  # fmt: skip
        session.commit()


def _report(url: str, reader=None):  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        return sla_report(session, NOW, POLICY, reader)


def test_each_purchase_gets_its_state_against_the_binding_deadline(database_url: str) -> None:
    seed(database_url)
    report = _report(database_url)
    states = {item.clock.out_order_id: item.sla.state for item in report.items}
    assert states == {
        "AE1-slow": SlaState.ON_TIME,
        "AE2-slow": SlaState.AT_RISK,
        "AE3-slow": SlaState.AT_RISK,
        "AE4-slow": SlaState.BREACHED,
        "AE5-fast": SlaState.BREACHED,
        "AE6-slow": SlaState.SHIPPED_ON_TIME,
        "AE7-slow": SlaState.SHIPPED_LATE,
        "AE8-fast": SlaState.BREACHED,
    }  # AE9 was paid outside the window and has shipped; the cancelled purchase is not live
    binding = {item.clock.out_order_id: item.sla.binding for item in report.items}
    assert binding["AE3-slow"] == "ship_by" and binding["AE2-slow"] == "dispatch"
    assert [item.clock.out_order_id for item in report.urgent] == [
        "AE8-fast", "AE5-fast", "AE4-slow", "AE3-slow", "AE2-slow"
    ]  # fmt: skip
    assert report.counts[SlaState.BREACHED] == 3


def test_on_time_rate_per_supplier_counts_decided_purchases(database_url: str) -> None:
    seed(database_url)
    suppliers = {line.member_id: line for line in _report(database_url).suppliers}
    slow = suppliers["slow"]
    assert (slow.sla.on_time, slow.sla.decided, slow.sla.pending) == (1, 3, 3)  # AE6 / AE4, AE6, AE7
    assert slow.name == "广州新档口"
    assert (suppliers["fast"].sla.on_time, suppliers["fast"].sla.decided) == (0, 2)


def test_health_flags_reflect_exceptions_and_the_injected_trace(database_url: str) -> None:
    seed(database_url)
    assert {
        (item.clock.out_order_id, flag.flag) for item in _report(database_url).health for flag in item.flags
    } == {
        ("AE8-fast", HealthFlag.NO_TRACKING),
        ("AE7-slow", HealthFlag.CARRIER_NOT_APPROVED),
    }
    traces = {
        "LP1": [TraceEvent(NOW - timedelta(days=3), "已揽收")],
        "LP2": [TraceEvent(NOW - timedelta(hours=5), "Held by customs")],
    }

    def reader(clock: PurchaseClock) -> Sequence[TraceEvent] | None:
        return traces.get(clock.tracking_no or "")

    flags = {
        (item.clock.out_order_id, flag.flag)
        for item in _report(database_url, reader).health
        for flag in item.flags
    }
    assert ("AE6-slow", HealthFlag.STALE_TRACKING) in flags
    assert ("AE7-slow", HealthFlag.CUSTOMS_HOLD) in flags


def test_report_as_json(database_url: str) -> None:
    seed(database_url)
    data = report_to_dict(_report(database_url))
    assert data["counts"]["breached"] == 3
    assert data["urgent"][0]["remaining_seconds"] < 0
    assert data["health"][0]["flags"][0]["action_en"]
