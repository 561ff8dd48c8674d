"""A clock that follows the sandbox's simulated time (``KUAJING_CLOCK_URL``), for the demo and tests.

The product's own decisions (the cancellation window, ship-by countdowns) must run on the same time
as the marketplaces it talks to; against the real platforms that is the wall clock.
"""

from __future__ import annotations

from datetime import datetime

import httpx

from kuajing.kit.clock import Clock, SystemClock

_shared: list[httpx.Client] = []


def _client() -> httpx.Client:
    """One client for every sandbox clock of the process: building one costs ~70 ms (TLS context),
    and a worker asks the time once or twice a job."""
    if not _shared:
        _shared.append(httpx.Client(timeout=10))
    return _shared[0]


class SandboxClock:
    def __init__(self, base_url: str) -> None:
        self.url = base_url.rstrip("/") + "/sandbox/clock"

    def now(self) -> datetime:
        reply = _client().get(self.url)
        reply.raise_for_status()
        return datetime.fromisoformat(reply.json()["now"])


def clock_for(clock_url: str) -> Clock:
    return SandboxClock(clock_url) if clock_url else SystemClock()
