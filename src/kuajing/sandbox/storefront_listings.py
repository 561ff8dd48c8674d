"""AliExpress stores and their listings, built deterministically from the 1688 catalog's offers.

Each listing is a published 1688 offer re-sold in USD; each listing SKU points at one 1688 spec
(and a quantity multiplier for bundles). That pointer is the sandbox's hidden truth: it is never
in an API reply, because working it out from the SKU code is the product's job (SKU mapping).

SKU-code conventions differ by store so the product's mapping rules get exercised:
- store 1: mostly ``AE-<offer_id>-<variant>`` (prefix rules); some regex-friendly codes such as
  ``PC-IP15-BLK-TPU``; a few bundles ending ``-2P``/``-3P``; a few random 8-character codes;
- store 2 and later: ``<CATEGORY>-<spec id prefix>``, also with a few bundles and random codes.
"""

from __future__ import annotations

import random
import string
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from kuajing.sandbox.catalog import Catalog, Offer, Spec
from kuajing.sandbox.credentials import SandboxCredentials

# A fixed demo rate: listings are priced once, when the world is built.
DEMO_FX_CNY_PER_USD = Decimal("7.10")
STORE_COUNT = 2
LISTINGS_PER_STORE = 80
MIN_LISTINGS_PER_STORE = 60
STORE_NAMES = ("Kuajing Phone & Gadget Store", "Kuajing Home Living Store", "Kuajing Outlet Store")
FIRST_PRODUCT_ID = 1005006000000000

# AliExpress's own property ids for the attributes 1688 specs carry most often.
_PROPERTY_IDS = {
    "颜色": 14,
    "尺码": 5,
    "尺寸": 5,
    "型号": 200000828,
    "适用型号": 200000828,
    "规格": 200000639,
}
_BUNDLE_PROPERTY_ID = 200007763
_CATEGORY_ABBREVIATIONS = {
    "phone_case": "PC",
    "charging_cable": "CC",
    "earbuds": "EB",
    "power_bank": "PB",
    "phone_holder": "PH",
    "hair_tie": "HT",
    "hair_clip": "HC",
    "sticker": "ST",
    "christmas_decor": "XD",
    "kitchen_tool": "KT",
    "makeup_brush": "MB",
    "lip_gloss": "LG",
    "dress": "DR",
    "tshirt": "TS",
    "sneakers": "SN",
    "leather_shoes": "LS",
    "sunglasses": "SG",
    "sportswear": "SW",
    "plush_toy": "PT",
    "rc_car": "RC",
    "building_blocks": "BB",
    "storage_box": "SB",
    "thermos": "TH",
    "screwdriver_set": "SD",
    "cutlery": "CU",
    "kitchen_knife": "KK",
    "stage_costume": "SC",
    "hanfu": "HF",
}
# How sellers shorten common values in their own codes.
_VALUE_TOKENS = {
    "black": "BLK",
    "white": "WHT",
    "red": "RED",
    "blue": "BLU",
    "sky blue": "SKY",
    "navy": "NVY",
    "pink": "PNK",
    "purple": "PRP",
    "green": "GRN",
    "mint green": "MNT",
    "yellow": "YLW",
    "grey": "GRY",
    "gray": "GRY",
    "khaki": "KHK",
    "beige": "BGE",
    "gold": "GLD",
    "rose gold": "RSG",
    "silver": "SLV",
    "brown": "BRN",
    "burgundy": "BUR",
    "cream": "CRM",
    "clear": "CLR",
    "transparent": "CLR",
    "mixed": "MIX",
    "silicone": "SIL",
    "tpu": "TPU",
    "pc": "PC",
    "alloy": "ALY",
    "zinc alloy": "ALY",
    "pu leather": "PU",
    "stainless steel": "SS",
    "plastic": "PLA",
    "abs": "ABS",
    "cotton": "COT",
    "polyester": "PES",
}
_PHONE_WORDS = {
    "iphone": "IP",
    "samsung": "",
    "huawei": "",
    "xiaomi": "MI",
    "oppo": "",
    "vivo": "V",
    "pro": "P",
    "max": "M",
    "ultra": "U",
    "plus": "PL",
    "mini": "MN",
}


@dataclass(frozen=True)
class SkuProperty:
    sku_property_id: int
    property_value_id: int
    property_value_definition_name: str


@dataclass
class ListingSku:
    id: str  # AliExpress sku id, e.g. "14:10023;5:10045"
    sku_code: str  # the seller's own code: what the product maps to a 1688 spec
    sku_price: Decimal  # USD
    sku_stock: int
    properties: list[SkuProperty]
    # Hidden truth, for tests only; never in an API reply.
    offer_id: int
    spec_id: str
    multiplier: int = 1  # a "-2P" bundle sells two pieces of the spec


@dataclass
class Listing:
    product_id: int
    store_number: int
    subject: str  # English, from the offer's subject_trans
    category_id: int
    price: Decimal  # USD, the lowest SKU price
    gross_weight: Decimal  # kg
    package_length: int  # cm
    package_width: int
    package_height: int
    skus: list[ListingSku]
    handling_days: int  # days the seller has to ship after payment
    # Hidden truth.
    offer_id: int
    supplier_member_id: str
    currency_code: str = "USD"

    def sku(self, sku_code: str) -> ListingSku | None:
        return next((sku for sku in self.skus if sku.sku_code == sku_code), None)


@dataclass
class Store:
    number: int  # 1, 2, …
    seller_id: str  # AliExpress seller (user) id, digits
    name: str
    access_token: str  # the configured token that never expires
    listings: dict[int, Listing] = field(default_factory=dict)

    @property
    def auth_code(self) -> str:
        """The code ``/auth/token/create`` accepts (once) for this seller."""
        return f"code-{self.seller_id}"

    def listing_list(self) -> list[Listing]:
        return list(self.listings.values())


def build_stores(catalog: Catalog, credentials: SandboxCredentials, rng: random.Random) -> list[Store]:
    offers = sorted(
        (offer for offer in catalog.offers.values() if offer.status == "published" and offer.specs),
        key=lambda offer: offer.offer_id,
    )
    if not offers:
        raise ValueError("the catalog has no published offers with specs to list")
    stores: list[Store] = []
    next_product_id = FIRST_PRODUCT_ID
    for number in range(1, STORE_COUNT + 1):
        seller_id = str(2200000000 + number * 1000 + rng.randrange(1000))
        store = Store(number, seller_id, STORE_NAMES[number - 1], credentials.ae_store_token(number))
        chosen = rng.sample(offers, min(LISTINGS_PER_STORE, len(offers)))
        chosen.sort(key=lambda offer: offer.offer_id)
        codes = _CodeBook(number, rng)
        for offer in chosen:
            next_product_id += rng.randrange(1, 5000)
            listing = _build_listing(next_product_id, number, offer, codes, rng)
            store.listings[listing.product_id] = listing
        stores.append(store)
    return stores


def _build_listing(
    product_id: int, store_number: int, offer: Offer, codes: _CodeBook, rng: random.Random
) -> Listing:
    markup = rng.choice((Decimal("2.2"), Decimal("2.5"), Decimal("2.8"), Decimal("3.1"), Decimal("3.4")))
    style = codes.draw_style()
    skus: list[ListingSku] = []
    for index, spec in enumerate(offer.specs, start=1):
        price = _usd_price(spec.consign_price * markup)
        code = codes.code_for(style, offer, spec, index)
        skus.append(
            ListingSku(
                _sku_id(spec),
                code,
                price,
                min(spec.stock, 999),
                _properties(spec),
                offer.offer_id,
                spec.spec_id,
            )
        )
    if style in ("prefix", "category") and rng.random() < 0.12:
        base = skus[0]
        multiplier = rng.choice((2, 3))
        spec = offer.specs[0]
        skus.append(
            ListingSku(
                f"{base.id};{_BUNDLE_PROPERTY_ID}:{multiplier}",
                f"{base.sku_code}-{multiplier}P",
                _usd_price(spec.consign_price * markup * multiplier * Decimal("0.92")),
                min(spec.stock // multiplier, 999),
                [*base.properties, SkuProperty(_BUNDLE_PROPERTY_ID, multiplier, f"{multiplier} pcs")],
                offer.offer_id,
                spec.spec_id,
                multiplier,
            )
        )
    # Packed weight and carton: the 1688 figures plus some packaging, whole centimetres.
    weight = (Decimal(offer.weight_g) / 1000 + Decimal("0.020")).quantize(Decimal("0.001"))
    return Listing(
        product_id=product_id,
        store_number=store_number,
        subject=offer.subject_trans,
        category_id=_category_id(offer.category),
        price=min(sku.sku_price for sku in skus),
        gross_weight=weight,
        package_length=_whole_cm(offer.length_cm),
        package_width=_whole_cm(offer.width_cm),
        package_height=_whole_cm(offer.height_cm),
        skus=skus,
        handling_days=rng.randint(3, 7),
        offer_id=offer.offer_id,
        supplier_member_id=offer.supplier_member_id,
    )


class _CodeBook:
    """Hands out a store's SKU codes in its convention, never the same code twice."""

    def __init__(self, store_number: int, rng: random.Random) -> None:
        self.store_number = store_number
        self._rng = rng
        self._used: set[str] = set()
        self._lines: dict[str, int] = {}
        self._line_tags: dict[int, str] = {}

    def draw_style(self) -> str:
        roll = self._rng.random()
        if roll < 0.06:
            return "random"
        if self.store_number == 1:
            return "pattern" if roll < 0.24 else "prefix"
        return "category"

    def code_for(self, style: str, offer: Offer, spec: Spec, index: int) -> str:
        if style == "random":
            code = "".join(self._rng.choice(string.ascii_uppercase + string.digits) for _ in range(8))
        elif style == "pattern":
            code = self._pattern_code(offer, spec)
        elif style == "category":
            code = f"{_category_abbreviation(offer.category)}-{spec.spec_id[:6].upper()}"
        else:
            code = f"AE-{offer.offer_id}-{index}"
        if code in self._used:
            code = f"{code}-V{index}"
        self._used.add(code)
        return code

    def _pattern_code(self, offer: Offer, spec: Spec) -> str:
        """``PC-IP15-BLK-TPU``: category, the spec's values (model first), the product line's tag.

        The tag is the material, numbered from the second line of the same category and material
        on (``TPU``, ``TPU2``), so one regex rule per line maps its codes to exactly one offer.
        """
        category = _category_abbreviation(offer.category)
        ordered = sorted(spec.attributes, key=lambda attribute: attribute.name != "适用型号")
        values = [_value_token(attribute.value_trans) for attribute in ordered[:2]]
        return "-".join(part for part in (category, *values, self._line_tag(category, offer)) if part)

    def _line_tag(self, category: str, offer: Offer) -> str:
        if offer.offer_id not in self._line_tags:
            material = next((a.value_trans for a in offer.attributes if a.name == "材质"), "")
            base = _value_token(material) if material else "GEN"
            count = self._lines[f"{category}-{base}"] = self._lines.get(f"{category}-{base}", 0) + 1
            self._line_tags[offer.offer_id] = base if count == 1 else f"{base}{count}"
        return self._line_tags[offer.offer_id]


def _value_token(text: str) -> str:
    """A seller's short form of a value: ``black`` → BLK, ``iPhone 15 Pro`` → IP15P, ``EU 42`` → EU42."""
    known = _VALUE_TOKENS.get(text.lower())
    if known:
        return known
    words = text.lower().replace("-", " ").split()
    if words and words[0] in ("iphone", "samsung", "huawei", "xiaomi", "oppo", "vivo"):
        return "".join(_PHONE_WORDS.get(word, word.upper()) for word in words)
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(letters) <= 8:
        return letters
    return (letters[0] + "".join(ch for ch in letters[1:] if ch not in "AEIOU"))[:4]


def _category_abbreviation(category: str) -> str:
    known = _CATEGORY_ABBREVIATIONS.get(category)
    if known:
        return known
    words = [word for word in category.replace("-", "_").split("_") if word]
    return "".join(word[0] for word in words).upper() if len(words) > 1 else category[:4].upper()


def _category_id(category: str) -> int:
    # AliExpress leaf categories are 9-digit ids; a stable hash keeps them fixed across runs.
    return 200000000 + zlib.crc32(category.encode()) % 1000000


def _sku_id(spec: Spec) -> str:
    parts = [f"{_PROPERTY_IDS.get(a.name, 200000639)}:{_value_id(a.value_trans)}" for a in spec.attributes]
    return ";".join(parts) or f"0:{spec.sku_id}"


def _properties(spec: Spec) -> list[SkuProperty]:
    return [
        SkuProperty(_PROPERTY_IDS.get(a.name, 200000639), _value_id(a.value_trans), a.value_trans)
        for a in spec.attributes
    ]


def _value_id(value: str) -> int:
    return 100000 + zlib.crc32(value.encode()) % 900000


def _usd_price(cny: Decimal) -> Decimal:
    """CNY → USD at the demo rate, plus the free-shipping share, ending in .x9 as sellers price."""
    usd = cny / DEMO_FX_CNY_PER_USD + Decimal("1.50")
    return usd.quantize(Decimal("0.1"), rounding=ROUND_CEILING) - Decimal("0.01")


def _whole_cm(length: Decimal) -> int:
    return max(1, int(length.to_integral_value(rounding=ROUND_CEILING)))
