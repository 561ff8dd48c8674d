"""Offers files in: stream the rows once, collect every problem, hand good offers on in batches.

``read_offers`` reads a file opened by ``import_files`` with a column plan (``import_columns``),
parses each row (``import_rows``), gathers the rows of one offer (they must sit together) and
passes complete offers to ``write`` ``BATCH`` at a time. Memory stays bounded: one offer's rows,
one batch, and the offer ids seen so far (to catch an offer that appears twice).

Nothing is half-imported: the caller writes inside one transaction, and as soon as a row is bad
(without ``good_rows_only``) no further batch is handed on and the caller rolls the batches already
written back; reading continues so every problem is reported. With ``good_rows_only`` an offer
with a bad row is skipped whole (its other rows are reported too), never stored with a spec missing.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# No stubs for openpyxl in the venv.
from openpyxl import Workbook  # type: ignore[import-untyped]

from kuajing.kit.importing import ImportProblem
from kuajing.sourcing.import_columns import ColumnPlan
from kuajing.sourcing.import_files import OpenedFile
from kuajing.sourcing.import_rows import ParsedRow, RowReader, build_offer
from kuajing.sourcing.offer_records import OfferRecord

BATCH = 1000  # offers per write
MAX_KEPT_REJECTS = 20_000  # bad rows kept (cells and all) for the rejects workbook


@dataclass
class ReadReport:
    rows: int = 0
    offers: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    rejected_cells: dict[int, list[Any]] = field(default_factory=dict)  # row number → cells as read

    @property
    def ok(self) -> bool:
        return not self.problems


class _OfferReader:
    def __init__(
        self,
        plan: ColumnPlan,
        file: str,
        write: Callable[[list[OfferRecord]], None],
        good_rows_only: bool,
    ) -> None:
        self.reader = RowReader(plan, file)
        self.file = file
        self.write = write
        self.good_rows_only = good_rows_only
        self.spec_header = plan.headers.get("spec_id") or plan.headers.get("spec", "")
        self.offer_header = plan.headers["offer_id"]
        self.report = ReadReport()
        self.seen: dict[int, int] = {}  # offer id → its first row
        self.group: list[ParsedRow] = []
        self.group_cells: list[list[Any]] = []
        self.batch: list[OfferRecord] = []

    def feed(self, number: int, cells: list[Any]) -> None:
        row = self.reader.read(number, cells)
        self.report.rows += 1
        offer_id = row.values.get("offer_id")
        if self.group and offer_id != self.group[0].values.get("offer_id"):
            self.close_group()
        if offer_id is not None and not self.group and offer_id in self.seen:
            row.problems.append(
                ImportProblem(
                    self.file,
                    number,
                    self.offer_header,
                    f"商品 {offer_id} 重复:已在第 {self.seen[offer_id]} 行出现(同一商品的规格行须相邻)",
                    f"duplicate offer {offer_id}: already at row {self.seen[offer_id]} "
                    "(rows of one offer must be adjacent)",
                )
            )
        if offer_id is None:
            self.reject([row], [cells])
            return
        if not self.group:
            self.seen[offer_id] = number
        self.group.append(row)
        self.group_cells.append(cells)

    def close_group(self) -> None:
        rows, cells = self.group, self.group_cells
        self.group, self.group_cells = [], []
        if not rows:
            return
        bad = [problem for row in rows for problem in row.problems]
        built = bad or build_offer(rows, self.file, self.spec_header)
        if isinstance(built, OfferRecord):
            self.report.offers += 1
            self.batch.append(built)
            if len(self.batch) >= BATCH:
                self.flush()
            return
        self.reject(rows, cells, built)

    def reject(
        self, rows: Sequence[ParsedRow], cells: Sequence[list[Any]], problems: Iterable[ImportProblem] = ()
    ) -> None:
        found = [*problems] or [problem for row in rows for problem in row.problems]
        bad_rows = {problem.row for problem in found}
        if self.good_rows_only:
            for row in rows:
                if row.number not in bad_rows:
                    found.append(
                        ImportProblem(
                            self.file,
                            row.number,
                            "",
                            "同一商品的其他行有错误,整条商品未导入",
                            "another row of this offer is bad: the offer was not imported",
                        )
                    )
        self.report.problems.extend(found)
        for row, row_cells in zip(rows, cells, strict=True):
            if len(self.report.rejected_cells) < MAX_KEPT_REJECTS:
                self.report.rejected_cells[row.number] = list(row_cells)

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if batch and (self.good_rows_only or self.report.ok):
            self.write(batch)


def read_offers(
    opened: OpenedFile,
    plan: ColumnPlan,
    file: str,
    write: Callable[[list[OfferRecord]], None],
    *,
    good_rows_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ReadReport:
    reader = _OfferReader(plan, file, write, good_rows_only)
    for count, (number, cells) in enumerate(opened.rows, start=1):
        # A row of blanks is skipped (any non-text cell counts as filled, as str() would say).
        if any(cell is not None and (cell.__class__ is not str or cell.strip()) for cell in cells):
            reader.feed(number, cells)
        if progress is not None and count % 1000 == 0:
            progress(1000)
    reader.close_group()
    reader.flush()
    reader.report.problems.sort(key=lambda problem: problem.row)
    return reader.report


def rejects_workbook(headers: Sequence[str], report: ReadReport) -> bytes:
    """The bad rows as the file had them, with the row number and the reasons in front."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误 rejects")
    sheet.append(["行 row", "原因 reason", "reason (en)", *headers])
    reasons: dict[int, list[ImportProblem]] = {}
    for problem in report.problems:
        reasons.setdefault(problem.row, []).append(problem)
    for number, found in sorted(reasons.items()):
        zh = ";".join(f"{p.column}: {p.reason_zh}" if p.column else p.reason_zh for p in found)
        en = "; ".join(f"{p.column}: {p.reason_en}" if p.column else p.reason_en for p in found)
        cells = report.rejected_cells.get(number, [])
        sheet.append([number, zh, en, *("" if cell is None else cell for cell in cells)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
