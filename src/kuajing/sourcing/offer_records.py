"""An offer as it comes in (from a file or the 1688 API), before it is stored: pure data.

``content_hash`` covers everything the import would write, so re-importing the same offer is seen
as unchanged without touching the database row. Only the fields the source gave are written over a
stored offer (``offer_values``): a file without a weight column does not erase a fetched weight.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class SupplierRecord:
    member_id: str  # the 1688 memberId, or the supplier's name where a file gives no id
    name: str
    values: dict[str, Any] = field(default_factory=dict)  # flags and region the source stated

    def row(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "name": self.name, **self.values}


@dataclass(frozen=True)
class SpecRecord:
    spec_id: str
    attributes: str = ""
    price: Decimal | None = None
    consign_price: Decimal | None = None
    stock: int | None = None

    def row(self, offer_row_id: int) -> dict[str, Any]:
        return {
            "offer_row_id": offer_row_id,
            "spec_id": self.spec_id,
            "attributes": self.attributes,
            "price": self.price,
            "consign_price": self.consign_price,
            "stock": self.stock,
        }


@dataclass(frozen=True)
class OfferRecord:
    offer_id: int
    title: str
    supplier: SupplierRecord
    unit_price: Decimal
    price_tiers: list[tuple[int, Decimal]]
    min_order_quantity: int = 1
    optional: dict[str, Any] = field(default_factory=dict)  # title_en, category, material, hs_code
    weight_g: int | None = None
    size_cm: tuple[Decimal, Decimal, Decimal] | None = None
    attributes: dict[str, Any] | None = None
    specs: list[SpecRecord] = field(default_factory=list)
    source: str = ""

    def offer_values(self) -> dict[str, Any]:
        """The columns this record sets (the source gave them), without keys and bookkeeping."""
        values: dict[str, Any] = {
            "title": self.title,
            "unit_price": self.unit_price,
            "price_tiers": [[start, f"{amount:f}"] for start, amount in self.price_tiers],
            "min_order_quantity": self.min_order_quantity,
            **self.optional,
        }
        if self.weight_g is not None:
            values["weight_g"] = self.weight_g
        if self.size_cm is not None:
            values["length_cm"], values["width_cm"], values["height_cm"] = self.size_cm
        if self.attributes is not None:
            values["attributes"] = self.attributes
        return values

    @property
    def content_hash(self) -> str:
        payload = {
            "offer": self.offer_values(),
            "supplier": self.supplier.row(),
            "specs": [[s.spec_id, s.attributes, s.price, s.consign_price, s.stock] for s in self.specs],
        }
        return hashlib.sha256(_ENCODER.encode(payload).encode()).hexdigest()


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    raise TypeError(f"cannot hash {type(value).__name__}")


# One encoder for every hash (json.dumps with options builds a new one per call); same text.
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_plain)
