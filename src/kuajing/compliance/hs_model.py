"""HS candidates: ranked six-digit codes for a product listing, from a model built offline.

Pure: no files, no database, no clock. The model is built from three things kuajing ships or
keeps: the HS 2022 nomenclature (English descriptions), the curated keyword lists
(``hs_keywords.toml``: Chinese and English product words → HS6/HS4 with a weight, material words
that move codes between chapters) and the confirmed classifications a user recorded (labelled
examples that outweigh the generic data). Three scores are added for every subheading:

- **keywords**: every keyword entry whose term appears in the title, attributes or category adds
  its weight to the codes it points to (the longest match wins; terms after "for"/"适用" describe
  the device a product fits, not the product, and count less); an entry also adds a small prior to
  its codes' chapters; material entries move plastic/rubber/metal/textile codes;
- **TF-IDF**: cosine between the listing and each subheading's text (its description, its heading's
  and chapter's, and the keyword terms that point to it), over Latin word tokens and Chinese
  character bigrams;
- **confirmed**: the best similarity to a confirmed example of that code, squared and weighted so
  that a listing matching a confirmation closely comes out first.

Confidence is a softmax over the leading scores against a fixed "none of these" score, so the
shares of the returned candidates add up to at most 1.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kuajing.compliance.hs_nomenclature import Nomenclature
from kuajing.compliance.hs_text import (
    LATIN_TOKEN,
    for_spans,
    listing_text,
    normalise,
    positive,
    scan_terms,
    stem,
    term_lengths,
    tokens,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

TFIDF_WEIGHT = 2.0  # a good nomenclature match (cosine ~0.5) is worth about one keyword
EXAMPLE_WEIGHT = 6.0  # an identical confirmed title outweighs any keyword evidence
EXAMPLE_MIN_SIMILARITY = 0.3
MATERIAL_ALONE = 0.3  # share of a material score on codes that no product word points to
CHAPTER_PRIOR = 0.15  # share of an entry's weight given to every code in its chapters
FOR_FACTOR = 0.3  # terms after "for"/"适用于": the device a product fits
TEMPERATURE = 0.3
NONE_OF_THESE = 1.0  # the score of "none of the candidates", in the softmax
POOL = 10  # leading scores that share the confidence


@dataclass(frozen=True)
class KeywordEntry:
    terms: tuple[str, ...]  # zh and en, matched in the normalised listing text
    codes: tuple[tuple[str, float], ...]  # (HS prefix of 2/4/6 digits, weight)
    kind: str = "product"  # product | material
    desc: tuple[str, ...] = ()  # subheadings whose own description has one of these words
    desc_weight: float = 0.5

    @property
    def label(self) -> str:
        return self.terms[0]


@dataclass(frozen=True)
class ConfirmedExample:
    title: str
    hs6: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    category: str = ""
    source: str = "user"  # user | official_opinion
    id: int | None = None


@dataclass(frozen=True)
class Evidence:
    term: str
    source: str  # keyword | material | nomenclature | confirmed
    code: str  # the code the term points to (or the confirmed example's code)

    def as_dict(self) -> dict[str, str]:
        return {"term": self.term, "source": self.source, "code": self.code}


@dataclass(frozen=True)
class HsCandidate:
    hs6: str
    confidence: float
    heading: str
    evidence: tuple[Evidence, ...]
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "hs6": self.hs6,
            "confidence": round(self.confidence, 3),
            "heading": self.heading,
            "evidence": [item.as_dict() for item in self.evidence],
            "score": round(self.score, 3),
        }


@dataclass(frozen=True)
class _Example:
    example: ConfirmedExample
    vector: dict[str, float]
    index: int


@dataclass(frozen=True)
class HsModel:
    nomenclature: Nomenclature
    codes: tuple[str, ...]
    index: dict[str, int]
    idf: dict[str, float]
    max_idf: float
    postings: dict[str, tuple[IntArray, FloatArray]]
    own_tokens: tuple[frozenset[str], ...]  # tokens of each subheading's own and heading text
    entries: tuple[KeywordEntry, ...]
    entry_targets: tuple[tuple[IntArray, FloatArray], ...]
    entry_desc: tuple[IntArray, ...]
    term_entries: dict[str, tuple[int, ...]]
    term_lengths: tuple[int, ...]
    examples: tuple[_Example, ...] = ()


# --- text ----------------------------------------------------------------------------------------


def keywords_from_toml(data: Mapping[str, Any]) -> tuple[KeywordEntry, ...]:
    """``[[product]]`` and ``[[material]]`` tables: terms, codes = {prefix = weight}, desc, desc_weight."""
    entries: list[KeywordEntry] = []
    for kind in ("product", "material"):
        for raw in data.get(kind, []):
            terms = tuple(dict.fromkeys(normalise(term).strip() for term in raw["terms"]))
            codes = tuple((str(code), float(weight)) for code, weight in raw.get("codes", {}).items())
            desc = tuple(stem(word.lower()) for word in raw.get("desc", []))
            entries.append(KeywordEntry(terms, codes, kind, desc, float(raw.get("desc_weight", 0.5))))
    return tuple(entries)


def _prefix_ranges(codes: Sequence[str]) -> dict[str, IntArray]:
    ranges: dict[str, list[int]] = {}
    for position, code in enumerate(codes):
        for size in (2, 4, 6):
            ranges.setdefault(code[:size], []).append(position)
    return {prefix: np.asarray(found, dtype=np.intp) for prefix, found in ranges.items()}


def _targets(entry: KeywordEntry, ranges: Mapping[str, IntArray], size: int) -> tuple[IntArray, FloatArray]:
    """Each subheading gets the largest weight among the entry's prefixes that it starts with."""
    weights = np.zeros(size)
    prefixes = list(entry.codes)
    if entry.kind == "product":  # chapter prior: the entry's chapters, a little
        for chapter in dict.fromkeys(code[:2] for code, _ in entry.codes):
            best = max(weight for code, weight in entry.codes if code.startswith(chapter))
            prefixes.append((chapter, CHAPTER_PRIOR * best))
    for prefix, weight in prefixes:
        found = ranges.get(prefix)
        if found is not None:
            weights[found] = np.maximum(weights[found], weight)
    hit = np.flatnonzero(weights)
    return hit.astype(np.intp), weights[hit]


def _tfidf(
    nomenclature: Nomenclature,
    codes: Sequence[str],
    keywords: Sequence[KeywordEntry],
    ranges: Mapping[str, IntArray],
) -> tuple[dict[str, float], dict[str, tuple[IntArray, FloatArray]], list[frozenset[str]]]:
    """Each subheading's text: its description, its heading's (x0.5) and chapter's (x0.25), and the
    terms of the product keyword entries that point to it; sublinear tf x idf, L2-normalised."""
    vocabulary: dict[str, int] = {}
    texts: dict[str, list[str]] = {}

    def text_of(part: str) -> list[str]:
        if part not in texts:
            found = nomenclature.entries.get(part)
            texts[part] = tokens(positive(found.description)) if found else []
        return texts[part]

    docs: list[int] = []
    words: list[int] = []
    weights: list[float] = []
    own: list[frozenset[str]] = []
    for position, code in enumerate(codes):
        for weight, part in ((1.0, code), (0.5, code[:4]), (0.25, code[:2])):
            found = text_of(part)
            docs.extend([position] * len(found))
            words.extend(vocabulary.setdefault(token, len(vocabulary)) for token in found)
            weights.extend([weight] * len(found))
        own.append(frozenset(text_of(code)) | frozenset(text_of(code[:4])))
    parts = [(np.asarray(docs, dtype=np.int64), np.asarray(words, dtype=np.int64), np.asarray(weights))]
    for entry in keywords:
        if entry.kind != "product":
            continue
        ids = {
            vocabulary.setdefault(token, len(vocabulary)) for term in entry.terms for token in tokens(term)
        }
        entry_words = np.asarray(sorted(ids), dtype=np.int64)
        for prefix, weight in entry.codes:
            targets = ranges.get(prefix)
            if targets is not None and entry_words.size:
                parts.append(
                    (
                        np.repeat(targets.astype(np.int64), entry_words.size),
                        np.tile(entry_words, targets.size),
                        np.full(targets.size * entry_words.size, weight),
                    )
                )
    size, width = len(codes), len(vocabulary)
    key = np.concatenate([doc * width + word for doc, word, _ in parts])
    unique, inverse = np.unique(key, return_inverse=True)
    tf = np.bincount(inverse, weights=np.concatenate([weight for _, _, weight in parts]))
    doc_of, word_of = unique // width, unique % width
    idf_of = np.log(size / np.bincount(word_of, minlength=width).clip(min=1)) + 1.0
    value = np.where(tf >= 1, 1.0 + np.log(np.maximum(tf, 1.0)), tf) * idf_of[word_of]
    value /= np.sqrt(np.bincount(doc_of, weights=value * value, minlength=size))[doc_of]
    order = np.argsort(word_of, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(word_of, minlength=width))])
    names = list(vocabulary)
    postings = {
        names[word]: (
            doc_of[order[bounds[word] : bounds[word + 1]]].astype(np.intp),
            value[order[bounds[word] : bounds[word + 1]]],
        )
        for word in range(width)
        if bounds[word + 1] > bounds[word]
    }
    idf = {names[word]: float(idf_of[word]) for word in range(width)}
    return idf, postings, own


def build_model(
    nomenclature: Nomenclature,
    keywords: Sequence[KeywordEntry] = (),
    examples: Sequence[ConfirmedExample] = (),
) -> HsModel:
    codes = nomenclature.subheadings
    index = {code: position for position, code in enumerate(codes)}
    ranges = _prefix_ranges(codes)
    idf, postings, own = _tfidf(nomenclature, codes, keywords, ranges)
    size = len(codes)
    term_entries: dict[str, list[int]] = {}
    for number, entry in enumerate(keywords):
        for term in entry.terms:
            term_entries.setdefault(term, []).append(number)
    by_word: dict[str, list[int]] = {}
    for position, code in enumerate(codes):
        words = {stem(word) for word in LATIN_TOKEN.findall(positive(nomenclature.description(code)).lower())}
        for word in words:  # stop words kept: "men's" and "women's" matter here
            by_word.setdefault(word, []).append(position)
    desc_sets = [
        np.asarray(sorted({i for word in entry.desc for i in by_word.get(word, [])}), dtype=np.intp)
        for entry in keywords
    ]
    model = HsModel(
        nomenclature=nomenclature,
        codes=codes,
        index=index,
        idf=idf,
        max_idf=math.log(size) + 1.0,
        postings=postings,
        own_tokens=tuple(own),
        entries=tuple(keywords),
        entry_targets=tuple(_targets(entry, ranges, size) for entry in keywords),
        entry_desc=tuple(desc_sets),
        term_entries={term: tuple(found) for term, found in term_entries.items()},
        term_lengths=term_lengths(term_entries),
    )
    return with_examples(model, examples)


def with_examples(model: HsModel, examples: Sequence[ConfirmedExample]) -> HsModel:
    """The same model with these confirmed examples (replacing any it had); cheap."""
    kept = tuple(
        _Example(
            example,
            _vector(model, listing_text(example.title, example.attributes, example.category)),
            model.index[example.hs6],
        )
        for example in examples
        if example.hs6 in model.index
    )
    return HsModel(**{**model.__dict__, "examples": kept})


# --- suggesting ----------------------------------------------------------------------------------


def _vector(model: HsModel, text: str) -> dict[str, float]:
    counts = Counter(tokens(text))
    weights = {
        token: (1.0 + math.log(tf)) * model.idf.get(token, model.max_idf) for token, tf in counts.items()
    }
    norm = math.sqrt(sum(value * value for value in weights.values())) or 1.0
    return {token: value / norm for token, value in weights.items()}


def matched_entries(
    model: HsModel, text: str, spans: Sequence[tuple[int, int]] = ()
) -> dict[int, tuple[str, float]]:
    """Keyword entry number → (the term that matched, its factor); longest match, once per entry."""
    found: dict[int, tuple[str, float]] = {}
    for start, term in scan_terms(text, model.term_entries, model.term_lengths):
        factor = FOR_FACTOR if any(low <= start < high for low, high in spans) else 1.0
        for number in model.term_entries[term]:
            if number not in found or found[number][1] < factor:
                found[number] = (term, factor)
    return found


def suggest(
    model: HsModel,
    title: str,
    attributes: Mapping[str, str] | None = None,
    category: str = "",
    top: int = 3,
) -> list[HsCandidate]:
    head = normalise(title)
    text = " ; ".join(part for part in (head, normalise(listing_text("", attributes, category))) if part)
    size = len(model.codes)
    product, material = np.zeros(size), np.zeros(size)
    matches = matched_entries(model, text, for_spans(head))
    for number, (_, factor) in matches.items():
        into = material if model.entries[number].kind == "material" else product
        found, weights = model.entry_targets[number]
        into[found] += factor * weights
        desc = model.entry_desc[number]
        if desc.size:
            into[desc] += factor * model.entries[number].desc_weight
    # material words move codes among the product's candidates; alone they are only a weak prior
    keyword = product + material * np.where(product > 0, 1.0, MATERIAL_ALONE)
    vector = _vector(model, text)
    cosine = np.zeros(size)
    for token, value in vector.items():
        posting = model.postings.get(token)
        if posting is not None:
            cosine[posting[0]] += value * posting[1]
    confirmed = np.zeros(size)
    best_example: dict[int, tuple[_Example, float]] = {}
    for item in model.examples:
        similarity = sum(value * item.vector.get(token, 0.0) for token, value in vector.items())
        if similarity >= EXAMPLE_MIN_SIMILARITY and similarity > best_example.get(item.index, (item, 0.0))[1]:
            best_example[item.index] = (item, similarity)
    for position, (item, similarity) in best_example.items():
        boost = 1.2 if item.example.source == "official_opinion" else 1.0
        confirmed[position] = EXAMPLE_WEIGHT * boost * similarity * similarity
    total = keyword + TFIDF_WEIGHT * cosine + confirmed
    return _ranked(model, total, top, matches, vector, best_example)


def _ranked(
    model: HsModel,
    total: FloatArray,
    top: int,
    matches: Mapping[int, tuple[str, float]],
    vector: Mapping[str, float],
    best_example: Mapping[int, tuple[_Example, float]],
) -> list[HsCandidate]:
    pool = min(POOL, len(total))
    leading = np.argpartition(-total, pool - 1)[:pool]
    leading = leading[np.lexsort((leading, -total[leading]))]  # score, then code order: stable
    scores = total[leading]
    if scores.size == 0 or scores[0] <= 0:
        return []
    shifted = np.exp((np.append(scores, NONE_OF_THESE) - scores.max()) / TEMPERATURE)
    shares = shifted[:-1] / shifted.sum()
    out = []
    for rank, position in enumerate(leading[:top]):
        if total[position] <= 0:
            break
        code = model.codes[int(position)]
        out.append(
            HsCandidate(
                hs6=code,
                confidence=float(shares[rank]),
                heading=model.nomenclature.heading_text(code),
                evidence=_evidence(model, int(position), matches, vector, best_example),
                score=float(total[position]),
            )
        )
    return out


def _evidence(
    model: HsModel,
    position: int,
    matches: Mapping[int, tuple[str, float]],
    vector: Mapping[str, float],
    best_example: Mapping[int, tuple[_Example, float]],
) -> tuple[Evidence, ...]:
    code = model.codes[position]
    out: list[Evidence] = []
    if position in best_example:
        item, similarity = best_example[position]
        source = "official_opinion" if item.example.source == "official_opinion" else "confirmed"
        out.append(Evidence(f"{item.example.title} ({similarity:.2f})", source, code))
    for number, (term, _) in matches.items():
        entry = model.entries[number]
        pointed = [prefix for prefix, _ in entry.codes if code.startswith(prefix)]
        if pointed:
            out.append(
                Evidence(term, entry.kind if entry.kind == "material" else "keyword", max(pointed, key=len))
            )
        elif entry.desc and position in set(model.entry_desc[number].tolist()):
            out.append(Evidence(term, entry.kind, code))
    shared = [token for token in vector if token in model.own_tokens[position]]
    shared.sort(key=lambda token: -vector[token])
    out.extend(Evidence(token, "nomenclature", code) for token in shared[:5])
    return tuple(out)
