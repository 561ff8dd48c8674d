"""Command-line values (dates, decimals), read with errors that name the option."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from kuajing.kit.errors import ValidationFailed


def day(text: str | None) -> date:
    """``--date``: YYYY-MM-DD, today when absent."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"--date: not YYYY-MM-DD: {text!r}", f"--date: 日期格式应为 YYYY-MM-DD: {text!r}"
        ) from None


def decimal(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ValidationFailed(f"--{option}: not a number: {text!r}", f"--{option}: 不是数字: {text!r}")
    return value
