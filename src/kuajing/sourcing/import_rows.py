"""One row of an offers file read into values, and the rows of one offer into an ``OfferRecord``.

Cells go through ``kit.excel_cells`` (Excel floats read exactly, never used as floats). Each
unreadable cell is one ``ImportProblem`` naming the header as written; a row may have several.
Rows of one offer (one per spec) must sit together in the file: that lets the importer stream the
file and hold only one offer at a time.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kuajing.kit.excel_cells import CellError, excel_decimal, text, whole, yes_no
from kuajing.kit.importing import ImportProblem
from kuajing.sourcing.import_columns import FIELD_BY_NAME, ColumnPlan
from kuajing.sourcing.offer_records import OfferRecord, SpecRecord, SupplierRecord

_OFFER_URL = re.compile(r"offer/(\d+)\.html")


def _offer_id(value: Any) -> int:
    written = text(value)
    match = _OFFER_URL.search(written)
    digits = match[1] if match else written
    if not re.fullmatch(r"\d{1,18}", digits) or int(digits) == 0:
        raise CellError(
            f"商品ID应为数字(或 1688 商品链接):{written!r}", f"offer id must be digits: {written!r}"
        )
    return int(digits)


def _sized_text(limit: int) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        written = text(value)
        if len(written) > limit:
            raise CellError(f"超过 {limit} 个字符", f"longer than {limit} characters")
        return written

    return read


def price(value: Any) -> Decimal:
    number = excel_decimal(value.strip().lstrip("¥￥").strip() if isinstance(value, str) else value)
    if number <= 0:
        raise CellError(f"价格必须大于 0:{text(value)!r}", f"price must be above 0: {text(value)!r}")
    if number != number.quantize(Decimal("0.000001")):
        raise CellError(f"价格最多 6 位小数:{text(value)!r}", f"at most 6 decimals: {text(value)!r}")
    return number


def _amount_or_zero(value: Any) -> Decimal:
    return Decimal(0) if text(value) in ("0", "0.0") else price(value)


def _grams(number: Decimal, value: Any) -> int:
    if number <= 0:
        raise CellError(f"重量必须大于 0:{text(value)!r}", f"weight must be above 0: {text(value)!r}")
    return math.ceil(number)  # part of a gram counts as a gram, as carriers count it


def _weight_g(value: Any) -> int:
    return _grams(excel_decimal(value), value)


def _weight_kg(value: Any) -> int:
    return _grams(excel_decimal(value) * 1000, value)


def _weight_with_unit(value: Any) -> int:
    match = re.fullmatch(r"([\d.]+)\s*(g|克|kg|千克|公斤)", text(value).lower())
    if match is None:
        raise CellError(
            f"重量须带单位(如 180g、0.18kg),或把列名写成 重量(克)/重量(kg):{text(value)!r}",
            f"weight needs a unit (180g, 0.18kg) or a header weight(g)/weight(kg): {text(value)!r}",
        )
    number = excel_decimal(match[1]) * (1 if match[2] in ("g", "克") else 1000)
    return _grams(number, value)


def _size(value: Any) -> tuple[Decimal, Decimal, Decimal]:
    parts = re.split(r"\s*[x×X*]\s*", text(value).lower().removesuffix("cm").strip())
    try:
        numbers = tuple(excel_decimal(part) for part in parts)
    except CellError:
        numbers = ()
    if len(numbers) != 3 or any(n <= 0 or n >= Decimal("1e8") for n in numbers):
        raise CellError(
            f"尺寸应为 长x宽x高(厘米),如 15x8x2:{text(value)!r}",
            f"size must be LxWxH in cm, like 15x8x2: {text(value)!r}",
        )
    return numbers[0], numbers[1], numbers[2]


def parse_tiers(value: Any) -> list[tuple[int, Decimal]]:
    """``1-99:2.50;100-999:2.10;1000+:1.80`` (also ``≥1000:1.8`` or ``1:2.5``)."""
    tiers: list[tuple[int, Decimal]] = []
    for part in re.split(r"[;;,,\n]+", text(value)):
        if not part.strip():
            continue
        match = re.fullmatch(r"\s*(?:≥|>=)?\s*(\d+)\s*(?:[-~–]\s*\d+|\+|以上)?\s*[::=]\s*(\S+)\s*", part)
        if match is None:
            raise CellError(
                f"阶梯价格式应为 1-99:2.50;100-999:2.10;1000+:1.80,{part!r} 不符",
                f"tiers must read 1-99:2.50;100-999:2.10;1000+:1.80; {part!r} does not",
            )
        tiers.append((int(match[1]), price(match[2])))
    return check_tiers(tiers)


def check_tiers(tiers: list[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    for (start, amount), (next_start, next_amount) in itertools.pairwise(tiers):
        if next_start <= start or next_amount > amount:
            raise CellError(
                f"阶梯价顺序有误:起订量须递增、单价不升高"
                f"({start}件 ¥{amount} → {next_start}件 ¥{next_amount})",
                f"price tiers out of order: quantities must rise and prices must not "
                f"({start} @ {amount} → {next_start} @ {next_amount})",
            )
    if tiers and tiers[0][0] < 1:
        raise CellError("阶梯价起订量须 ≥ 1", "tier quantities must be ≥ 1")
    return tiers


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "offer_id": _offer_id,
    "title": _sized_text(500),
    "title_en": _sized_text(500),
    "category": _sized_text(120),
    "material": _sized_text(120),
    "hs_code": _sized_text(12),
    "price": price,
    "price_tiers": parse_tiers,
    "min_order_quantity": whole(1),
    "weight_g": _weight_g,
    "weight_kg": _weight_kg,
    "weight": _weight_with_unit,
    "size": _size,
    "spec_id": _sized_text(64),
    "spec": _sized_text(300),
    "consign_price": _amount_or_zero,
    "stock": whole(0),
    "supplier": _sized_text(200),
    "supplier_id": _sized_text(80),
    "trust_pass_years": whole(0),
    "custom_moq": whole(1),
    "province": _sized_text(40),
    "city": _sized_text(40),
    "cluster_name": _sized_text(80),
    **{name: yes_no for name in ("trust_pass", "super_factory", "dropship", "cross_border")},
    **{name: yes_no for name in ("english_customs_docs", "iso9001", "free_sample", "credit_guarantee")},
}
_REQUIRED_CELLS = ("offer_id", "title", "supplier")


@dataclass
class ParsedRow:
    number: int  # the sheet row (1 is the header)
    values: dict[str, Any]
    problems: list[ImportProblem] = field(default_factory=list)


_MISSING = object()
_MEMO_SIZE = 512  # parsed cells kept per column


def _is_blank(value: Any) -> bool:
    """``excel_cells.blank``, inlined for the hot loop."""
    return value is None or (value.__class__ is str and not value.strip())


class _Memo:
    """A column's recently parsed cells: the parsers are pure, and an offer's rows repeat its title,
    tiers, size and supplier (so do flags like 是/否 across offers), so each distinct cell is parsed
    once. The key carries the cell's type: ``1``, ``1.0`` and ``True`` read differently."""

    __slots__ = ("parse", "seen")

    def __init__(self, parse: Callable[[Any], Any]) -> None:
        self.parse = parse
        self.seen: dict[tuple[type, Any], Any] = {}

    def __call__(self, value: Any) -> Any:
        """The parsed value, or the ``CellError`` the cell raises (returned, not raised)."""
        key = (value.__class__, value)
        found = self.seen.get(key, _MISSING)
        if found is _MISSING:
            try:
                found = self.parse(value)
            except CellError as error:
                found = error
            if len(self.seen) >= _MEMO_SIZE:
                self.seen.clear()
            self.seen[key] = found
        return found


class RowReader:
    """Reads data rows with one plan: only the mapped columns are looked at."""

    def __init__(self, plan: ColumnPlan, file: str) -> None:
        self.file = file
        self._columns = [
            (name, index, _Memo(_PARSERS[name]), plan.headers[name], name in _REQUIRED_CELLS)
            for name, index in plan.positions.items()
        ]
        self._tiers = [(start, index, _header_at(plan, index)) for start, index in plan.tier_columns]
        self._tier_price = _Memo(price)
        self._plan = plan
        self._price_header = plan.headers.get("price")

    def read(self, number: int, cells: Sequence[Any]) -> ParsedRow:
        values: dict[str, Any] = {}
        row = ParsedRow(number, values)
        width = len(cells)
        for name, index, memo, header, required in self._columns:
            value = cells[index] if index < width else None
            if value is None or (value.__class__ is str and not value.strip()):
                if required:
                    f = FIELD_BY_NAME[name]
                    row.problems.append(
                        ImportProblem(self.file, number, header, f"{f.zh}不能为空", f"{f.en} is required")
                    )
                continue
            parsed = memo.seen.get((value.__class__, value), _MISSING)  # memo(value), inlined
            if parsed is _MISSING:
                parsed = memo(value)
            if parsed.__class__ is CellError:  # parsers raise CellError itself, never a subclass
                row.problems.append(
                    ImportProblem(self.file, number, header, parsed.reason_zh, parsed.reason_en)
                )
            else:
                values[name] = parsed
        tiers_read = True
        if self._tiers and "price_tiers" not in values:
            tiers_read = self._read_tier_columns(row, cells)
        if "price" not in values and "price_tiers" not in values and tiers_read:
            price_bad = any(p.column == self._price_header for p in row.problems)
            if not price_bad:
                header = self._price_header or "价格 price"
                row.problems.append(
                    ImportProblem(self.file, number, header, "价格不能为空", "price is required")
                )
        return row

    def _read_tier_columns(self, row: ParsedRow, cells: Sequence[Any]) -> bool:
        tiers: list[tuple[int, Decimal]] = []
        for start, index, header in self._tiers:
            value = cells[index] if index < len(cells) else None
            if _is_blank(value):
                continue
            amount = self._tier_price(value)
            if isinstance(amount, CellError):
                row.problems.append(
                    ImportProblem(self.file, row.number, header, amount.reason_zh, amount.reason_en)
                )
                return False
            tiers.append((start, amount))
        try:
            if tiers:
                row.values["price_tiers"] = check_tiers(tiers)
        except CellError as error:
            header = " / ".join(h for _, _, h in self._tiers)
            row.problems.append(
                ImportProblem(self.file, row.number, header, error.reason_zh, error.reason_en)
            )
            return False
        return True


def _header_at(plan: ColumnPlan, index: int) -> str:
    return plan.all_headers[index] if index < len(plan.all_headers) else str(index + 1)


_SUPPLIER_FIELDS = tuple(f.name for f in FIELD_BY_NAME.values() if f.level == "supplier")


def build_offer(rows: Sequence[ParsedRow], file: str, spec_header: str) -> OfferRecord | list[ImportProblem]:
    """The offer the rows describe (the first row gives the offer's fields), or the rows' problems."""
    first = rows[0].values
    problems: list[ImportProblem] = []
    specs: list[SpecRecord] = []
    seen: dict[str, int] = {}
    for row in rows:
        key = row.values.get("spec_id") or row.values.get("spec") or ""
        if key in seen:
            what = ("规格", "spec") if key else ("商品", "offer")
            problems.append(
                ImportProblem(
                    file,
                    row.number,
                    spec_header if key else "",
                    f"{what[0]}重复:与第 {seen[key]} 行相同({first['offer_id']} {key})".rstrip(),
                    f"duplicate {what[1]}: same as row {seen[key]} ({first['offer_id']} {key})".rstrip(),
                )
            )
            continue
        seen[key] = row.number
        if key:
            specs.append(
                SpecRecord(
                    spec_id=key[:64],
                    attributes=row.values.get("spec", ""),
                    price=row.values.get("price"),
                    consign_price=row.values.get("consign_price"),
                    stock=row.values.get("stock"),
                )
            )
    if problems:
        return problems
    tiers: list[tuple[int, Decimal]] = first.get("price_tiers") or []
    prices = [row.values["price"] for row in rows if "price" in row.values]
    unit_price = tiers[0][1] if tiers else min(prices)
    size = first.get("size")
    weight = next((first[name] for name in ("weight_g", "weight_kg", "weight") if name in first), None)
    supplier_values = {
        name: first[name]
        for name in _SUPPLIER_FIELDS
        if name in first and name not in ("supplier", "supplier_id")
    }
    return OfferRecord(
        offer_id=first["offer_id"],
        title=first["title"],
        supplier=SupplierRecord(
            member_id=first.get("supplier_id") or first["supplier"],
            name=first["supplier"],
            values=supplier_values,
        ),
        unit_price=unit_price,
        price_tiers=tiers or [(1, unit_price)],
        min_order_quantity=first.get("min_order_quantity") or (tiers[0][0] if tiers else 1),
        optional={
            name: first[name] for name in ("title_en", "category", "material", "hs_code") if name in first
        },
        weight_g=weight,
        size_cm=size,
        specs=specs,
        source=f"file:{file} row {rows[0].number}",
    )
