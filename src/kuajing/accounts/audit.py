"""The audit log: who changed what (mapping rules, approvals, settings, users, EPR, lifecycle).

``record`` is called by the use case's caller inside the same unit of work as the change, so an
entry exists exactly when the change was committed. Before and after are JSON text; values JSON
cannot hold (Decimal, datetime) are written as strings.
"""

from __future__ import annotations

import getpass
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from kuajing.accounts.repository import AccountRepository
from kuajing.accounts.tables import AuditEntryRow
from kuajing.kit.clock import SystemClock


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    session: Session,
    who: str,
    action: str,
    kind: str,
    object_id: object | None,
    before: Any = None,
    after: Any = None,
    *,
    ip: str | None = None,
    at: datetime | None = None,
) -> AuditEntryRow:
    row = AuditEntryRow(
        at=at or SystemClock().now(),
        who=who[:80],
        action=action[:60],
        object_kind=kind[:40],
        object_id=None if object_id is None else str(object_id)[:80],
        before=_json(before),
        after=_json(after),
        ip=(ip or "")[:64] or None,
    )
    AccountRepository(session).add(row)
    return row


def cli_actor() -> str:
    """``cli:<os user>``: who ran a command."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in some containers
        return "cli"


def row_values(row: object, *names: str) -> dict[str, Any]:
    """Selected attributes of an ORM row, for before/after."""
    return {name: getattr(row, name, None) for name in names}


def entry_dict(row: AuditEntryRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "who": row.who,
        "action": row.action,
        "object_kind": row.object_kind,
        "object_id": row.object_id,
        "before": json.loads(row.before) if row.before else None,
        "after": json.loads(row.after) if row.after else None,
        "ip": row.ip,
    }


HEADERS = (
    "时间 at (UTC)",
    "操作人 who",
    "操作 action",
    "对象 kind",
    "对象ID id",
    "之前 before",
    "之后 after",
    "IP",
)


def workbook(entries: Sequence[AuditEntryRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "audit"
    sheet.append(list(HEADERS))
    for row in entries:
        sheet.append(
            [
                row.at.strftime("%Y-%m-%d %H:%M:%S"),
                row.who,
                row.action,
                row.object_kind,
                row.object_id,
                row.before,
                row.after,
                row.ip,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["cli_actor", "entry_dict", "record", "row_values", "workbook"]
