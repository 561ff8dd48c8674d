"""All SQL for 售后: cases, claims, transitions, evidence, the per-supplier summary."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kuajing.accounts.store_scope import orders_in_scope
from kuajing.aftersales.tables import ClaimEvidenceRow, ClaimTransitionRow, ReturnCaseRow, SupplierClaimRow
from kuajing.orders.tables import AeOrderLineRow, AeOrderRow
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.sourcing.tables import SupplierRow


@dataclass(frozen=True)
class SupplierClaimSummary:
    supplier_member_id: str
    claims: int
    open_claims: int
    recovered: Decimal  # CNY, from the supplier or the platform


def order_by_ae_id(session: Session, ae_order_id: int) -> AeOrderRow | None:
    return session.scalars(select(AeOrderRow).where(AeOrderRow.ae_order_id == ae_order_id)).first()


def order_line(session: Session, order_id: int, line_id: int) -> AeOrderLineRow | None:
    line = session.get(AeOrderLineRow, line_id)
    return line if line is not None and line.order_id == order_id else None


def orders_in_issue(session: Session, scope: frozenset[int] | None = None) -> list[AeOrderRow]:
    query = select(AeOrderRow).where(AeOrderRow.ae_status == "IN_ISSUE")
    return list(session.scalars(orders_in_scope(query, scope)))


def case_for(session: Session, source: str, ae_order_id: int, line_id: int | None) -> ReturnCaseRow | None:
    query = select(ReturnCaseRow).where(
        ReturnCaseRow.source == source, ReturnCaseRow.ae_order_id == ae_order_id
    )
    query = query.where(
        ReturnCaseRow.line_id.is_(None) if line_id is None else ReturnCaseRow.line_id == line_id
    )
    return session.scalars(query).first()


def case_for_issue(session: Session, ae_issue_id: int) -> ReturnCaseRow | None:
    return session.scalars(select(ReturnCaseRow).where(ReturnCaseRow.ae_issue_id == ae_issue_id)).first()


def purchase_for(session: Session, order_id: int, line_id: int | None) -> PurchaseOrderRow | None:
    """The purchase that bought this line (its cargo names the line), else the order's only one.

    The order loop writes cargo line ids as strings (``orders.routing_service``): compare as text."""
    purchases = list(session.scalars(select(PurchaseOrderRow).where(PurchaseOrderRow.order_id == order_id)))
    wanted = str(line_id)
    for purchase in purchases:
        named = {str(named_id) for item in purchase.cargo for named_id in item.get("line_ids", [])}
        if line_id is not None and wanted in named:
            return purchase
    return purchases[0] if len(purchases) == 1 else None


def supplier_has_credit_guarantee(session: Session, member_id: str) -> bool:
    query = select(SupplierRow.credit_guarantee).where(SupplierRow.member_id == member_id)
    return bool(session.scalars(query).first())


def claim_for_case(session: Session, case_id: int) -> SupplierClaimRow | None:
    return session.scalars(select(SupplierClaimRow).where(SupplierClaimRow.case_id == case_id)).first()


def evidence_of(session: Session, claim_id: int) -> list[ClaimEvidenceRow]:
    query = (
        select(ClaimEvidenceRow).where(ClaimEvidenceRow.claim_id == claim_id).order_by(ClaimEvidenceRow.id)
    )
    return list(session.scalars(query))


def transitions_of(session: Session, claim_id: int) -> list[ClaimTransitionRow]:
    query = select(ClaimTransitionRow).where(ClaimTransitionRow.claim_id == claim_id)
    return list(session.scalars(query.order_by(ClaimTransitionRow.id)))


def recent_cases(session: Session, limit: int = 200) -> list[ReturnCaseRow]:
    return list(session.scalars(select(ReturnCaseRow).order_by(ReturnCaseRow.id.desc()).limit(limit)))


def claims(session: Session) -> list[SupplierClaimRow]:
    return list(session.scalars(select(SupplierClaimRow).order_by(SupplierClaimRow.id.desc())))


def claims_awaiting_submission(session: Session) -> list[tuple[SupplierClaimRow, int]]:
    """Open or evidence-complete claims with a deadline, each with its AliExpress order id."""
    query = (
        select(SupplierClaimRow, ReturnCaseRow.ae_order_id)
        .join(ReturnCaseRow, ReturnCaseRow.id == SupplierClaimRow.case_id)
        .where(
            SupplierClaimRow.state.in_(("open", "evidence_complete")),
            SupplierClaimRow.submit_by.is_not(None),
        )
        .order_by(SupplierClaimRow.submit_by, SupplierClaimRow.id)
    )
    return [(claim, int(ae_order_id)) for claim, ae_order_id in session.execute(query)]


def supplier_summary(session: Session, scope: frozenset[int] | None = None) -> list[SupplierClaimSummary]:
    """Claims per supplier, on orders of the stores in ``scope`` (None: every store)."""
    is_open = case((SupplierClaimRow.state.in_(("open", "evidence_complete", "submitted")), 1), else_=0)
    query = (
        select(
            SupplierClaimRow.supplier_member_id,
            func.count(SupplierClaimRow.id),
            func.sum(is_open),
            func.coalesce(func.sum(SupplierClaimRow.recovered_amount), 0),
        )
        .join(ReturnCaseRow, ReturnCaseRow.id == SupplierClaimRow.case_id)
        .join(AeOrderRow, AeOrderRow.id == ReturnCaseRow.order_id)
        .group_by(SupplierClaimRow.supplier_member_id)
        .order_by(SupplierClaimRow.supplier_member_id)
    )
    return [
        SupplierClaimSummary(member, int(count), int(open_ or 0), Decimal(recovered))
        for member, count, open_, recovered in session.execute(orders_in_scope(query, scope))
    ]
