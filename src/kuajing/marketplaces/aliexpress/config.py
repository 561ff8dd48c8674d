"""Where and as whom the AliExpress client calls: the only thing that differs between the sandbox
and the real gateway."""

from __future__ import annotations

from dataclasses import dataclass

from kuajing.config import Settings

REAL_GATEWAY = "https://api-sg.aliexpress.com"


@dataclass(frozen=True)
class AliExpressConfig:
    base_url: str = REAL_GATEWAY
    app_key: str = ""
    app_secret: str = ""
    access_token: str = ""
    refresh_token: str = ""
    calls_per_second: float = 10.0
    timeout_seconds: float = 10.0
    # Retries after the first attempt (so ``max_retries=4`` allows five attempts in all).
    max_retries: int = 4

    @classmethod
    def from_settings(cls, settings: Settings) -> AliExpressConfig:
        return cls(
            base_url=settings.aliexpress_base_url,
            app_key=settings.aliexpress_app_key,
            app_secret=settings.aliexpress_app_secret,
            access_token=settings.aliexpress_access_token,
            refresh_token=settings.aliexpress_refresh_token,
            calls_per_second=settings.aliexpress_calls_per_second,
            timeout_seconds=settings.aliexpress_timeout_seconds,
            max_retries=settings.aliexpress_max_retries,
        )

    def __repr__(self) -> str:
        # Secrets are never logged, and a dataclass repr ends up in logs sooner or later.
        return (
            f"AliExpressConfig(base_url={self.base_url!r}, app_key={self.app_key!r}, "
            f"calls_per_second={self.calls_per_second}, timeout_seconds={self.timeout_seconds}, "
            f"max_retries={self.max_retries})"
        )
