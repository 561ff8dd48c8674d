"""Dispute intake over real HTTP: the sandbox's AliExpress issue API → 售后 cases, classified by the
buyer's reason, on SQLite and PostgreSQL; the IN_ISSUE fallback when a store's issue API fails."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kuajing.aftersales import repository as repo
from kuajing.aftersales.intake import intake_all_stores
from kuajing.aftersales.tables import ReturnCaseRow
from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.jobs import run_pass
from kuajing.logistics.service import catalog_for
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service as stores
from kuajing.stores.repository import StoreRepository

ISSUE_LIST = "aliexpress.issue.issuelist.get"


def _bought_orders(
    sandbox: SandboxServer, database_url: str
) -> tuple[Settings, sessionmaker[Session], list[int]]:
    """The order loop buys a few sandbox orders on 1688; returns the AliExpress ids bought."""
    migrate.upgrade(database_url)
    settings = Settings(database_url=database_url, auto_buy_requires_super_factory=False,
                        alibaba1688_calls_per_second=1000, aliexpress_calls_per_second=1000)  # fmt: skip
    factory = make_session_factory(make_engine(database_url))
    with factory() as session:
        stores.connect_sandbox(
            session, sandbox.base_url, httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        )
        account = StoreRepository(session).buyer_accounts()[0]
        with stores.alibaba_client(account, settings) as buyer:
            catalog = OfferSnapshots(session, buyer, now=sandbox.world.now())
            install_sandbox_rules(session, sandbox.base_url, catalog, now=sandbox.world.now())
        session.commit()
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 8}).raise_for_status()
    sandbox.world.advance(0.5)
    run_pass(factory, settings, now=sandbox.world.now, worker="w1")
    with factory() as session:
        query = (
            select(AeOrderRow.ae_order_id)
            .join(PurchaseOrderRow, PurchaseOrderRow.order_id == AeOrderRow.id)
            .where(PurchaseOrderRow.alibaba_order_id.is_not(None))
        )
        bought = dict(Counter(session.scalars(query)))
    assert sum(1 for count in bought.values() if count == 1) >= 3, bought
    return settings, factory, bought


def _dispute(sandbox: SandboxServer, order_id: int, reason: str | None = None) -> dict[str, str]:
    params = {"reason": reason} if reason else {}
    reply = httpx.post(f"{sandbox.base_url}/sandbox/aliexpress/orders/{order_id}/dispute", params=params)
    reply.raise_for_status()
    return dict(reply.json())


def _intake(factory: sessionmaker[Session], settings: Settings, now: datetime) -> tuple[int, int, list[str]]:
    with factory() as session:
        report = intake_all_stores(session, settings, who="test", now=now)
        session.commit()
        return len(report.taken), len(report.classified), report.problems


def _case(session: Session, ae_order_id: int) -> ReturnCaseRow:
    [row] = session.scalars(select(ReturnCaseRow).where(ReturnCaseRow.ae_order_id == ae_order_id))
    return row


def test_sandbox_disputes_become_cases_classified_by_the_buyers_reason_once(
    sandbox: SandboxServer, database_url: str
) -> None:
    settings, factory, bought = _bought_orders(sandbox, database_url)
    wrong, remorse, unreached = sorted(order for order, count in bought.items() if count == 1)[:3]
    [two_suppliers] = [order for order, count in bought.items() if count == 2][:1]  # seed 1688 has one
    wrong_issue = _dispute(sandbox, wrong, "wrong_item")
    _dispute(sandbox, remorse, "no_longer_needed")
    _dispute(sandbox, unreached, "not_received")
    _dispute(sandbox, two_suppliers, "missing_items")

    # Three classified; the missing item of a two-supplier order waits: which supplier is a person's call.
    assert _intake(factory, settings, sandbox.world.now()) == (4, 3, [])
    with factory() as session:
        fx = catalog_for(session, settings).fx
        case = _case(session, wrong)
        assert case.ae_issue_id == int(wrong_issue["issue_id"]) and case.source == "ae_issue"
        assert case.reason == "wrong_item" and case.liable == "supplier" and case.currency == "CNY"
        assert case.amount == fx.to_cny(Decimal(wrong_issue["refund_amount"]), "USD")
        assert "发错货" in (case.notes or "") and "Wrong item received" in (case.notes or "")
        claim = repo.claim_for_case(session, case.id)
        assert claim is not None and claim.state == "open" and claim.alibaba_order_id
        assert (_case(session, remorse).reason, _case(session, remorse).liable) == ("buyer_remorse", "seller")
        assert repo.claim_for_case(session, _case(session, remorse).id) is None
        assert _case(session, unreached).reason == "other"
        waiting = _case(session, two_suppliers)
        assert waiting.reason is None and waiting.ae_issue_id and "少件/漏发" in (waiting.notes or "")

    # Idempotent: the same issues, and their orders now IN_ISSUE in the order sync, are not taken again.
    run_pass(factory, settings, now=sandbox.world.now, worker="w1")
    assert _intake(factory, settings, sandbox.world.now()) == (0, 0, [])
    with factory() as session:
        assert len(list(session.scalars(select(ReturnCaseRow)))) == 4


def test_a_store_whose_issue_api_fails_falls_back_to_in_issue_and_the_issue_joins_that_case_later(
    sandbox: SandboxServer, database_url: str
) -> None:
    settings, factory, bought = _bought_orders(sandbox, database_url)
    order_id = min(order for order, count in bought.items() if count == 1)
    opened = _dispute(sandbox, order_id)  # the order's own reason, from a hash of its id
    run_pass(factory, settings, now=sandbox.world.now, worker="w1")  # the sync records IN_ISSUE
    fault = {"method": ISSUE_LIST, "kind": "http_500", "rate": 1.0}
    httpx.post(f"{sandbox.base_url}/sandbox/faults", json=fault).raise_for_status()

    taken, classified, problems = _intake(factory, settings, sandbox.world.now())
    assert (taken, classified) == (1, 0) and problems  # every store's list failed; IN_ISSUE took it
    with factory() as session:
        case = _case(session, order_id)
        assert case.ae_issue_id is None and case.reason is None

    httpx.delete(f"{sandbox.base_url}/sandbox/faults").raise_for_status()
    assert _intake(factory, settings, sandbox.world.now())[0] == 0  # no second case for the order
    with factory() as session:
        case = _case(session, order_id)  # exactly one case: the issue was attached to it
        assert case.ae_issue_id == int(opened["issue_id"])
        assert case.reason is not None  # the sandbox only gives reasons the mapping knows
        assert opened["reason_zh"] in (case.notes or "")


def test_a_return_on_one_line_of_a_two_supplier_order_claims_from_that_lines_supplier(
    sandbox: SandboxServer, database_url: str
) -> None:
    _, factory, bought = _bought_orders(sandbox, database_url)
    two_suppliers = min(order for order, count in bought.items() if count == 2)
    with factory() as session:
        order = session.scalars(select(AeOrderRow).where(AeOrderRow.ae_order_id == two_suppliers)).one()
        purchases = list(
            session.scalars(select(PurchaseOrderRow).where(PurchaseOrderRow.order_id == order.id))
        )
        for purchase in purchases:  # the loop's cargo names each line, as text
            line_id = int(purchase.cargo[0]["line_ids"][0])
            found = repo.purchase_for(session, order.id, line_id)
            assert found is not None and found.id == purchase.id
