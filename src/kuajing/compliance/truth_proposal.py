"""The corrected listing and the stable JSON of a truth check (``kuajing.compliance.truth``).

The proposed title replaces each wrong material word with the real one in the same language
(硅胶 → PVC, "Silicone" → "PVC"); when the title also names a material the offer supports, the
wrong one is dropped instead (TPU+PC with an offer of TPU → TPU). A denial the offer disproves
(无PVC) is removed. A title that names no material gets the real one appended. A battery or
magnets the listing does not declare are appended too, and set in the attributes (是否带电池=是).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from kuajing.compliance.materials import Found, Term, Vocabulary, consistent, extract

if TYPE_CHECKING:
    from kuajing.compliance.truth import Conflict, ProductText, TextCheck

_MATERIAL_KINDS = {"material_mismatch", "material_not_declared", "title_vs_attribute"}
_CJK = re.compile(r"[\u3400-\u9fff]")
_CONNECTOR_AFTER = re.compile(r"^\s*(?:\+|/|&|、|和|与|,|，|\band\b)\s*", re.IGNORECASE)
_CONNECTOR_BEFORE = re.compile(r"\s*(?:\+|/|&|、|和|与|,|，|\band\b)\s*$", re.IGNORECASE)


def _is_zh(text: str) -> bool:
    return bool(_CJK.search(text))


def _name(ids: Sequence[str], vocab: Vocabulary, zh: bool, like: str = "") -> str:
    words = "+".join(vocab.entry(i).zh if zh else vocab.entry(i).en for i in ids)
    if zh or not like:
        return words
    if like.isupper() and len(like) > 1:
        return words.upper()
    if like[:1].isupper():
        return " ".join(w[:1].upper() + w[1:] for w in words.split(" "))
    return words


def _removal(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a dropped word with one connector beside it (TPU+PC → TPU)."""
    after = _CONNECTOR_AFTER.match(text[end:])
    if after and after.group().strip():
        return start, end + after.end()
    before = _CONNECTOR_BEFORE.search(text[:start])
    if before and before.group().strip():
        return before.start(), end
    return start, end


def _apply(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    cursor = len(text) + 1
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        if end > cursor:
            continue
        text = text[:start] + new + text[end:]
        cursor = start
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _append(text: str, words: str) -> str:
    if not words:
        return text
    return f"{text} {words}".strip()


def rewrite_materials(
    text: str,
    terms: Sequence[Term],
    reference: Sequence[str],
    vocab: Vocabulary,
    names: Sequence[str] = (),
) -> str:
    """``text`` with the materials ``reference`` does not support replaced by ``names`` (the
    reference's main materials) once per language, or dropped when ``text`` also names a
    supported one."""
    names = tuple(names) or tuple(reference)
    said = [t for t in terms if t.kind == "material" and not t.negated]
    bad = [t for t in said if not any(consistent(t.canonical, r, vocab) for r in reference)]
    denied = [
        t
        for t in terms
        if t.kind == "material" and t.negated and any(consistent(t.canonical, r, vocab) for r in reference)
    ]
    if not bad and not denied and said:
        return text
    keep_any = len(bad) < len(said)
    edits: list[tuple[int, int, str]] = []
    written: set[str] = set()
    for term in sorted(bad, key=lambda t: t.start):
        name = _name(names, vocab, _is_zh(term.matched), term.matched)
        if keep_any or name.lower() in written:
            edits.append((*_removal(text, term.start, term.end), ""))
        else:
            edits.append((term.start, term.end, name))
            written.add(name.lower())
    for term in denied:
        edits.append((term.negation_start if term.negation_start is not None else term.start, term.end, ""))
    out = _apply(text, edits)
    if not said:
        out = _append(out, _name(names, vocab, _is_zh(text), like="Title"))
    return out


def _function_edits(
    title: str, found: Found, conflicts: Sequence[Conflict], vocab: Vocabulary
) -> tuple[str, list[str]]:
    """Drop what the offer denies, add the battery / magnets the listing left out."""
    edits: list[tuple[int, int, str]] = []
    added: list[str] = []
    for conflict in conflicts:
        if conflict.severity != "error":
            continue
        (function,) = conflict.subject
        if conflict.kind == "function_claimed_not_in_offer":
            for term in found.functions:
                if term.canonical == function and term.implied_from is None:
                    edits.append((*_removal(title, term.start, term.end), ""))
        elif conflict.kind == "function_missing_in_listing":
            for term in found.negated:
                if term.canonical == function and term.kind == "function":
                    start = term.negation_start if term.negation_start is not None else term.start
                    edits.append((start, term.end, ""))
            added.append(function)
    title = _apply(title, edits)
    implied = {i for f in added for i in vocab.entry(f).implies}
    for function in [f for f in added if f not in implied]:
        entry = vocab.entry(function)
        title = _append(title, entry.zh if _is_zh(title) else entry.en.title())
    return title, added


def propose(
    listing: ProductText,
    found: Mapping[str, Found],
    conflicts: Sequence[Conflict],
    truth: Sequence[str],
    vocab: Vocabulary,
    main: Sequence[str] = (),
) -> tuple[str, dict[str, str]]:
    """(title, attributes) as they should read; unchanged when nothing conflicts. ``truth`` is
    every material of the offer, ``main`` the ones to write (not the lining or the filling)."""
    title_found = found["listing_title"]
    reference, main = tuple(truth), tuple(main) or tuple(truth)
    if not reference and any(c.kind == "title_vs_attribute" for c in conflicts):
        reference = main = found["listing_attributes"].material_ids()
    title = listing.title
    material_conflict = any(c.kind in _MATERIAL_KINDS for c in conflicts)
    if reference and material_conflict:
        terms = title_found.materials + title_found.negated
        title = rewrite_materials(title, terms, reference, vocab, main)
    title, added = _function_edits(title, title_found, conflicts, vocab)
    truth = tuple(truth) if material_conflict else ()
    return title, _propose_attributes(listing, truth, main, added, vocab)


def _propose_attributes(
    listing: ProductText,
    truth: Sequence[str],
    main: Sequence[str],
    added: Sequence[str],
    vocab: Vocabulary,
) -> dict[str, str]:
    zh = _is_zh(listing.title + "".join(listing.attributes)) or not listing.title
    attributes = dict(listing.attributes)
    has_material = False
    for key, value in listing.attributes.items():
        if not vocab.is_material_key(key):
            continue
        terms = extract(value, field=key, vocab=vocab)
        if truth:
            names = () if vocab.is_secondary_key(key) else main
            attributes[key] = rewrite_materials(value, terms, truth, vocab, names)
        has_material = has_material or any(t.kind == "material" for t in terms)
    if truth and not has_material:
        key = next((k for k in listing.attributes if vocab.is_material_key(k)), "材质" if zh else "Material")
        attributes[key] = _name(main, vocab, zh)
    for function in added:
        entry = vocab.entry(function)
        if not entry.attribute_zh:
            continue
        key = next(
            (k for k in listing.attributes if any(t.canonical == function for t in extract(k, vocab=vocab))),
            entry.attribute_zh if zh else entry.attribute_en,
        )
        attributes[key] = "是" if _is_zh(key) else "Yes"
    return attributes


def _term_dict(term: Term, vocab: Vocabulary) -> dict[str, Any]:
    entry = vocab.entry(term.canonical)
    out: dict[str, Any] = {
        "canonical": term.canonical,
        "zh": entry.zh,
        "en": entry.en,
        "matched": term.matched,
        "field": term.field,
        "part": term.part,
        "start": term.start,
        "end": term.end,
        "negated": term.negated,
    }
    if term.kind == "material":
        out |= {"family": entry.family, "hs_chapters": list(entry.hs_chapters), "percent": term.percent}
    if term.implied_from:
        out["implied_from"] = term.implied_from
    return out


def _found_dict(found: Found, vocab: Vocabulary) -> dict[str, Any]:
    return {
        "materials": [_term_dict(t, vocab) for t in found.materials],
        "functions": [_term_dict(t, vocab) for t in found.functions],
        "negated": [_term_dict(t, vocab) | {"kind": t.kind} for t in found.negated],
    }


def check_to_dict(check: TextCheck, vocab: Vocabulary) -> dict[str, Any]:
    """The stable JSON shape (CLI ``--json``, API)."""
    return {
        "found": {source: _found_dict(found, vocab) for source, found in check.found.items()},
        "truth": {"source": check.truth_source, "materials": list(check.truth_materials)},
        "conflicts": [
            {
                "kind": c.kind,
                "severity": c.severity,
                "listing_says": c.listing_says,
                "offer_says": c.offer_says,
                "compared_with": c.compared_with,
                "subject": list(c.subject),
                "message_zh": c.message_zh,
                "message_en": c.message_en,
                "evidence": [
                    {
                        "source": e.source,
                        "field": e.field,
                        "part": e.part,
                        "text": e.text,
                        "start": e.start,
                        "end": e.end,
                        "matched": e.matched,
                    }
                    for e in c.evidence
                ],
            }
            for c in check.conflicts
        ],
        "proposed_title": check.proposed_title,
        "proposed_attributes": dict(check.proposed_attributes),
    }
