"""Duty and VAT on one consignment under one ``TaxRule`` (pure; amounts in the rule's currency)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from kuajing.logistics.model import percent, round_money
from kuajing.logistics.taxes import (
    DUTY_AD_VALOREM,
    DUTY_FLAT_PER_HS6,
    VAT_AT_IMPORT,
    VAT_AT_SALE,
    VAT_NONE,
    TaxAssessment,
    TaxRule,
    distinct_hs6,
)


def assess(
    rule: TaxRule,
    country: str,
    value: Decimal,
    freight: Decimal,
    items: Sequence[tuple[str, Decimal]],
) -> TaxAssessment:
    """``value``: the consignment's intrinsic value (sale price without transport); ``items``:
    (HS code, value) per distinct item, values adding up to ``value``; ``freight``: transport to
    the destination, which the customs value includes where the rule says so."""
    vat_rate = rule.vat_rate(country)
    if rule.de_minimis is not None and value <= rule.de_minimis:
        return TaxAssessment(
            rule.rule_id,
            "de_minimis",
            Decimal(0),
            (f"≤ de minimis {rule.de_minimis} {rule.currency}",),
            Decimal(0),
            vat_rate,
            VAT_NONE,
            Decimal(0),
            rule.to_confirm,
            rule.source,
        )
    low_value = rule.low_value_threshold is not None and value <= rule.low_value_threshold
    duty_mode = rule.low_value_duty if low_value else DUTY_AD_VALOREM
    vat_mode = rule.low_value_vat if low_value else rule.high_value_vat

    if duty_mode == DUTY_FLAT_PER_HS6:
        subheadings = distinct_hs6([hs for hs, _ in items])
        duty = round_money(rule.flat_duty_per_hs6 * len(subheadings))
        detail = tuple(f"HS {hs6}: {rule.flat_duty_per_hs6} {rule.currency}" for hs6 in subheadings)
    elif duty_mode == DUTY_AD_VALOREM:
        duty, detail = _ad_valorem(rule, value, freight, items)
    else:
        duty, detail = Decimal(0), (f"≤ {rule.low_value_threshold} {rule.currency}: no duty",)

    # Import VAT is taken on the duty as assessed (rounded to the cent), as customs do: a float
    # calculator working on the unrounded duty can differ by a cent.
    if vat_mode == VAT_AT_SALE:
        basis = value
    elif vat_mode == VAT_AT_IMPORT:
        basis = value + freight + duty
    else:
        basis = Decimal(0)
    vat = round_money(basis * vat_rate) if vat_mode != VAT_NONE else Decimal(0)
    return TaxAssessment(
        rule.rule_id,
        _regime(rule, low_value),
        duty,
        detail,
        vat,
        vat_rate,
        vat_mode if vat else VAT_NONE,
        basis,
        rule.to_confirm,
        rule.source,
    )


def _ad_valorem(
    rule: TaxRule, value: Decimal, freight: Decimal, items: Sequence[tuple[str, Decimal]]
) -> tuple[Decimal, tuple[str, ...]]:
    """Each item pays its rate (+ any surcharge) on its value plus its share of the freight."""
    total = Decimal(0)
    detail: list[str] = []
    for hs_code, item_value in items:
        rate, prefix = rule.duty_rate(hs_code)
        rate += rule.surcharge_rate
        share = freight * item_value / value if rule.duty_includes_freight and value else Decimal(0)
        duty = round_money((item_value + share) * rate)
        total += duty
        origin = f"HS {prefix}" if prefix else "default rate"
        extra = (
            f" incl. {rule.surcharge_label} {percent(rule.surcharge_rate)} %" if rule.surcharge_rate else ""
        )
        detail.append(f"HS {hs_code}: {percent(rate)} % ({origin}{extra})")
    return total, tuple(detail)


def _regime(rule: TaxRule, low_value: bool) -> str:
    if low_value:
        return "low_value"
    return "regular" if rule.low_value_threshold is None else "high_value"
