"""Where a file's problems are: every importer reports each bad row, cell or field as one
``ImportProblem`` (file, sheet, row, column, reason in both languages) and saves nothing while
there is one (CONVENTIONS.md). One shape for mapping rules, rate cards, tax rules and offers, so
the CLI, the pages and the rejects workbook show them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ImportProblem:
    file: str
    row: int  # 1-based sheet row (1 is the header row); 0 for the file, sheet or table as a whole
    column: str  # the header as written in the file, or the field path; "" for the whole row
    reason_zh: str
    reason_en: str
    sheet: str = ""  # the xlsx sheet, or the TOML table (``rule[2]``), where the file has several

    def place(self) -> str:
        sheet = f" [{self.sheet}]" if self.sheet else ""
        row = f" 行 row {self.row}" if self.row else ""
        column = f" 列 column {self.column}" if self.column else ""
        return f"{self.file}{sheet}{row}{column}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }
