"""质检报告 (QC reports) for AliExpress category review of 服饰 / 电子 / 美妆: upload with issue and
expiry dates, stored under the compliance folder (``KUAJING_COMPLIANCE_FOLDER``), like after-sales
evidence. Adding or removing one re-checks every listing (the QC warning depends on it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from kuajing.aftersales.model import sanitise_filename
from kuajing.compliance import repository as repo
from kuajing.compliance.epr import QcFamily, RuleBook, qc_valid_on
from kuajing.compliance.service import recheck
from kuajing.compliance.tables import QcDocumentRow
from kuajing.kit.errors import NotFound, ValidationFailed

MAX_QC_BYTES = 50 * 1024 * 1024  # a scanned report
EXPIRY_WARN_DAYS = 30


def add_qc_document(
    session: Session,
    *,
    family: QcFamily,
    filename: str,
    content: bytes,
    issuer: str,
    issued_on: date,
    expires_on: date | None,
    note: str = "",
    folder: Path,
    who: str,
    now: datetime,
    today: date,
    book: RuleBook | None = None,
) -> QcDocumentRow:
    if not content:
        raise ValidationFailed("empty file", "文件为空", details={"field": "file"})
    if len(content) > MAX_QC_BYTES:
        raise ValidationFailed(
            f"file larger than {MAX_QC_BYTES} bytes",
            f"文件超过 {MAX_QC_BYTES} 字节",
            details={"field": "file"},
        )
    if not issuer.strip():
        raise ValidationFailed("issuer: required", "出具机构:必填", details={"field": "issuer"})
    if expires_on is not None and expires_on < issued_on:
        raise ValidationFailed(
            "expires_on is before issued_on", "到期日早于出具日期", details={"field": "expires_on"}
        )
    safe = sanitise_filename(filename)
    relative = Path(f"qc-{family.value}") / f"{now:%Y%m%d%H%M%S}-{safe}"
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    row = QcDocumentRow(
        family=family.value,
        filename=safe,
        stored_path=str(relative),
        size_bytes=len(content),
        issuer=issuer.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
        note=note.strip(),
        uploaded_by=who,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    recheck(session, repo.all_listings(session), now=now, today=today, book=book)
    return row


def remove_qc_document(
    session: Session,
    document_id: int,
    *,
    folder: Path,
    now: datetime,
    today: date,
    book: RuleBook | None = None,
) -> None:
    row = repo.qc_document(session, document_id)
    if row is None:
        raise NotFound(f"QC document {document_id} not found", f"找不到质检报告 {document_id}")
    (folder / row.stored_path).unlink(missing_ok=True)
    session.delete(row)
    session.flush()
    recheck(session, repo.all_listings(session), now=now, today=today, book=book)


@dataclass(frozen=True)
class QcStatus:
    document: QcDocumentRow
    valid: bool
    expiring: bool  # valid and expires within EXPIRY_WARN_DAYS
    superseded: bool  # another report of the family stays valid longer


def qc_statuses(session: Session, today: date, warn_days: int = EXPIRY_WARN_DAYS) -> list[QcStatus]:
    documents = repo.qc_documents(session)
    horizon = today + timedelta(days=warn_days)
    out = []
    for doc in documents:
        valid = qc_valid_on(doc.expires_on, doc.issued_on, today)
        expiring = valid and doc.expires_on is not None and doc.expires_on <= horizon
        later = [
            other
            for other in documents
            if other.id != doc.id
            and other.family == doc.family
            and qc_valid_on(other.expires_on, other.issued_on, today)
            and (
                other.expires_on is None or (doc.expires_on is not None and other.expires_on > doc.expires_on)
            )
        ]
        out.append(QcStatus(doc, valid, expiring, bool(later)))
    return out
