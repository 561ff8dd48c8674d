"""Per-store access on the pages that read across stores: the dispatch SLA, 合规 listings, the 售后
supplier summary and intake, the mapping rules export and the report trends. The seeded world has an
order (8001, 8002) with a purchase from supplier "plain" on each of stores 1 and 2; ``pia`` sees
store 2 only, ``boss`` (the owner) sees both."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from accounts_world import LIMITED, NOW, OFFER, PASSWORD, edit_world, seed_listings, sign_in
from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kuajing.accounts import service as accounts
from kuajing.aftersales.tables import ReturnCaseRow
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow

LIMITED_BUYER = "bea"  # a buyer (may edit 合规) who sees store 2 only


def _paid(hours_ago: int, *, shipped: bool) -> Callable[[Session], None]:
    """Both orders paid ``hours_ago`` by the real clock (the pages' clock, whatever day the test runs),
    their purchases shipped an hour ago (on time: the SLA decided) or not yet."""
    now = datetime.now(UTC)

    def change(session: Session) -> None:
        session.execute(update(AeOrderRow).values(paid_at=now - timedelta(hours=hours_ago)))
        shipped_at = now - timedelta(hours=1) if shipped else None
        session.execute(update(PurchaseOrderRow).values(shipped_at=shipped_at))

    return change


def _sla(client: TestClient, username: str) -> Any:
    sign_in(client, username)
    reply = client.get("/api/fulfilment/sla")
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_the_sla_report_counts_only_the_users_stores(client: TestClient, accounts_url: str) -> None:
    edit_world(accounts_url, _paid(3, shipped=False))  # both clocks running
    owner, limited = _sla(client, "boss"), _sla(client, LIMITED)
    assert sum(owner["counts"].values()) == 2 and sum(limited["counts"].values()) == 1
    (owner_line,) = owner["suppliers"]
    (limited_line,) = limited["suppliers"]
    assert owner_line["pending"] == 2 and limited_line["pending"] == 1
    # paid six days ago and not shipped: breached, on the urgent list by purchase (AE1, AE2)
    edit_world(accounts_url, _paid(6 * 24, shipped=False))
    assert {item["ae_order_id"] for item in _sla(client, LIMITED)["urgent"]} == {8002}
    page = client.get("/fulfilment/sla").text
    assert "AE2" in page and "AE1" not in page
    assert {item["ae_order_id"] for item in _sla(client, "boss")["urgent"]} == {8001, 8002}
    page = client.get("/fulfilment/sla").text
    assert "AE2" in page and "AE1" in page


def _listing_world(accounts_url: str) -> dict[str, int]:
    ids: dict[str, int] = {}

    def change(session: Session) -> None:
        ids.update(seed_listings(session))
        accounts.create_user(session, LIMITED_BUYER, PASSWORD, "buyer", now=NOW, store_ids=frozenset({2}))

    edit_world(accounts_url, change)
    return ids


def test_compliance_listings_of_other_stores_are_hidden(client: TestClient, accounts_url: str) -> None:
    ids = _listing_world(accounts_url)
    sign_in(client, "boss")
    dashboard = client.get("/api/compliance/dashboard").json()
    assert dashboard["listings"] == 3 and dashboard["markets"][0]["blocking"] == 3
    assert {row["listing_id"] for row in client.get("/api/compliance/checks").json()} == set(ids.values())
    assert client.get(f"/api/compliance/listings/{ids['store1']}").status_code == 200

    sign_in(client, LIMITED)
    dashboard = client.get("/api/compliance/dashboard").json()
    # store 2's listing and the one entered by hand (shared), not store 1's
    assert dashboard["listings"] == 2 and dashboard["markets"][0]["blocking"] == 2
    assert {row["listing_id"] for row in dashboard["worst"]} == {ids["store2"], ids["shared"]}
    checks = client.get("/api/compliance/checks?market=DE").json()
    assert {row["listing_id"] for row in checks} == {ids["store2"], ids["shared"]}
    page = client.get("/compliance/listings").text
    assert "手机壳 store2" in page and "手机壳 shared" in page and "手机壳 store1" not in page
    assert "手机壳 store1" not in client.get("/compliance").text
    for listing in ("store2", "shared"):
        assert client.get(f"/api/compliance/listings/{ids[listing]}").status_code == 200
        assert client.get(f"/compliance/listings/{ids[listing]}").status_code == 200
    assert client.get(f"/api/compliance/listings/{ids['store1']}").status_code == 404
    assert client.get(f"/compliance/listings/{ids['store1']}").status_code == 404


def test_a_limited_buyer_cannot_change_another_stores_listing(client: TestClient, accounts_url: str) -> None:
    ids = _listing_world(accounts_url)
    csrf = sign_in(client, LIMITED_BUYER)
    store1 = ids["store1"]
    markets = {"markets": "FR", "csrf_token": csrf}
    assert client.post(f"/compliance/listings/{store1}/markets", data=markets).status_code == 404
    assert client.post(f"/compliance/listings/{store1}/delete", data={"csrf_token": csrf}).status_code == 404
    by_hand = {"product_id": "7001", "title": "改掉", "csrf_token": csrf}  # store 1's product id
    assert client.post("/compliance/listings", data=by_hand).status_code == 404
    reply = client.post(f"/compliance/listings/{ids['store2']}/markets", data=markets, follow_redirects=False)
    assert reply.status_code == 303
    sign_in(client, "boss")
    listing = client.get(f"/api/compliance/listings/{store1}").json()["listing"]
    assert listing["markets"] == ["DE"] and listing["title"] == "手机壳 store1"


def test_a_limited_buyers_listings_file_may_not_touch_another_stores_listing(
    client: TestClient, accounts_url: str
) -> None:
    ids = _listing_world(accounts_url)
    csrf = sign_in(client, LIMITED_BUYER)

    def upload(rows: str) -> Response:
        content = ("product_id,title,store_id,markets\n" + rows).encode()
        files = {"file": ("listings.csv", content, "text/csv")}
        return client.post("/compliance/listings/import", files=files, data={"csrf_token": csrf})

    def title(name: str) -> str:
        return str(client.get(f"/api/compliance/listings/{ids[name]}").json()["listing"]["title"])

    overwrite = upload("7002,store2 改,2,DE\n7001,改掉,,FR\n")  # store 1's product, no store given
    assert overwrite.status_code == 422 and "店铺 1 不在您的权限内" in overwrite.text
    other_store = upload("7009,新的,1,DE\n")
    assert other_store.status_code == 422 and "店铺 1 不在您的权限内" in other_store.text
    sign_in(client, "boss")
    assert (title("store1"), title("store2")) == ("手机壳 store1", "手机壳 store2")  # nothing written

    csrf = sign_in(client, LIMITED_BUYER)
    mine = upload("7002,store2 改,2,DE\n7010,新的,,FR\n")
    assert mine.status_code in (200, 303)
    sign_in(client, "boss")
    assert title("store2") == "store2 改"


def _returns_on_both_orders(client: TestClient) -> None:
    """A supplier error on each order: a case and a claim against "plain" on each store."""
    csrf = sign_in(client, "boss")
    for order in ("8001", "8002"):
        form = {"ae_order_id": order, "reason": "wrong_item", "amount": "10", "csrf_token": csrf}
        assert client.post("/aftersales/returns", data=form, follow_redirects=False).status_code == 303


def test_the_supplier_claim_summary_counts_only_the_users_stores(client: TestClient) -> None:
    _returns_on_both_orders(client)
    (owner,) = client.get("/api/aftersales/suppliers").json()
    assert owner["supplier_member_id"] == "plain" and owner["claims"] == 2 and owner["open"] == 2
    sign_in(client, LIMITED)
    (limited,) = client.get("/api/aftersales/suppliers").json()
    assert limited["claims"] == 1 and limited["open"] == 1
    assert client.get("/aftersales").status_code == 200


def _cases(accounts_url: str) -> set[int]:
    found: set[int] = set()
    edit_world(accounts_url, lambda s: found.update(s.scalars(select(ReturnCaseRow.ae_order_id))))
    return found


def test_a_limited_users_intake_takes_in_their_stores_disputes_only(
    client: TestClient, accounts_url: str
) -> None:
    # both orders in dispute; the stores' issue APIs are unreachable, so intake falls back to IN_ISSUE
    edit_world(accounts_url, lambda s: s.execute(update(AeOrderRow).values(ae_status="IN_ISSUE")))
    csrf = sign_in(client, LIMITED)
    reply = client.post("/aftersales/intake", data={"csrf_token": csrf}, follow_redirects=False)
    assert reply.status_code == 303
    assert _cases(accounts_url) == {8002}
    csrf = sign_in(client, "boss")
    reply = client.post("/aftersales/intake", data={"csrf_token": csrf}, follow_redirects=False)
    assert reply.status_code == 303
    assert _cases(accounts_url) == {8001, 8002}


def _exported_patterns(client: TestClient) -> set[str]:
    reply = client.get("/rules/export.xlsx")
    assert reply.status_code == 200
    sheet = load_workbook(io.BytesIO(reply.content)).active
    assert sheet is not None
    return {str(row[1]) for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_the_rules_export_holds_the_users_stores_rules_and_the_shared_ones(client: TestClient) -> None:
    headers = {"X-CSRF-Token": sign_in(client, "boss")}
    for pattern, store in (("RULE-1", 1), ("RULE-2", 2), ("RULE-ALL", None)):
        rule = {"kind": "exact", "pattern": pattern, "offer_id": OFFER, "spec_id": "S1", "store_id": store}
        assert client.post("/api/rules", json=rule, headers=headers).status_code == 201
    assert _exported_patterns(client) == {"RULE-1", "RULE-2", "RULE-ALL"}
    sign_in(client, LIMITED)
    assert _exported_patterns(client) == {"RULE-2", "RULE-ALL"}


def _trends(client: TestClient, username: str) -> tuple[int, int, int]:
    """(SLA purchases decided, returns, supplier-liable returns) over the weeks of /api/reports/trends,
    checked against the trends xlsx (same numbers, two sheets)."""
    sign_in(client, username)
    body = client.get("/api/reports/trends").json()
    decided = sum(week["decided"] for week in body["sla"])
    returns = sum(week["returns"] for week in body["claims"])
    liable = sum(week["supplier_liable"] for week in body["claims"])
    workbook = load_workbook(io.BytesIO(client.get("/reports/trends.xlsx").content))
    sla_sheet, claims_sheet = workbook.worksheets
    assert sla_sheet.max_row - 1 == len(body["sla"]) and claims_sheet.max_row - 1 == len(body["claims"])
    return decided, returns, liable


def test_the_report_trends_count_only_the_users_stores(client: TestClient, accounts_url: str) -> None:
    edit_world(accounts_url, _paid(3, shipped=True))  # on time: each purchase's SLA decided
    _returns_on_both_orders(client)
    assert _trends(client, "boss") == (2, 2, 2)
    assert _trends(client, LIMITED) == (1, 1, 1)
    assert client.get("/reports").status_code == 200
