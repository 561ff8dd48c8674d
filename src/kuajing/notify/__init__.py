"""告警 Alerts: DingTalk / Feishu / WeCom group robots and e-mail, fed by an outbox (one row per cause)."""
