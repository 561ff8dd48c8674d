"""Demo and test set-up: SKU mapping rules for a sandbox's stores, as a seller would have written them.

Codes ``AE-<offer>-<n>`` get one prefix rule per offer with a per-variant map (the guide's "SKU
prefix → 1688 offer" rule); bundles (``-2P``/``-3P``) and every other code get exact rules with
their multiplier. ``skip_every`` leaves some listings unmapped on purpose, so the exception queue
has something to show.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.orm import Session

from kuajing.orders.mapping import MatchKind, OfferCatalog, SkuMappingRule
from kuajing.orders.rules_store import save_rule
from kuajing.stores.repository import StoreRepository


def sandbox_rules(
    sandbox_url: str, store_ids_by_seller: dict[str, int], *, skip_every: int = 0
) -> list[SkuMappingRule]:
    accounts = httpx.get(f"{sandbox_url}/sandbox/accounts", timeout=30).json()
    rules: list[SkuMappingRule] = []
    for store in accounts["aliexpress"]["stores"]:
        store_id = store_ids_by_seller[str(store["seller_id"])]
        listings = httpx.get(
            f"{sandbox_url}/sandbox/aliexpress/stores/{store['number']}/listings", timeout=30
        )
        for index, listing in enumerate(listings.json()["listings"]):
            if skip_every and index % skip_every == skip_every - 1:
                continue
            rules.extend(_listing_rules(listing, store_id))
    return rules


def _listing_rules(listing: dict[str, Any], store_id: int) -> list[SkuMappingRule]:
    offer_id = int(listing["offer_id"])
    prefix = f"AE-{offer_id}-"
    variants: dict[str, str] = {}
    rules: list[SkuMappingRule] = []
    for sku in listing["skus"]:
        code, multiplier = str(sku["sku_code"]), int(sku["multiplier"])
        if code.startswith(prefix) and multiplier == 1:
            variants[code.removeprefix(prefix)] = str(sku["spec_id"])
        else:
            rules.append(
                SkuMappingRule(
                    MatchKind.EXACT,
                    code,
                    offer_id,
                    spec_id=str(sku["spec_id"]),
                    quantity_multiplier=multiplier,
                    store_id=store_id,
                    priority=50,
                )
            )
    if variants:
        rules.append(
            SkuMappingRule(MatchKind.PREFIX, prefix, offer_id, variant_map=variants, store_id=store_id)
        )
    return rules


def install_sandbox_rules(
    session: Session, sandbox_url: str, catalog: OfferCatalog, *, now: datetime, skip_every: int = 0
) -> int:
    stores = {store.seller_id: store.id for store in StoreRepository(session).aliexpress_stores()}
    rules = sandbox_rules(sandbox_url, stores, skip_every=skip_every)
    for rule in rules:
        save_rule(session, rule, catalog, now=now)
    return len(rules)
