"""A supplier claim submitted to 1688 over real HTTP: the sandbox's 1688 side holds the refund with
the claim's amount and order entries, and a retry after a timeout never opens a second refund."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kuajing.aftersales import repository as repo
from kuajing.aftersales import service
from kuajing.aftersales.model import ClaimState, Evidence, ReturnReason
from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.jobs import run_pass
from kuajing.kit.money import Money
from kuajing.marketplaces.alibaba1688 import Alibaba1688Client
from kuajing.marketplaces.errors import CallTimeout
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service as stores
from kuajing.stores.repository import StoreRepository

CREATE_REFUND = "alibaba.trade.createRefund"
RECEIVED = "refundBuyerReceived"
EVIDENCE = {
    Evidence.CHAT_RECORD: ("旺旺聊天记录.png", b"\x89PNG chat"),
    Evidence.SIGN_OFF_PROOF: ("签收证明.pdf", b"%PDF sign-off"),
    Evidence.UNBOXING_VIDEO: ("开箱视频.mp4", b"\x00\x00\x00\x18ftypmp42 unboxing"),
}


def _bought(sandbox: SandboxServer, database_url: str) -> tuple[Settings, sessionmaker[Session], list[str]]:
    """The order loop buys sandbox orders; the suppliers ship. Returns 1688 ids of one-purchase orders."""
    migrate.upgrade(database_url)
    settings = Settings(database_url=database_url, auto_buy_requires_super_factory=False,
                        alibaba1688_calls_per_second=1000, aliexpress_calls_per_second=1000,
                        alibaba1688_timeout_seconds=1.0, retry_base_delay_seconds=0.01)  # fmt: skip
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
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 6}).raise_for_status()
    sandbox.world.advance(0.5)
    run_pass(factory, settings, now=sandbox.world.now, worker="w1")
    with factory() as session:
        rows = session.execute(
            select(AeOrderRow.ae_order_id, PurchaseOrderRow.alibaba_order_id)
            .join(PurchaseOrderRow, PurchaseOrderRow.order_id == AeOrderRow.id)
            .where(PurchaseOrderRow.alibaba_order_id.is_not(None))
        ).all()
    per_order = Counter(ae for ae, _ in rows)
    singles = sorted(str(alibaba) for ae, alibaba in rows if per_order[ae] == 1)
    for alibaba in singles:
        httpx.post(f"{sandbox.base_url}/sandbox/1688/purchases/{alibaba}/dispatch").raise_for_status()
    assert len(singles) >= 2, rows
    return settings, factory, singles


def _claim_ready(
    session: Session, alibaba_order_id: str, amount: Decimal, folder: Path, sandbox: SandboxServer
) -> int:
    """A wrong-item return on the order bought as ``alibaba_order_id``, its three files attached."""
    ae_order_id = session.scalars(
        select(AeOrderRow.ae_order_id)
        .join(PurchaseOrderRow, PurchaseOrderRow.order_id == AeOrderRow.id)
        .where(PurchaseOrderRow.alibaba_order_id == alibaba_order_id)
    ).one()
    now = sandbox.world.now()
    outcome = service.record_return(
        session, ae_order_id=ae_order_id, line_id=None, reason=ReturnReason.WRONG_ITEM,
        amount=Money.of(amount, "CNY"), notes="发错颜色", who="test", now=now,
    )  # fmt: skip
    assert outcome.claim is not None and outcome.claim.alibaba_order_id == alibaba_order_id
    for kind, (name, content) in EVIDENCE.items():
        service.attach_evidence(
            session, outcome.claim.id, kind, name, content, folder=folder, who="test", now=now
        )
    assert outcome.claim.state == ClaimState.EVIDENCE_COMPLETE
    return outcome.claim.id


def _entries_and_goods(client: Alibaba1688Client, alibaba_order_id: str) -> tuple[list[str], Decimal]:
    order = client.buyer_view(alibaba_order_id)
    entries = [str(item.sub_item_id) for item in order.items]
    return entries, sum((item.price.amount * item.quantity for item in order.items), Decimal(0))


def _wrong_item_reason(client: Alibaba1688Client, alibaba_order_id: str, entries: list[str]) -> str:
    reasons = client.refund_reasons(alibaba_order_id, entries, RECEIVED)
    return next(reason.id for reason in reasons if reason.name == "发错货")


def _truth(sandbox: SandboxServer, alibaba_order_id: str) -> list[dict[str, Any]]:
    reply = httpx.get(f"{sandbox.base_url}/sandbox/1688/refunds", params={"order_id": alibaba_order_id})
    return list(reply.raise_for_status().json()["refunds"])


def _submit(session: Session, claim_id: int, client: Alibaba1688Client, reason: str, entries: list[str],
            sandbox: SandboxServer) -> None:  # fmt: skip
    service.submit_claim(session, claim_id, client, reason_id=reason, entry_ids=entries,
                                goods_status=RECEIVED, who="test", now=sandbox.world.now())  # fmt: skip


def test_claim_goes_to_1688_as_one_refund_with_its_amount_entries_and_evidence(
    sandbox: SandboxServer, database_url: str, tmp_path: Path
) -> None:
    settings, factory, singles = _bought(sandbox, database_url)
    alibaba_order_id = singles[0]
    with factory() as session:
        account = StoreRepository(session).buyer_accounts()[0]
        with stores.alibaba_client(account, settings) as client:
            entries, goods = _entries_and_goods(client, alibaba_order_id)
            claim_id = _claim_ready(session, alibaba_order_id, goods, tmp_path, sandbox)
            reason = _wrong_item_reason(client, alibaba_order_id, entries)
            _submit(session, claim_id, client, reason, entries, sandbox)
            session.commit()

    [refund] = _truth(sandbox, alibaba_order_id)
    assert refund["applyPaymentFen"] == int(goods * 100)
    assert [str(entry) for entry in refund["orderEntryIds"]] == entries
    assert str(refund["reasonId"]) == reason and refund["goodsStatus"] == RECEIVED
    assert refund["description"] == f"kuajing claim {claim_id}"
    assert sorted(refund["vouchers"]) == sorted(["旺旺聊天记录.png", "签收证明.pdf", "开箱视频.mp4"])
    with factory() as session:
        stored = repo.claims(session)[0]
        assert stored.state == ClaimState.SUBMITTED and stored.refund_id == refund["refundId"]
        last = repo.transitions_of(session, stored.id)[-1]
        assert last.to_state == "submitted" and str(refund["refundId"]) in last.why


def test_a_retry_after_a_timed_out_refund_request_does_not_open_a_second_refund(
    sandbox: SandboxServer, database_url: str, tmp_path: Path
) -> None:
    settings, factory, singles = _bought(sandbox, database_url)
    alibaba_order_id = singles[0]
    with factory() as session:
        account = StoreRepository(session).buyer_accounts()[0]
        with stores.alibaba_client(account, settings) as client:
            entries, goods = _entries_and_goods(client, alibaba_order_id)
            reason = _wrong_item_reason(client, alibaba_order_id, entries)
        claim_id = _claim_ready(session, alibaba_order_id, goods, tmp_path, sandbox)
        session.commit()

    # 1688 writes the refund, then the reply never comes in time: the request times out.
    fault = {"method": CREATE_REFUND, "kind": "timeout_after_write", "rate": 1.0, "delay_s": 3}
    httpx.post(f"{sandbox.base_url}/sandbox/faults", json=fault).raise_for_status()
    with factory() as session:
        account = StoreRepository(session).buyer_accounts()[0]
        with stores.alibaba_client(account, settings) as client, pytest.raises(CallTimeout):
            _submit(session, claim_id, client, reason, entries, sandbox)
        session.rollback()  # the command failed: nothing of it is kept
    assert len(_truth(sandbox, alibaba_order_id)) == 1
    httpx.delete(f"{sandbox.base_url}/sandbox/faults").raise_for_status()

    with factory() as session:
        assert repo.claims(session)[0].state == ClaimState.EVIDENCE_COMPLETE
        account = StoreRepository(session).buyer_accounts()[0]
        with stores.alibaba_client(account, settings) as client:
            _submit(session, claim_id, client, reason, entries, sandbox)  # the person tries again
        session.commit()

    assert len(_truth(sandbox, alibaba_order_id)) == 1  # still the one refund
    with factory() as session:
        stored = repo.claims(session)[0]
        assert stored.state == ClaimState.SUBMITTED and stored.refund_id is None
        assert "earlier request went through" in repo.transitions_of(session, stored.id)[-1].why
