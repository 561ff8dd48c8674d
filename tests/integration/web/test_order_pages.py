"""The order pages against a real loop: orders synced from the sandbox, some SKUs left unmapped on purpose.

The journey the queue exists for: an order waits with UNMAPPED_SKU, a person adds the mapping on the
rule form, the next pass buys it and it leaves the queue.
"""

from __future__ import annotations

import html
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient
from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.jobs import run_pass
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository
from kuajing.web.app import create_app


@dataclass
class World:
    sandbox: SandboxServer
    settings: Settings
    factory: sessionmaker[Session]
    client: TestClient

    def run_pass(self) -> None:
        run_pass(self.factory, self.settings, now=self.sandbox.world.now, worker="test")


def _world(sandbox: SandboxServer, database_url: str) -> World:
    """Every fifth listing unmapped, twelve paid orders, one pass past the cancellation window."""
    migrate.upgrade(database_url)
    settings = Settings(
        database_url=database_url,
        clock_url=sandbox.base_url,  # the pages act on the loop's (the sandbox's) time
        auto_buy_requires_super_factory=False,
        alibaba1688_calls_per_second=1000,
        aliexpress_calls_per_second=1000,
    )
    factory = make_session_factory(make_engine(database_url))
    with factory() as session:
        service.connect_sandbox(
            session, sandbox.base_url, httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        )
        account = StoreRepository(session).buyer_accounts()[0]
        with service.alibaba_client(account, settings) as buyer:
            catalog = OfferSnapshots(session, buyer, now=sandbox.world.now())
            install_sandbox_rules(session, sandbox.base_url, catalog, now=sandbox.world.now(), skip_every=5)
        session.commit()
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 12}).raise_for_status()
    sandbox.world.advance(0.5)
    world = World(sandbox, settings, factory, TestClient(create_app(settings)))
    world.run_pass()
    return world


def _truth(sandbox: SandboxServer) -> dict[str, tuple[int, dict[str, Any]]]:
    """The sandbox's hidden truth: sku_code → (store number, listing sku with offer_id/spec_id)."""
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    for number in range(1, len(sandbox.world.storefront.stores) + 1):
        listings = httpx.get(f"{sandbox.base_url}/sandbox/aliexpress/stores/{number}/listings").json()
        for listing in listings["listings"]:
            for sku in listing["skus"]:
                found[sku["sku_code"]] = (number, sku)
    return found


def _open_by_order(client: TestClient) -> dict[int, list[dict[str, Any]]]:
    by_order: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item in client.get("/api/exceptions").json():
        by_order[item["ae_order_id"]].append(item)
    return by_order


def test_adding_a_mapping_for_an_unmapped_sku_lets_the_next_pass_buy_the_order(
    sandbox: SandboxServer, sqlite_url: str
) -> None:
    world = _world(sandbox, sqlite_url)
    queue = world.client.get("/exceptions")
    assert queue.status_code == 200
    assert 'data-reason="unmapped_sku"' in queue.text and "未找到SKU映射" in queue.text

    truth = _truth(sandbox)
    waiting = [
        items[0]
        for items in _open_by_order(world.client).values()
        if [item["reason_code"] for item in items] == ["unmapped_sku"]
        and truth[items[0]["sku_code"]][1]["multiplier"] == 1
    ]
    assert waiting, "the seed leaves orders whose only problem is an unmapped SKU"
    item = waiting[0]
    store_number, sku = truth[item["sku_code"]]
    with world.factory() as session:
        seller_id = httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()["aliexpress"]["stores"][
            store_number - 1
        ]["seller_id"]
        store = StoreRepository(session).aliexpress_store_by_seller(str(seller_id))
        assert store is not None
        store_id = store.id
    form = world.client.get(f"/rules/new?sku={item['sku_code']}&store_id={store_id}")
    assert f'value="{html.escape(item["sku_code"])}"' in form.text

    saved = world.client.post(
        "/rules",
        data={
            "kind": "exact",
            "pattern": item["sku_code"],
            "offer_id": str(sku["offer_id"]),
            "spec_id": sku["spec_id"],
            "quantity_multiplier": "1",
            "priority": "50",
            "store_id": str(store_id),
            "unit_cost": "",
            "enabled": "on",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert "/rules?saved=" in saved.headers["location"]

    world.run_pass()

    assert item["ae_order_id"] not in _open_by_order(world.client)
    order = world.client.get(f"/api/orders/{item['ae_order_id']}").json()
    assert order["state"] in ("buying", "bought")
    (line,) = [line for line in order["lines"] if line["sku_code"] == item["sku_code"]]
    assert line["spec_id"] == sku["spec_id"] and line["state"] == "purchased"
    (purchase,) = [purchase for purchase in order["purchases"] if purchase["id"] == line["purchase_id"]]
    assert purchase["state"] == "placed" and purchase["alibaba_order_id"]
    rule_saved = [entry for entry in order["timeline"] if entry["entity"] == "exception"]
    assert rule_saved[-1]["to_state"] == "resolved"


def test_bulk_cancel_through_the_api_answers_per_item_and_cancels_the_order(
    sandbox: SandboxServer, sqlite_url: str
) -> None:
    world = _world(sandbox, sqlite_url)
    single = [items[0] for items in _open_by_order(world.client).values() if len(items) == 1]
    target = single[0]

    reply = world.client.post("/api/exceptions/cancel", json={"ids": [target["id"], 987654]})

    assert reply.status_code == 200
    results = reply.json()["results"]
    assert [(result["id"], result["ok"]) for result in results] == [(target["id"], True), (987654, False)]
    assert "not found" in results[1]["message_en"]
    order = world.client.get(f"/api/orders/{target['ae_order_id']}").json()
    assert order["state"] == "cancelled"
    assert order["timeline"][-1]["who"] == "user:web"
    assert target["ae_order_id"] not in _open_by_order(world.client)
    # Approving an unmapped SKU is refused on the page, with the reason, in the page's language.
    unmapped = next(
        item
        for items in _open_by_order(world.client).values()
        for item in items
        if item["reason_code"] == "unmapped_sku"
    )
    page = world.client.post("/exceptions/approve?lang=en", data={"ids": [str(unmapped["id"])]})
    assert page.status_code == 200 and "cannot be approved" in page.text


def test_an_invalid_regex_rule_is_refused_with_the_problem_next_to_its_field(
    sandbox: SandboxServer, sqlite_url: str
) -> None:
    world = _world(sandbox, sqlite_url)
    offer_id = sorted(sandbox.world.catalog.offers)[0]
    page = world.client.post(
        "/rules", data={"kind": "regex", "pattern": "AE-(\\d+", "offer_id": str(offer_id), "priority": "x"}
    )
    assert page.status_code == 422
    assert 'data-field="pattern"' in page.text and "正则表达式无法编译" in page.text
    assert 'data-field="priority"' in page.text

    api = world.client.post("/api/rules", json={"kind": "regex", "pattern": "AE-(", "offer_id": offer_id})
    assert api.status_code == 422
    fields = {problem["field"]: problem for problem in api.json()["details"]["problems"]}
    assert fields["pattern"]["code"] == "regex_invalid"
    assert "regex" in fields["pattern"]["message_en"]


def test_preview_shows_the_store_codes_a_rule_maps_with_the_1688_spec_attributes(
    sandbox: SandboxServer, sqlite_url: str
) -> None:
    world = _world(sandbox, sqlite_url)
    item = next(
        item
        for items in _open_by_order(world.client).values()
        for item in items
        if item["reason_code"] == "unmapped_sku"
    )
    _, sku = _truth(sandbox)[item["sku_code"]]
    offer = sandbox.world.catalog.offers[int(sku["offer_id"])]
    spec = offer.spec(sku["spec_id"])
    assert spec is not None

    page = world.client.post(
        "/rules/preview",
        data={
            "kind": "exact",
            "pattern": item["sku_code"],
            "offer_id": str(sku["offer_id"]),
            "spec_id": sku["spec_id"],
        },
    )

    assert page.status_code == 200
    assert "preview-mapped" in page.text and html.escape(item["sku_code"]) in page.text
    assert spec.attributes[0].value in page.text  # the 1688 side: the spec's own attributes


def test_an_import_with_a_bad_row_saves_nothing_and_lists_the_row(
    sandbox: SandboxServer, sqlite_url: str
) -> None:
    world = _world(sandbox, sqlite_url)
    before = world.client.get("/rules/export.xlsx")
    assert before.status_code == 200 and before.content[:2] == b"PK"
    offer = sandbox.world.catalog.offers[sorted(sandbox.world.catalog.offers)[0]]
    sheet_book = Workbook()
    sheet = sheet_book.active
    sheet.append(["类型 kind", "匹配 pattern", "1688商品ID offer_id", "规格ID spec_id"])
    sheet.append(["exact", "NEW-CODE-1", offer.offer_id, offer.specs[0].spec_id])
    sheet.append(["regex", "NEW-(", offer.offer_id, ""])
    buffer = io.BytesIO()
    sheet_book.save(buffer)
    rules_before = world.client.get("/rules?q=NEW-").text.count('class="rule-row')

    page = world.client.post("/rules/import", files={"file": ("mine.xlsx", buffer.getvalue())})

    assert page.status_code == 422
    assert page.text.count('class="import-error"') >= 1 and "<td>3</td>" in page.text
    assert 'class="rejects"' in page.text
    assert world.client.get("/rules?q=NEW-").text.count('class="rule-row') == rules_before == 0


def test_the_order_page_shows_lines_purchases_and_the_timeline_in_both_languages(
    sandbox: SandboxServer, sqlite_url: str
) -> None:
    world = _world(sandbox, sqlite_url)
    listing = world.client.get("/orders")
    assert listing.status_code == 200 and "速卖通订单" in listing.text
    bought = world.client.get("/orders?state=buying").text + world.client.get("/orders?state=bought").text
    ae_order_id = int(bought.split('data-ae-order-id="')[1].split('"')[0])

    page = world.client.get(f"/orders/{ae_order_id}")

    assert page.status_code == 200
    assert "处理记录" in page.text and page.text.count('class="timeline-entry"') >= 3
    assert "从速卖通同步" in page.text and "job:route@test" in page.text  # purchasing.change_reasons
    assert f"{ae_order_id}-1" in page.text  # the purchase's outOrderId
    english = world.client.get(f"/orders/{ae_order_id}?lang=en")
    assert "Timeline" in english.text and "Our state" in english.text
    assert "synced from AliExpress" in english.text
    assert world.client.get("/orders/1").status_code == 404
