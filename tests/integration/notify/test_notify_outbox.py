"""The outbox on SQLite and PostgreSQL: idempotent causes, grouping, retries without duplicates, digest."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.notify.channels import DingTalkRobot, FeishuBot
from kuajing.notify.model import AlertMode
from kuajing.notify.rules import exception_queue_above
from kuajing.notify.service import dispatch, raise_alert
from kuajing.notify.tables import AlertOutboxRow
from kuajing.notify.testing import RobotReceiver

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
SETTINGS = Settings(alert_retry_base_seconds=60, alert_max_attempts=4)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def _breach(session: Session, n: int) -> AlertOutboxRow:
    return raise_alert(session, f"sla_breach:purchase:{n}", "sla_breach", f"采购单 {n} 超过 72 小时未发货",
                       f"purchase {n} not dispatched within 72 h", NOW)  # fmt: skip


def test_raising_the_same_cause_twice_keeps_one_row(session: Session) -> None:
    first = _breach(session, 1)
    again = _breach(session, 1)
    session.commit()
    assert first.id == again.id
    assert len(session.scalars(select(AlertOutboxRow)).all()) == 1


def test_several_causes_of_one_kind_go_out_as_one_message_per_channel(session: Session) -> None:
    for n in (1, 2, 3):
        _breach(session, n)
    session.commit()
    with RobotReceiver() as receiver:
        channels = {"dingtalk": DingTalkRobot(receiver.url("dingtalk"), receiver.secret),
                    "feishu": FeishuBot(receiver.url("feishu"), receiver.secret)}  # fmt: skip
        report = dispatch(session, SETTINGS, NOW, channels)
        assert report.messages_sent == 2 and report.rows_sent == 3
        assert sorted(a["platform"] for a in receiver.accepted) == ["dingtalk", "feishu"]
        assert "采购单 3" in receiver.accepted[0]["body"]["markdown"]["text"]
        assert dispatch(session, SETTINGS, NOW + timedelta(hours=1), channels).messages_sent == 0
        assert len(receiver.accepted) == 2
    assert {row.state for row in session.scalars(select(AlertOutboxRow))} == {"sent"}


def test_a_receiver_failing_twice_gets_the_message_once_after_back_off(session: Session) -> None:
    _breach(session, 7)
    session.commit()
    with RobotReceiver(fail_first=2) as receiver:
        channels = {"dingtalk": DingTalkRobot(receiver.url("dingtalk"), receiver.secret)}
        dispatch(session, SETTINGS, NOW, channels)
        assert dispatch(session, SETTINGS, NOW + timedelta(seconds=30), channels).messages_sent == 0
        dispatch(session, SETTINGS, NOW + timedelta(seconds=61), channels)  # 2nd attempt: 500 again
        row = session.scalars(select(AlertOutboxRow)).one()
        assert row.state == "pending" and row.attempts == 2 and "HTTP 500" in (row.last_error or "")
        report = dispatch(session, SETTINGS, NOW + timedelta(minutes=5), channels)  # after 120 s back-off
        assert report.rows_sent == 1
        for minutes in (10, 60):
            dispatch(session, SETTINGS, NOW + timedelta(minutes=minutes), channels)
        assert len(receiver.accepted) == 1 and receiver.requests == 3
    assert row.state == "sent" and row.delivered == ["dingtalk"]


def test_a_refused_message_fails_at_once_with_the_reply(session: Session) -> None:
    _breach(session, 8)
    session.commit()
    with RobotReceiver() as receiver:
        dispatch(session, SETTINGS, NOW, {"dingtalk": DingTalkRobot(receiver.url("dingtalk"), "SECbad")})
    row = session.scalars(select(AlertOutboxRow)).one()
    assert row.state == "failed" and "sign not match" in (row.last_error or "")


def test_a_channel_that_accepted_is_not_sent_again_when_another_channel_retries(session: Session) -> None:
    _breach(session, 9)
    session.commit()
    with RobotReceiver() as good, RobotReceiver(fail_first=1) as flaky:
        channels = {"dingtalk": DingTalkRobot(good.url("dingtalk"), good.secret),
                    "feishu": FeishuBot(flaky.url("feishu"), flaky.secret)}  # fmt: skip
        dispatch(session, SETTINGS, NOW, channels)
        dispatch(session, SETTINGS, NOW + timedelta(minutes=2), channels)
        assert len(good.accepted) == 1 and len(flaky.accepted) == 1
    assert session.scalars(select(AlertOutboxRow)).one().state == "sent"


def test_digest_causes_wait_for_the_digest_hour_and_go_out_as_one_message(session: Session) -> None:
    for n, kind in enumerate(("sla_breach", "tracking_stalled", "claim_deadline")):
        raise_alert(session, f"{kind}:{n}", kind, f"原因 {n}", f"cause {n}", NOW, mode=AlertMode.DIGEST)
    session.commit()
    with RobotReceiver() as receiver:
        channels = {"dingtalk": DingTalkRobot(receiver.url("dingtalk"), receiver.secret)}
        assert dispatch(session, SETTINGS, NOW, channels).messages_sent == 0  # 10:00 Shanghai: tomorrow 09:00
        assert dispatch(session, SETTINGS, NOW + timedelta(hours=23), channels).messages_sent == 1
        text = receiver.accepted[0]["body"]["markdown"]["text"]
    assert "每日汇总" in text and "3" in text and "cause 2" in text


def test_exception_queue_rule_raises_one_alert_per_day_above_the_threshold(session: Session) -> None:
    assert exception_queue_above(session, 20, NOW) is None  # empty queue
    assert exception_queue_above(session, -1, NOW) is not None
    exception_queue_above(session, -1, NOW + timedelta(hours=1))
    session.commit()
    assert len(session.scalars(select(AlertOutboxRow)).all()) == 1
