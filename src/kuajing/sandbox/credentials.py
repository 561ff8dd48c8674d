"""The sandbox's app keys, secrets and tokens: from the environment, with documented defaults.

| variable                             | default                  |
|--------------------------------------|--------------------------|
| KUAJING_SANDBOX_AE_APP_KEY           | 500100                   |
| KUAJING_SANDBOX_AE_APP_SECRET        | sandbox-ae-secret        |
| KUAJING_SANDBOX_AE_ACCESS_TOKEN      | sandbox-ae-token         |
| KUAJING_SANDBOX_1688_APP_KEY         | 1688100                  |
| KUAJING_SANDBOX_1688_APP_SECRET      | sandbox-1688-secret      |
| KUAJING_SANDBOX_1688_ACCESS_TOKEN    | sandbox-1688-token       |

The AliExpress access token belongs to the first store; store *n* (n ≥ 2) uses
``<token>-store<n>``. ``/auth/token/create`` with code ``code-<seller_id>`` issues fresh tokens.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxCredentials:
    ae_app_key: str = "500100"
    ae_app_secret: str = "sandbox-ae-secret"
    ae_access_token: str = "sandbox-ae-token"
    alibaba_app_key: str = "1688100"
    alibaba_app_secret: str = "sandbox-1688-secret"
    alibaba_access_token: str = "sandbox-1688-token"

    @classmethod
    def from_env(cls) -> SandboxCredentials:
        defaults = cls()
        return cls(
            ae_app_key=os.environ.get("KUAJING_SANDBOX_AE_APP_KEY", defaults.ae_app_key),
            ae_app_secret=os.environ.get("KUAJING_SANDBOX_AE_APP_SECRET", defaults.ae_app_secret),
            ae_access_token=os.environ.get("KUAJING_SANDBOX_AE_ACCESS_TOKEN", defaults.ae_access_token),
            alibaba_app_key=os.environ.get("KUAJING_SANDBOX_1688_APP_KEY", defaults.alibaba_app_key),
            alibaba_app_secret=os.environ.get("KUAJING_SANDBOX_1688_APP_SECRET", defaults.alibaba_app_secret),
            alibaba_access_token=os.environ.get(
                "KUAJING_SANDBOX_1688_ACCESS_TOKEN", defaults.alibaba_access_token
            ),
        )

    def ae_store_token(self, store_number: int) -> str:
        """Store numbers start at 1."""
        return self.ae_access_token if store_number == 1 else f"{self.ae_access_token}-store{store_number}"
