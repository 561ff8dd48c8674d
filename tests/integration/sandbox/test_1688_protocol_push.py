"""1688 push delivery from the sandbox to a receiver on 127.0.0.1: signature, duplicates, failures."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from kuajing.sandbox.buyer_model import CargoItem
from kuajing.sandbox.server import SandboxServer

SECRET = "sandbox-1688-secret"
ADDRESS = {
    "fullName": "王仓管",
    "mobile": "13800001688",
    "provinceText": "浙江省",
    "cityText": "金华市",
    "areaText": "义乌市",
    "townText": "稠城街道",
    "address": "国际商贸城一区",
}


class Receiver:
    """A tiny push endpoint: records each POST's form; answers 500 to the first ``fail_first`` posts."""

    def __init__(self, fail_first: int = 0) -> None:
        self.posts: list[dict[str, str]] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()}
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self.send_response(500)
                else:
                    receiver.posts.append(form)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/push"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def wait_for(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def ship_one(sandbox: SandboxServer, out_order_id: str = "AE-1-1") -> int:
    """A purchase made in the world, then dispatched over HTTP (so pushes go out on the server's loop)."""
    world = sandbox.world
    offer = next(
        o
        for o in world.catalog.offers.values()
        if o.status == "published"
        and world.catalog.supplier_of(o).dropship_relation
        and not world.catalog.supplier_of(o).excluded_provinces
        and o.specs[0].stock > 10
    )
    purchase = world.buyer.create_order(
        world.buyer.member_id,
        [CargoItem(offer.offer_id, offer.specs[0].spec_id, 1)],
        ADDRESS,
        out_order_id=out_order_id,
    )
    httpx.post(f"{sandbox.base_url}/sandbox/1688/purchases/{purchase.order_id}/dispatch").raise_for_status()
    return purchase.order_id


def set_target(sandbox: SandboxServer, url: str | None) -> None:
    httpx.post(f"{sandbox.base_url}/sandbox/1688/push-target", json={"url": url}).raise_for_status()


def expected_signature(message: str) -> str:
    return hmac.new(SECRET.encode(), ("message" + message).encode(), hashlib.sha1).hexdigest().upper()


def test_dispatch_is_pushed_with_a_valid_signature(sandbox: SandboxServer, receiver: Receiver) -> None:
    set_target(sandbox, receiver.url)
    order_id = ship_one(sandbox)
    wait_for(lambda: len(receiver.posts) == 1)
    post = receiver.posts[0]
    assert post["_aop_signature"] == expected_signature(post["message"])
    envelope = json.loads(post["message"])
    assert set(envelope) == {"msgId", "gmtBorn", "type", "userInfo", "data"}
    assert envelope["type"] == "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS"
    assert envelope["data"]["orderId"] == order_id and envelope["data"]["outOrderId"] == "AE-1-1"
    assert envelope["data"]["logisticsBillNo"] and envelope["data"]["logisticsCompanyName"]


def test_trace_steps_are_pushed_as_the_clock_advances(sandbox: SandboxServer, receiver: Receiver) -> None:
    set_target(sandbox, receiver.url)
    ship_one(sandbox)
    httpx.post(f"{sandbox.base_url}/sandbox/clock/advance", params={"hours": 24 * 20}).raise_for_status()
    pushed = len(sandbox.world.buyer.outbox.messages)
    assert pushed >= 2
    wait_for(lambda: len(receiver.posts) == pushed)
    types = [json.loads(post["message"])["type"] for post in receiver.posts]
    assert types[0] == "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS"
    assert set(types[1:]) == {"LOGISTICS_BUYER_VIEW_TRACE"}
    first_trace = json.loads(receiver.posts[1]["message"])["data"]
    assert "揽收" in first_trace["remark"] and first_trace["acceptTime"].endswith("+0800")


def test_duplicate_push_fault_delivers_the_same_message_twice(
    sandbox: SandboxServer, receiver: Receiver
) -> None:
    httpx.post(
        f"{sandbox.base_url}/sandbox/faults", json={"method": "push", "kind": "duplicate_push", "rate": 1}
    ).raise_for_status()
    set_target(sandbox, receiver.url)
    ship_one(sandbox)
    wait_for(lambda: len(receiver.posts) == 2)
    assert receiver.posts[0]["message"] == receiver.posts[1]["message"]
    assert sandbox.world.faults.injected["duplicate_push"] == 1


def test_failed_posts_are_retried(sandbox: SandboxServer) -> None:
    flaky = Receiver(fail_first=2)
    try:
        set_target(sandbox, flaky.url)
        ship_one(sandbox)
        # The receiver records the post before it answers; the sandbox marks it delivered after.
        wait_for(lambda: sandbox.world.buyer.outbox.messages[0].delivery == "delivered")
        assert len(flaky.posts) == 1
    finally:
        flaky.close()


def test_unreachable_target_leaves_the_message_failed_and_the_server_up(sandbox: SandboxServer) -> None:
    dead = Receiver()
    dead_url = dead.url
    dead.close()  # nothing listens there any more
    set_target(sandbox, dead_url)
    ship_one(sandbox)
    outbox = sandbox.world.buyer.outbox
    wait_for(lambda: outbox.messages[0].delivery == "failed")
    summary = httpx.get(f"{sandbox.base_url}/sandbox/1688/push").json()
    assert summary["by_delivery"] == {"failed": 1} and summary["messages"] == 1
    assert httpx.get(f"{sandbox.base_url}/sandbox/state").status_code == 200
