"""Listings from AliExpress: every product id seen on a stored order line is read with
``AliExpressClient.get_product`` (through the store's pooled client) and kept in
``compliance_listings``; the 1688 offer the order lines were bought as is kept as the mapping.

AliExpress returns the category id but not its name, nor product attributes beyond the SKU
properties: the SKU property values are kept as attributes (they carry colour, size, and often
"battery" or "bluetooth" words). A product AliExpress no longer knows is reported, not fatal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.orm import Session

from kuajing.compliance import repository as repo
from kuajing.compliance.epr import RuleBook
from kuajing.compliance.service import ListingInput, upsert_listing
from kuajing.marketplaces.aliexpress.models import Product
from kuajing.marketplaces.errors import MarketplaceError
from kuajing.stores.tables import AliExpressStore


class ProductReader(Protocol):
    def get_product(self, product_id: int) -> Product: ...


@dataclass
class ListingSyncReport:
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def product_attributes(product: Product) -> dict[str, str]:
    """SKU property values, merged per property: {"sku_property_14": "Black, White", …}."""
    values: dict[str, list[str]] = {}
    for sku in product.skus:
        for prop in sku.properties:
            if prop.property_value_definition_name:
                key = (
                    f"sku_property_{prop.sku_property_id}"
                    if prop.sku_property_id is not None
                    else "sku_property"
                )
                bucket = values.setdefault(key, [])
                if prop.property_value_definition_name not in bucket:
                    bucket.append(prop.property_value_definition_name)
    return {key: ", ".join(items) for key, items in values.items()}


def sync_listings(
    session: Session,
    client_for: Callable[[AliExpressStore], ProductReader],
    *,
    now: datetime,
    today: date,
    book: RuleBook | None = None,
    only_new: bool = False,
) -> ListingSyncReport:
    """Reads each product seen on an order from AliExpress and upserts its listing (re-checked when it
    changed). ``only_new``: just the products without a listing yet — what the order loop does after
    each pass, so a new product is checked the day it first sells; a full run refreshes the rest."""
    report = ListingSyncReport()
    stores: dict[int, AliExpressStore | None] = {}
    listed = repo.listed_product_ids(session) if only_new else set()
    for seen in repo.seen_products(session):
        if seen.product_id in listed:
            continue
        report.seen += 1
        if seen.store_id not in stores:
            stores[seen.store_id] = session.get(AliExpressStore, seen.store_id)
        store = stores[seen.store_id]
        if store is None:
            continue
        try:
            product = client_for(store).get_product(seen.product_id)
        except MarketplaceError as error:
            report.errors.append(f"product {seen.product_id} ({store.name}): {error}")
            continue
        existed = repo.listing_by_product(session, seen.product_id) is not None
        _, changed = upsert_listing(
            session,
            ListingInput(
                product_id=product.product_id,
                title=product.subject,
                store_id=store.id,
                category_id=product.category_id,
                attributes=product_attributes(product),
                offer_id=seen.offer_id,
            ),
            source="aliexpress",
            now=now,
            today=today,
            book=book,
        )
        if not existed:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
    return report
