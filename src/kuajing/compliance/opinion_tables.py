"""预归类意见: the official opinions on a product's HS code, as the classification service issued them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base


class HsOpinionRow(Base):
    """One pre-classification opinion for a 1688 offer or an AliExpress listing; the latest one wins.

    Rows are never edited: a corrected opinion is a new row (the history shows what was declared when).
    """

    __tablename__ = "hs_opinions"
    __table_args__ = (Index("ix_hs_opinions_subject", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(10))  # offer: 1688 offer id; listing: AE product id
    subject_id: Mapped[int] = mapped_column(BigInteger)
    hs6: Mapped[str] = mapped_column(String(6))
    national_code: Mapped[str | None] = mapped_column(String(16))  # e.g. China's 10-digit 商品编码
    opinion_date: Mapped[date]
    authority: Mapped[str] = mapped_column(String(120))  # 海关总署 / 某直属海关
    reference: Mapped[str | None] = mapped_column(String(80))  # 预归类意见书编号
    document_path: Mapped[str | None] = mapped_column(String(300))  # relative to the opinion folder
    document_name: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
