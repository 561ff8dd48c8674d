"""``kuajing alerts``: send a test message through a channel's real code."""

from __future__ import annotations

import typer

from kuajing.config import get_settings
from kuajing.notify.channels import ChannelError
from kuajing.notify.model import CHANNELS, AlertMessage
from kuajing.notify.setup import channel_for

alerts_app = typer.Typer(no_args_is_help=True)

TEST_MESSAGE = AlertMessage(
    title_zh="kuajing 测试告警",
    title_en="kuajing test alert",
    body_zh="这是一条测试消息:告警通道配置正确。",
    body_en="This is a test message: the alert channel is set up correctly.",
)


@alerts_app.command("test", help="Send one test message; exit non-zero with the receiver's reply if refused.")
def test_channel(
    channel: str = typer.Option(..., "--channel", help="dingtalk | feishu | wecom | email"),
    target: str = typer.Option(..., "--target", help="Webhook URL, or an e-mail address"),
    secret: str = typer.Option("", "--secret", help="DingTalk / Feishu signing secret (加签)"),
) -> None:
    if channel not in CHANNELS:
        typer.secho(f"错误 / error: unknown channel {channel!r} ({', '.join(CHANNELS)})", fg="red", err=True)
        raise typer.Exit(2)
    try:
        reply = channel_for(channel, target, secret, get_settings()).send(TEST_MESSAGE)
    except ChannelError as error:
        typer.secho(f"拒绝 / refused [{error.code}] {channel}: {error.reply}", fg="red", err=True)
        raise typer.Exit(1) from error
    except ValueError as error:
        typer.secho(f"错误 / error: {error}", fg="red", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"已送达 / delivered via {channel}: {reply}")
