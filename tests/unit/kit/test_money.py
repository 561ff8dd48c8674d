from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kuajing.kit.money import CurrencyMismatch, FxRate, Money, MoneyError


def test_fen_convert_to_exact_yuan() -> None:
    assert Money.from_minor(1999, "CNY") == Money(Decimal("19.99"), "CNY")
    assert Money.from_minor("1", "cny").amount == Decimal("0.01")


def test_sub_fen_prices_keep_their_precision_until_rounded() -> None:
    piece = Money.of("0.035", "CNY")
    assert (piece * 3).amount == Decimal("0.105")
    assert (piece * 3).rounded().amount == Decimal("0.11")  # half up, as money changes hands


def test_float_amounts_are_refused() -> None:
    with pytest.raises(MoneyError):
        Money.of(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money.of("1", "USD") * 1.5  # type: ignore[operator]


def test_adding_different_currencies_is_an_error() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = Money.of("1", "USD") + Money.of("1", "CNY")


def test_bad_currency_code_is_refused() -> None:
    with pytest.raises(MoneyError):
        Money.of("1", "US")


def test_fx_rate_converts_both_ways_with_its_date() -> None:
    rate = FxRate("USD", "CNY", Decimal("7.10"), date(2026, 11, 1))
    assert rate.convert(Money.of("2", "USD")) == Money(Decimal("14.20"), "CNY")
    assert rate.convert(Money.of("71", "CNY")).rounded() == Money(Decimal("10.00"), "USD")
    with pytest.raises(CurrencyMismatch):
        rate.convert(Money.of("1", "EUR"))


def test_to_minor_rounds_then_scales() -> None:
    assert Money.of("19.995", "CNY").to_minor() == 2000
    assert Money.of("1500", "KRW").to_minor() == 1500
