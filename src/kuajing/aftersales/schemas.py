"""售后 API shapes: one view of each case and claim, shared by the page, /api/aftersales and the CLI.

Amounts are decimal strings in CNY (never floats); times are ISO 8601 in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from kuajing.aftersales import repository as repo
from kuajing.aftersales.model import REQUIRED_EVIDENCE, Evidence
from kuajing.aftersales.tables import ClaimEvidenceRow, ClaimTransitionRow, ReturnCaseRow, SupplierClaimRow


@dataclass(frozen=True)
class CaseView:
    case: ReturnCaseRow
    claim: SupplierClaimRow | None
    evidence: list[ClaimEvidenceRow] = field(default_factory=list)
    history: list[ClaimTransitionRow] = field(default_factory=list)

    @property
    def evidence_kinds(self) -> frozenset[Evidence]:
        return frozenset(Evidence(row.kind) for row in self.evidence)

    @property
    def missing_evidence(self) -> list[Evidence]:
        return [kind for kind in Evidence if kind in REQUIRED_EVIDENCE - self.evidence_kinds]


def case_views(session: Session) -> list[CaseView]:
    views = []
    for case in repo.recent_cases(session):
        claim = repo.claim_for_case(session, case.id)
        if claim is None:
            views.append(CaseView(case, None))
            continue
        views.append(
            CaseView(case, claim, repo.evidence_of(session, claim.id), repo.transitions_of(session, claim.id))
        )
    return views


def money_text(value: Decimal | None) -> str | None:
    """A stored NUMERIC amount as text: 6200.000000 → "6200.00", 0.035000 → "0.035"."""
    if value is None:
        return None
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return f"{normal:.2f}" if isinstance(exponent, int) and -exponent <= 2 else f"{normal:f}"


def claim_to_dict(view: CaseView) -> dict[str, Any]:
    claim = view.claim
    assert claim is not None
    return {
        "id": claim.id,
        "case_id": view.case.id,
        "ae_order_id": view.case.ae_order_id,
        "reason": view.case.reason,
        "liable": view.case.liable,
        "supplier_member_id": claim.supplier_member_id,
        "alibaba_order_id": claim.alibaba_order_id,
        "credit_guarantee": claim.credit_guarantee,
        "state": claim.state,
        "currency": "CNY",
        "amount": money_text(claim.amount),
        "advance_compensation": money_text(claim.advance_compensation),
        "recovered_amount": money_text(claim.recovered_amount),
        "refund_id": claim.refund_id,
        "submit_by": claim.submit_by.isoformat() if claim.submit_by else None,
        "evidence": [
            {
                "kind": row.kind,
                "filename": row.filename,
                "size_bytes": row.size_bytes,
                "uploaded_at": row.uploaded_at.isoformat(),
                "uploaded_by": row.uploaded_by,
            }
            for row in view.evidence
        ],
        "missing_evidence": [kind.value for kind in view.missing_evidence],
        "history": [
            {
                "from": step.from_state,
                "to": step.to_state,
                "at": step.at.isoformat(),
                "why": step.why,
                "who": step.who,
            }
            for step in view.history
        ],
    }


def case_to_dict(view: CaseView) -> dict[str, Any]:
    case = view.case
    return {
        "id": case.id,
        "ae_order_id": case.ae_order_id,
        "line_id": case.line_id,
        "source": case.source,
        "reason": case.reason,
        "liable": case.liable,
        "amount": money_text(case.amount),
        "currency": case.currency,
        "notes": case.notes,
        "created_at": case.created_at.isoformat(),
        "claim_id": view.claim.id if view.claim else None,
    }


def claims_to_dicts(session: Session) -> list[dict[str, Any]]:
    return [claim_to_dict(view) for view in case_views(session) if view.claim is not None]


def suppliers_to_dicts(session: Session, scope: frozenset[int] | None = None) -> list[dict[str, Any]]:
    return [
        {
            "supplier_member_id": row.supplier_member_id,
            "claims": row.claims,
            "open": row.open_claims,
            "recovered": money_text(row.recovered),
            "currency": "CNY",
        }
        for row in repo.supplier_summary(session, scope)
    ]
