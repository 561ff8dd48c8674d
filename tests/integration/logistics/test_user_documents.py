"""The user's imported cards, rules and costs change what ``catalog_for`` returns (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.errors import NotFound
from kuajing.logistics import user_documents as use
from kuajing.logistics.catalog import shipped_catalog
from kuajing.logistics.import_errors import ImportRejected
from kuajing.logistics.importers import export_rate_card
from kuajing.logistics.model import RateCard, WeightBand
from kuajing.logistics.repository import LogisticsDocuments
from kuajing.logistics.service import catalog_for
from kuajing.logistics.tables import KIND_RATE_CARD, LogisticsDocumentRow

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SETTINGS = Settings(database_url="sqlite://")
SUMMER = date(2026, 7, 15)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def by(file_name: str) -> use.Importer:
    return use.Importer(file_name=file_name, now=NOW, actor="test")


def xlsx(card: RateCard) -> io.BytesIO:
    stream = io.BytesIO()
    export_rate_card(card, stream)
    stream.seek(0)
    return stream


def dearer(card: RateCard, first_fee: str, **changes: object) -> RateCard:
    """The card with a different first fee in its first zone's first band."""
    zone = card.zones[0]
    band: WeightBand = replace(zone.bands[0], first_fee=Decimal(first_fee))
    zones = (replace(zone, bands=(band, *zone.bands[1:])), *card.zones[1:])
    return replace(card, zones=zones, **changes)  # type: ignore[arg-type]


def shipped(line_id: str, day: date = SUMMER) -> RateCard:
    return shipped_catalog().card(line_id, day)


def test_an_imported_card_wins_over_the_shipped_line_on_its_dates_and_removing_it_restores_it(
    session: Session,
) -> None:
    q3 = {"valid_from": date(2026, 7, 1), "valid_to": date(2026, 10, 1)}
    mine = dearer(shipped("ae_standard"), "9.99", version="mine-2026-q3", sample=False, **q3)
    use.import_rate_card(session, xlsx(mine), by("ae_standard_q3.xlsx"))
    session.commit()

    catalog = catalog_for(session, SETTINGS)
    in_summer = catalog.card("ae_standard", SUMMER)
    assert in_summer.version == "mine-2026-q3" and catalog.is_user_card(in_summer)
    assert in_summer.zones[0].bands[0].first_fee == Decimal("9.99")
    assert in_summer.sample is False
    assert catalog.card("ae_standard", date(2026, 3, 1)) == shipped("ae_standard", date(2026, 3, 1))

    use.remove_rate_card(session, "ae_standard")
    session.commit()
    assert catalog_for(session, SETTINGS).card("ae_standard", SUMMER) == shipped("ae_standard")


def test_a_shipped_card_exported_edited_and_imported_under_its_own_version_replaces_it(
    session: Session,
) -> None:
    template = shipped("cainiao_super_economy")
    use.import_rate_card(session, xlsx(dearer(template, "7.77", sample=False)), by("template.xlsx"))
    session.commit()
    catalog = catalog_for(session, SETTINGS)
    card = catalog.card("cainiao_super_economy", SUMMER)
    assert card.version == template.version and card.zones[0].bands[0].first_fee == Decimal("7.77")
    assert [c.line_id for c in catalog.cards].count("cainiao_super_economy") == 1


def test_importing_the_same_version_again_replaces_it_and_a_new_version_is_kept_beside_it(
    session: Session,
) -> None:
    card = dearer(shipped("fwd_yanwen_tracked"), "5.00", line_id="my_line", version="1")
    use.import_rate_card(session, xlsx(card), by("v1.xlsx"))
    use.import_rate_card(session, xlsx(dearer(card, "6.00")), by("v1-fixed.xlsx"))
    later = dearer(card, "7.00", version="2", valid_from=date(2027, 7, 1), valid_to=None)
    use.import_rate_card(session, xlsx(later), by("v2.xlsx"))
    session.commit()
    rows = LogisticsDocuments(session).list(KIND_RATE_CARD)
    assert [(row.key, row.version, row.source_file) for row in rows] == [
        ("my_line", "1", "v1-fixed.xlsx"),
        ("my_line", "2", "v2.xlsx"),
    ]
    assert rows[0].document["valid_from"] == card.valid_from.isoformat()  # JSON: dates as ISO strings
    assert rows[0].imported_at == NOW and rows[0].imported_by == "test"
    catalog = catalog_for(session, SETTINGS)
    assert catalog.card("my_line", SUMMER).zones[0].bands[0].first_fee == Decimal("6.00")
    assert catalog.card("my_line", date(2027, 8, 1)).version == "2"


def test_a_rejected_file_saves_nothing_and_a_dry_run_saves_nothing(session: Session) -> None:
    with pytest.raises(ImportRejected):
        use.import_rate_card(session, io.BytesIO(b"not a workbook"), by("bad.xlsx"))
    use.import_rate_card(session, xlsx(shipped("ae_premium")), by("ok.xlsx"), dry_run=True)
    session.commit()
    assert session.scalar(select(func.count()).select_from(LogisticsDocumentRow)) == 0


RULE = b"""
[[rule]]
rule_id = "de-my-broker"
countries = ["DE"]
valid_from = 2026-07-01
currency = "EUR"
source = "our broker's advice, 2026-11"
low_value_threshold = "150"
low_value_duty = "flat_per_hs6"
flat_duty_per_hs6 = "3"
low_value_vat = "marketplace"
default_duty_rate = "0.05"
vat_rates = { DE = "0.19" }
"""


def test_an_imported_tax_rule_applies_for_its_country_and_removing_it_restores_the_shipped_rule(
    session: Session,
) -> None:
    (rule,) = use.import_tax_rules(session, RULE, by("duties.toml"))
    assert rule.user_defined and rule.countries == ("DE",)
    session.commit()
    rules = catalog_for(session, SETTINGS).rules
    assert (
        rules.rule_for("DE", SUMMER).rule_id == "de-my-broker" and rules.rule_for("DE", SUMMER).user_defined
    )
    assert rules.rule_for("FR", SUMMER).rule_id == "eu-flat-3-2026"
    assert rules.rule_for("DE", date(2026, 6, 1)).rule_id == "eu-ioss-2021"

    use.import_tax_rules(session, RULE.replace(b'"0.05"', b'"0.06"'), by("duties-2.toml"))
    session.commit()
    assert catalog_for(session, SETTINGS).rules.rule_for("DE", SUMMER).default_duty_rate == Decimal("0.06")

    use.remove_tax_rule(session, "de-my-broker")
    session.commit()
    assert catalog_for(session, SETTINGS).rules.rule_for("DE", SUMMER).rule_id == "eu-flat-3-2026"
    with pytest.raises(NotFound):
        use.remove_tax_rule(session, "eu-flat-3-2026")  # shipped rules are not removable


def test_a_tax_rule_file_reports_every_bad_rule_and_saves_none(session: Session) -> None:
    bad = RULE + b'\n[[rule]]\nrule_id = "x"\ncountries = ["DE"]\nvalid_from = 2026-01-01\ncurrency = "EUR"\n'
    bad += b'source = "s"\nvat_rates = { DE = 0.19 }\n'  # a float: exactness already lost
    bad += RULE.replace(b"currency", b"# currency")
    with pytest.raises(ImportRejected) as caught:
        use.import_tax_rules(session, bad, by("bad.toml"))
    assert [(p.sheet, p.column) for p in caught.value.problems] == [
        ("rule[1]", "vat_rates.DE"),
        ("rule[2]", "currency"),
    ]
    session.commit()
    assert session.scalar(select(func.count()).select_from(LogisticsDocumentRow)) == 0


COSTS = b"""
source = "our own figures 2026-12"
payment_fee_rate = "0.01"
ads_rate = "0.03"
returns_rate = "0.02"
packaging_cny = "0.80"
domestic_freight_cny = "2.50"
target_margin = "0.30"
margin_floor = "0.15"

[commission_by_category]
"*" = "0.07"
electronics = "0.05"
"""


def test_imported_costs_replace_the_shipped_sample_and_settings_still_override_where_set(
    session: Session,
) -> None:
    assert catalog_for(session, SETTINGS).policy.sample is True
    use.import_costs(session, COSTS, by("costs.toml"))
    session.commit()
    policy = catalog_for(session, SETTINGS).policy
    assert (policy.sample, policy.margin_floor, policy.packaging_cny) == (
        False,
        Decimal("0.15"),
        Decimal("0.80"),
    )
    assert policy.commission_rate("electronics") == Decimal("0.05")
    overridden = catalog_for(session, Settings(database_url="sqlite://", margin_floor="0.2")).policy
    assert overridden.margin_floor == Decimal("0.2") and overridden.target_margin == Decimal("0.30")

    use.remove_costs(session)
    session.commit()
    assert catalog_for(session, SETTINGS).policy == shipped_catalog().policy


def test_without_a_session_the_catalog_is_the_shipped_data() -> None:
    assert catalog_for(None, SETTINGS).cards == shipped_catalog().cards
