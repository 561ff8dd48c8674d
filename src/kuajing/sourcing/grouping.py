"""Same product, several suppliers: group offers whose titles and attributes say they are one product (pure).

1688 titles are keyword soup: the same phone case is "2024新款 适用iPhone15手机壳 厂家直销" at one
supplier and "包邮 iPhone15 透明手机壳 批发" at the next. So a title is normalised (full-width →
half-width via NFKC, lower case, marketing stop words removed) and cut into tokens: character
bigrams of each run of Chinese (Chinese has no spaces; bigrams match 手机壳 in 透明手机壳) and whole
words for Latin letters and digits ("iphone15"). Two offers are the same product when the Dice
coefficient of their token sets reaches the threshold **and** the attributes that must agree
(材质 by default: a PVC case is not a 硅胶 case whatever the title says) do not disagree. Groups are
the connected components of that relation (union-find), so A~B and B~C put A, B, C together.

Pairs are only compared when they share a token that is not too common (an inverted index), so a
catalogue of 100,000 offers does not cost 10^10 comparisons.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

DEFAULT_THRESHOLD = Decimal("0.55")
MUST_AGREE = ("材质",)  # attribute names whose values must match where both offers state them
# Marketing words that say nothing about the product (longest first so 厂家直销 goes before 直销).
STOP_WORDS: tuple[str, ...] = tuple(
    sorted(
        {
            "包邮",
            "厂家直销",
            "工厂直销",
            "直销",
            "批发",
            "新款",
            "新品",
            "爆款",
            "热卖",
            "热销",
            "现货",
            "一件代发",
            "代发",
            "跨境专供",
            "跨境",
            "专供",
            "外贸",
            "亚马逊",
            "速卖通",
            "特价",
            "促销",
            "厂家",
            "工厂",
            "货源",
            "ins风",
            "ins",
            "网红",
            "同款",
            "正品",
            "2022",
            "2023",
            "2024",
            "2025",
            "2026",
            "款式",
            "定制logo",
        },
        key=len,
        reverse=True,
    )
)
_STOP = re.compile("|".join(re.escape(word) for word in STOP_WORDS))
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_MAX_POSTINGS = 400  # a token shared by more offers than this (手机, 保护) does not propose pairs


def normalise(text: str) -> str:
    """Full-width → half-width, lower case, marketing stop words cut out (replaced by a space)."""
    return _STOP.sub(" ", unicodedata.normalize("NFKC", text).lower())


def tokens(text: str) -> frozenset[str]:
    """Character bigrams of each Chinese run (a lone character stands for itself) + Latin words."""
    cleaned = normalise(text)
    found: set[str] = set()
    for run in _CJK.findall(cleaned):
        found.update(run[i : i + 2] for i in range(len(run) - 1)) if len(run) > 1 else found.add(run)
    found.update(_LATIN.findall(cleaned))
    return frozenset(found)


def _value(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True, slots=True)
class GroupItem:
    key: int  # the offer (row id)
    title: str
    attributes: Mapping[str, str]  # 材质 → 硅胶 …; the offer's material column belongs here too


def attributes_disagree(a: GroupItem, b: GroupItem, must_agree: Sequence[str] = MUST_AGREE) -> bool:
    for name in must_agree:
        left, right = a.attributes.get(name), b.attributes.get(name)
        if left and right and _value(left) != _value(right):
            return True
    return False


def dice(a: frozenset[str], b: frozenset[str]) -> Decimal:
    if not a or not b:
        return Decimal(0)
    return (Decimal(2 * len(a & b)) / Decimal(len(a) + len(b))).quantize(Decimal("0.0001"))


def similarity(a: GroupItem, b: GroupItem, must_agree: Sequence[str] = MUST_AGREE) -> Decimal:
    """0 when an attribute that must agree disagrees; else the Dice coefficient of the title tokens."""
    if attributes_disagree(a, b, must_agree):
        return Decimal(0)
    return dice(tokens(a.title), tokens(b.title))


class _UnionFind:
    def __init__(self, keys: Iterable[int]) -> None:
        self.parent = {key: key for key in keys}

    def find(self, key: int) -> int:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:  # path compression
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_offers(
    items: Sequence[GroupItem],
    threshold: Decimal = DEFAULT_THRESHOLD,
    must_agree: Sequence[str] = MUST_AGREE,
) -> list[list[int]]:
    """Groups of keys (each sorted, largest groups first; singletons included)."""
    token_sets = {item.key: tokens(item.title) for item in items}
    by_key = {item.key: item for item in items}
    postings: dict[str, list[int]] = defaultdict(list)
    for key, found in token_sets.items():
        for token in found:
            postings[token].append(key)
    candidates: set[tuple[int, int]] = set()
    for keys in postings.values():
        if 1 < len(keys) <= _MAX_POSTINGS:
            candidates.update(combinations(sorted(keys), 2))
    union = _UnionFind(token_sets)
    for a, b in candidates:
        if union.find(a) == union.find(b):
            continue
        if attributes_disagree(by_key[a], by_key[b], must_agree):
            continue
        if dice(token_sets[a], token_sets[b]) >= threshold:
            union.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for key in token_sets:
        groups[union.find(key)].append(key)
    return sorted((sorted(keys) for keys in groups.values()), key=lambda keys: (-len(keys), keys[0]))
