"""Building blocks of the IOP reply models: exact field types, the base model, and the one place a
reply that does not validate becomes a ``MalformedReplyError`` naming the method and field path.

Amounts are exact: JSON numbers are decoded as ``Decimal`` (``transport.decode_json``) and strings
converted directly, never through float.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, PlainValidator, StrictBool, StrictStr
from pydantic import ValidationError as PydanticValidationError

from kuajing.kit.clock import from_ae_time
from kuajing.kit.money import Money
from kuajing.marketplaces.aliexpress.errors import malformed


def _exact_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValueError(f"expected a decimal string or number, got {type(value).__name__}")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a decimal number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def _whole_number(value: object) -> int:
    """Counts and ids the platform sends sometimes as numbers, sometimes as digit strings."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise ValueError(f"expected a whole number, got {value!r}")


def _id_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"expected a string or integer id, got {type(value).__name__}")


def _ae_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected 'yyyy-MM-dd HH:mm:ss', got {type(value).__name__}")
    try:
        return from_ae_time(value.strip())
    except ValueError:
        raise ValueError(f"expected 'yyyy-MM-dd HH:mm:ss', got {value!r}") from None


def _currency(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value):
        raise ValueError(f"expected a 3-letter currency code, got {value!r}")
    return value.upper()


def _regex(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a regular expression string, got {type(value).__name__}")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


ExactDecimal = Annotated[Decimal, PlainValidator(_exact_decimal)]
WholeNumber = Annotated[int, PlainValidator(_whole_number)]
IdText = Annotated[str, PlainValidator(_id_text)]
AeTime = Annotated[datetime, PlainValidator(_ae_time)]
Currency = Annotated[str, PlainValidator(_currency)]
Regex = Annotated[str, PlainValidator(_regex)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class BusinessStatus(Wire):
    """The ``success``/``error_code`` pair most results carry, read before the rest."""

    success: StrictBool | None = None
    error_code: IdText | None = None
    error_message: StrictStr | None = None
    error_desc: StrictStr | None = None

    @property
    def refused(self) -> bool:
        return self.success is False

    @property
    def message(self) -> str | None:
        return self.error_message or self.error_desc


class WireMoney(Wire):
    amount: ExactDecimal
    currency_code: Currency

    def to_money(self) -> Money:
        return Money(self.amount, self.currency_code)


# --- validation into one named error ------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def field_path(loc: tuple[int | str, ...], prefix: str = "") -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "<root>"


def parse_reply(
    model: type[M], data: Any, *, method: str, prefix: str = "", request_id: str | None = None
) -> M:
    """Validates ``data`` as ``model``; the first problem becomes a ``MalformedReplyError``."""
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        problem = exc.errors(include_url=False)[0]
        detail = problem["msg"]
        if problem["type"] != "missing":
            detail += f" (got {str(problem.get('input'))[:60]!r})"
        raise malformed(method, field_path(problem["loc"], prefix), detail, request_id) from None
