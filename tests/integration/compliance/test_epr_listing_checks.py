"""Listing checks stored and re-checked through the services, on SQLite and PostgreSQL (migrated)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.compliance import repository as repo
from kuajing.compliance import service
from kuajing.compliance.epr import Stream
from kuajing.compliance.epr_rules import default_rule_book, load_rule_book
from kuajing.compliance.listings_import import ListingsFileInvalid, import_listings
from kuajing.compliance.qc_service import add_qc_document
from kuajing.compliance.tables import ListingCheckRow, ListingRow
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.notify.compliance_rules import compliance_causes

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
CASE = service.ListingInput(product_id=1005001, title="Silicone phone case for iPhone 15", markets=("DE",))


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def _status(session: Session, listing_id: int, market: str) -> str:
    query = select(ListingCheckRow).where(
        ListingCheckRow.listing_id == listing_id, ListingCheckRow.market == market
    )
    check = session.scalars(query).one()
    return check.status


def test_de_listing_without_lucid_blocks_and_adding_the_number_rechecks_to_ok(session: Session) -> None:
    row, _ = service.upsert_listing(session, CASE, source="manual", now=NOW, today=TODAY)
    session.commit()
    assert _status(session, row.id, "DE") == "blocking"
    (check,) = repo.checks_of(session, row.id)
    assert check.reasons[0]["stream"] == "packaging" and check.reasons[0]["country"] == "DE"
    assert "will be delisted" in check.reasons[0]["message_en"] and check.reasons[0]["message_zh"]
    assert check.rules_version == default_rule_book().version

    outcome = service.save_registration(
        session, country="de", stream=Stream.PACKAGING, number="DE 1234567890123", now=NOW, today=TODAY
    )
    session.commit()
    assert outcome.rechecked == 1 and outcome.row.number == "DE1234567890123"
    assert _status(session, row.id, "DE") == "ok"

    service.remove_registration(session, outcome.row.id, now=NOW, today=TODAY)
    session.commit()
    assert _status(session, row.id, "DE") == "blocking"


def test_bad_lucid_number_is_refused_and_nothing_is_saved(session: Session) -> None:
    with pytest.raises(service.EprNumberInvalid) as caught:
        service.save_registration(
            session, country="DE", stream=Stream.PACKAGING, number="DE123", now=NOW, today=TODAY
        )
    assert caught.value.http_status == 422 and "wrong format" in caught.value.message_en
    assert repo.registrations(session) == []


def test_french_idu_in_an_odd_shape_is_saved_with_a_warning(session: Session) -> None:
    outcome = service.save_registration(
        session, country="FR", stream=Stream.PACKAGING, number="IDU-42", now=NOW, today=TODAY
    )
    assert outcome.row.id and "not officially confirmed" in outcome.warning_en
    with pytest.raises(service.RegistrationExists):
        service.save_registration(
            session, country="FR", stream=Stream.PACKAGING, number="FR123456_01ABCD", now=NOW, today=TODAY
        )


FUTURE_RULES = """
[meta]
default_markets = ["DE"]
always = ["packaging"]
[delisting_from]
DE = 2024-03-15
[[rule]]
country = "DE"
stream = "packaging"
required_from = 2027-06-01
registry = "LUCID (ZSVR)"
format = "DE[0-9]{13}"
strict = true
source = "test"
"""


def test_rules_with_a_future_required_from_warn_and_a_rules_change_makes_checks_stale(
    session: Session,
) -> None:
    future = load_rule_book(text=FUTURE_RULES)
    row, _ = service.upsert_listing(session, CASE, source="manual", now=NOW, today=TODAY, book=future)
    session.commit()
    assert _status(session, row.id, "DE") == "warning"
    assert repo.stale_listings(session, future.version) == []

    shipped = default_rule_book()  # the rules changed: the check made under the old version is stale
    assert [r.id for r in repo.stale_listings(session, shipped.version)] == [row.id]
    report = service.recheck_stale(session, now=NOW, today=TODAY, book=shipped)
    session.commit()
    assert report.listings == 1 and _status(session, row.id, "DE") == "blocking"
    assert repo.stale_listings(session, shipped.version) == []
    # the date arrives under the future rules: blocking too
    service.recheck(session, [row], now=NOW, today=date(2027, 6, 1), book=future)
    assert _status(session, row.id, "DE") == "blocking"


def test_changing_a_listing_rechecks_it_and_an_unchanged_one_is_left_alone(session: Session) -> None:
    row, changed = service.upsert_listing(session, CASE, source="manual", now=NOW, today=TODAY)
    assert changed
    later = NOW + timedelta(hours=1)
    _, changed = service.upsert_listing(session, CASE, source="manual", now=later, today=TODAY)
    assert not changed and row.checked_at == NOW
    earbuds = service.ListingInput(product_id=CASE.product_id, title="蓝牙耳机 Bluetooth earbuds")
    _, changed = service.upsert_listing(session, earbuds, source="manual", now=later, today=TODAY)
    session.commit()
    assert changed and row.checked_at == later
    (check,) = repo.checks_of(session, row.id)
    assert set(check.streams) == {"packaging", "eee", "batteries"}
    service.set_markets(session, row.id, ["DE", "FR", "ES"], now=later, today=TODAY)
    assert {c.market for c in repo.checks_of(session, row.id)} == {"DE", "FR", "ES"}


def test_set_listing_hs6_validates_six_digits(session: Session) -> None:
    row, _ = service.upsert_listing(session, CASE, source="manual", now=NOW, today=TODAY)
    assert service.set_listing_hs6(session, row.id, "3926.90").hs6 == "392690"
    with pytest.raises(service.ValidationFailed):
        service.set_listing_hs6(session, row.id, "3926")


def test_qc_report_clears_the_category_review_warning_and_alerts_before_expiry(
    session: Session, tmp_path: Path
) -> None:
    dress = service.ListingInput(product_id=77, title="Women summer dress", markets=("DE",))
    row, _ = service.upsert_listing(session, dress, source="manual", now=NOW, today=TODAY)
    service.save_registration(
        session, country="DE", stream=Stream.PACKAGING, number="DE1234567890123", now=NOW, today=TODAY
    )
    (check,) = repo.checks_of(session, row.id)
    assert check.status == "warning" and check.reasons[0]["code"] == "qc_report"
    doc = add_qc_document(
        session,
        family=service.QcFamily.APPAREL,
        filename="../报告.pdf",
        content=b"%PDF",
        issuer="SGS",
        issued_on=date(2026, 1, 10),
        expires_on=TODAY + timedelta(days=20),
        folder=tmp_path,
        who="test",
        now=NOW,
        today=TODAY,
    )
    session.commit()
    assert (tmp_path / doc.stored_path).read_bytes() == b"%PDF" and ".." not in doc.stored_path
    assert _status(session, row.id, "DE") == "ok"
    causes = {c.cause_key: c for c in compliance_causes(session, NOW)}
    assert (
        f"qc_expiry:doc:{doc.id}" in causes and "20 days left" in causes[f"qc_expiry:doc:{doc.id}"].message_en
    )


def test_blocking_listings_alert_once_per_missing_registration(session: Session) -> None:
    for pid in (1, 2):
        item = service.ListingInput(product_id=pid, title=f"Phone case {pid}", markets=("DE", "FR"))
        service.upsert_listing(session, item, source="manual", now=NOW, today=TODAY)
    keys = sorted(c.cause_key for c in compliance_causes(session, NOW))
    assert keys == [
        "epr_blocking:DE:packaging:missing_registration",
        "epr_blocking:FR:packaging:missing_registration",
    ]
    message = next(c for c in compliance_causes(session, NOW) if "DE" in c.cause_key).message_en
    assert "2 AliExpress listings will be delisted" in message


def test_import_file_with_a_bad_row_writes_nothing_and_names_file_row_and_column(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "listings.csv"
    path.write_text(
        "商品ID,标题,市场,属性\n"
        "1005001,Silicone phone case,DE,材质: 硅胶\n"
        "1005002,Bluetooth earbuds,DE FR,电池: 锂电池\n"
        "1005003,Dress,XXX,\n",
        encoding="utf-8",
    )
    with pytest.raises(ListingsFileInvalid) as caught:
        import_listings(session, path, now=NOW, today=TODAY)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("listings.csv", 4, "市场")
    assert session.scalars(select(ListingRow)).all() == []

    path.write_text(path.read_text(encoding="utf-8").replace("Dress,XXX,", "Dress,ES,"), encoding="utf-8")
    result = import_listings(session, path, now=NOW, today=TODAY)
    session.commit()
    assert (result.rows, result.created) == (3, 3)
    earbuds = repo.listing_by_product(session, 1005002)
    assert (
        earbuds is not None and earbuds.markets == ["DE", "FR"] and earbuds.attributes == {"电池": "锂电池"}
    )
    assert _status(session, earbuds.id, "FR") == "blocking"


def test_alert_pass_raises_one_epr_blocking_alert_and_not_again(session: Session) -> None:
    from kuajing.config import Settings
    from kuajing.notify.run import evaluate_rules

    service.upsert_listing(session, CASE, source="manual", now=NOW, today=TODAY)
    settings = Settings(database_url="sqlite://")
    assert evaluate_rules(session, settings, NOW).get("epr_blocking") == 1
    assert "epr_blocking" not in evaluate_rules(session, settings, NOW + timedelta(hours=1))


def test_xlsx_import_reads_chinese_headers_and_reports_the_sheet_cell(
    session: Session, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["商品ID", "标题", "类目", "市场", "1688货源ID"])
    sheet.append([2001, "Plush toy bear", "Toys & Hobbies", "FR", 55501])
    sheet.append([2002, "", "", "FR", None])
    path = tmp_path / "商品.xlsx"
    book.save(path)
    with pytest.raises(ListingsFileInvalid) as caught:
        import_listings(session, path, now=NOW, today=TODAY)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("商品.xlsx", 3, "标题")
    sheet.delete_rows(3)
    book.save(path)
    assert import_listings(session, path, now=NOW, today=TODAY).created == 1
    row = repo.listing_by_product(session, 2001)
    assert row is not None and row.offer_id == 55501 and row.category_name == "Toys & Hobbies"
    (check,) = repo.checks_of(session, row.id)
    assert set(check.streams) == {"packaging", "toys"} and check.status == "blocking"


def test_a_registration_that_lapses_blocks_its_listings_on_the_next_days_alert_pass(session: Session) -> None:
    row, _ = service.upsert_listing(session, CASE, source="manual", now=NOW, today=TODAY)
    service.save_registration(
        session,
        country="DE",
        stream=Stream.PACKAGING,
        number="DE1234567890123",
        valid_until=TODAY,
        now=NOW,
        today=TODAY,
    )
    assert compliance_causes(session, NOW) == [] and _status(session, row.id, "DE") == "ok"
    next_day = NOW + timedelta(days=1)  # nothing changed but the date: the check is stale by day
    (cause,) = compliance_causes(session, next_day)
    assert (
        cause.cause_key == "epr_blocking:DE:packaging:expired_registration" and "expired" in cause.message_en
    )
    assert _status(session, row.id, "DE") == "blocking"
