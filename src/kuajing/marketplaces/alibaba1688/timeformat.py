"""1688's time formats: ``yyyyMMddHHmmssSSS+0800`` on the wire, aware UTC datetimes in kuajing.

Some replies (logistics steps on older APIs) use ``yyyy-MM-dd HH:mm:ss`` in China time; both are
read, only the first is written. Push envelopes carry ``gmtBorn`` as epoch milliseconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from kuajing.kit.clock import ensure_aware

CHINA_TIME = timezone(timedelta(hours=8))  # 1688 writes a fixed +0800, never a DST-aware zone
_AOP_TIME = re.compile(r"^(\d{14})(\d{3})([+-]\d{4})$")
_PLAIN_TIME = "%Y-%m-%d %H:%M:%S"


def to_aop_time(moment: datetime) -> str:
    local = ensure_aware(moment).astimezone(CHINA_TIME)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}+0800"


def from_aop_time(text: str) -> datetime:
    """Raises ValueError on anything that is not one of 1688's two time formats."""
    match = _AOP_TIME.match(text.strip())
    if match:
        digits, millis, offset = match.groups()
        local = datetime.strptime(digits + offset, "%Y%m%d%H%M%S%z")
        return (local + timedelta(milliseconds=int(millis))).astimezone(UTC)
    try:
        plain = datetime.strptime(text.strip(), _PLAIN_TIME)
    except ValueError:
        raise ValueError(f"not a 1688 time (yyyyMMddHHmmssSSS+0800): {text!r}") from None
    return plain.replace(tzinfo=CHINA_TIME).astimezone(UTC)


def from_epoch_millis(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)
