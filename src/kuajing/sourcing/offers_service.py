"""Use cases of the offer import: a file, or offers read through the 1688 API. Never commits.

``import_offers_file`` writes inside the caller's transaction; when its outcome is not ``keep`` the
caller rolls back (a bad row without ``good_rows_only``), so nothing is half-imported. Offers are
matched on the 1688 offer id and skipped when their content hash is the one stored (re-importing
the same file changes nothing); suppliers on their member id (or name, where a file has no id).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from kuajing.kit.importing import ImportProblem
from kuajing.marketplaces.alibaba1688.models import ProductDetail
from kuajing.sourcing.import_columns import ColumnPlan, plan_columns, signature
from kuajing.sourcing.import_files import FileRefused, OpenedFile, open_offers_file
from kuajing.sourcing.importers import ReadReport, read_offers
from kuajing.sourcing.offer_records import OfferRecord, SpecRecord, SupplierRecord
from kuajing.sourcing.repository import SourcingRepository

_SUPPLIER_DEFAULTS: dict[str, Any] = {
    "province": None,
    "city": None,
    "cluster_code": None,
    "cluster_name": None,
    "trust_pass": False,
    "trust_pass_years": 0,
    "super_factory": False,
    "dropship": False,
    "cross_border": False,
    "english_customs_docs": False,
    "iso9001": False,
    "free_sample": False,
    "custom_moq": None,
    "credit_guarantee": False,
}
_OFFER_DEFAULTS: dict[str, Any] = {
    "title_en": None,
    "category": None,
    "material": None,
    "attributes": {},
    "weight_g": None,
    "length_cm": None,
    "width_cm": None,
    "height_cm": None,
    "hs_code": None,
    "lifecycle_stage": "candidate",
}


class OfferStore:
    """Writes batches of offers: new ones inserted, changed ones updated, unchanged ones counted."""

    def __init__(self, repository: SourcingRepository, now: datetime) -> None:
        self.repository = repository
        self.now = now
        self.imported = 0
        self.unchanged = 0
        self._supplier_ids: dict[str, int] = {}

    def write(self, records: Sequence[OfferRecord]) -> None:
        stored = self.repository.offer_hashes([record.offer_id for record in records])
        fresh: list[tuple[OfferRecord, str]] = []
        changed: list[tuple[int, OfferRecord, str]] = []
        for record in records:
            content_hash = record.content_hash
            known = stored.get(record.offer_id)
            if known is None:
                fresh.append((record, content_hash))
            elif known[1] == content_hash:
                self.unchanged += 1
            else:
                changed.append((known[0], record, content_hash))
        if not fresh and not changed:
            return
        self._suppliers([r.supplier for r, _ in fresh] + [r.supplier for _, r, _ in changed])
        row_ids = self.repository.insert_offers([self._offer_row(r, h) for r, h in fresh])
        self.repository.update_offers(
            [{"row_id": row_id, **self._offer_values(r, h)} for row_id, r, h in changed]
        )
        row_ids.update({r.offer_id: row_id for row_id, r, _ in changed})
        specs = [spec.row(row_ids[r.offer_id]) for r, _ in fresh for spec in r.specs]
        specs += [spec.row(row_id) for row_id, r, _ in changed for spec in r.specs]
        self.repository.replace_specs([row_id for row_id, _, _ in changed], specs)
        self.imported += len(fresh) + len(changed)

    def _offer_values(self, record: OfferRecord, content_hash: str) -> dict[str, Any]:
        return {
            **record.offer_values(),
            "supplier_id": self._supplier_ids[record.supplier.member_id],
            "source": record.source[:300],
            "content_hash": content_hash,
            "updated_at": self.now,
        }

    def _offer_row(self, record: OfferRecord, content_hash: str) -> dict[str, Any]:
        values = {**_OFFER_DEFAULTS, **self._offer_values(record, content_hash)}
        return {**values, "offer_id": record.offer_id, "imported_at": self.now}

    def _suppliers(self, suppliers: Iterable[SupplierRecord]) -> None:
        """Supplier row ids, inserting or updating each supplier once per import (the first wins)."""
        wanted: dict[str, SupplierRecord] = {}
        for supplier in suppliers:
            if supplier.member_id not in self._supplier_ids:
                wanted.setdefault(supplier.member_id, supplier)
        if not wanted:
            return
        stored = self.repository.suppliers_by_member_id(list(wanted))
        inserts, updates = [], []
        for member_id, supplier in wanted.items():
            row = supplier.row()
            if member_id not in stored:
                inserts.append({**_SUPPLIER_DEFAULTS, **row, "updated_at": self.now})
                continue
            self._supplier_ids[member_id] = stored[member_id]["id"]
            differ = {key: value for key, value in row.items() if stored[member_id].get(key) != value}
            if differ:
                updates.append({"row_id": stored[member_id]["id"], **differ, "updated_at": self.now})
        self._supplier_ids.update(self.repository.insert_suppliers(inserts))
        self.repository.update_suppliers(updates)


# --- from a file -----------------------------------------------------------------------------------


@dataclass
class OfferImportOutcome:
    file: str
    imported: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    plan: ColumnPlan | None = None
    report: ReadReport | None = None
    keep: bool = False  # commit what was written (every row good, or good_rows_only)

    @property
    def ok(self) -> bool:
        return not self.problems


def column_plan(
    repository: SourcingRepository, headers: Sequence[str], file: str, mapping: Mapping[str, str] | None
) -> ColumnPlan:
    """The mapping step for a file's headers: explicit, else remembered for this layout, else by name."""
    remembered = repository.column_mapping(signature(headers))
    return plan_columns(headers, file, explicit=mapping, remembered=remembered)


def import_offers_file(
    repository: SourcingRepository,
    path: Path,
    *,
    now: datetime,
    file_name: str | None = None,
    mapping: Mapping[str, str] | None = None,
    good_rows_only: bool = False,
    on_open: Callable[[OpenedFile], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> OfferImportOutcome:
    file = file_name or path.name
    outcome = OfferImportOutcome(file)
    try:
        opened = open_offers_file(path, file)
    except FileRefused as refused:
        outcome.problems = refused.problems
        return outcome
    outcome.headers = opened.headers
    plan = outcome.plan = column_plan(repository, opened.headers, file, mapping)
    if not plan.ok:
        outcome.problems = list(plan.problems)
        return outcome
    if mapping:
        repository.remember_column_mapping(signature(opened.headers), opened.headers, plan.explicit, now)
    if on_open is not None:
        on_open(opened)
    store = OfferStore(repository, now)
    report = outcome.report = read_offers(
        opened, plan, file, store.write, good_rows_only=good_rows_only, progress=progress
    )
    outcome.problems = report.problems
    outcome.keep = report.ok or good_rows_only
    if outcome.keep:
        outcome.imported, outcome.unchanged = store.imported, store.unchanged
    return outcome


# --- from the 1688 API -----------------------------------------------------------------------------


class OfferReader(Protocol):
    def product_detail(self, offer_id: int, country: str = "en") -> ProductDetail: ...


_OFFER_REF = re.compile(r"^(?:https?://)?(?:[\w.-]*1688\.com/offer/)?(\d{1,18})(?:\.html)?(?:[?#].*)?$")


def parse_offer_ref(text: str) -> int | None:
    """``610000001`` or ``https://detail.1688.com/offer/610000001.html`` → 610000001."""
    match = _OFFER_REF.match(text.strip())
    return int(match[1]) if match and int(match[1]) > 0 else None


def record_from_detail(detail: ProductDetail) -> OfferRecord:
    seller = detail.seller
    flags = seller.model_dump(exclude={"member_id", "login_id", "company_name"})
    tiers = sorted((tier.start_quantity, tier.price.amount) for tier in detail.price_tiers)
    spec_prices = [sku.price.amount for sku in detail.skus if sku.price is not None]
    unit_price = tiers[0][1] if tiers else min(spec_prices, default=Decimal(0))
    shipping = detail.shipping
    size = (shipping.length, shipping.width, shipping.height)
    return OfferRecord(
        offer_id=detail.offer_id,
        title=detail.subject[:500],
        supplier=SupplierRecord(
            seller.member_id, (seller.company_name or seller.login_id or seller.member_id)[:200], flags
        ),
        unit_price=unit_price,
        price_tiers=tiers or [(1, unit_price)],
        min_order_quantity=max(detail.min_order_quantity, 1),
        optional={"title_en": detail.subject_trans, "category": detail.category_name},
        weight_g=int((shipping.weight * 1000).to_integral_value(rounding="ROUND_CEILING"))
        if shipping.weight
        else None,
        size_cm=(size[0], size[1], size[2]) if all(size) else None,  # type: ignore[arg-type]
        attributes={attribute.name: attribute.value for attribute in detail.attributes},
        specs=[
            SpecRecord(
                spec_id=sku.spec_id or sku.sku_id,
                attributes=";".join(f"{a.name}:{a.value}" for a in sku.attributes)[:300],
                price=sku.price.amount if sku.price else None,
                consign_price=sku.consign_price.amount if sku.consign_price else None,
                stock=sku.amount_on_sale,
            )
            for sku in detail.skus
        ],
        source="1688 API",
    )


@dataclass
class FetchOutcome:
    imported: int = 0
    unchanged: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)  # {"offer": ref, "reason": …}


def fetch_offers(
    repository: SourcingRepository, client: OfferReader, refs: Sequence[str], *, now: datetime
) -> FetchOutcome:
    """Reads each offer through 1688 and stores it; one offer failing does not stop the others."""
    outcome = FetchOutcome()
    records: dict[int, OfferRecord] = {}
    for ref in refs:
        offer_id = parse_offer_ref(ref)
        if offer_id is None:
            outcome.failed.append(
                {"offer": ref, "reason": "不是商品ID或 1688 商品链接 / not an offer id or URL"}
            )
            continue
        if offer_id in records:
            continue
        try:
            records[offer_id] = record_from_detail(client.product_detail(offer_id))
        except Exception as error:
            outcome.failed.append({"offer": ref, "reason": f"{type(error).__name__}: {error}"})
    store = OfferStore(repository, now)
    store.write(list(records.values()))
    outcome.imported, outcome.unchanged = store.imported, store.unchanged
    return outcome
