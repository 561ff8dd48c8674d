"""The dispatch SLA and tracking health use cases: one report for the page, the API and the CLI.

Reads only (nothing to commit). The carrier events come through a port (``TraceReader``): given a
purchase it returns the events, or ``None`` when they were never read, and the rules that need events
then stay silent (``health``). By default the report reads the events the order loop stored
(``trace_service.read_trace``, each pass); ``trace_reader_for`` adapts the 1688 client's
``logistics_trace`` for a live read (``kuajing fulfilment health --trace``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kuajing.fulfilment.health import Flag, ParcelFacts, TraceEvent, health_flags
from kuajing.fulfilment.sla import (
    DispatchSla,
    SlaPolicy,
    SlaState,
    SupplierOnTime,
    dispatch_sla,
    on_time_by_supplier,
)
from kuajing.fulfilment.sla_repository import PurchaseClock, SlaRepository
from kuajing.fulfilment.trace_repository import TraceRepository
from kuajing.marketplaces.alibaba1688 import Alibaba1688Client
from kuajing.marketplaces.errors import MarketplaceError
from kuajing.sourcing.supplier_history import SupplierHistoryRepository

log = logging.getLogger(__name__)
TraceReader = Callable[[PurchaseClock], Sequence[TraceEvent] | None]


def trace_reader_for(client: Alibaba1688Client) -> TraceReader:
    """The 1688 trace of the purchase's parcel (matched by tracking number); ``None`` on any error."""

    def read(clock: PurchaseClock) -> Sequence[TraceEvent] | None:
        if not clock.alibaba_order_id:
            return None
        try:
            traces = client.logistics_trace(clock.alibaba_order_id)
        except MarketplaceError as error:
            log.warning("trace of purchase %s not read: %s", clock.purchase_id, error)
            return None
        mine = [trace for trace in traces if trace.bill_no == clock.tracking_no] or traces
        return [TraceEvent(step.accept_time, step.remark) for trace in mine for step in trace.steps]

    return read


@dataclass(frozen=True, slots=True)
class SlaItem:
    clock: PurchaseClock
    sla: DispatchSla
    supplier_name: str


@dataclass(frozen=True, slots=True)
class SupplierLine:
    member_id: str
    name: str
    sla: SupplierOnTime  # from the buyer's payment, paid inside the window
    score_on_time: int  # the supplier score's measure: from 1688 placement, all purchases
    score_decided: int

    @property
    def score_rate(self) -> float | None:
        return self.score_on_time / self.score_decided if self.score_decided else None


@dataclass(frozen=True, slots=True)
class HealthItem:
    clock: PurchaseClock
    supplier_name: str
    flags: tuple[Flag, ...]
    trace_read: bool


@dataclass(frozen=True, slots=True)
class SlaReport:
    now: datetime
    window_days: int
    counts: dict[SlaState, int]
    items: list[SlaItem]
    suppliers: list[SupplierLine]
    health: list[HealthItem]

    @property
    def urgent(self) -> list[SlaItem]:
        """Breached first, then at risk; the nearest deadline first within each."""
        rank = {SlaState.BREACHED: 0, SlaState.AT_RISK: 1}
        chosen = [item for item in self.items if item.sla.state in rank]
        return sorted(chosen, key=lambda item: (rank[item.sla.state], item.sla.deadline))


def sla_report(
    session: Session,
    now: datetime,
    policy: SlaPolicy,
    trace_reader: TraceReader | None = None,
    *,
    scope: frozenset[int] | None = None,
) -> SlaReport:
    """``scope``: the stores whose orders' purchases count (None: every store). The supplier score
    columns stay the supplier's own measure over all its purchases, as the supplier page shows it."""
    repository = SlaRepository(session)
    window_start = now - timedelta(days=policy.window_days)
    clocks = repository.purchases(window_start, scope)
    names = repository.supplier_names()
    carrier_flags = repository.open_carrier_exceptions()
    if trace_reader is None:
        stored = TraceRepository(session).events_for(
            clock.purchase_id for clock in clocks if clock.tracking_no
        )
        trace_reader = lambda clock: stored.get(clock.purchase_id)  # noqa: E731
    items: list[SlaItem] = []
    health: list[HealthItem] = []
    for clock in clocks:
        rules = policy.for_supplier(clock.supplier_member_id)
        name = names.get(clock.supplier_member_id, clock.supplier_member_id)
        sla = dispatch_sla(
            purchase_id=clock.purchase_id,
            supplier_member_id=clock.supplier_member_id,
            paid_at=clock.paid_at,
            ship_by=clock.ship_by,
            shipped_at=clock.shipped_at,
            rules=rules,
            now=now,
        )
        items.append(SlaItem(clock, sla, name))
        events = trace_reader(clock) if clock.tracking_no else None
        parcel = ParcelFacts(
            purchase_id=clock.purchase_id,
            paid_at=clock.paid_at,
            tracking_no=clock.tracking_no,
            shipped_at=clock.shipped_at,
            carrier_not_approved=clock.purchase_id in carrier_flags,
            events=events,
        )
        flags = health_flags(parcel, rules, now)
        if flags:
            health.append(HealthItem(clock, name, tuple(flags), events is not None))
    counts = Counter(item.sla.state for item in items)
    tallies = SupplierHistoryRepository(session).dispatch_tallies(now, int(policy.defaults.dispatch_hours))
    suppliers = []
    for line in on_time_by_supplier(item.sla for item in items if item.sla.paid_at >= window_start):
        tally = tallies.get(line.supplier_member_id)
        name = names.get(line.supplier_member_id, line.supplier_member_id)
        score = (tally.successes, tally.observations) if tally else (0, 0)
        suppliers.append(SupplierLine(line.supplier_member_id, name, line, *score))
    return SlaReport(
        now=now,
        window_days=policy.window_days,
        counts={state: counts.get(state, 0) for state in SlaState},
        items=items,
        suppliers=suppliers,
        health=health,
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _item_dict(item: SlaItem) -> dict[str, Any]:
    sla, clock = item.sla, item.clock
    return {
        "purchase_id": clock.purchase_id,
        "out_order_id": clock.out_order_id,
        "ae_order_id": clock.ae_order_id,
        "supplier_member_id": clock.supplier_member_id,
        "supplier_name": item.supplier_name,
        "state": sla.state.value,
        "paid_at": _iso(sla.paid_at),
        "dispatch_deadline": _iso(sla.dispatch_deadline),
        "ship_by": _iso(sla.ship_by),
        "binding": sla.binding,
        "deadline": _iso(sla.deadline),
        "shipped_at": _iso(sla.shipped_at),
        "remaining_seconds": sla.remaining_seconds,
    }


def report_to_dict(report: SlaReport) -> dict[str, Any]:
    return {
        "now": report.now.isoformat(),
        "window_days": report.window_days,
        "counts": {state.value: count for state, count in report.counts.items()},
        "urgent": [_item_dict(item) for item in report.urgent],
        "suppliers": [
            {
                "member_id": line.member_id,
                "name": line.name,
                "on_time": line.sla.on_time,
                "decided": line.sla.decided,
                "pending": line.sla.pending,
                "rate": line.sla.rate,
                "score_on_time": line.score_on_time,
                "score_decided": line.score_decided,
                "score_rate": line.score_rate,
            }
            for line in report.suppliers
        ],
        "health": health_to_list(report),
    }


def health_to_list(report: SlaReport) -> list[dict[str, Any]]:
    return [
        {
            "purchase_id": item.clock.purchase_id,
            "ae_order_id": item.clock.ae_order_id,
            "supplier_name": item.supplier_name,
            "tracking_no": item.clock.tracking_no,
            "carrier_name": item.clock.carrier_name,
            "trace_read": item.trace_read,
            "flags": [
                {
                    "flag": flag.flag.value,
                    "since": flag.since.isoformat(),
                    "detail": flag.detail,
                    "label_zh": flag.label_zh,
                    "label_en": flag.label_en,
                    "action_zh": flag.action_zh,
                    "action_en": flag.action_en,
                }
                for flag in item.flags
            ],
        }
        for item in report.health
    ]
