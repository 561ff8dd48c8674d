from __future__ import annotations

import random

import pytest

from kuajing.marketplaces.errors import (
    AuthError,
    CallTimeout,
    ConnectionFailed,
    MarketplaceError,
    ThrottledError,
    TransientError,
)
from kuajing.marketplaces.policy import RateLimiter, RetryPolicy


def _err(cls: type[MarketplaceError], **kwargs: float) -> MarketplaceError:
    return cls("boom", platform="test", method="m", **kwargs)  # type: ignore[arg-type]


def _policy(sleeps: list[float], attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=attempts, base_delay=0.5, jitter=0, sleep=sleeps.append, rng=random.Random(0)
    )


def test_transient_errors_are_retried_with_exponential_back_off() -> None:
    sleeps: list[float] = []
    outcomes: list[object] = [_err(TransientError), _err(TransientError), "ok"]

    def call() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    assert _policy(sleeps).run(call, read_only=False) == "ok"
    assert sleeps == [0.5, 1.0]


def test_throttle_waits_a_little_past_the_ban_the_platform_announces() -> None:
    sleeps: list[float] = []
    outcomes: list[object] = [_err(ThrottledError, retry_after=3.0), "ok"]

    def call() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    _policy(sleeps).run(call, read_only=False)
    assert len(sleeps) == 1 and 3.0 < sleeps[0] <= 3.0 * 1.03


def test_timeout_on_a_write_is_not_retried_but_on_a_read_it_is() -> None:
    calls = {"n": 0}

    def call() -> str:
        calls["n"] += 1
        raise _err(CallTimeout)

    with pytest.raises(CallTimeout):
        _policy([]).run(call, read_only=False)
    assert calls["n"] == 1
    calls["n"] = 0
    with pytest.raises(CallTimeout):
        _policy([], attempts=3).run(call, read_only=True)
    assert calls["n"] == 3


def test_connection_failure_is_retried_even_for_writes_since_nothing_was_sent() -> None:
    outcomes: list[object] = [_err(ConnectionFailed), "ok"]

    def call() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    assert _policy([]).run(call, read_only=False) == "ok"


def test_auth_errors_are_never_retried() -> None:
    calls = {"n": 0}

    def call() -> str:
        calls["n"] += 1
        raise _err(AuthError)

    with pytest.raises(AuthError):
        _policy([]).run(call, read_only=True)
    assert calls["n"] == 1


def test_rate_limiter_spaces_calls_to_the_configured_rate() -> None:
    now = {"t": 0.0}
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now["t"] += seconds

    limiter = RateLimiter(rate=5, burst=1, monotonic=lambda: now["t"], sleep=sleep)
    for _ in range(6):
        limiter.acquire()
    assert now["t"] == pytest.approx(1.0)  # 6 calls at 5/s: the first is free, five waits of 0.2 s
    assert all(s == pytest.approx(0.2) for s in sleeps)
