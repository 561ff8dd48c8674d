"""Pages leave out what the signed-in role may not use: no button that would answer 403.

The sweep parses every page for every role and maps each form (and each ``formaction`` button) to
its route by the same matching the sign-in middleware uses, then asks ``route_actions`` and the
role's permissions; a future button shown to the wrong role fails it without a new test.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from accounts_world import LIMITED, USERS, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import update

from kuajing.accounts.model import Role, may
from kuajing.accounts.route_actions import action_for
from kuajing.accounts.web import match_route
from kuajing.db.uow import UnitOfWork
from kuajing.orders.tables import OrderExceptionRow

PAGES = (
    "/exceptions",
    "/rules",
    "/rules/new",
    "/sourcing",
    "/sourcing/import",
    "/lifecycle",
    "/aftersales",
    "/compliance",
    "/compliance/listings",
    "/compliance/listings/1",
    "/compliance/epr",
    "/compliance/qc",
    "/compliance/hs",
    "/compliance/check?title=100%25+cotton+T-shirt&category=apparel",
    "/orders",
    "/orders/8002",
    "/suppliers",
    "/fulfilment/sla",
    "/reports",
    "/logistics/quote",
    "/account",
)
ROLE_OF = {**USERS, LIMITED: "purchaser"}


class _Forms(HTMLParser):
    """Every (method, url) a page's forms and buttons send, and every link."""

    def __init__(self) -> None:
        super().__init__()
        self.sends: set[tuple[str, str]] = set()
        self.links: set[str] = set()
        self._form_method: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form_method = (found.get("method") or "get").upper()
            self.sends.add((self._form_method, found.get("action", "")))
        elif tag in ("button", "input") and "formaction" in found:
            method = (found.get("formmethod") or self._form_method or "get").upper()
            self.sends.add((method, found["formaction"]))
        elif tag == "a" and found.get("href", "").startswith("/"):
            self.links.add(found["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form_method = None


def _parse(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


def _posts(html: str) -> set[str]:
    return {url.split("?")[0] for method, url in _parse(html).sends if method == "POST"}


def _owner_fills_the_pages(client: TestClient) -> None:
    """A claim, an EPR number, a listing and an exception that suggests a mapping: more forms to see."""
    csrf = sign_in(client, "boss")
    forms = {
        "/aftersales/returns": {"ae_order_id": "8001", "reason": "wrong_item", "amount": "10"},
        "/compliance/epr": {"country": "DE", "stream": "packaging", "number": "DE1234567890123"},
        "/compliance/listings": {"product_id": "1005001", "title": "硅胶手机壳", "markets": "DE,FR"},
    }
    for path, form in forms.items():
        reply = client.post(path, data={**form, "csrf_token": csrf}, follow_redirects=False)
        assert reply.status_code == 303, (path, reply.status_code, reply.text[:300])
    with UnitOfWork(client.app.state.session_factory) as uow:  # type: ignore[attr-defined]
        uow.session.execute(update(OrderExceptionRow).values(action="add_mapping"))
        uow.commit()


@pytest.fixture
def filled(client: TestClient) -> TestClient:
    _owner_fills_the_pages(client)
    return client


def _pages_as(client: TestClient, username: str) -> dict[str, str]:
    sign_in(client, username)
    pages = {}
    for path in PAGES:
        reply = client.get(path)
        assert reply.status_code == 200, (username, path, reply.status_code)
        pages[path] = reply.text
    return pages


@pytest.mark.parametrize("username", [*USERS, LIMITED])
def test_every_form_and_link_a_page_shows_is_one_the_role_may_use(filled: TestClient, username: str) -> None:
    role = Role(ROLE_OF[username])
    shown = 0
    for path, html in _pages_as(filled, username).items():
        parsed = _parse(html)
        for method, url in parsed.sends:
            target = url.split("?")[0] or path.split("?")[0]
            template, params = match_route(filled.app, method, target)
            assert template is not None, f"{path}: a form sends {method} {url}, which no route answers"
            action = action_for(method, template, params)
            assert may(role, action), f"{path} shows {username} ({role}) {method} {url}, which needs {action}"
            shown += method == "POST"
        for link in parsed.links:
            template, params = match_route(filled.app, "GET", link.split("?")[0])
            if template is not None:  # static files and the like are not routes
                action = action_for("GET", template, params)
                assert may(role, action), f"{path} links {username} ({role}) to {link}, which needs {action}"
    assert shown > 0  # at least the sign-out form: the sweep saw the pages' forms


# page: the forms an owner sees there that a viewer must not
OWNER_ONLY_FORMS = {
    "/exceptions": {"/exceptions/approve", "/exceptions/cancel", "/exceptions/alternate"},
    "/rules": {"/rules/import"},
    "/rules/new": {"/rules", "/rules/preview"},
    "/sourcing/import": {"/sourcing/import/upload", "/sourcing/import/fetch"},
    "/lifecycle": {"/lifecycle/move"},
    "/aftersales": {
        "/aftersales/returns",
        "/aftersales/intake",
        "/aftersales/claims/1/evidence",
    },
    "/compliance": {"/compliance/recheck"},
    "/compliance/listings": {"/compliance/listings", "/compliance/listings/import"},
    "/compliance/listings/1": {"/compliance/listings/1/markets", "/compliance/listings/1/delete"},
    "/compliance/epr": {"/compliance/epr", "/compliance/epr/1", "/compliance/epr/1/delete"},
    "/compliance/qc": {"/compliance/qc"},
    "/compliance/hs": {"/compliance/hs/opinions"},
}


def test_an_owner_sees_every_form_and_a_viewer_none_of_them(filled: TestClient) -> None:
    owner = _pages_as(filled, "boss")
    viewer = _pages_as(filled, "vera")
    for path, forms in OWNER_ONLY_FORMS.items():
        assert forms <= _posts(owner[path]), (path, forms - _posts(owner[path]))
        assert not forms & _posts(viewer[path]), (path, forms & _posts(viewer[path]))
        assert _posts(viewer[path]) <= {"/logout"}, (path, _posts(viewer[path]))
    assert 'href="/rules/new' in owner["/rules"] and 'href="/rules/new' not in viewer["/rules"]
    assert "add-mapping" in owner["/exceptions"] and "add-mapping" not in viewer["/exceptions"]
    assert 'class="import-link"' in owner["/sourcing"] and 'class="import-link"' not in viewer["/sourcing"]
    assert "view-only" in viewer["/rules/new"] and "view-only" in viewer["/aftersales"]


def test_the_user_admin_and_audit_links_show_for_the_owner_only(filled: TestClient) -> None:
    assert {"/admin/users", "/audit"} <= _parse(_pages_as(filled, "boss")["/orders"]).links
    for username in ("bella", "paul", "sam", "vera"):
        links = _parse(_pages_as(filled, username)["/orders"]).links
        assert not {"/admin/users", "/audit"} & links, username


def test_each_role_sees_the_forms_of_its_own_work(filled: TestClient) -> None:
    buyer = _pages_as(filled, "bella")
    assert "/lifecycle/move" in _posts(buyer["/lifecycle"])
    assert "/compliance/epr" in _posts(buyer["/compliance/epr"])
    assert not _posts(buyer["/exceptions"]) - {"/logout"}
    purchaser = _pages_as(filled, "paul")
    assert {"/exceptions/approve", "/exceptions/cancel"} <= _posts(purchaser["/exceptions"])
    assert "/aftersales/claims/1/evidence" in _posts(purchaser["/aftersales"])
    assert "/lifecycle/move" not in _posts(purchaser["/lifecycle"])
    service = _pages_as(filled, "sam")
    assert {"/aftersales/returns", "/aftersales/intake"} <= _posts(service["/aftersales"])
    assert "/aftersales/claims/1/evidence" not in _posts(service["/aftersales"])
