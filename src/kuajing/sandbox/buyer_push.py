"""1688 push messages: an outbox every message stays in, and delivery to the product's receiver.

Each message is kept for ``push.query.messageList`` (missed pushes are read from there). When a
push target is set, new messages are POSTed to it as 1688 does: form fields ``message`` (the JSON
envelope) and ``_aop_signature``. Delivery runs as a background task on the server's event loop,
after the request that produced the messages (the clock advance); one worker sends them in order,
retries a few times and then gives up on that message, leaving it ``failed`` in the list. Without
a running event loop (unit tests) messages simply wait in the outbox.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from kuajing.kit.clock import epoch_ms
from kuajing.marketplaces.alibaba1688.signing import push_signature

SEND_GOODS = "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS"
TRACE = "LOGISTICS_BUYER_VIEW_TRACE"

DELIVERY_TIMEOUT_S = 5.0
RETRY_DELAYS_S = (0.1, 0.3, 0.6)  # waits between the (len + 1) attempts

log = logging.getLogger(__name__)


@dataclass
class PushMessage:
    msg_id: int
    gmt_born: int  # epoch ms (simulated time)
    type: str
    user_info: str  # the buyer's memberId
    data: dict[str, Any]
    copies: int = 1  # 2 under the duplicate_push fault
    delivery: str = "not_sent"  # not_sent (no target) | pending | delivered | failed
    deliveries: int = 0  # successful POSTs

    def envelope(self) -> dict[str, Any]:
        return {
            "msgId": self.msg_id,
            "gmtBorn": self.gmt_born,
            "type": self.type,
            "userInfo": self.user_info,
            "data": self.data,
        }

    def body(self) -> str:
        return json.dumps(self.envelope(), ensure_ascii=False, separators=(",", ":"))


@dataclass
class PushOutbox:
    app_secret: str
    first_msg_id: int = 8_000_000_001
    target: str | None = None
    # Set by the protocol layer: whether the duplicate_push fault hits a message of this topic.
    duplicate: Callable[[str], bool] = field(default=lambda topic: False)
    messages: list[PushMessage] = field(default_factory=list)
    _pending: deque[PushMessage] = field(default_factory=deque)
    _worker: asyncio.Task[None] | None = None

    def publish(self, topic: str, user_info: str, data: dict[str, Any], born: datetime) -> PushMessage:
        message = PushMessage(self.first_msg_id + len(self.messages), epoch_ms(born), topic, user_info, data)
        self.messages.append(message)
        if self.target:
            message.copies = 2 if self.duplicate(topic) else 1
            message.delivery = "pending"
            self._pending.append(message)
            self._kick()
        return message

    def set_target(self, url: str | None) -> None:
        self.target = url or None

    def query(self, user_info: str, start_ms: int | None, end_ms: int | None) -> list[PushMessage]:
        return [
            message
            for message in self.messages
            if message.user_info == user_info
            and (start_ms is None or message.gmt_born >= start_ms)
            and (end_ms is None or message.gmt_born <= end_ms)
        ]

    def summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for message in self.messages:
            counts[message.delivery] = counts.get(message.delivery, 0) + 1
        return {
            "target": self.target,
            "messages": len(self.messages),
            "by_delivery": counts,
            "posts": sum(message.deliveries for message in self.messages),
        }

    def _kick(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no server loop: the messages wait until the next kick from a request
        if self._worker is None or self._worker.done():
            self._worker = loop.create_task(self._drain())

    def flush(self) -> None:
        """Start delivering whatever is pending (called from a request handler)."""
        if self._pending:
            self._kick()

    async def _drain(self) -> None:
        async with httpx.AsyncClient(timeout=DELIVERY_TIMEOUT_S) as client:
            while self._pending:
                message = self._pending.popleft()
                try:
                    for _ in range(message.copies):
                        await self._deliver(client, message)
                except Exception:  # a push bug must never take the sandbox down
                    log.exception("push %s could not be delivered", message.msg_id)
                    message.delivery = "failed"

    async def _deliver(self, client: httpx.AsyncClient, message: PushMessage) -> None:
        target = self.target
        if target is None:
            message.delivery = "not_sent"
            return
        body = message.body()
        form = {"message": body, "_aop_signature": push_signature(self.app_secret, body)}
        for attempt in range(len(RETRY_DELAYS_S) + 1):
            try:
                reply = await client.post(target, data=form)
                if reply.status_code < 300:
                    message.deliveries += 1
                    message.delivery = "delivered"
                    return
            except httpx.HTTPError as exc:
                log.info("push %s to %s failed: %s", message.msg_id, target, exc)
            if attempt < len(RETRY_DELAYS_S):
                await asyncio.sleep(RETRY_DELAYS_S[attempt])
        message.delivery = "failed"
