"""UI texts of the 合规 pages (compliance_*.html), zh-CN and English; merged into kit.i18n.MESSAGES.

Kept here, with no imports, so the compliance pages' strings live beside their routes while every
key still goes through ``translate`` and the i18n test.
"""

from __future__ import annotations

COMPLIANCE_MESSAGES: dict[str, dict[str, str]] = {
    "nav.compliance": {"zh-CN": "合规", "en": "Compliance"},
    "compliance.title": {"zh-CN": "合规:EPR 与类目质检", "en": "Compliance: EPR and category QC"},
    "compliance.intro": {
        "zh-CN": "自 2024-03-15 速卖通合规公告起,德国、法国未填写 EPR 注册号的商品将被下架;"
        "服饰、电子、美妆类目审核(3–7 个工作日)需提交质检报告。每个商品在每个销售国家逐一检查。",
        "en": "Since the AliExpress notice of 2024-03-15, listings without an EPR number are removed in "
        "Germany and France; apparel, electronics and beauty need a QC report for category review "
        "(3–7 working days). "
        "Every listing is checked in every market it ships to.",
    },
    "compliance.tab.dashboard": {"zh-CN": "总览", "en": "Dashboard"},
    "compliance.tab.listings": {"zh-CN": "商品检查", "en": "Listings"},
    "compliance.tab.epr": {"zh-CN": "EPR 注册号", "en": "EPR numbers"},
    "compliance.tab.qc": {"zh-CN": "质检报告", "en": "QC reports"},
    "compliance.by_market": {"zh-CN": "按市场", "en": "By market"},
    "compliance.market": {"zh-CN": "市场", "en": "Market"},
    "compliance.markets": {"zh-CN": "销售国家", "en": "Markets"},
    "compliance.all": {"zh-CN": "全部", "en": "All"},
    "compliance.filter": {"zh-CN": "筛选", "en": "Filter"},
    "compliance.status": {"zh-CN": "状态", "en": "Status"},
    "compliance.status.blocking": {"zh-CN": "将被下架", "en": "Blocking"},
    "compliance.status.warning": {"zh-CN": "警告", "en": "Warning"},
    "compliance.status.ok": {"zh-CN": "合规", "en": "OK"},
    "compliance.worst": {"zh-CN": "最需处理的商品", "en": "Listings to fix first"},
    "compliance.listings_count": {"zh-CN": "商品数:{count}", "en": "Listings: {count}"},
    "compliance.stale": {
        "zh-CN": "{count} 个商品的检查已过时(商品或规则有变化)",
        "en": "{count} listings have stale checks (the listing or the rules changed)",
    },
    "compliance.recheck": {"zh-CN": "全部重新检查", "en": "Re-check all"},
    "compliance.none": {
        "zh-CN": "还没有商品。运行 `kuajing listings sync`(从速卖通读取订单中出现的商品)、"
        "导入文件或手工添加。",
        "en": "No listings yet. Run `kuajing listings sync` (reads the products on your AliExpress orders), "
        "import a file or add one by hand.",
    },
    "compliance.no_checks": {"zh-CN": "没有符合条件的检查结果。", "en": "No checks match."},
    "compliance.product_id": {"zh-CN": "商品ID", "en": "Product ID"},
    "compliance.listing_title": {"zh-CN": "标题", "en": "Title"},
    "compliance.category": {"zh-CN": "类目", "en": "Category"},
    "compliance.attributes": {"zh-CN": "属性", "en": "Attributes"},
    "compliance.offer": {"zh-CN": "1688 货源", "en": "1688 offer"},
    "compliance.source": {"zh-CN": "来源", "en": "Source"},
    "compliance.source.aliexpress": {"zh-CN": "速卖通接口", "en": "AliExpress API"},
    "compliance.source.import": {"zh-CN": "文件导入", "en": "File import"},
    "compliance.source.manual": {"zh-CN": "手工", "en": "By hand"},
    "compliance.reasons": {"zh-CN": "原因与下一步", "en": "Reasons and next step"},
    "compliance.streams": {"zh-CN": "需要的 EPR 类别", "en": "EPR streams needed"},
    "compliance.checked_at": {"zh-CN": "检查时间", "en": "Checked"},
    "compliance.detail": {"zh-CN": "详情", "en": "Details"},
    "compliance.add_listing": {"zh-CN": "手工添加商品", "en": "Add a listing by hand"},
    "compliance.markets_hint": {"zh-CN": "DE,FR,ES(留空为默认)", "en": "DE,FR,ES (empty: default)"},
    "compliance.save": {"zh-CN": "保存", "en": "Save"},
    "compliance.import": {"zh-CN": "导入商品文件(xlsx/csv)", "en": "Import listings (xlsx/csv)"},
    "compliance.import_hint": {
        "zh-CN": "列:商品ID、标题(必填),类目ID、类目、属性(名称: 值; …)、市场、1688货源ID、店铺ID。"
        "有错误时不导入任何行。",
        "en": "Columns: product_id, title (required), category_id, category, attributes (name: value; …), "
        "markets, offer_id, store_id. With any error nothing is imported.",
    },
    "compliance.import_submit": {"zh-CN": "导入", "en": "Import"},
    "compliance.problems": {
        "zh-CN": "文件问题(未导入任何数据)",
        "en": "Problems in the file (nothing imported)",
    },
    "compliance.remove": {"zh-CN": "删除", "en": "Remove"},
    "compliance.conflicts": {
        "zh-CN": "材质/功能与 1688 货源不一致",
        "en": "Material / function conflicts with the 1688 offer",
    },
    "compliance.no_conflicts": {"zh-CN": "与 1688 货源没有冲突。", "en": "No conflicts with the 1688 offer."},
    "compliance.no_offer": {
        "zh-CN": "未关联 1688 货源(或货源资料不可用),无法核对材质。",
        "en": "No 1688 offer known (or its text is unavailable): materials not compared.",
    },
    "compliance.hs6": {"zh-CN": "HS 编码(6 位)", "en": "HS code (6 digits)"},
    "compliance.refused": {"zh-CN": "操作被拒绝", "en": "Refused"},
    "compliance.bad_input": {"zh-CN": "输入有误", "en": "Bad input"},
    "compliance.done.rechecked": {"zh-CN": "已重新检查。", "en": "Re-checked."},
    "compliance.done.added": {"zh-CN": "商品已保存并检查。", "en": "Listing saved and checked."},
    "compliance.done.imported": {"zh-CN": "文件已导入并检查。", "en": "File imported and checked."},
    "compliance.done.markets": {
        "zh-CN": "销售国家已更新并重新检查。",
        "en": "Markets updated and re-checked.",
    },
    "compliance.done.removed": {"zh-CN": "已删除。", "en": "Removed."},
    "compliance.done.saved": {
        "zh-CN": "注册号已保存,相关商品已重新检查。",
        "en": "Number saved; listings re-checked.",
    },
    "compliance.done.uploaded": {"zh-CN": "质检报告已上传。", "en": "QC report uploaded."},
    "compliance.warned": {
        "zh-CN": "注意:号码不像常见格式(法国 IDU 格式未经官方确认),已保存,请核对。",
        "en": "Note: the number does not look like the usual shape (the French IDU format is not officially "
        "confirmed); saved — please double-check it.",
    },
    "compliance.epr.add": {"zh-CN": "添加 EPR 注册号", "en": "Add an EPR number"},
    "compliance.epr.held": {"zh-CN": "已登记的注册号", "en": "Numbers held"},
    "compliance.epr.none": {"zh-CN": "还没有登记 EPR 注册号。", "en": "No EPR numbers yet."},
    "compliance.epr.country": {"zh-CN": "国家", "en": "Country"},
    "compliance.epr.stream": {"zh-CN": "类别", "en": "Stream"},
    "compliance.epr.number": {"zh-CN": "注册号", "en": "Number"},
    "compliance.epr.registered_on": {"zh-CN": "注册日期", "en": "Registered on"},
    "compliance.epr.valid_until": {"zh-CN": "有效期至", "en": "Valid until"},
    "compliance.epr.note": {"zh-CN": "备注", "en": "Note"},
    "compliance.epr.rules": {
        "zh-CN": "规则(数据:compliance/data/epr_rules.toml)",
        "en": "Rules (data: compliance/data/epr_rules.toml)",
    },
    "compliance.epr.registry": {"zh-CN": "注册机构", "en": "Registry"},
    "compliance.epr.required_from": {"zh-CN": "要求起始日", "en": "Required from"},
    "compliance.epr.delisting_from": {"zh-CN": "速卖通下架起始日", "en": "AliExpress delists from"},
    "compliance.epr.format": {"zh-CN": "号码格式", "en": "Number format"},
    "compliance.epr.hard": {"zh-CN": "严格校验", "en": "checked"},
    "compliance.epr.soft": {"zh-CN": "仅提示(格式未确认)", "en": "warning only (unconfirmed)"},
    "compliance.epr.no_format": {"zh-CN": "格式未知,不校验", "en": "format unknown: not checked"},
    "compliance.epr.source": {"zh-CN": "依据", "en": "Source"},
    "compliance.stream.packaging": {"zh-CN": "包装", "en": "Packaging"},
    "compliance.stream.eee": {"zh-CN": "电子电气设备 (WEEE/DEEE)", "en": "Electrical equipment (WEEE)"},
    "compliance.stream.batteries": {"zh-CN": "电池", "en": "Batteries"},
    "compliance.stream.textiles": {"zh-CN": "纺织品与鞋类", "en": "Textiles and footwear"},
    "compliance.stream.toys": {"zh-CN": "玩具", "en": "Toys"},
    "compliance.stream.sports": {"zh-CN": "运动休闲用品", "en": "Sports and leisure"},
    "compliance.stream.furniture": {"zh-CN": "家具", "en": "Furniture"},
    "compliance.stream.diy": {"zh-CN": "五金园艺", "en": "DIY and garden"},
    "compliance.qc.upload": {"zh-CN": "上传质检报告", "en": "Upload a QC report"},
    "compliance.qc.intro": {
        "zh-CN": "服饰、电子、美妆类目审核需要有效的质检报告(3–7 个工作日)。到期前 30 天提醒。",
        "en": "Apparel, electronics and beauty need a valid QC report for category review "
        "(3–7 working days). "
        "Reminders start 30 days before expiry.",
    },
    "compliance.qc.family": {"zh-CN": "类目", "en": "Category family"},
    "compliance.qc.family.apparel": {"zh-CN": "服饰", "en": "Apparel"},
    "compliance.qc.family.electronics": {"zh-CN": "电子", "en": "Electronics"},
    "compliance.qc.family.beauty": {"zh-CN": "美妆", "en": "Beauty"},
    "compliance.qc.file": {"zh-CN": "文件", "en": "File"},
    "compliance.qc.issuer": {"zh-CN": "出具机构", "en": "Issuer"},
    "compliance.qc.issued_on": {"zh-CN": "出具日期", "en": "Issued on"},
    "compliance.qc.expires_on": {"zh-CN": "到期日", "en": "Expires on"},
    "compliance.qc.none": {"zh-CN": "还没有质检报告。", "en": "No QC reports yet."},
    "compliance.qc.valid": {"zh-CN": "有效", "en": "Valid"},
    "compliance.qc.expiring": {"zh-CN": "即将到期", "en": "Expiring"},
    "compliance.qc.expired": {"zh-CN": "已过期/未生效", "en": "Expired / not yet valid"},
    "compliance.qc.download": {"zh-CN": "下载", "en": "Download"},
    "compliance.tab.check": {"zh-CN": "商品核对", "en": "Check a product"},
    "compliance.check.intro": {
        "zh-CN": "买货前核对:标题和属性写的材质、功能是否与 1688 货源一致(海关按真实材质归类:标题写硅胶、"
        "实为 PVC 的手机壳会被扣关),并给出 HS 编码候选。确认的编码会被模型学习。",
        "en": "Check before buying: do the title and attributes state the same material and functions as the "
        "1688 offer (customs classify by the real material: a PVC case titled 'silicone' gets held), with "
        "ranked HS candidates. Codes you confirm are learnt by the model.",
    },
    "compliance.check.title": {"zh-CN": "速卖通标题", "en": "AliExpress title"},
    "compliance.check.attrs": {
        "zh-CN": "速卖通属性(每行 名称=值)",
        "en": "AliExpress attributes (name=value per line)",
    },
    "compliance.check.offer_title": {"zh-CN": "1688 货源标题", "en": "1688 offer title"},
    "compliance.check.offer_attrs": {
        "zh-CN": "1688 货源属性(每行 名称=值)",
        "en": "1688 offer attributes (name=value per line)",
    },
    "compliance.check.category": {"zh-CN": "类目(可选)", "en": "Category (optional)"},
    "compliance.check.run": {"zh-CN": "核对", "en": "Check"},
    "compliance.check.found": {"zh-CN": "识别到的材质与功能", "en": "Materials and functions found"},
    "compliance.check.source": {"zh-CN": "来源", "en": "Source"},
    "compliance.check.materials": {"zh-CN": "材质", "en": "Materials"},
    "compliance.check.functions": {"zh-CN": "功能", "en": "Functions"},
    "compliance.check.conflicts": {"zh-CN": "冲突", "en": "Conflicts"},
    "compliance.check.no_conflicts": {"zh-CN": "未发现冲突。", "en": "No conflicts found."},
    "compliance.check.evidence": {"zh-CN": "证据", "en": "Evidence"},
    "compliance.check.proposed": {"zh-CN": "建议修改", "en": "Proposed correction"},
    "compliance.check.proposed_title": {"zh-CN": "标题", "en": "Title"},
    "compliance.check.proposed_attrs": {"zh-CN": "属性", "en": "Attributes"},
    "compliance.check.candidates": {"zh-CN": "HS 编码候选", "en": "HS candidates"},
    "compliance.check.confidence": {"zh-CN": "置信度", "en": "Confidence"},
    "compliance.check.heading": {"zh-CN": "品目", "en": "Heading"},
    "compliance.check.confirm": {"zh-CN": "确认此编码", "en": "Confirm this code"},
    "compliance.check.confirmed": {"zh-CN": "已确认 HS 编码", "en": "Confirmed HS code"},
    "compliance.check.source.listing_title": {"zh-CN": "速卖通标题", "en": "Listing title"},
    "compliance.check.source.listing_attributes": {"zh-CN": "速卖通属性", "en": "Listing attributes"},
    "compliance.check.source.offer_title": {"zh-CN": "1688 标题", "en": "Offer title"},
    "compliance.check.source.offer_attributes": {"zh-CN": "1688 属性", "en": "Offer attributes"},
}
