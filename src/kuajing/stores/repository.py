"""All SQL for stores and buyer accounts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.stores.tables import Alibaba1688Account, AliExpressStore


class StoreRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def aliexpress_stores(self) -> Sequence[AliExpressStore]:
        return self.session.scalars(select(AliExpressStore).order_by(AliExpressStore.id)).all()

    def aliexpress_store(self, store_id: int) -> AliExpressStore | None:
        return self.session.get(AliExpressStore, store_id)

    def aliexpress_store_by_seller(self, seller_id: str) -> AliExpressStore | None:
        return self.session.scalars(
            select(AliExpressStore).where(AliExpressStore.seller_id == seller_id)
        ).first()

    def buyer_accounts(self) -> Sequence[Alibaba1688Account]:
        return self.session.scalars(select(Alibaba1688Account).order_by(Alibaba1688Account.id)).all()

    def buyer_account(self, account_id: int) -> Alibaba1688Account | None:
        return self.session.get(Alibaba1688Account, account_id)

    def store_with_buyer(self, store_id: int) -> tuple[AliExpressStore, Alibaba1688Account | None]:
        """A store and the 1688 account it buys with (None when none is linked yet)."""
        store = self.session.get(AliExpressStore, store_id)
        if store is None:
            raise LookupError(f"no AliExpress store {store_id}")
        account = self.buyer_account(store.buyer_account_id) if store.buyer_account_id else None
        return store, account

    def buyer_account_by_member(self, member_id: str) -> Alibaba1688Account | None:
        return self.session.scalars(
            select(Alibaba1688Account).where(Alibaba1688Account.member_id == member_id)
        ).first()

    def add(self, row: AliExpressStore | Alibaba1688Account) -> None:
        self.session.add(row)
        self.session.flush()
