"""Confirmed HS classifications on SQLite and PostgreSQL: the next suggestion learns from them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from kuajing.compliance import hs_service
from kuajing.compliance.hs_service import HsCodeUnknown
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.errors import ValidationFailed

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)
TITLE = "Aluminium Alloy Magnetic Car Phone Holder Dashboard Mount"


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_confirmed_classification_comes_first_for_the_same_product(session: Session) -> None:
    before = hs_service.suggest_for(session, TITLE, {"Material": "Aluminium"}, None, top=3)
    assert before and before[0].hs6 != "830230"

    saved = hs_service.confirm(
        session, TITLE, "8302.30", attributes={"Material": "Aluminium"}, confirmed_by="小王", now=NOW
    )
    session.commit()
    assert (saved.hs6, saved.source, saved.confirmed_by) == ("830230", "user", "小王")

    after = hs_service.suggest_for(session, TITLE, {"Material": "Aluminium"}, None, top=3)
    assert after[0].hs6 == "830230"
    assert after[0].evidence[0].source == "confirmed" and TITLE in after[0].evidence[0].term
    # an unrelated product is not pulled towards it
    assert hs_service.suggest_for(session, "Silicone Phone Case", None, None, top=1)[0].hs6 == "401699"


def test_official_opinion_is_recorded_with_its_source_and_listed(session: Session) -> None:
    hs_service.record_confirmation(
        session, "儿童卡通硅胶餐盘 吸盘式", "392410", category="母婴 > 餐具", source="official_opinion",
        confirmed_by="海关预归类", note="预归类决定书 2026-001", now=NOW,
    )  # fmt: skip
    session.commit()
    (row,) = hs_service.list_confirmations(session)
    assert (row.hs6, row.source, row.category, row.note) == (
        "392410",
        "official_opinion",
        "母婴 > 餐具",
        "预归类决定书 2026-001",
    )
    assert row.confirmed_at == NOW
    first = hs_service.suggest_for(session, "儿童卡通硅胶餐盘 吸盘式", None, None, top=1)[0]
    assert first.hs6 == "392410" and first.evidence[0].source == "official_opinion"


@pytest.mark.parametrize("code", ["999999", "3926", "39269012", "abcdef", "010110"])
def test_unknown_hs6_is_refused_in_both_languages(session: Session, code: str) -> None:
    with pytest.raises(HsCodeUnknown) as refused:
        hs_service.confirm(session, "PVC phone case", code, now=NOW)
    assert refused.value.http_status == 422 and "HS 2022" in refused.value.message_en
    assert "HS 2022" in refused.value.message_zh
    assert hs_service.list_confirmations(session) == []


def test_unknown_source_and_empty_title_are_refused(session: Session) -> None:
    with pytest.raises(ValidationFailed):
        hs_service.record_confirmation(session, "PVC phone case", "392690", source="guess", now=NOW)
    with pytest.raises(ValidationFailed):
        hs_service.confirm(session, "  ", "392690", now=NOW)
    with pytest.raises(ValidationFailed):
        hs_service.suggest_for(session, " ", None, None)
