"""A saved document that no longer loads is left out with a warning; quotes and routing go on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.logistics.catalog import DATA_DIR, read_toml
from kuajing.logistics.repository import LogisticsDocuments
from kuajing.logistics.service import catalog_for
from kuajing.logistics.tables import KIND_RATE_CARD

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def save_card(session: Session, document: dict[str, object], version: str) -> None:
    LogisticsDocuments(session).save(
        KIND_RATE_CARD, str(document["line_id"]), version, document,
        source_file="card.xlsx", imported_at=NOW, imported_by="test",
    )  # fmt: skip
    session.commit()


def test_a_broken_saved_card_is_left_out_with_a_warning_and_the_good_one_wins(session: Session) -> None:
    good = read_toml(DATA_DIR / "ratecards" / "ae_saver_simple.toml")
    good.update(version="mine", valid_from="2026-01-01", valid_to="2027-07-01", sample=False)
    broken = dict(good, version="broken", max_weight_g="heavy")
    save_card(session, good, "mine")
    save_card(session, broken, "broken")
    catalog = catalog_for(session, Settings(database_url="sqlite://"))
    card = catalog.card("ae_saver_simple", date(2026, 12, 1))
    assert card.version == "mine" and card.user_defined and catalog.is_user_card(card)
    (warning,) = catalog.warnings
    assert "max_weight_g" in warning and "heavy" in warning


def test_a_user_card_with_a_shipped_cards_version_replaces_it(session: Session) -> None:
    shipped = read_toml(DATA_DIR / "ratecards" / "ae_saver_simple.toml")
    edited = dict(shipped, name_en="Saver, our contract", valid_from="2026-01-01", valid_to="2027-07-01")
    save_card(session, edited, str(shipped["version"]))
    catalog = catalog_for(session, Settings(database_url="sqlite://"))
    versions = [card for card in catalog.cards if card.line_id == "ae_saver_simple"]
    assert len(versions) == 1 and versions[0].name_en == "Saver, our contract" and versions[0].user_defined
