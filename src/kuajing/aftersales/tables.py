"""售后 tables: return cases, supplier claims, each claim's transitions and its evidence files."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base, MoneyAmount


class ReturnCaseRow(Base):
    """A return or dispute on an AliExpress order: recorded by hand or taken in from IN_ISSUE."""

    __tablename__ = "aftersales_cases"
    __table_args__ = (
        UniqueConstraint("source", "ae_order_id", "line_id", name="uq_aftersales_cases_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ae_orders.id"), index=True)
    ae_order_id: Mapped[int] = mapped_column(BigInteger)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("ae_order_lines.id"))
    source: Mapped[str] = mapped_column(String(20))  # manual | ae_issue
    # The AliExpress issue (纠纷) the case came from, when taken in through the issue API.
    ae_issue_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    reason: Mapped[str | None] = mapped_column(String(30))  # model.ReturnReason; None until classified
    liable: Mapped[str | None] = mapped_column(String(10))  # model.LiableParty
    amount: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]


class SupplierClaimRow(Base):
    """索赔: recovering a supplier error from the supplier (or the platform, for 信用保障 orders)."""

    __tablename__ = "aftersales_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("aftersales_cases.id"), unique=True)
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"))
    supplier_member_id: Mapped[str] = mapped_column(String(80), index=True)
    alibaba_order_id: Mapped[str | None] = mapped_column(String(40))
    credit_guarantee: Mapped[bool] = mapped_column(default=False)  # 信用保障订单
    amount: Mapped[Decimal] = mapped_column(MoneyAmount())  # CNY
    advance_compensation: Mapped[Decimal | None] = mapped_column(MoneyAmount())  # ≤ ¥5,000
    state: Mapped[str] = mapped_column(String(20))  # model.ClaimState
    refund_id: Mapped[str | None] = mapped_column(String(60))  # 1688 refundId
    recovered_amount: Mapped[Decimal | None] = mapped_column(MoneyAmount())  # from supplier or platform
    submit_by: Mapped[datetime | None]  # 提交时限: case opened + claim_submit_days (aftersales.toml)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ClaimTransitionRow(Base):
    __tablename__ = "aftersales_claim_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("aftersales_claims.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    why: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(80))


class ClaimEvidenceRow(Base):
    __tablename__ = "aftersales_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("aftersales_claims.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # model.Evidence
    filename: Mapped[str] = mapped_column(String(200))  # sanitised
    stored_path: Mapped[str] = mapped_column(String(500))  # relative to the evidence folder
    size_bytes: Mapped[int]
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime]
