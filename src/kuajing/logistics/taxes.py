"""Duty and VAT rules per destination, as dated data (pure).

Each ``TaxRule`` covers some countries for a date range and says, for a consignment of a given
intrinsic value (the goods' sale price, without transport):
- below ``low_value_threshold``: which duty applies (none, a flat amount per distinct HS6
  subheading — the EU's €3 from 2026-07-01 — or the ad-valorem rate) and who collects VAT
  (the marketplace at sale under IOSS / the UK £135 rule, or nobody);
- above it: ad-valorem duty on the customs value and import VAT collected by customs;
- ``de_minimis``: below it, neither (the US $800 until 2025-08-29).
``duty_rates`` maps HS prefixes to rates (longest prefix wins); ``surcharge_rate`` adds to every
ad-valorem duty (the US Section 122 surcharge). The order's date picks the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kuajing.kit.errors import NotFound, ValidationFailed

VAT_AT_SALE = "marketplace"  # AliExpress collects it as deemed supplier (IOSS, UK ≤ £135)
VAT_AT_IMPORT = "customs"  # paid on import, by the buyer or the importer of record
VAT_NONE = "none"

DUTY_NONE = "none"
DUTY_FLAT_PER_HS6 = "flat_per_hs6"
DUTY_AD_VALOREM = "ad_valorem"


@dataclass(frozen=True, slots=True)
class TaxRule:
    rule_id: str
    countries: tuple[str, ...]  # ("*",) is the default for countries no other rule names
    valid_from: date
    valid_to: date | None  # exclusive
    currency: str  # of the thresholds and flat duties
    vat_rates: dict[str, Decimal]  # per country; "*" for all the rule's countries
    source: str
    low_value_threshold: Decimal | None = None
    low_value_duty: str = DUTY_AD_VALOREM
    low_value_vat: str = VAT_AT_IMPORT
    flat_duty_per_hs6: Decimal = Decimal(0)
    high_value_vat: str = VAT_AT_IMPORT
    de_minimis: Decimal | None = None
    duty_includes_freight: bool = True  # EU/UK customs value is CIF; the US values goods FOB
    default_duty_rate: Decimal = Decimal(0)
    duty_rates: dict[str, Decimal] = field(default_factory=dict)
    surcharge_rate: Decimal = Decimal(0)
    surcharge_label: str = ""
    to_confirm: bool = False  # the rule in force could not be confirmed from a primary source
    sample_rates: bool = False  # duty rates are plausible values, not a tariff extract
    note: str = ""
    user_defined: bool = False

    def applies(self, country: str, day: date) -> bool:
        in_force = self.valid_from <= day and (self.valid_to is None or day < self.valid_to)
        return in_force and (country in self.countries or self.countries == ("*",))

    def vat_rate(self, country: str) -> Decimal:
        return self.vat_rates.get(country, self.vat_rates.get("*", Decimal(0)))

    def duty_rate(self, hs_code: str) -> tuple[Decimal, str]:
        """The rate for an HS code and the prefix it came from ("" = the rule's default)."""
        digits = "".join(ch for ch in hs_code if ch.isdigit())
        for length in range(len(digits), 1, -1):
            rate = self.duty_rates.get(digits[:length])
            if rate is not None:
                return rate, digits[:length]
        return self.default_duty_rate, ""


@dataclass(frozen=True, slots=True)
class TaxRuleBook:
    """All rules; a user's rule for the same countries and dates wins over the shipped one."""

    rules: tuple[TaxRule, ...]

    def rule_for(self, country: str, day: date) -> TaxRule:
        named = [r for r in self.rules if r.applies(country, day) and r.countries != ("*",)]
        fallback = [r for r in self.rules if r.applies(country, day) and r.countries == ("*",)]
        for candidates in (named, fallback):
            if candidates:
                # The user's own rule first, then the most recent start.
                return max(candidates, key=lambda r: (r.user_defined, r.valid_from))
        raise NotFound(
            f"no duty/VAT rule for {country} on {day.isoformat()}",
            f"{country} 在 {day.isoformat()} 没有适用的关税/增值税规则",
            details={"country": country, "date": day.isoformat()},
        )

    def with_rules(self, extra: Iterable[TaxRule]) -> TaxRuleBook:
        return TaxRuleBook((*self.rules, *extra))


@dataclass(frozen=True, slots=True)
class TaxAssessment:
    """Duty and VAT on one consignment, in the rule's currency, unrounded inputs kept for display."""

    rule_id: str
    regime: str  # "low_value" | "high_value" (above the threshold) | "regular" (no threshold) | "de_minimis"
    duty: Decimal
    duty_detail: tuple[str, ...]  # one line per HS subheading or rate applied
    vat: Decimal
    vat_rate: Decimal
    vat_collected_by: str
    vat_basis: Decimal
    to_confirm: bool
    source: str


def distinct_hs6(hs_codes: Sequence[str]) -> tuple[str, ...]:
    """The distinct six-digit subheadings in a parcel: the unit of the EU's flat €3 duty."""
    seen: dict[str, None] = {}
    for code in hs_codes:
        digits = "".join(ch for ch in code if ch.isdigit())
        if len(digits) < 6:
            raise ValidationFailed(
                f"HS code needs at least 6 digits: {code!r}",
                f"HS 编码至少需要 6 位: {code!r}",
                details={"field": "hs", "value": code},
            )
        seen.setdefault(digits[:6], None)
    return tuple(seen)
