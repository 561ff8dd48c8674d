"""Built-in alert rules. Each raises at most one alert per cause key; the outbox groups and sends.

The SLA / tracking-health rules are in ``sla_rules``, the mapped-offer rules in ``offer_rules``;
``run.check_and_dispatch`` evaluates them all, then dispatches.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kuajing.notify import repository
from kuajing.notify.model import AlertMode
from kuajing.notify.service import raise_alert
from kuajing.notify.tables import AlertOutboxRow


def exception_queue_above(
    session: Session,
    threshold: int,
    now: datetime,
    timezone: str = "Asia/Shanghai",
    *,
    mode: AlertMode = AlertMode.IMMEDIATE,
    digest_hour: int = 9,
) -> AlertOutboxRow | None:
    """More than ``threshold`` open exceptions: one alert per local day (not one per pass)."""
    count = repository.open_exception_count(session)
    if count <= threshold:
        return None
    day = now.astimezone(ZoneInfo(timezone)).date().isoformat()
    return raise_alert(
        session,
        f"exception_queue:{day}",
        "exception_queue",
        f"异常队列有 {count} 条未处理(阈值 {threshold}),请运行 `kuajing exceptions list` 处理",
        f"{count} open exceptions in the queue (threshold {threshold}): see `kuajing exceptions list`",
        now,
        mode=mode,
        digest_hour=digest_hour,
        timezone=timezone,
    )
