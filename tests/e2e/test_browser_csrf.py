"""In Chromium with sign-in on: base.html's script adds the session's CSRF token to a plain HTML
form, so an owner's form post is saved; a viewer is not shown the form, and the same post sent
anyway with the viewer's token is refused (403); a post from a form without the token is refused too."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from kuajing.accounts import service
from kuajing.compliance import repository
from kuajing.config import Settings
from kuajing.db.engine import make_engine, make_session_factory

pytest.importorskip("playwright")
from playwright.sync_api import Page, expect

PASSWORD = "Kuajing-2026-secret"


def _users(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        for name, role in (("laowang", "owner"), ("xiaoli", "viewer")):
            service.create_user(session, name, PASSWORD, role, now=datetime.now(UTC))
        session.commit()
    engine.dispose()


def _sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/compliance/epr")
    expect(page).to_have_url(re.compile(r"/login"))
    form = page.locator("#login form")
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/compliance/epr$"))


def _add_epr(page: Page, number: str) -> None:
    form = page.locator("#add-epr")
    form.locator('input[name="country"]').fill("DE")
    form.locator('select[name="stream"]').select_option("packaging")
    form.locator('input[name="number"]').fill(number)
    form.get_by_role("button").click()


def test_a_plain_form_carries_the_token_the_script_adds_and_is_saved(
    app_settings: Settings, serve: Callable[[Settings], str], page: Page
) -> None:
    settings = app_settings.model_copy(update={"auth_required": True})
    _users(settings)
    url = serve(settings)
    _sign_in(page, url, "laowang")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token and page.locator('#add-epr input[name="csrf_token"]').get_attribute("value") == token
    _add_epr(page, "DE1234567890123")
    expect(page).to_have_url(re.compile(r"/compliance/epr\?done=saved"))
    expect(page.get_by_text("DE1234567890123").first).to_be_visible()

    # a form without the token posted with the session cookie (another site's form gets no cookie at
    # all: SameSite=Lax): refused
    page.set_content(
        f'<form method="post" action="{url}/compliance/epr" id="evil">'
        '<input name="country" value="FR"><input name="stream" value="packaging">'
        '<input name="number" value="FR123"><button>go</button></form>'
    )
    page.locator("#evil button").click()
    expect(page.get_by_text("csrf_refused")).to_be_visible()


def test_a_viewer_is_not_shown_the_form_and_posting_it_anyway_is_refused(
    app_settings: Settings, serve: Callable[[Settings], str], page: Page
) -> None:
    settings = app_settings.model_copy(update={"auth_required": True})
    _users(settings)
    url = serve(settings)
    _sign_in(page, url, "xiaoli")
    expect(page.locator("#add-epr")).to_have_count(0)  # the page leaves out what a viewer can't do
    # The same form, written by hand with the viewer's own session token: the role is refused.
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token
    page.set_content(
        f'<form method="post" action="{url}/compliance/epr" id="forged">'
        f'<input name="csrf_token" value="{token}"><input name="country" value="DE">'
        '<input name="stream" value="packaging"><input name="number" value="DE1234567890123">'
        "<button>go</button></form>"
    )
    page.locator("#forged button").click()
    expect(page.get_by_text("forbidden")).to_be_visible()
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        assert repository.registrations(session) == []
    engine.dispose()
