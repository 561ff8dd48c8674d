"""Settings, read from the environment (and ``.env``), all prefixed ``KUAJING_``.

The same client code talks to the real gateways or the sandbox: only these settings differ.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var") / "kuajing.sqlite3"


class Settings(BaseSettings):
    database_url: str = Field(default=f"sqlite:///{DEFAULT_SQLITE_PATH}")
    timezone: str = "Asia/Shanghai"
    language: str = "zh-CN"

    # The order loop (PRODUCT.md §4): defaults a team can change.
    buy_after_minutes: float = 10.0  # KUAJING_BUY_AFTER_MINUTES: the cancellation window after payment
    run_interval_seconds: float = 60.0  # `kuajing run`: pause between passes
    auto_buy_requires_trust_pass: bool = True  # 诚信通 …
    auto_buy_requires_super_factory: bool = True  # … and 超级工厂, the guide's rule for automatic buying
    price_tolerance: str = "0.10"  # largest move from the mapping's unit cost
    # Empty: from the logistics data (logistics/data/costs.toml and fx.toml, or the user's saved costs).
    margin_floor: str = ""
    platform_commission: str = ""  # the default category's AliExpress commission
    usd_cny_rate: str = ""  # CNY per USD; set today's rate
    blocked_countries: str = ""  # comma-separated ISO codes the team does not serve
    # KUAJING_SECRET_KEY: Fernet keys, comma-separated (first encrypts, all decrypt); see kit/secrets.py.
    secret_key: str = Field(default="", repr=False)
    # Demo and tests only: follow the sandbox's simulated clock (its base URL) instead of the wall clock.
    clock_url: str = ""

    # Sign-in (accounts/): KUAJING_AUTH_REQUIRED=false only for tests and a machine nobody else reaches.
    auth_required: bool = True
    login_max_failures: int = 5  # failed sign-ins in a row before the account locks …
    login_lock_minutes: float = 15.0  # … for this long
    session_hours: float = 12.0  # a session ends this long after sign-in, or …
    session_idle_minutes: float = 120.0  # … after this long without a request
    cookie_secure: bool = False  # KUAJING_COOKIE_SECURE=true behind https: the cookie is sent only there

    # Back-off between retries of throttled or failed platform calls (both platforms).
    retry_base_delay_seconds: float = 0.5
    retry_max_delay_seconds: float = 8.0
    retry_max_throttle_wait_seconds: float = 60.0  # a platform's announced ban is honoured up to this

    # Alerts (notify/): robots and e-mail; empty = channel off. Secrets are never logged.
    # KUAJING_ALERT_DINGTALK_WEBHOOK (…/robot/send?access_token=…)
    alert_dingtalk_webhook: str = Field(default="", repr=False)
    alert_dingtalk_secret: str = Field(default="", repr=False)  # 加签 secret (SEC…)
    alert_feishu_webhook: str = Field(default="", repr=False)
    alert_feishu_secret: str = Field(default="", repr=False)
    alert_wecom_webhook: str = Field(default="", repr=False)  # …/webhook/send?key=…
    alert_email_to: str = ""
    alert_email_from: str = "kuajing@localhost"
    # smtp://user:pass@host:587?starttls=1 or smtps://…:465
    alert_smtp_url: str = Field(default="", repr=False)
    alert_digest_hour: int = 9  # local hour of the daily digest
    alert_max_attempts: int = 6
    alert_retry_base_seconds: float = 60.0
    alert_exception_queue_threshold: int = 20  # alert when more exceptions than this are open
    alerts_enabled: bool = True  # KUAJING_ALERTS_ENABLED: `kuajing run` / the demo check rules each pass
    alert_digest_kinds: str = "sla_at_risk"  # comma-separated kinds held for the daily digest
    alert_sla_at_risk: bool = True  # also alert purchases at risk (not only breached)

    # 售后: evidence files (chat records, sign-off proofs, unboxing videos), one folder per claim.
    aftersales_folder: str = "var/aftersales"  # KUAJING_AFTERSALES_FOLDER
    compliance_folder: str = "var/compliance"  # KUAJING_COMPLIANCE_FOLDER: 质检报告 (QC reports)
    hs_opinion_folder: str = "var/hs_opinions"  # KUAJING_HS_OPINION_FOLDER: 预归类意见 documents

    # AliExpress Open Platform (IOP gateway, seller side)
    aliexpress_base_url: str = "https://api-sg.aliexpress.com"
    aliexpress_app_key: str = ""
    aliexpress_app_secret: str = Field(default="", repr=False)
    aliexpress_access_token: str = Field(default="", repr=False)
    aliexpress_refresh_token: str = Field(default="", repr=False)
    aliexpress_calls_per_second: float = 10.0
    aliexpress_timeout_seconds: float = 10.0
    aliexpress_max_retries: int = 4

    # 1688 Open Platform (buyer side, cross-border dropship)
    alibaba1688_base_url: str = Field(default="https://gw.open.1688.com", alias="KUAJING_1688_BASE_URL")
    alibaba1688_app_key: str = Field(default="", alias="KUAJING_1688_APP_KEY")
    alibaba1688_app_secret: str = Field(default="", alias="KUAJING_1688_APP_SECRET", repr=False)
    alibaba1688_access_token: str = Field(default="", alias="KUAJING_1688_ACCESS_TOKEN", repr=False)
    alibaba1688_refresh_token: str = Field(default="", alias="KUAJING_1688_REFRESH_TOKEN", repr=False)
    # Users report about 5 order creations per second per app; rate limits are not published.
    alibaba1688_calls_per_second: float = Field(default=5.0, alias="KUAJING_1688_CALLS_PER_SECOND")
    alibaba1688_timeout_seconds: float = Field(default=10.0, alias="KUAJING_1688_TIMEOUT_SECONDS")
    alibaba1688_max_retries: int = Field(default=4, alias="KUAJING_1688_MAX_RETRIES")

    model_config = SettingsConfigDict(
        env_prefix="KUAJING_", env_file=".env", extra="ignore", populate_by_name=True
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
