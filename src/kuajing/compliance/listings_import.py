"""Listings from an xlsx/csv file (the seller's own export): one row per AliExpress product.

Columns (Chinese or English headers): 商品ID / product_id (required), 标题 / title (required),
类目ID / category_id, 类目 / category_name, 属性 / attributes ("材质: 硅胶; 电池: 无" or JSON),
市场 / markets ("DE, FR"; empty: the rules' default markets), 1688货源ID / offer_id,
店铺ID / store_id. Every bad cell is an ``ImportProblem`` (file, row, column, reason); with one,
nothing is written (CONVENTIONS.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kuajing.accounts.model import shared_or_in_scope
from kuajing.compliance import repository as repo
from kuajing.compliance.attribute_text import BadAttribute, parse_attributes
from kuajing.compliance.epr import RuleBook
from kuajing.compliance.service import ListingInput, upsert_listing
from kuajing.kit import excel_cells as cells
from kuajing.kit.errors import ValidationFailed
from kuajing.kit.importing import ImportProblem
from kuajing.sourcing.import_files import FileRefused, open_offers_file
from kuajing.stores.tables import AliExpressStore

COLUMNS: dict[str, tuple[str, ...]] = {
    "product_id": ("商品ID", "商品id", "product_id", "product id"),
    "title": ("标题", "商品标题", "title"),
    "category_id": ("类目ID", "类目id", "category_id", "category id"),
    "category_name": ("类目", "类目名称", "category", "category_name"),
    "attributes": ("属性", "attributes"),
    "markets": ("市场", "销售国家", "markets"),
    "offer_id": ("1688货源ID", "1688货源id", "offer_id", "1688 offer id"),
    "store_id": ("店铺ID", "店铺id", "store_id"),
}
REQUIRED = ("product_id", "title")


class ListingsFileInvalid(ValidationFailed):
    code = "listings_file_invalid"

    def __init__(self, problems: list[ImportProblem]) -> None:
        first = problems[0]
        more = len(problems) - 1
        super().__init__(
            f"{first.place()}: {first.reason_en}"
            + (f" (+{more} more)" if more else "")
            + "; nothing imported",
            f"{first.place()}:{first.reason_zh}" + (f"(另有 {more} 处)" if more else "") + ";未导入任何数据",
            details={"problems": [p.to_dict() for p in problems]},
        )
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int


def attributes_cell(value: Any) -> dict[str, str]:
    written = cells.text(value)
    if not written:
        return {}
    if written.startswith("{"):
        try:
            data = json.loads(written)
        except json.JSONDecodeError:
            raise cells.CellError("属性 JSON 无效", "attributes: invalid JSON") from None
        if not isinstance(data, dict):
            raise cells.CellError("属性 JSON 应为对象", "attributes: JSON must be an object")
        return {str(k): str(v) for k, v in data.items()}
    try:
        return parse_attributes(re.split(r"[;；\n]+", written))
    except BadAttribute as bad:
        raise cells.CellError(
            f"属性应写成 名称: 值,有误: {bad.text!r}", f"attributes as name: value; bad: {bad.text!r}"
        ) from None


_READERS: dict[str, Callable[[Any], Any]] = {
    "product_id": cells.whole(1),
    "title": cells.text,
    "category_id": cells.whole(1),
    "category_name": cells.text,
    "attributes": attributes_cell,
    "markets": cells.countries,
    "offer_id": cells.whole(1),
    "store_id": cells.whole(1),
}


def read_listings(path: Path, *, file: str | None = None) -> tuple[list[ListingInput], list[ImportProblem]]:
    name = file or path.name
    try:
        opened = open_offers_file(path, name)
    except FileRefused as refused:
        return [], refused.problems
    where: dict[str, int] = {}
    for index, header in enumerate(opened.headers):
        for field, names in COLUMNS.items():
            if header.strip().lower() in {n.lower() for n in names}:
                where.setdefault(field, index)
    problems = [
        ImportProblem(
            name,
            1,
            COLUMNS[f][0],
            f"缺少必填列 {COLUMNS[f][0]}({f})",
            f"missing required column {f}",
            opened.sheet,
        )
        for f in REQUIRED
        if f not in where
    ]
    if problems:
        return [], problems
    items: list[ListingInput] = []
    seen: dict[int, int] = {}
    for row_number, row in opened.rows:
        if all(cells.blank(cell) for cell in row):
            continue
        values: dict[str, Any] = {}
        for field, index in where.items():
            cell = row[index] if index < len(row) else None
            header = opened.headers[index]
            if cells.blank(cell):
                if field in REQUIRED:
                    problems.append(ImportProblem(name, row_number, header, "必填", "required", opened.sheet))
                continue
            try:
                values[field] = _READERS[field](cell)
            except cells.CellError as error:
                problems.append(
                    ImportProblem(name, row_number, header, error.reason_zh, error.reason_en, opened.sheet)
                )
        product_id = values.get("product_id")
        if isinstance(product_id, int):
            if product_id in seen:
                problems.append(
                    ImportProblem(
                        name,
                        row_number,
                        opened.headers[where["product_id"]],
                        f"与第 {seen[product_id]} 行重复",
                        f"duplicate of row {seen[product_id]}",
                        opened.sheet,
                    )
                )
            seen[product_id] = row_number
        if "product_id" in values and values.get("title"):
            markets = values.get("markets")
            items.append(
                ListingInput(
                    product_id=values["product_id"],
                    title=values["title"],
                    store_id=values.get("store_id"),
                    category_id=values.get("category_id"),
                    category_name=values.get("category_name", ""),
                    attributes=values.get("attributes", {}),
                    markets=tuple(markets) if markets else None,
                    offer_id=values.get("offer_id"),
                )
            )
    return items, problems


def import_listings(
    session: Session,
    path: Path,
    *,
    now: datetime,
    today: date,
    file: str | None = None,
    book: RuleBook | None = None,
    scope: frozenset[int] | None = None,
) -> ImportResult:
    """All rows or nothing: ``ListingsFileInvalid`` lists every problem and nothing is written.
    ``scope``: the stores of a user limited to some; a row of another store, or one that would
    overwrite another store's listing (same product id), is refused like a bad cell."""
    name = file or path.name
    items, problems = read_listings(path, file=name)
    for item in items:
        if item.store_id is not None and session.get(AliExpressStore, item.store_id) is None:
            problems.append(
                ImportProblem(
                    name,
                    0,
                    "store_id",
                    f"没有店铺 {item.store_id}",
                    f"no store {item.store_id} (product {item.product_id})",
                )
            )
            continue
        existing = repo.listing_by_product(session, item.product_id)
        theirs = existing.store_id if existing is not None else None
        outside = [store for store in (item.store_id, theirs) if not shared_or_in_scope(store, scope)]
        if outside:
            store = outside[0]
            problems.append(
                ImportProblem(
                    name,
                    0,
                    "store_id",
                    f"店铺 {store} 不在您的权限内(商品 {item.product_id})",
                    f"store {store} is not one of yours (product {item.product_id})",
                )
            )
    if problems:
        raise ListingsFileInvalid(problems)
    created = updated = 0
    with session.begin_nested():  # a failure half-way leaves nothing behind
        for item in items:
            existed = repo.listing_by_product(session, item.product_id) is not None
            _, changed = upsert_listing(session, item, source="import", now=now, today=today, book=book)
            created += 0 if existed else 1
            updated += 1 if existed and changed else 0
    return ImportResult(len(items), created, updated)
