"""The UI's two languages: zh-CN first, English second.

Every string a page shows goes through ``translate``; a key missing in either language is a bug
that the i18n test catches.
"""

from __future__ import annotations

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

MESSAGES: dict[str, dict[str, str]] = {
    "app.title": {"zh-CN": "跨境 kuajing", "en": "kuajing 跨境"},
    "app.tagline": {"zh-CN": "1688 采购 · 速卖通销售", "en": "Source on 1688 · sell on AliExpress"},
    "nav.dashboard": {"zh-CN": "工作台", "en": "Dashboard"},
    "nav.catalog": {"zh-CN": "1688 货源", "en": "1688 catalog"},
    "nav.language": {"zh-CN": "English", "en": "中文"},
    "dashboard.stores": {"zh-CN": "速卖通店铺", "en": "AliExpress stores"},
    "dashboard.no_stores": {
        "zh-CN": "还没有店铺。运行 `kuajing stores add-aliexpress` 或 `make demo`。",
        "en": "No stores yet. Run `kuajing stores add-aliexpress` or `make demo`.",
    },
    "dashboard.latest_orders": {"zh-CN": "最新订单", "en": "Latest orders"},
    "dashboard.orders_in_window": {"zh-CN": "近 {days} 天订单数", "en": "Orders in the last {days} days"},
    "dashboard.carriers": {"zh-CN": "速卖通认可物流", "en": "AliExpress approved carriers"},
    "dashboard.read_live": {
        "zh-CN": "以下数据通过开放平台接口实时读取。",
        "en": "Everything below is read live through the open APIs.",
    },
    "order.id": {"zh-CN": "订单号", "en": "Order"},
    "order.status": {"zh-CN": "状态", "en": "Status"},
    "order.paid_at": {"zh-CN": "付款时间", "en": "Paid"},
    "order.amount": {"zh-CN": "金额", "en": "Amount"},
    "order.lines": {"zh-CN": "商品 (SKU × 数量)", "en": "Items (SKU × qty)"},
    "order.ship_by": {"zh-CN": "剩余发货时间", "en": "Left to ship"},
    "carrier.service": {"zh-CN": "物流服务", "en": "Service"},
    "carrier.name": {"zh-CN": "名称", "en": "Name"},
    "carrier.pattern": {"zh-CN": "单号规则", "en": "Tracking-number pattern"},
    "catalog.title": {"zh-CN": "1688 货源(跨境代发接口)", "en": "1688 catalog (cross-border dropship API)"},
    "catalog.offer": {"zh-CN": "商品", "en": "Offer"},
    "catalog.supplier": {"zh-CN": "供应商", "en": "Supplier"},
    "catalog.cluster": {"zh-CN": "产业带", "en": "Cluster"},
    "catalog.flags": {"zh-CN": "资质", "en": "Flags"},
    "catalog.price_tiers": {"zh-CN": "阶梯价 (¥)", "en": "Price tiers (¥)"},
    "catalog.dropship_price": {"zh-CN": "代发价 (¥)", "en": "Dropship price (¥)"},
    "catalog.specs": {"zh-CN": "规格数", "en": "Specs"},
    "catalog.material": {"zh-CN": "材质", "en": "Material"},
    "catalog.no_account": {
        "zh-CN": "还没有 1688 采购账号。运行 `kuajing stores add-1688` 或 `make demo`。",
        "en": "No 1688 buyer account yet. Run `kuajing stores add-1688` or `make demo`.",
    },
    "catalog.prev": {"zh-CN": "上一页", "en": "Previous"},
    "catalog.next": {"zh-CN": "下一页", "en": "Next"},
    "flag.trust_pass": {"zh-CN": "诚信通", "en": "TrustPass"},
    "flag.super_factory": {"zh-CN": "超级工厂", "en": "Super factory"},
    "flag.dropship": {"zh-CN": "一件代发", "en": "Dropship"},
    "flag.cross_border": {"zh-CN": "跨境专供", "en": "Cross-border"},
    "flag.iso9001": {"zh-CN": "ISO9001", "en": "ISO9001"},
    "flag.free_sample": {"zh-CN": "免费打样", "en": "Free samples"},
    "flag.custom_friendly": {"zh-CN": "定制起订≤50", "en": "Custom MOQ ≤ 50"},
    "error.title": {"zh-CN": "出错了", "en": "Something went wrong"},
    "error.platform": {"zh-CN": "平台接口返回错误", "en": "The platform returned an error"},
}


def normalise(language: str | None) -> str:
    if language and language.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def translate(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    try:
        text = MESSAGES[key][normalise(language)]
    except KeyError as exc:
        raise KeyError(f"untranslated UI string {key!r} for {language}") from exc
    return text.format(**values) if values else text
