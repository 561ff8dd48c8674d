"""Each channel against a local receiver that verifies signatures as the platforms do, and aiosmtpd."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from kuajing.cli import app
from kuajing.notify.channels import (
    ChannelRefused,
    ChannelUnavailable,
    DingTalkRobot,
    EmailChannel,
    FeishuBot,
    SmtpServer,
    WeComRobot,
)
from kuajing.notify.cli import TEST_MESSAGE
from kuajing.notify.testing import RobotReceiver


@pytest.fixture
def receiver() -> Iterator[RobotReceiver]:
    with RobotReceiver() as server:
        yield server


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, _Inbox]]:
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks it is up by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, inbox
    controller.stop()


def test_dingtalk_signed_markdown_is_accepted(receiver: RobotReceiver) -> None:
    reply = DingTalkRobot(receiver.url("dingtalk"), receiver.secret).send(TEST_MESSAGE)
    assert '"errcode": 0' in reply
    body = receiver.accepted[0]["body"]
    assert body["msgtype"] == "markdown" and "测试告警" in body["markdown"]["text"]


def test_dingtalk_with_a_bad_secret_is_refused_with_the_platforms_reply(receiver: RobotReceiver) -> None:
    with pytest.raises(ChannelRefused) as refused:
        DingTalkRobot(receiver.url("dingtalk"), "SECwrong").send(TEST_MESSAGE)
    assert "310000" in refused.value.reply and not refused.value.retryable
    assert receiver.accepted == []


def test_dingtalk_stale_timestamp_is_refused(receiver: RobotReceiver) -> None:
    robot = DingTalkRobot(receiver.url("dingtalk"), receiver.secret, clock_ms=lambda: 1_000_000_000_000)
    with pytest.raises(ChannelRefused, match="timestamp"):
        robot.send(TEST_MESSAGE)


def test_feishu_signed_body_is_accepted_and_a_bad_secret_refused(receiver: RobotReceiver) -> None:
    assert '"code": 0' in FeishuBot(receiver.url("feishu"), receiver.secret).send(TEST_MESSAGE)
    body = receiver.accepted[0]["body"]
    assert body["msg_type"] == "text" and isinstance(body["timestamp"], str) and "sign" in body
    with pytest.raises(ChannelRefused, match="19021"):
        FeishuBot(receiver.url("feishu"), "nope").send(TEST_MESSAGE)


def test_wecom_key_in_the_url_is_accepted_and_a_wrong_key_refused(receiver: RobotReceiver) -> None:
    assert '"errcode": 0' in WeComRobot(receiver.url("wecom")).send(TEST_MESSAGE)
    assert receiver.accepted[0]["body"]["msgtype"] == "markdown"
    with pytest.raises(ChannelRefused, match="93000"):
        WeComRobot(receiver.url("wecom").replace("robot-token", "bad")).send(TEST_MESSAGE)


def test_a_5xx_is_unavailable_and_retryable() -> None:
    with RobotReceiver(fail_first=1) as receiver, pytest.raises(ChannelUnavailable) as error:
        WeComRobot(receiver.url("wecom")).send(TEST_MESSAGE)
    assert error.value.retryable


def test_email_arrives_with_chinese_and_english_bodies(smtp: tuple[Controller, _Inbox]) -> None:
    controller, inbox = smtp
    server = SmtpServer.from_url(f"smtp://127.0.0.1:{controller.port}")
    EmailChannel(server, "team@example.com").send(TEST_MESSAGE)
    [mail] = inbox.messages
    text = mail.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert "这是一条测试消息" in text and "test message" in text
    assert mail["To"] == "team@example.com"


def test_smtp_url_carries_user_password_and_starttls() -> None:
    server = SmtpServer.from_url("smtp://bot%40x.cn:p%40ss@mail.x.cn:587?starttls=1")
    assert (server.host, server.port, server.user, server.password, server.starttls) == (
        "mail.x.cn", 587, "bot@x.cn", "p@ss", True,
    )  # fmt: skip


def test_cli_alerts_test_exits_zero_when_accepted_and_non_zero_with_the_reply_when_refused(
    receiver: RobotReceiver,
) -> None:
    runner = CliRunner()
    args = ["alerts", "test", "--channel", "dingtalk", "--target", receiver.url("dingtalk")]
    ok = runner.invoke(app, [*args, "--secret", receiver.secret])
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(app, [*args, "--secret", "SECbad"])
    assert refused.exit_code == 1
    assert "sign not match" in refused.output
    assert len(receiver.accepted) == 1


def test_cli_alerts_test_sends_email_to_the_address_in_the_target(smtp: tuple[Controller, _Inbox]) -> None:
    controller, inbox = smtp
    port = controller.port
    target = f"smtp://127.0.0.1:{port}/ops@example.com"
    result = CliRunner().invoke(app, ["alerts", "test", "--channel", "email", "--target", target])
    assert result.exit_code == 0, result.output
    assert inbox.messages[0]["To"] == "ops@example.com"
