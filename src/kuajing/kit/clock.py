"""Time: always timezone-aware, stored in UTC, shown in the user's zone.

Domain code never reads the clock; it is handed ``now``. Services get a ``Clock`` so tests and
the sandbox's simulated time can drive them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# AliExpress's order API takes and returns "yyyy-MM-dd HH:mm:ss" in US Pacific time.
US_PACIFIC = ZoneInfo("America/Los_Angeles")
AE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock tests and simulations move by hand."""

    def __init__(self, start: datetime) -> None:
        self._now = ensure_aware(start)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = ensure_aware(moment)


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()} has no time zone")
    return moment.astimezone(UTC)


def epoch_ms(moment: datetime) -> int:
    return int(ensure_aware(moment).timestamp() * 1000)


def from_epoch_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def to_ae_time(moment: datetime) -> str:
    return ensure_aware(moment).astimezone(US_PACIFIC).strftime(AE_DATETIME_FORMAT)


def from_ae_time(text: str) -> datetime:
    return datetime.strptime(text, AE_DATETIME_FORMAT).replace(tzinfo=US_PACIFIC).astimezone(UTC)


def ae_offset_changes(start: datetime, end: datetime) -> bool:
    """Whether US-Pacific daylight saving starts or ends between two instants.

    AliExpress times carry no offset: in the autumn hour that happens twice, "01:30" names two
    instants an hour apart, and we read it as the first.
    """
    return (
        ensure_aware(start).astimezone(US_PACIFIC).utcoffset()
        != ensure_aware(end).astimezone(US_PACIFIC).utcoffset()
    )


def to_local(moment: datetime, zone: str = "Asia/Shanghai") -> datetime:
    return ensure_aware(moment).astimezone(ZoneInfo(zone))
