"""The 1688 buyer side without HTTP: what createCrossOrder refuses, what it charges, and what happens next."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from kuajing.kit.clock import FixedClock
from kuajing.sandbox.buyer import BuyerSide
from kuajing.sandbox.buyer_model import (
    CANCEL,
    GOODS_NOT_SENT,
    GOODS_RECEIVED,
    SUCCESS,
    WAIT_BUYER_RECEIVE,
    WAIT_SELLER_SEND,
    BuyerRefusal,
    CargoItem,
)
from kuajing.sandbox.buyer_push import SEND_GOODS, TRACE
from kuajing.sandbox.carriers import CARRIERS_BY_CODE
from kuajing.sandbox.catalog import Catalog, Offer, build_catalog
from kuajing.sandbox.credentials import SandboxCredentials

START = datetime(2026, 11, 1, tzinfo=UTC)
ADDRESS = {
    "fullName": "王仓管",
    "mobile": "13800001688",
    "provinceText": "浙江省",
    "cityText": "金华市",
    "areaText": "义乌市",
    "townText": "稠城街道",
    "address": "国际商贸城一区",
}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog(random.Random("1688:catalog"))


@pytest.fixture
def buyer(catalog: Catalog, clock: FixedClock) -> BuyerSide:
    return BuyerSide(catalog, SandboxCredentials(), rng=random.Random("1688:purchases"), clock=clock)


def orderable(catalog: Catalog, *, super_factory: bool | None = None, skip: int = 0) -> Offer:
    """A published offer whose supplier will take a dropship order to Zhejiang."""
    found = [
        o
        for o in catalog.offers.values()
        if o.status == "published"
        and all(s.stock >= 100 for s in o.specs)
        and len(o.specs) >= 2
        and catalog.supplier_of(o).dropship_relation
        and not catalog.supplier_of(o).excluded_provinces
        and super_factory in (None, catalog.supplier_of(o).super_factory)
    ]
    return found[skip]


def one(offer: Offer, quantity: int = 1, spec: int = 0) -> list[CargoItem]:
    return [CargoItem(offer.offer_id, offer.specs[spec].spec_id, quantity)]


def refusal_code(buyer: BuyerSide, cargo: list[CargoItem], address: dict[str, str] = ADDRESS) -> str:
    with pytest.raises(BuyerRefusal) as caught:
        buyer.create_order(buyer.member_id, cargo, address)
    return caught.value.code


def test_new_purchase_is_paid_and_waits_for_the_seller(buyer: BuyerSide, catalog: Catalog) -> None:
    offer = orderable(catalog)
    spec = offer.specs[0]
    stock_before = spec.stock
    purchase = buyer.create_order(buyer.member_id, one(offer, 3), ADDRESS, out_order_id="AE-1-1")
    assert purchase.status == WAIT_SELLER_SEND
    assert purchase.paid_at == START
    assert purchase.goods_fen == round(spec.consign_price * 3 * 100)
    assert purchase.total_fen == purchase.goods_fen + purchase.post_fee_fen
    assert purchase.post_fee_fen > 0
    assert spec.stock == stock_before - 3


def test_same_out_order_id_twice_makes_two_orders(buyer: BuyerSide, catalog: Catalog) -> None:
    offer = orderable(catalog)
    first = buyer.create_order(buyer.member_id, one(offer), ADDRESS, out_order_id="AE-42-1")
    second = buyer.create_order(buyer.member_id, one(offer), ADDRESS, out_order_id="AE-42-1")
    assert first.order_id != second.order_id
    assert buyer.state()["purchases"] == 2
    assert buyer.state()["purchases_per_out_order_id"] == {"AE-42-1": 2}


def test_deleted_or_unknown_offer_is_500_001(buyer: BuyerSide, catalog: Catalog) -> None:
    deleted = next(o for o in catalog.offers.values() if o.status == "deleted")
    assert refusal_code(buyer, one(deleted)) == "500_001"
    assert refusal_code(buyer, [CargoItem(1, "0" * 32, 1)]) == "500_001"


def test_unknown_spec_is_500_002(buyer: BuyerSide, catalog: Catalog) -> None:
    offer = orderable(catalog)
    assert refusal_code(buyer, [CargoItem(offer.offer_id, "f" * 32, 1)]) == "500_002"


@pytest.mark.parametrize("quantity", [0, -1, 10_000])
def test_quantity_out_of_range_is_500_003(buyer: BuyerSide, catalog: Catalog, quantity: int) -> None:
    assert refusal_code(buyer, one(orderable(catalog), quantity)) == "500_003"


def test_more_than_stock_is_500_004_and_nothing_is_taken(buyer: BuyerSide, catalog: Catalog) -> None:
    offer = orderable(catalog)
    offer.specs[0].stock = 2
    assert refusal_code(buyer, one(offer, 3)) == "500_004"
    assert offer.specs[0].stock == 2
    assert buyer.state()["purchases"] == 0


@pytest.mark.parametrize(
    "missing", ["fullName", "mobile", "provinceText", "cityText", "areaText", "townText", "address"]
)
def test_address_missing_a_level_is_500_005(buyer: BuyerSide, catalog: Catalog, missing: str) -> None:
    address = {key: value for key, value in ADDRESS.items() if key != missing}
    assert refusal_code(buyer, one(orderable(catalog)), address) == "500_005"


def test_saved_address_id_is_accepted_and_unknown_one_is_500_005(buyer: BuyerSide, catalog: Catalog) -> None:
    purchase = buyer.create_order(buyer.member_id, one(orderable(catalog)), {"addressId": "1001"})
    assert purchase.address["townText"] == "稠城街道"
    assert refusal_code(buyer, one(orderable(catalog)), {"addressId": "999"}) == "500_005"


def test_two_suppliers_or_over_50_skus_in_one_order_is_500_006(buyer: BuyerSide, catalog: Catalog) -> None:
    first = orderable(catalog)
    other = next(
        o
        for o in catalog.offers.values()
        if o.status == "published" and o.supplier_member_id != first.supplier_member_id
    )
    assert refusal_code(buyer, one(first) + one(other)) == "500_006"
    by_supplier: dict[str, list[CargoItem]] = {}
    for offer in catalog.offers.values():
        if offer.status == "published":
            by_supplier.setdefault(offer.supplier_member_id, []).extend(
                one(offer, spec=n)[0] for n in range(len(offer.specs))
            )
    many = max(by_supplier.values(), key=len)
    assert len(many) > 50
    assert refusal_code(buyer, many[:51]) == "500_006"


def test_supplier_without_dropship_relation_is_500_007(buyer: BuyerSide, catalog: Catalog) -> None:
    offer = orderable(catalog)
    catalog.supplier_of(offer).dropship_relation = False
    assert refusal_code(buyer, one(offer)) == "500_007"


def test_hong_kong_or_a_province_the_supplier_excludes_is_500_009(buyer: BuyerSide, catalog: Catalog) -> None:
    offer = orderable(catalog)
    assert refusal_code(buyer, one(offer), {**ADDRESS, "provinceText": "香港特别行政区"}) == "500_009"
    catalog.supplier_of(offer).excluded_provinces = ("西藏自治区",)
    assert refusal_code(buyer, one(offer), {**ADDRESS, "provinceText": "西藏自治区"}) == "500_009"


def test_cancel_before_dispatch_returns_the_stock(buyer: BuyerSide, catalog: Catalog) -> None:
    offer = orderable(catalog)
    stock_before = offer.specs[0].stock
    purchase = buyer.create_order(buyer.member_id, one(offer, 5), ADDRESS)
    buyer.cancel(purchase.order_id, buyer.member_id, "buyerCancel")
    assert purchase.status == CANCEL
    assert offer.specs[0].stock == stock_before


def test_cancel_after_dispatch_or_twice_is_order_status_invalid(buyer: BuyerSide, catalog: Catalog) -> None:
    shipped = buyer.create_order(buyer.member_id, one(orderable(catalog)), ADDRESS)
    buyer.dispatch_now(shipped.order_id)
    with pytest.raises(BuyerRefusal, match="ORDER_STATUS_INVALID"):
        buyer.cancel(shipped.order_id, buyer.member_id, "buyerCancel")
    cancelled = buyer.create_order(buyer.member_id, one(orderable(catalog)), ADDRESS)
    buyer.cancel(cancelled.order_id, buyer.member_id, "buyerCancel")
    with pytest.raises(BuyerRefusal, match="ORDER_STATUS_INVALID"):
        buyer.cancel(cancelled.order_id, buyer.member_id, "buyerCancel")


def test_another_buyers_order_is_not_found(buyer: BuyerSide, catalog: Catalog) -> None:
    purchase = buyer.create_order(buyer.member_id, one(orderable(catalog)), ADDRESS)
    with pytest.raises(BuyerRefusal, match="ORDER_NOT_FOUND"):
        buyer.get(purchase.order_id, "b2b-someone-else")


def test_dispatch_within_72h_matches_the_guides_rates(catalog: Catalog, clock: FixedClock) -> None:
    buyer = BuyerSide(catalog, SandboxCredentials(), rng=random.Random("rates"), clock=clock)
    for super_factory, expected in ((True, 0.917), (False, 0.634)):
        offer = orderable(catalog, super_factory=super_factory)
        offer.specs[0].stock = 10**6
        purchases = [buyer.create_order(buyer.member_id, one(offer), ADDRESS) for _ in range(1500)]
        within = sum(p.dispatch_due - START <= timedelta(hours=72) for p in purchases) / len(purchases)
        assert abs(within - expected) < 0.04, (super_factory, within)
        assert all(timedelta(hours=2) <= p.dispatch_due - START <= timedelta(hours=168) for p in purchases)


def test_advance_dispatches_traces_and_announces_each_step(
    buyer: BuyerSide, catalog: Catalog, clock: FixedClock
) -> None:
    purchase = buyer.create_order(buyer.member_id, one(orderable(catalog)), ADDRESS, out_order_id="AE-7-1")
    stop = START + timedelta(days=30)
    clock.set(stop)
    events = buyer.advance(START, stop)
    shipment = purchase.shipment
    assert shipment is not None and events["purchases_dispatched"] == 1
    carrier = CARRIERS_BY_CODE[shipment.carrier_code]
    assert carrier.code in catalog.suppliers[purchase.seller_member_id].carrier_codes
    assert shipment.steps and "揽收" in shipment.steps[0].remark
    assert purchase.status == (SUCCESS if len(shipment.steps) == 8 else WAIT_BUYER_RECEIVE)
    messages = buyer.outbox.messages
    assert messages[0].type == SEND_GOODS
    assert messages[0].data["outOrderId"] == "AE-7-1"
    assert messages[0].data["logisticsBillNo"] == shipment.bill_no
    assert [m.type for m in messages[1:]] == [TRACE] * len(shipment.steps)
    assert messages[0].user_info == buyer.member_id


def test_unapproved_carriers_often_stop_after_pickup(catalog: Catalog, clock: FixedClock) -> None:
    buyer = BuyerSide(catalog, SandboxCredentials(), rng=random.Random("quiet"), clock=clock)
    offer = orderable(catalog)
    offer.specs[0].stock = 10**6
    catalog.supplier_of(offer).carrier_codes = ("FOURPX_ECONOMY_UNREG",)
    purchases = [buyer.create_order(buyer.member_id, one(offer), ADDRESS) for _ in range(40)]
    clock.set(START + timedelta(days=40))
    buyer.advance(START, clock.now())
    stalled = [p for p in purchases if p.shipment and len(p.shipment.steps) == 1]
    assert 10 <= len(stalled) < 40


def test_cancelled_purchase_is_never_dispatched(
    buyer: BuyerSide, catalog: Catalog, clock: FixedClock
) -> None:
    purchase = buyer.create_order(buyer.member_id, one(orderable(catalog)), ADDRESS)
    buyer.cancel(purchase.order_id, buyer.member_id, "buyerCancel")
    clock.set(START + timedelta(days=10))
    assert buyer.advance(START, clock.now()) == {}
    assert purchase.shipment is None


def test_refund_records_reason_and_resolves_later(
    buyer: BuyerSide, catalog: Catalog, clock: FixedClock
) -> None:
    purchase = buyer.create_order(buyer.member_id, one(orderable(catalog), 2), ADDRESS)
    buyer.dispatch_now(purchase.order_id)
    reasons = buyer.refund_reasons(purchase.order_id, buyer.member_id, GOODS_RECEIVED)
    wrong_item = next(r for r in reasons if r.name == "发错货")
    refund = buyer.create_refund(
        purchase.order_id,
        buyer.member_id,
        entry_ids=[purchase.lines[0].entry_id],
        dispute_request="refund",
        apply_payment_fen=purchase.goods_fen,
        apply_carriage_fen=0,
        reason_id=wrong_item.id,
        description="收到的颜色不对",
        goods_status=GOODS_RECEIVED,
        vouchers=["https://img.example/1.jpg"],
    )
    assert purchase.refund_status == "waitselleragree"
    clock.set(START + timedelta(days=4))
    buyer.advance(START, clock.now())
    assert refund.status == "refundsuccess" and purchase.refund_status == "refundsuccess"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"apply_payment_fen": 10**9}, "REFUND_AMOUNT_EXCEEDED"),
        ({"reason_id": 1}, "REFUND_REASON_INVALID"),
        ({"vouchers": []}, "REFUND_VOUCHER_REQUIRED"),
        ({"entry_ids": [123]}, "ORDER_ENTRY_NOT_FOUND"),
    ],
)
def test_refund_refusals(buyer: BuyerSide, catalog: Catalog, change: dict[str, object], code: str) -> None:
    purchase = buyer.create_order(buyer.member_id, one(orderable(catalog)), ADDRESS)
    args: dict[str, object] = {
        "entry_ids": [purchase.lines[0].entry_id],
        "dispute_request": "refund",
        "apply_payment_fen": 1,
        "apply_carriage_fen": 0,
        "reason_id": 20025,
        "description": "坏了",
        "goods_status": GOODS_RECEIVED,
        "vouchers": ["v"],
        **change,
    }
    with pytest.raises(BuyerRefusal) as caught:
        buyer.create_refund(purchase.order_id, buyer.member_id, **args)  # type: ignore[arg-type]
    assert caught.value.code == code


def test_full_refund_before_dispatch_closes_the_order(
    buyer: BuyerSide, catalog: Catalog, clock: FixedClock
) -> None:
    purchase = buyer.create_order(buyer.member_id, one(orderable(catalog)), ADDRESS)
    purchase.dispatch_due = START + timedelta(days=30)  # the supplier is slow
    buyer.create_refund(
        purchase.order_id,
        buyer.member_id,
        entry_ids=[purchase.lines[0].entry_id],
        dispute_request="refund",
        apply_payment_fen=purchase.goods_fen,
        apply_carriage_fen=0,
        reason_id=20002,
        description="未按时发货",
        goods_status=GOODS_NOT_SENT,
        vouchers=[],
    )
    clock.set(START + timedelta(days=3, hours=1))
    buyer.advance(START, clock.now())
    assert purchase.status in (CANCEL, WAIT_BUYER_RECEIVE, SUCCESS)
    if purchase.shipment is None:
        assert purchase.status == CANCEL and purchase.close_reason == "refund"
