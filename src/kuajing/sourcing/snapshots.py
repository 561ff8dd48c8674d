"""What we last read of a 1688 offer, refreshed through the API when older than ``max_age``.

Routing needs the supplier's flags, each spec's dropship price and stock; reading them once per
offer per few minutes keeps a busy pass inside 1688's call rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.marketplaces.alibaba1688 import Alibaba1688Client, ProductDetail
from kuajing.marketplaces.errors import BusinessError
from kuajing.sourcing.tables import OfferSnapshotRow

OFFER_NOT_FOUND = "500_001"


@dataclass(frozen=True)
class SpecSnapshot:
    spec_id: str
    consign_price: Decimal | None
    price: Decimal | None
    stock: int
    attributes: str


class OfferSnapshots:
    """Per-pass reader: one API call per offer at most, then the database row."""

    def __init__(
        self,
        session: Session,
        client: Alibaba1688Client | None,
        *,
        now: datetime,
        max_age: timedelta = timedelta(minutes=10),
    ) -> None:
        self.session = session
        self.client = client
        self.now = now
        self.max_age = max_age
        self._seen: dict[int, OfferSnapshotRow | None] = {}
        self._stored: dict[int, OfferSnapshotRow] = {}  # read ahead by ``preload``, not yet looked at
        self._specs: dict[tuple[int, str], SpecSnapshot | None] = {}

    def preload(self, offer_ids: Iterable[int]) -> None:
        """Read the stored rows of many offers in one query (a batch of orders names hundreds)."""
        wanted = {
            offer_id for offer_id in offer_ids if offer_id not in self._seen and offer_id not in self._stored
        }
        if wanted:
            query = select(OfferSnapshotRow).where(OfferSnapshotRow.offer_id.in_(wanted))
            self._stored.update((row.offer_id, row) for row in self.session.scalars(query))

    def get(self, offer_id: int) -> OfferSnapshotRow | None:
        """The offer as 1688 shows it; None if 1688 does not know it (delisted rows say status)."""
        if offer_id in self._seen:
            return self._seen[offer_id]
        row = (
            self._stored.pop(offer_id)
            if offer_id in self._stored
            else self.session.get(OfferSnapshotRow, offer_id)
        )
        if self.client is not None and (row is None or row.fetched_at < self.now - self.max_age):
            try:
                row = self._store(self.client.product_detail(offer_id), row)
            except BusinessError as error:
                if error.platform_code != OFFER_NOT_FOUND:
                    raise
                if row is not None:
                    row.status = "deleted"
                    row.fetched_at = self.now
                else:
                    row = None
        self._seen[offer_id] = row
        return row

    def spec_ids(self, offer_id: int) -> frozenset[str] | None:
        row = self.get(offer_id)
        return None if row is None else frozenset(row.specs)

    def spec(self, offer_id: int, spec_id: str) -> SpecSnapshot | None:
        key = (offer_id, spec_id)
        if key not in self._specs:
            self._specs[key] = self._spec(offer_id, spec_id)
        return self._specs[key]

    def _spec(self, offer_id: int, spec_id: str) -> SpecSnapshot | None:
        row = self.get(offer_id)
        if row is None or spec_id not in row.specs:
            return None
        data = row.specs[spec_id]
        return SpecSnapshot(
            spec_id=spec_id,
            consign_price=Decimal(data["consign_price"]) if data.get("consign_price") else None,
            price=Decimal(data["price"]) if data.get("price") else None,
            stock=int(data.get("stock", 0)),
            attributes=str(data.get("attributes", "")),
        )

    def _store(self, detail: ProductDetail, row: OfferSnapshotRow | None) -> OfferSnapshotRow:
        specs = {
            sku.spec_id: {
                "price": str(sku.price.amount) if sku.price else None,
                "consign_price": str(sku.consign_price.amount) if sku.consign_price else None,
                "stock": sku.amount_on_sale,
                "attributes": " ".join(f"{a.name}:{a.value}" for a in sku.attributes),
            }
            for sku in detail.skus
            if sku.spec_id
        }
        if row is None:
            row = OfferSnapshotRow(offer_id=detail.offer_id)
            self.session.add(row)
        row.subject = detail.subject[:500]
        row.status = detail.status
        row.supplier_member_id = detail.seller.member_id
        row.supplier_name = detail.seller.company_name
        row.trust_pass = detail.seller.trust_pass
        row.super_factory = detail.seller.super_factory
        row.dropship = detail.seller.dropship
        row.specs = specs
        row.fetched_at = self.now
        self.session.flush()
        return row
