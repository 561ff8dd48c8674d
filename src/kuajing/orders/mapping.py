"""SKU mapping rules: which 1688 offer and spec an AliExpress SKU code buys.

A rule matches a seller's ``sku_code`` exactly, by prefix (``AE-6123-`` → the rest is the variant
key) or by a regex (full match; the captured groups joined by ``|`` are the key). The key is looked
up in the rule's ``variant_map`` unless the rule names one fixed ``spec_id``. A rule only *matches*
when a spec comes out: a prefix or regex hit whose key is not in the map falls through to the next
rule, so an unmapped SKU ends in the exception queue with a reason instead of a guess.

Order: lower ``priority`` first; ties go to the more specific rule (exact > regex > prefix, then the
longer pattern), then the lower id. ``resolve()`` is the reference; ``RuleBook`` indexes the same
rules for bulk routing and must always give the same answer. Pure: no I/O, no clock.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple, Protocol

from kuajing.kit.errors import ValidationFailed
from kuajing.kit.money import Money

DEFAULT_PRIORITY = 100
MAX_PRIORITY = 1_000_000
MAX_MULTIPLIER = 1000


class MatchKind(StrEnum):
    EXACT = "exact"
    PREFIX = "prefix"
    REGEX = "regex"


_SPECIFICITY = {MatchKind.EXACT: 0, MatchKind.REGEX: 1, MatchKind.PREFIX: 2}


@dataclass(frozen=True)
class SkuMappingRule:
    kind: MatchKind
    pattern: str  # the AliExpress sku_code (exact), its prefix, or a regex (full match)
    offer_id: int  # 1688 offer
    spec_id: str | None = None  # fixed 1688 spec; None → looked up in variant_map
    variant_map: Mapping[str, str] = field(default_factory=dict, hash=False)  # variant key → spec_id
    quantity_multiplier: int = 1  # a "2-pack" listing buys 2 per unit sold
    priority: int = DEFAULT_PRIORITY  # lower number wins
    store_id: int | None = None  # None = every store
    unit_cost: Money | None = None  # CNY unit cost when the rule was made (price-moved check)
    enabled: bool = True
    id: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", MatchKind(self.kind))
        # A private copy: a caller mutating its dict later must not change a rule already in use.
        object.__setattr__(self, "variant_map", dict(self.variant_map))

    def applies_to(self, store_id: int | None) -> bool:
        """Enabled and either global or this store's (an unknown store only gets global rules)."""
        return self.enabled and (self.store_id is None or self.store_id == store_id)


def priority_order(rule: SkuMappingRule) -> tuple[int, int, int, bool, int]:
    return (rule.priority, _SPECIFICITY[rule.kind], -len(rule.pattern), rule.id is None, rule.id or 0)


def sort_rules(rules: Iterable[SkuMappingRule]) -> list[SkuMappingRule]:
    return sorted(rules, key=priority_order)


@dataclass(frozen=True)
class MappingTarget:
    offer_id: int
    spec_id: str
    quantity_multiplier: int
    rule_id: int | None
    unit_cost: Money | None
    variant_key: str | None


class TrialOutcome(StrEnum):
    MATCHED = "matched"
    NO_MATCH = "no_match"  # the pattern does not fit the code
    KEY_NOT_MAPPED = "key_not_mapped"  # the pattern fits, its variant key is not in variant_map
    NO_SPEC = "no_spec"  # the pattern fits, but there is no key and no fixed spec_id
    BAD_PATTERN = "bad_pattern"  # empty pattern or a regex that does not compile
    DISABLED = "disabled"
    OTHER_STORE = "other_store"


class _Attempt(NamedTuple):
    outcome: TrialOutcome
    variant_key: str | None = None
    spec_id: str | None = None


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str] | re.error:
    try:
        return re.compile(pattern)
    except re.error as exc:
        return exc


def _attempt(rule: SkuMappingRule, code: str, compiled: re.Pattern[str] | re.error | None) -> _Attempt:
    """One rule against one code, store and enabled flag aside. Shared by every entry point."""
    if not rule.pattern:
        return _Attempt(TrialOutcome.BAD_PATTERN)
    key: str | None
    if rule.kind is MatchKind.EXACT:
        if code != rule.pattern:
            return _Attempt(TrialOutcome.NO_MATCH)
        key = None
    elif rule.kind is MatchKind.PREFIX:
        if not code.startswith(rule.pattern):
            return _Attempt(TrialOutcome.NO_MATCH)
        key = code[len(rule.pattern) :]
    else:
        if not isinstance(compiled, re.Pattern):
            return _Attempt(TrialOutcome.BAD_PATTERN)
        found = compiled.fullmatch(code)
        if found is None:
            return _Attempt(TrialOutcome.NO_MATCH)
        key = "|".join(group or "" for group in found.groups()) if compiled.groups else None
    if rule.spec_id is not None:
        return _Attempt(TrialOutcome.MATCHED, key, rule.spec_id)
    spec_id = rule.variant_map.get(key) if key is not None else None
    if spec_id is None:
        return _Attempt(TrialOutcome.KEY_NOT_MAPPED if key is not None else TrialOutcome.NO_SPEC, key)
    return _Attempt(TrialOutcome.MATCHED, key, spec_id)


def _compiled_for(rule: SkuMappingRule) -> re.Pattern[str] | re.error | None:
    return _compile(rule.pattern) if rule.kind is MatchKind.REGEX else None


def _target(rule: SkuMappingRule, attempt: _Attempt) -> MappingTarget:
    assert attempt.spec_id is not None
    return MappingTarget(
        rule.offer_id, attempt.spec_id, rule.quantity_multiplier, rule.id, rule.unit_cost, attempt.variant_key
    )


def _first_match(
    sku_code: str, ordered: Iterable[SkuMappingRule], store_id: int | None
) -> tuple[SkuMappingRule, MappingTarget] | None:
    for rule in ordered:
        if not rule.applies_to(store_id):
            continue
        attempt = _attempt(rule, sku_code, _compiled_for(rule))
        if attempt.outcome is TrialOutcome.MATCHED:
            return rule, _target(rule, attempt)
    return None


def resolve(sku_code: str, rules: Iterable[SkuMappingRule], *, store_id: int | None) -> MappingTarget | None:
    """The first rule (by priority order) that maps ``sku_code`` in ``store_id``; None if none does."""
    found = _first_match(sku_code, sort_rules(rules), store_id)
    return found[1] if found else None


# --- explain: every rule's verdict on one code, for the "test this rule" preview ---------------


@dataclass(frozen=True)
class RuleTrial:
    rule: SkuMappingRule
    outcome: TrialOutcome
    variant_key: str | None
    spec_id: str | None
    wins: bool  # the first matching rule: the one resolve() uses
    reason_zh: str  # why it did not match, or that it matched / was beaten; never empty
    reason_en: str

    @property
    def matched(self) -> bool:
        return self.outcome is TrialOutcome.MATCHED


def explain(sku_code: str, rules: Iterable[SkuMappingRule], *, store_id: int | None) -> list[RuleTrial]:
    trials: list[RuleTrial] = []
    winner_found = False
    for rule in sort_rules(rules):
        if not rule.enabled:
            attempt = _Attempt(TrialOutcome.DISABLED)
        elif not rule.applies_to(store_id):
            attempt = _Attempt(TrialOutcome.OTHER_STORE)
        else:
            attempt = _attempt(rule, sku_code, _compiled_for(rule))
        wins = attempt.outcome is TrialOutcome.MATCHED and not winner_found
        winner_found = winner_found or wins
        reason_zh, reason_en = _reason(rule, attempt, wins, store_id)
        trials.append(
            RuleTrial(rule, attempt.outcome, attempt.variant_key, attempt.spec_id, wins, reason_zh, reason_en)
        )
    return trials


def _reason(rule: SkuMappingRule, attempt: _Attempt, wins: bool, store_id: int | None) -> tuple[str, str]:
    key = attempt.variant_key
    match attempt.outcome:
        case TrialOutcome.MATCHED if wins:
            return f"匹配:规格 {attempt.spec_id}", f"matched: spec {attempt.spec_id}"
        case TrialOutcome.MATCHED:
            return "也能匹配,但已被更高优先级的规则抢先", "also matches, but a higher-priority rule wins"
        case TrialOutcome.NO_MATCH:
            return f"{_KIND_ZH[rule.kind]}不匹配", f"the {rule.kind.value} pattern does not match"
        case TrialOutcome.KEY_NOT_MAPPED:
            return f"变体键 {key!r} 不在变体映射中", f"variant key {key!r} is not in the variant map"
        case TrialOutcome.NO_SPEC:
            return "没有规格ID,也没有可用的变体键", "no spec_id and no variant key to look up"
        case TrialOutcome.BAD_PATTERN:
            error = _compiled_for(rule)
            detail = f": {error}" if isinstance(error, re.error) else ""
            return f"匹配规则无效{detail}", f"the pattern is invalid{detail}"
        case TrialOutcome.DISABLED:
            return "规则已停用", "the rule is disabled"
        case _:
            return (
                f"规则只适用于店铺 {rule.store_id}",
                f"the rule is for store {rule.store_id}, not {store_id}",
            )


_KIND_ZH = {MatchKind.EXACT: "精确匹配", MatchKind.PREFIX: "前缀", MatchKind.REGEX: "正则"}


# --- preview: one rule against a store's real SKU codes ----------------------------------------


@dataclass(frozen=True)
class MappedCode:
    sku_code: str
    spec_id: str
    quantity_multiplier: int
    variant_key: str | None


@dataclass(frozen=True)
class UnresolvedCode:
    sku_code: str
    variant_key: str | None  # matched by the pattern, but this key has no spec in variant_map


@dataclass(frozen=True)
class ShadowedCode:
    sku_code: str
    spec_id: str  # what this rule would have mapped it to
    by_rule: SkuMappingRule  # the higher-priority rule that takes the code first
    by_spec_id: str


@dataclass(frozen=True)
class RulePreview:
    rule: SkuMappingRule
    mapped: tuple[MappedCode, ...]
    unresolved: tuple[UnresolvedCode, ...]
    shadowed: tuple[ShadowedCode, ...]
    unmatched_count: int  # codes the pattern does not fit at all


def preview(
    rule: SkuMappingRule,
    sku_codes: Iterable[str],
    *,
    other_rules: Iterable[SkuMappingRule] = (),
    store_id: int | None = None,
) -> RulePreview:
    """What ``rule`` would do to these codes. ``store_id`` None → the rule's own store.

    The rule is previewed even if disabled. Other rules with the same id (the saved version of the
    rule being edited) are left out; other rules that rank before it, or tie with it, shadow it.
    """
    store = store_id if store_id is not None else rule.store_id
    own_rank = priority_order(rule)
    ahead = RuleBook(
        other
        for other in other_rules
        if not (rule.id is not None and other.id == rule.id) and priority_order(other) <= own_rank
    )
    compiled = _compiled_for(rule)
    mapped: list[MappedCode] = []
    unresolved: list[UnresolvedCode] = []
    shadowed: list[ShadowedCode] = []
    unmatched = 0
    for code in dict.fromkeys(sku_codes):
        attempt = _attempt(rule, code, compiled)
        if attempt.outcome is TrialOutcome.KEY_NOT_MAPPED:
            unresolved.append(UnresolvedCode(code, attempt.variant_key))
        elif attempt.outcome is not TrialOutcome.MATCHED:
            unmatched += 1
        elif (taken := ahead.match(code, store)) is not None:
            assert attempt.spec_id is not None
            shadowed.append(ShadowedCode(code, attempt.spec_id, taken[0], taken[1].spec_id))
        else:
            assert attempt.spec_id is not None
            mapped.append(MappedCode(code, attempt.spec_id, rule.quantity_multiplier, attempt.variant_key))
    return RulePreview(rule, tuple(mapped), tuple(unresolved), tuple(shadowed), unmatched)


# --- validation ---------------------------------------------------------------------------------


class OfferCatalog(Protocol):
    def spec_ids(self, offer_id: int) -> frozenset[str] | None:
        """The offer's 1688 spec ids; None when the offer is unknown."""


@dataclass(frozen=True)
class RuleProblem:
    field: str  # the SkuMappingRule field at fault
    code: str  # stable machine code, e.g. "regex_invalid"
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


class MappingRuleInvalid(ValidationFailed):
    code = "mapping_rule_invalid"

    def __init__(self, rule: SkuMappingRule, problems: Sequence[RuleProblem]) -> None:
        self.rule = rule
        self.problems = tuple(problems)
        super().__init__(
            "invalid SKU mapping rule: " + "; ".join(f"{p.field}: {p.message_en}" for p in problems),
            "SKU 映射规则无效:" + ";".join(f"{p.field}:{p.message_zh}" for p in problems),
            details={"problems": [problem.to_dict() for problem in problems]},
        )


class _Problems(list[RuleProblem]):
    def add(self, field_name: str, code: str, message_zh: str, message_en: str) -> None:
        self.append(RuleProblem(field_name, code, message_zh, message_en))


def validate_rule(rule: SkuMappingRule, catalog: OfferCatalog) -> list[RuleProblem]:
    """Every problem with ``rule``, each naming its field, in Chinese and English; [] if none."""
    problems = _Problems()
    _check_pattern(rule, problems)
    if rule.kind is not MatchKind.EXACT and rule.spec_id is None and not rule.variant_map:
        problems.add(
            "variant_map",
            "no_spec_source",
            "未指定规格ID时,变体映射不能为空",
            "without a spec_id the variant map must not be empty",
        )
    if not 1 <= rule.quantity_multiplier <= MAX_MULTIPLIER:
        problems.add(
            "quantity_multiplier",
            "multiplier_out_of_range",
            f"数量倍数须在 1 到 {MAX_MULTIPLIER} 之间(现为 {rule.quantity_multiplier})",
            f"quantity multiplier must be 1 to {MAX_MULTIPLIER} (got {rule.quantity_multiplier})",
        )
    if not 0 <= rule.priority <= MAX_PRIORITY:
        problems.add(
            "priority",
            "priority_out_of_range",
            f"优先级须在 0 到 {MAX_PRIORITY} 之间(现为 {rule.priority})",
            f"priority must be 0 to {MAX_PRIORITY} (got {rule.priority})",
        )
    if rule.unit_cost is not None and (rule.unit_cost.currency != "CNY" or rule.unit_cost.amount < 0):
        problems.add(
            "unit_cost",
            "unit_cost_invalid",
            f"成本须为非负的人民币金额(现为 {rule.unit_cost})",
            f"unit cost must be a non-negative CNY amount (got {rule.unit_cost})",
        )
    _check_specs(rule, catalog, problems)
    return list(problems)


def _check_pattern(rule: SkuMappingRule, problems: _Problems) -> None:
    if not rule.pattern.strip():
        problems.add("pattern", "empty_pattern", "匹配内容不能为空", "the pattern must not be empty")
        return
    if rule.kind is MatchKind.EXACT:
        if any(ch.isspace() for ch in rule.pattern):
            problems.add(
                "pattern",
                "whitespace_in_code",
                f"精确匹配的 SKU 编码不能含空白字符:{rule.pattern!r}",
                f"an exact SKU code must not contain whitespace: {rule.pattern!r}",
            )
        if rule.spec_id is None:
            problems.add(
                "spec_id", "exact_needs_spec", "精确匹配必须指定规格ID", "an exact rule needs a spec_id"
            )
    elif rule.kind is MatchKind.REGEX:
        compiled = _compile(rule.pattern)
        if isinstance(compiled, re.error):
            problems.add(
                "pattern",
                "regex_invalid",
                f"正则表达式无法编译:{compiled.msg}(位置 {compiled.pos})",
                f"the regex does not compile: {compiled.msg} at position {compiled.pos}",
            )
        elif compiled.groups == 0 and rule.spec_id is None:
            problems.add(
                "pattern",
                "regex_no_group",
                "正则没有捕获组,又未指定规格ID,无法确定变体",
                "the regex has no capture group and there is no spec_id to fall back on",
            )


def _check_specs(rule: SkuMappingRule, catalog: OfferCatalog, problems: _Problems) -> None:
    known = catalog.spec_ids(rule.offer_id)
    if known is None:
        problems.add(
            "offer_id",
            "unknown_offer",
            f"未知的 1688 商品 {rule.offer_id}",
            f"unknown 1688 offer {rule.offer_id}",
        )
        return
    if rule.spec_id is not None and rule.spec_id not in known:
        problems.add(
            "spec_id",
            "spec_not_in_offer",
            f"规格 {rule.spec_id} 不属于商品 {rule.offer_id}",
            f"spec {rule.spec_id} is not a spec of offer {rule.offer_id}",
        )
    for key, spec_id in rule.variant_map.items():
        if spec_id not in known:
            problems.add(
                "variant_map",
                "variant_spec_not_in_offer",
                f"变体 {key!r} 的规格 {spec_id} 不属于商品 {rule.offer_id}",
                f"variant {key!r}: spec {spec_id} is not a spec of offer {rule.offer_id}",
            )


def ensure_valid(rule: SkuMappingRule, catalog: OfferCatalog) -> None:
    problems = validate_rule(rule, catalog)
    if problems:
        raise MappingRuleInvalid(rule, problems)


# --- RuleBook: the same answers, indexed for routing many orders ------------------------------


_REGEX_SPECIAL = set(".^$*+?{}[]|()\\")


def _literal_prefix(pattern: str) -> str:
    """Text every full match of ``pattern`` must start with ("" when unsure), to index regex rules.

    Conservative on purpose: any alternation, group, class or escape of a letter ends the literal run,
    and a literal made optional by ``?``, ``*`` or ``{`` is dropped.
    """
    if _has_top_level_alternation(pattern):
        return ""
    literal: list[str] = []
    index = 1 if pattern.startswith("^") else 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern) and not pattern[index + 1].isalnum():
            char, index = pattern[index + 1], index + 1
        elif char in _REGEX_SPECIAL:
            break
        if index + 1 < len(pattern) and pattern[index + 1] in "?*{":
            break
        literal.append(char)
        index += 1
    return "".join(literal)


def _has_top_level_alternation(pattern: str) -> bool:
    """``a|b`` has no common prefix; ``AE-(S|M)`` does: only a ``|`` outside groups and classes counts."""
    depth, in_class, index = 0, False, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "|" and depth == 0:
            return True
        index += 1
    return False


class _Entry(NamedTuple):
    rank: int
    rule: SkuMappingRule
    compiled: re.Pattern[str] | None


def _rank(entry: _Entry) -> int:
    return entry.rank


class RuleBook:
    """Rules indexed once: a dict for exact codes; prefix rules, and regex rules by the literal text
    they start with, grouped by that text's length; regexes compiled once; answers cached.

    Immutable: when rules change, build a new book. Answers equal ``resolve()`` on the same rules.
    """

    def __init__(self, rules: Iterable[SkuMappingRule], *, cache_size: int = 65_536) -> None:
        self._exact: dict[str, list[_Entry]] = {}
        self._by_start: dict[str, list[_Entry]] = {}  # prefix rules and regex rules, by leading text
        self._size = 0
        # Disabled and pattern-less rules never match, and a regex that fails to compile never does.
        for rank, rule in enumerate(sort_rules(rule for rule in rules if rule.enabled and rule.pattern)):
            if rule.kind is MatchKind.EXACT:
                self._exact.setdefault(rule.pattern, []).append(_Entry(rank, rule, None))
            elif rule.kind is MatchKind.PREFIX:
                self._by_start.setdefault(rule.pattern, []).append(_Entry(rank, rule, None))
            elif isinstance(compiled := _compile(rule.pattern), re.Pattern):
                start = _literal_prefix(rule.pattern)
                self._by_start.setdefault(start, []).append(_Entry(rank, rule, compiled))
            self._size += 1
        self._start_lengths = sorted({len(start) for start in self._by_start})
        self._cached_match = lru_cache(maxsize=cache_size)(self._match)

    def __len__(self) -> int:
        return self._size

    def resolve(self, sku_code: str, store_id: int | None) -> MappingTarget | None:
        found = self._cached_match(sku_code, store_id)
        return found[1] if found else None

    def match(self, sku_code: str, store_id: int | None) -> tuple[SkuMappingRule, MappingTarget] | None:
        """The winning rule and its target, or None."""
        return self._cached_match(sku_code, store_id)

    def _match(self, sku_code: str, store_id: int | None) -> tuple[SkuMappingRule, MappingTarget] | None:
        groups: list[list[_Entry]] = []
        if sku_code in self._exact:
            groups.append(self._exact[sku_code])
        for length in self._start_lengths:
            if length > len(sku_code):
                break
            if (entries := self._by_start.get(sku_code[:length])) is not None:
                groups.append(entries)
        if not groups:
            return None
        candidates = groups[0] if len(groups) == 1 else heapq.merge(*groups, key=_rank)
        for entry in candidates:
            if not entry.rule.applies_to(store_id):
                continue
            attempt = _attempt(entry.rule, sku_code, entry.compiled)
            if attempt.outcome is TrialOutcome.MATCHED:
                return entry.rule, _target(entry.rule, attempt)
        return None


__all__ = [
    "MappedCode",
    "MappingRuleInvalid",
    "MappingTarget",
    "MatchKind",
    "OfferCatalog",
    "RuleBook",
    "RulePreview",
    "RuleProblem",
    "RuleTrial",
    "ShadowedCode",
    "SkuMappingRule",
    "TrialOutcome",
    "UnresolvedCode",
    "ensure_valid",
    "explain",
    "preview",
    "resolve",
    "sort_rules",
    "validate_rule",
]
