"""Official pre-classification opinions on SQLite and PostgreSQL: recorded with their document, the
latest wins, bad codes are refused, the HS model learns them, selection and the Cainiao declaration
use them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kuajing.compliance import opinion_service as service
from kuajing.compliance.hs_service import HsCodeUnknown
from kuajing.compliance.hs_tables import HsConfirmationRow
from kuajing.compliance.pack import build_pack_pdf
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.errors import NotFound, ValidationFailed
from kuajing.logistics.catalog import shipped_catalog
from kuajing.sourcing.selection_service import rescreen_stale, screen_offers
from kuajing.sourcing.selection_tables import SelectionFigureRow
from kuajing.sourcing.tables import SourcedOfferRow, SourcedSpecRow, SupplierRow

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
