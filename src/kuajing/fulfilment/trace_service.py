"""Reading and storing each shipped parcel's 1688 logistics trace; the stored trace for the reports.

``read_trace`` is the one use case of the order loop's trace step: given a parcel that is due
(``TraceRepository.due``) and the 1688 client, it reads the trace, stores the new events (each once,
even with two workers), marks the read and says whether the trace is finished (delivered or
returned). A failed read is marked too (with its error), so a broken parcel waits its turn instead of
being retried every pass. Services never commit: the job does.
The SLA report (page, API, alerts) reads what this stores (``sla_service.sla_report``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kuajing.fulfilment.health import TraceEvent
from kuajing.fulfilment.trace_repository import StoredEvent, TraceDue, TraceRepository
from kuajing.fulfilment.tracking import event_kind, fingerprint, trace_finished
from kuajing.marketplaces.alibaba1688 import Alibaba1688Client
from kuajing.marketplaces.alibaba1688.models import LogisticsTrace
from kuajing.marketplaces.errors import MarketplaceError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TraceRead:
    purchase_id: int
    new_events: int
    finished: bool
    error: str | None = None


def parcel_events(traces: Sequence[LogisticsTrace], tracking_no: str) -> list[StoredEvent]:
    """The events of the purchase's own parcel (matched by tracking number; all when none match:
    a supplier may re-label), as they will be stored."""
    mine = [trace for trace in traces if trace.bill_no == tracking_no] or list(traces)
    return [
        StoredEvent(
            step.accept_time, step.remark, trace.bill_no, fingerprint(step.remark), event_kind(step.remark)
        )
        for trace in mine
        for step in trace.steps
    ]


def read_trace(session: Session, due: TraceDue, client: Alibaba1688Client, now: datetime) -> TraceRead:
    repository = TraceRepository(session)
    try:
        traces = client.logistics_trace(due.alibaba_order_id)
    except MarketplaceError as error:
        log.warning("trace of purchase %s not read: %s", due.purchase_id, error)
        repository.mark_read(due.purchase_id, now, error=str(error)[:500])
        return TraceRead(due.purchase_id, 0, False, str(error))
    events = parcel_events(traces, due.tracking_no)
    new = repository.add_events(due.purchase_id, events, now)
    finished = trace_finished([TraceEvent(event.at, event.text) for event in events])
    repository.mark_read(due.purchase_id, now, finished=finished)
    return TraceRead(due.purchase_id, new, finished)
