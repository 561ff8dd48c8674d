"""``kuajing alerts``: a test message through a channel's real code; ``check`` (rules + dispatch once);
``list`` (the outbox)."""

from __future__ import annotations

import json

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.remote_clock import clock_for
from kuajing.notify.channels import ChannelError
from kuajing.notify.model import CHANNELS, AlertMessage
from kuajing.notify.run import check_and_dispatch
from kuajing.notify.setup import channel_for
from kuajing.notify.tables import AlertOutboxRow

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


def _session() -> Session:
    return make_session_factory(make_engine(get_settings().database_url))()


@alerts_app.command("check", help="Evaluate every alert rule once, then send what is due (检查并发送).")
def check(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    settings = get_settings()
    now = clock_for(settings.clock_url).now()
    with _session() as session:
        report = check_and_dispatch(session, settings, now)
    sent = report.dispatched
    if as_json:
        data = {
            "raised": report.raised,
            "messages_sent": sent.messages_sent if sent else 0,
            "rows_sent": sent.rows_sent if sent else 0,
            "failures": sent.failures if sent else [],
            "channels_configured": sent is not None,
        }
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    raised = ", ".join(f"{kind} {count}" for kind, count in report.raised.items()) or "0"
    typer.echo(f"新告警 / new alerts: {raised}")
    if sent is None:
        typer.echo("未配置告警通道,未发送 / no alert channel configured: nothing sent (KUAJING_ALERT_*)")
        return
    typer.echo(f"已发送 / sent: {sent.messages_sent} messages, {sent.rows_sent} alerts")
    for failure in sent.failures:
        typer.secho(f"失败 / failed: {failure}", fg="yellow", err=True)


@alerts_app.command("list", help="The alert outbox, newest first (告警发件箱).")
def list_alerts(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    limit: int = typer.Option(100, "--limit", help="At most this many rows."),
) -> None:
    with _session() as session:
        rows = session.scalars(select(AlertOutboxRow).order_by(AlertOutboxRow.id.desc()).limit(limit)).all()
        items = [
            {
                "id": row.id, "cause_key": row.cause_key, "kind": row.kind, "mode": row.mode,
                "state": row.state, "attempts": row.attempts, "channels": row.channels,
                "delivered": row.delivered, "raised_at": row.raised_at.isoformat(),
                "sent_at": row.sent_at.isoformat() if row.sent_at else None,
                "last_error": row.last_error, "message_zh": row.message_zh, "message_en": row.message_en,
            }
            for row in rows
        ]  # fmt: skip
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        typer.echo(
            f"#{item['id']} [{item['state']}] {item['kind']} {item['cause_key']}: {item['message_zh']}"
        )
    if not items:
        typer.echo("告警发件箱为空 / the outbox is empty")
