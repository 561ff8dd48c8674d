"""Rate cards: what a logistics line charges to carry one parcel to one country (pure).

A card is data (``data/ratecards/*.toml`` or a user's xlsx import): zones of countries, weight
bands each priced as *first weight + each additional step* (a per-gram price is a 1 g step), a
per-parcel fee, surcharges for batteries, liquids and magnets, limits, transit days and the
clearance-failure rate the expected-cost ranking needs. Freight is billed on the chargeable
weight, max(actual, volumetric) where the card has a volumetric divisor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from kuajing.kit.errors import ValidationFailed

CENT = Decimal("0.01")
SPECIAL_GOODS = ("battery", "liquid", "magnetic")


def round_money(amount: Decimal) -> Decimal:
    """The one rounding rule of the quote: half-up to the cent (fen), at each priced step."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(rate: Decimal) -> str:
    """A rate as people write it: 0.19 → "19", 0.058 → "5.8"."""
    return f"{(rate * 100).normalize():f}"


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


@dataclass(frozen=True, slots=True)
class Parcel:
    """One parcel as the carrier sees it: gross weight, outer size, special goods."""

    weight_g: int
    size_cm: tuple[Decimal, Decimal, Decimal] | None = None
    battery: bool = False
    liquid: bool = False
    magnetic: bool = False

    def __post_init__(self) -> None:
        if self.weight_g <= 0:
            raise ValidationFailed(
                f"weight must be positive: {self.weight_g} g", f"重量必须为正: {self.weight_g} 克"
            )
        if self.size_cm is not None and any(side <= 0 for side in self.size_cm):
            raise ValidationFailed(f"size must be positive: {self.size_cm}", f"尺寸必须为正: {self.size_cm}")

    def special(self) -> tuple[str, ...]:
        return tuple(kind for kind in SPECIAL_GOODS if getattr(self, kind))

    def volumetric_g(self, divisor: int) -> int:
        """L×W×H (cm³) / divisor = kg; in whole grams, rounded up (carriers never round down)."""
        if self.size_cm is None:
            return 0
        length, width, height = self.size_cm
        grams = length * width * height * 1000 / divisor
        return int(grams.to_integral_value(rounding="ROUND_CEILING"))


@dataclass(frozen=True, slots=True)
class WeightBand:
    """Parcels up to ``max_g`` (inclusive) above the previous band: first weight, then steps."""

    max_g: int
    first_weight_g: int
    first_fee: Decimal
    step_g: int
    step_fee: Decimal
    parcel_fee: Decimal = Decimal(0)  # registration / handling, charged once per parcel

    def fee(self, chargeable_g: int) -> Decimal:
        extra_steps = ceil_div(max(0, chargeable_g - self.first_weight_g), self.step_g)
        return self.parcel_fee + self.first_fee + extra_steps * self.step_fee


@dataclass(frozen=True, slots=True)
class Zone:
    code: str
    countries: tuple[str, ...]
    bands: tuple[WeightBand, ...]  # ascending max_g
    transit_days: tuple[int, int]
    clearance_failure_rate: Decimal
    failure_rate_by_country: dict[str, Decimal] = field(default_factory=dict)

    def band_for(self, chargeable_g: int) -> tuple[int, WeightBand] | None:
        for index, band in enumerate(self.bands):
            if chargeable_g <= band.max_g:
                return index, band
        return None

    def failure_rate(self, country: str) -> Decimal:
        return self.failure_rate_by_country.get(country, self.clearance_failure_rate)


@dataclass(frozen=True, slots=True)
class Surcharge:
    allowed: bool = True
    per_parcel: Decimal = Decimal(0)
    per_kg: Decimal = Decimal(0)

    def fee(self, chargeable_g: int) -> Decimal:
        return self.per_parcel + self.per_kg * Decimal(chargeable_g) / 1000


@dataclass(frozen=True, slots=True)
class RateCard:
    line_id: str
    name_zh: str
    name_en: str
    kind: str  # "official" (AliExpress / Cainiao) or "forwarder"
    currency: str
    valid_from: date
    valid_to: date | None  # exclusive; None = until replaced
    source: str
    sample: bool  # plausible values, not a published card: the UI says so until a real card is imported
    version: str
    zones: tuple[Zone, ...]
    volumetric_divisor: int | None = None  # None: billed on actual weight only
    min_chargeable_g: int = 1
    max_weight_g: int = 2000
    max_side_cm: Decimal | None = None
    max_sum_cm: Decimal | None = None  # length + width + height
    surcharges: dict[str, Surcharge] = field(default_factory=dict)
    service_code: str = ""  # the AliExpress logistics service, where the line is one
    user_defined: bool = False  # imported by the user (wins over a shipped card on its dates)

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def zone_for(self, country: str) -> Zone | None:
        for zone in self.zones:
            if country in zone.countries:
                return zone
        return None

    def countries(self) -> tuple[str, ...]:
        return tuple(sorted({country for zone in self.zones for country in zone.countries}))

    def chargeable_weight_g(self, parcel: Parcel) -> int:
        volumetric = parcel.volumetric_g(self.volumetric_divisor) if self.volumetric_divisor else 0
        return max(parcel.weight_g, volumetric, self.min_chargeable_g)

    def refusal(self, parcel: Parcel, country: str) -> str | None:
        """Why this line cannot carry the parcel there (a reason code), or None."""
        if self.zone_for(country) is None:
            return "country_not_served"
        if parcel.weight_g > self.max_weight_g:
            return "too_heavy"
        if parcel.size_cm is not None:
            if self.max_side_cm is not None and max(parcel.size_cm) > self.max_side_cm:
                return "too_long"
            if self.max_sum_cm is not None and sum(parcel.size_cm) > self.max_sum_cm:
                return "too_big"
        for kind in parcel.special():
            if not self.surcharges.get(kind, Surcharge()).allowed:
                return f"{kind}_not_accepted"
        return None


@dataclass(frozen=True, slots=True)
class Freight:
    """What the line charges for the parcel, and the card row it came from."""

    line_id: str
    currency: str
    chargeable_g: int
    volumetric_g: int
    zone: str
    band_index: int
    base: Decimal
    surcharges: dict[str, Decimal]
    transit_days: tuple[int, int]
    clearance_failure_rate: Decimal
    source: str

    @property
    def amount(self) -> Decimal:
        return self.base + sum(self.surcharges.values(), Decimal(0))


class LineRefused(ValidationFailed):
    code = "line_refused"


def freight(card: RateCard, parcel: Parcel, country: str) -> Freight:
    """The line's charge for the parcel; ``LineRefused`` says why it cannot carry it."""
    reason = card.refusal(parcel, country)
    zone = card.zone_for(country)
    chargeable = card.chargeable_weight_g(parcel)
    found = zone.band_for(chargeable) if zone is not None else None
    if reason is None and found is None:
        reason = "too_heavy"
    if reason is not None or zone is None or found is None:
        raise LineRefused(
            f"line {card.line_id} cannot carry this parcel to {country}: {reason}",
            f"线路 {card.line_id} 无法承运此包裹至 {country}: {reason}",
            details={"line": card.line_id, "country": country, "reason": reason},
        )
    index, band = found
    surcharges = {
        kind: round_money(card.surcharges[kind].fee(chargeable))
        for kind in parcel.special()
        if kind in card.surcharges
    }
    volumetric = parcel.volumetric_g(card.volumetric_divisor) if card.volumetric_divisor else 0
    upper = f"≤{band.max_g} g"
    return Freight(
        line_id=card.line_id,
        currency=card.currency,
        chargeable_g=chargeable,
        volumetric_g=volumetric,
        zone=zone.code,
        band_index=index,
        base=round_money(band.fee(chargeable)),
        surcharges=surcharges,
        transit_days=zone.transit_days,
        clearance_failure_rate=zone.failure_rate(country),
        source=f"ratecard {card.line_id} v{card.version} zone {zone.code} band {upper}"
        + (" (sample)" if card.sample else ""),
    )


def parse_size_cm(text: str) -> tuple[Decimal, Decimal, Decimal]:
    """``"15x8x2"`` (also ``×``, ``*`` or commas) → three positive sides in cm."""
    cleaned = text.strip().lower()
    for separator in ("×", "*", ","):
        cleaned = cleaned.replace(separator, "x")
    parts = [part.strip() for part in cleaned.split("x")]
    try:
        sides = tuple(Decimal(part) for part in parts)
    except ArithmeticError:
        sides = ()
    if len(sides) != 3 or any(not side.is_finite() or side <= 0 for side in sides):
        raise ValidationFailed(
            f"size must be three positive numbers in cm like 15x8x2: {text!r}",
            f"尺寸应为三个正数(厘米),如 15x8x2: {text!r}",
            details={"field": "size_cm", "value": text},
        )
    return sides[0], sides[1], sides[2]
