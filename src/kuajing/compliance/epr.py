"""EU EPR (生产者延伸责任) as pure rules: streams, number formats, which streams a listing needs in a
market, and the check of one listing × one market against the seller's registrations.

No SQLAlchemy, no clock: ``today`` is passed in. The rules themselves (which country wants which
stream from when, the number formats, which product kinds fall in which stream) are data, loaded
by ``epr_rules`` from ``data/epr_rules.toml`` into a ``RuleBook``.

Severity of a missing registration (REGULATIONS.md, the guide):
- rule in force and the country delists listings without a number (DE, FR since the AliExpress
  notice of 2024-03-15) → ``blocking`` ("will be delisted: register stream X in country Y");
- rule in force where AliExpress is not known to delist (ES) → ``warning`` (the law still applies);
- rule with a future ``required_from`` → ``warning`` until that date, then as above.
A registration counts from ``registered_on`` to ``valid_until`` (inclusive). Formats the law or
the registry publishes are hard checks (refused on entry); FR IDU format is unconfirmed, so a
number that does not look like one is accepted with a warning, never refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Stream(StrEnum):
    PACKAGING = "packaging"  # 包装
    EEE = "eee"  # 电子电气设备 (DE: WEEE / stiftung ear; FR: DEEE)
    BATTERIES = "batteries"  # 电池
    TEXTILES = "textiles"  # 纺织品与鞋类 (FR TLC)
    TOYS = "toys"  # 玩具
    SPORTS = "sports"  # 运动休闲用品
    FURNITURE = "furniture"  # 家具
    DIY = "diy"  # 五金/园艺 (FR bricolage et jardin)


STREAM_ZH = {
    Stream.PACKAGING: "包装",
    Stream.EEE: "电子电气设备",
    Stream.BATTERIES: "电池",
    Stream.TEXTILES: "纺织品与鞋类",
    Stream.TOYS: "玩具",
    Stream.SPORTS: "运动休闲用品",
    Stream.FURNITURE: "家具",
    Stream.DIY: "五金园艺",
}
STREAM_ALIASES = {"weee": Stream.EEE, "deee": Stream.EEE, "battery": Stream.BATTERIES}


class QcFamily(StrEnum):
    """Categories whose AliExpress category review (3–7 working days) needs a QC report (质检报告)."""

    APPAREL = "apparel"  # 服饰
    ELECTRONICS = "electronics"  # 电子
    BEAUTY = "beauty"  # 美妆


QC_FAMILY_ZH = {QcFamily.APPAREL: "服饰", QcFamily.ELECTRONICS: "电子", QcFamily.BEAUTY: "美妆"}


class CheckStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"
    BLOCKING = "blocking"


_RANK = {CheckStatus.OK: 0, CheckStatus.WARNING: 1, CheckStatus.BLOCKING: 2}
STATUS_ORDER = (CheckStatus.BLOCKING, CheckStatus.WARNING, CheckStatus.OK)  # worst first


def worst(statuses: Iterable[CheckStatus]) -> CheckStatus:
    return max(statuses, key=_RANK.__getitem__, default=CheckStatus.OK)


def parse_stream(text: str) -> Stream:
    value = text.strip().lower()
    return STREAM_ALIASES.get(value) or Stream(value)


# --- the rules (data, see epr_rules) ---------------------------------------------------------------


@dataclass(frozen=True)
class NumberFormat:
    pattern: str | None  # a full-match regex on the normalised number; None: format unknown
    strict: bool  # True: refuse a number that does not match; False: accept with a warning
    example: str = ""


@dataclass(frozen=True)
class EprRule:
    country: str  # ISO 3166-1 alpha-2
    stream: Stream
    required_from: date
    registry: str  # "LUCID (ZSVR)", "stiftung ear", "ADEME IDU" …
    source: str
    number_format: NumberFormat


@dataclass(frozen=True)
class ProductKind:
    """A group of AliExpress categories that falls in the same streams (and QC family)."""

    code: str
    name_zh: str
    name_en: str
    category_ids: frozenset[int]
    keywords: tuple[str, ...]  # in the category name or the listing's title / attributes
    streams: frozenset[Stream]
    qc_family: QcFamily | None = None


@dataclass(frozen=True)
class RuleBook:
    version: str  # hash of the rules data: a check made under another version is stale
    rules: tuple[EprRule, ...]
    kinds: tuple[ProductKind, ...]
    always: frozenset[Stream]  # every listing ships in packaging
    function_keywords: Mapping[Stream, tuple[str, ...]]  # "蓝牙", "battery" … in the listing's text
    function_streams: Mapping[str, Stream]  # a function word from compliance.materials → stream
    delisting_from: Mapping[str, date]  # country → when AliExpress delists listings without a number
    default_markets: tuple[str, ...]

    def rule(self, country: str, stream: Stream) -> EprRule | None:
        return next((r for r in self.rules if r.country == country and r.stream is stream), None)

    def countries(self) -> tuple[str, ...]:
        return tuple(sorted({rule.country for rule in self.rules}))


# --- numbers ----------------------------------------------------------------------------------------


def normalise_number(number: str) -> str:
    """Spaces dropped, upper case: "de 1234 5678" → "DE12345678" (how the registries print them)."""
    return re.sub(r"\s+", "", number).upper()


@dataclass(frozen=True)
class NumberCheck:
    ok: bool  # False: refuse (hard format)
    warning_zh: str = ""  # set when accepted with a warning (soft format)
    warning_en: str = ""


def check_number(rule: EprRule, number: str) -> NumberCheck:
    text = normalise_number(number)
    fmt = rule.number_format
    if not text:
        return NumberCheck(False, "号码为空", "the number is empty")
    if fmt.pattern is None or re.fullmatch(fmt.pattern, text):
        return NumberCheck(True)
    example = f"(如 {fmt.example})" if fmt.example else ""
    example_en = f" (e.g. {fmt.example})" if fmt.example else ""
    where_zh = f"{rule.country} {STREAM_ZH[rule.stream]} {rule.registry}"
    where_en = f"{rule.country} {rule.stream.value} {rule.registry}"
    if fmt.strict:
        return NumberCheck(
            False, f"{where_zh} 号码格式不符{example}", f"{where_en}: number has the wrong format{example_en}"
        )
    return NumberCheck(
        True,
        f"{where_zh} 号码不像常见格式{example},格式未经官方确认,已接受,请核对",
        f"{where_en}: number does not look like the commonly seen shape{example_en}; the format is "
        "not officially confirmed, so it is accepted — please double-check it",
    )


# --- listings -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListingFacts:
    title: str
    category_id: int | None = None
    category_name: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    functions: frozenset[str] = frozenset()  # from compliance.materials, when that module exists
    denied: frozenset[str] = frozenset()  # functions the text denies (无电池, batteries not included)


@dataclass(frozen=True)
class Registration:
    country: str
    stream: Stream
    number: str
    registered_on: date | None = None
    valid_until: date | None = None

    def valid_on(self, today: date) -> bool:
        started = self.registered_on is None or self.registered_on <= today
        return started and (self.valid_until is None or today <= self.valid_until)


@dataclass(frozen=True)
class Reason:
    severity: CheckStatus
    code: str  # missing_registration | future_requirement | expired_registration | number_format | qc_report
    message_zh: str
    message_en: str
    country: str = ""
    stream: str = ""
    required_from: str = ""  # ISO date

    def to_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "country": self.country,
            "stream": self.stream,
            "required_from": self.required_from,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> Reason:
        return cls(
            CheckStatus(data["severity"]),
            data["code"],
            data["message_zh"],
            data["message_en"],
            data.get("country", ""),
            data.get("stream", ""),
            data.get("required_from", ""),
        )


@dataclass(frozen=True)
class ListingCheck:
    market: str
    status: CheckStatus
    reasons: tuple[Reason, ...]
    streams: tuple[Stream, ...]  # what the listing needs in that market (whether or not in force)


def _text(facts: ListingFacts) -> str:
    # values only: a key such as 是否带电池 ("has a battery?") says nothing until its value does
    values = " ".join(str(value) for value in facts.attributes.values())
    return f"{facts.title} {values}".lower()


def _mentions(text: str, keyword: str) -> bool:
    word = keyword.lower()
    if word.isascii():  # latin words on word boundaries: "LED" is not in "needled"
        return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None
    return word in text


def matching_kinds(facts: ListingFacts, book: RuleBook) -> tuple[ProductKind, ...]:
    text, category = _text(facts), facts.category_name.lower()
    return tuple(
        kind
        for kind in book.kinds
        if (facts.category_id is not None and facts.category_id in kind.category_ids)
        or any(_mentions(category, word) or _mentions(text, word) for word in kind.keywords)
    )


def needed_streams(facts: ListingFacts, book: RuleBook) -> tuple[Stream, ...]:
    """Every stream the listing falls in: packaging always, its categories', its functions'."""
    streams = set(book.always)
    for kind in matching_kinds(facts, book):
        streams |= kind.streams
    text = _text(facts)
    for stream, words in book.function_keywords.items():
        # a keyword hit is dropped when the detector read the function as denied ("无电池") and
        # never as asserted; an asserted function (or the category) still adds the stream
        denied = {f for f in facts.denied if book.function_streams.get(f) is stream}
        if any(_mentions(text, word) for word in words) and not denied:
            streams.add(stream)
    streams |= {book.function_streams[f] for f in facts.functions if f in book.function_streams}
    return tuple(stream for stream in Stream if stream in streams)


def qc_families(facts: ListingFacts, book: RuleBook) -> frozenset[QcFamily]:
    return frozenset(kind.qc_family for kind in matching_kinds(facts, book) if kind.qc_family)


def _missing(rule: EprRule, market: str, today: date, book: RuleBook, expired: bool) -> Reason:
    stream_zh, stream = STREAM_ZH[rule.stream], rule.stream.value
    since = rule.required_from.isoformat()
    registry = rule.registry
    delists = book.delisting_from.get(market)
    if rule.required_from > today:
        return Reason(
            CheckStatus.WARNING,
            "future_requirement",
            f"{market} 自 {since} 起需要{stream_zh} EPR 注册号({registry}):"
            f"请在此之前在 {market} 注册{stream_zh}",
            f"{market} requires an EPR number for {stream} ({registry}) from {since}: register stream "
            f"{stream} in {market} before then",
            market,
            stream,
            since,
        )
    lapsed_zh, lapsed_en = ("注册号已过期;", "the registration has expired; ") if expired else ("", "")
    if delists is not None and delists <= today:
        return Reason(
            CheckStatus.BLOCKING,
            "expired_registration" if expired else "missing_registration",
            f"将被下架:{lapsed_zh}请在 {market} 注册{stream_zh}({registry})并填写 EPR 号",
            f"will be delisted: {lapsed_en}register stream {stream} in country {market} ({registry})",
            market,
            stream,
            since,
        )
    return Reason(
        CheckStatus.WARNING,
        "expired_registration" if expired else "missing_registration",
        f"{lapsed_zh}{market} 自 {since} 起法定需要{stream_zh} EPR 注册({registry}),速卖通暂未强制下架",
        f"{lapsed_en}{market} requires stream {stream} ({registry}) by law since {since}; AliExpress "
        "is not known to delist for it yet",
        market,
        stream,
        since,
    )


def check_listing(
    listing_facts: ListingFacts,
    market: str,
    registrations: Iterable[Registration],
    rules: RuleBook,
    today: date,
    *,
    qc_covered: frozenset[QcFamily] | None = None,
) -> ListingCheck:
    """One listing in one market: a reason per stream the market wants and the seller lacks.

    ``qc_covered``: the QC families with a valid QC report; None skips the QC check.
    """
    market = market.upper()
    held = [r for r in registrations if r.country == market]
    streams = needed_streams(listing_facts, rules)
    reasons: list[Reason] = []
    for stream in streams:
        rule = rules.rule(market, stream)
        if rule is None:
            continue
        mine = [r for r in held if r.stream is stream]
        valid = [r for r in mine if r.valid_on(today)]
        if not valid:
            reasons.append(_missing(rule, market, today, rules, expired=bool(mine)))
            continue
        number = check_number(rule, valid[0].number)
        if number.warning_en or not number.ok:
            severity = CheckStatus.WARNING if number.ok else CheckStatus.BLOCKING
            reasons.append(
                Reason(severity, "number_format", number.warning_zh, number.warning_en, market, stream.value)
            )
    if qc_covered is not None:
        for family in sorted(qc_families(listing_facts, rules) - qc_covered):
            reasons.append(
                Reason(
                    CheckStatus.WARNING,
                    "qc_report",
                    f"类目审核需要质检报告(3–7 个工作日):请上传有效的{QC_FAMILY_ZH[family]}质检报告",
                    f"category review needs a QC report (3–7 working days): upload a valid {family.value} "
                    "QC report",
                    market,
                    "",
                )
            )
    return ListingCheck(market, worst(r.severity for r in reasons), tuple(reasons), streams)


def qc_valid_on(expires_on: date | None, issued_on: date | None, today: date) -> bool:
    return (issued_on is None or issued_on <= today) and (expires_on is None or today <= expires_on)
