"""How much the marketplace clients cost on top of the wire.

For each platform the same N calls go to the sandbox over HTTP twice: once as raw httpx posts of
pre-signed forms (the floor: network + sandbox), once through the real client (signing, pacing,
retry policy, typed parsing). Prints JSON: calls/s for each and the ratio client/floor (1.0 = free).
Run: .venv/bin/python bench/marketplace_clients.py
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx

from kuajing.kit.clock import utcnow
from kuajing.marketplaces.alibaba1688 import Alibaba1688Client, Alibaba1688Config
from kuajing.marketplaces.alibaba1688 import signing as aop
from kuajing.marketplaces.aliexpress import AliExpressClient, AliExpressConfig, OrderQuery
from kuajing.marketplaces.aliexpress import signing as iop
from kuajing.sandbox.server import SandboxServer

CALLS = 300
ORDERS = 1000


def timed(calls: int, run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return calls / (time.perf_counter() - start)


def bench_aliexpress(sandbox: SandboxServer) -> dict[str, float]:
    creds = sandbox.world.credentials
    base = f"{sandbox.base_url}/aliexpress"
    method = "aliexpress.solution.order.get"
    params = {
        "app_key": creds.ae_app_key,
        "timestamp": str(int(time.time() * 1000)),
        "sign_method": "sha256",
        "method": method,
        "session": creds.ae_access_token,
        "format": "json",
        "simplify": "false",
        "param0": json.dumps({"current_page": 1, "page_size": 50}),
    }
    params["sign"] = iop.sign(creds.ae_app_secret, method, params)

    def raw() -> None:
        with httpx.Client() as http:
            for _ in range(CALLS):
                http.post(f"{base}/sync", data=params).json()

    config = AliExpressConfig(
        base_url=base,
        app_key=creds.ae_app_key,
        app_secret=creds.ae_app_secret,
        access_token=creds.ae_access_token,
        calls_per_second=1e9,
    )
    query = OrderQuery(
        create_date_start=sandbox.world.now().replace(year=2000), create_date_end=utcnow().replace(year=2100)
    )

    def client() -> None:
        with AliExpressClient(config) as ae:
            for _ in range(CALLS):
                ae.list_orders(query, page=1, page_size=50)

    floor, through_client = timed(CALLS, raw), timed(CALLS, client)
    return {
        "order_pages_per_s_raw": round(floor, 1),
        "order_pages_per_s_client": round(through_client, 1),
        "ratio_client_to_raw": round(through_client / floor, 3),
    }


def bench_1688(sandbox: SandboxServer) -> dict[str, float]:
    creds = sandbox.world.credentials
    base = f"{sandbox.base_url}/1688"
    offer_id = sorted(o.offer_id for o in sandbox.world.catalog.offers.values() if o.status == "published")[0]
    path = aop.url_path(
        "com.alibaba.fenxiao.crossborder", "product.search.queryProductDetail", creds.alibaba_app_key
    )
    params = {
        "access_token": creds.alibaba_access_token,
        "_aop_timestamp": str(int(time.time() * 1000)),
        "offerDetailParam": json.dumps({"offerId": offer_id, "country": "en"}),
    }
    params["_aop_signature"] = aop.sign(creds.alibaba_app_secret, path, params)

    def raw() -> None:
        with httpx.Client() as http:
            for _ in range(CALLS):
                http.post(f"{base}/openapi/{path}", data=params).json()

    config = Alibaba1688Config(
        base_url=base,
        app_key=creds.alibaba_app_key,
        app_secret=creds.alibaba_app_secret,
        access_token=creds.alibaba_access_token,
        calls_per_second=1e9,
    )

    def client() -> None:
        with Alibaba1688Client(config) as buyer:
            for _ in range(CALLS):
                buyer.product_detail(offer_id)

    floor, through_client = timed(CALLS, raw), timed(CALLS, client)
    return {
        "product_details_per_s_raw": round(floor, 1),
        "product_details_per_s_client": round(through_client, 1),
        "ratio_client_to_raw": round(through_client / floor, 3),
    }


def main() -> None:
    build_start = time.perf_counter()
    with SandboxServer(seed=1688) as sandbox:
        build_s = time.perf_counter() - build_start
        sandbox.world.limits["aliexpress"].calls = 0
        sandbox.world.limits["1688"].calls = 0
        sandbox.world.storefront.generate_orders(ORDERS)
        result = {
            "bench": "marketplace_clients",
            "calls_each": CALLS,
            "sandbox_start_s": round(build_s, 3),
            "sandbox_offers": len(sandbox.world.catalog.offers),
            "aliexpress": bench_aliexpress(sandbox),
            "alibaba1688": bench_1688(sandbox),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
