"""All SQL of the logistics context: the documents a user imported (``logistics_documents``).

A document is stored in the dict shape the parsers of ``documents`` read, made JSON-safe by
``json_document`` (Decimals as strings, dates as ISO strings), and parsed again by those same
parsers when loaded: what was validated on import is validated again on every read, so a stored
document can never bypass the rules a shipped file obeys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kuajing.logistics.documents import DocumentInvalid, parse_cost_policy, parse_rate_card, parse_tax_rule
from kuajing.logistics.landed import CostPolicy
from kuajing.logistics.model import RateCard
from kuajing.logistics.tables import (
    DOCUMENT_KINDS,
    KIND_COSTS,
    KIND_RATE_CARD,
    KIND_TAX_RULE,
    LogisticsDocumentRow,
)
from kuajing.logistics.taxes import TaxRule


def json_document(value: Any) -> Any:
    """A parsed-TOML or xlsx value as JSON: Decimal → "1.25", date → "2026-01-01", tuples → lists."""
    if isinstance(value, Mapping):
        return {str(key): json_document(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_document(item) for item in value]
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@dataclass(frozen=True, slots=True)
class UserDocuments:
    """The user's active documents, parsed: what ``LogisticsCatalog.with_user_documents`` takes."""

    cards: tuple[RateCard, ...] = ()
    rules: tuple[TaxRule, ...] = ()
    policy: CostPolicy | None = None
    problems: tuple[str, ...] = ()  # documents that no longer parse, each with why


def origin_of(row: LogisticsDocumentRow) -> str:
    """How a stored document names itself in a validation error."""
    return f"{row.source_file} ({row.kind} {row.key} v{row.version})"


class LogisticsDocuments:
    def __init__(self, session: Session) -> None:
        self.session = session

    def save(
        self,
        kind: str,
        key: str,
        version: str,
        document: Mapping[str, Any],
        *,
        source_file: str,
        imported_at: datetime,
        imported_by: str,
    ) -> LogisticsDocumentRow:
        """Insert, or replace the row of the same kind/key/version (which becomes active again)."""
        if kind not in DOCUMENT_KINDS:
            raise ValueError(f"unknown logistics document kind: {kind!r}")
        row = self.get(kind, key, version)
        if row is None:
            row = LogisticsDocumentRow(kind=kind, key=key, version=version)
            self.session.add(row)
        row.document = json_document(document)
        row.source_file = source_file[:500]
        row.imported_at = imported_at
        row.imported_by = imported_by[:80]
        row.active = True
        self.session.flush()
        return row

    def get(self, kind: str, key: str, version: str) -> LogisticsDocumentRow | None:
        return self.session.scalars(
            select(LogisticsDocumentRow).where(
                LogisticsDocumentRow.kind == kind,
                LogisticsDocumentRow.key == key,
                LogisticsDocumentRow.version == version,
            )
        ).one_or_none()

    def list(
        self, kind: str | None = None, *, key: str | None = None, active_only: bool = True
    ) -> Sequence[LogisticsDocumentRow]:
        """Oldest import first, so that among versions of one key the last one listed is the newest."""
        query = select(LogisticsDocumentRow)
        if kind is not None:
            query = query.where(LogisticsDocumentRow.kind == kind)
        if key is not None:
            query = query.where(LogisticsDocumentRow.key == key)
        if active_only:
            query = query.where(LogisticsDocumentRow.active.is_(True))
        order = (LogisticsDocumentRow.kind, LogisticsDocumentRow.imported_at, LogisticsDocumentRow.id)
        return self.session.scalars(query.order_by(*order)).all()

    def deactivate(self, kind: str, key: str, version: str | None = None) -> int:
        """Clear ``active`` on one version (or every version) of a key; how many rows were active."""
        statement = update(LogisticsDocumentRow).where(
            LogisticsDocumentRow.kind == kind,
            LogisticsDocumentRow.key == key,
            LogisticsDocumentRow.active.is_(True),
        )
        if version is not None:
            statement = statement.where(LogisticsDocumentRow.version == version)
        result = self.session.execute(
            statement.values(active=False).execution_options(synchronize_session="fetch")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def load_active(self) -> UserDocuments:
        """Every active document parsed; one that no longer parses is reported in ``problems``."""
        cards: list[RateCard] = []
        rules: list[TaxRule] = []
        policy: CostPolicy | None = None
        problems: list[str] = []
        for row in self.list():
            try:
                if row.kind == KIND_RATE_CARD:
                    cards.append(parse_rate_card(row.document, origin_of(row), user_defined=True))
                elif row.kind == KIND_TAX_RULE:
                    rules.append(parse_tax_rule(row.document, origin_of(row), user_defined=True))
                elif row.kind == KIND_COSTS:
                    policy = parse_cost_policy(row.document, origin_of(row))  # the latest import wins
            except DocumentInvalid as error:
                problems.append(error.message_en)
        return UserDocuments(tuple(cards), tuple(rules), policy, tuple(problems))
