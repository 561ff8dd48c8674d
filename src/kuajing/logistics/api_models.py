"""A quote request as the API and the calculator page receive it, checked field by field.

``POST /api/logistics/quote`` (JSON) and ``GET /logistics/quote`` (query string, so a quote is a
link to share) are read by the same model, so a field means the same in both. Money travels as a
string ("12.50"): a JSON float has already lost exactness. Every problem names its field and says
why in both languages (``QuoteInputInvalid``, 422); ``to_quote_request`` then builds the core's
``QuoteRequest``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from kuajing.kit.errors import ValidationFailed
from kuajing.logistics.landed import QuoteRequest
from kuajing.logistics.model import Parcel, parse_size_cm

_HS_SEPARATORS = re.compile(r"[\s,,;;、]+")
_HS_CODE = re.compile(r"\d{6,10}")


def _problem(en: str, zh: str) -> PydanticCustomError:
    """A validator's error carrying both languages (read back by ``_field_problems``)."""
    return PydanticCustomError("kuajing_field", "{en}", {"en": en, "zh": zh})


def _amount(value: Any, *, positive: bool) -> Decimal:
    if isinstance(value, float | bool):
        raise _problem('send the amount as a string, e.g. "12.50"', '金额请以字符串填写,如 "12.50"')
    text = str(value).strip().lstrip("¥￥$").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _problem(f"expected an amount, got {value!r}", f"应为金额,实为 {value!r}") from None
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        need_en, need_zh = ("more than 0", "大于 0") if positive else ("0 or more", "不小于 0")
        raise _problem(f"must be {need_en}, got {value!r}", f"须{need_zh},实为 {value!r}")
    return amount


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class QuoteInput(BaseModel):
    """One order of an offer spec: the 1688 unit price, the parcel, its HS codes, where and when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    goods_cny: Decimal  # 1688 unit price in CNY (the tier price for ``quantity``)
    quantity: int = Field(1, ge=1, le=100_000)
    weight_g: int = Field(gt=0, le=100_000)  # gross weight of the whole parcel
    size_cm: tuple[Decimal, Decimal, Decimal] | None = None
    hs_codes: tuple[str, ...]  # one per distinct item in the parcel
    country: str
    date: dt.date | None = None  # the order's date picks the rate card and tax rule; default today
    line: str | None = None  # quote only this line
    price_usd: Decimal | None = None  # AliExpress price without VAT; None: priced for the target margin
    category: str | None = None  # commission category (costs.toml); None: the default
    dropship: bool = True
    battery: bool = False
    liquid: bool = False
    magnetic: bool = False

    @field_validator("goods_cny", mode="before")
    @classmethod
    def _goods(cls, value: Any) -> Decimal:
        return _amount(value, positive=False)

    @field_validator("price_usd", mode="before")
    @classmethod
    def _price(cls, value: Any) -> Decimal | None:
        return None if _blank(value) else _amount(value, positive=True)

    @field_validator("size_cm", mode="before")
    @classmethod
    def _size(cls, value: Any) -> tuple[Decimal, Decimal, Decimal] | None:
        """``"15x8x2"`` (the form, the CLI) or three numbers (JSON), read by ``parse_size_cm``."""
        if _blank(value):
            return None
        is_list = isinstance(value, Sequence) and not isinstance(value, str)
        text = "x".join(str(side) for side in value) if is_list and len(value) == 3 else str(value)
        try:
            return parse_size_cm(text)
        except ValidationFailed:
            raise _problem(
                f"expected three sides in cm like 15x8x2, got {value!r}",
                f"应为三边长(厘米),如 15x8x2,实为 {value!r}",
            ) from None

    @field_validator("hs_codes", mode="before")
    @classmethod
    def _hs_codes(cls, value: Any) -> tuple[str, ...]:
        items = _HS_SEPARATORS.split(value.strip()) if isinstance(value, str) else value
        if not isinstance(items, Sequence) or isinstance(items, str):
            raise _problem("expected a list of HS codes", "应为 HS 编码列表")
        codes = [str(item).strip().replace(".", "").replace(" ", "") for item in items if str(item).strip()]
        if not codes:
            raise _problem("at least one HS code is needed, e.g. 392690", "至少需要一个 HS 编码,如 392690")
        bad = [code for code in codes if not _HS_CODE.fullmatch(code)]
        if bad:
            raise _problem(
                f"an HS code has 6 to 10 digits: {', '.join(bad)}",
                f"HS 编码应为 6–10 位数字: {', '.join(bad)}",
            )
        return tuple(codes)

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> str:
        code = str(value or "").strip().upper()
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise _problem(
                f"expected a two-letter ISO country code like DE, got {value!r}",
                f"应为两位 ISO 国家代码(如 DE),实为 {value!r}",
            )
        return code

    @field_validator("date", "line", "category", mode="before")
    @classmethod
    def _optional_text(cls, value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value

    def special(self) -> tuple[str, ...]:
        return tuple(kind for kind in ("battery", "liquid", "magnetic") if getattr(self, kind))


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message_zh: str
    message_en: str


class QuoteInputInvalid(ValidationFailed):
    """The quote request has bad fields; ``details["problems"]`` lists each with its reason."""

    code = "quote_input_invalid"

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "; ".join(f"{p.field}: {p.message_en}" for p in self.problems),
            ";".join(f"{p.field}: {p.message_zh}" for p in self.problems),
            details={
                "field": self.problems[0].field if self.problems else None,
                "problems": [asdict(problem) for problem in self.problems],
            },
        )

    def by_field(self, language: str) -> dict[str, str]:
        zh = language.lower().startswith("zh")
        return {p.field: p.message_zh if zh else p.message_en for p in self.problems}


# The Chinese for pydantic's own checks (type, range, missing); ours carry both languages.
_ZH_BY_TYPE = {
    "missing": "必填",
    "extra_forbidden": "未知字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "须不小于 {ge}",
    "less_than_equal": "须不大于 {le}",
    "bool_parsing": "应为是/否(true/false)",
    "bool_type": "应为是/否(true/false)",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "string_type": "应为文本",
}


def _field_problems(error: ValidationError) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for item in error.errors(include_url=False):
        field = str(item["loc"][0]) if item["loc"] else "body"
        context = item.get("ctx") or {}
        if item["type"] == "kuajing_field":
            en, zh = str(context["en"]), str(context["zh"])
        else:
            en = (
                item["msg"]
                if item["type"] in ("missing", "extra_forbidden")
                else (f"{item['msg']} (got {item.get('input')!r})")
            )
            zh = _ZH_BY_TYPE.get(item["type"], "无效").format(**context)
            if item["type"] not in ("missing", "extra_forbidden"):
                zh += f",实为 {item.get('input')!r}"
        if not any(p.field == field for p in problems):  # one reason per field is enough to fix it
            problems.append(FieldProblem(field, zh, en))
    return problems


def parse_quote_input(values: Mapping[str, Any]) -> QuoteInput:
    """``QuoteInput`` from JSON or query values; ``QuoteInputInvalid`` names every bad field.

    A blank value (an empty form field, a JSON null) counts as not given: the default applies,
    or "required" is the reason."""
    try:
        return QuoteInput.model_validate({key: value for key, value in values.items() if not _blank(value)})
    except ValidationError as error:
        raise QuoteInputInvalid(_field_problems(error)) from None


def to_quote_request(values: QuoteInput, today: dt.date) -> QuoteRequest:
    return QuoteRequest(
        unit_cost_cny=values.goods_cny,
        quantity=values.quantity,
        parcel=Parcel(
            values.weight_g,
            values.size_cm,
            battery=values.battery,
            liquid=values.liquid,
            magnetic=values.magnetic,
        ),
        hs_codes=values.hs_codes,
        country=values.country,
        on=values.date or today,
        price_usd=values.price_usd,
        category=values.category,
        dropship=values.dropship,
    )


__all__ = ["FieldProblem", "QuoteInput", "QuoteInputInvalid", "parse_quote_input", "to_quote_request"]
