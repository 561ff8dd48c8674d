"""Selection weighs expected profit by the supplier score's measured reliability (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from test_supplier_pages import _seed  # same folder (pytest puts it on sys.path)

from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.sourcing.selection import SupplierFacts, prior_reliability
from kuajing.sourcing.selection_service import measured_reliability
from kuajing.sourcing.supplier_scores import reliabilities


def facts(member_id: str, super_factory: bool = False) -> SupplierFacts:
    return SupplierFacts("name", super_factory, True, True, None, None, member_id)


def test_measured_history_replaces_the_prior_and_unknown_suppliers_keep_it(database_url: str) -> None:
    migrate.upgrade(database_url)
    _seed(database_url)
    with make_session_factory(make_engine(database_url))() as session:
        now = datetime.now(UTC)
        scores = reliabilities(session, now)
        reliability = measured_reliability(session, now)
        proven, late = reliability(facts("o-proven")), reliability(facts("o-late"))
    assert proven == scores["o-proven"] and late == scores["o-late"]
    assert proven > late  # 11 of 12 within 72 h against one parcel never shipped
    assert proven != prior_reliability(facts("o-proven"))
    assert reliability(facts("never-seen", super_factory=True)) == prior_reliability(facts("x", True))
