"""The product's view of the sandbox clock (``kit.remote_clock.SandboxClock``): exact by default, and
with ``max_age_s`` a reading reused only while it is that young."""

from __future__ import annotations

from datetime import timedelta

import httpx

from kuajing.kit.remote_clock import SandboxClock, clock_for
from kuajing.sandbox.server import SandboxServer


def test_a_plain_sandbox_clock_sees_every_advance_at_once() -> None:
    with SandboxServer(seed=5) as sandbox:
        clock = clock_for(sandbox.base_url)
        before = clock.now()
        httpx.post(f"{sandbox.base_url}/sandbox/clock/advance", params={"hours": 2}).raise_for_status()
        assert clock.now() - before == timedelta(hours=2)


def test_a_clock_with_max_age_reuses_its_reading_only_while_it_is_young() -> None:
    seconds = [100.0]  # the monotonic clock the reading's age is measured on
    with SandboxServer(seed=5) as sandbox:
        clock = SandboxClock(sandbox.base_url, max_age_s=0.25, monotonic=lambda: seconds[0])
        before = clock.now()
        httpx.post(f"{sandbox.base_url}/sandbox/clock/advance", params={"hours": 3}).raise_for_status()
        seconds[0] += 0.2
        assert clock.now() == before  # 0.2 s old: reused
        seconds[0] += 0.1
        assert clock.now() - before == timedelta(hours=3)  # 0.3 s old: asked again
