"""Shared fixtures: the sandbox over real HTTP, SQLite and PostgreSQL databases built by migrations.

PostgreSQL tests are marked ``postgres`` and use ``KUAJING_TEST_POSTGRES_URL`` (the Makefile sets
it to 127.0.0.1:5432/test). Each test run gets its own scratch database, dropped at the end.
Under CI (``CI=true``) a skipped postgres test, or none run at all, fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from kuajing.db.engine import make_engine

if TYPE_CHECKING:
    from kuajing.sandbox.server import SandboxServer

POSTGRES_URL = os.environ.get("KUAJING_TEST_POSTGRES_URL", "")
# Stored secrets are encrypted, and PostgreSQL refuses to start without a key: tests share this one
# (those about the key file or a missing key take it away with monkeypatch).
os.environ.setdefault("KUAJING_SECRET_KEY", "kQ5RN3c3kg25xK1KQ4VK96ktjaFo97Bbep5HDG-l6C8=")
# Page tests act as the implicit owner (user:web); tests/integration/accounts turn sign-in on.
os.environ.setdefault("KUAJING_AUTH_REQUIRED", "false")
_postgres_outcomes: dict[str, int] = {"passed": 0, "skipped": 0, "failed": 0}


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh sandbox world (seed 1688) on a free port, over real HTTP."""
    from kuajing.sandbox.server import SandboxServer

    with SandboxServer(seed=1688) as server:
        yield server


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/kuajing.sqlite3"


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A scratch database on the test server, created once per worker and dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("KUAJING_TEST_POSTGRES_URL not set")
    admin_engine = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"kuajing_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        admin_engine.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """An empty schema on the scratch database for one test."""
    engine = make_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield postgres_server_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "postgres" not in report.keywords:
        return
    if report.skipped:
        _postgres_outcomes["skipped"] += 1
    elif report.when == "call":
        _postgres_outcomes["passed" if report.passed else "failed"] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER") or os.environ.get("CI", "").lower() not in ("1", "true"):
        return
    skipped, ran = _postgres_outcomes["skipped"], _postgres_outcomes["passed"] + _postgres_outcomes["failed"]
    if skipped or not ran:
        print(f"\nCI: PostgreSQL tests must run: {ran} ran, {skipped} skipped — failing the run")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
