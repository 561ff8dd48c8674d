"""Why an order line was not bought or not fulfilled: the reason catalog behind the exception queue.

Every line that leaves the automatic path carries one or more ``ReasonCode``; the queue shows each
one as a sentence a seller would write, what to do about it, and a machine ``fix`` id that the page
turns into a button (``add_mapping`` opens the mapping editor, ``approve_manual`` buys anyway …).

Messages are templates filled with the decision's facts (``{sku}``, ``{pct}`` …). A fact that is
missing never crashes the page: ``describe`` falls back to the reason's short title.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    # Routing (before buying).
    UNMAPPED_SKU = "unmapped_sku"
    OFFER_UNAVAILABLE = "offer_unavailable"
    OUT_OF_STOCK = "out_of_stock"
    PRICE_MOVED = "price_moved"
    MARGIN_BELOW_FLOOR = "margin_below_floor"
    DESTINATION_NOT_SERVED = "destination_not_served"
    NO_DROPSHIP_RELATION = "no_dropship_relation"
    SUPPLIER_NOT_ELIGIBLE = "supplier_not_eligible"
    ADDRESS_INCOMPLETE = "address_incomplete"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_FROZEN = "order_frozen"
    ORDER_IN_ISSUE = "order_in_issue"
    MANUAL_APPROVAL_REQUIRED = "manual_approval_required"
    # Buying on 1688.
    SUPPLIER_REFUSED = "supplier_refused"
    AMBIGUOUS_PURCHASE = "ambiguous_purchase"
    # Fulfilment on AliExpress.
    CARRIER_NOT_APPROVED = "carrier_not_approved"
    TRACKING_PATTERN_MISMATCH = "tracking_pattern_mismatch"
    FULFIL_REFUSED = "fulfil_refused"


# The buttons the queue can offer; every Reason.fix is one of these.
FIX_ACTIONS: frozenset[str] = frozenset(
    {
        "add_mapping",
        "approve_manual",
        "pick_alternate_supplier",
        "cancel_order",
        "fix_address",
        "create_warehouse_order",
        "ask_supplier_for_approved_carrier",
        "retry_fulfil",
        "review_purchase",
        "update_cost",
    }
)


@dataclass(frozen=True, slots=True)
class Reason:
    """One catalog entry. ``message_*`` may hold ``{fact}`` placeholders; ``title_*`` never does."""

    code: ReasonCode
    message_zh: str
    message_en: str
    action_zh: str
    action_en: str
    fix: str
    title_zh: str
    title_en: str


@dataclass(frozen=True, slots=True)
class ReasonText:
    """A reason ready to show: messages filled with the facts of one line."""

    code: ReasonCode
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    action_zh: str
    action_en: str
    fix: str

    def message(self, lang: str = "zh-CN") -> str:
        return self.message_zh if lang.lower().startswith("zh") else self.message_en

    def action(self, lang: str = "zh-CN") -> str:
        return self.action_zh if lang.lower().startswith("zh") else self.action_en


def _reason(
    code: ReasonCode, title: tuple[str, str], message: tuple[str, str], action: tuple[str, str], fix: str
) -> Reason:
    return Reason(code, message[0], message[1], action[0], action[1], fix, title[0], title[1])


_C = ReasonCode
REASONS: dict[ReasonCode, Reason] = {
    r.code: r
    for r in (
        _reason(
            _C.UNMAPPED_SKU,
            ("未找到SKU映射", "No SKU mapping"),
            (
                "未找到SKU映射:速卖通SKU {sku} 没有对应的1688商品规格",
                "No SKU mapping: AliExpress SKU {sku} has no matching 1688 offer and spec",
            ),
            (
                "添加映射规则(精确、前缀或正则)后重新分配",
                "Add a mapping rule (exact, prefix or regex), then route the order again",
            ),
            "add_mapping",
        ),
        _reason(
            _C.OFFER_UNAVAILABLE,
            ("1688商品已下架或规格不存在", "1688 offer or spec gone"),
            (
                "1688商品 {offer_id} 已下架,或规格 {spec_id} 已不存在",
                "1688 offer {offer_id} is delisted or its spec {spec_id} no longer exists",
            ),
            (
                "重新映射到在售的商品规格后重试",
                "Map the SKU to an offer and spec that are on sale, then retry",
            ),
            "add_mapping",
        ),
        _reason(
            _C.OUT_OF_STOCK,
            ("1688库存不足", "Out of stock on 1688"),
            (
                "1688库存不足:需要 {needed} 件,现有 {stock} 件",
                "Out of stock on 1688: {needed} needed, {stock} available",
            ),
            (
                "换一个有货的供应商,或等供应商补货后重试",
                "Pick another supplier with stock, or retry once the supplier restocks",
            ),
            "pick_alternate_supplier",
        ),
        _reason(
            _C.PRICE_MOVED,
            ("1688价格变动过大", "1688 price moved"),
            (
                "价格较映射时变动 {pct}%(¥{mapped_cost} → ¥{current_cost}),超过允许的 {tolerance}%",
                "Price moved {pct}% since mapping (¥{mapped_cost} → ¥{current_cost}), "
                "more than the allowed {tolerance}%",
            ),
            (
                "核对新价格并更新映射成本,确认无误后重新分配",
                "Check the new price and update the mapping's cost, then route the order again",
            ),
            "update_cost",
        ),
        _reason(
            _C.MARGIN_BELOW_FLOOR,
            ("利润率低于下限", "Margin below floor"),
            (
                "扣除平台佣金后利润率 {margin}%,低于下限 {floor}%",
                "Margin after platform commission is {margin}%, below the {floor}% floor",
            ),
            (
                "调整售价或换更便宜的货源;确认亏本也要发货时人工下单",
                "Raise the price or find a cheaper source; approve by hand to ship at this margin",
            ),
            "approve_manual",
        ),
        _reason(
            _C.DESTINATION_NOT_SERVED,
            ("目的国不在发货范围", "Destination not served"),
            (
                "不发往 {country}:团队未开通该国,或供应商不发该地区",
                "{country} is not served: the team does not ship there, or the supplier does not",
            ),
            (
                "换一个能发往该国的供应商;团队不做该国时取消订单",
                "Pick a supplier that ships there; cancel the order if the team does not serve it",
            ),
            "pick_alternate_supplier",
        ),
        _reason(
            _C.NO_DROPSHIP_RELATION,
            ("未建立代发关系", "No dropship relation"),
            (
                "与供应商 {supplier} 未建立一件代发关系",
                "No dropship (一件代发) relation with supplier {supplier}",
            ),
            (
                "在1688向该供应商申请代发关系,或换已建立关系的供应商",
                "Ask the supplier for a dropship relation on 1688, or pick a supplier that has one",
            ),
            "pick_alternate_supplier",
        ),
        _reason(
            _C.SUPPLIER_NOT_ELIGIBLE,
            ("供应商不满足自动下单条件", "Supplier not eligible for automatic ordering"),
            (
                "供应商 {supplier} 不是{required_zh},不能自动下单",
                "Supplier {supplier} is not {required_en}, so it is not bought from automatically",
            ),
            (
                "人工确认后下单,或映射到符合条件的供应商",
                "Approve the purchase by hand, or map the SKU to a supplier that qualifies",
            ),
            "approve_manual",
        ),
        _reason(
            _C.ADDRESS_INCOMPLETE,
            ("收货地址不完整", "Address incomplete"),
            (
                "收货地址不完整,缺少:{missing_zh}",
                "The shipping address is incomplete, missing: {missing_en}",
            ),
            (
                "补全买家地址(1688需要省、市、区、街道四级及收件人和电话)后重试",
                "Complete the buyer's address (1688 needs province, city, district, street, "
                "name and phone), then retry",
            ),
            "fix_address",
        ),
        _reason(
            _C.ORDER_CANCELLED,
            ("订单已取消", "Order cancelled"),
            ("买家已取消订单,不再采购", "The buyer cancelled the order; nothing will be bought"),
            (
                "无需采购;如已下1688单,请尽快取消(下单约15分钟内可免费取消)",
                "Nothing to buy; cancel any 1688 order already placed (free within about 15 minutes)",
            ),
            "cancel_order",
        ),
        _reason(
            _C.ORDER_FROZEN,
            ("订单被冻结", "Order frozen"),
            (
                "订单被速卖通冻结(风控或资金冻结),暂不采购",
                "AliExpress has frozen the order (risk control or funds), so it is not bought yet",
            ),
            (
                "等待速卖通解冻后人工确认下单",
                "Wait until AliExpress releases the order, then approve the purchase by hand",
            ),
            "approve_manual",
        ),
        _reason(
            _C.ORDER_IN_ISSUE,
            ("订单有纠纷", "Order in dispute"),
            ("订单存在纠纷,暂不采购", "The order has an open dispute, so it is not bought yet"),
            (
                "先处理纠纷,确认仍需发货后人工下单",
                "Settle the dispute first; approve the purchase by hand if it must still ship",
            ),
            "approve_manual",
        ),
        _reason(
            _C.MANUAL_APPROVAL_REQUIRED,
            ("需要人工确认", "Needs approval"),
            (
                "店铺设置为每笔采购都需人工确认",
                "The store is set to approve every purchase by hand",
            ),
            ("核对商品、价格和地址后确认下单", "Check item, price and address, then approve"),
            "approve_manual",
        ),
        _reason(
            _C.SUPPLIER_REFUSED,
            ("1688拒绝下单", "1688 refused the order"),
            (
                "1688拒绝下单:{platform_message}(错误码 {platform_code})",
                "1688 refused the order: {platform_message} (code {platform_code})",
            ),
            (
                "按错误原因处理后重试,必要时换供应商",
                "Fix what the error says and retry, or pick another supplier",
            ),
            "review_purchase",
        ),
        _reason(
            _C.AMBIGUOUS_PURCHASE,
            ("找到多个1688订单", "Several 1688 orders found"),
            (
                "外部单号 {out_order_id} 对应多个未取消的1688订单({order_ids}),不会再自动下单",
                "More than one live 1688 order carries key {out_order_id} ({order_ids}); "
                "nothing more is bought automatically",
            ),
            (
                "核对这些1688订单,保留一个并取消其余",
                "Check these 1688 orders, keep one and cancel the others",
            ),
            "review_purchase",
        ),
        _reason(
            _C.CARRIER_NOT_APPROVED,
            ("物流商不在速卖通认可名单", "Carrier not approved by AliExpress"),
            (
                "供应商使用的物流 {carrier} 不在速卖通认可名单中,运单不会更新,也不计入物流指标",
                "The supplier's carrier {carrier} is not on AliExpress's approved list: tracking "
                "will not update and the order will not count for logistics metrics",
            ),
            (
                "请供应商改用认可物流,或自己创建速卖通物流订单并把面单号交给供应商",
                "Ask the supplier to use an approved carrier, or create the AliExpress logistics "
                "order yourself and give the supplier the label number",
            ),
            "ask_supplier_for_approved_carrier",
        ),
        _reason(
            _C.TRACKING_PATTERN_MISMATCH,
            ("运单号格式不符", "Tracking number does not match"),
            (
                "运单号 {tracking_no} 不符合物流服务 {service} 的单号规则",
                "Tracking number {tracking_no} does not match the pattern of service {service}",
            ),
            (
                "向供应商核对运单号和物流服务后重新上传",
                "Check the number and service with the supplier, then upload again",
            ),
            "retry_fulfil",
        ),
        _reason(
            _C.FULFIL_REFUSED,
            ("速卖通拒绝声明发货", "AliExpress refused the tracking"),
            (
                "速卖通拒绝上传运单:{platform_message}(错误码 {platform_code})",
                "AliExpress refused the tracking upload: {platform_message} (code {platform_code})",
            ),
            (
                "按错误原因修正后重新声明发货",
                "Fix what the error says, then upload the tracking again",
            ),
            "retry_fulfil",
        ),
    )
}


def _fill(template: str, fallback: str, facts: dict[str, object]) -> str:
    try:
        return template.format_map(facts)
    except (KeyError, IndexError, ValueError, AttributeError):
        # A fact the caller did not have: the short title still says what is wrong.
        return fallback


def describe(code: ReasonCode, /, **facts: object) -> ReasonText:
    """The reason's texts filled with ``facts``; a missing fact gives the bare title, never an error."""
    reason = REASONS[ReasonCode(code)]
    return ReasonText(
        code=reason.code,
        title_zh=reason.title_zh,
        title_en=reason.title_en,
        message_zh=_fill(reason.message_zh, reason.title_zh, facts),
        message_en=_fill(reason.message_en, reason.title_en, facts),
        action_zh=reason.action_zh,
        action_en=reason.action_en,
        fix=reason.fix,
    )
