"""The loops' alert pass: off when KUAJING_ALERTS_ENABLED is false; an error is logged, never raised."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.notify.run import run_alert_pass

NOW = datetime(2026, 3, 10, tzinfo=UTC)


def _broken_factory() -> Any:
    raise RuntimeError("database down")


def test_disabled_alerts_open_no_session() -> None:
    factory = cast(sessionmaker[Session], _broken_factory)
    assert run_alert_pass(factory, Settings(alerts_enabled=False), NOW) is None


def test_an_alert_error_is_logged_and_never_stops_the_loop(caplog: pytest.LogCaptureFixture) -> None:
    factory = cast(sessionmaker[Session], _broken_factory)
    assert run_alert_pass(factory, Settings(alerts_enabled=True), NOW) is None
    assert "alert pass failed" in caplog.text
