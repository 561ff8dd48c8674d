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
    # Logistics: the landed-cost calculator and the rate cards in force (logistics/routes.py).
    "nav.logistics": {"zh-CN": "运费试算", "en": "Landed cost"},
    "logistics.quote.title": {"zh-CN": "运费与落地成本试算", "en": "Landed-cost calculator"},
    "logistics.quote.intro": {
        "zh-CN": "填入 1688 单价和包裹信息,比较每条线路的运费、关税、增值税、平台佣金与预期成本。",
        "en": "Enter the 1688 unit price and the parcel to compare freight, duty, VAT, "
        "commission and expected cost on every line.",
    },
    "logistics.field.goods_cny": {"zh-CN": "1688 单价 (¥)", "en": "1688 unit price (¥)"},
    "logistics.field.quantity": {"zh-CN": "件数", "en": "Pieces"},
    "logistics.field.weight_g": {"zh-CN": "包裹毛重 (g)", "en": "Parcel gross weight (g)"},
    "logistics.field.size_cm": {"zh-CN": "包裹尺寸 长×宽×高 (cm)", "en": "Parcel size L×W×H (cm)"},
    "logistics.field.hs_codes": {"zh-CN": "HS 编码", "en": "HS codes"},
    "logistics.field.hs_hint": {
        "zh-CN": "每种商品一个,逗号分隔",
        "en": "one per distinct item, separated by commas",
    },
    "logistics.field.country": {"zh-CN": "目的国", "en": "Destination"},
    "logistics.field.date": {"zh-CN": "订单日期", "en": "Order date"},
    "logistics.field.line": {"zh-CN": "线路", "en": "Line"},
    "logistics.field.all_lines": {"zh-CN": "全部线路", "en": "All lines"},
    "logistics.field.price_usd": {
        "zh-CN": "速卖通售价 (US$,不含增值税)",
        "en": "AliExpress price (US$, without VAT)",
    },
    "logistics.field.price_hint": {
        "zh-CN": "留空则按目标利润率 {margin} 定价",
        "en": "leave empty to price for the {margin} target margin",
    },
    "logistics.field.category": {"zh-CN": "佣金类目", "en": "Commission category"},
    "logistics.field.default_category": {"zh-CN": "默认类目", "en": "Default category"},
    "logistics.field.dropship": {"zh-CN": "发货方式", "en": "Shipping from"},
    "logistics.field.dropship_yes": {"zh-CN": "一件代发(供应商直发)", "en": "Dropship (the supplier ships)"},
    "logistics.field.dropship_no": {"zh-CN": "备货(含国内运费)", "en": "Bulk buy (domestic freight)"},
    "logistics.field.special": {"zh-CN": "特殊货物", "en": "Special goods"},
    "logistics.special.battery": {"zh-CN": "带电", "en": "Battery"},
    "logistics.special.liquid": {"zh-CN": "液体", "en": "Liquid"},
    "logistics.special.magnetic": {"zh-CN": "带磁", "en": "Magnetic"},
    "logistics.submit": {"zh-CN": "试算", "en": "Compare lines"},
    "logistics.has_problems": {
        "zh-CN": "输入有误,请按提示修改。",
        "en": "Some fields need fixing; see each field.",
    },
    "logistics.priced_for_margin": {
        "zh-CN": "所有线路按同一售价 {price} 比较:能达到目标利润率的最低售价。",
        "en": "Every line is compared at one price, {price}: the lowest that earns the target margin.",
    },
    "logistics.priced_given": {
        "zh-CN": "所有线路按您填写的售价 {price} 比较。",
        "en": "Every line is compared at your price, {price}.",
    },
    "logistics.col.line": {"zh-CN": "线路", "en": "Line"},
    "logistics.col.zone": {"zh-CN": "分区", "en": "Zone"},
    "logistics.col.chargeable": {"zh-CN": "计费重", "en": "Chargeable"},
    "logistics.col.freight": {"zh-CN": "国际运费", "en": "Freight"},
    "logistics.col.duty": {"zh-CN": "关税", "en": "Duty"},
    "logistics.col.vat": {"zh-CN": "增值税(征收方)", "en": "VAT (collected by)"},
    "logistics.col.commission": {"zh-CN": "平台佣金", "en": "Commission"},
    "logistics.col.total": {"zh-CN": "落地成本", "en": "Landed total"},
    "logistics.col.expected": {"zh-CN": "预期成本", "en": "Expected cost"},
    "logistics.col.margin": {"zh-CN": "利润率", "en": "Margin"},
    "logistics.col.transit": {"zh-CN": "时效(天)", "en": "Transit (days)"},
    "logistics.col.item": {"zh-CN": "项目", "en": "Item"},
    "logistics.col.amount": {"zh-CN": "原币金额", "en": "Amount"},
    "logistics.col.cny": {"zh-CN": "人民币", "en": "CNY"},
    "logistics.col.usd": {"zh-CN": "美元", "en": "USD"},
    "logistics.col.source": {"zh-CN": "来源", "en": "Source"},
    "logistics.best": {"zh-CN": "最优", "en": "Best"},
    "logistics.risk": {"zh-CN": "清关风险 {amount}", "en": "clearance risk {amount}"},
    "logistics.volumetric": {
        "zh-CN": "实重 {actual} g,体积重 {volumetric} g",
        "en": "actual {actual} g, volumetric {volumetric} g",
    },
    "logistics.breakdown": {"zh-CN": "明细与来源", "en": "Breakdown and sources"},
    "logistics.not_in_total": {"zh-CN": "不计入成本", "en": "not a cost to you"},
    "logistics.badge.sample": {"zh-CN": "示例数据", "en": "Sample data"},
    "logistics.badge.sample_hint": {
        "zh-CN": "运价为示例值,不是公开运价;请导入您自己的运价表",
        "en": "Sample values, not a published card: import your own card",
    },
    "logistics.badge.to_confirm": {"zh-CN": "待确认", "en": "To confirm"},
    "logistics.badge.to_confirm_hint": {
        "zh-CN": "这条关税/增值税规则未能从官方来源确认",
        "en": "This duty/VAT rule could not be confirmed from a primary source",
    },
    "logistics.badge.user": {"zh-CN": "自行导入", "en": "Imported"},
    "logistics.vat_by.marketplace": {"zh-CN": "速卖通销售时代收", "en": "AliExpress, at sale"},
    "logistics.vat_by.customs": {"zh-CN": "进口时缴纳", "en": "customs, at import"},
    "logistics.vat_by.none": {"zh-CN": "无", "en": "none"},
    "logistics.refused.title": {"zh-CN": "无法承运的线路", "en": "Lines that cannot carry this parcel"},
    "logistics.refused.country_not_served": {"zh-CN": "不发往该国", "en": "does not serve this country"},
    "logistics.refused.too_heavy": {"zh-CN": "超重", "en": "too heavy"},
    "logistics.refused.too_long": {"zh-CN": "单边超长", "en": "a side is too long"},
    "logistics.refused.too_big": {"zh-CN": "三边和超限", "en": "too big (length + width + height)"},
    "logistics.refused.battery_not_accepted": {"zh-CN": "不收带电货物", "en": "no batteries"},
    "logistics.refused.liquid_not_accepted": {"zh-CN": "不收液体", "en": "no liquids"},
    "logistics.refused.magnetic_not_accepted": {"zh-CN": "不收带磁货物", "en": "no magnetic goods"},
    "logistics.refused.card_not_valid_on_date": {
        "zh-CN": "该日期运价表无效",
        "en": "no card in force that day",
    },
    "logistics.no_line": {"zh-CN": "没有线路能承运此包裹。", "en": "No line can carry this parcel."},
    "logistics.chart.title": {
        "zh-CN": "发往 {country} 的运费随重量变化",
        "en": "Freight to {country} by weight",
    },
    "logistics.chart.x": {"zh-CN": "重量 (g)", "en": "Weight (g)"},
    "logistics.chart.y": {"zh-CN": "运费 (¥)", "en": "Freight (¥)"},
    "logistics.chart.hint": {
        "zh-CN": "按实重计算(不含体积重),含所选特殊货物附加费;"
        "虚线为当前包裹重量,曲线中断表示该重量无法承运。",
        "en": "By actual weight (no volumetric), with the surcharges for the special goods chosen; "
        "the dashed line is this parcel, a gap means the line cannot carry that weight.",
    },
    "logistics.lines.title": {"zh-CN": "物流线路与运价表", "en": "Logistics lines and rate cards"},
    "logistics.lines.in_force": {"zh-CN": "{date} 生效的运价表", "en": "Rate cards in force on {date}"},
    "logistics.lines.show": {"zh-CN": "查看", "en": "Show"},
    "logistics.lines.link": {"zh-CN": "查看运价表", "en": "Rate cards"},
    "logistics.lines.none": {
        "zh-CN": "该日期没有生效的运价表。",
        "en": "No rate card is in force on that date.",
    },
    "logistics.col.kind": {"zh-CN": "类型", "en": "Kind"},
    "logistics.kind.official": {"zh-CN": "官方线路", "en": "Official"},
    "logistics.kind.forwarder": {"zh-CN": "货代", "en": "Forwarder"},
    "logistics.col.valid": {"zh-CN": "有效期", "en": "Valid"},
    "logistics.until_replaced": {"zh-CN": "至被替换", "en": "until replaced"},
    "logistics.col.countries": {"zh-CN": "国家", "en": "Countries"},
    "logistics.col.divisor": {"zh-CN": "体积重除数", "en": "Volumetric divisor"},
    "logistics.actual_only": {"zh-CN": "仅按实重", "en": "actual weight only"},
    "logistics.col.failure": {"zh-CN": "清关失败率", "en": "Clearance failures"},
    "logistics.col.max_weight": {"zh-CN": "限重", "en": "Max weight"},
    "logistics.quote_link": {"zh-CN": "试算", "en": "Quote"},
    "logistics.category.apparel": {"zh-CN": "服装", "en": "Apparel"},
    "logistics.category.phone_accessories": {"zh-CN": "手机配件", "en": "Phone accessories"},
    "logistics.category.electronics": {"zh-CN": "电子产品", "en": "Electronics"},
    "logistics.category.beauty": {"zh-CN": "美妆", "en": "Beauty"},
    "logistics.category.jewellery": {"zh-CN": "饰品", "en": "Jewellery"},
    "logistics.category.home": {"zh-CN": "家居", "en": "Home"},
    "logistics.category.toys": {"zh-CN": "玩具", "en": "Toys"},
    # Supplier scorecards (sourcing/supplier_routes.py).
    "nav.suppliers": {"zh-CN": "供应商", "en": "Suppliers"},
    "flag.auto_order": {"zh-CN": "可自动下单", "en": "Auto-order ready"},
    "flag.credit_guarantee": {"zh-CN": "信用保障", "en": "Credit guarantee"},
    "suppliers.title": {"zh-CN": "供应商评分", "en": "Supplier scorecards"},
    "suppliers.intro": {
        "zh-CN": "评分 = 实测履约记录与指南先验的加权(超级工厂 72 小时发货率 91.7%,普通 63.4%),"
        "加上诚信通、超级工厂、一件代发等资质。实测越多,先验占比越小。",
        "en": "The score blends measured history with the guide's priors (72-hour dispatch 91.7 % for super "
        "factories, 63.4 % for others) and adds TrustPass, super factory, dropship and other flags. "
        "The more is measured, the less the prior counts.",
    },
    "suppliers.all": {"zh-CN": "全部", "en": "All"},
    "suppliers.shown": {"zh-CN": "显示 {shown} / 共 {total} 家", "en": "{shown} of {total} suppliers"},
    "suppliers.none": {
        "zh-CN": "没有符合条件的供应商。导入货源后供应商会出现在这里。",
        "en": "No supplier matches. Suppliers appear here once offers are imported.",
    },
    "suppliers.col.on_time": {"zh-CN": "72 小时发货率", "en": "Dispatched ≤ 72 h"},
    "suppliers.col.score": {"zh-CN": "评分", "en": "Score"},
    "suppliers.col.confidence": {"zh-CN": "实测占比", "en": "Measured share"},
    "suppliers.measured_n": {"zh-CN": "实测 {on_time}/{n} 单", "en": "measured {on_time}/{n}"},
    "suppliers.prior_only": {"zh-CN": "暂无实测(先验)", "en": "no history (prior)"},
    "suppliers.aftersales_n": {
        "zh-CN": "售后:{n} 单中差错 {errors}、索赔 {claims}",
        "en": "after-sales: {errors} errors, {claims} claims of {n}",
    },
    "supplier.profile": {"zh-CN": "供应商资料", "en": "Profile"},
    "supplier.member_id": {"zh-CN": "1688 会员 ID", "en": "1688 member id"},
    "supplier.region": {"zh-CN": "地区", "en": "Region"},
    "supplier.custom_moq": {"zh-CN": "定制起订量", "en": "Custom-order MOQ"},
    "supplier.confidence": {"zh-CN": "实测占比", "en": "Measured share"},
    "supplier.confidence_hint": {
        "zh-CN": "(实测记录在可实测项中的分量;0% 表示全部来自先验)",
        "en": "(how much of the measured components comes from history; 0 % means all prior)",
    },
    "supplier.reliability": {"zh-CN": "订单可靠度", "en": "Reliability"},
    "supplier.reliability_hint": {
        "zh-CN": "(按时发货率 × 到货无问题率,选品按 预期利润 × 可靠度 排序)",
        "en": "(on-time rate × parcels-right rate; selection ranks by expected profit × reliability)",
    },
    "supplier.explanation": {"zh-CN": "评分构成", "en": "Why this score"},
    "supplier.col.component": {"zh-CN": "项目", "en": "Component"},
    "supplier.col.value": {"zh-CN": "取值", "en": "Value"},
    "supplier.col.weight": {"zh-CN": "权重", "en": "Weight"},
    "supplier.col.points": {"zh-CN": "得分", "en": "Points"},
    "supplier.col.why": {"zh-CN": "说明", "en": "Why"},
    "supplier.total": {"zh-CN": "合计", "en": "Total"},
    "supplier.dispatch_note": {
        "zh-CN": "按时发货:从 1688 下单(placed_at)到首次读到物流单号(shipped_at)不超过 72 小时;"
        "超过 72 小时仍未发货的采购单计为延迟。",
        "en": "On time: from the 1688 order being placed (placed_at) to tracking first seen (shipped_at) "
        "within 72 h; a purchase still unshipped after 72 h counts as late.",
    },
    "supplier.aftersales_note": {
        "zh-CN": "错发/漏发/破损与索赔按售后记录实测:已发货采购 {n} 单,其中 {errors} 单有供应商差错"
        "(错发/漏发/破损),{claims} 单开过索赔;实测越多,先验占比越小。",
        "en": "Wrong/missing/damaged parcels and claims are measured from the after-sales records: "
        "{n} purchases shipped, {errors} with a supplier error (wrong, missing or damaged), "
        "{claims} with a claim opened; the more is measured, the less the prior counts.",
    },
    "supplier.aftersales_none": {
        "zh-CN": "错发/漏发/破损与索赔按售后记录实测;该供应商还没有已发货的采购单,这两项使用先验值。",
        "en": "Wrong/missing/damaged parcels and claims are measured from the after-sales records; "
        "no purchase from this supplier has shipped yet, so both use their priors.",
    },
    "supplier.prior_source": {"zh-CN": "先验来源:", "en": "Prior source:"},
    "supplier.no_history": {
        "zh-CN": "还没有可计入的采购单(下单满 72 小时或已发货),按时发货率取先验值。",
        "en": "No purchase counts yet (placed over 72 h ago or shipped): the on-time rate is the prior.",
    },
    "supplier.chart.on_time": {"zh-CN": "每月 72 小时发货率(实测)", "en": "Dispatched within 72 h, by month"},
    "supplier.chart.prior": {"zh-CN": "先验", "en": "prior"},
    "supplier.chart.components": {"zh-CN": "各项得分 / 权重", "en": "Points / weight per component"},
    "supplier.offers": {"zh-CN": "该供应商的货源", "en": "This supplier's offers"},
    "supplier.no_offers": {
        "zh-CN": "选品库中还没有该供应商的货源。",
        "en": "No offers from this supplier yet.",
    },
    "supplier.unit_price": {"zh-CN": "单价", "en": "Unit price"},
    "supplier.stage": {"zh-CN": "生命周期", "en": "Stage"},
    "supplier.component.on_time": {"zh-CN": "按时发货", "en": "On-time dispatch"},
    "supplier.component.quality": {"zh-CN": "到货无问题", "en": "Parcels right"},
    "supplier.component.claims": {"zh-CN": "无索赔", "en": "No claims"},
    "supplier.component.price_stability": {"zh-CN": "价格稳定", "en": "Price stability"},
    "supplier.component.auto_order": {"zh-CN": "自动下单", "en": "Automatic ordering"},
    "supplier.component.trust_pass_years": {"zh-CN": "诚信通年限", "en": "TrustPass years"},
    "supplier.component.super_factory": {"zh-CN": "超级工厂", "en": "Super factory"},
    "supplier.component.dropship": {"zh-CN": "一件代发", "en": "Dropship"},
    "supplier.component.cross_border": {"zh-CN": "跨境专供/英文报关单", "en": "Cross-border docs"},
    "supplier.component.iso9001": {"zh-CN": "ISO9001", "en": "ISO9001"},
    "supplier.component.free_sample": {"zh-CN": "免费打样", "en": "Free samples"},
    "supplier.component.custom_friendly": {"zh-CN": "定制友好", "en": "Custom-friendly"},
    "supplier.component.credit_guarantee": {"zh-CN": "信用保障", "en": "Credit guarantee"},
    "error.title": {"zh-CN": "出错了", "en": "Something went wrong"},
    "error.platform": {"zh-CN": "平台接口返回错误", "en": "The platform returned an error"},
    # --- lifecycle board (sourcing) ---
    "nav.lifecycle": {"zh-CN": "生命周期", "en": "Lifecycle"},
    "lifecycle.title": {"zh-CN": "产品生命周期", "en": "Product lifecycle"},
    "lifecycle.intro": {
        "zh-CN": "样品采购 → 速卖通测款 → 爆款 → 1688 返单定制包装/贴标 → 官方物流发货。"
        "建议来自真实订单,由你确认后才移动。",
        "en": "Sample on 1688 → test listing → winner → reorder with custom packaging/labels → "
        "official logistics. Suggestions come from real orders; nothing moves until you apply it.",
    },
    "lifecycle.moved": {"zh-CN": "已移动 {count} 个货源。", "en": "Moved {count} offer(s)."},
    "lifecycle.bulk_to": {"zh-CN": "批量移到", "en": "Move selected to"},
    "lifecycle.reason": {"zh-CN": "原因", "en": "Reason"},
    "lifecycle.bulk_move": {"zh-CN": "移动所选", "en": "Move selected"},
    "lifecycle.bulk_hint": {
        "zh-CN": "勾选卡片后批量移动;有一个不允许则全部不动。",
        "en": "Tick cards to move them together; if one move is not allowed, none is made.",
    },
    "lifecycle.empty": {"zh-CN": "暂无", "en": "None"},
    "lifecycle.sparkline": {"zh-CN": "近 {days} 天每日订单", "en": "Orders per day, last {days} days"},
    "lifecycle.per_day": {"zh-CN": "近 {days} 天日均 {value} 单", "en": "{value} orders/day ({days} d)"},
    "lifecycle.margin": {"zh-CN": "毛利率", "en": "Goods margin"},
    "lifecycle.apply": {"zh-CN": "应用", "en": "Apply"},
    "lifecycle.auto_reason": {"zh-CN": "按触发条件", "en": "Trigger"},
    "lifecycle.reorder_plan": {
        "zh-CN": "建议返单 {quantity} 件 × ¥{price} = ¥{total}(定制起订量 {moq})",
        "en": "Reorder {quantity} pcs × ¥{price} = ¥{total} (custom MOQ {moq})",
    },
    "lifecycle.saving": {"zh-CN": "比代发省 ¥{saving}", "en": "saves ¥{saving} vs dropship"},
    # --- sourcing workbench: selection table, group comparison (workbench.html) ---
    "nav.sourcing": {"zh-CN": "选品", "en": "Sourcing"},
    "sourcing.title": {"zh-CN": "选品工作台", "en": "Sourcing workbench"},
    "sourcing.f.country": {"zh-CN": "目的国", "en": "Country"},
    "sourcing.f.category": {"zh-CN": "类目", "en": "Category"},
    "sourcing.f.all": {"zh-CN": "全部", "en": "All"},
    "sourcing.f.line": {"zh-CN": "物流线路", "en": "Line"},
    "sourcing.f.max_moq": {"zh-CN": "起订量 ≤", "en": "MOQ ≤"},
    "sourcing.f.min_margin": {"zh-CN": "最低利润率", "en": "Min. margin"},
    "sourcing.f.cluster": {"zh-CN": "产业带", "en": "Cluster"},
    "sourcing.f.text": {"zh-CN": "标题含", "en": "Title contains"},
    "sourcing.f.dropship_only": {"zh-CN": "仅一件代发", "en": "Dropship only"},
    "sourcing.f.unserved": {"zh-CN": "无法测算的规格", "en": "Specs not priced"},
    "sourcing.f.apply": {"zh-CN": "筛选", "en": "Filter"},
    "sourcing.summary": {
        "zh-CN": "{country}: 符合条件 {total} 条"
        "(已测算 {screened} 条,其中 {unserved} 条无可用线路或缺重量)。",
        "en": "{country}: {total} rows match ({screened} screened, {unserved} with no line or no weight).",
    },
    "sourcing.price_note": {
        "zh-CN": "售价默认为在最优线路上达到目标利润率的价格(或测算时输入的统一售价);"
        "金额为该价格下的精确值。",
        "en": "The price is the one that earns the target margin on the best line (or the price given when "
        "screening); figures are exact at that price.",
    },
    "sourcing.hs_note": {
        "zh-CN": "未填 HS 编码的商品按类目默认编码测算(欧盟每个 HS6 征 €3 关税),标记为“HS ?”。",
        "en": "Offers without an HS code use their category's default (EU duty is €3 per HS6), "
        "marked “HS ?”.",
    },
    "sourcing.none_screened": {
        "zh-CN": "尚未测算。运行 `kuajing selection screen --country US --country DE` 计算落地成本与利润。",
        "en": "Nothing screened yet. Run `kuajing selection screen --country US --country DE` to compute "
        "landed cost and margins.",
    },
    "sourcing.export_selected": {"zh-CN": "导出所选 (xlsx)", "en": "Export selected (xlsx)"},
    "sourcing.export_all": {"zh-CN": "导出全部筛选结果 (xlsx)", "en": "Export all filtered rows (xlsx)"},
    "sourcing.move_to_sample": {"zh-CN": "所选货源转入样品采购", "en": "Move selected to sample"},
    "sourcing.stale": {
        "zh-CN": "有货源在上次测算后新增或变更,表中数字可能已过时。",
        "en": "Some offers are new or changed since they were screened: the figures may be out of date.",
    },
    "sourcing.rescreen": {"zh-CN": "重新测算变更的货源", "en": "Re-screen changed offers"},
    "sourcing.rescreened": {"zh-CN": "已重新测算 {count} 个规格。", "en": "Re-screened {count} specs."},
    "sourcing.compare": {"zh-CN": "同款比价", "en": "Compare suppliers"},
    "sourcing.page_of": {"zh-CN": "第 {page} / {pages} 页", "en": "Page {page} of {pages}"},
    "sourcing.not_screened": {"zh-CN": "{country} 未测算", "en": "not screened for {country}"},
    "sourcing.col.offer": {"zh-CN": "商品", "en": "Offer"},
    "sourcing.col.supplier": {"zh-CN": "供应商", "en": "Supplier"},
    "sourcing.col.moq": {"zh-CN": "起订量", "en": "MOQ"},
    "sourcing.col.unit_cost": {"zh-CN": "进价", "en": "Unit cost"},
    "sourcing.col.line": {"zh-CN": "线路", "en": "Line"},
    "sourcing.col.price": {"zh-CN": "售价", "en": "Price"},
    "sourcing.col.freight": {"zh-CN": "运费", "en": "Freight"},
    "sourcing.col.duty": {"zh-CN": "关税", "en": "Duty"},
    "sourcing.col.total": {"zh-CN": "落地成本", "en": "Landed cost"},
    "sourcing.col.margin": {"zh-CN": "利润率", "en": "Margin"},
    "sourcing.col.reliability": {"zh-CN": "可靠度", "en": "Reliability"},
    "sourcing.col.expected_profit": {"zh-CN": "预期单均利润", "en": "Expected profit/order"},
    "sourcing.col.tiers": {"zh-CN": "阶梯价", "en": "Price tiers"},
    "sourcing.col.weight": {"zh-CN": "重量", "en": "Weight"},
    "sourcing.group.title": {"zh-CN": "同款多供应商比价", "en": "Same product, several suppliers"},
    "sourcing.group.back": {"zh-CN": "返回选品表", "en": "Back to the table"},
    "sourcing.group.how": {
        "zh-CN": "按标题相似度(中文双字 + 英文词,去除营销词)≥ {threshold} 且材质一致归为同款。",
        "en": "Grouped by title similarity (Chinese bigrams + words, marketing words removed) ≥ {threshold} "
        "with the same material.",
    },
    "sourcing.group.alone": {
        "zh-CN": "没有找到同款的其他供应商。",
        "en": "No other supplier offers this product.",
    },
    "sourcing.import_link": {"zh-CN": "导入货源", "en": "Import offers"},
    "offers_import.title": {"zh-CN": "导入货源", "en": "Import offers"},
    "offers_import.back": {"zh-CN": "返回选品表", "en": "Back to the workbench"},
    "offers_import.another": {"zh-CN": "再导入一个文件", "en": "Import another file"},
    "offers_import.expired": {
        "zh-CN": "这个上传已过期或不存在,请重新上传文件。",
        "en": "This upload has expired or does not exist: upload the file again.",
    },
    "offers_import.file_title": {"zh-CN": "从 xlsx / csv 文件导入", "en": "From an xlsx / csv file"},
    "offers_import.file_hint": {
        "zh-CN": "支持 UTF-8 或 GBK 编码的 csv、xlsx(第一个工作表);中文或英文表头;同一商品的规格行须相邻。",
        "en": "csv in UTF-8 or GBK, or xlsx (first sheet); Chinese or English headers; "
        "the spec rows of one offer must be adjacent.",
    },
    "offers_import.upload": {"zh-CN": "上传并核对列", "en": "Upload and check the columns"},
    "offers_import.no_file": {"zh-CN": "请选择一个文件。", "en": "Choose a file."},
    "offers_import.mapping_title": {"zh-CN": "核对列:{file}", "en": "Check the columns: {file}"},
    "offers_import.mapping_hint": {
        "zh-CN": "每一列对应的字段如下,可逐列修改后确认导入;"
        "确认的对应关系会记住,下次相同表头的文件直接沿用。",
        "en": "Each column and the field it goes to; change any of them and confirm. The mapping is "
        "remembered for the next file with the same headers.",
    },
    "offers_import.remembered": {
        "zh-CN": "(已沿用上次为这种表头保存的对应关系)",
        "en": "(the mapping saved last time for these headers is applied)",
    },
    "offers_import.header": {"zh-CN": "文件中的列", "en": "Column in the file"},
    "offers_import.field": {"zh-CN": "导入为", "en": "Imported as"},
    "offers_import.not_imported": {"zh-CN": "不导入", "en": "not imported"},
    "offers_import.tier_column": {"zh-CN": "阶梯价(≥{start} 件)", "en": "price tier (≥ {start})"},
    "offers_import.good_rows_only": {
        "zh-CN": "有错误行时,只导入正确的商品",
        "en": "If some rows are bad, import the good offers only",
    },
    "offers_import.confirm": {"zh-CN": "确认并导入", "en": "Confirm and import"},
    "offers_import.done": {
        "zh-CN": "{file}:已导入 {imported} 个商品,{unchanged} 个未变化。",
        "en": "{file}: {imported} offers imported, {unchanged} unchanged.",
    },
    "offers_import.failed": {
        "zh-CN": "{file}:{count} 行有错误({problems} 处),没有导入任何内容。",
        "en": "{file}: {count} rows are bad ({problems} problems); nothing was imported.",
    },
    "offers_import.skipped": {
        "zh-CN": "{file}:{count} 行有错误({problems} 处),这些商品未导入。",
        "en": "{file}: {count} rows are bad ({problems} problems); those offers were left out.",
    },
    "offers_import.download_rejects": {
        "zh-CN": "下载错误行 (xlsx)",
        "en": "Download the rejected rows (xlsx)",
    },
    "offers_import.import_good_rows": {"zh-CN": "只导入正确的行", "en": "Import the good rows only"},
    "offers_import.more_in_xlsx": {
        "zh-CN": "另有 {count} 处错误未列出,见错误行 xlsx。",
        "en": "{count} more problems are in the rejects xlsx.",
    },
    "offers_import.file": {"zh-CN": "文件", "en": "File"},
    "offers_import.row": {"zh-CN": "行", "en": "Row"},
    "offers_import.column": {"zh-CN": "列", "en": "Column"},
    "offers_import.reason": {"zh-CN": "原因", "en": "Reason"},
    "offers_import.fetch_title": {
        "zh-CN": "从 1688 接口读取(商品ID或链接,每行一个)",
        "en": "Read from the 1688 API (offer ids or URLs, one a line)",
    },
    "offers_import.fetch": {"zh-CN": "读取并导入", "en": "Fetch and import"},
    "offers_import.fetch_hint": {
        "zh-CN": "通过第一个 1688 采购账号读取。",
        "en": "Read through the first 1688 buyer account.",
    },
    "offers_import.fetch_error.empty": {
        "zh-CN": "请至少填一个商品ID或链接。",
        "en": "Enter at least one offer.",
    },
    "offers_import.fetch_error.too_many": {
        "zh-CN": "一次最多 500 个,请分批读取。",
        "en": "At most 500 at a time: split the list.",
    },
    "offers_import.fetch_error.no_account": {
        "zh-CN": "还没有 1688 采购账号(kuajing stores add-1688)。",
        "en": "No 1688 buyer account yet (kuajing stores add-1688).",
    },
    "offers_import.fetch_done": {
        "zh-CN": "新增 {new},更新 {updated},未变 {unchanged},失败 {failed}",
        "en": "{new} new, {updated} updated, {unchanged} unchanged, {failed} failed",
    },
    "offers_import.ref": {"zh-CN": "输入", "en": "Entered"},
    "offers_import.offer_id": {"zh-CN": "商品ID", "en": "Offer id"},
    "offers_import.outcome": {"zh-CN": "结果", "en": "Outcome"},
    "offers_import.state.new": {"zh-CN": "新增", "en": "new"},
    "offers_import.state.updated": {"zh-CN": "已更新", "en": "updated"},
    "offers_import.state.unchanged": {"zh-CN": "未变化", "en": "unchanged"},
    "offers_import.state.failed": {"zh-CN": "失败", "en": "failed"},
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


# --- dispatch SLA and tracking health (fulfilment/sla_routes.py) ------------------------------------
MESSAGES.update(
    {
        "nav.sla": {"zh-CN": "发货时效", "en": "Dispatch SLA"},
        "sla.title": {"zh-CN": "发货时效与物流健康", "en": "Dispatch SLA and tracking health"},
        "sla.intro": {
            "zh-CN": "发货时限 = 买家付款 + 72 小时(可按供应商设置);速卖通的最晚发货时间在旁,较早者为准。",
            "en": "Dispatch deadline = buyer's payment + 72 h (per supplier overridable); "
            "AliExpress's ship-by beside it — the earlier one binds.",
        },
        "sla.urgent": {"zh-CN": "已超时与即将超时", "en": "Breached and at risk"},
        "sla.none_urgent": {"zh-CN": "没有超时或即将超时的采购单。", "en": "Nothing breached or at risk."},
        "sla.dispatch_deadline": {"zh-CN": "发货时限", "en": "Dispatch deadline"},
        "sla.ship_by": {"zh-CN": "速卖通最晚发货", "en": "AliExpress ship-by"},
        "sla.binding": {"zh-CN": "以此为准", "en": "binding"},
        "sla.state": {"zh-CN": "状态", "en": "State"},
        "sla.remaining": {"zh-CN": "剩余时间", "en": "Time left"},
        "sla.suppliers": {"zh-CN": "供应商按时发货率", "en": "On-time dispatch per supplier"},
        "sla.suppliers_note": {
            "zh-CN": "近 {days} 天付款的采购单:时限内发货 / 已有结果(已发货,或超时未发)。"
            "供应商评分从 1688 下单时起算,此处从买家付款起算,含我方等待与分配的时间。",
            "en": "Purchases paid in the last {days} days: shipped within the deadline / decided "
            "(shipped, or unshipped past it). The supplier score counts from the 1688 order; "
            "this counts from the buyer's payment, so our own waiting and routing count too.",
        },
        "sla.none_suppliers": {"zh-CN": "还没有采购单。", "en": "No purchases yet."},
        "sla.on_time_rate": {"zh-CN": "按时率(自付款)", "en": "On time (from payment)"},
        "sla.decided": {"zh-CN": "按时 / 已有结果", "en": "On time / decided"},
        "sla.pending": {"zh-CN": "未到时限", "en": "Clock running"},
        "sla.score_rate": {"zh-CN": "评分口径(自 1688 下单)", "en": "Score's measure (from 1688 order)"},
        "sla.health": {"zh-CN": "物流健康", "en": "Tracking health"},
        "sla.health_note": {
            "zh-CN": "页面不读取 1688 物流轨迹;轨迹相关检查(无更新、海关扣留、退回)请用 "
            "`kuajing fulfilment health --trace`。",
            "en": "This page does not read 1688 traces; the trace checks (no new event, customs hold, "
            "returned) run with `kuajing fulfilment health --trace`.",
        },
        "sla.none_health": {"zh-CN": "没有需要处理的物流问题。", "en": "No tracking problems."},
        "sla.tracking": {"zh-CN": "运单号", "en": "Tracking"},
        "sla.flag": {"zh-CN": "问题", "en": "Problem"},
        "sla.action": {"zh-CN": "下一步", "en": "Next action"},
    }
)

# Reports (报表)
MESSAGES.update(
    {
        "nav.reports": {"zh-CN": "报表", "en": "Reports"},
        "reports.title": {"zh-CN": "利润与时效报表", "en": "Profit and dispatch reports"},
        "reports.from": {"zh-CN": "付款日期从", "en": "Paid from"},
        "reports.to": {"zh-CN": "到", "en": "to"},
        "reports.store": {"zh-CN": "店铺", "en": "Store"},
        "reports.country": {"zh-CN": "国家", "en": "Country"},
        "reports.all": {"zh-CN": "全部", "en": "All"},
        "reports.apply": {"zh-CN": "筛选", "en": "Filter"},
        "reports.note": {
            "zh-CN": "金额均为人民币;销售额按 {as_of} 的汇率折算(1 USD = {rate} CNY)。",
            "en": "All amounts in CNY; sales converted at the rate of {as_of} (1 USD = {rate} CNY).",
        },
        "reports.profit": {"zh-CN": "利润", "en": "Profit"},
        "reports.by_order": {"zh-CN": "按订单", "en": "By order"},
        "reports.by_sku": {"zh-CN": "按 SKU", "en": "By SKU"},
        "reports.by_supplier": {"zh-CN": "按供应商", "en": "By supplier"},
        "reports.by_store": {"zh-CN": "按店铺", "en": "By store"},
        "reports.by_country": {"zh-CN": "按国家", "en": "By country"},
        "reports.xlsx": {"zh-CN": "下载 xlsx", "en": "Download xlsx"},
        "reports.group": {"zh-CN": "分组", "en": "Group"},
        "reports.orders": {"zh-CN": "订单数", "en": "Orders"},
        "reports.sale": {"zh-CN": "销售额", "en": "Sales"},
        "reports.goods": {"zh-CN": "货款", "en": "Goods"},
        "reports.freight": {"zh-CN": "国际运费", "en": "Freight"},
        "reports.duty": {"zh-CN": "关税", "en": "Duty"},
        "reports.commission": {"zh-CN": "平台佣金", "en": "Commission"},
        "reports.fees": {"zh-CN": "支付手续费", "en": "Payment fee"},
        "reports.profit_col": {"zh-CN": "利润", "en": "Profit"},
        "reports.margin": {"zh-CN": "利润率", "en": "Margin"},
        "reports.total": {"zh-CN": "合计", "en": "Total"},
        "reports.none": {"zh-CN": "所选范围内没有已付款订单。", "en": "No paid orders in this range."},
        "reports.estimated": {"zh-CN": "含估算", "en": "estimated"},
        "reports.estimated_note": {
            "zh-CN": "货款取 1688 采购单实付(含运费);国际运费、关税、佣金和手续费按到手成本模型估算"
            "(线路按采购单的物流服务匹配,否则取最便宜的官方线路);重量或 HS 编码未知的订单不估算,计为 0。",
            "en": "Goods are the 1688 purchases' totals (post fee included); freight, duty, commission and "
            "payment fee are estimated by the landed-cost model (the line matched from the purchase's "
            "logistics service, else the cheapest official line); orders without weight or HS code are "
            "not estimated and count 0.",
        },
        "reports.sla_trend": {"zh-CN": "按周按时发货率", "en": "On-time dispatch per week"},
        "reports.sla_note": {
            "zh-CN": "按付款所在周统计已有结果的采购单(时限内发货 / 已发货或已超时)。",
            "en": "Decided purchases per week of payment (shipped within the deadline / shipped or overdue).",
        },
        "reports.claims": {"zh-CN": "售后与索赔趋势", "en": "After-sales and claim trends"},
        "reports.claims_none": {
            "zh-CN": "最近 12 周没有已判定原因的售后单。",
            "en": "No classified returns in the last 12 weeks.",
        },
        "reports.claims_note": {
            "zh-CN": "按售后单创建所在周统计(人民币):退给买家的金额、向供应商索赔的金额"
            "及实际收回(含信用保障先行赔付)。",
            "en": "Per week the return was opened (CNY): refunded to buyers, claimed from suppliers, and "
            "recovered (信用保障 advance compensation included).",
        },
        "reports.aftersales": {"zh-CN": "售后净额", "en": "After-sales"},
        "reports.trends_xlsx": {"zh-CN": "下载趋势 xlsx", "en": "Download trends xlsx"},
        "reports.week": {"zh-CN": "周(周一)", "en": "Week (Mon)"},
        "reports.returns": {"zh-CN": "售后单", "en": "Returns"},
        "reports.supplier_liable": {"zh-CN": "供应商责任", "en": "Supplier liable"},
        "reports.refunded": {"zh-CN": "退款", "en": "Refunded"},
        "reports.claimed": {"zh-CN": "索赔", "en": "Claimed"},
        "reports.recovered": {"zh-CN": "收回", "en": "Recovered"},
        "reports.recovery_rate": {"zh-CN": "收回率", "en": "Recovery rate"},
    }
)

# --- 售后: returns, liability, supplier claims (aftersales/routes.py) --------------------------------
MESSAGES.update(
    {
        "nav.aftersales": {"zh-CN": "售后", "en": "After-sales"},
        "aftersales.title": {"zh-CN": "售后与供应商索赔", "en": "After-sales and supplier claims"},
        "aftersales.intro": {
            "zh-CN": "质量问题由卖家承担(速卖通卖家规则 §5.3.2);错发、漏发、包装破损向供应商索赔,"
            "需旺旺聊天记录、物流签收证明和开箱视频;信用保障订单由平台先行赔付,最高 ¥5,000。",
            "en": "Quality problems are the seller's (AliExpress seller rules §5.3.2); a wrong, missing or "
            "damaged item is claimed from the supplier with the chat record, the sign-off proof and an "
            "unboxing video; 信用保障 orders get platform advance compensation up to ¥5,000.",
        },
        "aftersales.record": {"zh-CN": "手工登记退货", "en": "Record a return by hand"},
        "aftersales.record_submit": {"zh-CN": "登记", "en": "Record"},
        "aftersales.line": {"zh-CN": "订单行", "en": "Line"},
        "aftersales.amount": {"zh-CN": "金额", "en": "Amount"},
        "aftersales.notes": {"zh-CN": "备注", "en": "Notes"},
        "aftersales.intake": {"zh-CN": "导入纠纷订单", "en": "Take in disputes"},
        "aftersales.intake_hint": {
            "zh-CN": "为每个纠纷中(IN_ISSUE)的速卖通订单建一个售后单;重复导入不会重复建单。",
            "en": "One case per AliExpress order in dispute (IN_ISSUE); taking in again adds no duplicates.",
        },
        "aftersales.cases": {"zh-CN": "退货与纠纷", "en": "Returns and disputes"},
        "aftersales.none": {"zh-CN": "还没有售后单。", "en": "No returns or disputes yet."},
        "aftersales.reason": {"zh-CN": "原因", "en": "Reason"},
        "aftersales.liable": {"zh-CN": "责任方", "en": "Liable"},
        "aftersales.claim": {"zh-CN": "索赔", "en": "Claim"},
        "aftersales.no_claim": {"zh-CN": "无需索赔", "en": "no claim"},
        "aftersales.classify": {"zh-CN": "定责", "en": "Classify"},
        "aftersales.credit_guarantee": {"zh-CN": "信用保障", "en": "信用保障 (credit guarantee)"},
        "aftersales.compensation": {"zh-CN": "平台先行赔付", "en": "advance compensation"},
        "aftersales.refund_id": {"zh-CN": "1688 退款单", "en": "1688 refund"},
        "aftersales.submit_by": {"zh-CN": "索赔提交截止", "en": "Submit claim by"},
        "aftersales.recovered": {"zh-CN": "已收回", "en": "Recovered"},
        "aftersales.upload": {"zh-CN": "上传证据", "en": "Upload evidence"},
        "aftersales.reason_id": {"zh-CN": "退款原因 ID", "en": "Refund reason id"},
        "aftersales.entry_ids": {"zh-CN": "子订单号(逗号分隔)", "en": "Entry ids (comma-separated)"},
        "aftersales.submit": {"zh-CN": "提交 1688 退款", "en": "Submit to 1688"},
        "aftersales.received": {"zh-CN": "实收金额", "en": "Received"},
        "aftersales.why": {"zh-CN": "说明", "en": "Why"},
        "aftersales.settle": {"zh-CN": "结案", "en": "Settle"},
        "aftersales.history": {"zh-CN": "状态记录", "en": "History"},
        "aftersales.suppliers": {"zh-CN": "按供应商汇总", "en": "Per supplier"},
        "aftersales.none_suppliers": {"zh-CN": "还没有供应商索赔。", "en": "No supplier claims yet."},
        "aftersales.claims_count": {"zh-CN": "索赔数", "en": "Claims"},
        "aftersales.open": {"zh-CN": "进行中", "en": "Open"},
        "aftersales.refused": {"zh-CN": "操作被拒绝", "en": "Refused"},
        "aftersales.bad_input": {"zh-CN": "输入有误", "en": "Bad input"},
        "aftersales.done.recorded": {"zh-CN": "已登记售后单。", "en": "Return recorded."},
        "aftersales.done.intake": {"zh-CN": "已导入纠纷订单。", "en": "Disputes taken in."},
        "aftersales.done.classified": {"zh-CN": "已定责。", "en": "Case classified."},
        "aftersales.done.evidence": {"zh-CN": "证据已上传。", "en": "Evidence uploaded."},
        "aftersales.done.submitted": {"zh-CN": "已提交 1688 退款。", "en": "Submitted to 1688."},
        "aftersales.done.settled": {"zh-CN": "索赔已结案。", "en": "Claim settled."},
        "aftersales.source.manual": {"zh-CN": "手工登记", "en": "by hand"},
        "aftersales.source.ae_issue": {"zh-CN": "速卖通纠纷", "en": "AliExpress dispute"},
        "aftersales.reason.quality": {"zh-CN": "质量问题", "en": "Quality"},
        "aftersales.reason.wrong_item": {"zh-CN": "错发", "en": "Wrong item"},
        "aftersales.reason.missing_item": {"zh-CN": "漏发", "en": "Missing item"},
        "aftersales.reason.damaged_packaging": {"zh-CN": "包装破损", "en": "Damaged packaging"},
        "aftersales.reason.buyer_remorse": {"zh-CN": "买家无理由", "en": "Buyer remorse"},
        "aftersales.reason.other": {"zh-CN": "其他", "en": "Other"},
        "aftersales.liable.seller": {"zh-CN": "卖家承担", "en": "Seller"},
        "aftersales.liable.supplier": {"zh-CN": "供应商承担", "en": "Supplier"},
        "aftersales.evidence.chat_record": {"zh-CN": "旺旺聊天记录", "en": "Chat record"},
        "aftersales.evidence.sign_off_proof": {"zh-CN": "物流签收证明", "en": "Sign-off proof"},
        "aftersales.evidence.unboxing_video": {"zh-CN": "开箱视频", "en": "Unboxing video"},
        "aftersales.state.open": {"zh-CN": "待补证据", "en": "Open"},
        "aftersales.state.evidence_complete": {"zh-CN": "证据齐全", "en": "Evidence complete"},
        "aftersales.state.submitted": {"zh-CN": "已提交", "en": "Submitted"},
        "aftersales.state.recovered": {"zh-CN": "已追回", "en": "Recovered"},
        "aftersales.state.rejected": {"zh-CN": "被拒", "en": "Rejected"},
        "aftersales.state.compensated": {"zh-CN": "平台已赔付", "en": "Compensated"},
        "aftersales.state.withdrawn": {"zh-CN": "已撤回", "en": "Withdrawn"},
        "aftersales.goods.refundWaitSellerSend": {"zh-CN": "卖家未发货", "en": "Not sent by seller"},
        "aftersales.goods.refundWaitBuyerReceive": {"zh-CN": "买家未收货", "en": "Not received"},
        "aftersales.goods.refundBuyerReceived": {"zh-CN": "买家已收货", "en": "Received"},
    }
)


# --- HS pre-classification: pack and official opinion (compliance/pack_routes.py) ---------------------
MESSAGES.update(
    {
        "nav.compliance_hs": {"zh-CN": "预归类", "en": "HS pre-classification"},
        "compliance_hs.title": {
            "zh-CN": "商品预归类与海关意见",
            "en": "HS pre-classification and official opinions",
        },
        "compliance_hs.intro": {
            "zh-CN": "路径：商品详情页 → 归类服务（预归类）→ 预归类意见 → 修正标题和属性。"
            "下载申请资料 PDF 提交归类服务；收到意见后在此登记，"
            "申报 HS、欧盟每个 HS6 €3 关税及菜鸟物流订单申报均以意见为准。",
            "en": "Path: product detail page → classification service (预归类) → opinion → "
            "fix title and attributes. "
            "Download the pack PDF for the classification service; record the opinion here once issued: the "
            "declared HS, the EU €3-per-HS6 duty and the Cainiao declaration then use it.",
        },
        "compliance_hs.record": {"zh-CN": "登记预归类意见", "en": "Record an official opinion"},
        "compliance_hs.record_submit": {"zh-CN": "登记", "en": "Record"},
        "compliance_hs.recorded": {"zh-CN": "已登记预归类意见", "en": "Opinion recorded"},
        "compliance_hs.bad_input": {"zh-CN": "无法登记", "en": "Not recorded"},
        "compliance_hs.offer_id": {"zh-CN": "1688 货源 ID", "en": "1688 offer id"},
        "compliance_hs.product_id": {"zh-CN": "速卖通商品 ID", "en": "AliExpress product id"},
        "compliance_hs.national_code": {"zh-CN": "10 位商品编码", "en": "National code"},
        "compliance_hs.authority": {"zh-CN": "出具海关", "en": "Authority"},
        "compliance_hs.reference": {"zh-CN": "意见书编号", "en": "Reference"},
        "compliance_hs.note": {"zh-CN": "备注", "en": "Note"},
        "compliance_hs.offers": {"zh-CN": "选品库货源", "en": "Sourced 1688 offers"},
        "compliance_hs.listings": {
            "zh-CN": "速卖通商品（来自订单）",
            "en": "AliExpress listings (from orders)",
        },
        "compliance_hs.none": {"zh-CN": "暂无商品", "en": "No products yet"},
        "compliance_hs.product": {"zh-CN": "商品", "en": "Product"},
        "compliance_hs.stated": {"zh-CN": "供应商所填 HS", "en": "Stated HS"},
        "compliance_hs.official": {"zh-CN": "海关意见 HS", "en": "Official HS"},
        "compliance_hs.actions": {"zh-CN": "操作", "en": "Actions"},
        "compliance_hs.not_stated": {"zh-CN": "未填写", "en": "not stated"},
        "compliance_hs.no_opinion": {"zh-CN": "尚无意见", "en": "no opinion yet"},
        "compliance_hs.document": {"zh-CN": "意见书文件", "en": "Opinion document"},
        "compliance_hs.earlier": {"zh-CN": "较早意见", "en": "Earlier opinions"},
        "compliance_hs.pack": {"zh-CN": "下载预归类申请资料 (PDF)", "en": "Download the pack (PDF)"},
    }
)

# --- 合规: EPR numbers, listing checks, QC reports (texts in compliance/messages.py) ---
from kuajing.compliance.messages import COMPLIANCE_MESSAGES  # noqa: E402

MESSAGES.update(COMPLIANCE_MESSAGES)

# --- 账号: sign-in, users, the audit log (texts in accounts/messages.py) ---
from kuajing.accounts.messages import ACCOUNT_MESSAGES  # noqa: E402

MESSAGES.update(ACCOUNT_MESSAGES)

# --- Texts that pages built in Python or showed raw (the every-page bilingual test) ---------------
MESSAGES.update(
    {
        "reports.chart.profit": {"zh-CN": "利润 (CNY)", "en": "Profit (CNY)"},
        "reports.chart.on_time": {"zh-CN": "按时发货率 %", "en": "On-time dispatch %"},
        "reports.chart.claims": {"zh-CN": "售后 (CNY)", "en": "After-sales (CNY)"},
        # an order line's state (orders/tables.py: new | routed | exception | purchased | cancelled)
        "line_state.new": {"zh-CN": "新", "en": "New"},
        "line_state.routed": {"zh-CN": "已分配货源", "en": "Routed"},
        "line_state.exception": {"zh-CN": "异常", "en": "Exception"},
        "line_state.purchased": {"zh-CN": "已采购", "en": "Purchased"},
        "line_state.cancelled": {"zh-CN": "已取消", "en": "Cancelled"},
        # an offer's lifecycle stage (sourcing/lifecycle.py Stage; the Chinese as STAGE_ZH)
        "lifecycle.stage.candidate": {"zh-CN": "候选", "en": "Candidate"},
        "lifecycle.stage.sample": {"zh-CN": "样品采购", "en": "Sample"},
        "lifecycle.stage.testing": {"zh-CN": "测款", "en": "Testing"},
        "lifecycle.stage.winner": {"zh-CN": "爆款", "en": "Winner"},
        "lifecycle.stage.reorder": {"zh-CN": "返单定制", "en": "Reorder"},
        "lifecycle.stage.official_logistics": {"zh-CN": "官方物流发货", "en": "Official logistics"},
        "lifecycle.stage.dropped": {"zh-CN": "淘汰", "en": "Dropped"},
        "offers_import.not_an_offer": {"zh-CN": "不是商品ID或 1688 商品链接", "en": "not an offer id or URL"},
        "offers_import.fields": {"zh-CN": "导入为字段", "en": "Import as field"},
    }
)

# --- what a read-only role sees where a form was left out (accounts/template_access.py) ----------
MESSAGES.update(
    {
        "access.view_only": {
            "zh-CN": "你的角色只能查看,不能在这里修改。",
            "en": "Your role can view this but not change it.",
        },
    }
)
