"""Workbench page speed: OFFERS offers (100,000 by default) from 2,000 suppliers, bulk-inserted into a
fresh migrated SQLite database, screened for US and DE with the matrix engine (``screen_offers``,
the ``kuajing selection screen`` use case), then REQUESTS page requests of ``/sourcing`` (and a
share of ``/api/sourcing/offers``) through the FastAPI TestClient with varied sorts, filters and
pages. Prints JSON: p50/p95/max per page in ms, seconds to generate and to screen.
Run: .venv/bin/python bench/workbench_page.py [OFFERS] [REQUESTS]
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.logistics.catalog import shipped_catalog
from kuajing.sourcing.selection import SORT_COLUMNS
from kuajing.sourcing.selection_service import screen_offers
from kuajing.sourcing.tables import SourcedOfferRow, SupplierRow
from kuajing.web.app import create_app

NOW = datetime(2026, 7, 1, 8, tzinfo=UTC)
ON = date(2026, 7, 2)
SUPPLIERS = 2_000
CATEGORIES = ("phone_accessories", "home", "apparel", "toys", "jewellery", "electronics")
CLUSTERS = ("SZ-3C", "DG-3C", "YW", "GZ-APP", "QZ-SHOE", None)
WORDS = ("手机壳", "保护套", "马克杯", "收纳盒", "耳环", "T恤", "积木", "数据线", "钥匙扣", "发夹")


def generate(url: str, offers: int, rng: random.Random) -> None:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        session.execute(
            insert(SupplierRow),
            [
                {
                    "id": i,
                    "member_id": f"b2b-{i}",
                    "name": f"供应商{i}号",
                    "super_factory": rng.random() < 0.2,
                    "dropship": rng.random() < 0.6,
                    "trust_pass": True,
                    "trust_pass_years": rng.randint(0, 12),
                    "custom_moq": rng.choice((None, 10, 30, 50, 100, 500)),
                    "cluster_code": rng.choice(CLUSTERS),
                    "updated_at": NOW,
                }
                for i in range(1, SUPPLIERS + 1)
            ],
        )
        batch = []
        for i in range(1, offers + 1):
            price = Decimal(rng.randint(150, 9000)).scaleb(-2)
            moq = rng.choice((1, 2, 5, 10, 50, 100))
            batch.append(
                {
                    "id": i,
                    "offer_id": 600_000_000_000 + i,
                    "supplier_id": rng.randint(1, SUPPLIERS),
                    "title": f"{rng.choice(WORDS)} {rng.choice(WORDS)} 款{i}",
                    "category": rng.choice(CATEGORIES),
                    "material": "硅胶",
                    "attributes": {},
                    "min_order_quantity": moq,
                    "price_tiers": [[moq, str(price)]],
                    "unit_price": price,
                    "weight_g": rng.randint(20, 1500) if rng.random() > 0.01 else None,
                    "hs_code": "392690" if rng.random() < 0.5 else None,
                    "source": "bench",
                    "content_hash": str(i),
                    "imported_at": NOW,
                    "updated_at": NOW,
                }
            )
            if len(batch) == 10_000:
                session.execute(insert(SourcedOfferRow), batch)
                batch = []
        if batch:
            session.execute(insert(SourcedOfferRow), batch)
        session.commit()
    engine.dispose()


def screen(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        summary = screen_offers(session, shipped_catalog(), ON, ["US", "DE"], NOW, batch=20_000)
        session.commit()
    engine.dispose()
    return {"specs": summary.specs, "rows": summary.rows, "unserved": summary.unserved}


def page_params(rng: random.Random) -> dict[str, Any]:
    params: dict[str, Any] = {
        "country": rng.choice(("US", "DE")),
        "sort": rng.choice(SORT_COLUMNS),
        "dir": rng.choice(("asc", "desc")),
        "page": rng.choice((1, 1, 2, 3, 10, 50, 200)),
    }
    for key, values in (
        ("category", CATEGORIES),
        ("max_moq", (1, 5, 10)),
        ("min_margin", ("0.1", "20%")),
        ("cluster", CLUSTERS[:-1]),
        ("dropship_only", ("1",)),
        ("custom_friendly", ("1",)),
        ("q", ("手机壳", "款12")),
    ):
        if rng.random() < 0.25:
            params[key] = rng.choice(values)
    return params


def main() -> None:
    offers = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    rng = random.Random(1688)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        started = time.perf_counter()
        generate(url, offers, rng)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        screened = screen(url)
        screening = time.perf_counter() - started
        timings: list[float] = []
        with TestClient(create_app(Settings(database_url=url))) as client:
            client.get("/sourcing")  # warm: templates compiled, connection pool open
            for n in range(requests):
                params = page_params(rng)
                path = "/api/sourcing/offers" if n % 4 == 3 else "/sourcing"
                started = time.perf_counter()
                reply = client.get(path, params=params)
                timings.append((time.perf_counter() - started) * 1000)
                assert reply.status_code == 200, (params, reply.text[:300])
    timings.sort()
    print(
        json.dumps(
            {
                "offers": offers,
                "figure_rows": screened["rows"],
                "unserved": screened["unserved"],
                "requests": requests,
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
                "max_ms": round(timings[-1], 1),
                "generate_s": round(generated, 1),
                "screen_s": round(screening, 1),
                "target_p95_ms": 300,
            }
        )
    )


if __name__ == "__main__":
    main()
