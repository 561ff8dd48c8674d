"""The routing decision for one AliExpress order line: buy it on 1688 now, send it to a person, or skip it.

Pure: the caller gathers the facts (the AliExpress order, the mapping, the 1688 offer as it is now,
the supplier, the team's policy) and ``decide`` only reasons about them.

Order of the checks, and why:

1. A cancelled order (``IN_CANCEL``, or closed before anything shipped) is **skipped**: there is
   nothing to fix and nothing to buy.
2. A frozen order or one in dispute goes to a person (``ORDER_FROZEN`` / ``ORDER_IN_ISSUE``) and
   nothing else is checked: whatever else is wrong, the first question is whether to ship at all.
3. Otherwise **every** applicable reason is collected, so the exception queue shows all there is
   to fix at once instead of one problem per round trip. No reason → ``buy``.

Facts the caller does not have (stock ``None``, no current price, no cost at mapping time) do not
block a purchase on their own: 1688 checks stock and price again when the order is created and a
refusal comes back as ``SUPPLIER_REFUSED``. Missing supplier facts for a mapped line do block
(``SUPPLIER_NOT_ELIGIBLE``): the guide's rule cannot be checked, and we never guess.

``decide`` runs once per line on every routing pass (100,000 times in the bench): the happy path
allocates nothing but a few Decimals and returns a shared decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from kuajing.kit.errors import KuajingError
from kuajing.kit.money import CurrencyMismatch, FxRate, Money
from kuajing.orders.reasons import ReasonCode, ReasonText, describe

CANCELLED_STATUS = "IN_CANCEL"
FROZEN_STATUS = "IN_FROZEN"
IN_ISSUE_STATUS = "IN_ISSUE"
COST_CURRENCY = "CNY"  # 1688 prices in yuan only

RoutingAction = Literal["buy", "manual", "skip"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutingPolicy:
    """The team's rules. Fractions are Decimals: 0.10 is 10 %."""

    fx: FxRate  # USD→CNY (or the sale currency's rate to CNY), dated
    require_trust_pass: bool = True  # the guide's rule: automatic orders only from 诚信通 …
    require_super_factory: bool = True  # … and 超级工厂 suppliers
    price_tolerance: Decimal = Decimal("0.10")  # largest allowed move from the mapping's unit cost
    margin_floor: Decimal = Decimal("0.10")  # minimum (net revenue − goods cost) / net revenue
    platform_commission: Decimal = Decimal("0.08")  # taken off revenue before the margin check
    blocked_countries: frozenset[str] = frozenset()  # destinations the team does not serve
    approve_every_purchase: bool = False  # a store setting: a person confirms even clean lines

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.platform_commission < Decimal(1):
            raise ValueError(f"platform_commission must be in [0, 1): {self.platform_commission}")
        if self.price_tolerance < 0:
            raise ValueError(f"price_tolerance must not be negative: {self.price_tolerance}")
        # Settings arrive as "fr, DE": compare codes trimmed and upper-case.
        blocked = frozenset(c.strip().upper() for c in self.blocked_countries if c.strip())
        object.__setattr__(self, "blocked_countries", blocked)


@dataclass(frozen=True, slots=True)
class SupplierFacts:
    member_id: str
    trust_pass: bool  # 诚信通
    super_factory: bool  # 超级工厂
    dropship_relation: bool = True  # 代发关系 with our buyer account
    excluded_countries: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        excluded = frozenset(c.strip().upper() for c in self.excluded_countries if c.strip())
        object.__setattr__(self, "excluded_countries", excluded)


@dataclass(frozen=True, slots=True)
class MappingFacts:
    """What the SKU mapping rule resolved to."""

    offer_id: str
    spec_id: str
    quantity_multiplier: int = 1  # 1688 pieces per AliExpress unit (packs of 3 → 3)
    unit_cost_at_mapping: Money | None = None  # CNY per 1688 piece when the mapping was made


@dataclass(frozen=True, slots=True)
class AddressFacts:
    """The buyer's address as AliExpress gives it; any field may be missing (None or blank)."""

    province: str | None = None
    city: str | None = None
    district: str | None = None
    street: str | None = None
    address_line: str | None = None
    zip: str | None = None
    contact: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LineFacts:
    order_status: str  # AliExpress order_status
    frozen: bool
    in_issue: bool
    sku_code: str | None
    quantity: int  # AliExpress units
    sale_unit_price: Money  # USD (converted with the policy's fx) or CNY
    mapped: MappingFacts | None
    offer_available: bool  # offer still published
    spec_available: bool  # the mapped spec still exists on it
    stock: int | None  # 1688 pieces on sale now; None = unknown
    current_unit_price: Money | None  # CNY dropship price per 1688 piece now; None = unknown
    supplier: SupplierFacts | None
    destination_country: str  # ISO 3166 alpha-2
    address: AddressFacts
    # FINISH with nothing shipped: the platform or the buyer closed the order before dispatch.
    closed_before_shipping: bool = False


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    action: RoutingAction
    reasons: tuple[ReasonCode, ...] = ()
    facts: Mapping[str, str] = field(default_factory=dict)  # numbers for the messages: pct, margin …

    def texts(self) -> tuple[ReasonText, ...]:
        """Each reason as the queue shows it, filled with this decision's facts."""
        return tuple(describe(code, **self.facts) for code in self.reasons)


class IncompleteAddress(KuajingError, ValueError):
    code = "address_incomplete"
    http_status = 422

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__(
            f"address incomplete for 1688, missing: {', '.join(missing)}",
            f"收货地址不完整,缺少:{'、'.join(_FIELD_ZH[name] for name in missing)}",
            details={"missing": list(missing)},
        )
        self.missing = missing


# -- address ------------------------------------------------------------------------------------------

_REQUIRED_ADDRESS_FIELDS = ("province", "city", "address_line", "zip", "contact", "phone")
_FIELD_ZH = {
    "province": "省/州",
    "city": "城市",
    "address_line": "详细地址",
    "zip": "邮编",
    "contact": "收件人",
    "phone": "电话",
    "country": "国家",
}
_FIELD_EN = {"address_line": "address line", "contact": "contact name"}


def _present(value: str | None) -> bool:
    return bool(value and not value.isspace())


def missing_address_fields(address: AddressFacts) -> tuple[str, ...]:
    """The fields 1688's four-level address needs and this address lacks (blank counts as missing).

    1688 wants province, city, district (area) and street/town, plus the address line, the
    recipient and a phone. AliExpress addresses carry no district and often no street, so:
    the **city stands in for the district** when there is none, and the **zip stands in for the
    street** when there is none. Hence only province, city, address line, zip, contact and phone
    are required; district and street are optional.
    """
    a = address
    if (
        _present(a.province)
        and _present(a.city)
        and _present(a.address_line)
        and _present(a.zip)
        and _present(a.contact)
        and _present(a.phone)
    ):
        return ()
    return tuple(name for name in _REQUIRED_ADDRESS_FIELDS if not _present(getattr(a, name)))


def _text(value: str | None) -> str:
    return (value or "").strip()


def address_for_1688(address: AddressFacts) -> dict[str, str]:
    """The createCrossOrder ``addressParam`` (text form), per the rule in ``missing_address_fields``.

    Raises ``IncompleteAddress`` (a ``ValueError``) naming the missing fields.
    """
    missing = missing_address_fields(address)
    if missing:
        raise IncompleteAddress(missing)
    city = _text(address.city)
    postcode = _text(address.zip)
    phone = _text(address.phone)
    return {
        "fullName": _text(address.contact),
        "mobile": phone,
        "phone": phone,
        "postCode": postcode,
        "provinceText": _text(address.province),
        "cityText": city,
        "areaText": _text(address.district) or city,
        "townText": _text(address.street) or postcode,
        "address": _text(address.address_line),
    }


# -- the decision -------------------------------------------------------------------------------------

_BUY = RoutingDecision("buy")
_CANCELLED = RoutingDecision("skip", (ReasonCode.ORDER_CANCELLED,))
_FROZEN = RoutingDecision("manual", (ReasonCode.ORDER_FROZEN,))
_IN_ISSUE = RoutingDecision("manual", (ReasonCode.ORDER_IN_ISSUE,))
_FROZEN_IN_ISSUE = RoutingDecision("manual", (ReasonCode.ORDER_FROZEN, ReasonCode.ORDER_IN_ISSUE))
_APPROVAL = RoutingDecision("manual", (ReasonCode.MANUAL_APPROVAL_REQUIRED,))
_HUNDRED = Decimal(100)
_ONE = Decimal(1)


def _pct(ratio: Decimal, *, signed: bool = False) -> str:
    """0.1234 → "12.34", 0.1 → "10" (and "+12.34" when signed)."""
    text = f"{(ratio * _HUNDRED).quantize(Decimal('0.01')):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return f"+{text}" if signed and not text.startswith("-") else text


def _revenue(line: LineFacts, currency: str, fx: FxRate) -> Decimal:
    """Sale value of the line in ``currency`` (the cost's), through the dated rate where needed."""
    sale = line.sale_unit_price
    gross = sale.amount * line.quantity
    if sale.currency == currency:
        return gross
    if sale.currency == fx.base and fx.quote == currency:
        return gross * fx.rate
    if sale.currency == fx.quote and fx.base == currency:
        return gross / fx.rate
    raise CurrencyMismatch(
        f"rate {fx.base}/{fx.quote} cannot turn {sale.currency} into {currency}",
        f"汇率 {fx.base}/{fx.quote} 无法把 {sale.currency} 换算为 {currency}",
    )


def _check_goods(
    line: LineFacts,
    mapped: MappingFacts,
    policy: RoutingPolicy,
    reasons: list[ReasonCode],
    facts: dict[str, str],
) -> None:
    """Offer, stock, price and margin: everything that depends on the mapped 1688 spec."""
    if not (line.offer_available and line.spec_available):
        reasons.append(ReasonCode.OFFER_UNAVAILABLE)
        facts["offer_id"] = mapped.offer_id
        facts["spec_id"] = mapped.spec_id
        return  # stock and price of a spec that is gone mean nothing
    needed = line.quantity * mapped.quantity_multiplier
    if line.stock is not None and line.stock < needed:
        reasons.append(ReasonCode.OUT_OF_STOCK)
        facts["needed"] = str(needed)
        facts["stock"] = str(line.stock)
    current = line.current_unit_price
    if current is None:
        return
    mapped_cost = mapped.unit_cost_at_mapping
    if mapped_cost is not None and mapped_cost.amount > 0:
        if mapped_cost.currency != current.currency:
            raise CurrencyMismatch(
                f"mapping cost in {mapped_cost.currency}, 1688 price in {current.currency}",
                f"映射成本币种 {mapped_cost.currency} 与1688价格币种 {current.currency} 不一致",
            )
        moved = current.amount - mapped_cost.amount
        # Compared by multiplication, not division: exactly at the tolerance is allowed, to the cent.
        if abs(moved) > policy.price_tolerance * mapped_cost.amount:
            reasons.append(ReasonCode.PRICE_MOVED)
            facts["pct"] = _pct(moved / mapped_cost.amount, signed=True)
            facts["tolerance"] = _pct(policy.price_tolerance)
            facts["mapped_cost"] = f"{mapped_cost.amount:f}"
            facts["current_cost"] = f"{current.amount:f}"
    net = _revenue(line, current.currency, policy.fx) * (_ONE - policy.platform_commission)
    cost = current.amount * needed
    if net <= 0 or net - cost < policy.margin_floor * net:
        reasons.append(ReasonCode.MARGIN_BELOW_FLOOR)
        if net > 0:
            facts["margin"] = _pct((net - cost) / net)
        facts["floor"] = _pct(policy.margin_floor)


# What the policy asks of a supplier, as the message says it: (trust pass, super factory) → (zh, en).
_REQUIRED_LABELS = {
    (True, True): ("诚信通+超级工厂", "both TrustPass and a super factory"),
    (True, False): ("诚信通会员", "a TrustPass member"),
    (False, True): ("超级工厂", "a super factory"),
    (False, False): ("", ""),
}


def _check_supplier(
    supplier: SupplierFacts, policy: RoutingPolicy, reasons: list[ReasonCode], facts: dict[str, str]
) -> None:
    if not supplier.dropship_relation:
        reasons.append(ReasonCode.NO_DROPSHIP_RELATION)
        facts["supplier"] = supplier.member_id
    lacks_trust_pass = policy.require_trust_pass and not supplier.trust_pass
    lacks_super_factory = policy.require_super_factory and not supplier.super_factory
    if lacks_trust_pass or lacks_super_factory:
        reasons.append(ReasonCode.SUPPLIER_NOT_ELIGIBLE)
        facts["supplier"] = supplier.member_id
        facts["required_zh"], facts["required_en"] = _REQUIRED_LABELS[
            (policy.require_trust_pass, policy.require_super_factory)
        ]


def decide(line: LineFacts, policy: RoutingPolicy) -> RoutingDecision:
    """Buy, manual (with every reason) or skip — see the module docstring for the order of checks."""
    status = line.order_status
    if status == CANCELLED_STATUS or line.closed_before_shipping:
        return _CANCELLED
    frozen = line.frozen or status == FROZEN_STATUS
    in_issue = line.in_issue or status == IN_ISSUE_STATUS
    if frozen or in_issue:
        return _FROZEN_IN_ISSUE if frozen and in_issue else _FROZEN if frozen else _IN_ISSUE

    reasons: list[ReasonCode] = []
    facts: dict[str, str] = {}
    mapped = line.mapped
    if mapped is None:
        reasons.append(ReasonCode.UNMAPPED_SKU)
        if line.sku_code:
            facts["sku"] = line.sku_code
    else:
        _check_goods(line, mapped, policy, reasons, facts)

    country = line.destination_country.upper()
    supplier = line.supplier
    if country and (
        country in policy.blocked_countries
        or (supplier is not None and country in supplier.excluded_countries)
    ):
        reasons.append(ReasonCode.DESTINATION_NOT_SERVED)
        facts["country"] = country

    if supplier is not None:
        _check_supplier(supplier, policy, reasons, facts)
    elif mapped is not None:
        reasons.append(ReasonCode.SUPPLIER_NOT_ELIGIBLE)  # nothing known about the supplier: no guessing

    missing = missing_address_fields(line.address)
    if not country:
        missing = (*missing, "country")
    if missing:
        reasons.append(ReasonCode.ADDRESS_INCOMPLETE)
        facts["missing_zh"] = "、".join(_FIELD_ZH[name] for name in missing)
        facts["missing_en"] = ", ".join(_FIELD_EN.get(name, name) for name in missing)

    if reasons:
        return RoutingDecision("manual", tuple(reasons), facts)
    return _APPROVAL if policy.approve_every_purchase else _BUY
