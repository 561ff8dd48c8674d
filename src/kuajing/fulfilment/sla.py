"""Dispatch SLA (发货时效): each purchase's deadlines, countdown and state — pure, time passed in.

Two deadlines stand beside each other:

- the **dispatch deadline**: the buyer's payment (``ae_orders.paid_at``) + ``dispatch_hours`` (72 by
  default, per supplier overridable in ``data/sla.toml``) — the seller's own promise;
- the **ship-by deadline**: AliExpress's ``ship_by`` (from ``left_send_good_*``), past which the
  platform closes the order.

Whichever comes first is the *binding* one; the state is judged against it. A deadline is met when
the parcel ships at or before it (exactly 72 h is on time, one second more is late), the same ``≤``
as the supplier score.

**The per-supplier on-time rate differs from the supplier score on purpose**: the score
(``sourcing.supplier_history``) starts the supplier's clock at ``placed_at`` (when the 1688 order
was paid — the supplier cannot ship before it), this rate starts at the buyer's ``paid_at`` (what
the buyer and AliExpress see, so our own cancellation window and routing delay count against it).
Both count a purchase once it is *decided* — shipped, or unshipped past its deadline — and both
measure against the dispatch hours, not the ship-by date (which is AliExpress's, not the supplier's):
one definition, ``dispatched_on_time``, serves both, so the page's figures and the score agree.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any


class SlaState(StrEnum):
    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    SHIPPED_ON_TIME = "shipped_on_time"
    SHIPPED_LATE = "shipped_late"


SLA_STATE_ZH: dict[SlaState, str] = {
    SlaState.ON_TIME: "时间充裕",
    SlaState.AT_RISK: "即将超时",
    SlaState.BREACHED: "已超时未发",
    SlaState.SHIPPED_ON_TIME: "按时发货",
    SlaState.SHIPPED_LATE: "超时发货",
}


@dataclass(frozen=True, slots=True)
class SlaRules:
    dispatch_hours: float = 72
    at_risk_hours: float = 12
    no_tracking_days: float = 7
    stale_event_hours: float = 48


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """The defaults plus per-supplier overrides (1688 member id → rules)."""

    defaults: SlaRules = field(default_factory=SlaRules)
    overrides: Mapping[str, SlaRules] = field(default_factory=dict)
    window_days: int = 30

    def for_supplier(self, member_id: str) -> SlaRules:
        return self.overrides.get(member_id, self.defaults)


_RULE_FIELDS = ("dispatch_hours", "at_risk_hours", "no_tracking_days", "stale_event_hours")


def _rules(values: Mapping[str, Any], base: SlaRules, where: str) -> SlaRules:
    unknown = set(values) - set(_RULE_FIELDS)
    if unknown:
        raise ValueError(f"sla.toml [{where}]: unknown field(s) {sorted(unknown)}")
    for name, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"sla.toml [{where}] {name} must be a positive number, got {value!r}")
    return replace(base, **{name: float(value) for name, value in values.items()})


def load_sla_policy(path: Path | None = None, text: str | None = None) -> SlaPolicy:
    """Read the policy from ``text``, a file, or the shipped ``data/sla.toml``."""
    if text is None:
        if path is not None:
            text = path.read_text("utf-8")
        else:
            text = resources.files("kuajing.fulfilment").joinpath("data/sla.toml").read_text("utf-8")
    data = tomllib.loads(text)
    defaults_table = dict(data.get("defaults", {}))
    window_days = int(defaults_table.pop("window_days", 30))
    defaults = _rules(defaults_table, SlaRules(), "defaults")
    overrides = {
        str(member): _rules(values, defaults, f'suppliers."{member}"')
        for member, values in data.get("suppliers", {}).items()
    }
    return SlaPolicy(defaults, overrides, window_days)


def dispatched_on_time(
    start: datetime, shipped_at: datetime | None, hours: float, now: datetime
) -> bool | None:
    """**The** definition of "dispatched on time", for the SLA rate and the supplier score alike.

    On time when shipped at or before ``start + hours`` (exactly on the deadline counts); late when
    shipped after it, or still unshipped once it has passed; ``None`` (undecided) while unshipped
    and the deadline not yet passed — at the deadline itself a parcel can still make it.
    """
    deadline = start + timedelta(hours=hours)
    if shipped_at is not None:
        return shipped_at <= deadline
    return False if now > deadline else None


@dataclass(frozen=True, slots=True)
class DispatchSla:
    """One purchase's dispatch SLA at ``now``."""

    purchase_id: int
    supplier_member_id: str
    paid_at: datetime
    dispatch_deadline: datetime
    ship_by: datetime | None
    binding: str  # "dispatch" | "ship_by"
    deadline: datetime  # the binding one
    shipped_at: datetime | None
    state: SlaState
    remaining_seconds: int  # to the binding deadline; negative once past; 0 once shipped
    supplier_on_time: bool | None  # against the dispatch deadline; None while undecided

    @property
    def open(self) -> bool:
        return self.shipped_at is None


def dispatch_sla(
    *,
    purchase_id: int,
    supplier_member_id: str,
    paid_at: datetime,
    ship_by: datetime | None,
    shipped_at: datetime | None,
    rules: SlaRules,
    now: datetime,
) -> DispatchSla:
    dispatch_deadline = paid_at + timedelta(hours=rules.dispatch_hours)
    if ship_by is not None and ship_by < dispatch_deadline:
        binding, deadline = "ship_by", ship_by
    else:
        binding, deadline = "dispatch", dispatch_deadline
    remaining = deadline - now
    if shipped_at is not None:
        state = SlaState.SHIPPED_ON_TIME if shipped_at <= deadline else SlaState.SHIPPED_LATE
        remaining_seconds = 0
    else:
        if remaining < timedelta(0):
            state = SlaState.BREACHED
        elif remaining < timedelta(hours=rules.at_risk_hours):
            state = SlaState.AT_RISK
        else:
            state = SlaState.ON_TIME
        remaining_seconds = int(remaining.total_seconds())
    supplier_on_time = dispatched_on_time(paid_at, shipped_at, rules.dispatch_hours, now)
    return DispatchSla(
        purchase_id=purchase_id,
        supplier_member_id=supplier_member_id,
        paid_at=paid_at,
        dispatch_deadline=dispatch_deadline,
        ship_by=ship_by,
        binding=binding,
        deadline=deadline,
        shipped_at=shipped_at,
        state=state,
        remaining_seconds=remaining_seconds,
        supplier_on_time=supplier_on_time,
    )


@dataclass(frozen=True, slots=True)
class SupplierOnTime:
    supplier_member_id: str
    on_time: int
    decided: int
    pending: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


def on_time_by_supplier(slas: Iterable[DispatchSla]) -> list[SupplierOnTime]:
    """Shipped within the dispatch deadline / decided (shipped, or unshipped past the deadline)."""
    counts: dict[str, list[int]] = {}
    for sla in slas:
        tally = counts.setdefault(sla.supplier_member_id, [0, 0, 0])
        if sla.supplier_on_time is None:
            tally[2] += 1
        else:
            tally[0] += sla.supplier_on_time
            tally[1] += 1
    return [
        SupplierOnTime(member, on_time, decided, pending)
        for member, (on_time, decided, pending) in sorted(counts.items())
    ]


def countdown_text(seconds: int) -> str:
    """``2d 03:04:05`` / ``-05:00:00`` — the same format the page's ticking script writes."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{sign}{days}d {clock}" if days else f"{sign}{clock}"
