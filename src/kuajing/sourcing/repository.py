"""All SQL for the workbench's suppliers, offers, specs and remembered column mappings.

Writes are set-based (one executemany per batch and shape) so a 200,000-row import stays fast;
nothing here commits: the command, page or job that called the use case does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from kuajing.sourcing.tables import ColumnMappingRow, SourcedOfferRow, SourcedSpecRow, SupplierRow

_IN_CHUNK = 900  # bound parameters per IN (…): under SQLite's old 999 limit
_SUPPLIERS: Table = SupplierRow.__table__  # type: ignore[assignment]
_OFFERS: Table = SourcedOfferRow.__table__  # type: ignore[assignment]
_SPECS: Table = SourcedSpecRow.__table__  # type: ignore[assignment]


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


class SourcingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- suppliers ---------------------------------------------------------------------------------

    def suppliers_by_member_id(self, member_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(member_ids):
            for row in self.session.execute(select(_SUPPLIERS).where(_SUPPLIERS.c.member_id.in_(chunk))):
                found[row.member_id] = dict(row._mapping)
        return found

    def insert_suppliers(self, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
        if not rows:
            return {}
        result = self.session.execute(
            insert(_SUPPLIERS).returning(_SUPPLIERS.c.id, _SUPPLIERS.c.member_id), list(rows)
        )
        return {member_id: row_id for row_id, member_id in result}

    def update_suppliers(self, rows: Sequence[dict[str, Any]]) -> None:
        """Each dict: ``row_id`` and the columns to set (rows of the same shape go in one statement)."""
        self._update_by_shape(_SUPPLIERS, rows)

    def list_suppliers(self, limit: int = 100) -> list[SupplierRow]:
        return list(self.session.scalars(select(SupplierRow).order_by(SupplierRow.id).limit(limit)))

    # --- offers and specs --------------------------------------------------------------------------

    def offer_hashes(self, offer_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """offer id → (row id, content hash) for the offers already stored."""
        found: dict[int, tuple[int, str]] = {}
        for chunk in _chunks(offer_ids):
            query = select(_OFFERS.c.offer_id, _OFFERS.c.id, _OFFERS.c.content_hash).where(
                _OFFERS.c.offer_id.in_(chunk)
            )
            for offer_id, row_id, content_hash in self.session.execute(query):
                found[offer_id] = (row_id, content_hash)
        return found

    def insert_offers(self, rows: Sequence[dict[str, Any]]) -> dict[int, int]:
        """Inserts the offers; offer id → row id."""
        if not rows:
            return {}
        result = self.session.execute(insert(_OFFERS).returning(_OFFERS.c.id, _OFFERS.c.offer_id), list(rows))
        return {offer_id: row_id for row_id, offer_id in result}

    def update_offers(self, rows: Sequence[dict[str, Any]]) -> None:
        self._update_by_shape(_OFFERS, rows)

    def replace_specs(self, offer_row_ids: Sequence[int], rows: Sequence[dict[str, Any]]) -> None:
        """The offers' specs become ``rows`` (specs a source no longer lists are removed)."""
        for chunk in _chunks(offer_row_ids):
            self.session.execute(delete(_SPECS).where(_SPECS.c.offer_row_id.in_(chunk)))
        if rows:
            self.session.execute(insert(_SPECS), list(rows))

    def offer(self, offer_id: int) -> SourcedOfferRow | None:
        return self.session.scalar(select(SourcedOfferRow).where(SourcedOfferRow.offer_id == offer_id))

    def specs(self, offer_row_id: int) -> list[SourcedSpecRow]:
        query = select(SourcedSpecRow).where(SourcedSpecRow.offer_row_id == offer_row_id)
        return list(self.session.scalars(query.order_by(SourcedSpecRow.spec_id)))

    def count_offers(self) -> int:
        return self.session.scalar(select(func.count()).select_from(_OFFERS)) or 0

    def list_offers(self, limit: int = 50, offset: int = 0) -> list[tuple[SourcedOfferRow, SupplierRow]]:
        query = (
            select(SourcedOfferRow, SupplierRow)
            .join(SupplierRow, SupplierRow.id == SourcedOfferRow.supplier_id)
            .order_by(SourcedOfferRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [(offer, supplier) for offer, supplier in self.session.execute(query)]

    # --- remembered column mappings ----------------------------------------------------------------

    def column_mapping(self, signature: str) -> dict[str, str] | None:
        query = select(ColumnMappingRow.mapping).where(ColumnMappingRow.signature == signature)
        mapping = self.session.scalar(query)
        return dict(mapping) if mapping is not None else None

    def remember_column_mapping(
        self, signature: str, headers: Sequence[str], mapping: dict[str, str], now: datetime
    ) -> None:
        row = self.session.scalar(select(ColumnMappingRow).where(ColumnMappingRow.signature == signature))
        if row is None:
            row = ColumnMappingRow(
                signature=signature, headers=list(headers), mapping=mapping, updated_at=now
            )
            self.session.add(row)
        else:
            row.headers, row.mapping, row.updated_at = list(headers), dict(mapping), now
        self.session.flush()

    # --- shared ------------------------------------------------------------------------------------

    def _update_by_shape(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            shapes.setdefault(tuple(sorted(key for key in row if key != "row_id")), []).append(row)
        for columns, same in shapes.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values({name: bindparam(f"v_{name}") for name in columns})
            )
            params = [
                {"row_id": row["row_id"], **{f"v_{name}": row[name] for name in columns}} for row in same
            ]
            self.session.connection().execute(statement, params)
