"""After each pass `kuajing run` and the demo take in AliExpress disputes, check the compliance of
products that sold for the first time, and raise alerts — against the sandbox over HTTP, and a failing
store does not stop it."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from test_dispute_intake_sandbox import _bought_orders, _dispute

from kuajing.aftersales.tables import ReturnCaseRow
from kuajing.compliance.tables import ListingCheckRow, ListingRow
from kuajing.housekeeping import after_pass
from kuajing.orders.tables import AeOrderLineRow
from kuajing.sandbox.server import SandboxServer
from kuajing.stores.pool import ClientPool


def test_a_pass_takes_in_disputes_and_checks_new_listings_once(
    sandbox: SandboxServer, database_url: str
) -> None:
    settings, factory, bought = _bought_orders(sandbox, database_url)
    order_id = next(order for order, count in bought.items() if count == 1)
    _dispute(sandbox, order_id, "wrong_item")
    with ClientPool(factory, settings) as pool:
        after_pass(factory, settings, sandbox.world.now(), pool)
        with factory() as session:
            cases = list(session.scalars(select(ReturnCaseRow)))
            assert [(case.ae_order_id, case.reason) for case in cases] == [(order_id, "wrong_item")]
            products = set(session.scalars(select(AeOrderLineRow.product_id)))
            listed = set(session.scalars(select(ListingRow.product_id)))
            assert listed == products and products
            checks = session.scalar(select(func.count()).select_from(ListingCheckRow))
            assert checks and checks >= len(products)  # one per listing × market
        calls = sandbox.world.limits["aliexpress"].calls
        after_pass(factory, settings, sandbox.world.now(), pool)  # nothing new: nothing re-read
        with factory() as session:
            assert session.scalar(select(func.count()).select_from(ReturnCaseRow)) == 1
        reads = sandbox.world.limits["aliexpress"].calls - calls
        assert reads <= 2 * len(bought), reads  # the issue list per store, no product re-read


def test_a_failing_issue_api_does_not_stop_the_rest(sandbox: SandboxServer, database_url: str) -> None:
    settings, factory, _ = _bought_orders(sandbox, database_url)
    httpx.post(
        f"{sandbox.base_url}/sandbox/faults",
        json={"method": "aliexpress.issue.issuelist.get", "kind": "http_500", "rate": 1.0},
    ).raise_for_status()
    with ClientPool(factory, settings) as pool:
        after_pass(factory, settings, sandbox.world.now(), pool)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(ListingRow))  # listings still checked
