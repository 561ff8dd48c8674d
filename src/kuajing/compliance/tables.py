"""合规 tables: AliExpress listings, the seller's EPR registrations, each listing × market check, and
the category QC reports (质检报告)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base


class ListingRow(Base):
    """速卖通商品: from the AliExpress API, an xlsx/csv import, or entered by hand."""

    __tablename__ = "compliance_listings"
    __table_args__ = (UniqueConstraint("product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("aliexpress_stores.id"))
    product_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(500))
    category_id: Mapped[int | None] = mapped_column(BigInteger)
    category_name: Mapped[str] = mapped_column(String(200), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    markets: Mapped[list[str]] = mapped_column(JSON, default=list)  # country codes it ships to
    offer_id: Mapped[int | None] = mapped_column(BigInteger)  # the mapped 1688 offer, if known
    hs6: Mapped[str | None] = mapped_column(String(6))  # written by HS pre-classification
    source: Mapped[str] = mapped_column(String(20))  # aliexpress | import | manual
    content_hash: Mapped[str] = mapped_column(String(64))
    checked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class EprRegistrationRow(Base):
    """EPR 注册号: one per country × stream (LUCID, stiftung ear, ADEME IDU …)."""

    __tablename__ = "compliance_epr_registrations"
    __table_args__ = (UniqueConstraint("country", "stream"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    stream: Mapped[str] = mapped_column(String(20))  # epr.Stream
    number: Mapped[str] = mapped_column(String(80))  # normalised (no spaces, upper case)
    registered_on: Mapped[date | None]
    valid_until: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ListingCheckRow(Base):
    """One listing in one market: ok | warning | blocking, with its reasons (zh + en)."""

    __tablename__ = "compliance_listing_checks"
    __table_args__ = (
        UniqueConstraint("listing_id", "market"),
        Index("ix_compliance_listing_checks_market_status", "market", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("compliance_listings.id", ondelete="CASCADE"))
    market: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(10))  # epr.CheckStatus
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    streams: Mapped[list[str]] = mapped_column(JSON, default=list)
    rules_version: Mapped[str] = mapped_column(String(64))  # a check under other rules is stale
    checked_at: Mapped[datetime]


class QcDocumentRow(Base):
    """质检报告 for category review (服饰 / 电子 / 美妆), stored under the compliance folder."""

    __tablename__ = "compliance_qc_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(20), index=True)  # epr.QcFamily
    filename: Mapped[str] = mapped_column(String(200))  # sanitised
    stored_path: Mapped[str] = mapped_column(String(500))  # relative to the compliance folder
    size_bytes: Mapped[int]
    issuer: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date]
    expires_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime]
