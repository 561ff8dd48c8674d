"""A seeded world for the whole-app tests (every page in both languages, the OpenAPI fuzz run).

As ``kuajing demo`` does: the sandbox's stores and buyer account connected, SKU rules installed,
orders generated and two order-loop passes run on the advancing sandbox clock; then through the
app's own forms a compliance listing, an EPR number, a QC report, an HS opinion and a return, so
every page with a path parameter has a row to show. The sandbox keeps running while the tests read
the pages (the dashboard and the catalog read it live).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from starlette.routing import Route

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.jobs import run_pass
from kuajing.sandbox.cli import current_hour
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.pool import ClientPool
from kuajing.stores.repository import StoreRepository
from kuajing.web.app import create_app

PASSES = 2


@dataclass
class SeededWorld:
    url: str
    settings: Settings
    sandbox: SandboxServer
    values: dict[str, list[str]]  # ids that exist, per path parameter name

    def app(self) -> FastAPI:
        app = create_app(self.settings)
        app.state.offer_upload_dir = Path(self.settings.compliance_folder).parent / "uploads"
        return app


def every_route(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str], Route]]:
    """Every route with its full path and methods, through included routers (FastAPI may keep them
    apart from ``app.routes``)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from every_route(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif isinstance(route, Route):
            yield prefix + route.path, set(route.methods or ()), route


def _seed_through_the_app(client: TestClient, sandbox: SandboxServer) -> None:
    """Rows the order loop does not make, added as a seller would, through the pages' forms."""
    offers = httpx.get(f"{sandbox.base_url}/sandbox/catalog/offers", params={"limit": 4}).json()["offer_ids"]
    reply = client.post("/sourcing/import/fetch", data={"refs": "\n".join(str(o) for o in offers)})
    assert reply.status_code < 400, reply.text[-300:]
    for product_id, title, markets in [
        (1005001, "Silicone phone case 硅胶手机壳", "DE,FR"),
        (1005002, "Women summer dress", "ES"),
    ]:
        reply = client.post(
            "/compliance/listings", data={"product_id": str(product_id), "title": title, "markets": markets}
        )
        assert reply.status_code < 400, reply.text[:300]
    reply = client.post(
        "/compliance/epr", data={"country": "DE", "stream": "packaging", "number": "DE1234567890123"}
    )
    assert reply.status_code < 400, reply.text[:300]
    reply = client.post(
        "/compliance/qc",
        data={"family": "apparel", "issuer": "SGS", "issued_on": "2026-01-01", "expires_on": "2099-01-01"},
        files={"file": ("report.pdf", b"%PDF-1.4 report", "application/pdf")},
    )
    assert reply.status_code < 400, reply.text[:300]


def _seed_opinion_and_return(client: TestClient, values: dict[str, list[str]]) -> None:
    for offer_id in values["offer_id"][:1]:
        reply = client.post(
            "/compliance/hs/opinions",
            data={
                "offer_id": offer_id,
                "hs6": "3926.90",
                "opinion_date": "2026-06-20",
                "authority": "深圳海关",
            },
            files={"file": ("opinion.pdf", b"%PDF-1.4 opinion", "application/pdf")},
        )
        assert reply.status_code < 400, reply.text[:300]
    for order_id in values["ae_order_id"][:1]:
        reply = client.post(
            "/aftersales/returns",
            data={"ae_order_id": order_id, "reason": "wrong_item", "amount": "1200", "notes": "发错颜色"},
        )
        assert reply.status_code < 500, reply.text[:300]


def _uploaded_offers_file(client: TestClient) -> str:
    """An offers file at its mapping step (/sourcing/import/{token}): its token."""
    csv = "商品ID,标题,供应商,价格,规格ID,规格\n610000001,手机壳,义乌小商品厂,2.50,S1,颜色:黑色\n"
    reply = client.post(
        "/sourcing/import/upload",
        files={"file": ("offers.csv", csv.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert reply.status_code == 303, reply.text[-300:]
    return str(reply.headers["location"]).split("?")[0].rsplit("/", 1)[-1]


def _path_values(client: TestClient, url: str) -> dict[str, list[str]]:
    factory = make_session_factory(make_engine(url))
    with factory() as session:

        def first(sql: str, limit: int = 2) -> list[str]:
            return [str(value) for (value,) in session.execute(text(f"{sql} LIMIT {limit}"))]

        values = {
            "ae_order_id": first("SELECT ae_order_id FROM ae_orders ORDER BY id", 3),
            "offer_row_id": first("SELECT id FROM sourced_offers ORDER BY id"),
            "offer_id": first("SELECT offer_id FROM sourced_offers ORDER BY id"),
            "listing_id": first("SELECT id FROM compliance_listings ORDER BY id"),
            "opinion_id": first("SELECT id FROM hs_opinions ORDER BY id"),
            "document_id": first("SELECT id FROM compliance_qc_documents ORDER BY id"),
            "registration_id": first("SELECT id FROM compliance_epr_registrations ORDER BY id"),
            "case_id": first("SELECT id FROM aftersales_cases ORDER BY id"),
            "claim_id": first("SELECT id FROM aftersales_claims ORDER BY id"),
        }
    lines = client.get("/api/logistics/lines").json()
    values["line_id"] = [str(line.get("line_id") or line.get("id")) for line in lines[:2]]
    values["member_id"] = [str(item["member_id"]) for item in client.get("/api/suppliers").json()[:2]]
    values["kind"] = ["order", "sku", "supplier", "store", "country"]
    return values


@pytest.fixture(scope="module")
def seeded_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededWorld]:
    folder = tmp_path_factory.mktemp("world")
    url = f"sqlite:///{folder}/kuajing.sqlite3"
    with SandboxServer(seed=1688, start=current_hour()) as sandbox:
        base = sandbox.base_url
        settings = Settings(
            database_url=url,
            clock_url=base,
            alibaba1688_calls_per_second=1000,
            aliexpress_calls_per_second=1000,
            aftersales_folder=str(folder / "aftersales"),
            compliance_folder=str(folder / "compliance"),
            hs_opinion_folder=str(folder / "hs_opinions"),
        )
        migrate.upgrade(url)
        factory = make_session_factory(make_engine(url))
        accounts = httpx.get(f"{base}/sandbox/accounts").json()
        with factory() as session:
            service.connect_sandbox(session, base, accounts)
            account = StoreRepository(session).buyer_accounts()[0]
            with service.alibaba_client(account, settings) as buyer:
                catalog = OfferSnapshots(session, buyer, now=sandbox.world.now())
                install_sandbox_rules(session, base, catalog, now=sandbox.world.now(), skip_every=4)
            session.commit()
        httpx.post(f"{base}/sandbox/orders/generate", params={"count": 10}).raise_for_status()
        with ClientPool(factory, settings) as pool:
            for _ in range(PASSES):
                httpx.post(f"{base}/sandbox/clock/advance", params={"hours": 1}).raise_for_status()
                run_pass(factory, settings, now=sandbox.world.now, worker="pages", pool=pool)
        world = SeededWorld(url=url, settings=settings, sandbox=sandbox, values={})
        with TestClient(world.app()) as client:
            _seed_through_the_app(client, sandbox)
            values = _path_values(client, url)
            _seed_opinion_and_return(client, values)
            world.values = {**_path_values(client, url), "token": [_uploaded_offers_file(client)]}
        yield world
