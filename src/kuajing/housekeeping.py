"""What follows each order-loop pass when the product runs in one process (`kuajing run`, the demo):
the alert rules and their robots, the AliExpress dispute intake, and the compliance check of every
product that sold for the first time. (`kuajing worker` runs the same use cases as separate jobs.)

Each step has its own session and commit and is logged, never raised: a failing robot or store must
not stop the loop that buys and ships.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from kuajing.aftersales.intake import intake_all_stores
from kuajing.compliance.listing_sync import sync_listings
from kuajing.config import Settings
from kuajing.notify.run import run_alert_pass
from kuajing.stores.pool import ClientPool

log = logging.getLogger(__name__)


def after_pass(factory: sessionmaker[Session], settings: Settings, now: datetime, pool: ClientPool) -> None:
    _intake_disputes(factory, settings, now, pool)
    _check_new_listings(factory, now, pool)
    run_alert_pass(factory, settings, now)  # own session; logs errors, never raises


def _intake_disputes(
    factory: sessionmaker[Session], settings: Settings, now: datetime, pool: ClientPool
) -> None:
    try:
        with factory() as session:
            report = intake_all_stores(session, settings, who="job:intake", now=now, client_for=pool.store)
            session.commit()
        if report.taken:
            log.info("after-sales intake: %s new case(s)", len(report.taken))
    except Exception:
        log.exception("after-sales intake failed")


def _check_new_listings(factory: sessionmaker[Session], now: datetime, pool: ClientPool) -> None:
    try:
        with factory() as session:
            report = sync_listings(session, pool.store, now=now, today=now.date(), only_new=True)
            session.commit()
        if report.created or report.errors:
            log.info("listings: %s new, %s not read", report.created, len(report.errors))
    except Exception:
        log.exception("listing compliance sync failed")
