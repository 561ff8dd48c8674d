"""How both clients pace and retry their calls.

The platforms do not publish their rate limits, so the pace is a setting. Retries cover only
errors that cannot have changed anything (or that the method makes harmless to repeat):
throttling, platform 5xx, and transport failures of read-only methods.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from kuajing.marketplaces.errors import (
    ConnectionFailed,
    MarketplaceError,
    ThrottledError,
    TransientError,
    TransportError,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


class RateLimiter:
    """A token bucket: at most ``rate`` calls a second on average, bursts up to ``burst``.

    Thread-safe, so one limiter can pace every worker thread that shares an app key.
    """

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1, burst)
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = float(self.burst)
        self._last = monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self._monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
                self._last = now
                # The epsilon absorbs float error: 0.2 s at 5/s must give a whole token.
                if self._tokens >= 1 - 1e-9:
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                wait = (1 - self._tokens) / self.rate
            self._sleep(wait)


@dataclass
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.1
    # The platform's announced ban is honoured up to this long (max_delay caps only our own back-off).
    max_throttle_wait: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    rng: random.Random = field(default_factory=random.Random)

    def delay_for(self, attempt: int, error: MarketplaceError) -> float:
        if isinstance(error, ThrottledError):
            # A little past the announced ban: arriving exactly at its end can still be refused.
            wait = max(error.retry_after, self.base_delay) * (1 + self.rng.uniform(0.02, 0.02 + self.jitter))
            return min(self.max_throttle_wait, wait)
        backoff: float = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return backoff * (1 + self.rng.uniform(0, self.jitter))

    def is_retryable(self, error: MarketplaceError, *, read_only: bool) -> bool:
        if isinstance(error, ThrottledError | TransientError):
            return True
        if isinstance(error, ConnectionFailed):
            return True  # never reached the platform: nothing was written
        return isinstance(error, TransportError) and read_only

    def run(self, call: Callable[[], T], *, read_only: bool) -> T:
        attempt = 1
        while True:
            try:
                return call()
            except MarketplaceError as error:
                if attempt >= self.max_attempts or not self.is_retryable(error, read_only=read_only):
                    raise
                delay = self.delay_for(attempt, error)
                log.warning(
                    "retrying %s after %s (attempt %d, wait %.2fs)", error.method, error.code, attempt, delay
                )
                self.sleep(delay)
                attempt += 1
