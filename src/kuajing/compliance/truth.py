"""Material and function truth: does the AliExpress listing say what the 1688 offer says?

A PVC phone case titled 硅胶 gets held by customs (guide, FAQ "新手最容易忽略"). ``check_text``
reads four sources — the listing's title and attributes, the offer's title and attributes — and
reports every ``Conflict``:

- ``material_mismatch``: the listing names a material the offer's evidence does not support, or
  denies one the offer has. The offer's material attribute (材质=PVC) is the best evidence; the
  offer title is used when the offer has no material attribute (then the conflict is a warning).
- ``material_not_declared``: the listing names no material at all, the offer does.
- ``title_vs_attribute``: the listing's title contradicts its own attributes.
- ``function_missing_in_listing``: the offer has a function (battery, magnets: they decide which
  shipping lines take the parcel) the listing does not declare, or denies.
- ``function_claimed_not_in_offer``: the listing claims a function the offer denies, or (for
  claims that matter, like 防水) does not mention in its title.

Vague words are not wrong: 塑料 covers PC, 金属 covers 锌合金, and an offer that only says 皮革
does not contradict a listing that says PU皮革; but a listing calling PU leather 皮革 / "leather"
is a mismatch. Severity: "error" when the words fall in another HS family (silicone rubber vs
PVC plastics, leather vs PU) or deny a battery / magnets; "warning" within a family or on the
offer title's word alone. It then proposes the title and attributes with the real material, in the language
of the words it replaces (``truth_proposal.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kuajing.compliance.materials import (
    Found,
    Kind,
    Term,
    Vocabulary,
    consistent,
    display,
    extract,
    extract_attributes,
    found_in,
    materials_and_functions,
    vocabulary,
)
from kuajing.compliance.truth_proposal import check_to_dict, propose

__all__ = [
    "SOURCES",
    "Conflict",
    "Evidence",
    "Found",
    "ProductText",
    "TextCheck",
    "check_text",
    "materials_and_functions",
]

SOURCES = ("listing_title", "listing_attributes", "offer_title", "offer_attributes")


@dataclass(frozen=True)
class ProductText:
    title: str
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """Where it was said: ``text[start:end]`` is ``matched`` (highlight it)."""

    source: str
    field: str
    part: str
    text: str
    start: int
    end: int
    matched: str


@dataclass(frozen=True)
class Conflict:
    kind: str
    listing_says: str
    offer_says: str
    evidence: tuple[Evidence, ...]
    severity: str  # "error" | "warning"
    compared_with: str = "offer"
    subject: tuple[str, ...] = ()
    message_zh: str = ""
    message_en: str = ""


@dataclass(frozen=True)
class TextCheck:
    found: Mapping[str, Found]
    conflicts: tuple[Conflict, ...]
    proposed_title: str
    proposed_attributes: Mapping[str, str]
    truth_source: str | None = None
    truth_materials: tuple[str, ...] = ()

    def kinds(self) -> set[str]:
        return {c.kind for c in self.conflicts}

    def to_dict(self, vocab: Vocabulary | None = None) -> dict[str, Any]:
        return check_to_dict(self, vocab or vocabulary())


def _evidence(source: str, terms: Iterable[Term]) -> list[Evidence]:
    return [Evidence(source, t.field, t.part, t.text, t.start, t.end, t.matched) for t in terms]


@dataclass
class _Sources:
    found: dict[str, Found]
    vocab: Vocabulary

    def terms(self, source: str, canonical: str, negated: bool = False) -> list[Evidence]:
        found = self.found[source]
        pool = found.negated if negated else found.materials + found.functions
        return _evidence(source, (t for t in pool if t.canonical == canonical))

    def evidence(
        self, sources: Iterable[str], ids: Iterable[str], negated: bool = False
    ) -> tuple[Evidence, ...]:
        out: list[Evidence] = []
        for canonical in ids:
            for source in sources:
                out.extend(self.terms(source, canonical, negated))
        return tuple(out)


def _material_truth(found: Mapping[str, Found]) -> tuple[str | None, tuple[str, ...]]:
    for source in ("offer_attributes", "offer_title"):
        ids = found[source].material_ids()
        if ids:
            return source, ids
    return None, ()


def _family_severity(material: str, others: Iterable[str], vocab: Vocabulary) -> str:
    """Another HS family (silicone rubber vs PVC plastics, leather vs PU) is an error: customs
    classifies it differently. The same family (PC listed, the offer says only TPU) is a warning."""
    families = {vocab.entry(o).family for o in others}
    return "warning" if vocab.entry(material).family in families else "error"


def _material_conflicts(s: _Sources, truth_source: str | None, truth: tuple[str, ...]) -> list[Conflict]:
    vocab, found = s.vocab, s.found
    listing_sources = ("listing_title", "listing_attributes")
    said = tuple(
        dict.fromkeys(found["listing_title"].material_ids() + found["listing_attributes"].material_ids())
    )
    if truth_source is None:
        return []
    base = "error" if truth_source == "offer_attributes" else "warning"
    offer_ev = s.evidence([truth_source], truth)
    out: list[Conflict] = []
    if not said:
        out.append(
            Conflict(
                "material_not_declared",
                "",
                display(truth, vocab),
                offer_ev,
                "warning",
                truth_source,
                truth,
                f"商品标题和属性没有写材质,1688货源写的是{display(truth, vocab)}",
                f"The listing names no material; the 1688 offer says {display(truth, vocab)}",
            )
        )
    unsupported = [m for m in said if not any(consistent(m, o, vocab) for o in truth)]
    for material in unsupported:
        says = display([material], vocab)
        severity = _family_severity(material, truth, vocab) if base == "error" else base
        out.append(
            Conflict(
                "material_mismatch",
                says,
                display(truth, vocab),
                s.evidence(listing_sources, [material]) + offer_ev,
                severity,
                truth_source,
                (material,),
                f"商品写的是{says},1688货源写的是{display(truth, vocab)}:以货源材质为准",
                f"The listing says {says}; the 1688 offer says {display(truth, vocab)}: the offer's "
                "material is the better evidence",
            )
        )
    denied = tuple(
        dict.fromkeys(
            found["listing_title"].negated_ids("material")
            + found["listing_attributes"].negated_ids("material")
        )
    )
    for material in denied:
        if any(consistent(material, o, vocab) for o in truth):
            says = display([material], vocab, negated=True)
            out.append(
                Conflict(
                    "material_mismatch",
                    says,
                    display(truth, vocab),
                    s.evidence(listing_sources, [material], negated=True) + offer_ev,
                    "error",
                    truth_source,
                    (material,),
                    f"商品声称{says},但1688货源写的是{display(truth, vocab)}",
                    f"The listing says {says}, but the 1688 offer says {display(truth, vocab)}",
                )
            )
    return out


def _title_vs_attribute(s: _Sources) -> list[Conflict]:
    vocab, found = s.vocab, s.found
    title, attrs = found["listing_title"], found["listing_attributes"]
    out: list[Conflict] = []
    reference = attrs.material_ids()
    for material in title.material_ids():
        if reference and not any(consistent(material, a, vocab) for a in reference):
            severity = _family_severity(material, reference, vocab)
            out.append(_self_conflict(s, material, reference, severity=severity))
    kinds: tuple[Kind, ...] = ("material", "function")
    for kind in kinds:
        asserted_title = title.material_ids() if kind == "material" else title.function_ids()
        asserted_attrs = reference if kind == "material" else attrs.function_ids()
        for canonical in asserted_title:
            if canonical in attrs.negated_ids(kind):
                severity = _denial_severity(canonical, vocab)
                out.append(_self_conflict(s, canonical, (canonical,), severity=severity, attrs_negated=True))
        for canonical in asserted_attrs:
            if canonical in title.negated_ids(kind):
                severity = _denial_severity(canonical, vocab)
                out.append(_self_conflict(s, canonical, (canonical,), severity=severity, title_negated=True))
    return out


def _denial_severity(canonical: str, vocab: Vocabulary) -> str:
    """One part of the listing says X, another says no X: an error for a material and for a
    function that decides the shipping line (battery, magnets), a warning otherwise."""
    entry = vocab.entry(canonical)
    return "error" if entry.kind == "material" or entry.missing_severity == "error" else "warning"


def _self_conflict(
    s: _Sources,
    canonical: str,
    reference: tuple[str, ...],
    *,
    severity: str,
    attrs_negated: bool = False,
    title_negated: bool = False,
) -> Conflict:
    vocab = s.vocab
    title_says = display([canonical], vocab, negated=title_negated)
    attrs_say = display(reference, vocab, negated=attrs_negated)
    evidence = s.evidence(["listing_title"], [canonical], negated=title_negated) + s.evidence(
        ["listing_attributes"], reference, negated=attrs_negated
    )
    return Conflict(
        "title_vs_attribute",
        title_says,
        attrs_say,
        evidence,
        severity,
        "listing_attributes",
        (canonical,),
        f"标题写的是{title_says},属性写的是{attrs_say}",
        f"The title says {title_says}; the listing's own attributes say {attrs_say}",
    )


def _functions(found: Found, other: Found | None = None) -> tuple[set[str], set[str]]:
    """(asserted, denied) for one product; ``other`` (the title) only fills in what the
    attributes leave open: 是否带磁=否 outweighs 磁吸 in the title."""
    asserted, denied = set(found.function_ids()), set(found.negated_ids("function"))
    if other is not None:
        asserted |= set(other.function_ids()) - denied
        denied |= set(other.negated_ids("function")) - asserted
    return asserted, denied


def _function_conflicts(s: _Sources, offer: ProductText) -> list[Conflict]:
    vocab, found = s.vocab, s.found
    listing_has, listing_denies = _functions(found["listing_attributes"], found["listing_title"])
    offer_has, offer_denies = _functions(found["offer_attributes"], found["offer_title"])
    listing_sources, offer_sources = (
        ("listing_title", "listing_attributes"),
        ("offer_title", "offer_attributes"),
    )
    out: list[Conflict] = []
    for function in sorted(offer_has - listing_has):
        entry = vocab.entry(function)
        denied = function in listing_denies
        severity = "error" if denied else entry.missing_severity
        if severity == "ignore":
            continue
        says = display([function], vocab, negated=True) if denied else "未声明 / not declared"
        out.append(
            Conflict(
                "function_missing_in_listing",
                says,
                display([function], vocab),
                s.evidence(listing_sources, [function], negated=True) + s.evidence(offer_sources, [function]),
                severity,
                "offer",
                (function,),
                f"1688货源有{entry.zh}功能,商品没有声明" + (f"(反而写了{says})" if denied else ""),
                f"The 1688 offer has {entry.en}; the listing does not declare it"
                + (f" (it says {says})" if denied else ""),
            )
        )
    for function in sorted(listing_has - offer_has):
        entry = vocab.entry(function)
        denied = function in offer_denies
        severity = "error" if denied else entry.claim_severity
        if severity == "ignore" or (not denied and not offer.title.strip()):
            continue
        offer_says = display([function], vocab, negated=True) if denied else "未提及 / not mentioned"
        out.append(
            Conflict(
                "function_claimed_not_in_offer",
                display([function], vocab),
                offer_says,
                s.evidence(listing_sources, [function]) + s.evidence(offer_sources, [function], negated=True),
                severity,
                "offer",
                (function,),
                f"商品声称{entry.zh},1688货源{'写明' + offer_says if denied else '没有提到'}",
                f"The listing claims {entry.en}; the 1688 offer "
                + (f"says {offer_says}" if denied else "does not mention it"),
            )
        )
    return out


def scan(product: ProductText, prefix: str, vocab: Vocabulary) -> dict[str, Found]:
    return {
        f"{prefix}_title": found_in(extract(product.title, vocab=vocab)),
        f"{prefix}_attributes": found_in(extract_attributes(product.attributes, vocab=vocab)),
    }


def check_text(
    listing: ProductText, offer: ProductText | None = None, *, vocab: Vocabulary | None = None
) -> TextCheck:
    """Every conflict between the listing and the offer (or within the listing), with evidence,
    and the listing's title and attributes rewritten to the offer's real material."""
    vocab = vocab or vocabulary()
    found = scan(listing, "listing", vocab) | scan(offer or ProductText(""), "offer", vocab)
    sources = _Sources(found, vocab)
    truth_source, truth = _material_truth(found)
    conflicts = _material_conflicts(sources, truth_source, truth) + _title_vs_attribute(sources)
    if offer is not None:
        conflicts += _function_conflicts(sources, offer)
    main = truth
    if truth_source == "offer_attributes":
        terms = found["offer_attributes"].materials
        main = tuple(dict.fromkeys(t.canonical for t in terms if not vocab.is_secondary_key(t.field)))
        main = main or truth
    title, attributes = propose(listing, found, conflicts, truth, vocab, main)
    return TextCheck(found, tuple(conflicts), title, attributes, truth_source, truth)
