"""ORM mapping for stores and buyer accounts.

Tokens are stored here so a refreshed token survives a restart. App secrets and tokens are
encrypted at rest (``EncryptedText``, key from KUAJING_SECRET_KEY; see kuajing.kit.secrets).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuajing.db.base import Base
from kuajing.kit.secrets import EncryptedText


class AliExpressStore(Base):
    """速卖通店铺: one authorised seller account."""

    __tablename__ = "aliexpress_stores"
    __table_args__ = (UniqueConstraint("seller_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    seller_id: Mapped[str] = mapped_column(String(64))
    base_url: Mapped[str] = mapped_column(String(500))
    app_key: Mapped[str] = mapped_column(String(64))
    app_secret: Mapped[str] = mapped_column(EncryptedText())
    access_token: Mapped[str] = mapped_column(EncryptedText())
    refresh_token: Mapped[str] = mapped_column(EncryptedText(), default="")
    access_token_expires_at: Mapped[datetime | None]
    refresh_token_expires_at: Mapped[datetime | None]
    # 1688 member id the store buys from (guide: authorise the corresponding 1688 store ID).
    buyer_account_id: Mapped[int | None] = mapped_column(ForeignKey("alibaba1688_accounts.id"))
    last_synced_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Alibaba1688Account(Base):
    """1688 采购账号: the buyer account that places dropship orders."""

    __tablename__ = "alibaba1688_accounts"
    __table_args__ = (UniqueConstraint("member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[str] = mapped_column(String(64))
    base_url: Mapped[str] = mapped_column(String(500))
    app_key: Mapped[str] = mapped_column(String(64))
    app_secret: Mapped[str] = mapped_column(EncryptedText())
    access_token: Mapped[str] = mapped_column(EncryptedText())
    refresh_token: Mapped[str] = mapped_column(EncryptedText(), default="")
    access_token_expires_at: Mapped[datetime | None]
    refresh_token_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
