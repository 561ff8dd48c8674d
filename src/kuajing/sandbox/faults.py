"""Fault injection per method, drawn from the world's seeded random stream.

Kinds (the ``POST /sandbox/faults`` contract):
- ``timeout_before_write``: the request hangs ``delay_s`` and nothing is written;
- ``timeout_after_write``: the write happens, then the reply hangs ``delay_s`` (the client times
  out not knowing it succeeded — the case idempotency keys exist for);
- ``http_500``: a platform-side 5xx in the platform's error shape, nothing written;
- ``throttle``: the platform's rate-limit error, nothing written;
- ``malformed``: the write happens and the reply body is not valid JSON;
- ``duplicate_push``: a push message is delivered twice (method = the push topic or ``push``).

``method`` is the platform's own name: an AliExpress method (``aliexpress.solution.order.get``,
``/auth/token/create``) or a 1688 ``apiName`` (``alibaba.trade.createCrossOrder``); ``*`` matches
every method.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal[
    "timeout_before_write", "timeout_after_write", "http_500", "throttle", "malformed", "duplicate_push"
]
FAULT_KINDS: tuple[str, ...] = (
    "timeout_before_write",
    "timeout_after_write",
    "http_500",
    "throttle",
    "malformed",
    "duplicate_push",
)
DEFAULT_DELAY_S = 12.0  # longer than any client's sane timeout (the product defaults to 10 s)


@dataclass(frozen=True)
class Fault:
    method: str
    kind: FaultKind
    rate: float
    delay_s: float = DEFAULT_DELAY_S


class FaultPlan:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._faults: list[Fault] = []
        self.injected: dict[str, int] = {}

    def add(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; one of {', '.join(FAULT_KINDS)}")
        if not 0 <= fault.rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        self._faults = [f for f in self._faults if (f.method, f.kind) != (fault.method, fault.kind)]
        if fault.rate > 0:
            self._faults.append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def active(self) -> list[Fault]:
        return list(self._faults)

    def draw(self, method: str, kinds: tuple[str, ...] = FAULT_KINDS) -> Fault | None:
        """The fault to inject into this call, if any (at most one per call)."""
        for fault in self._faults:
            if fault.kind in kinds and fault.method in (method, "*") and self._rng.random() < fault.rate:
                self.injected[fault.kind] = self.injected.get(fault.kind, 0) + 1
                return fault
        return None
