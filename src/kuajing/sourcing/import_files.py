"""Opening an offers file: xlsx through python-calamine, csv in UTF-8 (with or without BOM) or GBK.

What calamine reads silently is refused here, with the cell named: a formula (its cached value may
be stale: the seller pastes values instead) and merged cells (a merged block reads as one value
and blanks). Both are found in the first sheet's XML, streamed, so a 200,000-row file costs one
pass of decompression. Any file-level problem is an ``ImportProblem`` on row 0 (or the cell's row).
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineError, load_workbook

from kuajing.kit.importing import ImportProblem

_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*?>\s*<f[ >/]')
_MERGED = re.compile(rb'<mergeCell ref="([A-Z]+)([0-9]+)(?::([A-Z]+[0-9]+))?"')
_CHUNK = 1 << 20
_MAX_SHEET_PROBLEMS = 200


@dataclass
class OpenedFile:
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (sheet row number, cells), header row excluded
    total_rows: int | None
    sheet: str = ""


class FileRefused(Exception):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(problems[0].reason_en)
        self.problems = problems


def _refuse(file: str, zh: str, en: str, row: int = 0, column: str = "", sheet: str = "") -> FileRefused:
    return FileRefused([ImportProblem(file, row, column, zh, en, sheet)])


def open_offers_file(path: Path, file: str | None = None) -> OpenedFile:
    name = file or path.name
    if not path.is_file():
        raise _refuse(name, f"文件不存在:{path}", f"no such file: {path}")
    if path.stat().st_size == 0:
        raise _refuse(name, "文件是空的(0 字节)", "the file is empty (0 bytes)")
    with path.open("rb") as probe:
        magic = probe.read(4)
    if magic == b"PK\x03\x04":
        return _open_xlsx(path, name)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return _open_csv(path, name)
    raise _refuse(
        name,
        "不是 xlsx 或 csv 文件(请在 Excel 中另存为 .xlsx 或 .csv)",
        "not an xlsx or csv file (save it from Excel as .xlsx or .csv)",
    )


# --- csv -------------------------------------------------------------------------------------------


def _encoding(path: Path, file: str) -> str:
    """utf-8-sig if the whole file decodes so, else gb18030 (a superset of GBK), else refused."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise _refuse(
        file,
        "无法识别文件编码:既不是 UTF-8 也不是 GBK/GB18030,请用 Excel 另存为“CSV UTF-8”",
        "unknown encoding: neither UTF-8 nor GBK/GB18030; save it as “CSV UTF-8”",
    )


def _open_csv(path: Path, file: str) -> OpenedFile:
    encoding = _encoding(path, file)
    stream = path.open("r", encoding=encoding, newline="")
    sample = stream.read(4096)
    stream.seek(0)
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(stream, delimiter=delimiter)
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        stream.close()
        raise _refuse(file, "文件没有表头或内容", "the file has no header row or data")

    def rows() -> Iterator[tuple[int, list[Any]]]:
        with stream:
            yield from enumerate(reader, start=2)

    return OpenedFile([cell.strip() for cell in header], rows(), None)


# --- xlsx ------------------------------------------------------------------------------------------


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find("m:sheets/m:sheet", ns)
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target", "") for r in rels if sheet is not None and r.get("Id") == sheet.get(rel_ns))
    return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)


def sheet_problems(path: Path, file: str, sheet: str) -> list[ImportProblem]:
    """Formulas and merged cells in the first sheet, each named by its cell."""
    problems: list[ImportProblem] = []
    try:
        with zipfile.ZipFile(path) as archive, archive.open(_first_sheet_part(archive)) as xml:
            tail = b""
            while chunk := xml.read(_CHUNK):
                block, tail = tail + chunk, b""
                # A cell or tag may straddle the chunk: keep it for the next scan.
                cut = block.rfind(b"<c ")
                if cut < len(block) - 4096:
                    cut = block.rfind(b"<")
                if cut > 0:
                    block, tail = block[:cut], block[cut:]
                _scan(block, file, sheet, problems)
                if len(problems) >= _MAX_SHEET_PROBLEMS:
                    break
            _scan(tail, file, sheet, problems)
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError) as error:
        raise _refuse(file, f"xlsx 文件已损坏:{error}", f"the xlsx file is damaged: {error}") from error
    return problems


def _scan(block: bytes, file: str, sheet: str, problems: list[ImportProblem]) -> None:
    if b"<f" in block:
        for match in _FORMULA_CELL.finditer(block):
            cell = (match[1] + match[2]).decode()
            problems.append(
                ImportProblem(
                    file,
                    int(match[2]),
                    cell,
                    f"单元格 {cell} 是公式:请复制后“选择性粘贴为数值”再导入(公式的缓存值可能已过期)",
                    f"cell {cell} holds a formula: paste it as values first (its cached value may be stale)",
                    sheet,
                )
            )
    if b"<mergeCell " in block:
        for match in _MERGED.finditer(block):
            cells = (match[1] + match[2]).decode() + (f":{match[3].decode()}" if match[3] else "")
            problems.append(
                ImportProblem(
                    file,
                    int(match[2]),
                    cells,
                    f"合并单元格 {cells}:请取消合并并在每一行填上值",
                    f"merged cells {cells}: unmerge them and fill in every row",
                    sheet,
                )
            )


def _open_xlsx(path: Path, file: str) -> OpenedFile:
    try:
        workbook = load_workbook(str(path))
        sheet_name = workbook.sheet_names[0]
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, IndexError, OSError, ValueError) as error:
        raise _refuse(file, f"无法读取 xlsx 文件:{error}", f"cannot read the xlsx file: {error}") from error
    problems = sheet_problems(path, file, sheet_name)
    if problems:
        raise FileRefused(problems)
    start_row = sheet.start[0] if sheet.start else 0
    rows = sheet.iter_rows()
    header = next(rows, None)
    if header is None or not any(str(cell).strip() for cell in header):
        raise _refuse(file, "工作表是空的", "the sheet is empty", sheet=sheet_name)
    # calamine starts at the first used cell: pad the header so column letters stay where they are.
    headers = ["" if cell is None else str(cell).strip() for cell in header]

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        yield from enumerate(rows, start=start_row + 2)

    return OpenedFile(headers, numbered(), max(sheet.height - 1, 0), sheet_name)
