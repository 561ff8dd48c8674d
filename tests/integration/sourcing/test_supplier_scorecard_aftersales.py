"""The supplier score reads the after-sales records (SQLite and PostgreSQL, rows inserted directly).

One ordinary supplier with four fulfilled purchases, one AliExpress order each. A wrong-item return
on one of them (recorded through the after-sales service, which opens its supplier claim) lowers
"parcels right" and "orders without a claim" from 4/4 to 3/4; a quality return (the seller's
liability, no claim) changes neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from kuajing.aftersales import service
from kuajing.aftersales.model import ReturnReason
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.money import Money
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.scoring import Tally
from kuajing.sourcing.supplier_scores import scorecard, scorecards
from kuajing.sourcing.tables import SupplierRow
from kuajing.stores.tables import AliExpressStore

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Shanghai")
PURCHASES = 4


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        _seed(session)
        yield session
    engine.dispose()


def _seed(session: Session) -> None:
    session.add(
        AliExpressStore(
            name="店铺一", seller_id="1", base_url="http://127.0.0.1:1", app_key="k", app_secret="s",
            access_token="t", access_token_expires_at=None, refresh_token_expires_at=None,
            buyer_account_id=None, last_synced_at=None, created_at=NOW,
        )
    )  # fmt: skip
    session.add(SupplierRow(member_id="plain", name="广州档口", updated_at=NOW))
    session.flush()
    for number in range(1, PURCHASES + 1):
        order = AeOrderRow(
            store_id=1, ae_order_id=9000 + number, ae_status="FINISH", state="bought",
            pay_amount=Decimal("29.90"), currency="USD", created_at=NOW, synced_at=NOW,
        )  # fmt: skip
        session.add(order)
        session.flush()
        line = AeOrderLineRow(order_id=order.id, child_id=number, product_id=1, quantity=1,
                              unit_price=Decimal("29.90"), currency="USD", state="purchased")  # fmt: skip
        session.add(line)
        session.flush()
        session.add(PurchaseOrderRow(
            order_id=order.id, out_order_id=f"AE{number}", supplier_member_id="plain", state="fulfilled",
            cargo=[{"offer_id": "1", "spec_id": "s", "quantity": 1, "line_ids": [line.id]}],
            alibaba_order_id=f"1688{number}", total_amount=Decimal("80"), created_at=NOW,
        ))  # fmt: skip
    session.flush()


def _return(session: Session, ae_order_id: int, reason: ReturnReason) -> None:
    service.record_return(session, ae_order_id=ae_order_id, line_id=None, reason=reason,
                          amount=Money.of("80", "CNY"), notes=None, who="lina", now=NOW)  # fmt: skip
    session.commit()


def test_wrong_item_case_and_its_claim_lower_the_scorecard(session: Session) -> None:
    before = scorecard(session, "plain", NOW, TZ).card
    assert before.history.quality == Tally(4, 4) and before.history.claims == Tally(4, 4)

    _return(session, 9001, ReturnReason.WRONG_ITEM)
    after = scorecard(session, "plain", NOW, TZ).card

    assert after.history.quality == Tally(3, 4) and after.history.claims == Tally(3, 4)
    quality = after.score.component("quality")
    assert quality.value == (Decimal("0.97") * 20 + 3) / 24
    assert quality.value < before.score.component("quality").value
    assert after.score.score < before.score.score
    assert "实测 4 个包裹中 3 个无问题" in quality.text_zh
    listed = next(card for card in scorecards(session, NOW) if card.profile.member_id == "plain")
    assert listed.history == after.history and listed.score == after.score  # list and page agree


def test_quality_return_is_not_a_supplier_error_and_leaves_the_score(session: Session) -> None:
    before = scorecard(session, "plain", NOW, TZ).card.score

    _return(session, 9002, ReturnReason.QUALITY)
    after = scorecard(session, "plain", NOW, TZ).card

    assert after.history.quality == Tally(4, 4) and after.history.claims == Tally(4, 4)
    assert after.score == before
