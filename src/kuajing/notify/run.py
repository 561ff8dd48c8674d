"""One alert pass: evaluate every rule, then dispatch the outbox — for `kuajing alerts check`,
`kuajing run` and the demo.

Rules raise into the outbox (idempotent by cause key, so a second pass raises nothing new); the
rules' rows are committed before dispatching (``dispatch`` commits per message). With no channel
configured nothing is dispatched: the rows wait, pending, for a channel (see ``kuajing alerts list``).
Supplier claims' submission deadlines: ``claim_rules`` (warn hours from ``aftersales.toml``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kuajing.aftersales.deadline import ClaimDeadlinePolicy, load_claim_deadline_policy
from kuajing.aftersales.repository import claims_awaiting_submission
from kuajing.config import Settings
from kuajing.fulfilment.sla import SlaPolicy, load_sla_policy
from kuajing.fulfilment.sla_service import sla_report
from kuajing.notify.channels import Channel
from kuajing.notify.claim_rules import claim_deadline_causes
from kuajing.notify.compliance_rules import compliance_causes
from kuajing.notify.model import AlertMode, Cause
from kuajing.notify.offer_rules import mapped_specs, offer_causes
from kuajing.notify.repository import close_gone_episodes
from kuajing.notify.rules import exception_queue_above
from kuajing.notify.service import DispatchReport, dispatch, raise_alert
from kuajing.notify.setup import channels_from_settings
from kuajing.notify.sla_rules import sla_causes
from kuajing.notify.tables import AlertOutboxRow

log = logging.getLogger(__name__)
EPISODIC_KINDS = ("stock_out", "customs_hold")  # conditions that end and can come back


@dataclass
class CheckReport:
    raised: dict[str, int] = field(default_factory=dict)  # new outbox rows per kind in this pass
    dispatched: DispatchReport | None = None  # None: no channel configured, nothing sent


def mode_for(kind: str, settings: Settings) -> AlertMode:
    digest = {k.strip() for k in settings.alert_digest_kinds.split(",") if k.strip()}
    return AlertMode.DIGEST if kind in digest else AlertMode.IMMEDIATE


def _counts(session: Session) -> Counter[str]:
    rows = session.execute(select(AlertOutboxRow.kind, func.count()).group_by(AlertOutboxRow.kind))
    return Counter({kind: int(count) for kind, count in rows})


def evaluate_rules(
    session: Session, settings: Settings, now: datetime, policy: SlaPolicy | None = None,
    claim_policy: ClaimDeadlinePolicy | None = None,
) -> dict[str, int]:  # fmt: skip
    """Raises every rule's causes into the outbox (not committed); returns the new rows per kind."""
    before = _counts(session)
    report = sla_report(session, now, policy or load_sla_policy())
    causes: list[Cause] = sla_causes(
        report, include_at_risk=settings.alert_sla_at_risk, timezone=settings.timezone
    )
    causes += offer_causes(mapped_specs(session), Decimal(settings.price_tolerance))
    causes += claim_deadline_causes(
        claims_awaiting_submission(session), now,
        warn_hours=(claim_policy or load_claim_deadline_policy()).warn_hours, timezone=settings.timezone,
    )  # fmt: skip
    causes += compliance_causes(session, now, timezone=settings.timezone)  # 合规: EPR blocking, QC expiry
    for cause in causes:
        raise_alert(
            session, cause.cause_key, cause.kind, cause.message_zh, cause.message_en, now,
            mode=mode_for(cause.kind, settings), digest_hour=settings.alert_digest_hour,
            timezone=settings.timezone,
        )  # fmt: skip
    # A restocked spec or a parcel released by customs ends its episode: the next one alerts again.
    close_gone_episodes(session, EPISODIC_KINDS, {cause.cause_key for cause in causes}, now)
    exception_queue_above(
        session, settings.alert_exception_queue_threshold, now, settings.timezone,
        mode=mode_for("exception_queue", settings), digest_hour=settings.alert_digest_hour,
    )  # fmt: skip
    session.flush()
    after = _counts(session)
    return {kind: after[kind] - before[kind] for kind in sorted(after) if after[kind] > before[kind]}


def check_and_dispatch(
    session: Session,
    settings: Settings,
    now: datetime,
    channels: Mapping[str, Channel] | None = None,
    policy: SlaPolicy | None = None,
) -> CheckReport:
    """Evaluates every rule, commits the outbox, then dispatches what is due. Commits."""
    report = CheckReport(raised=evaluate_rules(session, settings, now, policy))
    session.commit()
    available = dict(channels) if channels is not None else channels_from_settings(settings)
    if available:
        report.dispatched = dispatch(session, settings, now, available)
    return report


def run_alert_pass(factory: sessionmaker[Session], settings: Settings, now: datetime) -> CheckReport | None:
    """For the loops (`kuajing run`, the demo): its own session; an error is logged, never raised."""
    if not settings.alerts_enabled:
        return None
    try:
        with factory() as session:
            return check_and_dispatch(session, settings, now)
    except Exception:  # an alert problem must never stop the order loop
        log.exception("alert pass failed")
        return None
