"""Listing and nomenclature text for the HS model: normalising, tokens, term scanning, "for" spans.

Pure functions. Tokens are Latin words (lower case, crude plural stemming, no stop words or bare
numbers) and Chinese character bigrams; terms from the keyword lists are found by a dictionary
scan (leftmost-longest; Latin terms as whole words, an "s"/"es" plural allowed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
LATIN_TOKEN = re.compile(r"[a-z][a-z0-9\-]*[a-z0-9]")  # two characters or more
_CJK_RUN = re.compile(f"[{_CJK}]+")
_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "a an and or of the for with in on to by as at from other others n e c nec heading "
        "headings chapter no not whether than thereof such kind kinds excluding including include "
        "etc new hot sale fashion high quality free shipping style pcs pc set lot wholesale brand "
        "original best top cheap 1pc 2pcs women men mainland china origin cn yes none ",
    )
)  # "women"/"men" are handled by keyword entries (desc words), not as free tokens; "Origin:
# Mainland China" is on nearly every AliExpress listing and must not read as porcelain ("china")
_ZH_NOISE = re.compile(
    "新款|爆款|批发|包邮|跨境|专供|亚马逊|速卖通|厂家|直销|一件代发|代发|热卖|现货|定制|工厂|外贸|"
    "欧美|韩版|网红|同款|跨境电商|定做|促销|特价"
)
_NEGATED = re.compile(
    r"\([^()]*\b(?:other than|excluding|not|except)\b[^()]*\)|\b(?:other than|excluding|except|not)\b[^;,()]*"
)  # "of textile materials (other than cotton)": cotton is not what this subheading is
_FOR_EN = re.compile(r"\b(?:for|compatible with|fits?)\b")
# 适用iPhone15 / 适用于苹果15: the marker, a short brand, then the model in Latin letters and digits
_FOR_ZH = re.compile(f"(?:适用于|适用|适配|专用于|用于)[{_CJK}]{{0,4}}?[a-z0-9][a-z0-9 +/\\-]*")


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, listing noise words removed."""
    return _ZH_NOISE.sub(" ", unicodedata.normalize("NFKC", text).lower())


def positive(description: str) -> str:
    """A nomenclature description without its "other than …" / "excluding …" clauses."""
    return _NEGATED.sub(" ", description)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Latin word tokens (stemmed, no stop words, no bare numbers) and Chinese character bigrams."""
    text = normalise(text)
    out = [stem(word) for word in LATIN_TOKEN.findall(text) if word not in _STOPWORDS]
    out = [word for word in out if word not in _STOPWORDS and not word.isdigit()]
    for run in _CJK_RUN.findall(text):
        out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return out


def listing_text(title: str, attributes: Mapping[str, str] | None = None, category: str = "") -> str:
    values = " ; ".join(str(value) for value in (attributes or {}).values())
    return " ; ".join(part for part in (title, values, category) if part)


# --- building ------------------------------------------------------------------------------------


def term_lengths(terms: Iterable[str]) -> tuple[int, ...]:
    return tuple(sorted({len(term) for term in terms}, reverse=True))


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def scan_terms(text: str, terms: Mapping[str, object], lengths: Sequence[int]) -> list[tuple[int, str]]:
    """Leftmost-longest matches of known terms: (start, term). Latin terms match whole words only
    (an "s"/"es" plural allowed); Chinese terms anywhere. One dictionary look-up per length."""
    found: list[tuple[int, str]] = []
    size, position = len(text), 0
    while position < size:
        char = text[position]
        starts_word = not _is_word_char(char) or position == 0 or not _is_word_char(text[position - 1])
        end = 0
        if starts_word and not char.isspace():
            for length in lengths:
                term = text[position : position + length]
                if len(term) == length and term in terms:
                    end = _word_end(text, position + length, term)
                    if end:
                        found.append((position, term))
                        break
        position = end or position + 1
    return found


def _word_end(text: str, end: int, term: str) -> int:
    """Where a match of ``term`` ending at ``end`` really ends, or 0 when it ends inside a word."""
    if not _is_word_char(term[-1]):
        return end
    for plural in ("", "s", "es"):
        stop = end + len(plural)
        if text[end:stop] == plural and (stop >= len(text) or not _is_word_char(text[stop])):
            return stop
    return 0


def for_spans(title: str) -> list[tuple[int, int]]:
    """The parts of a normalised title that name what the product fits ("for iPhone 15 …" to the
    end of the title; "适用iPhone15" only as far as the model name, since the product follows)."""
    spans = [(found.start(), found.end()) for found in _FOR_ZH.finditer(title)]
    english = _FOR_EN.search(title)
    if english is not None:
        spans.append((english.start(), len(title)))
    return spans
