"""The best line for an order or a product × country: lowest expected cost (pure).

Expected cost = what the line costs + P(clearance failure) × (goods + reshipment + lost margin)
(PRODUCT.md §5): a forwarder $1 cheaper with 5.8 % failures can lose to an official line.
All lines are compared at one price: the request's, or else the lowest price that earns the
target margin on any line that can carry the parcel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from kuajing.kit.errors import ValidationFailed
from kuajing.logistics.landed import CostPolicy, FxTable, Quote, QuoteRequest, landed_cost, price_for_margin
from kuajing.logistics.model import LineRefused, RateCard, percent
from kuajing.logistics.taxes import TaxRuleBook


@dataclass(frozen=True, slots=True)
class Ranking:
    quotes: tuple[Quote, ...]  # best first
    refused: dict[str, str]  # line id → reason it cannot carry the parcel
    explanation_zh: str
    explanation_en: str

    @property
    def best(self) -> Quote | None:
        return self.quotes[0] if self.quotes else None


def rank_lines(
    request: QuoteRequest, cards: Sequence[RateCard], rules: TaxRuleBook, policy: CostPolicy, fx: FxTable
) -> Ranking:
    usable: list[RateCard] = []
    refused: dict[str, str] = {}
    for card in cards:
        if not card.valid_on(request.on):
            refused[card.line_id] = "card_not_valid_on_date"
            continue
        reason = card.refusal(request.parcel, request.country)
        if reason is None and card.zone_for(request.country) is not None:
            zone = card.zone_for(request.country)
            if zone is not None and zone.band_for(card.chargeable_weight_g(request.parcel)) is None:
                reason = "too_heavy"
        if reason:
            refused[card.line_id] = reason
        else:
            usable.append(card)
    if not usable:
        return Ranking((), refused, "没有线路能承运此包裹", "No line can carry this parcel")
    if request.price_usd is None:
        price = min(price_for_margin(request, card, rules, policy, fx) for card in usable)
        request = replace(request, price_usd=price)
    quotes: list[Quote] = []
    for card in usable:
        try:
            quotes.append(landed_cost(request, card, rules, policy, fx))
        except LineRefused as refusal:
            refused[card.line_id] = str(refusal.details.get("reason", "refused"))
    quotes.sort(key=lambda q: (q.expected_cost.amount, q.freight.transit_days[1], q.line_id))
    zh, en = explain(quotes, request)
    return Ranking(tuple(quotes), refused, zh, en)


def explain(quotes: Sequence[Quote], request: QuoteRequest) -> tuple[str, str]:
    """One sentence, each language: the winner, its expected cost, and why it beats the runner-up."""
    if not quotes:
        raise ValidationFailed("nothing to explain", "没有可比较的线路")
    best = quotes[0]
    weight = f"{best.chargeable_weight_g} g"
    head_zh = (
        f"{best.line_name_zh} 是发往 {request.country} 的最优线路({weight}):"
        f"预期成本 ¥{best.expected_cost.amount}(运费 ¥{_freight(best)},"
        f"清关风险 ¥{best.risk.amount})"
    )
    head_en = (
        f"{best.line_name_en} is the best line to {request.country} ({weight}): expected "
        f"¥{best.expected_cost.amount} (freight ¥{_freight(best)}, "
        f"clearance risk ¥{best.risk.amount})"
    )
    if len(quotes) == 1:
        return head_zh + ",是唯一参与比较的线路。", head_en + ", the only line compared."
    second = quotes[1]
    gap = second.expected_cost.amount - best.expected_cost.amount
    cheaper_freight = _freight(second) < _freight(best)
    if cheaper_freight:
        why_zh = (
            f"{second.line_name_zh} 运费更低,但 {percent(second.clearance_failure_rate)}% 的清关失败率"
            f"使预期成本高出 ¥{gap}"
        )
        why_en = (
            f"{second.line_name_en} has cheaper freight, but its {percent(second.clearance_failure_rate)} % "
            f"clearance-failure rate makes it ¥{gap} dearer in expectation"
        )
    else:
        why_zh = f"比次优的 {second.line_name_zh} 低 ¥{gap}"
        why_en = f"¥{gap} less than the runner-up, {second.line_name_en}"
    return f"{head_zh};{why_zh}。", f"{head_en}; {why_en}."


def _freight(quote: Quote) -> Decimal:
    """What the line charges: base freight and its surcharges (CNY), as the tables show it."""
    keys = ("freight", "surcharge")
    return sum((item.cny.amount for item in quote.lines if item.key.startswith(keys)), Decimal(0))
