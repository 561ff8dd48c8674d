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
    # Orders, the exception queue (orders/routes.py) and SKU mapping rules (orders/rule_routes.py).
    "nav.orders": {"zh-CN": "订单", "en": "Orders"},
    "nav.exceptions": {"zh-CN": "异常队列", "en": "Exceptions"},
    "nav.rules": {"zh-CN": "SKU 映射", "en": "SKU mapping"},
    "orders.title": {"zh-CN": "速卖通订单", "en": "AliExpress orders"},
    "orders.all": {"zh-CN": "全部", "en": "All"},
    "orders.none": {
        "zh-CN": "没有订单。运行 `kuajing sync` 同步订单。",
        "en": "No orders. Run `kuajing sync` to sync them.",
    },
    "orders.total": {"zh-CN": "共 {count} 单", "en": "{count} orders"},
    "orders.store": {"zh-CN": "店铺", "en": "Store"},
    "orders.ae_status": {"zh-CN": "速卖通状态", "en": "AliExpress status"},
    "orders.state": {"zh-CN": "处理状态", "en": "Our state"},
    "orders.purchases": {"zh-CN": "1688 采购单", "en": "1688 purchases"},
    "orders.no_purchases": {"zh-CN": "还没有采购单。", "en": "No purchases yet."},
    "orders.summary": {"zh-CN": "概况", "en": "Summary"},
    "orders.buyer": {"zh-CN": "买家", "en": "Buyer"},
    "orders.address": {"zh-CN": "收货地址", "en": "Shipping address"},
    "orders.lines": {"zh-CN": "商品", "en": "Items"},
    "orders.line": {"zh-CN": "子订单", "en": "Line"},
    "orders.offer_spec": {"zh-CN": "1688 商品 / 规格", "en": "1688 offer / spec"},
    "orders.quantity": {"zh-CN": "数量 × 倍数", "en": "Qty × multiplier"},
    "orders.out_order_id": {"zh-CN": "外部单号", "en": "outOrderId"},
    "orders.alibaba_order_id": {"zh-CN": "1688 订单号", "en": "1688 order"},
    "orders.tracking": {"zh-CN": "运单号", "en": "Tracking"},
    "orders.carrier": {"zh-CN": "物流公司", "en": "Carrier"},
    "timeline.title": {"zh-CN": "处理记录", "en": "Timeline"},
    "timeline.when": {"zh-CN": "时间", "en": "When"},
    "timeline.what": {"zh-CN": "对象", "en": "What"},
    "timeline.change": {"zh-CN": "状态变化", "en": "Change"},
    "timeline.why": {"zh-CN": "原因", "en": "Why"},
    "timeline.who": {"zh-CN": "操作人", "en": "Who"},
    "timeline.entity.order": {"zh-CN": "订单", "en": "Order"},
    "timeline.entity.line": {"zh-CN": "子订单", "en": "Line"},
    "timeline.entity.purchase": {"zh-CN": "采购单", "en": "Purchase"},
    "timeline.entity.exception": {"zh-CN": "异常", "en": "Exception"},
    "timeline.entity.rule": {"zh-CN": "映射规则", "en": "Rule"},
    "exceptions.title": {"zh-CN": "异常队列", "en": "Exception queue"},
    "exceptions.all_reasons": {"zh-CN": "全部原因", "en": "All reasons"},
    "exceptions.empty": {
        "zh-CN": "队列是空的:没有待处理的异常。",
        "en": "The queue is empty: nothing to fix.",
    },
    "exceptions.results": {"zh-CN": "处理结果", "en": "Results"},
    "exceptions.select_all": {"zh-CN": "全选", "en": "Select all"},
    "exceptions.approve": {"zh-CN": "确认采购", "en": "Approve"},
    "exceptions.cancel": {"zh-CN": "取消不采购", "en": "Cancel (do not buy)"},
    "exceptions.cancel_confirm": {
        "zh-CN": "确定取消所选订单行?取消后不会再采购。",
        "en": "Cancel the selected lines? They will not be bought.",
    },
    "exceptions.approve_hint": {
        "zh-CN": "确认采购适用于供应商资质、价格变动、利润率和人工确认类异常。",
        "en": "Approve applies to supplier, price, margin and manual-approval reasons.",
    },
    "exceptions.reason": {"zh-CN": "原因", "en": "Reason"},
    "exceptions.message": {"zh-CN": "说明", "en": "Message"},
    "exceptions.fix": {"zh-CN": "处理", "en": "Fix"},
    "exceptions.opened": {"zh-CN": "发生时间", "en": "Opened"},
    "exceptions.add_mapping": {"zh-CN": "添加映射", "en": "Add mapping"},
    "exceptions.alternate": {"zh-CN": "换供应商", "en": "Alternate supplier"},
    "exceptions.alternate_submit": {"zh-CN": "改用此货源", "en": "Use this source"},
    "exceptions.open_for_order": {"zh-CN": "待处理的异常", "en": "Open exceptions"},
    "exceptions.go_to_queue": {"zh-CN": "去异常队列", "en": "Go to the exception queue"},
    "result.ok": {"zh-CN": "成功", "en": "done"},
    "result.failed": {"zh-CN": "未处理", "en": "not done"},
    "fix.add_mapping": {"zh-CN": "添加映射规则", "en": "Add a mapping rule"},
    "fix.approve_manual": {"zh-CN": "人工确认采购", "en": "Approve by hand"},
    "fix.pick_alternate_supplier": {"zh-CN": "换供应商", "en": "Pick another supplier"},
    "fix.cancel_order": {"zh-CN": "取消订单", "en": "Cancel the order"},
    "fix.fix_address": {"zh-CN": "补全地址", "en": "Complete the address"},
    "fix.create_warehouse_order": {"zh-CN": "创建物流订单", "en": "Create a logistics order"},
    "fix.ask_supplier_for_approved_carrier": {
        "zh-CN": "请供应商改用认可物流",
        "en": "Ask the supplier for an approved carrier",
    },
    "fix.retry_fulfil": {"zh-CN": "重新声明发货", "en": "Upload tracking again"},
    "fix.review_purchase": {"zh-CN": "核对采购单", "en": "Review the purchase"},
    "fix.update_cost": {"zh-CN": "更新映射成本", "en": "Update the mapping cost"},
    "rules.title": {"zh-CN": "SKU 映射规则", "en": "SKU mapping rules"},
    "rules.search": {"zh-CN": "按匹配内容搜索", "en": "Search patterns"},
    "rules.none": {"zh-CN": "还没有映射规则。", "en": "No mapping rules yet."},
    "rules.new": {"zh-CN": "新建映射规则", "en": "New mapping rule"},
    "rules.export": {"zh-CN": "导出 xlsx", "en": "Export xlsx"},
    "rules.import": {"zh-CN": "导入 xlsx", "en": "Import xlsx"},
    "rules.import_hint": {
        "zh-CN": "全部行无误才会导入;有错误时一行也不保存,并列出每个错误。",
        "en": "Rules are imported only if every row is valid; "
        "otherwise nothing is saved and every error is listed.",
    },
    "rules.import_failed": {
        "zh-CN": "{file} 有 {count} 处错误,未导入任何规则",
        "en": "{file} has {count} error(s); no rule was imported",
    },
    "rules.download_rejects": {"zh-CN": "下载错误清单 (xlsx)", "en": "Download the errors (xlsx)"},
    "rules.row": {"zh-CN": "行", "en": "Row"},
    "rules.column": {"zh-CN": "列", "en": "Column"},
    "rules.saved": {
        "zh-CN": "规则 #{id} 已保存,异常订单将在下一轮重新分配。",
        "en": "Rule #{id} saved; queued orders are routed again on the next pass.",
    },
    "rules.imported": {"zh-CN": "已导入 {count} 条规则。", "en": "{count} rule(s) imported."},
    "rules.kind": {"zh-CN": "类型", "en": "Kind"},
    "rules.kind.exact": {"zh-CN": "精确", "en": "Exact"},
    "rules.kind.prefix": {"zh-CN": "前缀", "en": "Prefix"},
    "rules.kind.regex": {"zh-CN": "正则", "en": "Regex"},
    "rules.pattern": {"zh-CN": "速卖通 SKU 编码 / 前缀 / 正则", "en": "AliExpress SKU code / prefix / regex"},
    "rules.pattern_hint": {
        "zh-CN": "精确:整个编码;前缀:其余部分为变体键;正则:整体匹配,捕获组为变体键。",
        "en": "Exact: the whole code; prefix: the rest is the variant key; "
        "regex: full match, groups are the key.",
    },
    "rules.offer_id": {"zh-CN": "1688 商品ID", "en": "1688 offer id"},
    "rules.spec_id": {"zh-CN": "规格ID", "en": "Spec id"},
    "rules.variant_map": {"zh-CN": "变体映射", "en": "Variant map"},
    "rules.variant_map_hint": {
        "zh-CN": "每项 键=规格ID,用分号或换行分隔;指定了规格ID时可留空。",
        "en": "key=spec pairs separated by semicolons or new lines; leave empty when a spec id is given.",
    },
    "rules.multiplier": {"zh-CN": "数量倍数", "en": "Multiplier"},
    "rules.priority": {"zh-CN": "优先级", "en": "Priority"},
    "rules.priority_hint": {"zh-CN": "数字越小越优先。", "en": "Lower numbers win."},
    "rules.unit_cost": {"zh-CN": "成本 (¥)", "en": "Unit cost (¥)"},
    "rules.enabled": {"zh-CN": "启用", "en": "Enabled"},
    "rules.note": {"zh-CN": "备注", "en": "Note"},
    "rules.all_stores": {"zh-CN": "所有店铺", "en": "Every store"},
    "rules.yes": {"zh-CN": "是", "en": "yes"},
    "rules.no": {"zh-CN": "否", "en": "no"},
    "rules.save": {"zh-CN": "保存", "en": "Save"},
    "rules.preview": {"zh-CN": "试运行", "en": "Test this rule"},
    "rules.has_problems": {
        "zh-CN": "规则有问题,请按提示修改。",
        "en": "The rule has problems; see each field.",
    },
    "rules.preview_title": {
        "zh-CN": "试运行:本店铺 {count} 个真实 SKU 编码",
        "en": "Test run against the store's {count} real SKU codes",
    },
    "rules.preview_mapped": {"zh-CN": "将映射 {count} 个", "en": "{count} would be mapped"},
    "rules.preview_unresolved": {
        "zh-CN": "{count} 个匹配但变体键未映射",
        "en": "{count} match, but their variant key is not mapped",
    },
    "rules.preview_shadowed": {
        "zh-CN": "{count} 个已被更高优先级的规则映射",
        "en": "{count} are taken by a higher-priority rule",
    },
    "rules.preview_unmatched": {"zh-CN": "{count} 个编码不匹配", "en": "{count} codes do not match"},
    "rules.ae_code": {"zh-CN": "速卖通 SKU", "en": "AliExpress SKU"},
    "rules.spec_attributes": {"zh-CN": "1688 规格属性", "en": "1688 spec attributes"},
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
