"""A seller's main journeys in Chromium, through the real pages (zh-CN UI, 1280×800).

Dashboard, an exception fixed by adding a SKU mapping (the next loop pass buys the order), a
logistics quote, an offers file with a bad row, the language switch. Each journey saves its
screenshots (``<journey>-<step>.png``) for the user guides.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from playwright.sync_api import Page, expect
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.demo_setup import install_sandbox_rules
from kuajing.jobs import run_pass
from kuajing.sandbox.cli import current_hour
from kuajing.sandbox.server import SandboxServer
from kuajing.sourcing.repository import SourcingRepository
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository

Shoot = Callable[..., Path]
Serve = Callable[[Settings], str]
UNMAPPED_EVERY = 5
KUAJING_CLI = str(Path(sys.executable).with_name("kuajing"))


@dataclass
class ShopWorld:
    """The demo in miniature: the sandbox's stores connected, SKU rules, paid orders, one loop pass."""

    sandbox: SandboxServer
    settings: Settings
    factory: sessionmaker[Session]
    url: str

    def run_pass(self) -> None:
        run_pass(self.factory, self.settings, now=self.sandbox.world.now, worker="e2e")


@pytest.fixture
def shop(app_settings: Settings, serve: Serve) -> Iterator[ShopWorld]:
    # The dashboard shows the last 7 days of the real clock, so this world starts now (as the demo's).
    with SandboxServer(seed=1688, start=current_hour()) as sandbox:
        base = sandbox.base_url
        settings = app_settings.model_copy(
            update={
                "clock_url": base,  # the pages act on the loop's (the sandbox's) time
                "auto_buy_requires_super_factory": False,
                "alibaba1688_calls_per_second": 1000,
                "aliexpress_calls_per_second": 1000,
            }
        )
        factory = make_session_factory(make_engine(settings.database_url))
        with factory() as session:
            service.connect_sandbox(session, base, httpx.get(f"{base}/sandbox/accounts").json())
            account = StoreRepository(session).buyer_accounts()[0]
            with service.alibaba_client(account, settings) as buyer:
                catalog = OfferSnapshots(session, buyer, now=sandbox.world.now())
                install_sandbox_rules(
                    session, base, catalog, now=sandbox.world.now(), skip_every=UNMAPPED_EVERY
                )
            session.commit()
        httpx.post(f"{base}/sandbox/orders/generate", params={"count": 12}).raise_for_status()
        sandbox.world.advance(0.5)  # past the 10-minute cancellation window
        world = ShopWorld(sandbox, settings, factory, serve(settings))
        world.run_pass()
        yield world


def _listing_skus(sandbox: SandboxServer) -> dict[str, dict[str, Any]]:
    """The sandbox's truth: AliExpress sku_code → its listing SKU (offer_id, spec_id, multiplier)."""
    found: dict[str, dict[str, Any]] = {}
    for number in range(1, len(sandbox.world.storefront.stores) + 1):
        listings = httpx.get(f"{sandbox.base_url}/sandbox/aliexpress/stores/{number}/listings").json()
        for listing in listings["listings"]:
            for sku in listing["skus"]:
                found[sku["sku_code"]] = sku
    return found


def test_dashboard_shows_each_store_with_its_order_count_and_latest_orders(
    shop: ShopWorld, page: Page, shoot: Shoot
) -> None:
    page.goto(shop.url + "/")

    expect(page.get_by_role("heading", name="速卖通店铺")).to_be_visible()
    for store in shop.sandbox.world.storefront.stores:
        heading = page.get_by_role("heading", name=re.compile(re.escape(store.name)))
        card = page.locator("section.card", has=heading)
        expect(card).to_be_visible()
        count = card.get_by_text(re.compile(r"近 7 天订单数")).locator("strong")
        assert int(count.inner_text()) > 0
    assert page.locator("tr.order-row").count() == 12  # every generated order, in its store's card
    expect(page.get_by_text("CAINIAO_STANDARD").first).to_be_visible()
    shoot("dashboard-stores")

    page.locator("header nav").get_by_role("link", name="订单", exact=True).click()
    expect(page).to_have_url(re.compile(r"/orders$"))
    shoot("dashboard-orders")


def test_an_unmapped_sku_is_fixed_by_adding_a_mapping_and_the_next_pass_buys_the_order(
    shop: ShopWorld, page: Page, shoot: Shoot
) -> None:
    truth = _listing_skus(shop.sandbox)
    queue = httpx.get(f"{shop.url}/api/exceptions").json()
    by_order: dict[int, list[dict[str, Any]]] = {}
    for item in queue:
        by_order.setdefault(item["ae_order_id"], []).append(item)
    waiting = [
        items[0]
        for items in by_order.values()
        if [item["reason_code"] for item in items] == ["unmapped_sku"]
        and truth[items[0]["sku_code"]]["multiplier"] == 1
    ]
    assert waiting, f"every {UNMAPPED_EVERY}th listing is unmapped, so some order waits for a mapping"
    item, sku = waiting[0], truth[waiting[0]["sku_code"]]
    order_id = str(item["ae_order_id"])

    # The queue, filtered to unmapped SKUs, then the order with its open exception.
    page.goto(shop.url + "/")
    page.locator("header nav").get_by_role("link", name="异常队列").click()
    page.locator('a.reason-filter[data-reason="unmapped_sku"]').click()
    row = page.locator(f'tr.exception-row[data-id="{item["id"]}"]')
    expect(row).to_contain_text(item["sku_code"])
    expect(row).to_contain_text("未找到SKU映射")
    shoot("exception-queue", full_page=True)
    row.get_by_role("link", name=order_id).click()
    expect(page.locator("h1")).to_contain_text(order_id)
    expect(page.get_by_role("heading", name="待处理的异常")).to_be_visible()
    expect(page.get_by_text("未找到SKU映射").first).to_be_visible()
    shoot("exception-order")

    # Add the mapping from the queue's link: the form comes with the SKU code and the store filled in.
    page.go_back()
    page.locator(f'tr.exception-row[data-id="{item["id"]}"] a.add-mapping').click()
    form = page.locator("form.rule-form")
    expect(form.locator('input[name="pattern"]')).to_have_value(item["sku_code"])
    form.locator('select[name="kind"]').select_option("exact")
    form.locator('input[name="offer_id"]').fill(str(sku["offer_id"]))
    form.locator('input[name="spec_id"]').fill(str(sku["spec_id"]))
    form.get_by_role("button", name="试运行").click()
    expect(page.locator("tr.preview-mapped").first).to_contain_text(item["sku_code"])
    shoot("exception-mapping-preview", full_page=True)
    page.locator("form.rule-form").get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/rules\?saved="))
    shoot("exception-rule-saved")

    shop.run_pass()  # what `kuajing run` (or the demo's loop) does next

    page.goto(f"{shop.url}/exceptions")
    expect(page.locator(f'tr.exception-row[data-id="{item["id"]}"]')).to_have_count(0)
    page.goto(f"{shop.url}/orders/{order_id}")
    line = page.locator("tr.line-row", has_text=item["sku_code"])
    expect(line.locator("td.status").last).to_have_text(re.compile("已采购|purchased"))  # label or code
    expect(page.locator("tr.purchase-row").first).to_be_visible()
    expect(page.get_by_role("heading", name="待处理的异常")).to_have_count(0)  # none left on the order
    expect(page.locator('tr.timeline-entry[data-entity="exception"]').last).to_contain_text(
        re.compile("resolved|已解决")
    )
    shoot("exception-order-purchased", full_page=True)


def test_a_quote_ranks_the_logistics_lines_by_expected_landed_cost(
    app_settings: Settings, serve: Serve, page: Page, shoot: Shoot
) -> None:
    url = serve(app_settings)
    page.goto(url + "/")
    page.locator("header nav").get_by_role("link", name="运费试算").click()
    expect(page).to_have_url(re.compile(r"/logistics/quote"))
    page.fill("#f-goods_cny", "25.00")
    page.fill("#f-weight_g", "320")
    page.fill("#f-size_cm", "20x15x5")
    page.fill("#f-hs_codes", "420212")
    page.fill("#f-country", "FR")
    page.get_by_role("button", name="试算", exact=True).click()

    rows = page.locator("tr.quote-row")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 3
    expect(rows.first).to_have_class(re.compile(r"\bbest\b"))
    expect(page.locator("tr.quote-row.best")).to_have_count(1)
    expected = [_amount(cell) for cell in rows.locator("td:nth-child(9) strong").all_inner_texts()]
    assert expected == sorted(expected), expected  # ranked on the expected cost, cheapest first
    expect(page.locator(".explanation .explain")).not_to_be_empty()
    assert "weight_g=320" in page.url and "country=FR" in page.url
    shoot("quote-ranked", full_page=True)

    rows.first.locator("xpath=following-sibling::tr[1]").locator("summary").click()
    expect(page.locator("tr.cost-line").first).to_be_visible()
    shoot("quote-breakdown")


def _amount(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.\-]", "", text))


HEADERS = ["商品ID", "标题", "供应商", "价格", "规格ID", "规格"]
GOOD_ROWS: list[list[Any]] = [
    [610000101, "硅胶手机壳", "义乌小商品厂", 2.5, "S1", "颜色:黑色"],
    [610000101, "硅胶手机壳", "义乌小商品厂", 2.6, "S2", "颜色:红色"],
    [610000102, "桌面收纳盒", "深圳塑料厂", 8, "", ""],
]
BAD_ROW: list[Any] = [610000103, "不锈钢保温杯", "永康杯业", -3, "", ""]  # a negative price


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _offer_count(settings: Settings) -> int:
    with make_session_factory(make_engine(settings.database_url))() as session:
        return SourcingRepository(session).count_offers()


def _upload(page: Page, name: str, data: bytes) -> None:
    page.locator('#upload input[name="file"]').set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": data}
    )
    page.locator("#upload").get_by_role("button", name="上传并核对列").click()
    expect(page.locator("#mapping")).to_be_visible()


def test_an_offers_file_with_a_bad_row_names_file_row_and_column_imports_nothing_then_the_good_rows(
    app_settings: Settings, serve: Serve, page: Page, shoot: Shoot
) -> None:
    url = serve(app_settings)
    page.goto(url + "/sourcing")
    page.locator('a[href="/sourcing/import"]').first.click()
    expect(page).to_have_url(re.compile(r"/sourcing/import$"))
    shoot("import-start")

    _upload(page, "offers.xlsx", _xlsx([*GOOD_ROWS[:2], BAD_ROW, GOOD_ROWS[2]]))
    mapping = page.locator("tr.mapping-row")
    expect(mapping).to_have_count(len(HEADERS))
    expect(page.locator('tr.mapping-row[data-header="价格"]')).to_have_attribute("data-field", "price")
    shoot("import-mapping", full_page=True)
    page.locator("#mapping").get_by_role("button", name="确认并导入").click()

    rejected = page.locator("tr.rejected-row")
    expect(rejected).to_have_count(1)
    cells = rejected.first.locator("td").all_inner_texts()
    assert cells[:3] == ["offers.xlsx", "4", "价格"], cells  # the header is row 1: the bad row is row 4
    assert "价格必须大于 0" in cells[3]
    expect(page.locator("#result")).to_contain_text("没有导入任何内容")
    assert _offer_count(app_settings) == 0
    shoot("import-bad-row")

    page.locator("#good-rows").get_by_role("button", name=re.compile("只导入")).click()
    expect(page.locator("#imported")).to_contain_text("已导入 2 个商品")
    assert _offer_count(app_settings) == 2
    shoot("import-good-rows")

    # The bad row fixed in the file: the same file again adds the missing offer, the rest unchanged.
    page.get_by_role("link", name="再导入一个文件").click()
    _upload(page, "offers.xlsx", _xlsx([*GOOD_ROWS[:2], [*BAD_ROW[:3], 19.9, "", ""], GOOD_ROWS[2]]))
    page.locator("#mapping").get_by_role("button", name="确认并导入").click()
    expect(page.locator("#imported")).to_contain_text("已导入 1 个商品,2 个未变化")
    assert _offer_count(app_settings) == 3


def test_the_language_link_switches_the_pages_between_chinese_and_english(
    app_settings: Settings, serve: Serve, page: Page, shoot: Shoot
) -> None:
    url = serve(app_settings)
    page.goto(url + "/logistics/quote")
    expect(page.locator("h1")).to_have_text("运费与落地成本试算")
    page.locator("header nav").get_by_role("link", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Landed-cost calculator")
    expect(page.locator("header nav")).to_contain_text("Exceptions")
    shoot("language-english")
    page.goto(url + "/")  # the choice is remembered
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("header nav").get_by_role("link", name="中文", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("header nav")).to_contain_text("异常队列")


def test_signing_in_refuses_a_wrong_password_then_opens_the_dashboard_and_signs_out(
    app_settings: Settings, serve: Serve, page: Page, shoot: Shoot
) -> None:
    settings = app_settings.model_copy(update={"auth_required": True})
    created = subprocess.run(
        [KUAJING_CLI, "user", "create", "--username", "laowang", "--role", "owner", "--password-stdin"],
        input="Kuajing-2026-secret\n",
        capture_output=True,
        text=True,
        env={**os.environ, "KUAJING_DATABASE_URL": settings.database_url},
        check=False,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    url = serve(settings)

    page.goto(url + "/orders")
    expect(page).to_have_url(re.compile(r"/login"))
    form = page.locator("#login form")
    form.locator('input[name="username"]').fill("laowang")
    form.locator('input[name="password"]').fill("wrong-password")
    shoot("login-form")
    form.get_by_role("button", name="登录").click()
    expect(page.locator("#login .error")).to_have_text("用户名或密码错误")
    expect(page.locator("header nav [data-user]")).to_have_count(0)
    shoot("login-error")

    form = page.locator("#login form")
    form.locator('input[name="username"]').fill("laowang")
    form.locator('input[name="password"]').fill("Kuajing-2026-secret")
    form.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/orders$"))  # back where the seller was going
    expect(page.locator("header nav [data-user]")).to_have_text("laowang")
    page.locator("header nav").get_by_role("link", name="工作台").click()
    expect(page.get_by_role("heading", name="速卖通店铺")).to_be_visible()
    shoot("login-dashboard")

    page.locator("header nav").get_by_role("button", name="退出").click()
    page.goto(url + "/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_after_the_loop_the_seller_reads_sla_reports_compliance_and_records_a_return(
    shop: ShopWorld, page: Page, shoot: Shoot
) -> None:
    """The pages the user guide shows after a day of orders: one more pass after the suppliers ship."""
    shop.sandbox.world.advance(30)  # suppliers dispatch, tracking comes back
    shop.run_pass()
    with shop.factory() as session:
        bought = session.execute(
            text("SELECT ae_order_id FROM ae_orders WHERE state IN ('buying', 'bought') ORDER BY ae_order_id")
        ).scalars()
        order_id = str(next(iter(bought)))

    page.goto(shop.url + "/fulfilment/sla")
    expect(page.locator("h1")).to_have_text("发货时效与物流健康")
    expect(page.locator("main table").first).to_be_visible()
    shoot("sla-board")

    page.locator("header nav").get_by_role("link", name="报表").click()
    expect(page.locator("h1")).to_have_text("利润与时效报表")
    expect(page.locator("main table").first).to_be_visible()
    shoot("reports-profit")

    # Compliance: a listing for the German and French markets, then the EPR number Germany asks for.
    page.locator("header nav").get_by_role("link", name="合规").click()
    page.goto(shop.url + "/compliance/listings")
    add = page.locator("#add-listing")
    add.locator('input[name="product_id"]').fill("1005001")
    add.locator('input[name="title"]').fill("Silicone phone case 硅胶手机壳")
    add.locator('input[name="markets"]').fill("DE,FR")
    add.get_by_role("button").click()
    page.locator('main a[href^="/compliance/listings/"]').first.click()
    expect(page.locator("tr.check-row")).to_have_count(2)
    expect(page.locator('tr.check-row[data-market="DE"]')).to_have_attribute("data-status", "blocking")
    shoot("compliance-listing", full_page=True)
    page.goto(shop.url + "/compliance/epr")
    epr = page.locator("#add-epr")
    epr.locator('input[name="country"]').fill("DE")
    epr.locator('select[name="stream"]').select_option("packaging")
    epr.locator('input[name="number"]').fill("DE1234567890123")
    epr.get_by_role("button").click()
    expect(page.get_by_text("DE1234567890123").first).to_be_visible()
    shoot("compliance-epr")

    # 商品核对: the guide's case — a listing titled 硅胶 (silicone) whose 1688 offer says PVC.
    page.goto(shop.url + "/compliance/check")
    check = page.locator("form.check-form")
    check.locator('input[name="title"]').fill("iPhone 15 硅胶手机壳 防摔")
    check.locator('input[name="offer_title"]').fill("适用苹果15手机壳 透明防摔")
    check.locator('textarea[name="offer_attrs"]').fill("材质=PVC\n颜色=黑色")
    check.get_by_role("button", name="核对").click()
    expect(page.locator("td.proposed-title")).to_have_text("iPhone 15 PVC手机壳 防摔")
    shoot("compliance-check", full_page=True)

    # After-sales: the buyer got the wrong item — the supplier pays, so a claim opens with its checklist.
    page.locator("header nav").get_by_role("link", name="售后").click()
    record = page.locator("#record-return")
    record.locator('input[name="ae_order_id"]').fill(order_id)
    record.locator('select[name="reason"]').select_option("wrong_item")
    record.locator('input[name="amount"]').fill("35.50")
    record.locator('input[name="notes"]').fill("发错颜色")
    record.get_by_role("button").click()
    case = page.locator("tr.case-row", has_text=order_id)
    expect(case).to_have_attribute("data-state", "open")
    shoot("aftersales-claim", full_page=True)
