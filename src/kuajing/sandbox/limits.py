"""Per-app call-rate limits the sandbox enforces (the real limits are unpublished: settings)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimit:
    """At most ``calls`` in any ``window_s`` seconds per key."""

    def __init__(self, calls: int, window_s: float = 1.0, monotonic: Callable[[], float] = time.monotonic):
        self.calls = calls
        self.window_s = window_s
        self._monotonic = monotonic
        self._seen: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        if self.calls <= 0:
            return True
        now = self._monotonic()
        seen = self._seen.setdefault(key, deque())
        while seen and now - seen[0] >= self.window_s:
            seen.popleft()
        if len(seen) >= self.calls:
            return False
        seen.append(now)
        return True
