"""Log redaction: secret values and credential parameters never reach a log line.

Two nets, both applied when a log record is made (``logging.setLogRecordFactory``), so every
handler — the console, a file, uvicorn's, pytest's ``caplog`` — sees the redacted record:

- every secret value the process has handled (each value that passes an encrypted column, the
  secrets in the settings) is replaced by ``***`` wherever it appears;
- credential parameters are masked by shape, for values never seen before: ``access_token=…``,
  ``refresh_token=…``, ``app_secret=…``, ``client_secret=…``, ``sign=…``, ``_aop_signature=…``,
  ``key=…`` (WeCom), a Feishu robot's ``/hook/<id>``, the password in ``smtp://user:pass@``, and
  the same names as JSON or dict keys. httpx logs each request's URL, and AliExpress puts
  ``access_token`` and ``sign`` in the query string.

``install`` is called by ``kuajing.cli.main``, and by ``attach`` for every engine (so the web app
and the job workers have it too); calling it again only adds the settings' secrets.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

MASK = "***"
MIN_LENGTH = 8  # shorter values ("s", "k" in tests) would blank unrelated text; real tokens are long

_NAMES = r"access_token|refresh_token|app_secret|client_secret|_aop_signature|sign|key|secret|password"
_QUERY = re.compile(rf"(?i)(?<![A-Za-z0-9_])((?:{_NAMES})=)([^&\s'\"<>,;)]+)")
_QUOTED = re.compile(
    r"(?i)([\"']?(?:access_token|refresh_token|app_secret|client_secret|secret|password|sign)[\"']?"
    r"\s*[:=]\s*[\"'])([^\"']+)"
)
_HOOK = re.compile(r"(/hook/)([^/?\s'\"<>]+)")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)([^@/\s]+)(@)")

_known: set[str] = set()
_known_pattern: re.Pattern[str] | None = None
_lock = threading.Lock()
_installed = False


class _HasSecrets(Protocol):
    def model_dump(self) -> dict[str, Any]: ...


def remember(value: str | None) -> None:
    """Teaches the redaction a secret value (short ones are ignored, see MIN_LENGTH)."""
    global _known_pattern
    if not value or len(value) < MIN_LENGTH or value in _known:
        return
    with _lock:
        _known.add(value)
        _known_pattern = None


def remember_all(values: Iterable[str]) -> None:
    for value in values:
        remember(value)


def _pattern() -> re.Pattern[str] | None:
    global _known_pattern
    pattern = _known_pattern
    if pattern is None and _known:
        with _lock:
            ordered = sorted(_known, key=len, reverse=True)  # longest first: no half-masked values
            pattern = _known_pattern = re.compile("|".join(re.escape(value) for value in ordered))
    return pattern


def redact(text: str) -> str:
    pattern = _pattern()
    if pattern is not None:
        text = pattern.sub(MASK, text)
    text = _QUERY.sub(rf"\g<1>{MASK}", text)
    text = _QUOTED.sub(rf"\g<1>{MASK}", text)
    text = _HOOK.sub(rf"\g<1>{MASK}", text)
    return _URL_PASSWORD.sub(rf"\g<1>{MASK}\g<3>", text)


def secrets_in_settings(settings: _HasSecrets) -> list[str]:
    """The secret values in the settings: app secrets, tokens, robot secrets and the keys of their
    webhooks, the SMTP password, the encryption keys."""
    values: list[str] = []
    for name, value in settings.model_dump().items():
        if not isinstance(value, str) or not value:
            continue
        if "webhook" in name or name.endswith("smtp_url"):
            values.extend(_url_secrets(value))
        elif any(word in name for word in ("secret", "token", "password")):
            values.extend(part.strip() for part in value.split(","))
    return values


def _url_secrets(url: str) -> list[str]:
    parts = urlsplit(url)
    found = [value for _, value in parse_qsl(parts.query)]
    if "/hook/" in parts.path:
        found.append(parts.path.rsplit("/", 1)[-1])
    if parts.password:
        found.append(parts.password)
    return found


def _scrub_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return redact(value)
    try:
        text = str(value)  # httpx logs its URL objects: judge them as they will be printed
    except Exception:
        return value
    cleaned = redact(text)
    return value if cleaned == text else cleaned


def scrub(record: logging.LogRecord) -> logging.LogRecord:
    """The record with every secret masked (message, arguments, exception and stack text)."""
    record.msg = _scrub_value(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_scrub_value(arg) for arg in record.args)
    elif isinstance(record.args, Mapping):
        record.args = {key: _scrub_value(arg) for key, arg in record.args.items()}
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    try:
        message = record.getMessage()
    except Exception:  # a bad format string is the logging module's to report, as before
        return record
    cleaned = redact(message)
    if cleaned != message:  # a secret that only appears once formatted
        record.msg, record.args = cleaned, ()
    return record


def install(settings: _HasSecrets | None = None) -> None:
    """Redacts every log record made from now on in this process; idempotent."""
    global _installed
    if settings is not None:
        remember_all(secrets_in_settings(settings))
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return scrub(previous(*args, **kwargs))

        logging.setLogRecordFactory(make_record)
        _installed = True


class RedactingFilter(logging.Filter):
    """The same redaction as a handler filter, for a handler set up before ``install`` ran."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrub(record)
        return True
