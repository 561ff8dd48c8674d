"""Mapped-offer alert rules on plain objects: stock-out and price rise above the tolerance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kuajing.config import Settings
from kuajing.notify.model import AlertMode
from kuajing.notify.offer_rules import MappedSpec, offer_causes
from kuajing.notify.run import mode_for

TOLERANCE = Decimal("0.10")


def _spec(spec: dict[str, Any] | None, cost: str | None = "10", rule_id: int = 1) -> MappedSpec:
    return MappedSpec(rule_id, "SKU-*", 555, "s1", Decimal(cost) if cost else None, "手机壳", spec)


def test_stock_zero_on_a_mapped_spec_is_one_stock_out_cause_with_the_next_action() -> None:
    causes = offer_causes([_spec({"price": "10", "stock": 0}), _spec({"stock": 0}, rule_id=2)], TOLERANCE)
    assert [(c.cause_key, c.kind) for c in causes] == [("stock_out:offer:555:spec:s1", "stock_out")]
    assert "已断货" in causes[0].message_zh and "Next:" in causes[0].message_en


def test_price_exactly_at_the_tolerance_is_allowed_and_above_it_alerts() -> None:
    assert offer_causes([_spec({"consign_price": "11.00", "stock": 5})], TOLERANCE) == []
    causes = offer_causes([_spec({"consign_price": "11.01", "price": "9", "stock": 5})], TOLERANCE)
    assert [c.cause_key for c in causes] == ["price_rise:offer:555:spec:s1:11.01"]
    assert "10.1%" in causes[0].message_en and "¥10 → ¥11.01" in causes[0].message_zh


def test_price_falls_missing_specs_and_rules_without_cost_raise_nothing() -> None:
    assert offer_causes([_spec({"price": "5", "stock": 3})], TOLERANCE) == []
    assert offer_causes([_spec(None)], TOLERANCE) == []
    assert offer_causes([_spec({"price": "50", "stock": 3}, cost=None)], TOLERANCE) == []


def test_digest_or_immediate_per_kind_comes_from_the_settings() -> None:
    settings = Settings(alert_digest_kinds="sla_at_risk, price_rise")
    assert mode_for("price_rise", settings) is AlertMode.DIGEST
    assert mode_for("sla_breach", settings) is AlertMode.IMMEDIATE
