"""What the jobs of one worker process share: settings, the database, the clock, the rule book,
each store's approved carriers, and a client pool per thread (``--concurrency N`` runs N jobs at
once, each in its own thread)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from kuajing.config import Settings, get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.fulfilment.carriers import load_carrier_map
from kuajing.jobs import ContextMaker, order_context, worker_name
from kuajing.kit.remote_clock import LOOP_MAX_AGE_S, clock_for
from kuajing.marketplaces.aliexpress import LogisticsService
from kuajing.marketplaces.errors import MarketplaceError
from kuajing.orders.mapping import RuleBook
from kuajing.orders.rules_store import load_rulebook
from kuajing.stores.pool import ClientPool
from kuajing.stores.tables import AliExpressStore
from kuajing.workers.repository import rules_fingerprint

log = logging.getLogger(__name__)
APPROVED_TTL_S = 600.0  # a store's approved carriers are read again after ten minutes


@dataclass
class Runtime:
    settings: Settings
    factory: sessionmaker[Session]
    now: Callable[[], datetime]
    worker: str
    carrier_map: dict[str, str]
    _local: threading.local = field(default_factory=threading.local)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _approved: dict[int, tuple[float, list[LogisticsService]]] = field(default_factory=dict)
    _rules: tuple[object, RuleBook] | None = None

    @property
    def pool(self) -> ClientPool:
        pool: ClientPool | None = getattr(self._local, "pool", None)
        if pool is None:
            pool = ClientPool(self.factory, self.settings)
            self._local.pool = pool
        return pool

    def rulebook(self) -> RuleBook:
        """The mapping rules, read again only when they changed (``rules_fingerprint``)."""
        with self.factory() as session:
            mark = rules_fingerprint(session)
            with self._lock:
                if self._rules is not None and self._rules[0] == mark:
                    return self._rules[1]
            book = load_rulebook(session)
        with self._lock:
            self._rules = (mark, book)
        return book

    def routing(self) -> ContextMaker:
        return order_context(self.factory, self.settings, self.pool, self.worker, self.rulebook())

    def remember_approved(self, store_id: int, carriers: list[LogisticsService]) -> None:
        with self._lock:
            self._approved[store_id] = (time.monotonic(), carriers)

    def approved(self, store: AliExpressStore) -> list[LogisticsService] | None:
        """The store's approved carriers, read at most every APPROVED_TTL_S (None: unreadable now)."""
        with self._lock:
            cached = self._approved.get(store.id)
        if cached is not None and time.monotonic() - cached[0] < APPROVED_TTL_S:
            return cached[1]
        try:
            carriers = self.pool.store(store).list_logistics_services()
        except MarketplaceError as error:
            log.warning("approved carriers of %s: %s", store.name, error)
            return None
        self.remember_approved(store.id, carriers)
        return carriers


_runtime: list[Runtime] = []
_runtime_lock = threading.Lock()


def runtime() -> Runtime:
    """This process's runtime, built on first use from the settings (KUAJING_DATABASE_URL, …)."""
    with _runtime_lock:
        if not _runtime:
            settings = get_settings()
            _runtime.append(
                Runtime(
                    settings=settings,
                    factory=make_session_factory(make_engine(settings.database_url)),
                    now=clock_for(settings.clock_url, max_age_s=LOOP_MAX_AGE_S).now,
                    worker=worker_name(),
                    carrier_map=load_carrier_map(),
                )
            )
        return _runtime[0]


def set_runtime(replacement: Runtime | None) -> None:
    """Use this runtime (None: build one from the settings on next use); for jobs run in a test."""
    with _runtime_lock:
        _runtime.clear()
        if replacement is not None:
            _runtime.append(replacement)
