"""Reading one Excel cell into the value a logistics document holds (strings for amounts, ISO dates).

Excel hands numeric cells over as floats. A float is read through its 15 significant digits
(``format(x, ".15g")``), the precision Excel itself shows and keeps, and then as a Decimal:
2.8 → "2.8", a formula giving 0.1+0.2 → "0.3", never "2.79999…"; the float itself is never used
in a computation. Text cells are kept as written ("3.60" stays "3.60"). Rates may be written as
percentages ("0.5%"). Each reader raises ``CellError`` with the reason in Chinese and English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


class CellError(Exception):
    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def excel_decimal(value: Any) -> Decimal:
    """A cell as an exact Decimal: floats through the 15 significant digits Excel keeps."""
    if isinstance(value, bool) or value is None:
        raise CellError(f"应为数字,实为 {value!r}", f"expected a number, got {value!r}")
    text = format(value, ".15g") if isinstance(value, float) else str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"应为数字,实为 {value!r}", f"expected a number, got {value!r}") from None
    if not number.is_finite():
        raise CellError(f"应为数字,实为 {value!r}", f"expected a number, got {value!r}")
    return number


def plain(number: Decimal) -> str:
    """A Decimal as the document writes it: "0.00001", never "1E-5"."""
    return f"{number:f}"


def amount(value: Any) -> str:
    """A non-negative amount or size; a leading ¥ or $ is allowed."""
    number = excel_decimal(value.strip().lstrip("¥￥$") if isinstance(value, str) else value)
    if number < 0:
        raise CellError(f"不能为负: {value!r}", f"must not be negative: {value!r}")
    return plain(number)


def rate(value: Any) -> str:
    """A share between 0 and 1, or a percentage written with %."""
    percent = isinstance(value, str) and value.strip().endswith("%")
    number = excel_decimal(value.strip().rstrip("%") if percent else value)
    if percent:
        number = number / 100
    if not 0 <= number <= 1:
        raise CellError(
            f"比率应在 0 到 1 之间(或 0%–100%): {value!r}", f"a rate between 0 and 1 (or 0%–100%): {value!r}"
        )
    return plain(number)


def whole(minimum: int) -> Callable[[Any], int]:
    def read(value: Any) -> int:
        try:
            number = excel_decimal(value)
        except CellError:
            number = Decimal("NaN")
        if not number.is_finite() or number != number.to_integral_value():
            raise CellError(f"应为整数,实为 {value!r}", f"expected a whole number, got {value!r}")
        if number < minimum:
            raise CellError(f"必须 ≥ {minimum}: {value!r}", f"must be ≥ {minimum}: {value!r}")
        return int(number)

    return read


def text(value: Any) -> str:
    """A cell as text; a number typed in Excel reads as its shortest form (1.0 → "1")."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else plain(excel_decimal(value))
    return "" if value is None else str(value).strip()


def identifier(value: Any) -> str:
    written = text(value)
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,64}", written):
        raise CellError(
            f"只能包含字母、数字、_ - .(≤64 个字符): {written!r}",
            f"letters, digits, _ - . only (≤ 64): {written!r}",
        )
    return written


def currency(value: Any) -> str:
    code = text(value).upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise CellError(f"币种应为三个字母(如 USD): {code!r}", f"a currency code like USD: {code!r}")
    return code


def day(value: Any) -> str:
    """An ISO date from a date cell or from text (2026-01-01, 2026/1/1, 2026.1.1)."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise CellError(f"应为日期,不含时间: {value!r}", f"a date without a time: {value!r}")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
            try:
                return datetime.strptime(value.strip(), pattern).date().isoformat()
            except ValueError:
                continue
    raise CellError(f"日期格式应为 YYYY-MM-DD: {value!r}", f"a date as YYYY-MM-DD: {value!r}")


def countries(value: Any) -> list[str]:
    """Two-letter codes separated by commas (also ,、; or spaces)."""
    codes = [code.upper() for code in re.split(r"[\s,,、;;]+", text(value)) if code]
    bad = [code for code in codes if not re.fullmatch(r"[A-Z]{2}", code)]
    if bad or not codes:
        raise CellError(
            f"应为逗号分隔的两位国家代码(如 US, DE),有误: {', '.join(bad) or '空'}",
            f"comma-separated two-letter country codes (US, DE); bad: {', '.join(bad) or 'none given'}",
        )
    return codes


def rates_by_country(value: Any) -> dict[str, str]:
    """``BR=0.03, MX=2%``: a failure rate per country, where it differs from the zone's."""
    rates: dict[str, str] = {}
    for part in re.split(r"[,,;;、]+", text(value)):
        if not part.strip():
            continue
        match = re.fullmatch(r"\s*([A-Za-z]{2})\s*[=:：]\s*(\S+)\s*", part)
        if match is None:
            raise CellError(f"格式应为 BR=0.03, MX=0.02: {part!r}", f"expected BR=0.03, MX=0.02: {part!r}")
        rates[match[1].upper()] = rate(match[2])
    return rates


_TRUE = frozenset({"1", "true", "yes", "y", "是", "可", "允许", "接收", "√", "✓"})
_FALSE = frozenset({"0", "false", "no", "n", "否", "不", "不允许", "不接收", "×", "✗"})


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word not in _TRUE | _FALSE:
        raise CellError(f"应为 是/否: {value!r}", f"expected yes or no: {value!r}")
    return word in _TRUE


def choice(words: Mapping[str, str]) -> Callable[[Any], str]:
    """One of a few codes, written as the code or a Chinese word for it (``words``: word → code)."""

    def read(value: Any) -> str:
        written = text(value)
        chosen = words.get(written.lower()) or words.get(written)
        if chosen is None:
            options = ", ".join(sorted(set(words.values())))
            raise CellError(f"应为 {options} 之一: {written!r}", f"must be one of {options}: {written!r}")
        return chosen

    return read
