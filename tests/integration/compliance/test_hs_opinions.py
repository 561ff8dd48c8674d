"""Official pre-classification opinions on SQLite and PostgreSQL: recorded with their document, the
latest wins, bad codes are refused, the HS model learns them, selection and the Cainiao declaration
use them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from kuajing.compliance import opinion_service as service
from kuajing.compliance.hs_service import HsCodeUnknown
from kuajing.compliance.hs_tables import HsConfirmationRow
from kuajing.compliance.pack import build_pack_pdf
from kuajing.compliance.tables import ListingRow
from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.fulfilment.warehouse import create_warehouse_order_for
from kuajing.jobs import run_pass
from kuajing.kit.errors import NotFound, ValidationFailed
from kuajing.logistics.catalog import shipped_catalog
from kuajing.logistics.taxes import distinct_hs6
from kuajing.marketplaces.aliexpress import WarehouseOrderRequest
from kuajing.marketplaces.aliexpress.models import WarehouseOrderResult
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.reports.repository import ReportFilter, ReportRepository
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.selection_service import rescreen_stale, screen_offers
from kuajing.sourcing.selection_tables import SelectionFigureRow
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.sourcing.tables import SourcedOfferRow, SourcedSpecRow, SupplierRow
from kuajing.stores import service as stores
from kuajing.stores.repository import StoreRepository
from kuajing.stores.tables import AliExpressStore

NOW = datetime(2026, 7, 1, 8, tzinfo=UTC)
LATER = datetime(2026, 7, 3, 8, tzinfo=UTC)
CASE_OFFER = 652345678901  # phone case: no stated code, assumed 392690 from its category
MUG_OFFER = 652345678902  # mug: states 691200


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        _seed(session)
        session.commit()
        yield session
    engine.dispose()


def _seed(session: Session) -> None:
    session.execute(
        insert(SupplierRow),
        [
            {
                "id": 1,
                "member_id": "m1",
                "name": "深圳壳王工厂",
                "trust_pass": True,
                "dropship": True,
                "updated_at": NOW,
            }
        ],
    )
    offers = [
        (1, CASE_OFFER, "适用iPhone15手机壳 硅胶防摔保护套", "硅胶", None, "phone_accessories"),
        (2, MUG_OFFER, "北欧风陶瓷马克杯 带盖勺", "陶瓷", "691200", "home"),
    ]
    session.execute(
        insert(SourcedOfferRow),
        [
            {
                "id": i,
                "offer_id": o,
                "supplier_id": 1,
                "title": t,
                "material": m,
                "category": c,
                "attributes": {"材质": m, "主图": f"https://cbu01.alicdn.com/img/{o}.jpg"},
                "min_order_quantity": 2,
                "price_tiers": [[2, "6.50"]],
                "unit_price": Decimal("6.50"),
                "weight_g": 60,
                "length_cm": Decimal("16"),
                "width_cm": Decimal("8"),
                "height_cm": Decimal("1.5"),
                "hs_code": hs,
                "source": "test",
                "content_hash": str(i),
                "imported_at": NOW,
                "updated_at": NOW,
            }
            for i, o, t, m, hs, c in offers
        ],
    )
    session.execute(
        insert(SourcedSpecRow),
        [
            {
                "offer_row_id": 1,
                "spec_id": "black",
                "attributes": "颜色:黑色",
                "price": Decimal("6.50"),
                "stock": 100,
            }
        ],
    )


def _record(session: Session, folder: Path, **changes: object) -> object:
    values: dict[str, object] = {
        "offer_id": CASE_OFFER,
        "hs6": "3926.90",
        "opinion_date": date(2026, 6, 20),
        "authority": "深圳海关",
        "reference": "SZ-2026-0618",
        "national_code": "3926909090",
        "document": b"%PDF-1.4 opinion",
        "filename": "../预归类意见书.pdf",
        "folder": folder,
        "recorded_by": "user:ops",
        "now": NOW,
    }
    values.update(changes)
    return service.record_opinion(session, **values)  # type: ignore[arg-type]


def test_recorded_opinion_with_its_document_is_the_official_code(session: Session, tmp_path: Path) -> None:
    row = _record(session, tmp_path)
    session.commit()

    assert service.official_hs6(session, offer_id=CASE_OFFER) == "392690"
    assert service.declared_hs_code(session, offer_id=CASE_OFFER) == "3926909090"
    stored = tmp_path / row.document_path  # type: ignore[attr-defined]
    assert stored.read_bytes() == b"%PDF-1.4 opinion"
    assert stored.is_relative_to(tmp_path) and ".." not in row.document_path  # type: ignore[attr-defined]
    path, name = service.opinion_document(session, row.id, tmp_path)  # type: ignore[attr-defined]
    assert path == stored.resolve() and name.endswith(".pdf")
    # the HS model learns it: a confirmed classification with source official_opinion
    learned = session.scalars(select(HsConfirmationRow)).all()
    assert [(c.hs6, c.source, c.title) for c in learned] == [
        ("392690", "official_opinion", "适用iPhone15手机壳 硅胶防摔保护套")
    ]
    # a product without an opinion has none; the mug's own code is what it declares
    assert service.official_hs6(session, offer_id=MUG_OFFER) is None
    assert service.declared_hs_code(session, offer_id=MUG_OFFER) == "691200"


def test_latest_opinion_wins_over_an_earlier_one(session: Session, tmp_path: Path) -> None:
    _record(
        session, tmp_path, hs6="420232", national_code=None, document=None, opinion_date=date(2026, 6, 25)
    )
    _record(
        session, tmp_path, hs6="392690", national_code=None, document=None, opinion_date=date(2026, 6, 10)
    )
    session.commit()
    assert service.official_hs6(session, offer_id=CASE_OFFER) == "420232"  # by opinion date, not entry order
    _record(
        session, tmp_path, hs6="392690", national_code=None, document=None, opinion_date=date(2026, 6, 30)
    )
    assert service.official_hs6(session, offer_id=CASE_OFFER) == "392690"


def test_unknown_hs6_is_refused_with_a_clear_error_and_nothing_stored(
    session: Session, tmp_path: Path
) -> None:
    tmp_path = tmp_path / "opinions"
    with pytest.raises(HsCodeUnknown) as refused:
        _record(session, tmp_path, hs6="999999")
    assert "999999" in refused.value.message_en and "HS 2022" in refused.value.message_en
    assert "999999" in refused.value.message_zh
    with pytest.raises(ValidationFailed, match="must start with 392690"):
        _record(session, tmp_path, national_code="4202320000")
    with pytest.raises(ValidationFailed, match="exactly one"):
        _record(session, tmp_path, product_id=1005001)
    with pytest.raises(ValidationFailed, match="in the future"):
        _record(session, tmp_path, opinion_date=date(2026, 7, 2))
    assert service.official_hs6(session, offer_id=CASE_OFFER) is None
    assert not tmp_path.exists()


def test_pack_for_a_stored_offer_has_its_facts_materials_and_proposed_codes(session: Session) -> None:
    pack = service.pack_request_for(session, offer_id=CASE_OFFER, applicant="义乌示例贸易", on=NOW.date())
    assert pack.title_zh == "适用iPhone15手机壳 硅胶防摔保护套"
    assert ("材质", "硅胶") in pack.attributes and pack.specs == ("颜色:黑色",)
    assert pack.weight_g == 60 and pack.size_cm == (Decimal("16"), Decimal("8"), Decimal("1.5"))
    assert any("硅胶" in material for material in pack.materials)
    assert f"https://detail.1688.com/offer/{CASE_OFFER}.html" in pack.image_links
    assert f"https://cbu01.alicdn.com/img/{CASE_OFFER}.jpg" in pack.image_links
    assert pack.candidates and all(len(c.hs6) == 6 for c in pack.candidates)
    assert build_pack_pdf(pack).startswith(b"%PDF")
    with pytest.raises(NotFound):
        service.pack_request_for(session, offer_id=1, applicant="x", on=NOW.date())


def test_selection_screens_an_offer_with_the_official_code_instead_of_the_assumed_one(
    session: Session, tmp_path: Path
) -> None:
    catalog = shipped_catalog()
    screen_offers(session, catalog, date(2026, 7, 2), ["DE"], NOW)
    session.commit()
    before = session.scalars(
        select(SelectionFigureRow).where(SelectionFigureRow.offer_id == CASE_OFFER)
    ).all()
    assert {(f.hs_code, f.hs_assumed) for f in before} == {("392690", True)}

    _record(session, tmp_path, hs6="420232", national_code=None, document=None, now=LATER)
    session.commit()
    summary = rescreen_stale(
        session, catalog, date(2026, 7, 3), LATER
    )  # the opinion marked the offer changed
    session.commit()

    assert summary.specs == 1
    after = session.scalars(select(SelectionFigureRow).where(SelectionFigureRow.offer_id == CASE_OFFER)).all()
    assert {(f.hs_code, f.hs_assumed) for f in after} == {("420232", False)}
    mug = session.scalars(select(SelectionFigureRow).where(SelectionFigureRow.offer_id == MUG_OFFER)).one()
    assert (mug.hs_code, mug.hs_assumed) == ("691200", False)


# --- the Cainiao warehouse order declares the official code (the sandbox over HTTP, SQLite) --------------

UNAPPROVED_CARRIER = "FOURPX_ECONOMY_UNREG"  # 四PX经济小包(未备案): not on AliExpress's list


@pytest.fixture
def loop(sandbox: SandboxServer, sqlite_url: str) -> tuple[Settings, sessionmaker[Session]]:
    migrate.upgrade(sqlite_url)
    settings = Settings(
        database_url=sqlite_url,
        auto_buy_requires_super_factory=False,
        alibaba1688_calls_per_second=1000,
        aliexpress_calls_per_second=1000,
    )
    factory = make_session_factory(make_engine(sqlite_url))
    with factory() as session:
        accounts = httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        stores.connect_sandbox(session, sandbox.base_url, accounts)
        account = StoreRepository(session).buyer_accounts()[0]
        with stores.alibaba_client(account, settings) as buyer:
            catalog = OfferSnapshots(session, buyer, now=sandbox.world.now())
            install_sandbox_rules(session, sandbox.base_url, catalog, now=sandbox.world.now())
        session.commit()
    return settings, factory


def _flagged_purchase(sandbox: SandboxServer, settings: Settings, factory: sessionmaker[Session]) -> int:
    """A shipped purchase the loop flagged CARRIER_NOT_APPROVED (as the warehouse-order test makes it)."""
    for supplier in sandbox.world.catalog.suppliers.values():
        supplier.carrier_codes = (UNAPPROVED_CARRIER,)
    httpx.post(f"{sandbox.base_url}/sandbox/orders/generate", params={"count": 6}).raise_for_status()
    sandbox.world.advance(0.5)
    run_pass(factory, settings, now=sandbox.world.now, worker="w1")
    with factory() as session:
        purchase = session.scalars(
            select(PurchaseOrderRow).where(PurchaseOrderRow.state == "placed").order_by(PurchaseOrderRow.id)
        ).first()
        assert purchase is not None
        purchase_id, alibaba_order_id = purchase.id, purchase.alibaba_order_id
    httpx.post(f"{sandbox.base_url}/sandbox/1688/purchases/{alibaba_order_id}/dispatch").raise_for_status()
    run_pass(factory, settings, now=sandbox.world.now, worker="w1")
    return purchase_id


def test_warehouse_order_declares_the_official_code_of_each_line(
    sandbox: SandboxServer, loop: tuple[Settings, sessionmaker[Session]], tmp_path: Path
) -> None:
    settings, factory = loop
    purchase_id = _flagged_purchase(sandbox, settings, factory)
    with factory() as session:
        purchase = session.get(PurchaseOrderRow, purchase_id)
        assert purchase is not None
        lines = session.scalars(select(AeOrderLineRow).where(AeOrderLineRow.purchase_id == purchase_id)).all()
        assert lines and all(line.offer_id for line in lines)
        first = lines[0]
        # the listing's opinion for the first line; the 1688 offer's for every other line
        service.record_opinion(
            session,
            product_id=first.product_id,
            hs6="392690",
            national_code="3926909090",
            opinion_date=date(2026, 1, 5),
            authority="海关总署",
            folder=tmp_path,
            recorded_by="user:ops",
            now=sandbox.world.now(),
        )
        for line in lines[1:]:
            if line.product_id != first.product_id:
                service.record_opinion(
                    session,
                    offer_id=line.offer_id,
                    hs6="420232",
                    folder=tmp_path,
                    opinion_date=date(2026, 1, 5),
                    authority="深圳海关",
                    recorded_by="user:ops",
                    now=sandbox.world.now(),
                )
        session.commit()
        expected = {
            line.child_id: "3926909090" if line.product_id == first.product_id else "420232" for line in lines
        }

        order = session.get(AeOrderRow, purchase.order_id)
        assert order is not None
        store = session.get(AliExpressStore, order.store_id)
        assert store is not None
        account = StoreRepository(session).buyer_account(store.buyer_account_id or 0)
        assert account is not None
        seller, buyer = stores.aliexpress_client(store, settings), stores.alibaba_client(account, settings)
        sent: list[WarehouseOrderRequest] = []
        create = seller.create_warehouse_order

        def spy(request: WarehouseOrderRequest) -> WarehouseOrderResult:
            sent.append(request)
            return create(request)

        seller.create_warehouse_order = spy  # type: ignore[method-assign]
        with seller, buyer:
            label = create_warehouse_order_for(
                session, purchase, seller, buyer=buyer, now=sandbox.world.now(), actor="user:ops"
            )
        session.commit()

    assert label and len(sent) == 1
    declared = {product.child_order_id: product.hs_code for product in sent[0].declared_products}
    assert declared == expected
    assert all(product.to_wire()["hs_code"] for product in sent[0].declared_products)


def test_profit_estimate_counts_the_eu_duty_per_distinct_official_hs6(
    session: Session, tmp_path: Path
) -> None:
    session.add(
        AliExpressStore(
            name="店铺一",
            seller_id="s",
            base_url="http://127.0.0.1:1",
            app_key="k",
            app_secret="s",
            access_token="t",
            access_token_expires_at=None,
            refresh_token_expires_at=None,
            buyer_account_id=None,
            last_synced_at=None,
            created_at=NOW,
        )
    )
    session.flush()
    order = AeOrderRow(
        store_id=1,
        ae_order_id=7001,
        ae_status="FINISH",
        state="fulfilled",
        country="DE",
        pay_amount=Decimal("30"),
        currency="USD",
        created_at=NOW,
        paid_at=NOW,
        synced_at=NOW,
    )
    session.add(order)
    session.flush()
    for index, offer_id in enumerate((CASE_OFFER, MUG_OFFER)):
        session.add(
            AeOrderLineRow(
                order_id=order.id,
                child_id=70010 + index,
                product_id=1005000 + index,
                quantity=1,
                unit_price=Decimal("15"),
                currency="USD",
                state="purchased",
                offer_id=offer_id,
            )
        )
    session.commit()
    (before,) = ReportRepository(session).paid_orders(ReportFilter())
    assert before.hs_codes == ("691200",)  # the phone case states no code

    _record(session, tmp_path, hs6="392690", national_code=None, document=None)
    _record(session, tmp_path, offer_id=MUG_OFFER, hs6="691110", national_code=None, document=None)
    session.commit()
    (after,) = ReportRepository(session).paid_orders(ReportFilter())
    assert after.hs_codes == ("392690", "691110")  # the mug's opinion replaces its stated 691200
    assert len(distinct_hs6(after.hs_codes)) == 2  # two €3 duties in this parcel from 2026-07-01


def test_opinion_writes_the_compliance_listing_hs6_and_the_listing_pack_reads_both_sides(
    session: Session, tmp_path: Path
) -> None:
    listing = ListingRow(
        product_id=1005007,
        title="Silicone case for iPhone 15",
        attributes={"Material": "Silicone"},
        markets=["DE"],
        offer_id=CASE_OFFER,
        source="manual",
        content_hash="x",
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(listing)
    session.flush()
    _record(session, tmp_path, hs6="392690", national_code=None, document=None)  # on the 1688 offer
    assert listing.hs6 == "392690"
    _record(
        session,
        tmp_path,
        offer_id=None,
        product_id=1005007,
        hs6="420232",
        national_code=None,
        document=None,
        opinion_date=date(2026, 6, 28),
    )
    assert listing.hs6 == "420232"  # the listing's own, later opinion
    assert service.official_hs6(session, product_id=1005007) == "420232"
    assert service.official_hs6(session, offer_id=CASE_OFFER) == "392690"

    pack = service.pack_request_for(session, product_id=1005007, applicant="义乌示例贸易", on=NOW.date())
    assert (
        pack.title_zh == "适用iPhone15手机壳 硅胶防摔保护套"
        and pack.title_en == "Silicone case for iPhone 15"
    )
    assert pack.image_links[:2] == (
        "https://www.aliexpress.com/item/1005007.html",
        f"https://detail.1688.com/offer/{CASE_OFFER}.html",
    )
