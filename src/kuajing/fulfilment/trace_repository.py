"""All SQL of the stored 1688 traces: which parcels are due a read, their events, the read marks.

Events and read marks are written with ``INSERT … ON CONFLICT`` so two workers reading the same
trace at once store each event once (both PostgreSQL and SQLite ≥ 3.24 speak it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kuajing.fulfilment.health import TraceEvent
from kuajing.fulfilment.tables import TraceReadRow, TrackingEventRow
from kuajing.fulfilment.tracking import TracePolicy
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.model import PurchaseState
from kuajing.purchasing.tables import PurchaseOrderRow

SHIPPED_STATES = (PurchaseState.SHIPPED.value, PurchaseState.FULFILLED.value)


@dataclass(frozen=True, slots=True)
class TraceDue:
    """A shipped parcel whose trace is due a read."""

    purchase_id: int
    store_id: int
    alibaba_order_id: str
    tracking_no: str


@dataclass(frozen=True, slots=True)
class StoredEvent:
    at: datetime
    text: str
    bill_no: str | None
    fingerprint: str
    kind: str | None


class TraceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _insert(self, table: Any) -> Any:
        dialect = self.session.get_bind().dialect.name
        module = postgresql if dialect == "postgresql" else sqlite
        return module.insert(table)

    def due(self, now: datetime, policy: TracePolicy) -> list[TraceDue]:
        purchase, read = PurchaseOrderRow, TraceReadRow
        query = (
            select(purchase.id, AeOrderRow.store_id, purchase.alibaba_order_id, purchase.tracking_no)
            .join(AeOrderRow, AeOrderRow.id == purchase.order_id)
            .outerjoin(read, read.purchase_id == purchase.id)
            .where(
                purchase.state.in_(SHIPPED_STATES),
                purchase.tracking_no.is_not(None),
                purchase.alibaba_order_id.is_not(None),
                purchase.shipped_at >= now - policy.max_age,
                or_(
                    read.purchase_id.is_(None),
                    (read.finished.is_(False)) & (read.read_at <= now - policy.refresh),
                ),
            )
            .order_by(read.read_at.is_not(None), read.read_at, purchase.id)
            .limit(int(policy.per_pass))
        )
        return [
            TraceDue(purchase_id, store_id, order_id or "", tracking_no or "")
            for purchase_id, store_id, order_id, tracking_no in self.session.execute(query)
        ]

    def add_events(self, purchase_id: int, events: Sequence[StoredEvent], now: datetime) -> int:
        """Stores the events not stored yet; returns how many were new."""
        if not events:
            return 0
        known = self.fingerprints(purchase_id)
        fresh = [event for event in events if (event.at, event.fingerprint) not in known]
        unique = {(event.at, event.fingerprint): event for event in fresh}
        if not unique:
            return 0
        rows = [
            {
                "purchase_id": purchase_id,
                "bill_no": event.bill_no,
                "event_at": event.at,
                "text": event.text,
                "fingerprint": event.fingerprint,
                "kind": event.kind,
                "recorded_at": now,
            }
            for event in unique.values()
        ]
        statement: Insert = self._insert(TrackingEventRow).values(rows)
        self.session.execute(statement.on_conflict_do_nothing())  # type: ignore[attr-defined]
        return len(rows)

    def fingerprints(self, purchase_id: int) -> set[tuple[datetime, str]]:
        query = select(TrackingEventRow.event_at, TrackingEventRow.fingerprint).where(
            TrackingEventRow.purchase_id == purchase_id
        )
        return {(at, key) for at, key in self.session.execute(query)}

    def mark_read(
        self,
        purchase_id: int,
        now: datetime,
        *,
        finished: bool = False,
        error: str | None = None,
    ) -> None:
        """Records the read (or the failed attempt: a failure waits ``refresh_hours`` like a read)."""
        count, last = self.session.execute(
            select(func.count(TrackingEventRow.id), func.max(TrackingEventRow.event_at)).where(
                TrackingEventRow.purchase_id == purchase_id
            )
        ).one()
        values = {
            "read_at": now,
            "events": count,
            "last_event_at": last,
            "finished": finished,
            "last_error": error,
        }
        statement = self._insert(TraceReadRow).values(purchase_id=purchase_id, **values)
        self.session.execute(statement.on_conflict_do_update(index_elements=["purchase_id"], set_=values))

    def events_for(self, purchase_ids: Iterable[int]) -> dict[int, list[TraceEvent]]:
        """Stored events of the purchases whose trace was read at least once (absent: never read)."""
        ids = list(purchase_ids)
        found: dict[int, list[TraceEvent]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            read = select(TraceReadRow.purchase_id).where(TraceReadRow.purchase_id.in_(chunk))
            for purchase_id in self.session.scalars(read):
                found[purchase_id] = []
            query = (
                select(TrackingEventRow.purchase_id, TrackingEventRow.event_at, TrackingEventRow.text)
                .where(TrackingEventRow.purchase_id.in_(chunk))
                .order_by(TrackingEventRow.purchase_id, TrackingEventRow.event_at, TrackingEventRow.id)
            )
            grouped: dict[int, list[TraceEvent]] = defaultdict(list)
            for purchase_id, at, text in self.session.execute(query):
                grouped[purchase_id].append(TraceEvent(at, text))
            for purchase_id, events in grouped.items():
                found[purchase_id] = events
        return found
