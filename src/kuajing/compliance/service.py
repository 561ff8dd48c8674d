"""合规 use cases: listings in (by hand, from a file, from AliExpress), EPR registrations, QC reports,
and the listing × market checks they feed. Services never commit; the command or request does.

A check is recomputed whenever what it depends on changes: a listing (its content hash moved), a
registration (every listing shipping to that country), a QC report (every listing), or the rules
(each check stores the rules version; ``recheck_stale`` picks up the ones made under other rules).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kuajing.compliance import repository as repo
from kuajing.compliance.epr import (
    CheckStatus,
    ListingCheck,
    ListingFacts,
    QcFamily,
    Registration,
    RuleBook,
    Stream,
    check_listing,
    check_number,
    normalise_number,
    qc_valid_on,
)
from kuajing.compliance.epr_rules import default_rule_book
from kuajing.compliance.tables import EprRegistrationRow, ListingCheckRow, ListingRow
from kuajing.kit.errors import KuajingError, NotFound, ValidationFailed

log = logging.getLogger(__name__)


class EprNumberInvalid(ValidationFailed):
    code = "epr_number_invalid"

    def __init__(self, country: str, stream: Stream, number: str, zh: str, en: str) -> None:
        super().__init__(
            en, zh, details={"field": "number", "country": country, "stream": stream.value, "number": number}
        )


class RegistrationExists(KuajingError):
    code = "epr_registration_exists"
    http_status = 409

    def __init__(self, country: str, stream: Stream) -> None:
        super().__init__(
            f"{country} {stream.value}: already registered; edit or remove that number",
            f"{country} {stream.value} 已有注册号,请编辑或删除原号码",
            details={"country": country, "stream": stream.value},
        )


def local_today(now: datetime, timezone: str = "Asia/Shanghai") -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


# --- facts and checks --------------------------------------------------------------------------------


def _functions(title: str, attributes: Mapping[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """Functions (battery, bluetooth …) the text asserts and denies, from compliance.materials."""
    try:
        from kuajing.compliance.materials import materials_and_functions
    except ImportError:  # pragma: no cover - the detector ships separately
        return frozenset(), frozenset()
    try:
        found = materials_and_functions(title, {str(k): str(v) for k, v in attributes.items()})
        asserted = frozenset(found.function_ids())
        return asserted, frozenset(found.negated_ids("function")) - asserted
    except Exception:  # a detector problem must not stop the EPR check; keywords still apply
        log.exception("materials_and_functions failed on %r", title)
        return frozenset(), frozenset()


def facts_of(row: ListingRow) -> ListingFacts:
    attributes = row.attributes or {}
    return ListingFacts(
        row.title, row.category_id, row.category_name or "", attributes, *_functions(row.title, attributes)
    )


def registrations_held(session: Session) -> list[Registration]:
    return [
        Registration(r.country, Stream(r.stream), r.number, r.registered_on, r.valid_until)
        for r in repo.registrations(session)
    ]


def qc_covered(session: Session, today: date) -> frozenset[QcFamily]:
    return frozenset(
        QcFamily(d.family)
        for d in repo.qc_documents(session)
        if qc_valid_on(d.expires_on, d.issued_on, today)
    )


@dataclass
class RecheckReport:
    listings: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in CheckStatus})


def recheck(
    session: Session, rows: Iterable[ListingRow], *, now: datetime, today: date, book: RuleBook | None = None
) -> RecheckReport:
    """Recompute and store every market's check of ``rows`` (registrations and QC read once)."""
    book = book or default_rule_book()
    held, covered = registrations_held(session), qc_covered(session, today)
    report = RecheckReport()
    for row in rows:
        facts = facts_of(row)
        checks = [check_listing(facts, m, held, book, today, qc_covered=covered) for m in row.markets or []]
        repo.replace_checks(session, row.id, [_check_row(row.id, c, book.version, now) for c in checks])
        row.checked_at = now
        report.listings += 1
        for check in checks:
            report.counts[check.status.value] += 1
    session.flush()
    return report


def _check_row(listing_id: int, check: ListingCheck, version: str, now: datetime) -> ListingCheckRow:
    return ListingCheckRow(
        listing_id=listing_id,
        market=check.market,
        status=check.status.value,
        reasons=[r.to_dict() for r in check.reasons],
        streams=[s.value for s in check.streams],
        rules_version=version,
        checked_at=now,
    )


def recheck_stale(
    session: Session,
    *,
    now: datetime,
    today: date,
    book: RuleBook | None = None,
    everything: bool = False,
    timezone: str = "Asia/Shanghai",
) -> RecheckReport:
    """Re-check listings whose check is stale: changed, made under other rules, or made before
    ``today`` began in ``timezone`` (a ``required_from``, ``valid_until`` or QC expiry may have passed)."""
    book = book or default_rule_book()
    day_start = datetime.combine(today, time(0), tzinfo=ZoneInfo(timezone))
    rows = repo.all_listings(session) if everything else repo.stale_listings(session, book.version, day_start)
    return recheck(session, rows, now=now, today=today, book=book)


# --- listings ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListingInput:
    product_id: int
    title: str
    store_id: int | None = None
    category_id: int | None = None
    category_name: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    markets: tuple[str, ...] | None = None  # None: the rules' default markets (or the stored ones)
    offer_id: int | None = None


_MARKET = re.compile(r"[A-Z]{2}")


def parse_markets(text: str | Iterable[str]) -> tuple[str, ...]:
    items = re.split(r"[\s,;，、/]+", text) if isinstance(text, str) else list(text)
    markets = tuple(dict.fromkeys(item.strip().upper() for item in items if item.strip()))
    bad = [m for m in markets if not _MARKET.fullmatch(m)]
    if bad:
        raise ValidationFailed(
            f"markets: not two-letter country codes: {', '.join(bad)}",
            f"市场:不是两位国家代码:{'、'.join(bad)}",
            details={"field": "markets"},
        )
    return markets


def content_hash(row: ListingRow) -> str:
    content = [row.title, row.category_id, row.category_name, row.attributes, row.markets, row.offer_id]
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def upsert_listing(
    session: Session,
    data: ListingInput,
    *,
    source: str,
    now: datetime,
    today: date,
    book: RuleBook | None = None,
) -> tuple[ListingRow, bool]:
    """Create or update a listing by product id; re-check it when its content changed. (row, changed)."""
    book = book or default_rule_book()
    if not data.title.strip():
        raise ValidationFailed("title: required", "标题:必填", details={"field": "title"})
    row = repo.listing_by_product(session, data.product_id)
    if row is None:
        row = ListingRow(
            product_id=data.product_id,
            source=source,
            created_at=now,
            updated_at=now,
            content_hash="",
            markets=list(data.markets or book.default_markets),
        )
        session.add(row)
    elif data.markets is not None:
        row.markets = list(data.markets)
    row.title = data.title.strip()[:500]
    row.store_id = data.store_id if data.store_id is not None else row.store_id
    row.category_id = data.category_id if data.category_id is not None else row.category_id
    row.category_name = (data.category_name or row.category_name or "")[:200]
    row.attributes = dict(data.attributes) if data.attributes else (row.attributes or {})
    row.offer_id = data.offer_id if data.offer_id is not None else row.offer_id
    digest = content_hash(row)
    changed = digest != row.content_hash
    if changed:
        row.content_hash, row.updated_at = digest, now
    session.flush()
    stale = row.checked_at is None or row.checked_at < row.updated_at or changed
    if stale or any(c.rules_version != book.version for c in repo.checks_of(session, row.id)):
        recheck(session, [row], now=now, today=today, book=book)
    return row, changed


def get_listing(session: Session, listing_id: int, scope: frozenset[int] | None = None) -> ListingRow:
    """``NotFound`` also for a listing of a store outside ``scope`` (as if it did not exist)."""
    row = repo.listing(session, listing_id, scope)
    if row is None:
        raise NotFound(f"listing {listing_id} not found", f"找不到商品 {listing_id}")
    return row


def set_markets(
    session: Session,
    listing_id: int,
    markets: Iterable[str],
    *,
    now: datetime,
    today: date,
    book: RuleBook | None = None,
) -> ListingRow:
    row = get_listing(session, listing_id)
    row.markets = list(parse_markets(markets))
    row.content_hash, row.updated_at = content_hash(row), now
    recheck(session, [row], now=now, today=today, book=book)
    return row


def set_listing_hs6(session: Session, listing_id: int, hs6: str | None) -> ListingRow:
    """For HS pre-classification: the listing's six-digit HS code (None clears it). No EPR effect."""
    row = get_listing(session, listing_id)
    code = None if hs6 is None else re.sub(r"[\s.]", "", hs6)
    if code is not None and not re.fullmatch(r"[0-9]{6}", code):
        raise ValidationFailed(
            f"hs6: six digits, not {hs6!r}", f"HS 编码应为 6 位数字,而不是 {hs6!r}", details={"field": "hs6"}
        )
    row.hs6 = code
    session.flush()
    return row


def remove_listing(session: Session, listing_id: int) -> None:
    row = get_listing(session, listing_id)
    repo.replace_checks(session, row.id, [])
    session.delete(row)
    session.flush()


# --- registrations ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationOutcome:
    row: EprRegistrationRow
    warning_zh: str
    warning_en: str
    rechecked: int


def _validated(country: str, stream: Stream, number: str, book: RuleBook) -> tuple[str, str, str, str]:
    country = country.strip().upper()
    if not _MARKET.fullmatch(country):
        raise ValidationFailed(
            f"country: two letters, not {country!r}",
            f"国家应为两位代码,而不是 {country!r}",
            details={"field": "country"},
        )
    text = normalise_number(number)
    rule = book.rule(country, stream)
    if rule is None:
        if not text:
            raise ValidationFailed("number: required", "注册号:必填", details={"field": "number"})
        return (
            country,
            text,
            (f"规则数据中没有 {country} {stream.value} 的要求:已保存,但检查不会用到"),
            (f"the rules data has no {country} {stream.value} requirement: saved, but no check uses it"),
        )
    result = check_number(rule, text)
    if not result.ok:
        raise EprNumberInvalid(country, stream, text, result.warning_zh, result.warning_en)
    return country, text, result.warning_zh, result.warning_en


def save_registration(
    session: Session,
    *,
    country: str,
    stream: Stream,
    number: str,
    registered_on: date | None = None,
    valid_until: date | None = None,
    note: str = "",
    registration_id: int | None = None,
    now: datetime,
    today: date,
    book: RuleBook | None = None,
) -> RegistrationOutcome:
    """Add (``registration_id`` None) or edit a number; a hard format error is refused (422), a soft
    one is saved with a warning. Every listing shipping to the country is re-checked."""
    book = book or default_rule_book()
    country, text, warn_zh, warn_en = _validated(country, stream, number, book)
    if valid_until is not None and registered_on is not None and valid_until < registered_on:
        raise ValidationFailed(
            "valid_until is before registered_on", "有效期早于注册日期", details={"field": "valid_until"}
        )
    existing = repo.registration_for(session, country, stream.value)
    if registration_id is None:
        if existing is not None:
            raise RegistrationExists(country, stream)
        row = EprRegistrationRow(country=country, stream=stream.value, created_at=now)
        session.add(row)
        old_country = country
    else:
        found = repo.registration(session, registration_id)
        if found is None:
            raise NotFound(f"registration {registration_id} not found", f"找不到注册号 {registration_id}")
        if existing is not None and existing.id != found.id:
            raise RegistrationExists(country, stream)
        row, old_country = found, found.country
        row.country, row.stream = country, stream.value
    row.number, row.registered_on, row.valid_until = text, registered_on, valid_until
    row.note, row.updated_at = note.strip(), now
    session.flush()
    rows = {r.id: r for c in {country, old_country} for r in repo.listings_shipping_to(session, c)}
    report = recheck(session, rows.values(), now=now, today=today, book=book)
    return RegistrationOutcome(row, warn_zh, warn_en, report.listings)


def remove_registration(
    session: Session, registration_id: int, *, now: datetime, today: date, book: RuleBook | None = None
) -> int:
    row = repo.registration(session, registration_id)
    if row is None:
        raise NotFound(f"registration {registration_id} not found", f"找不到注册号 {registration_id}")
    country = row.country
    session.delete(row)
    session.flush()
    return recheck(
        session, repo.listings_shipping_to(session, country), now=now, today=today, book=book
    ).listings
