"""Materials and functions named in a product's title and attributes, with where they were said.

Pure: the vocabulary (``data/materials.toml``) is read once; everything else is string work.
``extract(text)`` finds every material (硅胶, PVC, TPU, 真皮, 涤纶, 不锈钢, ...) and function
(电池, 磁吸, 蓝牙, ...) in a title, each a ``Term`` with its span so evidence can be highlighted.

Matching rules, because titles are keyword soup:
- longest match first, leftmost first: 真皮 before 皮革, 有机玻璃 (acrylic) before 玻璃, 牛皮纸 (paper)
  before 牛皮, 无线充电 before 无线 and 充电, 吸铁石 (a magnet) before 铁;
- Latin words only on word boundaries, PC / PET / ABS case-sensitively, and quantities ("2PCS",
  "1 pc"), "for PC" and look-alikes (银色 is a colour, 木纹 a printed pattern) hide what they cover;
- negations mark a term ``negated``: 不含X, 无X, 非X, 不带X, 没有X, X-free, free of X, without X,
  no X, non-X, "X not included"; a negation carries over 和 / 、 / or to the next term of the
  same kind (不含电池和磁铁). "BPA free" names no material at all.
- percentages next to a material are kept (65%棉 35%涤纶, "cotton 95% spandex 5%").
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

VOCABULARY_FILE = Path(__file__).parent / "data" / "materials.toml"
Kind = Literal["material", "function"]

_ZH_NEGATION_BEFORE = re.compile(r"(?:不含有?|不含任何|不包含|不带有?|无任何|没有|不是|无|非|免|不)$")
_EN_NEGATION_BEFORE = re.compile(
    r"(?:\b(?:no|not|without|zero)|\bfree\s+(?:of|from))[\s\-]+"
    r"(?:(?:any|built[\s\-]?in|internal|inner|added|real|genuine|harmful)[\s\-]+)?$"
    r"|\bnon[\s\-]?$"
)
# 不含BPA和PVC, "free of BPA and PVC": the denial covers a short list joined by 和 / and.
_LIST_NEGATION_BEFORE = re.compile(
    r"(?:不含有?|不包含|不带有?|没有)(?:[0-9a-z\u4e00-\u9fff]{1,6}?(?:和|及|、|与|或))+$"
    r"|\b(?:without|free\s+(?:of|from))\s+(?:[0-9a-z\-]+\s*(?:\band\b|\bor\b|&|/)\s*){1,3}$"
)
_NEGATION_AFTER = re.compile(
    r"^(?:[\s\-]?free\b|[\s\-(]*(?:not\s+included|excluded|not\s+required|not\s+needed)\b"
    r"|(?:不含|不包含|除外|另购|需另购|自备))"
)
_CONJUNCTION = re.compile(r"^\s*(?:和|与|及|或|、|/|&|and|or|nor)\s*$")
_TEXT_FIELDS = ("family", "missing_severity", "claim_severity", "attribute_zh", "attribute_en")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")


@dataclass(frozen=True)
class Entry:
    """One canonical material or function of the vocabulary."""

    id: str
    kind: Kind
    zh: str
    en: str
    family: str = ""
    hs_chapters: tuple[str, ...] = ()
    broader: frozenset[str] = frozenset()
    misleading_as: frozenset[str] = frozenset()
    implies: tuple[str, ...] = ()
    missing_severity: str = "warning"
    claim_severity: str = "warning"
    attribute_zh: str = ""
    attribute_en: str = ""


@dataclass(frozen=True)
class Term:
    """A material or function said somewhere: ``text[start:end]`` is the ``matched`` words.

    ``field`` is "title" or the attribute's name; ``part`` says whether the span is in the
    attribute's value or its name (是否带电池=否 speaks through its name). ``negation_start`` is
    where the negating words begin (无 in 无磁), for removing the whole phrase.
    """

    canonical: str
    kind: Kind
    matched: str
    field: str
    text: str
    start: int
    end: int
    part: Literal["value", "key"] = "value"
    negated: bool = False
    negation_start: int | None = None
    percent: float | None = None
    implied_from: str | None = None


@dataclass(frozen=True)
class Found:
    """What one source (a title, or a set of attributes) says: materials and functions it asserts,
    and the ones it denies (``negated``)."""

    materials: tuple[Term, ...] = ()
    functions: tuple[Term, ...] = ()
    negated: tuple[Term, ...] = ()

    def material_ids(self) -> tuple[str, ...]:
        return _unique(t.canonical for t in self.materials)

    def function_ids(self) -> tuple[str, ...]:
        return _unique(t.canonical for t in self.functions)

    def negated_ids(self, kind: Kind) -> tuple[str, ...]:
        return _unique(t.canonical for t in self.negated if t.kind == kind)


@dataclass(frozen=True)
class _Matcher:
    entry_id: str | None  # None: a look-alike to ignore
    pattern: re.Pattern[str]
    case_sensitive: bool


@dataclass(frozen=True)
class Vocabulary:
    entries: Mapping[str, Entry]
    material_keys: frozenset[str]
    material_key_contains: tuple[str, ...]
    material_key_excludes: tuple[str, ...]
    secondary_key_contains: tuple[str, ...]
    yes_values: frozenset[str]
    no_values: frozenset[str]
    matchers: tuple[_Matcher, ...] = field(repr=False)

    def entry(self, canonical: str) -> Entry:
        return self.entries[canonical]

    def broader(self, canonical: str) -> frozenset[str]:
        """Every vaguer word that covers ``canonical`` (transitively: 不锈钢 → 钢铁 → 金属)."""
        seen: set[str] = set()
        todo = list(self.entries[canonical].broader)
        while todo:
            item = todo.pop()
            if item not in seen and item in self.entries:
                seen.add(item)
                todo.extend(self.entries[item].broader)
        return frozenset(seen)

    def is_secondary_key(self, key: str) -> bool:
        """里料材质, 填充物, "Lining Material", "Sole Material": a material, not the main one."""
        return any(word in fold(key) for word in self.secondary_key_contains)

    def is_material_key(self, key: str) -> bool:
        name = fold(key).strip()
        if any(word in name for word in self.material_key_excludes):
            return False
        return name in self.material_keys or any(word in name for word in self.material_key_contains)


def fold(text: str) -> str:
    """NFKC (全角 → half-width) and lower case, one character for one, so spans stay valid."""
    return _nfkc(text, lower=True)


def _nfkc(text: str, lower: bool = False) -> str:
    out = []
    for char in text:
        norm = unicodedata.normalize("NFKC", char)
        char = norm if len(norm) == 1 else char
        low = char.lower() if lower else char
        out.append(low if len(low) == 1 else char)
    return "".join(out)


def _term_pattern(term: str, case_sensitive: bool) -> re.Pattern[str]:
    words = [w for w in re.split(r"[\s\-]+", term if case_sensitive else fold(term)) if w]
    body = r"[\s\-]*".join(re.escape(w) for w in words)
    letters = "A-Za-z" if case_sensitive else "a-z"
    first, last = words[0][0], words[-1][-1]
    if first.isascii() and first.isalnum():
        body = rf"(?<![{letters}0-9])" + body
    if last.isascii() and last.isalpha():
        body += rf"(?![{letters}])"
    elif last.isascii() and last.isdigit():
        body += r"(?![0-9])"
    return re.compile(body)


def _entry(entry_id: str, kind: Kind, raw: Mapping[str, Any]) -> Entry:
    words = {k: raw[k] for k in _TEXT_FIELDS if k in raw}
    return Entry(
        id=entry_id,
        kind=kind,
        zh=raw["zh"],
        en=raw["en"],
        hs_chapters=tuple(raw.get("hs_chapters", ())),
        broader=frozenset(raw.get("broader", ())),
        misleading_as=frozenset(raw.get("misleading_as", ())),
        implies=tuple(raw.get("implies", ())),
        **words,
    )


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries: dict[str, Entry] = {}
    matchers: list[_Matcher] = []

    def add(entry_id: str | None, raw: Mapping[str, Any]) -> None:
        for term in raw.get("terms", ()):
            matchers.append(_Matcher(entry_id, _term_pattern(term, False), False))
        for term in raw.get("terms_cs", ()):
            matchers.append(_Matcher(entry_id, _term_pattern(_nfkc(term), True), True))
        for pattern in raw.get("patterns", ()):
            matchers.append(_Matcher(entry_id, re.compile(pattern), False))

    sections: tuple[tuple[Kind, str], ...] = (("material", "materials"), ("function", "functions"))
    for kind, section in sections:
        for entry_id, raw in data.get(section, {}).items():
            entries[entry_id] = _entry(entry_id, kind, raw)
            add(entry_id, raw)
    add(None, data.get("ignore", {}))
    keys = data["keys"]
    return Vocabulary(
        entries=entries,
        material_keys=frozenset(fold(k) for k in keys["material"]),
        material_key_contains=tuple(fold(k) for k in keys["material_contains"]),
        material_key_excludes=tuple(fold(k) for k in keys["material_excludes"]),
        secondary_key_contains=tuple(fold(k) for k in keys["secondary_contains"]),
        yes_values=frozenset(fold(v) for v in keys["yes_values"]),
        no_values=frozenset(fold(v) for v in keys["no_values"]),
        matchers=tuple(matchers),
    )


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary, loaded once."""
    return load_vocabulary()


def _select(text: str, vocab: Vocabulary) -> list[tuple[int, int, str | None]]:
    """Every match, then leftmost-longest without overlaps (a look-alike wins a tie)."""
    folded, nfkc = fold(text), _nfkc(text)
    found: list[tuple[int, int, str | None]] = []
    for matcher in vocab.matchers:
        for match in matcher.pattern.finditer(nfkc if matcher.case_sensitive else folded):
            if match.end() > match.start():
                found.append((match.start(), match.end(), matcher.entry_id))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0]), m[2] is not None))
    chosen: list[tuple[int, int, str | None]] = []
    cursor = 0
    for start, end, entry_id in found:
        if start >= cursor:
            chosen.append((start, end, entry_id))
            cursor = end
    return chosen


def _negation_start(folded: str, start: int, end: int) -> int | None:
    before = folded[:start]
    for pattern in (_ZH_NEGATION_BEFORE, _EN_NEGATION_BEFORE, _LIST_NEGATION_BEFORE):
        cue = pattern.search(before)
        if cue:
            return cue.start()
    if _NEGATION_AFTER.search(folded[end:]):
        return start
    return None


def _percents(folded: str, terms: list[Term]) -> list[Term]:
    """65%棉 35%涤纶 or "cotton 95% spandex 5%": a figure right next to a material is its share;
    the side is the one the first material with a figure next to it uses."""
    figures = [(m.start(), m.end(), float(m.group(1))) for m in _PERCENT.finditer(folded)]
    if not figures:
        return terms

    def beside(term: Term, before: bool) -> float | None:
        for start, end, value in figures:
            gap = folded[end : term.start] if before else folded[term.end : start]
            if (end <= term.start if before else start >= term.end) and not gap.strip():
                return value
        return None

    materials = [i for i, t in enumerate(terms) if t.kind == "material" and not t.negated]
    side: bool | None = None
    for i in materials:
        pre, post = beside(terms[i], True), beside(terms[i], False)
        if pre is not None or post is not None:
            side = pre is not None
            break
    if side is None:
        return terms
    out = list(terms)
    for i in materials:
        value = beside(terms[i], side)
        if value is not None:
            out[i] = replace(terms[i], percent=value)
    return out


def extract(text: str, *, field: str = "title", vocab: Vocabulary | None = None) -> tuple[Term, ...]:
    """Every material and function said in ``text``, in order, negated ones marked."""
    vocab = vocab or vocabulary()
    folded = fold(text)
    terms: list[Term] = []
    previous: Term | None = None
    for start, end, entry_id in _select(text, vocab):
        if entry_id is None:
            continue
        entry = vocab.entry(entry_id)
        neg_start = _negation_start(folded, start, end)
        if (
            neg_start is None
            and previous is not None
            and previous.negated
            and previous.kind == entry.kind
            and _CONJUNCTION.match(folded[previous.end : start])
        ):
            neg_start = start
        term = Term(
            canonical=entry_id,
            kind=entry.kind,
            matched=text[start:end],
            field=field,
            text=text,
            start=start,
            end=end,
            negated=neg_start is not None,
            negation_start=neg_start,
        )
        terms.append(term)
        previous = term
    terms = _percents(folded, terms)
    return tuple(terms) + _implied(terms, vocab)


def _implied(terms: Iterable[Term], vocab: Vocabulary) -> tuple[Term, ...]:
    """可充电 says there is a battery: an extra term on the same words, ``implied_from`` set."""
    extra: list[Term] = []
    for term in terms:
        for implied in vocab.entry(term.canonical).implies:
            extra.append(replace(term, canonical=implied, implied_from=term.canonical))
    return tuple(extra)


def extract_attributes(attributes: Mapping[str, str], *, vocab: Vocabulary | None = None) -> tuple[Term, ...]:
    """Materials only from material attributes (材质, Material, 面料, ...); functions from every
    value, and from an attribute's name when its value says yes or no (是否带电池=否)."""
    vocab = vocab or vocabulary()
    out: list[Term] = []
    for key, value in attributes.items():
        value_terms = extract(value, field=key, vocab=vocab)
        if vocab.is_material_key(key):
            out.extend(value_terms)
            continue
        out.extend(t for t in value_terms if t.kind == "function")
        answer = fold(value).strip().rstrip(".。")
        if not answer or any(t.kind == "function" for t in value_terms):
            continue
        for term in extract(key, field=key, vocab=vocab):
            if term.kind != "function" or term.negated:
                continue
            denied = answer in vocab.no_values
            out.append(
                replace(
                    term,
                    part="key",
                    negated=denied or term.negated,
                    negation_start=term.start if denied else None,
                )
            )
    return tuple(out)


def found_in(terms: Iterable[Term]) -> Found:
    terms = tuple(terms)
    return Found(
        materials=tuple(t for t in terms if t.kind == "material" and not t.negated),
        functions=tuple(t for t in terms if t.kind == "function" and not t.negated),
        negated=tuple(t for t in terms if t.negated),
    )


def materials_and_functions(title: str, attributes: Mapping[str, str] | None = None) -> Found:
    """One product's title and attributes together: what it is made of and what it does."""
    vocab = vocabulary()
    return found_in(extract(title, vocab=vocab) + extract_attributes(attributes or {}, vocab=vocab))


def display(ids: Iterable[str], vocab: Vocabulary, negated: bool = False) -> str:
    """硅胶 / silicone; TPU+PC; 无磁吸 / no magnetic."""
    ids = tuple(ids)
    if not ids:
        return ""
    zh = "+".join(vocab.entry(i).zh for i in ids)
    en = "+".join(vocab.entry(i).en for i in ids)
    if negated:
        zh, en = f"无{zh}", f"no {en}"
    return zh if zh == en else f"{zh} / {en}"


def consistent(listing: str, offer: str, vocab: Vocabulary) -> bool:
    """Can the listing's word be true of what the offer says? Same material, a vaguer honest word
    (塑料 for PC), or the offer being the vaguer one (offer 皮革, listing PU皮革)."""
    if listing == offer:
        return True
    if listing in vocab.broader(offer) and listing not in vocab.entry(offer).misleading_as:
        return True
    return offer in vocab.broader(listing)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
