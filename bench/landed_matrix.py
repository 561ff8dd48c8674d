"""How fast the exact landed-cost matrix runs, against a float floor, the peer library and Decimal.

100,000 seeded offer specs (1688 cost ¥2–200 with sub-fen tiers, 20–2,000 g, a size for most,
an HS6 code from a short list of what sellers list, an AliExpress price from a markup, one in
ten priced $140–260 so parcels cross the €150 / £135 thresholds) × 20 countries × the 8 shipped
lines = 16 M quotes on 2026-07-02, all in one ``landed_matrix`` call. Compared in the same run:
- the floor: the same formula in plain vectorised NumPy float64 (chargeable weight, band fee,
  duty, VAT, fees, total, expected cost, margin, the served mask; no rounding at all), in the
  same (country, line, spec) layout and chunks, writing the same outputs, but band fees per
  (country, line) where the engine prices each distinct (line, zone) once. Engine and floor run
  ROUNDS times, alternately, and the best time of each counts (the machine is shared; the first
  run in a process also pays for faulting in fresh memory); the engine runs once more to keep
  its result for the samples;
- landed-cost-calculator's ``calculate()``, once per quote on a sample of served quotes, its
  float inputs (freight and rates in the rule's currency) prepared before the clock starts,
  best of ROUNDS passes;
- ``landed_cost()``, once per quote on a sample (served or not), and every figure of the sample
  checked against the matrix: ``mismatches`` must be 0.
Prints JSON: quotes/s of each, the ratios, the exactness check and peak memory (ru_maxrss).
Run: .venv/bin/python bench/landed_matrix.py [SPECS]
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from landed_cost import calculate  # type: ignore[import-untyped]
from numpy.typing import NDArray

from kuajing.logistics.catalog import LogisticsCatalog, shipped_catalog
from kuajing.logistics.landed import Quote, landed_cost
from kuajing.logistics.matrix import LandedMatrix, OfferSpecs, landed_matrix
from kuajing.logistics.model import LineRefused, RateCard
from kuajing.logistics.taxes import DUTY_AD_VALOREM, DUTY_FLAT_PER_HS6, VAT_AT_IMPORT, VAT_AT_SALE

SPECS = 100_000
COUNTRIES = (
    *("US", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "BE", "SE", "PT", "CZ"),
    *("KR", "JP", "AU", "CA", "BR", "MX", "CL", "IL"),
)
ON = date(2026, 7, 2)
SEED = 1688
CHUNK = 512
PEER_SAMPLE = 20_000
DECIMAL_SAMPLE = 5_000
ROUNDS = 3  # engine and floor alternate; the best of each counts (the machine is shared)
# Plastic articles, bags, T-shirts, headphones, network gear, imitation jewellery, toys, beauty,
# textile articles, lamps.
HS6 = ("392690", "420212", "610910", "851830", "851762", "711719", "950300", "330499", "630790", "940540")
Floats = NDArray[np.float64]


def offer_specs(count: int, rng: np.random.Generator) -> OfferSpecs:
    cost_e4 = rng.integers(20_000, 2_000_001, count)  # ¥2–200 in 1/10,000 CNY
    sides = rng.integers(50, 451, size=(count, 3))  # 5–45 cm, to the millimetre
    sides[rng.random(count) < 0.3] = 0  # no size listed: billed on actual weight
    markup = rng.uniform(2.0, 5.0, count)
    price_cents = np.round(cost_e4 / 10_000 / 7.1 * markup * 100 + rng.integers(200, 800, count))
    high = rng.random(count) < 0.1
    price_cents[high] = rng.integers(14_000, 26_001, int(high.sum()))
    return OfferSpecs(
        unit_cost_e4=cost_e4.astype(np.int64),
        weight_g=rng.integers(20, 2001, count).astype(np.int64),
        size_mm=sides.astype(np.int64),
        price_cents=price_cents.astype(np.int64),
        hs_codes=tuple(str(code) for code in rng.choice(HS6, count)),
    )


def timed_matrix(
    specs: OfferSpecs, cards: Sequence[RateCard], catalog: LogisticsCatalog
) -> tuple[Any, float]:
    start = time.perf_counter()
    result = landed_matrix(specs, COUNTRIES, ON, cards, catalog.rules, catalog.policy, catalog.fx, CHUNK)
    return result, time.perf_counter() - start


# --- the floor: the same formula in float64, no rounding -------------------------------------------


def floor_tables(specs: OfferSpecs, cards: Sequence[RateCard], catalog: LogisticsCatalog) -> dict[str, Any]:
    """The same catalog as float columns, shaped like the engine's: (L, 1) per line, (C, 1) per
    country, (C, L, 1) per country and line, so that specs run along the last axis."""
    rules = [catalog.rules.rule_for(country, ON) for country in COUNTRIES]
    width = max(len(zone.bands) for card in cards for zone in card.zones)
    shape = (len(COUNTRIES), len(cards))
    bands = np.ones((*shape, width, 6))  # where a line has no zone: served is False, steps of 1 g
    has_zone, failure = np.zeros(shape, dtype=bool), np.zeros(shape)
    for c, country in enumerate(COUNTRIES):
        for line, card in enumerate(cards):
            zone = card.zone_for(country)
            if zone is None:
                continue
            rows = [
                (b.max_g, b.first_weight_g, b.first_fee, b.step_g, b.step_fee, b.parcel_fee)
                for b in zone.bands
            ]
            bands[c, line] = [[float(v) for v in row] for row in rows + [rows[-1]] * (width - len(rows))]
            has_zone[c, line], failure[c, line] = True, float(zone.failure_rate(country))
    fx = catalog.fx
    hs_index = {code: i for i, code in enumerate(HS6)}
    rate = np.array([[float(r.duty_rate(code)[0] + r.surcharge_rate) for code in HS6] for r in rules])

    def per_line(values: list[float]) -> Floats:
        return np.array(values)[:, None]

    def per_country(values: list[Any]) -> NDArray[Any]:
        return np.array(values)[:, None]

    def none_as(value: Decimal | None, default: float) -> float:
        return default if value is None else float(value)

    vat_codes = {VAT_AT_SALE: 1, VAT_AT_IMPORT: 2}
    return {
        "divisor": per_line([float(card.volumetric_divisor or 0) for card in cards]),
        "min_g": per_line([float(card.min_chargeable_g) for card in cards]),
        "max_weight": per_line([float(card.max_weight_g) for card in cards]),
        "max_side": per_line([none_as(card.max_side_cm, 1e9) * 10 for card in cards]),
        "max_sum": per_line([none_as(card.max_sum_cm, 1e9) * 10 for card in cards]),
        "card_rate": np.array([float(fx.rate(card.currency)) for card in cards])[:, None],
        "bands": np.moveaxis(bands, -1, 0)[..., None],  # (6, C, L, B, 1)
        "has_zone": has_zone[:, :, None],
        "failure": failure[:, :, None],
        "rule_rate": per_country([float(fx.rate(r.currency)) for r in rules]),
        "de_minimis": per_country([none_as(r.de_minimis, -1.0) for r in rules]),
        "threshold": per_country([none_as(r.low_value_threshold, -1.0) for r in rules]),
        "flat": per_country(
            [float(r.flat_duty_per_hs6) if r.low_value_duty == DUTY_FLAT_PER_HS6 else 0.0 for r in rules]
        ),
        "low_ad_valorem": per_country([r.low_value_duty == DUTY_AD_VALOREM for r in rules]),
        "low_vat": per_country([vat_codes.get(r.low_value_vat, 0) for r in rules]),
        "high_vat": per_country([vat_codes.get(r.high_value_vat, 0) for r in rules]),
        "on_freight": per_country([float(r.duty_includes_freight) for r in rules])[:, :, None],
        "vat_rate": per_country(
            [float(r.vat_rate(country)) for r, country in zip(rules, COUNTRIES, strict=True)]
        ),
        "duty_rate": rate[:, [hs_index[code] for code in specs.hs_codes]],  # (C, N)
        "usd": float(fx.rate("USD")),
        "shares": float(catalog.policy.price_rates(None)),
        "packaging": float(catalog.policy.packaging_cny),
    }


def floor_matrix(specs: OfferSpecs, t: dict[str, Any]) -> tuple[dict[str, NDArray[Any]], float]:
    """The formula in float64, unrounded, chunk by chunk into (C, L, N) outputs like the engine."""
    start = time.perf_counter()
    count = len(specs)
    shape = (len(COUNTRIES), len(t["card_rate"]), count)
    out: dict[str, NDArray[Any]] = {key: np.zeros(shape) for key in ("freight", "duty", "vat", "total")}
    out |= {"expected": np.zeros(shape), "margin": np.zeros(shape), "served": np.zeros(shape, dtype=bool)}
    weight = specs.weight_g.astype(np.float64)
    size = specs.size_mm.astype(np.float64)
    volumetric = np.where(t["divisor"] > 0, np.ceil(size.prod(axis=1) / np.maximum(t["divisor"], 1)), 0)
    chargeable = np.maximum(np.maximum(weight, volumetric), t["min_g"])  # (L, N)
    carried = (
        (weight <= t["max_weight"]) & (size.max(axis=1) <= t["max_side"]) & (size.sum(axis=1) <= t["max_sum"])
    )
    goods_all, price_all = specs.unit_cost_e4 / 10_000, specs.price_cents / 100 * t["usd"]
    max_g, first_g, first_fee, step_g, step_fee, parcel_fee = t["bands"]
    rule_rate = t["rule_rate"][:, :, None]
    for begin in range(0, count, CHUNK):
        part = slice(begin, min(begin + CHUNK, count))
        weight_cl = chargeable[:, part]  # (L, n) against (C, L, 1)
        fee = None
        for band in reversed(range(max_g.shape[2])):
            steps = np.ceil(np.maximum(weight_cl - first_g[:, :, band], 0) / step_g[:, :, band])
            here = parcel_fee[:, :, band] + first_fee[:, :, band] + steps * step_fee[:, :, band]
            fee = here if fee is None else np.where(weight_cl <= max_g[:, :, band], here, fee)
        assert fee is not None
        served = carried[:, part] & t["has_zone"] & (weight_cl <= max_g[:, :, -1])
        freight_cny = fee * t["card_rate"]
        price_cny = price_all[part]
        value = price_cny / t["rule_rate"]  # (C, n)
        freight_rule = freight_cny / rule_rate
        minimis = value <= t["de_minimis"]
        low = value <= t["threshold"]
        fixed = minimis | (low & ~t["low_ad_valorem"])
        rate = np.where(fixed, 0.0, t["duty_rate"][:, part])
        flat = np.where(fixed & ~minimis, t["flat"], 0.0)
        duty = (value[:, None] + freight_rule * t["on_freight"]) * rate[:, None] + flat[:, None]
        mode = np.where(minimis, 0, np.where(low, t["low_vat"], t["high_vat"]))
        vat_rate = np.where(mode == 0, 0.0, t["vat_rate"])
        vat = (value[:, None] + (freight_rule + duty) * (mode == 2)[:, None]) * vat_rate[:, None]
        duty_cny = duty * rule_rate
        total = goods_all[part] + t["packaging"] + price_cny * t["shares"] + freight_cny + duty_cny
        profit = price_cny - total
        risk = t["failure"] * (goods_all[part] + freight_cny + np.maximum(profit, 0))
        out["served"][:, :, part] = served
        for key, figure in (
            ("freight", freight_cny),
            ("duty", duty_cny),
            ("vat", vat * rule_rate),
            ("total", total),
            ("expected", total + risk),
            ("margin", profit / price_cny),
        ):
            np.multiply(figure, served, out=out[key][:, :, part])
    return out, time.perf_counter() - start


# --- the peer and Decimal samples ------------------------------------------------------------------


def peer_rate(
    specs: OfferSpecs, matrix: LandedMatrix, catalog: LogisticsCatalog, rng: np.random.Generator
) -> float:
    """``calculate()`` per served quote, its inputs in the rule's currency prepared up front; the
    best of ``ROUNDS`` passes, as for the engine."""
    spec, country, line = np.nonzero(matrix.served)
    pick = rng.choice(len(spec), PEER_SAMPLE, replace=False)
    usd = float(catalog.fx.rate("USD"))
    calls = []
    for i, c, line_index in zip(spec[pick], country[pick], line[pick], strict=True):
        rule = catalog.rules.rule_for(COUNTRIES[c], ON)
        rate = float(catalog.fx.rate(rule.currency))
        calls.append(
            {
                "unit_price": int(specs.unit_cost_e4[i]) / 10_000,
                "quantity": 1,
                "freight_total": int(matrix.freight_fen[i, c, line_index]) / 100 / rate,
                "tariff_rate": float(rule.duty_rate(specs.hs_codes[i])[0] + rule.surcharge_rate),
                "packaging_per_unit": float(catalog.policy.packaging_cny) / rate,
                "payment_fee_rate": float(catalog.policy.price_rates(None)),
                "selling_price": int(specs.price_cents[i]) / 100 * usd / rate,
                "duty_includes_freight": rule.duty_includes_freight,
                "vat_rate": float(rule.vat_rate(COUNTRIES[c])),
                "fx_rate": 1 / rate,
                "currency": rule.currency,
            }
        )
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for call in calls:
            calculate(**call)
        best = min(best, time.perf_counter() - start)
    return PEER_SAMPLE / best


def decimal_check(
    specs: OfferSpecs,
    matrix: LandedMatrix,
    cards: Sequence[RateCard],
    catalog: LogisticsCatalog,
    rng: np.random.Generator,
) -> tuple[float, int, int]:
    """``landed_cost()`` per quote on a sample, timed; then every figure compared with the matrix."""
    picks = [
        (int(rng.integers(len(specs))), int(rng.integers(len(COUNTRIES))), int(rng.integers(len(cards))))
        for _ in range(DECIMAL_SAMPLE)
    ]
    requests = [specs.request(i, COUNTRIES[c], ON) for i, c, _ in picks]
    quotes: list[Quote | None] = []
    start = time.perf_counter()
    for request, (_, _, line) in zip(requests, picks, strict=True):
        try:
            quotes.append(landed_cost(request, cards[line], catalog.rules, catalog.policy, catalog.fx))
        except LineRefused:
            quotes.append(None)
    rate = DECIMAL_SAMPLE / (time.perf_counter() - start)
    mismatches = 0
    for quote, (i, c, line) in zip(quotes, picks, strict=True):
        if quote is None:
            mismatches += bool(matrix.served[i, c, line])
            continue
        want = (
            True,
            quote.chargeable_weight_g,
            quote.line("freight").cny.amount,
            quote.line("duty").cny.amount,
            quote.line("vat").cny.amount,
            quote.total.amount,
            quote.expected_cost.amount,
            quote.margin,
        )
        got = (
            bool(matrix.served[i, c, line]),
            int(matrix.chargeable_g[i, c, line]),
            *(
                Decimal(int(figure[i, c, line])).scaleb(-2)
                for figure in (matrix.freight_fen, matrix.duty_fen, matrix.vat_fen)
            ),
            Decimal(int(matrix.total_fen[i, c, line])).scaleb(-2),
            Decimal(int(matrix.expected_cost_fen[i, c, line])).scaleb(-2),
            Decimal(int(matrix.margin_bp[i, c, line])).scaleb(-4),
        )
        mismatches += got != want
    return rate, mismatches, sum(quote is not None for quote in quotes)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else SPECS
    catalog = shipped_catalog()
    cards = catalog.cards_on(ON)
    rng = np.random.default_rng(SEED)
    specs = offer_specs(count, rng)
    quotes = count * len(COUNTRIES) * len(cards)
    tables = floor_tables(specs, cards, catalog)

    engine_s, floor_s = [], []
    for _ in range(ROUNDS):
        matrix, seconds = timed_matrix(specs, cards, catalog)
        engine_s.append(seconds)
        del matrix
        floor, seconds = floor_matrix(specs, tables)
        floor_s.append(seconds)
        del floor
    matrix, seconds = timed_matrix(specs, cards, catalog)  # kept for the samples below
    engine_s.append(seconds)
    served = int(matrix.served.sum())
    peer_per_s = peer_rate(specs, matrix, catalog, rng)
    decimal_per_s, mismatches, decimal_served = decimal_check(specs, matrix, cards, catalog, rng)

    engine_per_s = quotes / min(engine_s)
    floor_per_s = quotes / min(floor_s)
    result = {
        "bench": "landed_matrix",
        "specs": count,
        "countries": len(COUNTRIES),
        "lines": len(cards),
        "quotes": quotes,
        "served": served,
        "date": ON.isoformat(),
        "engine_quotes_per_s": round(engine_per_s),
        "floor_quotes_per_s": round(floor_per_s),
        "peer_quotes_per_s": round(peer_per_s),
        "decimal_quotes_per_s": round(decimal_per_s),
        "ratio_engine_to_floor": round(engine_per_s / floor_per_s, 3),
        "ratio_engine_to_peer": round(engine_per_s / peer_per_s, 1),
        "ratio_engine_to_decimal": round(engine_per_s / decimal_per_s, 1),
        "engine_seconds": [round(s, 2) for s in engine_s],
        "floor_seconds": [round(s, 2) for s in floor_s],
        "peer_sample": PEER_SAMPLE,
        "decimal_sample": DECIMAL_SAMPLE,
        "decimal_sample_served": decimal_served,
        "mismatches": mismatches,
        "chunk_specs": CHUNK,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
