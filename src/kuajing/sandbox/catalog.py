"""The sandbox's 1688 catalog: industrial clusters, suppliers and their offers with specs.

Data classes here are the contract the AliExpress side (listings built from offers) and the
1688 protocol layer read; ``build_catalog`` generates a realistic, deterministic world from a
seeded random stream.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal


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

    def spec(self, spec_id: str) -> Spec | None:
        return next((spec for spec in self.specs if spec.spec_id == spec_id), None)


@dataclass
class Catalog:
    clusters: dict[str, Cluster] = field(default_factory=dict)
    suppliers: dict[str, Supplier] = field(default_factory=dict)
    offers: dict[int, Offer] = field(default_factory=dict)

    def supplier_of(self, offer: Offer) -> Supplier:
        return self.suppliers[offer.supplier_member_id]


def build_catalog(rng: random.Random) -> Catalog:
    """At least 300 offers from at least 40 suppliers in at least 8 clusters (filled in by the 1688 side)."""
    raise NotImplementedError
