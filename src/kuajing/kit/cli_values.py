"""Command-line values (dates, decimals), read with errors that name the option; the commands' error exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation

import typer

from kuajing.kit.errors import KuajingError, ValidationFailed


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


@contextmanager
def exit_on_error() -> Iterator[None]:
    """Print a KuajingError the way ``kuajing`` does and exit 1 (also under typer's CliRunner)."""
    try:
        yield
    except KuajingError as error:
        typer.secho(
            f"错误 / error [{error.code}]: {error.message_zh}\n{error.message_en}", fg="red", err=True
        )
        raise typer.Exit(1) from error
