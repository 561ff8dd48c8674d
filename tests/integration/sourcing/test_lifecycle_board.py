"""The lifecycle board on a migrated database, from order rows inserted directly into the order loop's
tables: figures and suggestions on SQLite and PostgreSQL, moves recorded or refused, the page in
zh-CN and en, a move through the apply form, the bulk form and the JSON API."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.logistics.landed import FxTable
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing import lifecycle_service as service
from kuajing.sourcing.lifecycle import IllegalLifecycleMove, Stage, load_triggers
from kuajing.sourcing.tables import LifecycleMoveRow, SourcedOfferRow, SourcedSpecRow, SupplierRow
from kuajing.stores.tables import AliExpressStore

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
FX = FxTable(as_of=NOW.date(), cny_per={"USD": Decimal("7.00")})
TRIGGERS = load_triggers()
TESTING_OFFER, WINNER_OFFER, CANDIDATE_OFFER, LOSS_OFFER = 610001, 610002, 610003, 610004


@dataclass
class World:
    session: Session
    store_id: int
    next_id: int = 1

    def supplier(self, member_id: str, custom_moq: int | None) -> SupplierRow:
        row = SupplierRow(
            member_id=member_id, name=f"义乌{member_id}工厂", custom_moq=custom_moq, updated_at=NOW
        )
        self.session.add(row)
        self.session.flush()
        return row

    def offer(self, offer_id: int, supplier: SupplierRow, stage: str, title: str) -> SourcedOfferRow:
        row = SourcedOfferRow(
            offer_id=offer_id,
            supplier_id=supplier.id,
            title=title,
            attributes={},
            price_tiers=[[2, "10.00"], [100, "8.50"], [500, "7.90"]],
            unit_price=Decimal("10.00"),
            min_order_quantity=2,
            lifecycle_stage=stage,
            source="test",
            content_hash=str(offer_id),
            imported_at=NOW,
            updated_at=NOW,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def order(
        self,
        offer_id: int,
        paid_at: datetime,
        price: str = "4.00",
        state: str = "fulfilled",
        purchase: str | None = None,
    ) -> None:
        number = self.next_id
        self.next_id += 1
        order = AeOrderRow(
            store_id=self.store_id, ae_order_id=9_000_000 + number, ae_status="FINISH", state=state,
            pay_amount=Decimal(price), currency="USD", created_at=paid_at, paid_at=paid_at, synced_at=paid_at,
        )  # fmt: skip
        self.session.add(order)
        self.session.flush()
        purchase_id = None
        if purchase is not None:
            row = PurchaseOrderRow(
                order_id=order.id, out_order_id=f"kj-{number}", supplier_member_id="s", state=purchase,
                cargo=[], created_at=paid_at,
            )  # fmt: skip
            self.session.add(row)
            self.session.flush()
            purchase_id = row.id
        self.session.add(
            AeOrderLineRow(
                order_id=order.id,
                child_id=8_000_000 + number,
                product_id=1,
                quantity=1,
                unit_price=Decimal(price),
                currency="USD",
                state="purchased",
                offer_id=offer_id,
                buy_quantity=1,
                purchase_id=purchase_id,
            )
        )


def seed(session: Session, now: datetime) -> None:
    store = AliExpressStore(
        name="店",
        seller_id="1",
        base_url="http://x",
        app_key="k",
        app_secret="s",
        access_token="t",
        created_at=now,
    )
    session.add(store)
    session.flush()
    world = World(session, store.id)
    friendly = world.supplier("m1", custom_moq=300)
    world.offer(TESTING_OFFER, friendly, "testing", "硅胶手机壳 iPhone 15")
    winner = world.offer(WINNER_OFFER, friendly, "winner", "磁吸充电线")
    world.offer(CANDIDATE_OFFER, world.supplier("m2", None), "candidate", "折叠收纳盒")
    world.offer(LOSS_OFFER, friendly, "testing", "亏本小风扇")
    session.add(
        SourcedSpecRow(
            offer_row_id=winner.id, spec_id="a", attributes="颜色:黑", consign_price=Decimal("11.00")
        )
    )
    for day in range(8):  # testing offer: 5 orders a day for 8 days → winner
        for n in range(5):
            world.order(TESTING_OFFER, now - timedelta(days=day, hours=n + 1))
    for day in range(30):  # winner: 6 a day for 30 days → reorder
        for n in range(6):
            world.order(WINNER_OFFER, now - timedelta(days=day, hours=n + 1))
    for n in range(25):  # sells at $1 = ¥7 against ¥10 cost → drop; one purchase failed
        world.order(
            LOSS_OFFER, now - timedelta(hours=n + 1), price="1.00", purchase="failed" if n == 0 else "placed"
        )
    world.order(
        LOSS_OFFER, now - timedelta(hours=2), state="cancelled"
    )  # cancelled before buying: not counted
    session.flush()


def _session(url: str) -> Session:
    migrate.upgrade(url)
    return make_session_factory(make_engine(url))()


def test_board_computes_figures_and_suggestions_from_order_rows(database_url: str) -> None:
    with _session(database_url) as session:
        seed(session, NOW)
        board = service.board(session, NOW, FX, TRIGGERS)
        cards = {card.offer_id: card for card in board.cards}

    testing, winner, loss = cards[TESTING_OFFER], cards[WINNER_OFFER], cards[LOSS_OFFER]
    assert testing.stats.orders(7) == 35 and testing.stats.history_days == 7
    assert testing.suggestion is not None and testing.suggestion.to_stage == Stage.WINNER
    assert testing.stats.margin_rate == Decimal("0.6429")  # (¥28 − ¥10) / ¥28
    assert winner.suggestion is not None and winner.suggestion.to_stage == Stage.REORDER
    plan = winner.reorder_plan
    assert plan is not None  # 6 pieces a day × 30 days = 180, below the custom MOQ of 300
    assert (plan.quantity, plan.unit_price, plan.total, plan.saving) == (
        300, Decimal("8.50"), Decimal("2550.00"), Decimal("750.00"),
    )  # fmt: skip
    assert loss.stats.orders(30) == 25 and loss.stats.defects == 1
    assert loss.suggestion is not None and loss.suggestion.rule == "drop_margin"
    assert cards[CANDIDATE_OFFER].suggestion is None
    assert board.counts[Stage.TESTING] == 2


def test_move_is_recorded_with_what_when_why_who_and_a_refused_move_stores_nothing(database_url: str) -> None:
    with _session(database_url) as session:
        seed(session, NOW)
        service.move(session, TESTING_OFFER, "winner", "近7天日均5单", "user:web", NOW)
        with pytest.raises(IllegalLifecycleMove):
            service.move(session, CANDIDATE_OFFER, "reorder", "太快了", "user:web", NOW)
        with pytest.raises(service.OfferNotTracked):
            service.move(session, 1, "sample", "?", "user:web", NOW)
        moves = session.scalars(select(LifecycleMoveRow)).all()
        stages = dict(
            session.execute(select(SourcedOfferRow.offer_id, SourcedOfferRow.lifecycle_stage)).all()
        )

    assert [(m.from_stage, m.to_stage, m.reason, m.actor, m.at) for m in moves] == [
        ("testing", "winner", "近7天日均5单", "user:web", NOW)
    ]
    assert stages[TESTING_OFFER] == "winner" and stages[CANDIDATE_OFFER] == "candidate"


# --- the page and the API (SQLite, the app's own clock: orders are placed relative to real now) -------


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    from kuajing.config import Settings
    from kuajing.web.app import create_app

    url = f"sqlite:///{tmp_path / 'kuajing.sqlite3'}"
    with _session(url) as session:
        seed(session, datetime.now(UTC))
        session.commit()
    with TestClient(create_app(Settings(database_url=url, usd_cny_rate="7.00"))) as test_client:
        yield test_client


def _page(client: TestClient, lang: str = "zh-CN") -> str:
    client.cookies.clear()
    reply = client.get(f"/lifecycle?lang={lang}")
    assert reply.status_code == 200, reply.text
    return html.unescape(reply.text)


def test_board_page_in_chinese_shows_columns_cards_sparklines_and_suggestions(client: TestClient) -> None:
    text = _page(client)
    assert "产品生命周期" in text and 'href="/lifecycle" class="active">生命周期</a>' in text
    for column in ("候选", "样品采购", "测款", "爆款", "返单定制", "官方物流发货", "淘汰"):
        assert f"<h2>{column} " in text
    assert "硅胶手机壳 iPhone 15" in text and "义乌m1工厂" in text
    assert '<svg class="sparkline"' in text and "<polyline" in text
    assert "→ 爆款: 近 7 天日均" in text
    assert "建议返单 300 件 × ¥8.50 = ¥2550.00(定制起订量 300)" in text and "比代发省 ¥750.00" in text


def test_board_page_in_english(client: TestClient) -> None:
    text = _page(client, "en")
    assert "Product lifecycle" in text and ">Lifecycle</a>" in text
    assert "→ winner: 5.0 orders a day over 7 days" in text
    assert "Reorder 300 pcs × ¥8.50" in text


def test_apply_form_records_the_move_and_the_card_changes_column(client: TestClient) -> None:
    reply = client.post(
        "/lifecycle/move",
        data={
            "offer_id": str(TESTING_OFFER),
            "to_stage": "winner",
            "reason": "按触发条件: 近 7 天日均 5.0 单",
        },
        follow_redirects=False,
    )
    assert reply.status_code == 303 and reply.headers["location"] == "/lifecycle?moved=1"
    board = client.get("/api/lifecycle").json()
    stages = {offer["offer_id"]: offer["stage"] for offer in board["offers"]}
    assert stages[TESTING_OFFER] == "winner"


def test_bulk_move_with_one_refused_offer_moves_none(client: TestClient) -> None:
    reply = client.post(
        "/lifecycle/move",
        data={"offer_id": [str(TESTING_OFFER), str(CANDIDATE_OFFER)], "to_stage": "winner", "reason": "批量"},
    )
    assert reply.status_code == 409 and "不能从「候选」移到「爆款」" in html.unescape(reply.text)
    stages = {offer["offer_id"]: offer["stage"] for offer in client.get("/api/lifecycle").json()["offers"]}
    assert stages[TESTING_OFFER] == "testing"
    reply = client.post(
        "/lifecycle/move",
        data={"offer_id": [str(TESTING_OFFER), str(LOSS_OFFER)], "to_stage": "dropped", "reason": "批量淘汰"},
        follow_redirects=False,
    )
    assert reply.headers["location"] == "/lifecycle?moved=2"


def test_json_api_moves_and_refuses_with_the_error_shape(client: TestClient) -> None:
    reply = client.post(
        f"/api/lifecycle/{WINNER_OFFER}/move", json={"to_stage": "reorder", "reason": "月销 180 单"}
    )
    assert reply.status_code == 200
    assert reply.json()["from_stage"] == "winner" and reply.json()["actor"] == "user:web"
    refused = client.post(f"/api/lifecycle/{WINNER_OFFER}/move", json={"to_stage": "sample", "reason": "x"})
    assert refused.status_code == 409 and refused.json()["code"] == "illegal_lifecycle_move"
    missing = client.post("/api/lifecycle/42/move", json={"to_stage": "sample", "reason": "x"})
    assert missing.status_code == 404
    offer = next(o for o in client.get("/api/lifecycle").json()["offers"] if o["offer_id"] == TESTING_OFFER)
    assert offer["suggestion"]["to_stage"] == "winner" and len(offer["daily_orders"]) == TRIGGERS.window_days


# --- the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def cli_database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from kuajing.config import get_settings

    with _session(sqlite_url) as session:
        seed(session, datetime.now(UTC))
        session.commit()
    monkeypatch.setenv("KUAJING_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("KUAJING_USD_CNY_RATE", "7.00")
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


def test_cli_lists_suggests_and_moves(cli_database: str) -> None:
    import json

    from typer.testing import CliRunner

    from kuajing.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["lifecycle", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert {o["offer_id"] for o in json.loads(listed.output)["offers"]} >= {TESTING_OFFER, CANDIDATE_OFFER}
    suggested = runner.invoke(app, ["lifecycle", "suggest", "--json"])
    rules = {o["offer_id"]: o["suggestion"]["rule"] for o in json.loads(suggested.output)}
    assert rules == {TESTING_OFFER: "winner", WINNER_OFFER: "reorder", LOSS_OFFER: "drop_margin"}
    text = runner.invoke(app, ["lifecycle", "suggest"]).output
    assert "返单/reorder: 300 × ¥8.50 = ¥2550.00 (省/saves ¥750.00)" in text
    moved = runner.invoke(app, ["lifecycle", "move", str(TESTING_OFFER), "winner", "--reason", "日均 5 单"])
    assert moved.exit_code == 0 and "testing → winner (日均 5 单)" in moved.output
    refused = runner.invoke(
        app, ["lifecycle", "move", str(CANDIDATE_OFFER), "official_logistics", "--reason", "x"]
    )
    assert refused.exit_code != 0
    assert isinstance(refused.exception, IllegalLifecycleMove)  # main() turns it into a message and exit 1
