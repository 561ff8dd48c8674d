"""Sign-in, lock-out, sessions and logout: the use cases on SQLite and PostgreSQL (time passed in),
then the same over HTTP with a clock the test moves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from accounts_world import NOW, PASSWORD, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.accounts import service
from kuajing.accounts.errors import AccountLocked, LoginRefused
from kuajing.accounts.model import LockoutPolicy
from kuajing.accounts.tables import UserRow, UserSessionRow
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.clock import FixedClock

POLICY = LockoutPolicy(max_failures=5, lock_minutes=15)
SESSIONS = service.SessionPolicy(max_hours=12, idle_minutes=120)


@pytest.fixture
def session(accounts_db_url: str) -> Iterator[Session]:
    engine = make_engine(accounts_db_url)
    with make_session_factory(engine)() as db:
        yield db
    engine.dispose()


def _fail(session: Session, times: int, at: object = NOW) -> None:
    for _ in range(times):
        with pytest.raises((LoginRefused, AccountLocked)):
            service.authenticate(session, "paul", "wrong password!", now=at, policy=POLICY)  # type: ignore[arg-type]
        session.commit()


def test_the_right_password_signs_in_a_wrong_one_or_unknown_name_is_refused(session: Session) -> None:
    assert service.authenticate(session, "paul", PASSWORD, now=NOW, policy=POLICY).username == "paul"
    with pytest.raises(LoginRefused):
        service.authenticate(session, "paul", "not the password", now=NOW, policy=POLICY)
    with pytest.raises(LoginRefused):
        service.authenticate(session, "nobody", PASSWORD, now=NOW, policy=POLICY)


def test_the_stored_hash_is_argon2id_never_the_password(session: Session) -> None:
    stored = session.scalar(select(UserRow.password_hash).where(UserRow.username == "paul"))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_five_failures_lock_the_account_for_15_minutes_then_it_opens_again(session: Session) -> None:
    _fail(session, 4)
    assert service.authenticate(session, "paul", PASSWORD, now=NOW, policy=POLICY)  # 4 do not lock
    session.commit()
    _fail(session, 4)
    with pytest.raises(AccountLocked) as locked:
        service.authenticate(session, "paul", "wrong again!!", now=NOW, policy=POLICY)
    session.commit()
    assert locked.value.details["locked_until"] == (NOW + timedelta(minutes=15)).isoformat()
    # locked: even the right password is refused until the time has passed
    with pytest.raises(AccountLocked):
        service.authenticate(session, "paul", PASSWORD, now=NOW + timedelta(minutes=14), policy=POLICY)
    user = service.authenticate(session, "paul", PASSWORD, now=NOW + timedelta(minutes=15), policy=POLICY)
    assert (user.failed_attempts, user.locked_until) == (0, None)


def test_a_session_ends_after_its_hours_or_after_two_idle_hours(session: Session) -> None:
    user = service.user_named(session, "paul")
    opened = service.start_session(session, user, now=NOW, policy=SESSIONS)
    stored = session.scalar(select(UserSessionRow.token_hash))
    assert stored == service.digest(opened.token) and opened.token not in str(stored)
    found = service.resume_session(session, opened.token, now=NOW + timedelta(minutes=90), policy=SESSIONS)
    assert found is not None and found.username == "paul" and found.csrf_token == opened.csrf_token
    later = NOW + timedelta(minutes=90 + 119)  # used at 90 min: the idle clock restarted there
    assert service.resume_session(session, opened.token, now=later, policy=SESSIONS) is not None
    assert (
        service.resume_session(session, opened.token, now=later + timedelta(hours=3), policy=SESSIONS) is None
    )
    fresh = service.start_session(session, user, now=NOW, policy=SESSIONS)
    for hour in range(1, 12):  # used every hour, still ends at 12 hours
        assert service.resume_session(session, fresh.token, now=NOW + timedelta(hours=hour), policy=SESSIONS)
    assert (
        service.resume_session(session, fresh.token, now=NOW + timedelta(hours=12), policy=SESSIONS) is None
    )


def test_expired_sessions_nobody_came_back_to_are_swept_at_the_next_sign_in(session: Session) -> None:
    user = service.user_named(session, "paul")
    service.start_session(session, user, now=NOW, policy=SESSIONS)
    service.start_session(session, user, now=NOW + timedelta(hours=11), policy=SESSIONS)
    assert len(session.scalars(select(UserSessionRow)).all()) == 2
    service.start_session(session, user, now=NOW + timedelta(hours=12), policy=SESSIONS)
    assert len(session.scalars(select(UserSessionRow)).all()) == 2  # the first one went


def test_logout_and_disabling_the_user_end_sessions(session: Session) -> None:
    user = service.user_named(session, "paul")
    first = service.start_session(session, user, now=NOW, policy=SESSIONS)
    service.end_session(session, first.token)
    assert service.resume_session(session, first.token, now=NOW, policy=SESSIONS) is None
    second = service.start_session(session, user, now=NOW, policy=SESSIONS)
    service.set_active(session, user, False)
    assert service.resume_session(session, second.token, now=NOW, policy=SESSIONS) is None
    with pytest.raises(LoginRefused):
        service.authenticate(session, "paul", PASSWORD, now=NOW, policy=POLICY)


# --- over HTTP (SQLite) --------------------------------------------------------------------------


@pytest.fixture
def clocked(client: TestClient) -> FixedClock:
    clock = FixedClock(NOW)
    client.app.state.accounts_clock = clock  # type: ignore[attr-defined]
    return clock


def test_login_form_sets_an_httponly_samesite_cookie_and_goes_to_next(client: TestClient) -> None:
    reply = client.post(
        "/login",
        data={"username": "paul", "password": PASSWORD, "next": "/exceptions"},
        follow_redirects=False,
    )
    assert reply.status_code == 303 and reply.headers["location"] == "/exceptions"
    cookie = reply.headers["set-cookie"].lower()
    assert "kj_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie
    assert client.get("/api/auth/me").json()["username"] == "paul"


def test_the_cookie_is_secure_when_the_setting_says_https(
    accounts_url: str, make_client: Callable[..., TestClient]
) -> None:
    secure = make_client(accounts_url, cookie_secure=True)
    reply = secure.post("/login", data={"username": "paul", "password": PASSWORD}, follow_redirects=False)
    assert "secure" in reply.headers["set-cookie"].lower()


def test_login_never_redirects_off_the_site(client: TestClient) -> None:
    reply = client.post(
        "/login",
        data={"username": "paul", "password": PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert reply.headers["location"] == "/"


def test_a_wrong_password_re_renders_the_form_with_401(client: TestClient) -> None:
    reply = client.post("/login", data={"username": "paul", "password": "nope nope nope"})
    assert reply.status_code == 401 and 'data-code="login_refused"' in reply.text
    assert client.get("/api/auth/me").status_code == 401


def test_five_failed_logins_over_http_lock_then_the_clock_unlocks(
    client: TestClient, clocked: FixedClock
) -> None:
    for _ in range(4):
        reply = client.post("/api/auth/login", json={"username": "sam", "password": "wrong password"})
        assert reply.status_code == 401 and reply.json()["code"] == "login_refused"
    reply = client.post("/api/auth/login", json={"username": "sam", "password": "wrong password"})
    assert reply.status_code == 423 and reply.json()["code"] == "account_locked"
    reply = client.post("/api/auth/login", json={"username": "sam", "password": PASSWORD})
    assert reply.status_code == 423
    clocked.advance(timedelta(minutes=15))
    assert sign_in(client, "sam")


def test_logout_ends_the_session_on_the_server(client: TestClient) -> None:
    token = sign_in(client, "vera")
    cookie = client.cookies.get("kj_session")
    assert client.get("/api/exceptions").status_code == 200
    reply = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/login"
    client.cookies.set("kj_session", str(cookie))  # a copied cookie no longer works either
    assert client.get("/api/exceptions").status_code == 401


def test_an_expired_session_sends_pages_to_login_and_api_to_401(
    client: TestClient, clocked: FixedClock
) -> None:
    sign_in(client, "vera")
    assert client.get("/orders").status_code == 200
    clocked.advance(timedelta(hours=2, minutes=1))  # idle too long
    reply = client.get("/orders?state=bought", follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/login?next=%2Forders%3Fstate%3Dbought"
    assert client.get("/api/exceptions").json()["code"] == "unauthorized"
