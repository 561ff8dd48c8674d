"""The supplier claim's submission deadline (索赔提交时限), pure: time is passed in.

A claim must reach the supplier / 1688 within ``claim_submit_days`` of the return case being
opened; ``warn_hours`` before that, an open or evidence-complete claim is due for an alert.
The shipped figures (``data/aftersales.toml``) are samples, to confirm with your 1688 terms.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

from kuajing.aftersales.model import ClaimState
from kuajing.kit.errors import ValidationFailed

# once submitted (or settled) the deadline no longer matters
AWAITING_SUBMISSION = frozenset({ClaimState.OPEN, ClaimState.EVIDENCE_COMPLETE})


@dataclass(frozen=True)
class ClaimDeadlinePolicy:
    claim_submit_days: int = 7
    warn_hours: int = 48

    def submit_by(self, case_opened_at: datetime) -> datetime:
        return case_opened_at + timedelta(days=self.claim_submit_days)


def load_claim_deadline_policy(path: Path | None = None, text: str | None = None) -> ClaimDeadlinePolicy:
    """Read the policy from ``text``, a file, or the shipped ``data/aftersales.toml``."""
    if text is None:
        if path is not None:
            text = path.read_text("utf-8")
        else:
            text = resources.files("kuajing.aftersales").joinpath("data/aftersales.toml").read_text("utf-8")
    data = tomllib.loads(text)
    values = {}
    for name in ("claim_submit_days", "warn_hours"):
        value = data.get(name, getattr(ClaimDeadlinePolicy, name))
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationFailed(
                f"aftersales.toml: {name} must be a whole number ≥ 0, not {value!r}",
                f"aftersales.toml：{name} 必须是不小于 0 的整数，而不是 {value!r}",
            )
        values[name] = value
    return ClaimDeadlinePolicy(**values)


def deadline_due(state: ClaimState, submit_by: datetime | None, now: datetime, warn_hours: int) -> bool:
    """Still to submit and within ``warn_hours`` of the deadline, or past it."""
    if submit_by is None or state not in AWAITING_SUBMISSION:
        return False
    return now >= submit_by - timedelta(hours=warn_hours)
