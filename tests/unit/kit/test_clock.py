from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kuajing.kit.clock import FixedClock, ensure_aware, epoch_ms, from_ae_time, from_epoch_ms, to_ae_time


def test_aliexpress_times_are_us_pacific_both_ways() -> None:
    moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # PDT, UTC-7
    assert to_ae_time(moment) == "2026-07-01 05:00:00"
    assert from_ae_time("2026-07-01 05:00:00") == moment
    winter = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # PST, UTC-8
    assert to_ae_time(winter) == "2026-12-01 04:00:00"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        ensure_aware(datetime(2026, 1, 1))


def test_epoch_ms_round_trip() -> None:
    moment = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert epoch_ms(moment) == 1700000000000
    assert from_epoch_ms(1700000000000) == moment


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    clock.advance(timedelta(hours=3))
    assert clock.now() == datetime(2026, 1, 1, 3, tzinfo=UTC)
