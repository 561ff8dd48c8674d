"""Channels from the settings (KUAJING_ALERT_*), and one channel from a command line's target."""

from __future__ import annotations

from kuajing.config import Settings
from kuajing.notify.channels import (
    Channel,
    DingTalkRobot,
    EmailChannel,
    FeishuBot,
    SmtpServer,
    WeComRobot,
)


def channels_from_settings(settings: Settings) -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    if settings.alert_dingtalk_webhook:
        channels["dingtalk"] = DingTalkRobot(settings.alert_dingtalk_webhook, settings.alert_dingtalk_secret)
    if settings.alert_feishu_webhook:
        channels["feishu"] = FeishuBot(settings.alert_feishu_webhook, settings.alert_feishu_secret)
    if settings.alert_wecom_webhook:
        channels["wecom"] = WeComRobot(settings.alert_wecom_webhook)
    if settings.alert_email_to and settings.alert_smtp_url:
        server = SmtpServer.from_url(settings.alert_smtp_url)
        channels["email"] = EmailChannel(server, settings.alert_email_to, settings.alert_email_from)
    return channels


def channel_for(name: str, target: str, secret: str, settings: Settings) -> Channel:
    """``kuajing alerts test``: a robot's webhook URL, or an e-mail address (SMTP from the settings,
    or ``smtp://user:pass@host:port/address@example.com`` with the address as the path)."""
    if name == "dingtalk":
        return DingTalkRobot(target, secret)
    if name == "feishu":
        return FeishuBot(target, secret)
    if name == "wecom":
        return WeComRobot(target)
    if name == "email":
        if target.startswith(("smtp://", "smtps://")):
            base, _, address = target.rpartition("/")
            return EmailChannel(SmtpServer.from_url(base), address, settings.alert_email_from)
        if not settings.alert_smtp_url:
            raise ValueError("set KUAJING_ALERT_SMTP_URL, or give --target smtp://host:port/address")
        return EmailChannel(SmtpServer.from_url(settings.alert_smtp_url), target, settings.alert_email_from)
    raise ValueError(f"unknown channel {name!r}: dingtalk, feishu, wecom or email")
