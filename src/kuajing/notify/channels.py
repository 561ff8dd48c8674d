"""The four channels: DingTalk, Feishu/Lark and WeCom group robots over HTTPS, and SMTP e-mail.

Errors, as httpx keeps transport apart from protocol:

    ChannelError (KuajingError)
    ├── ChannelRefused      the receiver answered and said no (bad signature, bad key, …);
    │                       ``retryable`` when the code means "later" (rate limited)
    ├── ChannelUnavailable  5xx or a connection that never carried the request: safe to retry
    └── ChannelTimeout      the request may have arrived: retrying may duplicate (see service.py)

A channel's ``send`` returns the receiver's reply text when the message was accepted.
"""

from __future__ import annotations

import json
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import httpx

from kuajing.kit.errors import KuajingError
from kuajing.notify.model import AlertMessage
from kuajing.notify.signing import dingtalk_signed_url, feishu_sign

# Codes that mean "too fast, try later": DingTalk 130101, Feishu 11232, WeCom 45009.
RETRYABLE_CODES = frozenset({130101, 11232, 45009})


class ChannelError(KuajingError):
    code = "alert_channel_error"
    http_status = 502

    def __init__(self, channel: str, reply: str, message_zh: str, *, retryable: bool) -> None:
        super().__init__(f"{channel}: {reply}", f"{channel}: {message_zh}: {reply}")
        self.channel, self.reply, self.retryable = channel, reply, retryable


class ChannelRefused(ChannelError):
    code = "alert_refused"

    def __init__(self, channel: str, reply: str, *, retryable: bool = False) -> None:
        super().__init__(channel, reply, "接收方拒绝", retryable=retryable)


class ChannelUnavailable(ChannelError):
    code = "alert_channel_unavailable"

    def __init__(self, channel: str, reply: str) -> None:
        super().__init__(channel, reply, "暂时无法送达", retryable=True)


class ChannelTimeout(ChannelError):
    code = "alert_channel_timeout"

    def __init__(self, channel: str, reply: str) -> None:
        super().__init__(channel, reply, "请求超时(可能已送达)", retryable=True)


def _now_ms() -> int:
    return int(time.time() * 1000)


class Channel(Protocol):
    name: str

    def send(self, message: AlertMessage) -> str: ...


def _post_json(channel: str, client: httpx.Client, url: str, body: dict[str, Any]) -> dict[str, Any]:
    try:
        response = client.post(url, json=body)
    except httpx.TimeoutException as error:
        if isinstance(error, httpx.ConnectTimeout):  # never connected: the request did not arrive
            raise ChannelUnavailable(channel, f"connect timeout: {error}") from error
        raise ChannelTimeout(channel, f"timeout: {error}") from error
    except httpx.TransportError as error:
        raise ChannelUnavailable(channel, f"{type(error).__name__}: {error}") from error
    if response.status_code >= 500:
        raise ChannelUnavailable(channel, f"HTTP {response.status_code}: {response.text[:500]}")
    try:
        reply = response.json()
    except ValueError:
        reply = None
    if not isinstance(reply, dict):
        raise ChannelRefused(channel, f"HTTP {response.status_code}: {response.text[:500]}")
    return reply


def _check(channel: str, reply: dict[str, Any], *keys: str) -> str:
    for key in keys:
        if key in reply:
            code = reply[key]
            text = json.dumps(reply, ensure_ascii=False)
            if code == 0:
                return text
            raise ChannelRefused(channel, text, retryable=code in RETRYABLE_CODES)
    raise ChannelRefused(channel, json.dumps(reply, ensure_ascii=False))


@dataclass
class DingTalkRobot:
    webhook: str
    secret: str = ""
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10.0))
    clock_ms: Callable[[], int] = _now_ms
    name: str = "dingtalk"

    def send(self, message: AlertMessage) -> str:
        url = dingtalk_signed_url(self.webhook, self.secret, self.clock_ms()) if self.secret else self.webhook
        body = {"msgtype": "markdown", "markdown": {"title": message.title_zh, "text": message.markdown()}}
        return _check(self.name, _post_json(self.name, self.client, url, body), "errcode")


@dataclass
class FeishuBot:
    webhook: str
    secret: str = ""
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10.0))
    clock_ms: Callable[[], int] = _now_ms
    name: str = "feishu"

    def send(self, message: AlertMessage) -> str:
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": message.text()}}
        if self.secret:
            timestamp = self.clock_ms() // 1000
            body = {"timestamp": str(timestamp), "sign": feishu_sign(self.secret, timestamp), **body}
        return _check(self.name, _post_json(self.name, self.client, self.webhook, body), "code", "StatusCode")


@dataclass
class WeComRobot:
    webhook: str  # https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… (the key is the secret)
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10.0))
    name: str = "wecom"

    def send(self, message: AlertMessage) -> str:
        body = {"msgtype": "markdown", "markdown": {"content": message.markdown()}}
        return _check(self.name, _post_json(self.name, self.client, self.webhook, body), "errcode")


@dataclass(frozen=True)
class SmtpServer:
    """``smtp://user:pass@host:port`` (plain, STARTTLS with ``?starttls=1``) or ``smtps://`` (TLS)."""

    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = False
    ssl: bool = False

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP server must look like smtp://user:pass@host:port")
        ssl = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if ssl else 25),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            starttls="starttls=1" in parts.query or "starttls=true" in parts.query,
            ssl=ssl,
        )


@dataclass
class EmailChannel:
    server: SmtpServer
    to: str
    sender: str = "kuajing@localhost"
    timeout: float = 10.0
    name: str = "email"

    def send(self, message: AlertMessage) -> str:
        mail = EmailMessage()
        mail["Subject"] = f"{message.title_zh} / {message.title_en}"
        mail["From"], mail["To"] = self.sender, self.to
        mail.set_content(message.text(), charset="utf-8")
        smtp_class = smtplib.SMTP_SSL if self.server.ssl else smtplib.SMTP
        try:
            with smtp_class(self.server.host, self.server.port, timeout=self.timeout) as smtp:
                if self.server.starttls:
                    smtp.starttls()
                if self.server.user:
                    smtp.login(self.server.user, self.server.password)
                refused = smtp.send_message(mail)
        except smtplib.SMTPResponseException as error:
            detail = f"{error.smtp_code} {error.smtp_error!r}"
            raise ChannelRefused(self.name, detail, retryable=400 <= error.smtp_code < 500) from error
        except smtplib.SMTPRecipientsRefused as error:
            raise ChannelRefused(self.name, str(error.recipients)) from error
        except TimeoutError as error:
            raise ChannelTimeout(self.name, str(error)) from error
        except (OSError, smtplib.SMTPException) as error:
            raise ChannelUnavailable(self.name, f"{type(error).__name__}: {error}") from error
        if refused:
            raise ChannelRefused(self.name, str(refused))
        return "250 accepted"
