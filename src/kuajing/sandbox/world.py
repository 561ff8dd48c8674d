"""The sandbox world: one seeded, deterministic state both platforms' protocol layers read and write.

Each part draws from its own random stream derived from the seed, so adding orders never
changes the catalog and the same seed (and start time) always gives the same world.

Time is simulated: ``advance(hours)`` moves the clock in steps of at most one hour and lets each
side react in time order (new paid orders, buyer cancellations, supplier dispatch, carrier
events). Nothing in the world reads the wall clock.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from kuajing.kit.clock import FixedClock
from kuajing.sandbox.buyer import BuyerSide
from kuajing.sandbox.catalog import Catalog, build_catalog
from kuajing.sandbox.credentials import SandboxCredentials
from kuajing.sandbox.faults import FaultPlan
from kuajing.sandbox.limits import SlidingWindowLimit
from kuajing.sandbox.storefront import Storefront

DEFAULT_SEED = 1688
# A fixed default start keeps worlds comparable; the CLI and demo start at the current hour.
DEFAULT_START = datetime(2026, 11, 1, tzinfo=UTC)
MAX_STEP = timedelta(hours=1)


def _stream(seed: int, name: str) -> random.Random:
    return random.Random(f"{seed}:{name}")


class World:
    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        *,
        start: datetime = DEFAULT_START,
        credentials: SandboxCredentials | None = None,
    ) -> None:
        self.seed = seed
        self.credentials = credentials or SandboxCredentials()
        self.clock = FixedClock(start)
        self.catalog: Catalog = build_catalog(_stream(seed, "catalog"))
        self.storefront = Storefront(
            self.catalog,
            self.credentials,
            build_rng=_stream(seed, "stores"),
            order_rng=_stream(seed, "orders"),
            clock=self.clock,
        )
        self.buyer = BuyerSide(
            self.catalog,
            self.credentials,
            rng=_stream(seed, "purchases"),
            clock=self.clock,
        )
        self.faults = FaultPlan(_stream(seed, "faults"))
        # Calls a second per app key; the platforms publish none, so these are settings too.
        self.limits: dict[str, SlidingWindowLimit] = {
            "aliexpress": SlidingWindowLimit(calls=200),
            "1688": SlidingWindowLimit(calls=200),
        }

    def now(self) -> datetime:
        return self.clock.now()

    def advance(self, hours: float) -> dict[str, Any]:
        """Move simulated time forward; returns what happened, counted by kind."""
        if hours < 0:
            raise ValueError("time only moves forward")
        end = self.clock.now() + timedelta(hours=hours)
        happened: dict[str, int] = {}
        while self.clock.now() < end:
            start = self.clock.now()
            stop = min(end, start + MAX_STEP)
            self.clock.set(stop)
            for side in (self.storefront, self.buyer):
                for kind, count in side.advance(start, stop).items():
                    happened[kind] = happened.get(kind, 0) + count
        return {"now": self.clock.now().isoformat(), "events": happened}

    def state(self) -> dict[str, Any]:
        """The sandbox's own truth, for tests and the demo (``GET /sandbox/state``)."""
        summary: dict[str, Any] = {"now": self.clock.now().isoformat(), "seed": self.seed}
        summary.update(self.storefront.state())
        summary.update(self.buyer.state())
        summary["faults_injected"] = dict(self.faults.injected)
        return summary
