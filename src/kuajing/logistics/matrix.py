"""``landed_cost()`` for many offer specs × countries × lines at once, to the fen (pure).

Screening a catalogue (which spec earns its margin where, on which line) takes millions of
quotes, and ``landed_cost()`` spends tens of microseconds on each, building Decimals and named
cost lines. This engine computes the same figures with NumPy on int64 fixed point: an amount,
once rounded, is a whole number of cents (fen) in its own currency; before rounding it is a
whole number of millionths; and every half-up step of model.py / assess.py / landed.py happens
at the same place, as an integer division. So each figure equals ``landed_cost()``'s exactly.
Floats would not: a product landing on half a cent rounds either way, and a margin checked at
a floor or a parcel valued at €150.00 cannot afford that.

It covers the common case, and nothing else (call ``landed_cost()`` for the rest): one HS code
per spec, quantity 1, dropship (no domestic freight), no batteries, liquids or magnets, the
default category, a given USD price.

Scales: unit cost in 1/10,000 CNY (1688 tiers have sub-fen prices), price in USD cents, size in
millimetres; rates, card fees and thresholds in millionths. A figure finer than its scale is
refused (ValueError), never rounded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kuajing.logistics.landed import CostPolicy, FxTable, QuoteRequest
from kuajing.logistics.model import Parcel, RateCard, WeightBand, round_money
from kuajing.logistics.taxes import (
    DUTY_AD_VALOREM,
    DUTY_FLAT_PER_HS6,
    VAT_AT_IMPORT,
    VAT_AT_SALE,
    TaxRule,
    TaxRuleBook,
)

I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]
MICRO = 1_000_000
COST_SCALE = 10_000
_MICRO_PER_CENT = MICRO // 100
_NO_LIMIT = 1 << 40  # a size limit the card does not set
_VAT_NONE, _VAT_SALE, _VAT_IMPORT = 0, 1, 2
_VAT_CODES = {VAT_AT_SALE: _VAT_SALE, VAT_AT_IMPORT: _VAT_IMPORT}
_MAX_PRICE_CENTS = 10**8  # $1M; ``_check_range`` bounds what the rates make of it
_MAX_SIDE_MM = 100_000
_OUTPUTS = ("served", "freight", "duty", "vat", "total", "expected", "margin")


def fixed(value: Decimal, scale: int, what: str) -> int:
    """``value`` in units of 1/``scale``; refused, not rounded, when it is finer than that."""
    scaled = value * scale
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{what} {value} is finer than the matrix carries (1/{scale})")
    return int(scaled)


def _round_micro(millionths: I64) -> I64:
    """``round_money`` of cents × a rate in millionths: half-up to whole cents (all here ≥ 0)."""
    return (millionths + MICRO // 2) // MICRO


def _convert(cents: I64, rate_from: I64 | int, rate_to: I64 | int) -> I64:
    """``FxTable.convert`` on whole cents: amount × from / to, half-up to the cent."""
    return (2 * cents * rate_from + rate_to) // (2 * rate_to)


def _ints(values: object) -> I64:
    return np.asarray(values, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class OfferSpecs:
    """N offer specs as the engine reads them (fixed point, see the module docstring)."""

    unit_cost_e4: I64  # CNY in 1/10,000
    weight_g: I64
    size_mm: I64  # (N, 3); a row of zeros: size unknown, billed on actual weight
    price_cents: I64  # the AliExpress price without VAT, USD
    hs_codes: tuple[str, ...]  # one per spec, at least six digits

    def __post_init__(self) -> None:
        count, sizes, prices = len(self.hs_codes), self.size_mm, self.price_cents
        shapes = {a.shape for a in (self.unit_cost_e4, self.weight_g, prices)} | {
            sizes.shape[:1],
            sizes.shape[1:],
        }
        if shapes != {(count,), (3,)}:
            raise ValueError("one cost, weight, price, HS code and (L, W, H) per spec")
        problems = {
            "weights must be positive": (self.weight_g <= 0).any(),
            "costs must not be negative": (self.unit_cost_e4 < 0).any(),
            f"prices must be $0.01 to ${_MAX_PRICE_CENTS // 100}": (
                (prices <= 0) | (prices > _MAX_PRICE_CENTS)
            ).any(),
            "a size is three positive sides or none": (
                (sizes <= 0).any(axis=1) & (sizes != 0).any(axis=1)
            ).any(),
            f"sides must be at most {_MAX_SIDE_MM} mm": (sizes > _MAX_SIDE_MM).any(),
            "HS codes need 6 digits": any(sum(ch.isdigit() for ch in hs) < 6 for hs in self.hs_codes),
        }
        if failed := [problem for problem, found in problems.items() if found]:
            raise ValueError("; ".join(failed))

    @classmethod
    def from_decimals(
        cls,
        unit_cost_cny: Sequence[Decimal],
        weight_g: Sequence[int],
        size_cm: Sequence[tuple[Decimal, Decimal, Decimal] | None],
        price_usd: Sequence[Decimal],
        hs_codes: Sequence[str],
    ) -> OfferSpecs:
        sides = [[fixed(side, 10, "side") for side in size] if size else [0, 0, 0] for size in size_cm]
        return cls(
            unit_cost_e4=_ints([fixed(cost, COST_SCALE, "unit cost") for cost in unit_cost_cny]),
            weight_g=_ints(list(weight_g)),
            size_mm=_ints(sides).reshape(len(sides), 3),
            price_cents=_ints([fixed(price, 100, "price") for price in price_usd]),
            hs_codes=tuple(hs_codes),
        )

    def __len__(self) -> int:
        return len(self.hs_codes)

    def request(self, index: int, country: str, on: date) -> QuoteRequest:
        """Spec ``index`` as ``landed_cost()`` takes it: to check a figure or show its cost lines."""
        length, width, height = (Decimal(int(side)).scaleb(-1) for side in self.size_mm[index])
        return QuoteRequest(
            unit_cost_cny=Decimal(int(self.unit_cost_e4[index])).scaleb(-4),
            quantity=1,
            parcel=Parcel(int(self.weight_g[index]), (length, width, height) if length else None),
            hs_codes=(self.hs_codes[index],),
            country=country,
            on=on,
            price_usd=Decimal(int(self.price_cents[index])).scaleb(-2),
        )


@dataclass(frozen=True, eq=False)
class LandedMatrix:
    """Figures per (spec, country, line), as ``landed_cost()`` would give them.

    CNY amounts in fen, margin in basis points (1/10,000, as ``Quote.margin``). Where ``served``
    is False (no zone for the country, too heavy, too big, beyond the last band) every figure is
    0, except ``chargeable_g``: it depends on the spec and the line only. The arrays are views
    of (country, line, spec) storage, the layout the engine computes in."""

    countries: tuple[str, ...]
    line_ids: tuple[str, ...]
    chargeable_g: I64
    served: Mask
    freight_fen: I64
    duty_fen: I64
    vat_fen: I64  # shown, not in the total: the marketplace or the buyer pays it
    total_fen: I64
    expected_cost_fen: I64
    margin_bp: I64


@dataclass(frozen=True, eq=False)
class _Freight:
    """Where freight comes from: one "unit" per distinct (line, zone), its bands padded to B."""

    line: I64  # (U,) line index
    bands: I64  # (U, B, 6): max g, first g, step g, first fee, step fee, parcel fee (fees in
    # millionths of the card currency); a padded band repeats the last one
    card_rate: I64  # (U, 1) CNY per card currency unit, millionths (as every FX rate here)
    conversions: I64  # (V, 3) per distinct (unit, rule currency): unit, from rate, to rate
    unit_at: I64  # (C, L) → unit (0 where the line has no zone there)
    conversion_at: I64  # (C, L) → conversion
    has_zone: Mask  # (C, L, 1)
    failure_rate: I64  # (C, L, 1) millionths


@dataclass(frozen=True, eq=False)
class _Taxes:
    """The rule in force per country as integer columns, shaped (C, 1) to meet (C, spec) arrays."""

    currency_rates: I64  # (K,) per rule currency
    currency_at: I64  # (C,) → K
    de_minimis: I64  # millionths; -1: none
    threshold: I64  # millionths; -1: none
    low_value_flat_duty: I64  # cents: the flat duty per HS6, or 0
    low_value_ad_valorem: Mask
    low_value_vat: I64  # _VAT_* code
    high_value_vat: I64
    duty_on_freight: I64  # (C, 1, 1): 1 where the customs value includes freight
    vat_rate: I64  # millionths
    duty_rate: I64  # (C, H) millionths, surcharge included, per distinct HS code

    @property
    def rule_rate(self) -> I64:
        return self.currency_rates[self.currency_at][:, None, None]


def landed_matrix(
    specs: OfferSpecs,
    countries: Sequence[str],
    on: date,
    cards: Sequence[RateCard],
    rules: TaxRuleBook,
    policy: CostPolicy,
    fx: FxTable,
    chunk: int = 512,
) -> LandedMatrix:
    """Every spec to every country on every card (each valid ``on``), ``chunk`` specs at a time:
    the working set stays in cache, and memory is the outputs plus a few chunks."""
    if invalid := [card.line_id for card in cards if not card.valid_on(on)]:
        raise ValueError(f"rate cards not valid on {on.isoformat()}: {', '.join(invalid)}")
    tax_rules = [rules.rule_for(country, on) for country in countries]
    hs_index: dict[str, int] = {}
    spec_hs = _ints([hs_index.setdefault(code, len(hs_index)) for code in specs.hs_codes])
    taxes = _tax_tables(tax_rules, tuple(countries), tuple(hs_index), fx)
    freight = _freight_tables(cards, tuple(countries), tax_rules, fx)
    chargeable, carried = _chargeable(specs, cards)
    goods, price_fen, fixed_costs = _per_spec(specs, policy, fx)
    values = _convert(
        specs.price_cents, fixed(fx.rate("USD"), MICRO, "FX rate"), taxes.currency_rates[:, None]
    )
    _check_range(max(int(a.max(initial=0)) for a in (goods, price_fen, values)), freight, taxes)

    shape = (len(countries), len(cards), len(specs))
    stored = {key: np.zeros(shape, dtype=bool if key == "served" else np.int64) for key in _OUTPUTS}
    for start in range(0, len(specs) if countries and cards else 0, chunk):
        part = slice(start, min(start + chunk, len(specs)))
        _chunk(
            {key: array[:, :, part] for key, array in stored.items()},
            chargeable[:, part],
            carried[:, part],
            values[:, part][taxes.currency_at],
            taxes.duty_rate[:, spec_hs[part]],
            (goods[part], price_fen[part], fixed_costs[part]),
            freight,
            taxes,
        )
    views = [np.moveaxis(stored[key], -1, 0) for key in _OUTPUTS]  # (spec, country, line)
    per_spec_line = np.broadcast_to(chargeable.T[:, None, :], views[0].shape)
    return LandedMatrix(tuple(countries), tuple(card.line_id for card in cards), per_spec_line, *views)


def _chargeable(specs: OfferSpecs, cards: Sequence[RateCard]) -> tuple[I64, Mask]:
    """Per (line, spec): ``RateCard.chargeable_weight_g`` and whether the card's weight and size
    limits let it carry the parcel (``RateCard.refusal`` less the zone, which is per country)."""
    divisor = _ints([card.volumetric_divisor or 0 for card in cards])[:, None]
    volume = specs.size_mm.prod(axis=1)  # mm³: L×W×H cm³ × 1000 / divisor = mm³ / divisor grams
    volumetric = np.where(divisor > 0, -(-volume // np.maximum(divisor, 1)), 0)
    floor_g = _ints([card.min_chargeable_g for card in cards])[:, None]
    max_side = _ints([_limit_mm(card.max_side_cm) for card in cards])[:, None]
    max_sum = _ints([_limit_mm(card.max_sum_cm) for card in cards])[:, None]
    carried = (
        (specs.weight_g <= _ints([card.max_weight_g for card in cards])[:, None])
        & (specs.size_mm.max(axis=1) <= max_side)
        & (specs.size_mm.sum(axis=1) <= max_sum)
    )
    return np.maximum(np.maximum(specs.weight_g, volumetric), floor_g), carried


def _limit_mm(limit_cm: Decimal | None) -> int:
    return _NO_LIMIT if limit_cm is None else fixed(limit_cm, 10, "size limit")


def _per_spec(specs: OfferSpecs, policy: CostPolicy, fx: FxTable) -> tuple[I64, I64, I64]:
    """Goods and the price in fen, and what in the total depends on the spec alone: goods,
    packaging and the four shares of the price, each line rounded as ``landed_cost`` does."""
    usd = fixed(fx.rate("USD"), MICRO, "FX rate")
    goods = (specs.unit_cost_e4 + COST_SCALE // 200) // (COST_SCALE // 100)
    fixed_costs = goods + fixed(round_money(policy.packaging_cny), 100, "packaging")
    shares = (policy.commission_rate(None), policy.payment_fee_rate, policy.ads_rate, policy.returns_rate)
    for share in shares:
        fee_cents = _round_micro(specs.price_cents * fixed(share, MICRO, "fee rate"))
        fixed_costs = fixed_costs + _round_micro(fee_cents * usd)
    return goods, _round_micro(specs.price_cents * usd), fixed_costs


def _freight_tables(
    cards: Sequence[RateCard], countries: tuple[str, ...], tax_rules: Sequence[TaxRule], fx: FxTable
) -> _Freight:
    units: dict[tuple[int, str], int] = {}  # (line, zone) → unit
    conversions: dict[tuple[int, str], int] = {}  # (unit, rule currency) → conversion
    bands: list[list[tuple[int, ...]]] = []
    unit_line: list[int] = []
    conversion_rows: list[tuple[int, int, int]] = []
    shape = (len(countries), len(cards))
    unit_at, conversion_at = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
    has_zone, failure_rate = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=np.int64)
    for c, (country, rule) in enumerate(zip(countries, tax_rules, strict=True)):
        for line, card in enumerate(cards):
            if (zone := card.zone_for(country)) is None:
                continue
            unit = units.setdefault((line, zone.code), len(unit_line))
            if unit == len(unit_line):
                unit_line.append(line)
                bands.append([_band_row(band) for band in zone.bands])
            conversion = conversions.setdefault((unit, rule.currency), len(conversion_rows))
            if conversion == len(conversion_rows):
                rate_from, rate_to = (
                    fixed(fx.rate(code), MICRO, "FX rate") for code in (card.currency, rule.currency)
                )
                conversion_rows.append((unit, rate_from, rate_to))
            unit_at[c, line], conversion_at[c, line], has_zone[c, line] = unit, conversion, True
            failure_rate[c, line] = fixed(zone.failure_rate(country), MICRO, "clearance failure rate")
    width = max((len(rows) for rows in bands), default=1)
    card_rate = [fixed(fx.rate(cards[line].currency), MICRO, "FX rate") for line in unit_line]
    return _Freight(
        line=_ints(unit_line or [0]),
        bands=_ints([rows + rows[-1:] * (width - len(rows)) for rows in bands] or [[(1, 1, 1, 0, 0, 0)]]),
        card_rate=_ints(card_rate or [MICRO])[:, None],
        conversions=_ints(conversion_rows or [(0, MICRO, MICRO)]),
        unit_at=unit_at,
        conversion_at=conversion_at,
        has_zone=has_zone[:, :, None],
        failure_rate=failure_rate[:, :, None],
    )


def _band_row(band: WeightBand) -> tuple[int, ...]:
    fees = (fixed(fee, MICRO, "band fee") for fee in (band.first_fee, band.step_fee, band.parcel_fee))
    return (band.max_g, band.first_weight_g, band.step_g, *fees)


def _tax_tables(
    tax_rules: Sequence[TaxRule], countries: tuple[str, ...], hs_codes: tuple[str, ...], fx: FxTable
) -> _Taxes:
    currencies = list(dict.fromkeys(rule.currency for rule in tax_rules)) or ["USD"]

    def column(value_of: Callable[[TaxRule], int]) -> I64:
        return _ints([value_of(rule) for rule in tax_rules])[:, None]

    def micro(amount: Decimal | None) -> int:
        return -1 if amount is None else fixed(amount, MICRO, "tax rule figure")

    def flat_cents(rule: TaxRule) -> int:
        flat = rule.low_value_duty == DUTY_FLAT_PER_HS6  # one HS code: one subheading
        return fixed(round_money(rule.flat_duty_per_hs6), 100, "flat duty") if flat else 0

    return _Taxes(
        currency_rates=_ints([fixed(fx.rate(currency), MICRO, "FX rate") for currency in currencies]),
        currency_at=_ints([currencies.index(rule.currency) for rule in tax_rules]),
        de_minimis=column(lambda rule: micro(rule.de_minimis)),
        threshold=column(lambda rule: micro(rule.low_value_threshold)),
        low_value_flat_duty=column(flat_cents),
        low_value_ad_valorem=column(lambda rule: rule.low_value_duty == DUTY_AD_VALOREM) > 0,
        low_value_vat=column(lambda rule: _VAT_CODES.get(rule.low_value_vat, _VAT_NONE)),
        high_value_vat=column(lambda rule: _VAT_CODES.get(rule.high_value_vat, _VAT_NONE)),
        duty_on_freight=column(lambda rule: rule.duty_includes_freight)[:, :, None],
        vat_rate=_ints([micro(rule.vat_rate(c)) for rule, c in zip(tax_rules, countries, strict=True)])[
            :, None
        ],
        duty_rate=_ints(
            [[micro(rule.duty_rate(hs)[0] + rule.surcharge_rate) for hs in hs_codes] for rule in tax_rules]
        ).reshape(len(tax_rules), len(hs_codes)),
    )


def _check_range(largest: int, freight: _Freight, taxes: _Taxes) -> None:
    """Refuse inputs whose products could leave int64: a wrapped integer would be silently wrong.

    ``largest``: the largest goods, price or value in cents. From it and the top-band freight, a
    bound on any amount in any currency, grown by duty and by the sums of lines (VAT basis, total,
    profit), times the largest multiplier any step applies to it."""
    max_g, first_g, step_g, first_fee, step_fee, parcel_fee = np.moveaxis(freight.bands, -1, 0)
    top_fee = int((parcel_fee + first_fee + -(-np.maximum(max_g - first_g, 0) // step_g) * step_fee).max())
    fx_rates = [int(rate) for rate in (*freight.conversions[:, 1:].ravel(), *taxes.currency_rates, MICRO)]
    duty_rate, vat_rate = int(taxes.duty_rate.max(initial=0)), int(taxes.vat_rate.max(initial=0))
    ratio = max(fx_rates) // min(fx_rates) + 1
    amount = (max(largest, top_fee // _MICRO_PER_CENT) + 1) * ratio
    duty = (2 * amount * duty_rate // MICRO + int(taxes.low_value_flat_duty.max(initial=0))) * ratio
    biggest = 10 * (amount + duty) * max(1, vat_rate // MICRO + 1)
    multiplier = max(MICRO, *fx_rates, duty_rate, vat_rate, int(freight.failure_rate.max(initial=0)))
    if 2 * biggest * multiplier >= 2**63:
        raise ValueError("prices, fees or rates too large for the int64 matrix: use landed_cost()")


def _band_fee(chargeable: I64, freight: _Freight) -> tuple[I64, Mask]:
    """``WeightBand.fee`` of the first band that holds the weight, in millionths, per (unit, spec);
    and whether any band does."""
    fee: I64 | None = None
    for band in reversed(range(freight.bands.shape[1])):
        max_g, first_g, step_g, first_fee, step_fee, parcel_fee = freight.bands[:, band].T[:, :, None]
        steps = -(-np.maximum(chargeable - first_g, 0) // step_g)
        here = parcel_fee + first_fee + steps * step_fee
        fee = here if fee is None else np.where(chargeable <= max_g, here, fee)
    assert fee is not None
    return fee, chargeable <= freight.bands[:, -1, 0, None]


def _chunk(
    out: dict[str, NDArray[Any]],
    chargeable: I64,
    carried: Mask,
    value: I64,
    duty_rate: I64,
    spec_costs: tuple[I64, I64, I64],
    freight: _Freight,
    taxes: _Taxes,
) -> None:
    """One chunk of n specs: (L, n) and (C, n) inputs; (C, L, n) figures written into ``out``,
    zero where not served. Specs run along the last axis so every operation streams over them;
    the (C, 1) and (C, L, 1) columns of the tables broadcast cheaply against that."""
    goods, price_fen, fixed_costs = spec_costs
    # Freight per (unit, spec): rounded in the card currency, then converted (each rounded again).
    fee, in_band = _band_fee(chargeable[freight.line], freight)
    base = (fee + _MICRO_PER_CENT // 2) // _MICRO_PER_CENT  # ``round_money`` in the card currency
    freight_fen = _round_micro(base * freight.card_rate)[freight.unit_at]
    unit, rate_from, rate_to = freight.conversions.T[:, :, None]
    freight_in_rule = _convert(base[unit[:, 0]], rate_from, rate_to)[freight.conversion_at]
    served = carried & freight.has_zone & in_band[freight.unit_at]

    # ``assess``: de minimis, else low value (flat, none or ad valorem) or high value (ad valorem);
    # a zero rate makes the ad-valorem term vanish wherever a fixed amount applies instead.
    value_micro = value * _MICRO_PER_CENT
    minimis = value_micro <= taxes.de_minimis
    low_value = value_micro <= taxes.threshold
    fixed_duty = minimis | (low_value & ~taxes.low_value_ad_valorem)
    rate = np.where(fixed_duty, 0, duty_rate)
    flat = np.where(fixed_duty & ~minimis, taxes.low_value_flat_duty, 0)
    # ``assess`` shares freight over the items by value: a value of 0 takes no freight.
    customs_value = value[:, None] + freight_in_rule * (taxes.duty_on_freight * (value > 0)[:, None])
    duty = _round_micro(customs_value * rate[:, None]) + flat[:, None]
    vat_mode = np.where(minimis, _VAT_NONE, np.where(low_value, taxes.low_value_vat, taxes.high_value_vat))
    vat_rate = np.where(vat_mode == _VAT_NONE, 0, taxes.vat_rate)
    import_rate = np.where(vat_mode == _VAT_IMPORT, vat_rate, 0)  # on value + freight + duty
    vat = _round_micro((freight_in_rule + duty) * import_rate[:, None] + (value * vat_rate)[:, None])
    duty_fen = _round_micro(duty * taxes.rule_rate)

    total = freight_fen + duty_fen + fixed_costs
    profit = price_fen - total
    risk = _round_micro(freight.failure_rate * (freight_fen + goods + np.maximum(profit, 0)))
    out["served"][...] = served
    mask = served.astype(np.int64)
    np.multiply(freight_fen, mask, out=out["freight"])
    np.multiply(duty_fen, mask, out=out["duty"])
    np.multiply(_round_micro(vat * taxes.rule_rate), mask, out=out["vat"])
    np.multiply(total, mask, out=out["total"])
    np.multiply(total + risk, mask, out=out["expected"])
    # ``(profit / price).quantize(Decimal("0.0001"), rounding=ROUND_FLOOR)``: towards −∞.
    np.multiply(profit * 10_000 // price_fen, mask, out=out["margin"])  # floor, as Quote.margin
