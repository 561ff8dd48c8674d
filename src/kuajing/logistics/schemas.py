"""The JSON shapes of quotes, rankings and rate cards: one place for the CLI (`--json`) and `/api`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kuajing.kit.money import Money
from kuajing.logistics.landed import Quote
from kuajing.logistics.model import RateCard
from kuajing.logistics.pricing import CountryPrice
from kuajing.logistics.rank import Ranking


def money(value: Money) -> dict[str, str]:
    return {"amount": str(value.amount), "currency": value.currency}


def _sum(quote: Quote, prefix: str) -> Money:
    amount = sum((line.cny.amount for line in quote.lines if line.key.startswith(prefix)), Decimal(0))
    return Money(amount, "CNY")


def quote_to_dict(quote: Quote) -> dict[str, Any]:
    """Headline figures in CNY (the seller's books), the itemised lines in both CNY and USD."""
    return {
        "line": quote.line_id,
        "line_name_zh": quote.line_name_zh,
        "line_name_en": quote.line_name_en,
        "country": quote.country,
        "date": quote.on.isoformat(),
        "sample": quote.sample,
        "chargeable_weight_g": quote.chargeable_weight_g,
        "volumetric_weight_g": quote.freight.volumetric_g,
        "zone": quote.freight.zone,
        "transit_days": list(quote.freight.transit_days),
        "price": money(quote.price),
        "freight": money(_sum(quote, "freight") + _sum(quote, "surcharge")),
        "duty": money(quote.line("duty").cny),
        "vat": money(quote.line("vat").cny),
        "vat_collected_by": quote.tax.vat_collected_by,
        "tax_rule": quote.tax.rule_id,
        "tax_regime": quote.tax.regime,
        "commission": money(quote.line("commission").cny),
        "clearance_failure_rate": str(quote.clearance_failure_rate),
        "risk": money(quote.risk),
        "expected_cost": money(quote.expected_cost),
        "total": money(quote.total),
        "total_usd": money(quote.total_usd),
        "profit": money(quote.profit),
        "margin": str(quote.margin),
        "to_confirm": quote.tax.to_confirm,
        "notes": list(quote.notes),
        "breakdown": [
            {
                "key": line.key,
                "label_zh": line.label_zh,
                "label_en": line.label_en,
                "amount": money(line.amount),
                "cny": money(line.cny),
                "usd": money(line.usd),
                "in_total": line.in_total,
                "source": line.source,
            }
            for line in quote.lines
        ],
    }


def ranking_to_dict(ranking: Ranking) -> dict[str, Any]:
    best = ranking.best
    return {
        "best": best.line_id if best else None,
        "explanation_zh": ranking.explanation_zh,
        "explanation_en": ranking.explanation_en,
        "quotes": [quote_to_dict(quote) for quote in ranking.quotes],
        "refused": [{"line": line, "reason": reason} for line, reason in sorted(ranking.refused.items())],
    }


def card_to_dict(card: RateCard, *, user_imported: bool = False) -> dict[str, Any]:
    return {
        "line": card.line_id,
        "name_zh": card.name_zh,
        "name_en": card.name_en,
        "kind": card.kind,
        "service_code": card.service_code,
        "currency": card.currency,
        "version": card.version,
        "valid_from": card.valid_from.isoformat(),
        "valid_to": card.valid_to.isoformat() if card.valid_to else None,
        "source": card.source,
        "sample": card.sample,
        "user_imported": user_imported,
        "volumetric_divisor": card.volumetric_divisor,
        "max_weight_g": card.max_weight_g,
        "countries": list(card.countries()),
        "zones": [
            {
                "code": zone.code,
                "countries": list(zone.countries),
                "transit_days": list(zone.transit_days),
                "clearance_failure_rate": str(zone.clearance_failure_rate),
                "bands": [
                    {
                        "max_g": band.max_g,
                        "first_weight_g": band.first_weight_g,
                        "first_fee": str(band.first_fee),
                        "step_g": band.step_g,
                        "step_fee": str(band.step_fee),
                        "parcel_fee": str(band.parcel_fee),
                    }
                    for band in zone.bands
                ],
            }
            for zone in card.zones
        ],
        "surcharges": {
            kind: {"allowed": s.allowed, "per_parcel": str(s.per_parcel), "per_kg": str(s.per_kg)}
            for kind, s in card.surcharges.items()
        },
    }


def _maybe(value: Money | None) -> dict[str, str] | None:
    return None if value is None else money(value)


def price_to_dict(row: CountryPrice) -> dict[str, Any]:
    return {
        "country": row.country,
        "line": row.line_id,
        "price": _maybe(row.price),
        "buyer_pays": _maybe(row.buyer_pays),
        "margin": None if row.margin is None else str(row.margin),
        "total": _maybe(row.total),
        "expected_cost": _maybe(row.expected_cost),
        "vat_collected_by": row.vat_collected_by,
        "to_confirm": row.to_confirm,
        "refused": [{"line": line, "reason": reason} for line, reason in sorted(row.refused.items())],
    }
