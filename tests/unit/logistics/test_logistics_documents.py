"""The one parser per kind: shipped data loads, bad documents say which file and field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from kuajing.logistics.catalog import DATA_DIR, read_toml, shipped_catalog
from kuajing.logistics.documents import DocumentInvalid, parse_cost_policy, parse_rate_card, parse_tax_rule
from kuajing.logistics.model import Parcel, freight

D = Decimal


def card_doc() -> dict[str, Any]:
    return read_toml(DATA_DIR / "ratecards" / "ae_saver_simple.toml")


def test_shipped_catalog_has_official_lines_forwarders_and_a_rule_for_every_card_country() -> None:
    catalog = shipped_catalog()
    kinds = {card.line_id: card.kind for card in catalog.cards}
    assert {"ae_saver_simple", "ae_standard", "ae_premium"} <= set(kinds)
    assert sum(kind == "forwarder" for kind in kinds.values()) >= 3
    day = date(2026, 12, 1)
    for card in catalog.cards_on(day):
        assert card.source and card.sample  # until the user imports their own card
        for country in card.countries():
            catalog.rules.rule_for(country, day)
            assert catalog.fx.rate(catalog.rules.rule_for(country, day).currency) > 0


def test_guide_figures_are_the_shipped_defaults() -> None:
    catalog = shipped_catalog()
    simple = catalog.card("ae_saver_simple", date(2026, 12, 1))
    first_fees = {zone.bands[0].first_fee for zone in simple.zones}
    assert min(first_fees) == D("2.80") and max(first_fees) == D("4.20")  # $2.8–4.2
    for card in catalog.cards_on(date(2026, 12, 1)):
        if card.kind == "forwarder":
            us = freight(card, Parcel(180), "US")
            assert D("1.90") <= us.amount <= D("3.10")  # $1.9–3.1 for the same parcel
            assert us.clearance_failure_rate == D("0.058")
    assert catalog.card("ae_premium", date(2026, 12, 1)).volumetric_divisor == 5000
    assert catalog.card("fwd_air_consolidated", date(2026, 12, 1)).volumetric_divisor == 6000


def test_a_float_in_a_money_field_is_refused_with_the_field_path() -> None:
    doc = card_doc()
    doc["zones"][1]["bands"][0]["first_fee"] = 3.1
    with pytest.raises(DocumentInvalid) as bad:
        parse_rate_card(doc, "my.toml")
    assert bad.value.details == {
        "file": "my.toml",
        "field": "zones[1].bands[0].first_fee",
        "reason": 'write the number as a string, e.g. "1.25" (got 3.1)',
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("line_id"), "line_id"),
        (lambda d: d.update(kind="courier"), "kind"),
        (lambda d: d.update(valid_to="2025-01-01"), "valid_to"),
        (lambda d: d.update(clearance_failure_rate="1.5"), "clearance_failure_rate"),
        (lambda d: d["zones"][0].update(countries=["USA"]), "zones[0].countries[0]"),
        (lambda d: d["zones"][0]["bands"].append(dict(d["zones"][0]["bands"][0])), "zones[0].bands[1].max_g"),
        (lambda d: d["zones"][1].update(countries=["US"]), "zones[1].countries"),
        (lambda d: d["surcharges"].update(fragile={"allowed": True}), "surcharges.fragile"),
    ],
)
def test_each_bad_field_is_named(change: Any, field: str) -> None:
    doc = card_doc()
    change(doc)
    with pytest.raises(DocumentInvalid) as bad:
        parse_rate_card(doc, "card.toml")
    assert bad.value.details["field"] == field
    assert bad.value.message_zh.startswith("card.toml: ")


def test_tax_rule_document_checks_hs_prefixes_and_modes() -> None:
    rule = read_toml(DATA_DIR / "tax_rules.toml")["rule"][0]
    parse_tax_rule(rule, "rules.toml")
    with pytest.raises(DocumentInvalid, match=r"duty_rates\.39X"):
        parse_tax_rule({**rule, "duty_rates": {"39X": "0.05"}}, "rules.toml")
    with pytest.raises(DocumentInvalid, match="low_value_vat"):
        parse_tax_rule({**rule, "low_value_vat": "seller"}, "rules.toml")


def test_costs_need_a_default_commission() -> None:
    costs = read_toml(DATA_DIR / "costs.toml")
    assert parse_cost_policy(costs, "costs.toml").commission_rate("unknown") == D("0.08")
    with pytest.raises(DocumentInvalid, match="commission_by_category"):
        parse_cost_policy({**costs, "commission_by_category": {"apparel": "0.08"}}, "costs.toml")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["surcharges"]["battery"].update(allowed="false"), None),
        (lambda d: d["surcharges"]["battery"].update(allowed="maybe"), "surcharges.battery.allowed"),
        (lambda d: d.update(surcharges="none"), "surcharges"),
        (lambda d: d["zones"][0].update(transit_days=[20, 10]), "zones[0].transit_days"),
        (
            lambda d: d["zones"][0].update(failure_rate_by_country={"USA": "0.01"}),
            "zones[0].failure_rate_by_country",
        ),
    ],
)
def test_spreadsheet_words_and_shapes_are_read_strictly(change: Any, field: str | None) -> None:
    doc = card_doc()
    change(doc)
    if field is None:  # the word "false" means false, not a non-empty (truthy) string
        assert parse_rate_card(doc, "card.toml").surcharges["battery"].allowed is False
        return
    with pytest.raises(DocumentInvalid) as bad:
        parse_rate_card(doc, "card.toml")
    assert str(bad.value.details["field"]).startswith(field)


def test_a_scalar_where_a_table_belongs_is_named() -> None:
    rule = read_toml(DATA_DIR / "tax_rules.toml")["rule"][0]
    with pytest.raises(DocumentInvalid, match="vat_rates"):
        parse_tax_rule({**rule, "vat_rates": "0.19"}, "rules.toml")
    with pytest.raises(DocumentInvalid, match="to_confirm"):
        parse_tax_rule({**rule, "to_confirm": "yes please"}, "rules.toml")
