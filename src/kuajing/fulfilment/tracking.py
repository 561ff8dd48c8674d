"""How often the order loop reads each parcel's 1688 trace, and what makes an event the same — pure.

The trace is read by polling (1688's trace pushes are not guaranteed, PLATFORM_APIS: "polling stays
the source of truth"), so reading every parcel every pass would spend the API budget on parcels
that have not moved. Each parcel is read at most every ``refresh_hours``, never once it is
delivered or returned (``finished``), and not past ``max_days`` after it shipped; one pass reads at
most ``per_pass`` parcels, the longest-unread first. The numbers live in ``data/sla.toml [trace]``.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import timedelta
from importlib import resources
from typing import Any

from kuajing.fulfilment.health import EventKind, TraceEvent, classify_event


@dataclass(frozen=True, slots=True)
class TracePolicy:
    refresh_hours: float = 6
    max_days: float = 60
    per_pass: int = 300

    @property
    def refresh(self) -> timedelta:
        return timedelta(hours=self.refresh_hours)

    @property
    def max_age(self) -> timedelta:
        return timedelta(days=self.max_days)


def trace_policy_from(values: Mapping[str, Any]) -> TracePolicy:
    known = {field.name for field in fields(TracePolicy)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"sla.toml [trace]: unknown field(s) {sorted(unknown)}")
    for name, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"sla.toml [trace] {name} must be a positive number, got {value!r}")
    policy = TracePolicy(**values)
    if policy.per_pass != int(policy.per_pass):
        raise ValueError(f"sla.toml [trace] per_pass must be a whole number, got {policy.per_pass!r}")
    return policy


def load_trace_policy(text: str | None = None) -> TracePolicy:
    if text is None:
        text = resources.files("kuajing.fulfilment").joinpath("data/sla.toml").read_text("utf-8")
    return trace_policy_from(tomllib.loads(text).get("trace", {}))


def fingerprint(text: str) -> str:
    """A short, stable key of an event's text (carrier texts can be long; a unique index cannot)."""
    return hashlib.blake2b(text.strip().encode("utf-8"), digest_size=8).hexdigest()


def event_kind(text: str) -> str | None:
    kind = classify_event(text)
    return kind.value if kind is not None else None


def trace_finished(events: Sequence[TraceEvent]) -> bool:
    """Delivered (the latest event) or returned (any event): the trace has nothing more to say."""
    if not events:
        return False
    latest = max(events, key=lambda event: event.at)
    if classify_event(latest.text) is EventKind.DELIVERED:
        return True
    return any(classify_event(event.text) is EventKind.RETURNED for event in events)
