"""Files coming in: a rate card as xlsx (物流报价表, read and written), tax rules and costs as TOML.

The xlsx layout, which a seller fills in Excel; sheet names, field names and headers may be
Chinese or English (or both, as exported: ``首重(克) first_weight_g``):

- ``line`` (线路): one field per row, its name in column A and its value in column B;
- ``bands`` (运费): one row per weight band. A zone's own columns (countries, transit days,
  failure rates) are repeated on each of its rows; left blank on later rows they are taken from
  the zone's first row, and a different value is an error;
- ``surcharges`` (附加费, optional): one row per special-goods kind.

Every bad cell is reported (file, sheet, row, column, reason in zh and en) in one
``ImportRejected`` and nothing is returned to save; a sheet without problems is assembled into
the TOML-shaped document and goes through ``documents.parse_rate_card``, the one validating
parser, so a card from Excel obeys exactly the rules of a shipped card. How cells are read,
floats from Excel included: ``excel_cells``. A card from Excel is not ``sample`` unless the
sheet says so. Export writes the same layout (amounts as text cells, so no digit is lost), for
shipped cards too: the template a seller starts from.
"""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

# No stubs for openpyxl in the venv (types-openpyxl would remove these ignores).
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from kuajing.kit import excel_cells as cell
from kuajing.kit.importing import ImportProblem
from kuajing.logistics.documents import LINE_KINDS, DocumentInvalid, parse_rate_card
from kuajing.logistics.import_errors import ImportRejected, problem_from
from kuajing.logistics.model import SPECIAL_GOODS, RateCard

PathOrStream = str | os.PathLike[str] | IO[bytes]
SHEET_LINE, SHEET_BANDS, SHEET_SURCHARGES = "line", "bands", "surcharges"
SHEET_NAMES = {SHEET_LINE: ("线路",), SHEET_BANDS: ("运费", "重量段"), SHEET_SURCHARGES: ("附加费",)}
VERSION_MAX = 40  # logistics_documents.version


# --- the layout ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # the document's key, and the English header
    zh: str
    read: Callable[[Any], Any]
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""  # shown next to the value on the ``line`` sheet

    @property
    def header(self) -> str:
        return f"{self.zh} {self.name}"

    def forms(self) -> tuple[str, ...]:
        return (self.name, self.zh, self.header, *self.aliases)


def _version(value: Any) -> str:
    written = cell.text(value)
    if not 0 < len(written) <= VERSION_MAX:
        raise cell.CellError(
            f"版本须为 1–{VERSION_MAX} 个字符", f"a version of 1 to {VERSION_MAX} characters"
        )
    return written


_LINE_KIND_WORDS = {kind: kind for kind in LINE_KINDS} | {"官方": "official", "货代": "forwarder"}
_SPECIAL_WORDS = {kind: kind for kind in SPECIAL_GOODS} | {
    "带电": "battery",
    "电池": "battery",
    "液体": "liquid",
    "磁性": "magnetic",
    "带磁": "magnetic",
}
LINE_FIELDS = (
    Field("line_id", "线路代码", cell.identifier, True, note="字母数字 _-. letters, digits, _-."),
    Field("name_zh", "中文名称", cell.text, True),
    Field("name_en", "英文名称", cell.text, True),
    Field("kind", "类型", cell.choice(_LINE_KIND_WORDS), True, note="official 官方 | forwarder 货代"),
    Field("currency", "币种", cell.currency, True, note="USD, CNY …"),
    Field("version", "版本", _version, True),
    Field("valid_from", "生效日期", cell.day, True, note="YYYY-MM-DD"),
    Field("valid_to", "失效日期", cell.day, note="YYYY-MM-DD, 当天起失效 exclusive; 空 blank = open"),
    Field("source", "来源", cell.text, note="报价出处 where the prices come from"),
    Field("sample", "样例数据", cell.yes_no, note="是 = 示例价格 yes = sample prices, not a real card"),
    Field("volumetric_divisor", "体积重系数", cell.whole(1000), aliases=("抛比",), note="5000 / 6000 / 8000"),
    Field("min_chargeable_g", "最低计费重(克)", cell.whole(1)),
    Field("max_weight_g", "最大重量(克)", cell.whole(1), True),
    Field("max_side_cm", "最长边(厘米)", cell.amount),
    Field("max_sum_cm", "三边之和(厘米)", cell.amount),
    Field("clearance_failure_rate", "清关失败率", cell.rate, True, note="0.005 或 or 0.5%"),
    Field("service_code", "服务代码", cell.text, note="速卖通物流服务 AliExpress logistics service"),
)
ZONE_FIELDS = (
    Field("countries", "国家", cell.countries, True),
    Field("transit_min", "最快时效(天)", cell.whole(0), True),
    Field("transit_max", "最慢时效(天)", cell.whole(0), True),
    Field("clearance_failure_rate", "清关失败率", cell.rate),
    Field("failure_rate_by_country", "分国家清关失败率", cell.rates_by_country),
)
BAND_FIELDS = (
    Field("max_g", "重量上限(克)", cell.whole(1), True),
    Field("first_weight_g", "首重(克)", cell.whole(0), True),
    Field("first_fee", "首重费用", cell.amount, True),
    Field("step_g", "续重(克)", cell.whole(1), True),
    Field("step_fee", "续重费用", cell.amount, True),
    Field("parcel_fee", "挂号费", cell.amount, aliases=("处理费", "操作费")),
)
BANDS_COLUMNS = (Field("zone", "分区", cell.text, True), *ZONE_FIELDS, *BAND_FIELDS)
SURCHARGE_COLUMNS = (
    Field("kind", "类型", cell.choice(_SPECIAL_WORDS), True),
    Field("allowed", "可接收", cell.yes_no),
    Field("per_parcel", "每票附加费", cell.amount),
    Field("per_kg", "每公斤附加费", cell.amount),
)
LINE_HEADERS = ("字段 key", "值 value", "说明 note")


def _norm(value: Any) -> str:
    written = "" if value is None else str(value)
    return "".join(
        written.replace("(", "(").replace(")", ")").replace("_", "").replace("-", "").split()
    ).lower()


def _lookup(fields: Sequence[Field]) -> dict[str, Field]:
    return {_norm(form): f for f in fields for form in f.forms()}


# --- import ----------------------------------------------------------------------------------------

_BAD = object()  # a cell already reported: no further check looks at it


@dataclass(frozen=True, slots=True)
class RateCardImport:
    document: dict[str, Any]  # TOML-shaped, JSON-safe: what is stored
    card: RateCard  # the document as ``parse_rate_card`` read it


class _Sheet:
    """One sheet's rows, reporting its problems into the list shared by the whole workbook."""

    def __init__(self, file: str, title: str, rows: list[tuple[Any, ...]], problems: list[ImportProblem]):
        self.file, self.title, self.rows, self.problems = file, title, rows, problems

    def problem(self, row: int, column: str, reason_zh: str, reason_en: str) -> None:
        self.problems.append(ImportProblem(self.file, row, column, reason_zh, reason_en, sheet=self.title))

    def read(self, field: Field, value: Any, row: int, column: str, label: str = "") -> Any:
        try:
            return field.read(value)
        except cell.CellError as error:
            self.problem(row, column, label + error.reason_zh, label + error.reason_en)
            return _BAD

    def table(self, columns: Sequence[Field]) -> tuple[dict[str, str], list[tuple[int, dict[str, Any]]]]:
        """Headers as written, by field; then each non-blank row's readable cells (blank ones left out)."""
        known, positions, headers = _lookup(columns), {}, {}
        for index, value in enumerate(self.rows[0] if self.rows else ()):
            found = known.get(_norm(value))
            if found is None:
                continue  # a column of the seller's own (notes…) is left alone
            if found.name in positions:
                self.problem(1, cell.text(value), f"列 {value} 重复", f"column {value} appears twice")
            positions[found.name], headers[found.name] = index, cell.text(value)
        missing = [f for f in columns if f.required and f.name not in positions]
        for f in missing:
            self.problem(1, f.header, f"缺少必填列 {f.header}", f"required column {f.name} is missing")
        by_name = {f.name: f for f in columns}
        rows: list[tuple[int, dict[str, Any]]] = []
        for number, row in enumerate(self.rows[1:] if not missing else (), start=2):
            raw = {name: row[i] if i < len(row) else None for name, i in positions.items()}
            if all(cell.blank(value) for value in raw.values()):
                continue
            values = {
                name: self.read(by_name[name], value, number, headers[name])
                for name, value in raw.items()
                if not cell.blank(value)
            }
            rows.append((number, values))
        return headers, rows


_PATH_SHEETS = (("zones", SHEET_BANDS), ("surcharges", SHEET_SURCHARGES))


def read_rate_card(source: PathOrStream, *, file_name: str) -> RateCardImport:
    """The card in an xlsx; ``ImportRejected`` lists every bad cell of every sheet."""
    problems: list[ImportProblem] = []
    sheets = _open(source, file_name, problems)
    line_sheet, bands_sheet = sheets.get(SHEET_LINE), sheets.get(SHEET_BANDS)
    line, where = _read_line(line_sheet) if line_sheet else ({}, {})
    zones = _read_bands(bands_sheet) if bands_sheet else []
    surcharges = _read_surcharges(sheets[SHEET_SURCHARGES]) if SHEET_SURCHARGES in sheets else {}
    if problems:
        raise ImportRejected(file_name, problems)
    document = {"source": f"xlsx {file_name}", "sample": False, **line, "zones": zones}
    document["surcharges"] = surcharges
    try:
        card = parse_rate_card(document, file_name)
    except DocumentInvalid as error:  # a rule no single cell breaks; say which sheet it concerns
        path = str(error.details.get("field", ""))
        name = next((s for p, s in _PATH_SHEETS if path.startswith(p)), SHEET_LINE)
        title = sheets[name].title if name in sheets else name
        raise ImportRejected(file_name, [problem_from(error, file_name, title, where.get(path, 0))]) from None
    return RateCardImport(document, card)


def _open(source: PathOrStream, file_name: str, problems: list[ImportProblem]) -> dict[str, _Sheet]:
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        problems.append(
            ImportProblem(
                file_name, 0, "", f"无法读取 xlsx 文件:{exc}", f"not a readable xlsx: {exc}", sheet=""
            )
        )
        return {}
    names = {_norm(form): name for name, forms in SHEET_NAMES.items() for form in (name, *forms)}
    sheets: dict[str, _Sheet] = {}
    try:
        for worksheet in workbook.worksheets:
            name = names.get(_norm(worksheet.title))
            if name is not None and name not in sheets:
                rows = [tuple(row) for row in worksheet.iter_rows(values_only=True)]
                sheets[name] = _Sheet(file_name, worksheet.title, rows, problems)
    finally:
        workbook.close()
    for name in (SHEET_LINE, SHEET_BANDS):
        if name not in sheets:
            zh = SHEET_NAMES[name][0]
            problems.append(
                ImportProblem(
                    file_name, 0, "", f"缺少工作表 {zh}/{name}", f"sheet {name} is missing", sheet=name
                )
            )
    return sheets


def _read_line(sheet: _Sheet) -> tuple[dict[str, Any], dict[str, int]]:
    """The ``line`` sheet: values by field, and the row each field was found on."""
    known = _lookup(LINE_FIELDS)
    first = sheet.rows[0] if sheet.rows else ()
    has_header = bool(first) and _norm(first[0]) in {_norm(LINE_HEADERS[0]), "key", "字段", "field"}
    column = cell.text(first[1]) if has_header and len(first) > 1 and first[1] else "B"
    values: dict[str, Any] = {}
    where: dict[str, int] = {}
    for number, row in enumerate(sheet.rows[1:] if has_header else sheet.rows, start=2 if has_header else 1):
        name, value = (row[0] if row else None), (row[1] if len(row) > 1 else None)
        if cell.blank(name) and cell.blank(value):
            continue
        found = known.get(_norm(name))
        if found is None:
            sheet.problem(number, "A", f"未知字段 {name!r}", f"unknown field {name!r}")
        elif found.name in where:
            row_zh, row_en = f"(第 {where[found.name]} 行已有)", f" (already on row {where[found.name]})"
            sheet.problem(
                number, "A", f"字段 {found.name} 重复{row_zh}", f"field {found.name} repeated{row_en}"
            )
        else:
            where[found.name] = number
            if not cell.blank(value):
                values[found.name] = sheet.read(found, value, number, column, f"{found.name}: ")
            elif found.required:
                sheet.problem(number, column, f"{found.name}: 不能为空", f"{found.name}: required")
    for f in LINE_FIELDS:
        if f.required and f.name not in where:
            sheet.problem(0, f.header, f"缺少必填字段 {f.header}", f"required field {f.name} is missing")
    start, end = values.get("valid_from", _BAD), values.get("valid_to", _BAD)
    if isinstance(start, str) and isinstance(end, str) and end <= start:  # ISO dates sort as text
        sheet.problem(
            where["valid_to"], column, "valid_to: 必须晚于生效日期", "valid_to: must be after valid_from"
        )
    if any(value is _BAD for value in values.values()):
        return {}, where
    return values, where


def _read_bands(sheet: _Sheet) -> list[dict[str, Any]]:
    """The ``bands`` sheet as zones in the order they first appear, each with its bands."""
    headers, rows = sheet.table(BANDS_COLUMNS)
    zones: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    bad = False
    for number, values in rows:
        code = values.get("zone")
        if code is None:
            sheet.problem(number, headers["zone"], "分区不能为空", "zone is required")
        bad = bad or code is None or any(value is _BAD for value in values.values())
        if not isinstance(code, str):
            continue
        if code not in zones:
            zones[code], first_row[code] = {"code": code, "bands": []}, number
            for f in ZONE_FIELDS:
                if f.name in values:
                    zones[code][f.name] = values[f.name]
                elif f.required:
                    zh, en = (
                        f"分区 {code} 的第一行需填写 {f.zh}",
                        f"the first row of zone {code} needs {f.name}",
                    )
                    sheet.problem(number, headers[f.name], zh, en)
                    bad = True
        else:
            for f in ZONE_FIELDS:
                value, first = values.get(f.name), zones[code].get(f.name)
                if value not in (None, _BAD) and first is not _BAD and value != first:
                    row = first_row[code]
                    was, now = _shown(first), _shown(value)
                    zh = f"与分区 {code} 第 {row} 行不同({was} ≠ {now}):同一分区各行须相同"
                    en = f"differs from zone {code}'s row {row} ({was} ≠ {now}): a zone has one value"
                    sheet.problem(number, headers[f.name], zh, en)
                    bad = True
        band = {f.name: values[f.name] for f in BAND_FIELDS if f.name in values}
        for f in BAND_FIELDS:
            if f.required and f.name not in values:
                sheet.problem(number, headers[f.name], f"{f.zh}不能为空", f"{f.name} is required")
                bad = True
        previous = zones[code]["bands"][-1][1].get("max_g") if zones[code]["bands"] else 0
        if isinstance(band.get("max_g"), int) and isinstance(previous, int) and band["max_g"] <= previous:
            zh = f"分区 {code} 的重量段须递增:{previous} 之后是 {band['max_g']}"
            en = f"zone {code}'s bands must rise: {band['max_g']} after {previous}"
            sheet.problem(number, headers["max_g"], zh, en)
            bad = True
        zones[code]["bands"].append((number, band))
    if not rows and not sheet.problems:
        sheet.problem(0, "", "至少需要一行重量段", "at least one weight band row is needed")
    bad = _check_zones(sheet, zones, first_row, headers) or bad
    return [] if bad else [_zone_document(zone) for zone in zones.values()]


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{key}={item}" for key, item in value.items())
    return "空 blank" if value is None else str(value)


def _check_zones(
    sheet: _Sheet, zones: dict[str, dict[str, Any]], first_row: dict[str, int], headers: dict[str, str]
) -> bool:
    """Each country in one zone only; the slowest transit not before the fastest. True if any is bad."""
    seen: dict[str, str] = {}
    bad = False
    for code, zone in zones.items():
        row = first_row[code]
        listed = zone.get("countries")
        for country in listed if isinstance(listed, list) else []:
            if country in seen:
                zh, en = (
                    f"{country} 已在分区 {seen[country]} 中",
                    f"{country} is also in zone {seen[country]}",
                )
                sheet.problem(row, headers["countries"], zh, en)
                bad = True
            seen[country] = code
        low, high = zone.get("transit_min"), zone.get("transit_max")
        if isinstance(low, int) and isinstance(high, int) and high < low:
            sheet.problem(
                row, headers["transit_max"], "最慢时效不能早于最快时效", "transit_max is below transit_min"
            )
            bad = True
    return bad


def _zone_document(zone: dict[str, Any]) -> dict[str, Any]:
    document = {key: value for key, value in zone.items() if key not in ("transit_min", "transit_max")}
    document["transit_days"] = [zone["transit_min"], zone["transit_max"]]
    document["bands"] = [band for _row, band in zone["bands"]]
    return document


def _read_surcharges(sheet: _Sheet) -> dict[str, dict[str, Any]]:
    headers, rows = sheet.table(SURCHARGE_COLUMNS)
    surcharges: dict[str, dict[str, Any]] = {}
    found_on: dict[str, int] = {}
    for number, values in rows:
        kind = values.get("kind")
        if kind is None:
            sheet.problem(number, headers["kind"], "类型不能为空", "kind is required")
        elif isinstance(kind, str) and kind in found_on:
            zh, en = f"{kind} 重复(第 {found_on[kind]} 行已有)", f"{kind} repeated (row {found_on[kind]})"
            sheet.problem(number, headers["kind"], zh, en)
        elif isinstance(kind, str):
            found_on[kind] = number
            surcharges[kind] = {
                "allowed": values.get("allowed", True),
                "per_parcel": values.get("per_parcel", "0"),
                "per_kg": values.get("per_kg", "0"),
            }
    return surcharges


# --- export ----------------------------------------------------------------------------------------


def export_rate_card(card: RateCard, target: PathOrStream) -> None:
    """The card in the layout ``read_rate_card`` reads: export → edit in Excel → import."""
    workbook = Workbook()
    line = workbook.active
    assert line is not None
    line.title = SHEET_LINE
    line.append(LINE_HEADERS)
    for f, value in zip(LINE_FIELDS, _line_values(card), strict=True):
        line.append([f.header, value, f.note])
    bands = workbook.create_sheet(SHEET_BANDS)
    bands.append([f.header for f in BANDS_COLUMNS])
    for zone in card.zones:
        by_country = ", ".join(f"{code}={_text(rate)}" for code, rate in zone.failure_rate_by_country.items())
        zone_cells = [zone.code, ", ".join(zone.countries), *zone.transit_days]
        zone_cells += [_text(zone.clearance_failure_rate), by_country or None]
        for band in zone.bands:
            fees = [_text(band.first_fee), band.step_g, _text(band.step_fee), _text(band.parcel_fee)]
            bands.append([*zone_cells, band.max_g, band.first_weight_g, *fees])
    surcharges = workbook.create_sheet(SHEET_SURCHARGES)
    surcharges.append([f.header for f in SURCHARGE_COLUMNS])
    for kind in (k for k in SPECIAL_GOODS if k in card.surcharges):
        spec = card.surcharges[kind]
        surcharges.append([kind, "是" if spec.allowed else "否", _text(spec.per_parcel), _text(spec.per_kg)])
    for sheet, widths in ((line, (28, 36, 48)), (bands, (8, 36, *[14] * 11)), (surcharges, (18, 14, 18, 18))):
        _finish(sheet, widths)
    workbook.save(target)  # a path or a binary stream


def _line_values(card: RateCard) -> list[Any]:
    # The card keeps only each zone's failure rate; the card's default is the rate most zones have.
    default_rate = Counter(zone.clearance_failure_rate for zone in card.zones).most_common(1)[0][0]
    return [
        card.line_id,
        card.name_zh,
        card.name_en,
        card.kind,
        card.currency,
        card.version,
        card.valid_from.isoformat(),
        card.valid_to.isoformat() if card.valid_to else None,
        card.source,
        "是" if card.sample else "否",
        card.volumetric_divisor,
        card.min_chargeable_g,
        card.max_weight_g,
        _text(card.max_side_cm),
        _text(card.max_sum_cm),
        _text(default_rate),
        card.service_code or None,
    ]


def _text(number: Decimal | None) -> str | None:
    return None if number is None else f"{number:f}"


def _finish(sheet: Any, widths: Sequence[int]) -> None:
    """Bold headers, frozen header row, widths; text cells stay text in Excel (``@``): "3.60" keeps its 0."""
    for header in sheet[1]:
        header.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.iter_cols(min_row=2):
        for item in column:
            if isinstance(item.value, str):
                item.number_format = "@"
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
