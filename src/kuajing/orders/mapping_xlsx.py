"""SKU mapping rules to and from xlsx, the way sellers keep them in bulk.

One sheet, 映射规则, one rule per row. Headers carry both languages (``类型 kind``); on import either
language alone is enough, so a sheet typed by hand in Chinese or English reads the same. Every bad
row is reported (file, row, column, reason in zh and en) and, when there is any, ``rules`` is empty:
the caller writes nothing unless it chooses to take ``good_rules``. ``rejects_workbook`` turns the
errors into an xlsx the seller can fix from.

Amounts are written as text so they stay exact; on import a number typed in Excel is read through
its shortest decimal form (``str(float)``), never used as a float.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

# No stubs for openpyxl in the venv (types-openpyxl would remove these ignores).
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from kuajing.kit.errors import ValidationFailed
from kuajing.kit.importing import ImportProblem
from kuajing.kit.money import Money
from kuajing.orders.mapping import DEFAULT_PRIORITY, MatchKind, OfferCatalog, SkuMappingRule, validate_rule

SHEET_TITLE = "映射规则"
REJECTS_SHEET_TITLE = "错误 errors"
PathOrStream = str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class _Column:
    field: str  # SkuMappingRule field
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}"


COLUMNS = (
    _Column("kind", "类型", "kind"),
    _Column("pattern", "匹配", "pattern"),
    _Column("offer_id", "1688商品ID", "offer_id"),
    _Column("spec_id", "规格ID", "spec_id"),
    _Column("variant_map", "变体映射", "variant_map"),
    _Column("quantity_multiplier", "数量倍数", "multiplier", ("quantity_multiplier",)),
    _Column("priority", "优先级", "priority"),
    _Column("store_id", "店铺", "store_id", ("store",)),
    _Column("unit_cost", "成本(¥)", "unit_cost", ("成本",)),
    _Column("enabled", "启用", "enabled"),
    _Column("note", "备注", "note"),
)
_BY_FIELD = {column.field: column for column in COLUMNS}
_REQUIRED = ("kind", "pattern", "offer_id")
_TEXT_FIELDS = ("pattern", "spec_id", "variant_map", "unit_cost", "note")
_KIND_WORDS = {
    "精确": MatchKind.EXACT,
    "精确匹配": MatchKind.EXACT,
    "前缀": MatchKind.PREFIX,
    "正则": MatchKind.REGEX,
}
_TRUE_WORDS = {"1", "true", "yes", "y", "是", "启用", "√", "✓"}
_FALSE_WORDS = {"0", "false", "no", "n", "否", "停用", "×", "✗"}


@dataclass(frozen=True)
class ImportResult:
    rules: tuple[SkuMappingRule, ...]  # every row's rule; empty as soon as one row is bad
    errors: tuple[ImportProblem, ...]
    good_rules: tuple[SkuMappingRule, ...] = ()  # the rules of the good rows, for "import the good ones"

    @property
    def ok(self) -> bool:
        return not self.errors


class _CellError(Exception):
    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en


# --- export --------------------------------------------------------------------------------------


def export_rules(rules: Iterable[SkuMappingRule], path_or_stream: PathOrStream) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for rule in rules:
        sheet.append(_row_of(rule))
        # Text format, so Excel keeps codes such as 00123 and long spec ids as typed.
        for index, column in enumerate(COLUMNS, start=1):
            if column.field in _TEXT_FIELDS:
                sheet.cell(sheet.max_row, index).number_format = "@"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJK", (8, 28, 16, 36, 48, 10, 8, 8, 10, 6, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(path_or_stream)  # a path or a binary stream


def _row_of(rule: SkuMappingRule) -> list[object]:
    return [
        rule.kind.value,
        rule.pattern,
        rule.offer_id,
        rule.spec_id or "",
        format_variant_map(rule.variant_map),
        rule.quantity_multiplier,
        rule.priority,
        rule.store_id,
        str(rule.unit_cost.amount) if rule.unit_cost is not None else "",
        rule.enabled,
        rule.note,
    ]


def format_variant_map(variant_map: Mapping[str, str]) -> str:
    """``key=spec;key=spec`` (the cell format). Keys or specs holding ``;`` or ``=`` cannot be written."""
    for key, spec_id in variant_map.items():
        if any(mark in text for text in (key, spec_id) for mark in ";="):
            raise ValidationFailed(
                f"variant {key!r}={spec_id!r} contains ';' or '=' and cannot be written to a sheet",
                f"变体 {key!r}={spec_id!r} 含有 ';' 或 '=',无法写入表格",
            )
    return ";".join(f"{key}={spec_id}" for key, spec_id in variant_map.items())


def parse_variant_map(text: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for part in re.split(r"[;;]", text):
        if not part.strip():
            continue
        key, sep, spec_id = part.partition("=")
        key, spec_id = key.strip(), spec_id.strip()
        if not sep or not spec_id:
            raise _CellError(
                f"变体映射格式应为 键=规格ID;…,{part!r} 不符", f"expected key=spec;…, got {part!r}"
            )
        if key in result:
            raise _CellError(f"变体键 {key!r} 重复", f"variant key {key!r} appears twice")
        result[key] = spec_id
    return result


# --- import --------------------------------------------------------------------------------------


def import_rules(path_or_stream: PathOrStream, catalog: OfferCatalog, *, file_name: str) -> ImportResult:
    try:
        workbook = load_workbook(path_or_stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        error = ImportProblem(
            file_name, 0, "", f"无法读取 xlsx 文件:{exc}", f"cannot read the xlsx file: {exc}"
        )
        return ImportResult((), (error,))
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _import_rows(rows, catalog, file_name)


def _import_rows(rows: Sequence[list[Any]], catalog: OfferCatalog, file_name: str) -> ImportResult:
    errors: list[ImportProblem] = []
    positions, headers = _read_header(rows[0] if rows else [], file_name, errors)
    if errors:
        return ImportResult((), tuple(errors))
    good: list[SkuMappingRule] = []
    for row_number, row in enumerate(rows[1:], start=2):
        values = {field: row[index] if index < len(row) else None for field, index in positions.items()}
        if all(_blank(value) for value in values.values()):
            continue
        rule, cell_problems = _parse_row(values)
        row_errors = [
            ImportProblem(file_name, row_number, headers.get(field, _BY_FIELD[field].header), zh, en)
            for field, zh, en in cell_problems
        ]
        if rule is not None:
            for problem in validate_rule(rule, catalog):
                column = headers.get(problem.field, _BY_FIELD[problem.field].header)
                row_errors.append(
                    ImportProblem(file_name, row_number, column, problem.message_zh, problem.message_en)
                )
        errors.extend(row_errors)
        if rule is not None and not row_errors:
            good.append(rule)
    if errors:
        return ImportResult((), tuple(errors), tuple(good))
    return ImportResult(tuple(good), (), tuple(good))


def _read_header(
    header_row: Sequence[Any], file_name: str, errors: list[ImportProblem]
) -> tuple[dict[str, int], dict[str, str]]:
    """Column positions and the header text as written, by field; unknown columns are ignored."""
    known = {_norm(text): column.field for column in COLUMNS for text in _header_forms(column)}
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, cell in enumerate(header_row):
        text = "" if cell is None else str(cell).strip()
        field = known.get(_norm(text))
        if field is None:
            continue
        if field in positions:
            errors.append(
                ImportProblem(file_name, 1, text, f"列 {text} 重复", f"column {text} appears twice")
            )
            continue
        positions[field] = index
        headers[field] = text
    for field in _REQUIRED:
        if field not in positions:
            column = _BY_FIELD[field]
            errors.append(
                ImportProblem(
                    file_name,
                    1,
                    column.header,
                    f"缺少必填列 {column.zh}",
                    f"required column {column.en} is missing",
                )
            )
    return positions, headers


def _header_forms(column: _Column) -> tuple[str, ...]:
    return (column.zh, column.en, column.header, column.field, *column.aliases)


def _norm(text: str) -> str:
    text = text.replace("(", "(").replace(")", ")").replace("￥", "¥")
    return re.sub(r"[\s_\-]+", "", text).lower()


def _parse_row(values: Mapping[str, Any]) -> tuple[SkuMappingRule | None, list[tuple[str, str, str]]]:
    """The row as a rule, or None and each unreadable cell as (field, reason zh, reason en)."""
    parsed: dict[str, Any] = {}
    problems: list[tuple[str, str, str]] = []
    for field, parse in _PARSERS.items():
        value = values.get(field)
        if field in _REQUIRED and _blank(value):
            problems.append((field, f"{_BY_FIELD[field].zh}不能为空", f"{_BY_FIELD[field].en} is required"))
        elif field in values:
            try:
                parsed[field] = parse(value)
            except _CellError as exc:
                problems.append((field, exc.reason_zh, exc.reason_en))
    return (None if problems else SkuMappingRule(**parsed)), problems


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number in Excel
    return str(value).strip()


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value.strip())
    raise _CellError(f"应为整数,实为 {value!r}", f"expected a whole number, got {value!r}")


def _amount(value: Any) -> Decimal:
    text = str(value).strip().lstrip("¥￥").strip() if not isinstance(value, bool) else ""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise _CellError(f"应为金额(元),实为 {value!r}", f"expected an amount in yuan, got {value!r}")
    return amount


def _kind(value: Any) -> MatchKind:
    text = _text(value)
    if text.lower() in {kind.value for kind in MatchKind}:
        return MatchKind(text.lower())
    if text in _KIND_WORDS:
        return _KIND_WORDS[text]
    raise _CellError(
        f"类型应为 exact/prefix/regex(精确/前缀/正则),实为 {text!r}",
        f"kind must be exact, prefix or regex, got {text!r}",
    )


def _enabled(value: Any) -> bool:
    if _blank(value):
        return True
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise _CellError(f"启用应为 是/否,实为 {value!r}", f"enabled must be yes or no, got {value!r}")


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "kind": _kind,
    "pattern": _text,
    "offer_id": _int,
    "spec_id": lambda value: _text(value) or None,
    "variant_map": lambda value: parse_variant_map(_text(value)),
    "quantity_multiplier": lambda value: 1 if _blank(value) else _int(value),
    "priority": lambda value: DEFAULT_PRIORITY if _blank(value) else _int(value),
    "store_id": lambda value: None if _blank(value) else _int(value),
    "unit_cost": lambda value: None if _blank(value) else Money(_amount(value), "CNY"),
    "enabled": _enabled,
    "note": _text,
}


# --- rejects -------------------------------------------------------------------------------------


def rejects_workbook(errors: Iterable[ImportProblem]) -> bytes:
    """The errors as an xlsx (file, row, column, reason zh, reason en), to hand back to the seller."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = REJECTS_SHEET_TITLE
    sheet.append(["文件 file", "行 row", "列 column", "原因 reason", "reason (en)"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for error in errors:
        sheet.append([error.file, error.row, error.column, error.reason_zh, error.reason_en])
    for letter, width in zip("ABCDE", (24, 6, 20, 48, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
