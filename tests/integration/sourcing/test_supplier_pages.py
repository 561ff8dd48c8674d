"""Supplier scorecards (/suppliers, /suppliers/{id}) and their JSON API, on a migrated SQLite app.

Three suppliers: a 超级工厂 with no history (scores its prior, 91.7 %), an ordinary supplier with
12 measured purchases (11 dispatched within 72 h, one after 100 h) and one offer whose later 1688
read kept its price, and an ordinary supplier with one purchase placed 5 days ago and never shipped
(late) plus one placed an hour ago (its clock has not run out: not counted).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.tables import OfferSnapshotRow, SourcedOfferRow, SourcedSpecRow, SupplierRow
from kuajing.stores.tables import AliExpressStore
from kuajing.web.app import create_app

NOW = datetime.now(UTC)


def _supplier(member_id: str, name: str, cluster: tuple[str, str], **flags: Any) -> SupplierRow:
    return SupplierRow(
        member_id=member_id,
        name=name,
        province="浙江",
        city="金华",
        cluster_code=cluster[0],
        cluster_name=cluster[1],
        updated_at=NOW,
        **flags,
    )


def _purchase(
    number: int, member_id: str, placed_days_ago: float, dispatch_hours: float | None
) -> PurchaseOrderRow:
    placed = NOW - timedelta(days=placed_days_ago)
    shipped = placed + timedelta(hours=dispatch_hours) if dispatch_hours is not None else None
    return PurchaseOrderRow(
        order_id=1,
        out_order_id=f"AE1-{number}",
        supplier_member_id=member_id,
        state="shipped" if shipped else "placed",
        cargo=[],
        placed_at=placed,
        shipped_at=shipped,
        created_at=placed - timedelta(hours=2),
    )


def _seed(url: str) -> None:
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        session.add(
            AliExpressStore(
                name="店铺一", seller_id="1", base_url="http://127.0.0.1:1", app_key="k", app_secret="s",
                access_token="t", access_token_expires_at=None, refresh_token_expires_at=None,
                buyer_account_id=None, last_synced_at=None, created_at=NOW,
            )
        )  # fmt: skip
        session.flush()
        session.add(
            AeOrderRow(
                store_id=1, ae_order_id=1, ae_status="WAIT_SELLER_SEND_GOODS", state="bought",
                pay_amount=Decimal("9.99"), currency="USD", created_at=NOW, synced_at=NOW,
            )
        )  # fmt: skip
        super_factory = {"trust_pass": True, "trust_pass_years": 5, "super_factory": True, "custom_moq": 30}
        session.add_all(
            [
                _supplier("f-super", "义乌超级工厂", ("yiwu", "义乌小商品"), dropship=True, **super_factory),
                _supplier("o-proven", "深圳老档口", ("shenzhen", "深圳 3C"), trust_pass=True, dropship=True),
                _supplier("o-late", "广州新档口", ("guangzhou", "广州服装")),
            ]
        )
        session.flush()
        for number in range(11):
            session.add(_purchase(number, "o-proven", 40 + number, 48))
        session.add(_purchase(11, "o-proven", 100, 100))  # 60 days apart: two months at least
        session.add(_purchase(12, "o-late", 5, None))
        session.add(_purchase(13, "o-late", 1 / 24, None))
        proven = session.query(SupplierRow).filter_by(member_id="o-proven").one()
        offer = SourcedOfferRow(
            offer_id=610001, supplier_id=proven.id, title="手机支架 铝合金", attributes={},
            price_tiers=[[1, "5.20"]], unit_price=Decimal("5.20"), source="1688 API", content_hash="x",
            imported_at=NOW - timedelta(days=30), updated_at=NOW,
        )  # fmt: skip
        session.add(offer)
        session.flush()
        session.add(
            SourcedSpecRow(offer_row_id=offer.id, spec_id="s1", attributes="颜色:黑色", price=Decimal("5.20"))
        )
        session.add(
            OfferSnapshotRow(
                offer_id=610001, subject="手机支架", status="published", supplier_member_id="o-proven",
                supplier_name="深圳老档口", trust_pass=True, super_factory=False, dropship=True,
                specs={"s1": {"price": "5.25", "consign_price": "6.00", "stock": 5, "attributes": ""}},
                fetched_at=NOW - timedelta(days=1),
            )
        )  # fmt: skip
        session.commit()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('suppliers')) / 'kuajing.sqlite3'}"
    migrate.upgrade(url)
    _seed(url)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def _get(client: TestClient, path: str) -> tuple[int, str]:
    client.cookies.clear()
    reply = client.get(path)
    return reply.status_code, html.unescape(reply.text)


def _json(client: TestClient, path: str) -> Any:
    reply = client.get(path)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _members(text: str) -> list[str]:
    return re.findall(r'<tr class="supplier-row" data-member="([^"]+)"', text)


# --- the list ----------------------------------------------------------------------------------


def test_supplier_list_shows_measured_on_time_with_n_and_scores_best_first(client: TestClient) -> None:
    status, text = _get(client, "/suppliers")

    assert status == 200
    assert 'href="/suppliers" class="active">供应商</a>' in text
    assert "实测 11/12 单" in text and "实测 0/1 单" in text and "暂无实测(先验)" in text
    assert "售后:12 单中差错 0、索赔 0" in text  # after-sales measured: 12 shipped, no case yet
    assert "超级工厂" in text and "义乌小商品" in text
    scores = {card["member_id"]: Decimal(card["score"]) for card in _json(client, "/api/suppliers")}
    assert _members(text) == sorted(scores, key=lambda member: scores[member], reverse=True)


def test_supplier_list_sorts_on_the_server_both_ways(client: TestClient) -> None:
    _, by_on_time = _get(client, "/suppliers?sort=on_time&dir=asc")
    _, by_name = _get(client, "/suppliers?sort=name&dir=asc")

    assert _members(by_on_time)[0] == "o-late"  # (0.634 × 20 + 0) / 21: the lowest
    assert _members(by_on_time)[-1] == "f-super"  # 91.7 % prior vs (12.68 + 11) / 32 = 74.0 %
    assert _members(by_name) == sorted(
        _members(by_name), key=lambda m: {"o-late": "广", "o-proven": "深", "f-super": "义"}[m]
    )


def test_supplier_list_filters_by_cluster_and_flags(client: TestClient) -> None:
    _, by_cluster = _get(client, "/suppliers?cluster=shenzhen")
    _, by_flags = _get(client, "/suppliers?flag=dropship&flag=trust_pass")
    _, none = _get(client, "/suppliers?flag=super_factory&cluster=guangzhou")

    assert _members(by_cluster) == ["o-proven"]
    assert set(_members(by_flags)) == {"f-super", "o-proven"}
    assert _members(none) == [] and "没有符合条件的供应商" in none


def test_supplier_list_speaks_english(client: TestClient) -> None:
    status, text = _get(client, "/suppliers?lang=en")

    assert status == 200
    assert "Supplier scorecards" in text and "measured 11/12" in text and "no history (prior)" in text


def test_api_lists_measured_history_and_an_explanation_that_adds_up(client: TestClient) -> None:
    cards = {card["member_id"]: card for card in _json(client, "/api/suppliers")}

    proven, late, fresh = cards["o-proven"], cards["o-late"], cards["f-super"]
    assert proven["measured"]["on_time"] == {"successes": 11, "observations": 12}
    assert proven["measured"]["price_stability"] == {"successes": 1, "observations": 1}  # +0.96 % ≤ 3 %
    assert late["measured"]["on_time"] == {"successes": 0, "observations": 1}  # the 1-hour-old one waits
    assert fresh["measured"]["on_time"] == {"successes": 0, "observations": 0}
    assert fresh["on_time_rate"] == "0.9170" and fresh["confidence"] == "0.00"
    assert set(fresh["flags"]) >= {"trust_pass", "super_factory", "auto_order", "dropship", "custom_friendly"}
    for card in cards.values():
        assert sum(Decimal(c["points"]) for c in card["components"]) == Decimal(card["score"])
        assert 0 <= Decimal(card["reliability"]) <= 1


def test_api_refuses_an_unknown_sort_or_flag_in_both_languages(client: TestClient) -> None:
    reply = client.get("/api/suppliers?sort=price&flag=cheap")

    assert reply.status_code == 422
    body = reply.json()
    assert "sort" in body["message_en"] and "cheap" in body["message_en"] and "sort" in body["message_zh"]


# --- the scorecard -----------------------------------------------------------------------------


def test_scorecard_explains_the_score_with_charts_and_offers(client: TestClient) -> None:
    status, text = _get(client, "/suppliers/o-proven")

    assert status == 200
    assert "按时发货率 74.0%(实测 12 单中 11 单 ≤72 小时发货,先验 63.4%)" in text
    assert "价格稳定" in text and "实测 1 次复查中 1 次涨幅 ≤3.0%" in text
    # wrong/missing/damaged and claims: measured from after-sales (no case yet: 12 shipped, all right)
    assert "已发货采购 12 单,其中 0 单有供应商差错" in text and "实测 12 个包裹中 12 个无问题" in text
    assert text.count('<tr class="component-row"') == 13
    assert '<svg class="chart on-time-chart"' in text and 'class="prior"' in text
    assert len(re.findall(r'<rect class="month"', text)) >= 2  # purchases span at least two months
    assert '<svg class="chart components-chart"' in text
    assert 'data-offer="610001"' in text and "¥5.20" in text and "手机支架 铝合金" in text


def test_scorecard_without_history_says_the_prior_is_used(client: TestClient) -> None:
    status, text = _get(client, "/suppliers/f-super?lang=en")

    assert status == 200
    assert "On-time dispatch 91.7% (nothing measured yet: the prior 91.7%)" in text
    assert "No purchase counts yet" in text and "on-time-chart" not in text
    assert "No offers from this supplier yet." in text
    assert "Automatic ordering succeeds 100.0% (TrustPass + super factory)" in text


def test_api_scorecard_has_months_offers_and_the_prior(client: TestClient) -> None:
    detail = _json(client, "/api/suppliers/o-proven")

    assert detail["on_time_prior"] == "0.634"
    assert sum(month["observations"] for month in detail["on_time_by_month"]) == 12
    assert sum(month["successes"] for month in detail["on_time_by_month"]) == 11
    assert detail["offers"][0]["offer_id"] == 610001 and detail["offers"][0]["unit_price"].startswith("5.2")


def test_unknown_supplier_is_a_404_on_page_and_api(client: TestClient) -> None:
    page_status, _ = _get(client, "/suppliers/nobody")
    reply = client.get("/api/suppliers/nobody")

    assert page_status == 404
    assert reply.status_code == 404 and reply.json()["code"] == "supplier_not_found"
