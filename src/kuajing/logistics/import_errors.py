"""Where a file's problems are: one ``ImportProblem`` per bad cell or field, all in one ``ImportRejected``.

Importers collect every problem of a file before saying no, and save nothing when there is one.
"""

from __future__ import annotations

from collections.abc import Sequence

from kuajing.kit.importing import ImportProblem
from kuajing.logistics.documents import DocumentInvalid


class ImportRejected(DocumentInvalid):
    """A file with at least one bad cell or field: every problem listed, nothing to save."""

    code = "logistics_import_rejected"

    def __init__(self, file: str, problems: Sequence[ImportProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            f"{file}: {len(self.problems)} problem(s), nothing saved: "
            + "; ".join(f"{p.place()}: {p.reason_en}" for p in self.problems),
            f"{file}: {len(self.problems)} 处错误,未保存任何内容: "
            + "; ".join(f"{p.place()}: {p.reason_zh}" for p in self.problems),
            details={
                "file": file,
                "field": self.problems[0].column if self.problems else "",
                "reason": self.problems[0].reason_en if self.problems else "",
                "problems": [p.to_dict() for p in self.problems],
            },
        )


def problem_from(error: DocumentInvalid, file: str, sheet: str, row: int = 0) -> ImportProblem:
    """A parser's error (``documents``) as an import problem; its field path becomes the column."""
    path = str(error.details.get("field", ""))
    prefix = f"{error.details.get('file', '')}: {path}: "
    zh, en = error.message_zh.removeprefix(prefix), error.message_en.removeprefix(prefix)
    return ImportProblem(file, row, path, zh, en, sheet=sheet)
