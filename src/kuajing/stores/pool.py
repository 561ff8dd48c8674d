"""Clients kept across passes: building an httpx client costs ~20 ms (TLS context), calls ~2 ms.

A cached client is used while its row's credentials stay as they were; when a person edits them
(or a refresh rewrote the tokens), the next call builds a fresh client and closes the old one.

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

_Credentials = tuple[str, str, str, str | None, str | None]


def _credentials(row: AliExpressStore | Alibaba1688Account) -> _Credentials:
    """What a client is built from; a change means the cached client speaks with stale credentials."""
    return (row.base_url, row.app_key, row.app_secret, row.access_token, row.refresh_token)


class ClientPool:
    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self.factory = factory
        self.settings = settings
        self._stores: dict[int, tuple[_Credentials, AliExpressClient]] = {}
        self._buyers: dict[int, tuple[_Credentials, Alibaba1688Client]] = {}

    def store(self, row: AliExpressStore) -> AliExpressClient:
        cached = self._stores.get(row.id)
        if cached is not None and cached[0] == _credentials(row):
            return cached[1]
        if cached is not None:
            cached[1].close()
        client = service.aliexpress_client(row, self.settings, self._save_store_tokens(row.id))
        self._stores[row.id] = (_credentials(row), client)
        return client

    def buyer(self, row: Alibaba1688Account) -> Alibaba1688Client:
        cached = self._buyers.get(row.id)
        if cached is not None and cached[0] == _credentials(row):
            return cached[1]
        if cached is not None:
            cached[1].close()
        client = service.alibaba_client(row, self.settings, self._save_buyer_tokens(row.id))
        self._buyers[row.id] = (_credentials(row), client)
        return client

    def _save_store_tokens(self, store_id: int) -> Callable[[AliExpressTokens], None]:
        def save(tokens: AliExpressTokens) -> None:
            with self.factory() as session:
                row = session.get(AliExpressStore, store_id)
                if row is not None:
                    service.apply_store_tokens(row, tokens)
                    session.commit()

        return save

    def _save_buyer_tokens(self, account_id: int) -> Callable[[AlibabaTokens], None]:
        def save(tokens: AlibabaTokens) -> None:
            with self.factory() as session:
                row = session.get(Alibaba1688Account, account_id)
                if row is not None:
                    service.apply_buyer_tokens(row, tokens)
                    session.commit()

        return save

    def close(self) -> None:
        for _, store in self._stores.values():
            store.close()
        for _, buyer in self._buyers.values():
            buyer.close()
        self._stores.clear()
        self._buyers.clear()

    def __enter__(self) -> ClientPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
