"""All SQL for HS classification: the confirmed classifications."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuajing.compliance.hs_tables import HsConfirmationRow


def add_confirmation(session: Session, row: HsConfirmationRow) -> HsConfirmationRow:
    session.add(row)
    session.flush()
    return row


def confirmations(session: Session, limit: int | None = None) -> list[HsConfirmationRow]:
    """Newest first."""
    query = select(HsConfirmationRow).order_by(HsConfirmationRow.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def confirmations_version(session: Session) -> tuple[int, int]:
    """(count, highest id): changes whenever a confirmation is added or removed."""
    count, highest = session.execute(
        select(func.count(HsConfirmationRow.id), func.max(HsConfirmationRow.id))
    ).one()
    return int(count or 0), int(highest or 0)
