"""The exception queue's actions on real SQLite tables built by the migrations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.money import FxRate
from kuajing.orders import actions
from kuajing.orders.exceptions import open_exception
from kuajing.orders.mapping import MappingRuleInvalid, MatchKind, SkuMappingRule
from kuajing.orders.reasons import ReasonCode
from kuajing.orders.routing import RoutingPolicy
from kuajing.orders.routing_service import RoutingContext, process_order
from kuajing.orders.rules_store import load_rulebook
from kuajing.orders.tables import (
    AeOrderLineRow,
    AeOrderRow,
    OrderExceptionRow,
    SkuMappingRuleRow,
    StateChangeRow,
)
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.sourcing.tables import OfferSnapshotRow
from kuajing.stores.tables import AliExpressStore

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=2)
ACTOR = "user:li"
OFFER = 600100200300


class Catalog:
    """The offers the rules may name: offer 600100200300 with specs s1 and s2."""

    def spec_ids(self, offer_id: int) -> frozenset[str] | None:
        return frozenset({"s1", "s2"}) if offer_id == OFFER else None


@pytest.fixture
def session(sqlite_url: str) -> Iterator[Session]:
    migrate.upgrade(sqlite_url)
    with make_session_factory(make_engine(sqlite_url))() as session:
        session.add(
            AliExpressStore(
                name="店铺一",
                seller_id="2200001",
                base_url="http://127.0.0.1:1/aliexpress",
                app_key="k",
                app_secret="s",
                access_token="t",
                access_token_expires_at=None,
                refresh_token_expires_at=None,
                buyer_account_id=None,
                last_synced_at=None,
                created_at=T0,
            )
        )
        session.flush()
        yield session


def _order(
    session: Session, ae_order_id: int, *, state: str = "exception", skus: tuple[str, ...] = ("SKU-A",)
) -> AeOrderRow:
    order = AeOrderRow(
        store_id=1,
        ae_order_id=ae_order_id,
        ae_status="WAIT_SELLER_SEND_GOODS",
        state=state,
        buyer_login_id="buyer",
        country="FR",
        contact="Marie Curie",
        phone="+33 1 2345",
        province="Ile-de-France",
        city="Paris",
        district=None,
        street=None,
        address_line="1 rue de la Paix",
        zip="75001",
        pay_amount=Decimal("40.00"),
        currency="USD",
        created_at=T0,
        paid_at=T0,
        ae_updated_at=T0,
        ship_by=T0 + timedelta(days=5),
        due_at=NOW + timedelta(hours=1),
        detail_synced=True,
        synced_at=T0,
    )
    session.add(order)
    session.flush()
    for index, sku in enumerate(skus):
        session.add(
            AeOrderLineRow(
                order_id=order.id,
                child_id=ae_order_id * 10 + index,
                product_id=1,
                product_name="phone holder",
                sku_code=sku,
                quantity=1,
                unit_price=Decimal("20.00"),
                currency="USD",
                buyer_logistics_service=None,
                state="exception" if state == "exception" else "new",
            )
        )
    session.flush()
    return order


def _lines(session: Session, order: AeOrderRow) -> list[AeOrderLineRow]:
    return list(session.scalars(select(AeOrderLineRow).where(AeOrderLineRow.order_id == order.id)))


def _exception(
    session: Session, order: AeOrderRow, line: AeOrderLineRow | None, code: ReasonCode, **kw: int
) -> OrderExceptionRow:
    return open_exception(
        session,
        order_id=order.id,
        line_id=line.id if line is not None else None,
        code=code,
        at=T0,
        actor="job:route",
        facts={"sku": line.sku_code if line is not None else ""},
        **kw,  # type: ignore[arg-type]
    )


def _purchase(
    session: Session, order: AeOrderRow, lines: list[AeOrderLineRow], state: str, key: str
) -> PurchaseOrderRow:
    purchase = PurchaseOrderRow(
        order_id=order.id,
        out_order_id=key,
        supplier_member_id="b2b-supplier",
        state=state,
        cargo=[
            {
                "offer_id": str(OFFER),
                "spec_id": "s1",
                "quantity": 1,
                "line_ids": [str(line.id) for line in lines],
            }
        ],
        currency="CNY",
        attempts=1,
        created_at=T0,
    )
    session.add(purchase)
    session.flush()
    for line in lines:
        line.purchase_id = purchase.id
    return purchase


def _changes(session: Session, entity: str, entity_id: int) -> list[StateChangeRow]:
    query = select(StateChangeRow).where(
        StateChangeRow.entity == entity, StateChangeRow.entity_id == entity_id
    )
    return list(session.scalars(query.order_by(StateChangeRow.id)))


# --- add a mapping -------------------------------------------------------------------------------


def test_adding_a_mapping_saves_it_records_who_and_requeues_every_exception_order(session: Session) -> None:
    waiting = _order(session, 81001)
    rule = SkuMappingRule(MatchKind.EXACT, "SKU-A", OFFER, spec_id="s1", store_id=1)

    row = actions.add_mapping(session, rule, Catalog(), now=NOW, actor=ACTOR)

    assert (row.pattern, row.offer_id, row.spec_id) == ("SKU-A", OFFER, "s1")
    (change,) = _changes(session, "rule", row.id)
    assert (change.to_state, change.actor) == ("enabled", ACTOR)
    session.refresh(waiting)
    assert waiting.due_at == NOW


def test_an_invalid_mapping_raises_every_problem_and_saves_nothing(session: Session) -> None:
    rule = SkuMappingRule(MatchKind.REGEX, "AE-(", 999, store_id=1)
    with pytest.raises(MappingRuleInvalid) as caught:
        actions.add_mapping(session, rule, Catalog(), now=NOW, actor=ACTOR)
    assert {problem.field for problem in caught.value.problems} >= {"pattern", "offer_id"}
    assert session.scalars(select(SkuMappingRuleRow)).first() is None


# --- approve -------------------------------------------------------------------------------------


def _snapshot(session: Session, *, trust_pass: bool) -> None:
    session.add(
        OfferSnapshotRow(
            offer_id=OFFER,
            subject="手机支架",
            status="published",
            supplier_member_id="b2b-supplier",
            supplier_name="义乌工厂",
            trust_pass=trust_pass,
            super_factory=False,
            dropship=True,
            specs={
                "s1": {"price": "10.00", "consign_price": "12.00", "stock": 50, "attributes": "颜色:黑色"}
            },
            fetched_at=NOW,
        )
    )
    session.flush()


def _route(session: Session, order: AeOrderRow) -> str:
    ctx = RoutingContext(
        rulebook=load_rulebook(session),
        snapshots=OfferSnapshots(session, None, now=NOW),
        policy=RoutingPolicy(
            fx=FxRate("USD", "CNY", Decimal("7.10"), NOW.date()), require_super_factory=False
        ),
        buy_after=timedelta(minutes=10),
        now=NOW,
        actor="job:route",
    )
    return process_order(session, order, None, ctx)  # type: ignore[arg-type]  # READY/EXCEPTION never call AliExpress


def test_an_approved_supplier_reason_no_longer_blocks_the_line_on_the_next_pass(session: Session) -> None:
    _snapshot(session, trust_pass=False)
    actions.add_mapping(
        session,
        SkuMappingRule(MatchKind.EXACT, "SKU-A", OFFER, spec_id="s1", store_id=1),
        Catalog(),
        now=NOW,
        actor=ACTOR,
    )
    order = _order(session, 81002, state="ready")
    assert _route(session, order) == "exception"
    (item,) = session.scalars(select(OrderExceptionRow).where(OrderExceptionRow.status == "open"))
    assert item.reason_code == ReasonCode.SUPPLIER_NOT_ELIGIBLE

    (result,) = actions.approve_manual(session, [item.id], now=NOW, actor=ACTOR)

    assert result.ok
    assert (item.status, item.resolution) == ("resolved", f"approved by {ACTOR}")
    assert order.due_at == NOW
    assert _route(session, order) == "routed"
    (line,) = _lines(session, order)
    assert line.state == "routed" and line.purchase_id is not None
    assert order.state == "buying"
    assert (
        session.scalars(select(OrderExceptionRow).where(OrderExceptionRow.status == "open")).first() is None
    )


def test_approving_a_batch_reports_each_bad_id_and_still_approves_the_good_ones(session: Session) -> None:
    order = _order(session, 81003, skus=("SKU-A", "SKU-B"))
    first, second = _lines(session, order)
    margin = _exception(session, order, first, ReasonCode.MARGIN_BELOW_FLOOR)
    unmapped = _exception(session, order, second, ReasonCode.UNMAPPED_SKU)

    results = actions.approve_manual(session, [4040, unmapped.id, margin.id, margin.id], now=NOW, actor=ACTOR)

    assert [(result.id, result.ok) for result in results] == [
        (4040, False),
        (unmapped.id, False),
        (margin.id, True),
    ]
    assert "not found" in results[0].message_en and "找不到" in results[0].message_zh
    assert "cannot be approved" in results[1].message_en
    assert unmapped.status == "open" and margin.status == "resolved"
    (again,) = actions.approve_manual(session, [margin.id], now=NOW, actor=ACTOR)
    assert not again.ok and "already resolved" in again.message_en


# --- another supplier ----------------------------------------------------------------------------


def test_picking_an_alternate_supplier_maps_the_sku_and_takes_the_line_out_of_its_failed_purchase(
    session: Session,
) -> None:
    order = _order(session, 81004)
    (line,) = _lines(session, order)
    failed = _purchase(session, order, [line], "failed", "81004-1")
    refused = _exception(session, order, line, ReasonCode.OUT_OF_STOCK, purchase_id=failed.id)

    result = actions.pick_alternate_supplier(session, line.id, OFFER, "s2", Catalog(), now=NOW, actor=ACTOR)

    assert result.ok
    (rule,) = session.scalars(select(SkuMappingRuleRow))
    assert (rule.kind, rule.pattern, rule.store_id, rule.priority, rule.spec_id) == (
        "exact",
        "SKU-A",
        1,
        10,
        "s2",
    )
    assert line.purchase_id is None and line.state == "exception"
    assert failed.state == "failed" and failed.out_order_id == "81004-1"
    assert (refused.status, refused.resolution) == ("resolved", "alternate supplier")
    assert order.due_at == NOW
    assert _changes(session, "line", line.id)[-1].actor == ACTOR

    # A second pick changes the same rule rather than adding one the first would beat.
    again = actions.pick_alternate_supplier(session, line.id, OFFER, "s1", Catalog(), now=NOW, actor=ACTOR)
    assert again.ok
    (rule,) = session.scalars(select(SkuMappingRuleRow))
    assert rule.spec_id == "s1"


def test_an_alternate_supplier_is_refused_while_the_purchase_is_live_or_the_offer_unknown(
    session: Session,
) -> None:
    order = _order(session, 81005)
    (line,) = _lines(session, order)
    placed = _purchase(session, order, [line], "placed", "81005-1")

    result = actions.pick_alternate_supplier(session, line.id, OFFER, "s2", Catalog(), now=NOW, actor=ACTOR)
    assert not result.ok and "81005-1" in result.message_en
    assert line.purchase_id == placed.id

    line.purchase_id = None
    with pytest.raises(MappingRuleInvalid):
        actions.pick_alternate_supplier(session, line.id, 12345, "s2", Catalog(), now=NOW, actor=ACTOR)
    missing = actions.pick_alternate_supplier(session, 9999, OFFER, "s2", Catalog(), now=NOW, actor=ACTOR)
    assert not missing.ok


# --- cancel --------------------------------------------------------------------------------------


def test_cancelling_the_last_live_line_cancels_the_order_and_resolves_its_exceptions(
    session: Session,
) -> None:
    order = _order(session, 81006)
    (line,) = _lines(session, order)
    unmapped = _exception(session, order, line, ReasonCode.UNMAPPED_SKU)

    (result,) = actions.cancel_lines(session, exception_ids=[unmapped.id], now=NOW, actor=ACTOR)

    assert result.ok
    assert line.state == "cancelled" and order.state == "cancelled"
    assert (unmapped.status, unmapped.resolution) == ("resolved", f"cancelled by {ACTOR}")
    order_change = _changes(session, "order", order.id)[-1]
    assert (order_change.from_state, order_change.to_state, order_change.actor) == (
        "exception",
        "cancelled",
        ACTOR,
    )


def test_cancelling_one_line_keeps_the_order_live_while_another_line_is_bought(session: Session) -> None:
    order = _order(session, 81007, skus=("SKU-A", "SKU-B"))
    bought, unmapped_line = _lines(session, order)
    placed = _purchase(session, order, [bought], "placed", "81007-1")
    bought.state = "purchased"
    unmapped = _exception(session, order, unmapped_line, ReasonCode.UNMAPPED_SKU)

    (result,) = actions.cancel_lines(session, exception_ids=[unmapped.id], now=NOW, actor=ACTOR)

    assert result.ok
    assert unmapped_line.state == "cancelled" and bought.state == "purchased"
    assert order.state == "exception" and order.due_at == NOW  # routing moves it on next pass
    assert placed.state == "placed"
    # The bought line itself cannot be cancelled here: it is on 1688.
    (refused,) = actions.cancel_lines(session, ae_order_ids=[81007], now=NOW, actor=ACTOR)
    assert not refused.ok and "81007-1" in refused.message_en


def test_a_cancel_batch_reports_illegal_transitions_and_unknown_ids_per_item(session: Session) -> None:
    skipped = _order(session, 81008, state="skipped")
    failed_order = _order(session, 81009)
    (failed_line,) = _lines(session, failed_order)
    failed = _purchase(session, failed_order, [failed_line], "failed", "81009-1")
    _exception(session, failed_order, failed_line, ReasonCode.SUPPLIER_REFUSED, purchase_id=failed.id)

    results = actions.cancel_lines(session, ae_order_ids=[81008, 404, 81009], now=NOW, actor=ACTOR)

    assert [(result.id, result.ok) for result in results] == [(81008, False), (404, False), (81009, True)]
    assert "skipped" in results[0].message_en and "不能从" in results[0].message_zh
    assert [line.state for line in _lines(session, skipped)] == ["new"]  # nothing half-done
    assert failed_order.state == "cancelled" and failed_line.state == "cancelled"
    assert failed.state == "cancelled"  # no line left to retry it for


# --- timeline ------------------------------------------------------------------------------------


def test_the_timeline_tells_the_order_its_lines_purchases_and_exceptions_oldest_first(
    session: Session,
) -> None:
    order = _order(session, 81010)
    (line,) = _lines(session, order)
    failed = _purchase(session, order, [line], "failed", "81010-1")
    _exception(session, order, line, ReasonCode.OUT_OF_STOCK, purchase_id=failed.id)  # stored at T0
    from kuajing.orders.audit import record_change

    record_change(
        session,
        "purchase",
        failed.id,
        "placing",
        "failed",
        at=T0 - timedelta(minutes=5),
        reason="500_004",
        actor="job:purchase",
    )
    record_change(
        session, "order", order.id, None, "new", at=T0 - timedelta(hours=1), reason="synced", actor="job:sync"
    )
    record_change(session, "order", 99999, None, "new", at=T0, reason="another order", actor="job:sync")
    actions.pick_alternate_supplier(session, line.id, OFFER, "s2", Catalog(), now=NOW, actor=ACTOR)

    timeline = actions.order_timeline(session, order.id)

    assert [(entry.entity, entry.to_state) for entry in timeline] == [
        ("order", "new"),
        ("purchase", "failed"),
        ("exception", "open"),
        ("exception", "resolved"),
        ("line", "exception"),
    ]
    assert [entry.at for entry in timeline] == sorted(entry.at for entry in timeline)
    assert timeline[1].label == "81010-1" and timeline[0].label == "81010"
    assert timeline[2].reason_code == "out_of_stock" and "库存" in timeline[2].message("zh-CN")
    assert timeline[-1].who == ACTOR
    assert timeline[-1].to_dict()["at"] == NOW.isoformat()
    assert actions.order_timeline(session, 424242) == []
