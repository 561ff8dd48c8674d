"""Pure alert rules: the message shape, grouping several causes into one message, back-off, digest time.

No SQLAlchemy, no httpx, no clock: time is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

CHANNELS = ("dingtalk", "feishu", "wecom", "email")
MAX_LINES_PER_MESSAGE = 20  # a grouped message lists this many causes, then "… and N more"


class AlertState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt; last_error says why


class AlertMode(StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"  # held until the daily digest hour, then sent with the day's other causes


@dataclass(frozen=True)
class AlertMessage:
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str

    def text(self) -> str:
        """One plain text, Chinese first (the team's first language), English below."""
        return f"{self.title_zh}\n{self.body_zh}\n\n{self.title_en}\n{self.body_en}"

    def markdown(self) -> str:
        return f"### {self.title_zh}\n{self.body_zh}\n\n---\n### {self.title_en}\n{self.body_en}"


@dataclass(frozen=True)
class Cause:
    cause_key: str
    kind: str
    message_zh: str
    message_en: str


def group_message(causes: Sequence[Cause], *, digest: bool = False) -> AlertMessage:
    """One message for several causes (no alert storm): a count in the title, one line per cause."""
    if not causes:
        raise ValueError("no causes to group")
    if len(causes) == 1 and not digest:
        only = causes[0]
        return AlertMessage(f"【告警】{only.kind}", f"[Alert] {only.kind}", only.message_zh, only.message_en)
    shown = causes[:MAX_LINES_PER_MESSAGE]
    rest = len(causes) - len(shown)
    lines_zh = [f"- {c.message_zh}" for c in shown] + ([f"- …… 另有 {rest} 条"] if rest else [])
    lines_en = [f"- {c.message_en}" for c in shown] + ([f"- … and {rest} more"] if rest else [])
    kinds = sorted({c.kind for c in causes})
    label = ", ".join(kinds)
    if digest:
        title_zh, title_en = f"【每日汇总】{len(causes)} 条告警", f"[Daily digest] {len(causes)} alerts"
    else:
        title_zh, title_en = f"【告警】{label}: {len(causes)} 条", f"[Alert] {label}: {len(causes)} alerts"
    return AlertMessage(title_zh, title_en, "\n".join(lines_zh), "\n".join(lines_en))


def retry_delay(attempts: int, base_seconds: float = 60.0, max_seconds: float = 3600.0) -> timedelta:
    """Exponential back-off after the n-th failed attempt: base, 2×base, 4×base … capped."""
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def next_digest_at(now: datetime, digest_hour: int, timezone: str) -> datetime:
    """The next daily digest time (digest_hour:00 in the team's zone) strictly after ``now``."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    candidate = datetime.combine(local.date(), time(digest_hour), tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), time(digest_hour), tzinfo=zone)
    return candidate
