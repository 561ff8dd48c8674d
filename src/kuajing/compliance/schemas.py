"""合规 API shapes: the same dicts for /api/compliance/..., `kuajing listings check --json` and the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kuajing.compliance import repository as repo
from kuajing.compliance.epr import STREAM_ZH, RuleBook
from kuajing.compliance.qc_service import QcStatus
from kuajing.compliance.tables import EprRegistrationRow, ListingCheckRow, ListingRow


def listing_to_dict(row: ListingRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "store_id": row.store_id,
        "product_id": row.product_id,
        "title": row.title,
        "category_id": row.category_id,
        "category_name": row.category_name,
        "attributes": row.attributes or {},
        "markets": row.markets or [],
        "offer_id": row.offer_id,
        "hs6": row.hs6,
        "source": row.source,
        "content_hash": row.content_hash,
        "checked_at": row.checked_at.isoformat() if row.checked_at else None,
    }


def check_to_dict(listing: ListingRow, check: ListingCheckRow) -> dict[str, Any]:
    return {
        "listing_id": listing.id,
        "product_id": listing.product_id,
        "title": listing.title,
        "market": check.market,
        "status": check.status,
        "streams": check.streams,
        "reasons": check.reasons,
        "rules_version": check.rules_version,
        "checked_at": check.checked_at.isoformat(),
    }


def checks_to_dicts(
    session: Session,
    *,
    market: str | None = None,
    status: str | None = None,
    scope: frozenset[int] | None = None,
) -> list[dict[str, Any]]:
    rows = repo.checks_page(session, market=market, status=status, scope=scope)
    return [check_to_dict(row, check) for row, check in rows]


def dashboard_to_dict(session: Session, scope: frozenset[int] | None = None) -> dict[str, Any]:
    """``scope``: the stores whose listings count, with the shared ones (None: every store)."""
    return {
        "markets": [
            {"market": c.market, "blocking": c.blocking, "warning": c.warning, "ok": c.ok}
            for c in repo.market_counts(session, scope)
        ],
        "worst": [
            check_to_dict(row, check) for row, check in repo.checks_page(session, limit=10, scope=scope)
        ],
        "listings": len(repo.all_listings(session, scope)),
    }


def registration_to_dict(row: EprRegistrationRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "country": row.country,
        "stream": row.stream,
        "number": row.number,
        "registered_on": _day(row.registered_on),
        "valid_until": _day(row.valid_until),
        "note": row.note,
    }


def qc_to_dict(status: QcStatus) -> dict[str, Any]:
    doc = status.document
    return {
        "id": doc.id,
        "family": doc.family,
        "filename": doc.filename,
        "issuer": doc.issuer,
        "issued_on": _day(doc.issued_on),
        "expires_on": _day(doc.expires_on),
        "note": doc.note,
        "valid": status.valid,
        "expiring": status.expiring,
        "size_bytes": doc.size_bytes,
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def rules_to_dicts(book: RuleBook) -> list[dict[str, Any]]:
    return [
        {
            "country": rule.country,
            "stream": rule.stream.value,
            "stream_zh": STREAM_ZH[rule.stream],
            "registry": rule.registry,
            "required_from": rule.required_from.isoformat(),
            "delisting_from": _day(book.delisting_from.get(rule.country)),
            "format": rule.number_format.pattern,
            "strict": rule.number_format.strict,
            "example": rule.number_format.example,
            "source": rule.source,
        }
        for rule in sorted(book.rules, key=lambda r: (r.country, r.stream.value))
    ]
