"""Why an order, a line, a purchase or an exception changed state — in the seller's two languages.

Every state change stores its reason as one English sentence (``orders.audit.record_change``; the
batch router even builds some in SQL), and databases already hold years of them. So the catalogue
reads the stored text instead of replacing it: each entry is a stable code, the English sentence
the code writes (``{fields}`` marking the values) and the Chinese one. ``explain`` matches a stored
reason against the entries and answers it in the language asked; English is the stored text itself.
A reason no entry knows (one typed by hand, or from an older version) is shown as stored.

A field's value may need translating too (a reason code, ``all``/``part``); ``FIELD_ZH`` holds those,
and a translator that answers None says "this is not my kind of value", so the entry does not match.
A platform's own words (1688's refusal message) are not ours to translate: they come back as
``quoted``, for the page to show as data beside the Chinese sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from kuajing.orders.reasons import REASONS, ReasonCode


def _codes_zh(value: str) -> str | None:
    """``unmapped_sku, out_of_stock`` (exception_reason) → their Chinese titles."""
    titles = []
    for code in value.split(", "):
        try:
            titles.append(REASONS[ReasonCode(code)].title_zh)
        except ValueError:
            return None
    return "、".join(titles)


def _one_code_zh(value: str) -> str | None:
    return _codes_zh(value) if "," not in value else None


_SEND_TYPE_ZH = {"all": "全部发货", "part": "部分发货"}
_RULE_KIND_ZH = {"exact": "精确", "prefix": "前缀", "regex": "正则"}
_VARIANTS = re.compile(r"^(\d+) variants$")


def _target_zh(value: str) -> str:
    found = _VARIANTS.match(value)
    return f"{found.group(1)} 个变体" if found else value


FIELD_ZH: dict[str, Callable[[str], str | None]] = {
    "codes": _codes_zh,
    "code": _one_code_zh,
    "send_type": lambda value: _SEND_TYPE_ZH.get(value),
    "kind": lambda value: _RULE_KIND_ZH.get(value),
    "target": _target_zh,
}
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class ChangeReason:
    code: str
    en: str  # exactly what the writer stores, ``{field}`` for each value
    zh: str
    quote: str | None = None  # a field that is a platform's own words: shown as data, untranslated

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        parts = _FIELD.split(self.en)  # literal, field, literal, field, …
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts)
        )
        return re.compile(f"^{regex}$", re.DOTALL)

    def fields(self, text: str) -> dict[str, str] | None:
        found = self.pattern.match(text)
        if found is None:
            return None
        values: dict[str, str] = {}
        for name, value in found.groupdict().items():
            translate = FIELD_ZH.get(name)
            shown = translate(value) if translate is not None else value
            if shown is None:
                return None
            values[name] = shown
        return values


def _r(code: str, en: str, zh: str, quote: str | None = None) -> ChangeReason:
    return ChangeReason(code, en, zh, quote)


# Most specific first: "{codes}" alone matches any single word, so it comes last.
CATALOGUE: tuple[ChangeReason, ...] = (
    # orders: synced, routed, bought, shipped (orders/sync.py, orders/routing_*.py, jobs_purchases.py)
    _r("order.synced", "synced from AliExpress ({status})", "从速卖通同步({status})"),
    _r(
        "order.closed_before_purchase",
        "AliExpress status {before} → {after} before purchase",
        "采购前速卖通状态 {before} → {after}",
    ),
    _r(
        "order.closed_after_purchase",
        "AliExpress closed the order ({status}) after purchase",
        "采购后速卖通关闭了订单({status})",
    ),
    _r("order.reread", "re-read before buying: {status}", "采购前重新读取订单:{status}"),
    _r(
        "order.window_passed",
        "cancellation window of {window} passed; re-read: {status}",
        "已过 {window} 的取消等待期;重新读取:{status}",
    ),
    _r("order.exceptions", "lines in the exception queue", "有订单行进入异常队列"),
    _r("order.unblocked", "every blocked line can be bought now", "受阻的订单行现在都可以采购"),
    _r("order.planned", "{count} purchase(s) planned", "已计划 {count} 个采购单"),
    _r("order.ae_cancelled", "AliExpress order cancelled", "速卖通订单已取消"),
    _r("order.bought", "every purchase placed", "所有采购单都已下单"),
    _r("order.needs_person", "a purchase needs a person", "有采购单需要人工处理"),
    _r(
        "order.tracking_uploaded",
        "tracking {tracking_no} uploaded ({send_type})",
        "运单号 {tracking_no} 已上传({send_type})",
    ),
    _r("order.tracking_refused", "AliExpress refused the tracking number", "速卖通拒绝了运单号"),
    _r("order.tracking_not_uploadable", "tracking not uploadable: {code}", "运单号无法上传:{code}"),
    # lines
    _r("line.cancelled_before_purchase", "order cancelled before purchase", "采购前订单已取消"),
    _r("line.routed", "buy {quantity} × {offer_id}/{spec_id}", "采购 {quantity} × {offer_id}/{spec_id}"),
    _r(
        "line.detached",
        "taken out of failed purchase {out_order_id}: alternate supplier",
        "从失败的采购单 {out_order_id} 中移出:改用其他供应商",
    ),
    _r("line.purchased", "in 1688 order {alibaba_order_id}", "已在 1688 订单 {alibaba_order_id} 中"),
    # purchases (purchasing/service.py, fulfilment/*.py, orders/actions.py, jobs_purchases.py)
    _r(
        "purchase.ae_cancelled",
        "AliExpress order cancelled before the purchase was sent",
        "采购单发出前速卖通订单已取消",
    ),
    _r("purchase.all_lines_cancelled", "every line cancelled by {actor}", "所有订单行已由 {actor} 取消"),
    _r(
        "purchase.planned",
        "planned as {out_order_id} for supplier {supplier}",
        "计划为采购单 {out_order_id},供应商 {supplier}",
    ),
    _r(
        "purchase.looking_up",
        "buying: looking up outOrderId {key} on 1688 first",
        "采购中:先按外部订单号 {key} 在 1688 查找",
    ),
    _r(
        "purchase.ambiguous",
        "{count} live 1688 orders carry outOrderId {key}",
        "1688 上有 {count} 个有效订单带有外部订单号 {key}",
    ),
    _r("purchase.attempt", "createCrossOrder attempt {attempt}", "1688 下单第 {attempt} 次尝试"),
    _r(
        "purchase.created",
        "created on 1688: 1688 order {alibaba_order_id}",
        "已在 1688 下单:1688 订单 {alibaba_order_id}",
    ),
    _r(
        "purchase.found",
        "found on 1688 by outOrderId {key}: 1688 order {alibaba_order_id}",
        "按外部订单号 {key} 在 1688 找到:1688 订单 {alibaba_order_id}",
    ),
    _r(
        "purchase.refused",
        "1688 refused: {platform_code} {message}",
        "1688 拒绝下单:{platform_code}",
        quote="message",
    ),
    _r(
        "purchase.shipped",
        "supplier shipped: {carrier} {tracking_no}",
        "供应商已发货:{carrier} {tracking_no}",
    ),
    _r(
        "purchase.tracking_on_ae",
        "tracking {tracking_no} on AliExpress via {service} ({send_type})",
        "运单号 {tracking_no} 已通过 {service} 上传到速卖通({send_type})",
    ),
    _r(
        "purchase.warehouse_order",
        "warehouse order {warehouse_order_id} ({service}) for domestic parcel {domestic}: "
        "tracking is now {intl}",
        "物流订单 {warehouse_order_id}({service}),国内包裹 {domestic}:国际运单号改为 {intl}",
    ),
    # exceptions: resolutions (orders/actions.py, orders/routing_service.py, fulfilment/*.py)
    _r("exception.approved", "approved by {actor}", "由 {actor} 批准"),
    _r("exception.alternate", "alternate supplier", "改用其他供应商"),
    _r("exception.order_cancelled", "order cancelled", "订单已取消"),
    _r("exception.rerouted", "re-routed: can be bought", "重新分配货源:可以采购"),
    _r("exception.no_longer_applies", "no longer applies", "已不再适用"),
    _r("exception.tracking_uploaded", "tracking uploaded", "运单号已上传"),
    _r(
        "exception.label_exists",
        "warehouse order already created: label {tracking_no} for the supplier",
        "物流订单已创建:供应商使用面单 {tracking_no}",
    ),
    _r(
        "exception.label",
        "warehouse order {warehouse_order_id}: label {tracking_no} for the supplier",
        "物流订单 {warehouse_order_id}:供应商使用面单 {tracking_no}",
    ),
    # anyone's cancel (orders/actions.py: lines, the order, exceptions)
    _r("cancelled_by", "cancelled by {actor}", "由 {actor} 取消"),
    # a SKU mapping rule saved (orders/actions.py)
    _r(
        "rule.saved",
        "{kind} {pattern} → 1688 {offer_id}/{target} × {multiplier}",
        "映射规则({kind}){pattern} → 1688 {offer_id}/{target} × {multiplier}",
    ),
    # an exception opened (orders/exceptions.opened_reason: its code and English message)
    # (the page shows the exception's own Chinese message beside it, so the English one is left out)
    _r("exception.opened", "{code}: {message}", "异常:{code}"),
    # a line sent to the queue (routing_service.exception_reason; purchasing: one code)
    _r("line.exception", "{codes}", "进入异常队列:{codes}"),
)
BY_CODE = {entry.code: entry for entry in CATALOGUE}


@dataclass(frozen=True)
class Explained:
    text: str
    code: str | None  # None: no entry knows the stored text; ``text`` is it, as stored
    quoted: str = ""  # a platform's own words, to be shown as data


def explain(stored: str, lang: str = "zh-CN") -> Explained:
    """A stored reason in ``lang`` (zh-CN or en); unknown text comes back as it was stored."""
    for entry in CATALOGUE:
        values = entry.fields(stored)
        if values is None:
            continue
        if not lang.lower().startswith("zh"):
            return Explained(stored, entry.code)
        quoted = values.pop(entry.quote, "") if entry.quote else ""
        return Explained(entry.zh.format(**values), entry.code, quoted)
    return Explained(stored, None)


__all__ = ["BY_CODE", "CATALOGUE", "FIELD_ZH", "ChangeReason", "Explained", "explain"]
