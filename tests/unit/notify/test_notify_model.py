from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kuajing.notify.model import Cause, group_message, next_digest_at, retry_delay


def _cause(n: int, kind: str = "sla_breach") -> Cause:
    return Cause(f"{kind}:purchase:{n}", kind, f"采购单 {n} 超时", f"purchase {n} late")


def test_several_causes_of_one_kind_become_one_message_with_a_count() -> None:
    message = group_message([_cause(1), _cause(2), _cause(3)])
    assert "3" in message.title_zh and "3 alerts" in message.title_en
    assert message.body_zh.count("\n") == 2 and "采购单 2 超时" in message.body_zh
    assert "purchase 3 late" in message.body_en


def test_a_long_group_is_cut_with_how_many_more() -> None:
    message = group_message([_cause(n) for n in range(25)])
    assert "另有 5 条" in message.body_zh and "and 5 more" in message.body_en


def test_back_off_doubles_and_is_capped() -> None:
    assert [retry_delay(n, 60, 300).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 300]


def test_daily_digest_is_the_next_digest_hour_in_shanghai() -> None:
    before = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
    assert next_digest_at(before, 9, "Asia/Shanghai") == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    after = before + timedelta(hours=1)  # 09:30: tomorrow's digest
    assert next_digest_at(after, 9, "Asia/Shanghai") == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
