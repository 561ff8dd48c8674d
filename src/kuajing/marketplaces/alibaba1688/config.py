"""Where and as whom the 1688 client calls: the only thing that differs between the sandbox and
the real gateway."""

from __future__ import annotations

from dataclasses import dataclass

from kuajing.config import Settings

REAL_GATEWAY = "https://gw.open.1688.com"


@dataclass(frozen=True)
class Alibaba1688Config:
    base_url: str = REAL_GATEWAY
    app_key: str = ""
    app_secret: str = ""
    access_token: str = ""
    refresh_token: str = ""
    # Users report about 5 order creations a second per app; the real limits are unpublished.
    calls_per_second: float = 5.0
    timeout_seconds: float = 10.0
    # Retries after the first attempt (so ``max_retries=4`` allows five attempts in all).
    max_retries: int = 4

    @classmethod
    def from_settings(cls, settings: Settings) -> Alibaba1688Config:
        return cls(
            base_url=settings.alibaba1688_base_url,
            app_key=settings.alibaba1688_app_key,
            app_secret=settings.alibaba1688_app_secret,
            access_token=settings.alibaba1688_access_token,
            refresh_token=settings.alibaba1688_refresh_token,
            calls_per_second=settings.alibaba1688_calls_per_second,
            timeout_seconds=settings.alibaba1688_timeout_seconds,
            max_retries=settings.alibaba1688_max_retries,
        )

    def __repr__(self) -> str:
        # Secrets are never logged, and a dataclass repr ends up in logs sooner or later.
        return (
            f"Alibaba1688Config(base_url={self.base_url!r}, app_key={self.app_key!r}, "
            f"calls_per_second={self.calls_per_second}, timeout_seconds={self.timeout_seconds}, "
            f"max_retries={self.max_retries})"
        )
