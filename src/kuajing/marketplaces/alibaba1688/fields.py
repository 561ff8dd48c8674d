"""Field types for reading 1688 replies exactly: yuan strings and fen integers become ``Money``,
times become aware UTC datetimes, numeric ids become strings.

Replies are decoded with ``json.loads(parse_float=Decimal)`` (see ``replies.py``), so a number
that arrives with a decimal point is already an exact ``Decimal`` here, never a float.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainValidator
from pydantic.alias_generators import to_camel

from kuajing.kit.errors import KuajingError
from kuajing.kit.money import Money
from kuajing.marketplaces.alibaba1688.timeformat import from_aop_time, from_epoch_millis

CURRENCY = "CNY"


class AopModel(BaseModel):
    """A reply object: camelCase on the wire, snake_case in Python, unknown fields ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        frozen=True,
        extra="ignore",
        arbitrary_types_allowed=True,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _yuan(value: Any) -> Money:
    """Yuan as a string ("12.35", sub-fen allowed: "0.035") or an exact number."""
    if not (isinstance(value, str) or _is_number(value)):
        raise ValueError(f"expected a yuan amount as a string, got {type(value).__name__}")
    try:
        return Money.of(value, CURRENCY)
    except KuajingError as exc:
        raise ValueError(exc.message_en) from None


def _fen(value: Any) -> Money:
    """Fen as an integer (a numeric string is tolerated); a fraction of a fen is not."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if not _is_number(value) or Decimal(value) != Decimal(value).to_integral_value():
        raise ValueError(f"expected a whole number of fen, got {value!r}")
    return Money.from_minor(int(value), CURRENCY)


def _aop_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected a 1688 time string, got {type(value).__name__}")
    return from_aop_time(value)


def _epoch_or_aop_time(value: Any) -> datetime:
    if _is_number(value):
        return from_epoch_millis(int(value))
    if isinstance(value, str) and value.isdigit():
        return from_epoch_millis(int(value))
    return _aop_time(value)


def _text(value: Any) -> Any:
    # Ids arrive as JSON numbers on some APIs and strings on others; kuajing keeps them as text.
    return str(value) if _is_number(value) else value


def _empty_to_none(value: Any) -> Any:
    return None if value == "" else value


Yuan = Annotated[Money, PlainValidator(_yuan)]
Fen = Annotated[Money, PlainValidator(_fen)]
AopTime = Annotated[datetime, PlainValidator(_aop_time)]
PushTime = Annotated[datetime, PlainValidator(_epoch_or_aop_time)]
Text = Annotated[str, BeforeValidator(_text)]
# 1688 leaves some fields empty rather than absent (payTime of an unpaid order).
OptionalYuan = Annotated[Yuan | None, BeforeValidator(_empty_to_none)]
OptionalTime = Annotated[AopTime | None, BeforeValidator(_empty_to_none)]
