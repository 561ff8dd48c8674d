"""The incremental sync window: watermark minus overlap, widened by an hour around US-Pacific DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kuajing.orders.sync import SyncSettings, window_start

SETTINGS = SyncSettings(overlap=timedelta(minutes=30), first_lookback=timedelta(days=30))


def test_first_sync_looks_back_the_first_lookback() -> None:
    now = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert window_start(None, now, SETTINGS) == now - timedelta(days=30)


def test_an_ordinary_pass_starts_at_the_watermark_minus_the_overlap() -> None:
    watermark = datetime(2026, 7, 1, 11, 55, tzinfo=UTC)
    assert window_start(watermark, watermark + timedelta(minutes=5), SETTINGS) == watermark - timedelta(
        minutes=30
    )


def test_the_autumn_fall_back_widens_the_window_by_the_repeated_hour() -> None:
    # 2026-11-01: Pacific clocks go from 02:00 PDT back to 01:00 PST (09:00 UTC).
    watermark = datetime(2026, 11, 1, 9, 20, tzinfo=UTC)  # "01:20" — the second one
    start = window_start(watermark, watermark + timedelta(minutes=10), SETTINGS)
    assert start == watermark - timedelta(minutes=90)


def test_the_spring_change_widens_it_too_and_a_day_later_it_is_ordinary_again() -> None:
    # 2026-03-08: 02:00 PST jumps to 03:00 PDT (10:00 UTC).
    watermark = datetime(2026, 3, 8, 10, 10, tzinfo=UTC)
    assert window_start(watermark, watermark, SETTINGS) == watermark - timedelta(minutes=90)
    later = watermark + timedelta(days=1)
    assert window_start(later, later, SETTINGS) == later - timedelta(minutes=30)
