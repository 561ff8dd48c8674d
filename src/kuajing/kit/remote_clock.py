"""A clock that follows the sandbox's simulated time (``KUAJING_CLOCK_URL``), for the demo and tests.

The product's own decisions (the cancellation window, ship-by countdowns) must run on the same time
as the marketplaces it talks to; against the real platforms that is the wall clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

import httpx

from kuajing.kit.clock import Clock, SystemClock

_shared: list[httpx.Client] = []
LOOP_MAX_AGE_S = 0.25  # how stale the order loop's processes (workers, `kuajing run`) let a reading be


def _client() -> httpx.Client:
    """One client for every sandbox clock of the process: building one costs ~70 ms (TLS context),
    and a worker asks the time once or twice a job."""
    if not _shared:
        _shared.append(httpx.Client(timeout=10))
    return _shared[0]


class SandboxClock:
    """The sandbox's time, asked over HTTP. ``max_age_s`` > 0 answers from the last reading while it
    is younger than that: the simulated clock stands still until someone advances it (by hours), and
    a worker asks several times a job — each ask a round trip that cost a worker about a tenth of its
    CPU. A reading up to ``max_age_s`` late only defers what became due to the next tick."""

    def __init__(
        self, base_url: str, *, max_age_s: float = 0.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.url = base_url.rstrip("/") + "/sandbox/clock"
        self.max_age_s = max_age_s
        self._monotonic = monotonic  # a test's own, to age the reading without waiting
        self._last: tuple[float, datetime] | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        if self.max_age_s > 0:
            with self._lock:
                last = self._last
            if last is not None and self._monotonic() - last[0] < self.max_age_s:
                return last[1]
        asked = self._monotonic()
        reply = _client().get(self.url)
        reply.raise_for_status()
        moment = datetime.fromisoformat(reply.json()["now"])
        if self.max_age_s > 0:
            with self._lock:
                self._last = (asked, moment)
        return moment


def clock_for(clock_url: str, *, max_age_s: float = 0.0) -> Clock:
    return SandboxClock(clock_url, max_age_s=max_age_s) if clock_url else SystemClock()
