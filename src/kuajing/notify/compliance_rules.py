"""Alert rules on 合规 (compliance): listings that will be delisted, QC reports about to expire.

- ``epr_blocking:<country>:<stream>:<code>``: one cause per missing (or expired) EPR registration
  that blocks listings — registering that one number fixes them all, so it alerts once, with the
  count and a few of the listings, not once per listing;
- ``qc_expiry:doc:<id>``: a QC report (质检报告) that expires within 30 days, or has expired,
  while no other report of its category family stays valid longer.
Each cause key alerts once (the outbox keeps the first); the messages carry the next action.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kuajing.compliance import repository as compliance_repo
from kuajing.compliance.epr import QC_FAMILY_ZH, STREAM_ZH, QcFamily, Stream
from kuajing.compliance.qc_service import EXPIRY_WARN_DAYS, QcStatus, qc_statuses
from kuajing.compliance.service import recheck_stale
from kuajing.compliance.tables import ListingCheckRow, ListingRow
from kuajing.notify.model import Cause

SHOWN_LISTINGS = 3


@dataclass
class _Blocked:
    country: str
    stream: str
    code: str
    listings: list[ListingRow] = field(default_factory=list)


def blocking_causes(checks: Iterable[tuple[ListingRow, ListingCheckRow]]) -> list[Cause]:
    groups: dict[tuple[str, str, str], _Blocked] = {}
    for listing, check in checks:
        for reason in check.reasons:
            if reason.get("severity") != "blocking":
                continue
            key = (str(reason.get("country", "")), str(reason.get("stream", "")), str(reason.get("code", "")))
            group = groups.setdefault(key, _Blocked(*key))
            if listing not in group.listings:
                group.listings.append(listing)
    return [_blocking_cause(group) for _, group in sorted(groups.items())]


def _blocking_cause(group: _Blocked) -> Cause:
    stream_zh = STREAM_ZH[Stream(group.stream)] if group.stream in {s.value for s in Stream} else group.stream
    shown = ", ".join(f"{row.product_id} {row.title[:30]}" for row in group.listings[:SHOWN_LISTINGS])
    more = len(group.listings) - SHOWN_LISTINGS
    more_zh, more_en = (f" 等 {len(group.listings)} 个", f" and {more} more") if more > 0 else ("", "")
    lapsed_zh, lapsed_en = (
        ("已过期", "expired") if group.code == "expired_registration" else ("缺少", "missing")
    )
    command = f"`kuajing epr add --country {group.country} --stream {group.stream} --number …`"
    return Cause(
        f"epr_blocking:{group.country}:{group.stream}:{group.code}",
        "epr_blocking",
        f"{group.country} {stream_zh} EPR 注册号{lapsed_zh}:{len(group.listings)} 个速卖通商品将被下架"
        f"({shown}{more_zh})。下一步:注册后在合规页 /compliance/epr 或用 {command} 登记",
        f"{group.country} {group.stream} EPR number {lapsed_en}: {len(group.listings)} AliExpress listings "
        f"will be delisted ({shown}{more_en}). Next: register stream {group.stream} in {group.country}, then "
        f"enter the number on /compliance/epr or with {command}",
    )


def qc_expiry_causes(statuses: Iterable[QcStatus], today: date) -> list[Cause]:
    causes = []
    for status in statuses:
        doc = status.document
        if doc.expires_on is None or status.superseded:
            continue
        expired = doc.expires_on < today
        if not (status.expiring or expired):
            continue
        family = QcFamily(doc.family)
        left = (doc.expires_on - today).days
        when_zh = f"已于 {doc.expires_on} 过期" if expired else f"将于 {doc.expires_on} 到期(剩 {left} 天)"
        when_en = (
            f"expired on {doc.expires_on}" if expired else f"expires on {doc.expires_on} ({left} days left)"
        )
        causes.append(
            Cause(
                f"qc_expiry:doc:{doc.id}",
                "qc_expiry",
                f"{QC_FAMILY_ZH[family]}质检报告 {doc.filename}({doc.issuer}){when_zh}。下一步:重新送检,"
                "在 /compliance/qc 或用 `kuajing qc add` 上传新报告(类目审核 3–7 个工作日)",
                f"{family.value} QC report {doc.filename} ({doc.issuer}) {when_en}. Next: have the goods "
                "re-tested and upload the new report on /compliance/qc or with `kuajing qc add` (category "
                "review takes 3–7 working days)",
            )
        )
    return causes


def compliance_causes(session: Session, now: datetime, *, timezone: str = "Asia/Shanghai") -> list[Cause]:
    """Re-checks stale listings first (a new day, new rules), so the alerts follow today's statuses."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    recheck_stale(session, now=now, today=today, timezone=timezone)
    causes = blocking_causes(compliance_repo.blocking_checks(session))
    return causes + qc_expiry_causes(qc_statuses(session, today, EXPIRY_WARN_DAYS), today)
