"""The sandbox's 1688 catalog: industrial clusters, suppliers and their offers with specs.

Data classes here are the contract the AliExpress side (listings built from offers) and the
1688 protocol layer read; ``build_catalog`` generates a realistic, deterministic world from a
seeded random stream.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from typing import TypeVar

from kuajing.sandbox.carriers import APPROVED
from kuajing.sandbox.catalog_vocabulary import (
    CATEGORIES_BY_CODE,
    CLUSTERS,
    COMPANY_SUFFIXES,
    EXTRA_COMMON_ATTRIBUTES,
    NAME_CHARACTERS,
    NAME_PINYIN,
    PREFIXES,
    REMOTE_PROVINCES,
    CategoryVocab,
    ClusterVocab,
    Material,
    Pair,
)


@dataclass(frozen=True)
class Cluster:
    """产业带: an industrial cluster (county-level)."""

    code: str
    name_zh: str
    province: str
    city: str
    specialties: tuple[str, ...]  # category codes the cluster is known for


@dataclass
class Supplier:
    member_id: str  # 1688 memberId, e.g. "b2b-2208123456789"
    login_id: str
    company_name: str  # Chinese company name
    cluster_code: str
    trust_pass_years: int  # 诚信通 years; 0 = not a 诚信通 member
    super_factory: bool  # 超级工厂 (WMS + TMS)
    dropship: bool  # 一件代发
    cross_border: bool  # 跨境专供 channel
    english_customs_docs: bool  # 支持英文报关单
    iso9001: bool
    free_sample: bool
    custom_moq: int | None  # 定制起订量; ≤ 50 is custom-friendly; None = no custom orders
    credit_guarantee: bool  # 信用保障
    carrier_codes: tuple[str, ...]  # carriers it ships dropship parcels with (see carriers.py)
    dropship_relation: bool = True  # the sandbox buyer account has a 代发 relation with it
    excluded_provinces: tuple[str, ...] = ()  # provinces it will not ship to (→ 500_009)

    @property
    def trust_pass(self) -> bool:
        return self.trust_pass_years > 0


@dataclass(frozen=True)
class PriceTier:
    min_quantity: int
    price: Decimal  # CNY per piece; may have sub-fen precision


@dataclass(frozen=True)
class Attribute:
    name: str  # Chinese attribute name, e.g. "材质"
    value: str  # Chinese value, e.g. "硅胶"
    value_trans: str  # English, e.g. "silicone"


@dataclass
class Spec:
    sku_id: int
    spec_id: str  # 32 hex chars, as 1688 uses
    attributes: list[Attribute]  # e.g. 颜色=黑色, 尺码=XL
    price: Decimal  # wholesale price CNY
    consign_price: Decimal  # 代发价 CNY (dropship price)
    stock: int  # amountOnSale
    image_url: str = ""


@dataclass
class Offer:
    offer_id: int
    supplier_member_id: str
    category: str  # category code, e.g. "phone_case"
    category_name_zh: str
    subject: str  # Chinese title
    subject_trans: str  # English title
    min_order_quantity: int
    price_tiers: list[PriceTier]
    attributes: list[Attribute]  # includes 材质 (material); may disagree with the real material
    weight_g: int
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    specs: list[Spec]
    status: str = "published"  # published | deleted
    real_material: str | None = None  # hidden truth for the 硅胶-vs-PVC case; never in API replies
    category_id: int = 0  # 1688 category id
    image_url: str = ""

    def spec(self, spec_id: str) -> Spec | None:
        return next((spec for spec in self.specs if spec.spec_id == spec_id), None)


@dataclass
class Catalog:
    clusters: dict[str, Cluster] = field(default_factory=dict)
    suppliers: dict[str, Supplier] = field(default_factory=dict)
    offers: dict[int, Offer] = field(default_factory=dict)

    def supplier_of(self, offer: Offer) -> Supplier:
        return self.suppliers[offer.supplier_member_id]


# ---------------------------------------------------------------------------------------------
# Generation. Every draw comes from the one ``rng`` handed in, in a fixed order, so a seed always
# gives the same catalog.

SUPPLIERS_PER_CLUSTER = (4, 6)
OFFERS_PER_SUPPLIER = (7, 10)
MAX_SPECS_PER_OFFER = 96
DELETED_SHARE = 0.02
MIN_DELETED_OFFERS = 3
MIN_NO_RELATION_SUPPLIERS = 2
MIN_SILICONE_PVC_CASES = 3
CENT = Decimal("0.01")
MILL = Decimal("0.001")
LOGIN_SUFFIXES = ("", "88", "666", "2016", "2018", "2020")


def build_catalog(rng: random.Random) -> Catalog:
    """At least 300 offers from at least 40 suppliers in 12 real industrial clusters."""
    catalog = Catalog()
    ids = _Ids(rng)
    for vocab in CLUSTERS:
        catalog.clusters[vocab.code] = Cluster(
            vocab.code, vocab.name_zh, vocab.province, vocab.city, vocab.categories
        )
    for vocab in CLUSTERS:
        for index in range(rng.randint(*SUPPLIERS_PER_CLUSTER)):
            # The n-th supplier of a cluster starts from its n-th specialty, so every specialty
            # (the sub-fen small goods included) is in every world.
            primary = vocab.categories[index % len(vocab.categories)]
            others = [code for code in vocab.categories if code != primary]
            categories = [primary, *rng.sample(others, k=min(len(others), rng.randint(0, 2)))]
            supplier = _make_supplier(rng, vocab, ids)
            catalog.suppliers[supplier.member_id] = supplier
            for _ in range(rng.randint(*OFFERS_PER_SUPPLIER)):
                category = CATEGORIES_BY_CODE[rng.choice(categories)]
                offer = _make_offer(rng, supplier, vocab, category, ids)
                catalog.offers[offer.offer_id] = offer
    _ensure_failure_cases(rng, catalog, ids)
    return catalog


class _Ids:
    """Unique ids in 1688's formats, drawn from the catalog stream."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._taken: set[object] = set()

    def _unique(self, make: Callable[[], _T]) -> _T:
        while True:
            value = make()
            if value not in self._taken:
                self._taken.add(value)
                return value

    def member_id(self) -> str:
        return self._unique(lambda: f"b2b-22{self._rng.randrange(10**11):011d}")

    def offer_id(self) -> int:
        return self._unique(lambda: self._rng.randrange(520_000_000_000, 800_000_000_000))

    def sku_id(self) -> int:
        return self._unique(lambda: self._rng.randrange(4_000_000_000_000, 5_999_999_999_999))

    def spec_id(self) -> str:
        return self._unique(lambda: f"{self._rng.getrandbits(128):032x}")

    def name(self, make: Callable[[], str]) -> str:
        return self._unique(make)

    def claim(self, value: str) -> bool:
        """Takes ``value`` if it is free; False if it was taken already."""
        if value in self._taken:
            return False
        self._taken.add(value)
        return True

    def image_url(self) -> str:
        return f"https://cbu01.alicdn.com/img/ibank/O1CN01{self._rng.getrandbits(64):016x}_!!0-0-cib.jpg"


_T = TypeVar("_T")


def _chance(rng: random.Random, share: float) -> bool:
    return rng.random() < share


def _make_supplier(rng: random.Random, vocab: ClusterVocab, ids: _Ids) -> Supplier:
    member_id = ids.member_id()
    trade = rng.choice(vocab.trades)
    suffix = rng.choice(COMPANY_SUFFIXES)
    while True:
        brand = "".join(rng.sample(NAME_CHARACTERS, 2))
        company = f"{vocab.company_prefix}{brand}{trade}{suffix}"
        if ids.claim(company):
            break
    pinyin = "".join(NAME_PINYIN[char] for char in brand)
    login = ids.name(lambda: f"{pinyin}{vocab.pinyin}{rng.choice(LOGIN_SUFFIXES)}")
    super_factory = _chance(rng, 0.25)
    trust_years = rng.randint(1, 15) if _chance(rng, 0.88) or super_factory else 0
    cross_border = _chance(rng, 0.45)
    carriers = rng.sample([carrier.code for carrier in APPROVED], k=rng.randint(1, 3))
    if _chance(rng, 0.2):
        carriers.append("LOCAL_FORWARDER" if vocab.code == "yiwu" else "FOURPX_ECONOMY_UNREG")
    return Supplier(
        member_id=member_id,
        login_id=login,
        company_name=company,
        cluster_code=vocab.code,
        trust_pass_years=trust_years,
        super_factory=super_factory,
        dropship=_chance(rng, 0.7),
        cross_border=cross_border,
        english_customs_docs=cross_border and _chance(rng, 0.7),
        iso9001=_chance(rng, 0.7 if super_factory else 0.2),
        free_sample=_chance(rng, 0.35),
        custom_moq=rng.choice((10, 20, 30, 50, 100, 200, 500, 1000)) if _chance(rng, 0.6) else None,
        credit_guarantee=_chance(rng, 0.6),
        carrier_codes=tuple(carriers),
        dropship_relation=not _chance(rng, 0.05),
        excluded_provinces=REMOTE_PROVINCES if _chance(rng, 0.3) else (),
    )


def _random_price(rng: random.Random, low: Decimal, high: Decimal, quantum: Decimal) -> Decimal:
    fraction = Decimal(rng.randrange(10_000)) / Decimal(10_000)
    return max(quantum, (low + (high - low) * fraction).quantize(quantum, ROUND_HALF_UP))


def _price_tiers(
    rng: random.Random, base: Decimal, starts: tuple[int, ...], quantum: Decimal
) -> list[PriceTier]:
    tiers = [PriceTier(starts[0], base)]
    for start in starts[1:]:
        discount = Decimal(rng.randint(5, 15)) / 100
        price = (tiers[-1].price * (1 - discount)).quantize(quantum, ROUND_HALF_UP)
        price = min(price, tiers[-1].price - quantum)
        if price <= 0:
            break
        tiers.append(PriceTier(start, price))
    return tiers


def _make_offer(
    rng: random.Random,
    supplier: Supplier,
    cluster: ClusterVocab,
    category: CategoryVocab,
    ids: _Ids,
    *,
    offer_id: int | None = None,
    material: Material | None = None,
    real_material: str | None = None,
) -> Offer:
    material = material or rng.choice(category.materials)
    if real_material is None and material.real and _chance(rng, material.real_share):
        real_material = material.real
    prefix, prefix_en = rng.choice(PREFIXES)
    title, title_en = rng.choice(category.titles)
    quantum = MILL if category.sub_fen else CENT
    base = _random_price(rng, *category.price, quantum)
    tiers = _price_tiers(rng, base, rng.choice(category.tier_starts), quantum)
    attributes = [Attribute("材质", material.value, material.value_trans)]
    for name, values in (*category.extra_attributes, *EXTRA_COMMON_ATTRIBUTES):
        value, trans = rng.choice(values)
        attributes.append(Attribute(name, value, trans))
    attributes.append(Attribute("产地", cluster.city, ""))
    attributes.append(
        Attribute(
            "是否跨境出口专供货源",
            "是" if supplier.cross_border else "否",
            "yes" if supplier.cross_border else "no",
        )
    )
    # Packages are listed longest side first.
    length, width, height = sorted(
        (Decimal(rng.randint(low * 10, high * 10)) / 10 for low, high in category.size_cm), reverse=True
    )
    return Offer(
        offer_id=offer_id or ids.offer_id(),
        supplier_member_id=supplier.member_id,
        category=category.code,
        category_name_zh=category.name_zh,
        subject=title.format(p=prefix, mat=material.value),
        subject_trans=title_en.format(p_en=prefix_en, mat_en=material.value_trans),
        min_order_quantity=tiers[0].min_quantity,
        price_tiers=tiers,
        attributes=attributes,
        weight_g=rng.randint(*category.weight_g),
        length_cm=length,
        width_cm=width,
        height_cm=height,
        specs=_make_specs(rng, category, base, quantum, ids),
        status="deleted" if _chance(rng, DELETED_SHARE) else "published",
        real_material=real_material,
        category_id=category.category_id,
        image_url=ids.image_url(),
    )


def _make_specs(
    rng: random.Random, category: CategoryVocab, base: Decimal, quantum: Decimal, ids: _Ids
) -> list[Spec]:
    # Per axis: the chosen values in the vocabulary's order with their price step.
    chosen: list[list[tuple[Pair, Decimal]]] = []
    for axis in category.axes:
        count = min(len(axis.values), rng.randint(*axis.pick))
        positions = sorted(rng.sample(range(len(axis.values)), count))
        chosen.append([(axis.values[pos], axis.price_step * rank) for rank, pos in enumerate(positions)])
    specs: list[Spec] = []
    for combination in itertools.islice(itertools.product(*chosen), MAX_SPECS_PER_OFFER):
        price = base + sum((step for _, step in combination), Decimal(0))
        markup = Decimal(100 + rng.randint(3, 20)) / 100
        consign = max((price * markup).quantize(CENT, ROUND_UP), price.quantize(CENT, ROUND_UP))
        stock = 0 if _chance(rng, 0.06) else rng.randint(20, 20_000) * (100 if category.sub_fen else 1)
        specs.append(
            Spec(
                sku_id=ids.sku_id(),
                spec_id=ids.spec_id(),
                attributes=[
                    Attribute(axis.name, value, trans)
                    for axis, ((value, trans), _) in zip(category.axes, combination, strict=True)
                ],
                price=price.quantize(quantum),
                consign_price=consign,
                stock=stock,
                image_url=ids.image_url(),
            )
        )
    return specs


def _ensure_failure_cases(rng: random.Random, catalog: Catalog, ids: _Ids) -> None:
    """Whatever the seed, the world holds the cases the product must handle."""
    offers = list(catalog.offers.values())
    deleted = [offer for offer in offers if offer.status == "deleted"]
    published = [offer for offer in offers if offer.status == "published"]
    for offer in rng.sample(published, max(0, MIN_DELETED_OFFERS - len(deleted))):
        offer.status = "deleted"
    suppliers = list(catalog.suppliers.values())
    unrelated = [supplier for supplier in suppliers if not supplier.dropship_relation]
    for supplier in rng.sample(
        [s for s in suppliers if s.dropship_relation], max(0, MIN_NO_RELATION_SUPPLIERS - len(unrelated))
    ):
        supplier.dropship_relation = False
    # The guide's case: phone cases sold as 硅胶 that are really PVC.
    cases = [offer for offer in offers if offer.category == "phone_case" and offer.status == "published"]
    mislabelled = [offer for offer in cases if offer.real_material == "PVC"]
    silicone = next(m for m in CATEGORIES_BY_CODE["phone_case"].materials if m.value == "硅胶")
    clusters = {vocab.code: vocab for vocab in CLUSTERS}
    for offer in rng.sample(
        [o for o in cases if o.real_material is None], max(0, MIN_SILICONE_PVC_CASES - len(mislabelled))
    ):
        supplier = catalog.suppliers[offer.supplier_member_id]
        replacement = _make_offer(
            rng,
            supplier,
            clusters[supplier.cluster_code],
            CATEGORIES_BY_CODE["phone_case"],
            ids,
            offer_id=offer.offer_id,
            material=silicone,
            real_material="PVC",
        )
        replacement.status = "published"
        catalog.offers[offer.offer_id] = replacement
