"""Clients kept for a whole pass: building an httpx client costs ~20 ms (TLS context), calls ~2 ms.

Tokens a pooled client refreshes are saved at once in their own transaction, since the row the
client was built from belongs to a session that is long gone by then.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings
from kuajing.marketplaces.alibaba1688 import Alibaba1688Client
from kuajing.marketplaces.alibaba1688 import TokenSet as AlibabaTokens
from kuajing.marketplaces.aliexpress import AliExpressClient
from kuajing.marketplaces.aliexpress import TokenSet as AliExpressTokens
from kuajing.stores import service
from kuajing.stores.tables import Alibaba1688Account, AliExpressStore


class ClientPool:
    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self.factory = factory
        self.settings = settings
        self._stores: dict[int, AliExpressClient] = {}
        self._buyers: dict[int, Alibaba1688Client] = {}

    def store(self, row: AliExpressStore) -> AliExpressClient:
        if row.id not in self._stores:
            self._stores[row.id] = service.aliexpress_client(
                row, self.settings, self._save_store_tokens(row.id)
            )
        return self._stores[row.id]

    def buyer(self, row: Alibaba1688Account) -> Alibaba1688Client:
        if row.id not in self._buyers:
            self._buyers[row.id] = service.alibaba_client(row, self.settings, self._save_buyer_tokens(row.id))
        return self._buyers[row.id]

    def _save_store_tokens(self, store_id: int) -> Callable[[AliExpressTokens], None]:
        def save(tokens: AliExpressTokens) -> None:
            with self.factory() as session:
                row = session.get(AliExpressStore, store_id)
                if row is not None:
                    row.access_token = tokens.access_token
                    row.refresh_token = tokens.refresh_token or row.refresh_token
                    row.access_token_expires_at = tokens.expires_at
                    row.refresh_token_expires_at = tokens.refresh_expires_at
                    session.commit()

        return save

    def _save_buyer_tokens(self, account_id: int) -> Callable[[AlibabaTokens], None]:
        def save(tokens: AlibabaTokens) -> None:
            with self.factory() as session:
                row = session.get(Alibaba1688Account, account_id)
                if row is not None:
                    row.access_token = tokens.access_token
                    row.refresh_token = tokens.refresh_token or row.refresh_token
                    row.access_token_expires_at = tokens.access_token_expires_at
                    row.refresh_token_expires_at = tokens.refresh_token_expires_at
                    session.commit()

        return save

    def close(self) -> None:
        for store in self._stores.values():
            store.close()
        for buyer in self._buyers.values():
            buyer.close()
        self._stores.clear()
        self._buyers.clear()

    def __enter__(self) -> ClientPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
