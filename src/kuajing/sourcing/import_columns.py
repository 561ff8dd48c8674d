"""Which column of an offers file holds which field: the column-mapping step of the offer import.

Headers are matched on a normalised form (case, spaces, ``_``/``-`` and full-width brackets do not
matter) against each field's Chinese and English names and synonyms. Price tiers may sit in one
column (``阶梯价``: ``1-99:2.50;100-999:2.10;1000+:1.80``) or one column per tier, the range in the
header (``价格1-99``, ``price 1000+``, ``≥1000件``). A header that matches no field is ignored and
reported; two headers for one field are ambiguous. The user settles either with an explicit
mapping (``--map price=单价``), and that mapping is remembered by the file's header signature
(``signature``) so the next file with the same layout needs none.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kuajing.kit.importing import ImportProblem


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()
    level: str = "offer"  # offer | spec | supplier


FIELDS = (
    Field("offer_id", "商品ID", "offer_id", ("offerId", "货源ID", "1688商品ID", "offer", "商品编号", "id")),
    Field("title", "标题", "title", ("商品名称", "商品标题", "subject", "name", "名称")),
    Field("title_en", "英文标题", "title_en", ("英文名称", "english title", "subject_trans")),
    Field("category", "类目", "category", ("分类", "类别", "category_name")),
    Field("material", "材质", "material"),
    Field("hs_code", "HS编码", "hs_code", ("海关编码", "hs")),
    Field("price", "价格", "price", ("单价", "unit_price", "价格(元)", "单价(元)", "price(cny)")),
    Field("price_tiers", "阶梯价", "price_tiers", ("阶梯价格", "tiers", "price tiers")),
    Field("min_order_quantity", "起订量", "moq", ("min_order_quantity", "最小起订量", "起批量")),
    Field("weight_g", "重量(克)", "weight(g)", ("重量(g)", "weight_g", "毛重(克)", "毛重(g)")),
    Field("weight_kg", "重量(kg)", "weight(kg)", ("重量(千克)", "weight_kg", "毛重(kg)", "重量(公斤)")),
    Field("weight", "重量", "weight", ("毛重",)),
    Field("size", "尺寸", "size", ("尺寸(cm)", "size(cm)", "包装尺寸", "长x宽x高", "dimensions")),
    Field("spec_id", "规格ID", "spec_id", ("specId", "sku_id", "skuId", "规格编号")),
    Field("spec", "规格", "spec", ("规格属性", "spec_attributes", "sku", "属性"), "spec"),
    Field("consign_price", "代发价", "consign_price", ("一件代发价", "dropship_price", "代发价格"), "spec"),
    Field("stock", "库存", "stock", ("可售数量", "amount_on_sale", "inventory"), "spec"),
    Field(
        "supplier",
        "供应商",
        "supplier",
        ("公司名称", "供应商名称", "company", "company_name", "商家"),
        "supplier",
    ),
    Field(
        "supplier_id", "供应商ID", "supplier_id", ("member_id", "memberId", "会员ID", "卖家ID"), "supplier"
    ),
    Field("trust_pass", "诚信通", "trust_pass", ("trustpass",), "supplier"),
    Field("trust_pass_years", "诚信通年限", "trust_pass_years", ("诚信通年数",), "supplier"),
    Field("super_factory", "超级工厂", "super_factory", (), "supplier"),
    Field("dropship", "一件代发", "dropship", ("支持一件代发",), "supplier"),
    Field("cross_border", "跨境专供", "cross_border", (), "supplier"),
    Field("english_customs_docs", "支持英文报关单", "english_customs_docs", ("英文报关单",), "supplier"),
    Field("iso9001", "ISO9001", "iso9001", ("iso 9001",), "supplier"),
    Field("free_sample", "免费打样", "free_sample", (), "supplier"),
    Field("custom_moq", "定制起订量", "custom_moq", ("定制MOQ",), "supplier"),
    Field("credit_guarantee", "信用保障", "credit_guarantee", (), "supplier"),
    Field("province", "省份", "province", ("省",), "supplier"),
    Field("city", "城市", "city", ("市",), "supplier"),
    Field("cluster_name", "产业带", "cluster", ("cluster_name", "产业集群"), "supplier"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = ("offer_id", "title", "price", "supplier")  # price: or tiers, in one column or several
_WEIGHT_FIELDS = ("weight_g", "weight_kg", "weight")


def normalise(header: str) -> str:
    text = header.strip().replace("(", "(").replace(")", ")").replace("（", "(").replace("）", ")")
    return re.sub(r"[\s_\-]+", "", text).lower()


_KNOWN = {normalise(text): f.name for f in FIELDS for text in (f.name, f.zh, f.en, *f.synonyms)}
# 价格1-99 / price 100-999 / 阶梯价(1000+) / ≥1000件: one price tier per column.
_TIER_HEADER = re.compile(
    r"^(?:阶梯价|阶梯价格|价格|单价|price|tier)(?:≥|>=)?(\d+)(?:(?:~|至|到|–)(\d+)|\+|以上)?(?:件|pcs)?$"
    r"|^(?:≥|>=)(\d+)(?:件|pcs)?$"
)


def tier_start(header: str) -> int | None:
    """The first quantity of a one-tier-per-column header, or None when the header is not one."""
    text = re.sub(r"[\s_]+", "", header.strip().replace("（", "(").replace("）", ")")).lower()
    text = text.replace("-", "~").replace("(", "").replace(")", "")
    match = _TIER_HEADER.match(text)
    if match is None or not (match[1] or match[3]):
        return None
    return int(match[1] or match[3])


def signature(headers: Sequence[str]) -> str:
    """The layout's fingerprint: the normalised headers in order."""
    return hashlib.sha256("\x1f".join(normalise(h) for h in headers).encode()).hexdigest()


@dataclass(frozen=True)
class ColumnPlan:
    """Field → column index, the header as written per field, tier columns, the ignored headers."""

    positions: dict[str, int]
    headers: dict[str, str]
    tier_columns: tuple[tuple[int, int], ...] = ()  # (start quantity, column index), by start
    ignored: tuple[str, ...] = ()
    problems: tuple[ImportProblem, ...] = ()
    explicit: dict[str, str] = field(default_factory=dict)  # what to remember
    all_headers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def mapping(self) -> dict[str, str]:
        return dict(self.headers)


def _problem(file: str, column: str, zh: str, en: str) -> ImportProblem:
    return ImportProblem(file, 1, column, zh, en)


def plan_columns(
    headers: Sequence[str],
    file: str,
    explicit: Mapping[str, str] | None = None,
    remembered: Mapping[str, str] | None = None,
) -> ColumnPlan:
    """Match headers to fields: explicit mapping first, then the remembered one, then names."""
    written = [h.strip() for h in headers]
    index_of: dict[str, int] = {}
    for i, h in enumerate(written):
        index_of.setdefault(h, i)
    problems: list[ImportProblem] = []
    positions: dict[str, int] = {}
    chosen = dict(remembered or {})
    for name, header in (explicit or {}).items():
        if name not in FIELD_BY_NAME:
            names = ", ".join(FIELD_BY_NAME)
            problems.append(
                _problem(
                    file, header, f"未知字段 {name}(可用:{names})", f"unknown field {name} (known: {names})"
                )
            )
        elif header.strip() not in index_of:
            problems.append(
                _problem(file, header, f"文件中没有列 {header}", f"the file has no column {header!r}")
            )
        else:
            chosen[name] = header.strip()
    for name, header in chosen.items():
        if name in FIELD_BY_NAME and header in index_of:
            positions[name] = index_of[header]
    taken = set(positions.values())
    candidates: dict[str, list[int]] = {}
    tiers: list[tuple[int, int]] = []
    ignored: list[str] = []
    for i, header in enumerate(written):
        if i in taken or not header:
            continue
        known = _KNOWN.get(normalise(header))
        if known is not None:
            if known not in positions:
                candidates.setdefault(known, []).append(i)
        elif (start := tier_start(header)) is not None:
            tiers.append((start, i))
        else:
            ignored.append(header)
    for name, found in candidates.items():
        if len(found) > 1:
            both = "、".join(written[i] for i in found)
            problems.append(
                _problem(
                    file,
                    both,
                    f"列 {both} 都像是 {FIELD_BY_NAME[name].zh},请指定一个(--map {name}=列名)",
                    f"columns {both} all look like {name}; choose one (--map {name}=HEADER)",
                )
            )
        else:
            positions[name] = found[0]
    if len([f for f in _WEIGHT_FIELDS if f in positions]) > 1:
        problems.append(_problem(file, "重量 weight", "重量列重复", "more than one weight column"))
    tiers.sort()
    for name in REQUIRED:
        if name in positions or (name == "price" and ("price_tiers" in positions or tiers)):
            continue
        f = FIELD_BY_NAME[name]
        problems.append(
            _problem(
                file,
                f"{f.zh} {f.en}",
                f"缺少必填列 {f.zh}(或用 --map {name}=列名 指定)",
                f"required column {f.en} is missing (or map one: --map {name}=HEADER)",
            )
        )
    return ColumnPlan(
        positions=positions,
        headers={name: written[i] for name, i in positions.items()},
        tier_columns=tuple(tiers),
        ignored=tuple(ignored),
        problems=tuple(problems),
        explicit=dict(chosen),
        all_headers=tuple(written),
    )
