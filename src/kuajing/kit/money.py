"""Exact money: a Decimal amount with its currency.

1688 unit prices have sub-fen tiers (¥0.035 a piece), so amounts keep full precision and are
rounded only where money actually changes hands (``rounded()``). Floats are refused outright:
a float has already lost the exactness we need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from kuajing.kit.errors import KuajingError

# ISO 4217 minor units for the currencies the product meets.
MINOR_UNITS: dict[str, int] = {
    "CNY": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "RUB": 2,
    "BRL": 2,
    "KRW": 0,
    "JPY": 0,
    "PLN": 2,
    "CHF": 2,
    "AUD": 2,
    "CAD": 2,
    "MXN": 2,
    "CLP": 0,
    "SAR": 2,
    "AED": 2,
    "ILS": 2,
    "TRY": 2,
    "UAH": 2,
    "KZT": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "CZK": 2,
    "HUF": 2,
    "NZD": 2,
    "SGD": 2,
    "THB": 2,
    "MYR": 2,
    "IDR": 2,
    "VND": 0,
    "PHP": 2,
}


class MoneyError(KuajingError):
    code = "money_error"
    http_status = 422


class CurrencyMismatch(MoneyError):
    code = "currency_mismatch"


def to_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise MoneyError(
            f"float {value!r} is not exact; pass a str or Decimal",
            f"浮点数 {value!r} 不精确,请使用字符串或 Decimal",
        )
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise MoneyError(f"not a number: {value!r}", f"不是数字: {value!r}") from exc
    if not result.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}", f"金额无效: {value!r}")
    return result


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        currency = self.currency.upper()
        if len(currency) != 3 or not currency.isalpha():
            raise MoneyError(f"bad currency code {self.currency!r}", f"币种代码无效 {self.currency!r}")
        object.__setattr__(self, "currency", currency)

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        return cls(to_decimal(amount), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, minor: int | str, currency: str) -> Money:
        """Amounts in minor units (1688 sends fen): exact, no float on the way."""
        places = MINOR_UNITS.get(currency.upper(), 2)
        return cls(to_decimal(minor).scaleb(-places), currency)

    def to_minor(self) -> int:
        places = MINOR_UNITS.get(self.currency, 2)
        return int(self.rounded().amount.scaleb(places))

    def rounded(self) -> Money:
        places = MINOR_UNITS.get(self.currency, 2)
        quantum = Decimal(1).scaleb(-places)
        return Money(self.amount.quantize(quantum, rounding=ROUND_HALF_UP), self.currency)

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"{self.currency} and {other.currency} cannot be added",
                f"{self.currency} 与 {other.currency} 不能直接相加",
            )

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float):
            raise MoneyError("multiply money by Decimal or int, not float", "金额只能乘以 Decimal 或整数")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.rounded().amount} {self.currency}"


@dataclass(frozen=True, slots=True)
class FxRate:
    """1 ``base`` = ``rate`` ``quote``, valid on ``as_of`` (conversions are always dated)."""

    base: str
    quote: str
    rate: Decimal
    as_of: date

    def convert(self, money: Money) -> Money:
        if money.currency == self.base:
            return Money(money.amount * self.rate, self.quote)
        if money.currency == self.quote:
            return Money(money.amount / self.rate, self.base)
        raise CurrencyMismatch(
            f"rate {self.base}/{self.quote} cannot convert {money.currency}",
            f"汇率 {self.base}/{self.quote} 无法换算 {money.currency}",
        )
