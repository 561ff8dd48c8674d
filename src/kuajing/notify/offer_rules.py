"""Alert rules on mapped 1688 offers: stock-out and price rise — pure, plus the one query they need.

A spec is *mapped* when an enabled SKU mapping rule names it (its fixed ``spec_id`` or a value of
its ``variant_map``). Against the latest offer snapshot:

- stock-out: the spec's stock is 0 → ``stock_out:offer:<offer>:spec:<spec>``. Keyed by the spec
  alone, so a spec out of stock for days alerts once; once restocked the cause is no longer raised
  and the alert pass closes its episode (``notify.run.EPISODIC_KINDS``), so a new stock-out alerts
  again.
- price rise: the spec's price (代发价 ``consign_price``, else ``price``, as routing reads it) above
  the rule's ``unit_cost`` by more than the routing tolerance → keyed by the new price as well, so
  the same price alerts once and a further rise alerts again. Compared by multiplication, as in
  ``orders.routing``: exactly at the tolerance is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.notify.model import Cause
from kuajing.orders.tables import SkuMappingRuleRow
from kuajing.sourcing.tables import OfferSnapshotRow

ACTION_STOCK = (
    "联系供应商确认补货时间,或把映射改到有货的规格/供应商",
    "ask the supplier when it restocks, or map the SKU to a spec or supplier in stock",
)
ACTION_PRICE = (
    "确认新价格后更新映射成本,或换供应商;必要时调整速卖通售价",
    "confirm the new price and update the mapping's cost, or change supplier; reprice if needed",
)


@dataclass(frozen=True, slots=True)
class MappedSpec:
    """One mapping rule's 1688 spec, with what the latest snapshot says of it."""

    rule_id: int
    pattern: str
    offer_id: int
    spec_id: str
    unit_cost: Decimal | None
    subject: str
    spec: dict[str, Any] | None  # the snapshot's entry; None: the spec is not in the snapshot


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _stock(spec: dict[str, Any]) -> int | None:
    value = spec.get("stock")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def offer_causes(mapped: Iterable[MappedSpec], tolerance: Decimal) -> list[Cause]:
    causes: dict[str, Cause] = {}  # several rules may map the same spec: one cause each
    for item in mapped:
        if item.spec is None:
            continue  # a vanished spec is the routing's "offer unavailable" exception, not this rule
        where_zh = f"1688 商品 {item.offer_id} 规格 {item.spec_id}({item.subject[:40]},映射 {item.pattern})"
        where_en = (
            f"1688 offer {item.offer_id} spec {item.spec_id} ({item.subject[:40]}, mapping {item.pattern})"
        )
        if _stock(item.spec) == 0:
            key = f"stock_out:offer:{item.offer_id}:spec:{item.spec_id}"
            causes.setdefault(key, Cause(
                key, "stock_out",
                f"{where_zh} 已断货。下一步:{ACTION_STOCK[0]}",
                f"{where_en} is out of stock. Next: {ACTION_STOCK[1]}",
            ))  # fmt: skip
        price = _decimal(item.spec.get("consign_price")) or _decimal(item.spec.get("price"))
        cost = item.unit_cost
        if price is None or cost is None or cost <= 0 or price - cost <= tolerance * cost:
            continue
        pct = (price - cost) / cost * 100
        key = f"price_rise:offer:{item.offer_id}:spec:{item.spec_id}:{price:f}"
        causes.setdefault(key, Cause(
            key, "price_rise",
            f"{where_zh} 涨价 {pct:.1f}%:¥{cost:f} → ¥{price:f}(容差 {tolerance * 100:.0f}%)。"
            f"下一步:{ACTION_PRICE[0]}",
            f"{where_en} price up {pct:.1f}%: CNY {cost:f} → {price:f} (tolerance {tolerance * 100:.0f}%). "
            f"Next: {ACTION_PRICE[1]}",
        ))  # fmt: skip
    return list(causes.values())


def mapped_specs(session: Session) -> Sequence[MappedSpec]:
    """Every enabled rule's spec(s) beside the offer's latest snapshot (rules without one are skipped)."""
    query = (
        select(SkuMappingRuleRow, OfferSnapshotRow)
        .join(OfferSnapshotRow, OfferSnapshotRow.offer_id == SkuMappingRuleRow.offer_id)
        .where(SkuMappingRuleRow.enabled.is_(True))
        .order_by(SkuMappingRuleRow.id)
    )
    found: list[MappedSpec] = []
    for rule, offer in session.execute(query):
        specs = (
            [rule.spec_id] if rule.spec_id else sorted({str(v) for v in (rule.variant_map or {}).values()})
        )
        for spec_id in specs:
            entry = (offer.specs or {}).get(spec_id)
            found.append(
                MappedSpec(rule.id, rule.pattern, rule.offer_id, spec_id, rule.unit_cost, offer.subject,
                           entry if isinstance(entry, dict) else None)
            )  # fmt: skip
    return found
