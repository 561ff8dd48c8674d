"""``landed_cost()``: what one order of an offer spec costs the seller, line by line (pure).

Every cost line carries the card row or rule it came from. Amounts are computed in their own
currency (the card's, the tax rule's, USD for fees on the AliExpress price), rounded half-up to
the cent at that step, then converted through the dated ``FxTable`` to CNY and USD (each
rounded again). Totals add the rounded lines, so a column always sums to its total.

What the seller bears: goods, domestic freight (0 for dropship), packaging, international
freight with surcharges, duty, and the fees AliExpress takes out of the price (commission by
category, payment fee) plus the allowances the team sets aside (ads, returns). VAT is shown
with who collects it but is not the seller's cost: the marketplace adds it at checkout (IOSS,
UK ≤ £135) or the buyer pays it on import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from kuajing.kit.errors import NotFound, ValidationFailed
from kuajing.kit.money import Money
from kuajing.logistics.assess import assess
from kuajing.logistics.model import CENT, Freight, Parcel, RateCard, freight, percent, round_money
from kuajing.logistics.taxes import TaxAssessment, TaxRuleBook, distinct_hs6

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class FxTable:
    """CNY per one unit of each currency, as of a date (every conversion says which rate)."""

    as_of: date
    cny_per: Mapping[str, Decimal]
    source: str = ""

    def rate(self, currency: str) -> Decimal:
        if currency == "CNY":
            return Decimal(1)
        try:
            return self.cny_per[currency]
        except KeyError:
            raise NotFound(f"no FX rate for {currency}", f"没有 {currency} 的汇率") from None

    def to_cny(self, amount: Decimal, currency: str) -> Decimal:
        return round_money(amount * self.rate(currency))

    def from_cny(self, amount_cny: Decimal, currency: str) -> Decimal:
        return round_money(amount_cny / self.rate(currency))

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal:
        if source == target:
            return amount
        return round_money(amount * self.rate(source) / self.rate(target))


@dataclass(frozen=True, slots=True)
class CostPolicy:
    """The team's percentages and allowances (data: ``data/costs.toml``; every figure overridable)."""

    commission_by_category: Mapping[str, Decimal]  # "*" is the default category
    payment_fee_rate: Decimal
    ads_rate: Decimal
    returns_rate: Decimal
    packaging_cny: Decimal
    domestic_freight_cny: Decimal  # bulk buys to a forwarder; dropship pays none
    target_margin: Decimal
    margin_floor: Decimal
    source: str = ""
    sample: bool = True

    def commission_rate(self, category: str | None) -> Decimal:
        default = self.commission_by_category.get("*", ZERO)
        return self.commission_by_category.get(category or "*", default)

    def price_rates(self, category: str | None) -> Decimal:
        """Everything charged as a share of the price."""
        return self.commission_rate(category) + self.payment_fee_rate + self.ads_rate + self.returns_rate


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    """One order of an offer spec to one country on one date."""

    unit_cost_cny: Decimal  # what one piece costs on 1688 for this order (``offers.unit_cost``)
    quantity: int
    parcel: Parcel
    hs_codes: tuple[str, ...]  # one per distinct item in the parcel
    country: str
    on: date
    price_usd: Decimal | None = None  # the AliExpress price without VAT; None: priced for the target margin
    category: str | None = None
    dropship: bool = True
    item_weights: tuple[Decimal, ...] = ()  # share of the goods per HS code; equal when empty

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValidationFailed(
                f"quantity must be positive: {self.quantity}", f"数量必须为正: {self.quantity}"
            )
        if self.unit_cost_cny < 0:
            raise ValidationFailed("goods cost must not be negative", "货值不能为负")
        if not self.hs_codes:
            raise ValidationFailed("at least one HS code is needed", "至少需要一个 HS 编码")
        distinct_hs6(self.hs_codes)  # each code has at least six digits
        if len(self.country) != 2 or not self.country.isalpha() or not self.country.isupper():
            raise ValidationFailed(
                f"country must be an ISO code like DE: {self.country!r}",
                f"国家须为 ISO 代码(如 DE): {self.country!r}",
            )


@dataclass(frozen=True, slots=True)
class CostLine:
    key: str
    label_zh: str
    label_en: str
    amount: Money  # in the currency it was computed in
    cny: Money
    usd: Money
    source: str
    in_total: bool = True


@dataclass(frozen=True, slots=True)
class Quote:
    line_id: str
    line_name_zh: str
    line_name_en: str
    country: str
    on: date
    chargeable_weight_g: int
    freight: Freight
    tax: TaxAssessment
    price: Money  # USD, without VAT
    lines: tuple[CostLine, ...]
    total: Money  # CNY, what the seller bears
    total_usd: Money
    profit: Money  # CNY
    margin: Decimal
    clearance_failure_rate: Decimal
    risk: Money  # CNY: P(failure) × (goods + reshipment + lost margin)
    expected_cost: Money  # CNY: total + risk
    sample: bool
    notes: tuple[str, ...] = field(default_factory=tuple)

    def line(self, key: str) -> CostLine:
        return next(item for item in self.lines if item.key == key)


def landed_cost(
    request: QuoteRequest, card: RateCard, rules: TaxRuleBook, policy: CostPolicy, fx: FxTable
) -> Quote:
    """The itemised quote; at the request's price, or at the price that earns the target margin."""
    if request.price_usd is not None:
        return _quote_at(request, card, rules, policy, fx, request.price_usd)
    return _quote_at(request, card, rules, policy, fx, price_for_margin(request, card, rules, policy, fx))


def price_for_margin(
    request: QuoteRequest,
    card: RateCard,
    rules: TaxRuleBook,
    policy: CostPolicy,
    fx: FxTable,
    margin: Decimal | None = None,
) -> Decimal:
    """The USD price (to the cent, rounded up) at which the quote's margin reaches ``margin``.

    Duty can depend on the price (ad valorem, thresholds), so the price is found by fixed-point
    iteration from the price-independent costs; where a threshold makes it flip between two
    prices, the higher one is kept (it earns at least the margin either way)."""
    target = policy.target_margin if margin is None else margin
    share = Decimal(1) - policy.price_rates(request.category) - target
    if share <= 0:
        raise ValidationFailed(
            f"fees and target margin leave nothing of the price ({target})",
            f"平台费用与目标利润率之和超过 100% ({target})",
        )
    price = Decimal("0.01")
    seen: set[Decimal] = set()
    for _ in range(50):
        quote = _quote_at(request, card, rules, policy, fx, price)
        fixed = quote.total.amount - sum(
            (line.cny.amount for line in quote.lines if line.key in _PRICE_SHARE_KEYS), ZERO
        )
        fixed_usd = fixed / fx.rate("USD")
        following = (fixed_usd / share).quantize(CENT, rounding=ROUND_CEILING)
        if following == price or following in seen:
            price = max(following, price)
            break
        seen.add(price)
        price = following
    return _settle(price, target, lambda p: _quote_at(request, card, rules, policy, fx, p).margin)


def _settle(price: Decimal, target: Decimal, margin_at: Callable[[Decimal], Decimal]) -> Decimal:
    """Rounding each fee to the cent can leave the estimate a cent or two off: walk to the lowest
    cent that reaches the target (a bounded walk; the estimate is within a few cents)."""
    for _ in range(100):
        if margin_at(price) >= target:
            break
        price += CENT
    for _ in range(100):
        if price <= CENT or margin_at(price - CENT) < target:
            break
        price -= CENT
    return price


_PRICE_SHARE_KEYS = frozenset({"commission", "payment_fee", "ads", "returns"})


def _quote_at(
    request: QuoteRequest,
    card: RateCard,
    rules: TaxRuleBook,
    policy: CostPolicy,
    fx: FxTable,
    price_usd: Decimal,
) -> Quote:
    if not card.valid_on(request.on):
        raise ValidationFailed(
            f"rate card {card.line_id} v{card.version} is not valid on {request.on.isoformat()}",
            f"运价卡 {card.line_id} v{card.version} 在 {request.on.isoformat()} 无效",
        )
    charge = freight(card, request.parcel, request.country)
    rule = rules.rule_for(request.country, request.on)
    lines: list[CostLine] = []

    def add(
        key: str, zh: str, en: str, amount: Decimal, currency: str, source: str, in_total: bool = True
    ) -> None:
        cny = fx.to_cny(amount, currency)
        usd = amount if currency == "USD" else fx.from_cny(cny, "USD")
        lines.append(
            CostLine(
                key, zh, en, Money(amount, currency), Money(cny, "CNY"), Money(usd, "USD"), source, in_total
            )
        )

    goods = round_money(request.unit_cost_cny * request.quantity)
    add(
        "goods",
        "货值",
        "Goods",
        goods,
        "CNY",
        f"1688 unit price ¥{request.unit_cost_cny} × {request.quantity}",
    )
    domestic = ZERO if request.dropship else policy.domestic_freight_cny
    add(
        "domestic_freight",
        "国内运费",
        "Domestic freight",
        domestic,
        "CNY",
        "dropship: the supplier ships"
        if request.dropship
        else f"costs: ¥{policy.domestic_freight_cny} a parcel to the forwarder ({policy.source})",
    )
    add(
        "packaging",
        "包装",
        "Packaging",
        policy.packaging_cny,
        "CNY",
        f"costs: ¥{policy.packaging_cny} a parcel ({policy.source})",
    )
    add(
        "freight",
        "国际运费",
        "International freight",
        charge.base,
        card.currency,
        f"{charge.source}; chargeable {charge.chargeable_g} g",
    )
    for kind, fee in charge.surcharges.items():
        add(
            f"surcharge_{kind}",
            f"附加费({kind})",
            f"Surcharge ({kind})",
            fee,
            card.currency,
            f"ratecard {card.line_id} surcharge {kind}",
        )

    value = fx.convert(price_usd, "USD", rule.currency)
    freight_in_rule = fx.convert(charge.amount, card.currency, rule.currency)
    tax = assess(rule, request.country, value, freight_in_rule, _item_values(request, value))
    add(
        "duty", "关税", "Duty", tax.duty, rule.currency, f"rule {rule.rule_id}: " + "; ".join(tax.duty_detail)
    )
    add(
        "vat",
        "增值税",
        "VAT",
        tax.vat,
        rule.currency,
        f"rule {rule.rule_id}: {percent(tax.vat_rate)} % on {tax.vat_basis} {rule.currency}, "
        f"collected by {tax.vat_collected_by}",
        in_total=False,
    )

    rate = policy.commission_rate(request.category)
    for key, zh, en, share in (
        ("commission", "平台佣金", "Platform commission", rate),
        ("payment_fee", "支付手续费", "Payment fee", policy.payment_fee_rate),
        ("ads", "广告预算", "Ads allowance", policy.ads_rate),
        ("returns", "退货准备金", "Returns allowance", policy.returns_rate),
    ):
        add(
            key,
            zh,
            en,
            round_money(price_usd * share),
            "USD",
            f"costs: {percent(share)} % of the price ({request.category or 'default category'})",
        )

    total = sum((line.cny.amount for line in lines if line.in_total), ZERO)
    total_usd = sum((line.usd.amount for line in lines if line.in_total), ZERO)
    price_cny = fx.to_cny(price_usd, "USD")
    profit = price_cny - total
    # Rounded towards −∞: a margin shown as reaching the floor or the target really does.
    margin = (profit / price_cny).quantize(Decimal("0.0001"), rounding=ROUND_FLOOR) if price_cny else ZERO
    failure = charge.clearance_failure_rate
    freight_cny = sum(
        (line.cny.amount for line in lines if line.key.startswith(("freight", "surcharge"))), ZERO
    )
    risk = round_money(failure * (goods + freight_cny + max(profit, ZERO)))
    notes = []
    if tax.to_confirm:
        notes.append(f"rule {rule.rule_id} is to confirm: {rule.note}")
    if card.sample:
        notes.append(f"rate card {card.line_id} holds sample values: import your own card")
    used = sorted({card.currency, rule.currency, "USD"} - {"CNY"})
    rates = ", ".join(f"{currency} {fx.rate(currency)}" for currency in used)
    notes.append(
        f"FX (CNY per unit) as of {fx.as_of.isoformat()}: {rates}" + (f" — {fx.source}" if fx.source else "")
    )
    return Quote(
        line_id=card.line_id,
        line_name_zh=card.name_zh,
        line_name_en=card.name_en,
        country=request.country,
        on=request.on,
        chargeable_weight_g=charge.chargeable_g,
        freight=charge,
        tax=tax,
        price=Money(price_usd, "USD"),
        lines=tuple(lines),
        total=Money(total, "CNY"),
        total_usd=Money(total_usd, "USD"),
        profit=Money(profit, "CNY"),
        margin=margin,
        clearance_failure_rate=failure,
        risk=Money(risk, "CNY"),
        expected_cost=Money(total + risk, "CNY"),
        sample=card.sample,
        notes=tuple(notes),
    )


def _item_values(request: QuoteRequest, value: Decimal) -> list[tuple[str, Decimal]]:
    """Split the consignment's value over its items (equal shares unless weights are given)."""
    weights = request.item_weights or tuple(Decimal(1) for _ in request.hs_codes)
    if len(weights) != len(request.hs_codes):
        raise ValidationFailed("one weight per HS code", "每个 HS 编码需对应一个权重")
    whole = sum(weights, ZERO)
    return [(hs, value * weight / whole) for hs, weight in zip(request.hs_codes, weights, strict=True)]
