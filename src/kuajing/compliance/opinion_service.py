"""Pre-classification use cases: the request pack for a product, the official opinion, and its code.

The guide's path (PRODUCT.md §8): product detail page → classification service (预归类) →
pre-classification opinion → fix title and attributes. ``pack_request_for`` gathers what the
service asks from the stored 1688 offer and/or AliExpress order lines; ``record_opinion`` stores
the opinion the service issued (its document under the opinion folder, like after-sales
evidence), teaches the HS model (a confirmed classification, source ``official_opinion``) and
marks the offer changed so selection re-screens it with the official code; ``official_hs6`` and
``declared_hs_code`` are what landed cost, selection and the Cainiao declaration use.
Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from kuajing.aftersales.model import sanitise_filename
from kuajing.compliance import opinion_repository as repo
from kuajing.compliance.hs_nomenclature import exists
from kuajing.compliance.hs_service import HsCodeUnknown, record_confirmation, suggest_for
from kuajing.compliance.materials import display, materials_and_functions, vocabulary
from kuajing.compliance.opinion_tables import HsOpinionRow
from kuajing.compliance.pack import PreclassificationRequest, ProposedCode
from kuajing.compliance.service import set_listing_hs6
from kuajing.kit.errors import NotFound, ValidationFailed

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
OFFER_PAGE = "https://detail.1688.com/offer/{}.html"
LISTING_PAGE = "https://www.aliexpress.com/item/{}.html"

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "ProductFacts",
    "declared_hs_code",
    "official_hs6",
    "official_opinion",
    "opinion_document",
    "pack_request_for",
    "product_facts",
    "record_opinion",
    "subject_of",
]


@dataclass(frozen=True)
class ProductFacts:
    """What we know of a product from the stored 1688 offer and AliExpress order lines."""

    subject: str
    title_zh: str
    title_en: str | None
    category: str | None
    attributes: dict[str, str]
    specs: tuple[str, ...]
    weight_g: int | None
    size_cm: tuple[Decimal, Decimal, Decimal] | None
    price: Decimal | None
    price_currency: str
    material: str | None
    own_hs_code: str | None  # what the offer states (the workbench's hs_code), not an opinion
    links: tuple[str, ...]


def subject_of(offer_id: int | None, product_id: int | None) -> tuple[str, int]:
    """``("offer", id)`` or ``("listing", id)``: exactly one of the two must be given."""
    if (offer_id is None) == (product_id is None):
        raise ValidationFailed(
            "give exactly one of offer_id (1688) or product_id (AliExpress)",
            "请只填写 1688 货源 offer_id 或速卖通商品 product_id 之一",
        )
    return (repo.OFFER, offer_id) if offer_id is not None else (repo.LISTING, product_id or 0)


def product_facts(
    session: Session, *, offer_id: int | None = None, product_id: int | None = None
) -> ProductFacts:
    """The listing's name and price from its compliance listing or latest order line; title,
    attributes, specs, weight and size from the 1688 offer (given, or the one the listing maps to)."""
    kind, subject_id = subject_of(offer_id, product_id)
    lines = repo.listing_lines(session, subject_id) if kind == repo.LISTING else []
    listing = next(iter(repo.listings_for(session, kind, subject_id)), None) if kind == repo.LISTING else None
    if kind == repo.LISTING:
        offer_id = next((line.offer_id for line in lines if line.offer_id is not None), None)
        offer_id = offer_id if offer_id is not None else (listing.offer_id if listing else None)
    sourced = repo.sourced_offer(session, offer_id) if offer_id is not None else None
    snapshot = repo.offer_snapshot(session, offer_id) if offer_id is not None and sourced is None else None
    if not lines and listing is None and sourced is None and snapshot is None:
        what, what_zh = (
            ("1688 offer", "1688 货源") if kind == repo.OFFER else ("AliExpress product", "速卖通商品")
        )
        raise NotFound(f"no stored {what} {subject_id}", f"找不到{what_zh} {subject_id}",
                       details={"subject_kind": kind, "subject_id": subject_id})  # fmt: skip
    links = [LISTING_PAGE.format(subject_id)] if kind == repo.LISTING else []
    if offer_id is not None and (sourced or snapshot):
        links.append(OFFER_PAGE.format(offer_id))
    line_name = next((line.product_name for line in lines if line.product_name), None)
    line_name = listing.title if listing is not None else line_name
    subject = f"1688 货源 offer {subject_id}" if kind == repo.OFFER else f"速卖通商品 product {subject_id}"
    if sourced is not None:
        offer, _ = sourced
        specs = tuple(spec.attributes for spec in repo.sourced_specs(session, offer.id) if spec.attributes)
        size = (offer.length_cm, offer.width_cm, offer.height_cm)
        attributes = {str(k): str(v) for k, v in (offer.attributes or {}).items()}
        links.extend(_image_links(attributes))
        return ProductFacts(
            subject, offer.title, offer.title_en or line_name, offer.category, attributes, specs,
            offer.weight_g,
            (size[0], size[1], size[2]) if all(size) else None,  # type: ignore[arg-type]
            offer.unit_price, "CNY", offer.material, offer.hs_code, tuple(links),
        )  # fmt: skip
    if snapshot is not None:
        specs = tuple(
            str(spec.get("attributes", ""))
            for spec in (snapshot.specs or {}).values()
            if spec.get("attributes")
        )
        prices = [
            Decimal(str(spec["price"])) for spec in (snapshot.specs or {}).values() if spec.get("price")
        ]
        return ProductFacts(subject, snapshot.subject, line_name, None, {}, specs, None, None,
                            min(prices, default=None), "CNY", None, None, tuple(links))  # fmt: skip
    if listing is not None:
        attributes = {str(k): str(v) for k, v in (listing.attributes or {}).items()}
        price = lines[0].unit_price if lines else None
        return ProductFacts(subject, listing.title, listing.title, listing.category_name or None, attributes,
                            (), None, None, price, "USD", None, None, tuple(links))  # fmt: skip
    line = lines[0]
    return ProductFacts(subject, line_name or f"product {subject_id}", line_name, None, {}, (), None, None,
                        line.unit_price, line.currency, None, None, tuple(links))  # fmt: skip


def _image_links(attributes: dict[str, str]) -> list[str]:
    return [
        value for value in attributes.values()
        if value.startswith(("http://", "https://"))
        and value.lower().split("?")[0].endswith((".jpg", ".jpeg", ".png", ".webp"))
    ]  # fmt: skip


def pack_request_for(
    session: Session,
    *,
    offer_id: int | None = None,
    product_id: int | None = None,
    applicant: str,
    on: date,
    intended_use: str = "",
    contact: str = "",
    top: int = 3,
) -> PreclassificationRequest:
    """The pack's content: the product's facts, its materials and functions, the proposed codes."""
    facts = product_facts(session, offer_id=offer_id, product_id=product_id)
    attributes = dict(facts.attributes)
    if facts.material and not any(key in attributes for key in ("材质", "材料", "material")):
        attributes["材质"] = facts.material
    found = materials_and_functions(facts.title_zh, attributes)
    vocab = vocabulary()
    candidates = suggest_for(session, facts.title_zh, attributes, facts.category, top=top)
    proposed = tuple(
        ProposedCode(
            c.hs6,
            c.heading,
            Decimal(str(round(c.confidence, 3))),
            tuple(f"{e.term} → {e.code} ({e.source})" for e in c.evidence),
        )
        for c in candidates
    )
    return PreclassificationRequest(
        subject=facts.subject, title_zh=facts.title_zh, title_en=facts.title_en, applicant=applicant,
        prepared_on=on, attributes=tuple(attributes.items()), specs=facts.specs, weight_g=facts.weight_g,
        size_cm=facts.size_cm, price=facts.price, price_currency=facts.price_currency,
        materials=tuple(display((i,), vocab) for i in found.material_ids()),
        functions=tuple(display((i,), vocab) for i in found.function_ids()),
        intended_use=intended_use or _default_use(facts.category),
        image_links=facts.links, candidates=proposed, contact=contact,
    )  # fmt: skip


def _default_use(category: str | None) -> str:
    return f"{category}，跨境电商零售 (cross-border retail)" if category else ""


def record_opinion(
    session: Session,
    *,
    offer_id: int | None = None,
    product_id: int | None = None,
    hs6: str,
    opinion_date: date,
    authority: str,
    reference: str | None = None,
    national_code: str | None = None,
    document: bytes | None = None,
    filename: str | None = None,
    folder: Path,
    recorded_by: str,
    now: datetime,
    note: str | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> HsOpinionRow:
    """Stores the official opinion (and its document); the HS model learns it as a confirmed example."""
    kind, subject_id = subject_of(offer_id, product_id)
    hs6 = "".join(ch for ch in hs6 if not ch.isspace()).replace(".", "")
    if not (len(hs6) == 6 and hs6.isdigit() and exists(hs6)):
        raise HsCodeUnknown(hs6)
    national = "".join(ch for ch in (national_code or "") if ch.isdigit()) or None
    if national is not None and (not national.startswith(hs6) or not 8 <= len(national) <= 13):
        raise ValidationFailed(
            f"national code {national_code!r} must start with {hs6} and have 8 to 13 digits",
            f"本国商品编码 {national_code!r} 须以 {hs6} 开头，8 至 13 位数字",
            details={"national_code": national_code, "hs6": hs6},
        )
    if not authority.strip():
        raise ValidationFailed(
            "the issuing authority is needed (e.g. 海关总署)", "请填写出具意见的海关 (如 海关总署)"
        )
    if opinion_date > now.date():
        raise ValidationFailed(f"opinion date {opinion_date} is in the future",
                               f"意见日期 {opinion_date} 晚于今天",
                               details={"opinion_date": opinion_date.isoformat()})  # fmt: skip
    facts = _facts_or_none(session, offer_id, product_id)
    row = HsOpinionRow(
        subject_kind=kind, subject_id=subject_id, hs6=hs6, national_code=national, opinion_date=opinion_date,
        authority=authority.strip()[:120], reference=(reference or "").strip()[:80] or None,
        recorded_by=recorded_by[:80], recorded_at=now, note=note,
    )  # fmt: skip
    if document is not None:
        row.document_name, row.document_path = _store(document, filename or "opinion.pdf", folder,
                                                      kind, subject_id, now, max_bytes)  # fmt: skip
    repo.add_opinion(session, row)
    if facts is not None:
        record_confirmation(
            session, facts.title_zh, hs6, attributes=facts.attributes, category=facts.category,
            source="official_opinion", confirmed_by=recorded_by,
            note=f"{row.authority} {row.reference or ''} {opinion_date.isoformat()}".strip(), now=now,
        )  # fmt: skip
    if kind == repo.OFFER:
        sourced = repo.sourced_offer(session, subject_id)
        if sourced is not None:
            sourced[0].updated_at = now  # selection re-screens it with the official code
    for listing in repo.listings_for(session, kind, subject_id):  # the compliance listing's HS code
        code = official_hs6(session, offer_id=listing.offer_id, product_id=listing.product_id)
        set_listing_hs6(session, listing.id, code)
    session.flush()
    return row


def _facts_or_none(session: Session, offer_id: int | None, product_id: int | None) -> ProductFacts | None:
    """An opinion may arrive for a product not stored here: record it, but nothing to learn from."""
    try:
        return product_facts(session, offer_id=offer_id, product_id=product_id)
    except NotFound:
        return None


def _store(
    content: bytes, filename: str, folder: Path, kind: str, subject_id: int, now: datetime, max_bytes: int
) -> tuple[str, str]:
    if not content:
        raise ValidationFailed("empty file", "文件为空", details={"filename": filename})
    if len(content) > max_bytes:
        raise ValidationFailed(f"file larger than {max_bytes} bytes", f"文件超过 {max_bytes} 字节",
                               details={"filename": filename, "size": len(content)})  # fmt: skip
    name = sanitise_filename(filename)
    relative = Path(f"{kind}-{subject_id}") / f"{now:%Y%m%d%H%M%S}-{name}"
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return name, str(relative)


def official_opinion(
    session: Session, *, offer_id: int | None = None, product_id: int | None = None
) -> HsOpinionRow | None:
    """The latest opinion on the listing or the 1688 offer (either may be given, or both)."""
    subjects = [(repo.OFFER, offer_id)] if offer_id is not None else []
    subjects += [(repo.LISTING, product_id)] if product_id is not None else []
    return repo.latest_opinion(session, [(kind, int(value)) for kind, value in subjects if value is not None])


def official_hs6(
    session: Session, *, offer_id: int | None = None, product_id: int | None = None
) -> str | None:
    """The official six-digit code (latest opinion wins), or None without an opinion."""
    row = official_opinion(session, offer_id=offer_id, product_id=product_id)
    return None if row is None else row.hs6


def declared_hs_code(
    session: Session, *, offer_id: int | None = None, product_id: int | None = None
) -> str | None:
    """The code to declare: the opinion's national code (else its HS6), else what the offer states."""
    row = official_opinion(session, offer_id=offer_id, product_id=product_id)
    if row is not None:
        return row.national_code or row.hs6
    sourced = repo.sourced_offer(session, offer_id) if offer_id is not None else None
    stated = "".join(ch for ch in (sourced[0].hs_code or "") if ch.isdigit()) if sourced else ""
    return stated if len(stated) >= 6 else None


def opinion_document(session: Session, opinion_id: int, folder: Path) -> tuple[Path, str]:
    row = repo.opinion(session, opinion_id)
    if row is None or not row.document_path:
        raise NotFound(f"opinion {opinion_id} has no document", f"预归类意见 {opinion_id} 没有文件",
                       details={"opinion_id": opinion_id})  # fmt: skip
    path = (folder / row.document_path).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        raise NotFound(
            f"document of opinion {opinion_id} is missing", f"预归类意见 {opinion_id} 的文件不存在"
        )
    return path, row.document_name or path.name
