"""The root error type.

Every error kuajing raises on purpose is a ``KuajingError``: it carries a stable machine code,
a message in Chinese (the UI's first language) and in English, and the HTTP status a web handler
should answer with. Each context subclasses it and adds the objects involved, so one handler can
render any of them as JSON, an htmx fragment or a CLI message.
"""

from __future__ import annotations

from typing import Any


class KuajingError(Exception):
    code: str = "kuajing_error"
    http_status: int = 500

    def __init__(
        self,
        message_en: str,
        message_zh: str | None = None,
        *,
        code: str | None = None,
        http_status: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh or message_en
        if code is not None:
            self.code = code
        if http_status is not None:
            self.http_status = http_status
        self.details: dict[str, Any] = details or {}

    def message(self, lang: str = "zh-CN") -> str:
        return self.message_zh if lang.lower().startswith("zh") else self.message_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "details": self.details,
        }


class ConfigurationError(KuajingError):
    code = "configuration_error"
    http_status = 500


class NotFound(KuajingError):
    code = "not_found"
    http_status = 404


class ValidationFailed(KuajingError):
    """Bad input from a user or a file: says what and where."""

    code = "validation_failed"
    http_status = 422
