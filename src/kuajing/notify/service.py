"""Raising alerts and dispatching the outbox.

At most once per cause and channel: when a channel accepts a (grouped) message, the rows it carried
record that channel in ``delivered`` and the session is committed *before* the next send — the
outbox is a commit boundary, the one place a service commits, because an uncommitted "sent" is a
message sent twice after a crash. A later pass never sends a row to a channel in ``delivered``.

Retries: 5xx, connection failures, SMTP 4xx and refusals with a "too fast" code come back after an
exponential back-off, up to ``alert_max_attempts``; other refusals (bad signature, bad key) fail the
row at once, with the receiver's reply in ``last_error``.

The documented exception: a *read* timeout (the request may have arrived and been shown) is retried
like a failure, so that one case may show a message twice. A lost alert costs more than a repeated
one, and the robots offer no idempotency key to ask with. A connect timeout never carried the
request and is a plain retry.

Before sending, each due row is claimed (its next attempt moved past a lease, with a conditional
UPDATE), so two dispatchers running at once do not send the same row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kuajing.config import Settings
from kuajing.notify import repository
from kuajing.notify.channels import Channel, ChannelError
from kuajing.notify.model import AlertMode, AlertState, Cause, group_message, next_digest_at, retry_delay
from kuajing.notify.setup import channels_from_settings
from kuajing.notify.tables import AlertOutboxRow

CLAIM_LEASE = timedelta(minutes=5)


@dataclass
class DispatchReport:
    messages_sent: int = 0
    rows_sent: int = 0
    failures: list[str] = field(default_factory=list)


def raise_alert(
    session: Session,
    cause_key: str,
    kind: str,
    message_zh: str,
    message_en: str,
    now: datetime,
    *,
    mode: AlertMode = AlertMode.IMMEDIATE,
    digest_hour: int = 9,
    timezone: str = "Asia/Shanghai",
    channels: Sequence[str] = (),
) -> AlertOutboxRow:
    """Idempotent by cause key: raising the same cause again returns the first row, unchanged.

    ``channels`` empty means every channel configured when the row is first dispatched.
    """
    existing = repository.by_cause_key(session, cause_key)
    if existing is not None:
        return existing
    due_at = next_digest_at(now, digest_hour, timezone) if mode == AlertMode.DIGEST else now
    row = AlertOutboxRow(
        cause_key=cause_key, kind=kind, mode=str(mode), message_zh=message_zh, message_en=message_en,
        channels=list(channels), delivered=[], state=AlertState.PENDING, attempts=0,
        raised_at=now, next_attempt_at=due_at,
    )  # fmt: skip
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # raised at the same moment by another pass: that row wins
        found = repository.by_cause_key(session, cause_key)
        if found is None:
            raise
        return found
    return row


def dispatch(
    session: Session, settings: Settings, now: datetime, channels: Mapping[str, Channel] | None = None
) -> DispatchReport:
    """Sends every due row: one message per kind (digest rows: one) per channel. Commits (see above)."""
    available = dict(channels) if channels is not None else channels_from_settings(settings)
    rows = [row for row in repository.due(session, now) if repository.claim(session, row, now + CLAIM_LEASE)]
    session.commit()
    groups: dict[str, list[AlertOutboxRow]] = {}
    for row in rows:
        if not row.channels:
            row.channels = sorted(available)
        groups.setdefault("" if row.mode == AlertMode.DIGEST else row.kind, []).append(row)
    report = DispatchReport()
    errors: dict[int, list[ChannelError]] = {}
    for group_key, group in groups.items():
        for name in sorted({c for row in group for c in row.channels}):
            _send_group(session, group, name, available.get(name), not group_key, report, errors)
    for row in rows:
        _settle(row, errors.get(row.id, []), settings, now, report)
    session.commit()
    return report


def _send_group(
    session: Session,
    group: list[AlertOutboxRow],
    name: str,
    channel: Channel | None,
    digest: bool,
    report: DispatchReport,
    errors: dict[int, list[ChannelError]],
) -> None:
    targets = [row for row in group if name in row.channels and name not in row.delivered]
    if not targets:
        return
    if channel is None:
        failure = ChannelError(name, "channel not configured", "未配置", retryable=True)
        for row in targets:
            errors.setdefault(row.id, []).append(failure)
        return
    causes = [Cause(r.cause_key, r.kind, r.message_zh, r.message_en) for r in targets]
    try:
        channel.send(group_message(causes, digest=digest))
    except ChannelError as error:
        report.failures.append(error.message_en)
        for row in targets:
            errors.setdefault(row.id, []).append(error)
        return
    for row in targets:
        row.delivered = [*row.delivered, name]
    session.commit()  # accepted: recorded before anything else can send it again
    report.messages_sent += 1


def _settle(
    row: AlertOutboxRow,
    failures: list[ChannelError],
    settings: Settings,
    now: datetime,
    report: DispatchReport,
) -> None:
    if row.channels and set(row.channels) <= set(row.delivered):
        row.state, row.sent_at, row.next_attempt_at = AlertState.SENT, now, now
        report.rows_sent += 1
        return
    row.attempts += 1
    reasons = [error.message_en for error in failures] or ["no alert channel configured"]
    row.last_error = "; ".join(reasons)[:2000]
    retryable = all(error.retryable for error in failures)
    if not retryable or row.attempts >= settings.alert_max_attempts:
        row.state = AlertState.FAILED
    else:
        row.next_attempt_at = now + retry_delay(row.attempts, settings.alert_retry_base_seconds)
