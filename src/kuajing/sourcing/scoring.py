"""The supplier score (pure: no I/O, no clock): measured history blended with the guide's priors.

Each measured rate (dispatch within 72 h, parcels right, orders without a claim, prices that held)
is a Beta-binomial posterior mean::

    rate = (prior_mean × prior_strength + successes) / (prior_strength + observations)

so a supplier with no history scores exactly its prior (91.7 % on time for a 超级工厂, 63.4 % for
others, guide §3), one late parcel moves a new supplier a little, and 500 parcels outweigh the
prior. The rates and the static attributes (诚信通 years, 超级工厂, 一件代发, 跨境专供 …) each earn
``weight × value`` points out of 100; the score is the sum of the points as shown (each rounded to
0.1), so the explanation always adds up. Priors and weights live in ``data/scoring.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from kuajing.kit.errors import KuajingError

MEASURED = ("on_time", "quality", "claims", "price_stability")
STATIC = (
    "auto_order",
    "trust_pass_years",
    "super_factory",
    "dropship",
    "cross_border",
    "iso9001",
    "free_sample",
    "custom_friendly",
    "credit_guarantee",
)
COMPONENTS = MEASURED + STATIC
_TENTH = Decimal("0.1")
_ONE = Decimal(1)


class ScoringSettingsInvalid(KuajingError):
    code = "scoring_settings_invalid"
    http_status = 500


@dataclass(frozen=True, slots=True)
class SupplierProfile:
    """What 1688 (or the team's file) says about a supplier: the static attributes."""

    member_id: str
    name: str
    trust_pass: bool = False
    trust_pass_years: int = 0
    super_factory: bool = False
    dropship: bool = False
    cross_border: bool = False
    english_customs_docs: bool = False
    iso9001: bool = False
    free_sample: bool = False
    custom_moq: int | None = None
    credit_guarantee: bool = False

    @property
    def auto_order_eligible(self) -> bool:
        """诚信通 + 超级工厂: the pair the guide says automatic ordering always succeeds with."""
        return self.trust_pass and self.super_factory


@dataclass(frozen=True, slots=True)
class Tally:
    """``successes`` out of ``observations`` (on-time parcels out of parcels dispatched, …)."""

    successes: int = 0
    observations: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.successes <= self.observations:
            raise ValueError(
                f"a tally needs 0 ≤ successes ≤ observations, got {self.successes}/{self.observations}"
            )


@dataclass(frozen=True, slots=True)
class SupplierHistory:
    """What was measured; ``quality`` and ``claims`` come from the after-sales records (supplier_history)."""

    dispatch: Tally = Tally()  # purchases dispatched within the hours, of those whose clock ran out
    quality: Tally = Tally()  # parcels received right (not wrong, missing or damaged)
    claims: Tally = Tally()  # orders without a claim against the supplier
    prices: Tally = Tally()  # later price reads within max_rise of the earlier one


@dataclass(frozen=True, slots=True)
class Prior:
    mean: Decimal
    strength: Decimal
    source_note: str


@dataclass(frozen=True, slots=True)
class ScoringSettings:
    on_time_hours: int
    on_time_super_factory: Prior
    on_time_ordinary: Prior
    quality: Prior
    claims: Prior
    price_stability: Prior
    max_price_rise: Decimal
    auto_order_eligible: Decimal
    auto_order_other: Decimal
    auto_order_note: str
    trust_pass_full_years: int
    custom_friendly_moq: int
    weights: Mapping[str, Decimal]
    reliability_components: tuple[str, ...]
    source: str

    def on_time_prior(self, profile: SupplierProfile) -> Prior:
        return self.on_time_super_factory if profile.super_factory else self.on_time_ordinary


@dataclass(frozen=True, slots=True)
class Component:
    """One line of the explanation: ``points = weight × value`` (rounded to 0.1)."""

    key: str
    value: Decimal  # in [0, 1]
    weight: Decimal
    points: Decimal
    text_zh: str
    text_en: str
    observations: int | None = None  # None for a static attribute
    prior: Decimal | None = None
    measured_share: Decimal | None = None  # observations / (observations + prior strength)

    def text(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_zh


@dataclass(frozen=True, slots=True)
class SupplierScore:
    score: Decimal  # 0–100, the sum of the components' points
    components: tuple[Component, ...]
    confidence: Decimal  # 0–1: how much of the measured part is measured rather than prior
    reliability: Decimal  # 0–1: the probability an order goes right

    def component(self, key: str) -> Component:
        return next(component for component in self.components if component.key == key)


# --- the settings file ---------------------------------------------------------------------------


def _decimal(doc: Mapping[str, Any], key: str, where: str, low: Decimal, high: Decimal | None) -> Decimal:
    raw = doc.get(key)
    try:
        value = Decimal(str(raw)) if isinstance(raw, str | int) and not isinstance(raw, bool) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < low or (high is not None and value > high):
        bound = f"[{low}, {high}]" if high is not None else f"≥ {low}"
        raise ScoringSettingsInvalid(
            f"{where}: {key} must be a number {bound} written as a string, got {raw!r}",
            f"{where}:{key} 应为 {bound} 的数字(写成字符串),实为 {raw!r}",
        )
    return value


def _int(doc: Mapping[str, Any], key: str, where: str) -> int:
    raw = doc.get(key)
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 1:
        raise ScoringSettingsInvalid(
            f"{where}: {key} must be a whole number ≥ 1, got {raw!r}",
            f"{where}:{key} 应为 ≥1 的整数,实为 {raw!r}",
        )
    return raw


def _table(doc: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    table = doc.get(key)
    if not isinstance(table, Mapping):
        raise ScoringSettingsInvalid(f"{where}: missing table [{key}]", f"{where}:缺少 [{key}] 表")
    return table


def _prior(table: Mapping[str, Any], mean_key: str, where: str) -> Prior:
    return Prior(
        mean=_decimal(table, mean_key, where, Decimal(0), _ONE),
        strength=_decimal(table, "prior_strength", where, Decimal("0.000001"), None),
        source_note=str(table.get("source_note", "")),
    )


def parse_scoring_settings(doc: Mapping[str, Any], where: str = "scoring.toml") -> ScoringSettings:
    """The settings from ``scoring.toml``'s parsed document; every bad value named with its table."""
    on_time = _table(doc, "on_time", where)
    auto = _table(doc, "auto_order", where)
    attributes = _table(doc, "attributes", where)
    weights_doc = _table(doc, "weights", where)
    unknown = sorted(set(weights_doc) - set(COMPONENTS))
    missing = [key for key in COMPONENTS if key not in weights_doc]
    if unknown or missing:
        raise ScoringSettingsInvalid(
            f"{where} [weights]: unknown {unknown}, missing {missing}",
            f"{where} [weights]:未知的项 {unknown},缺少的项 {missing}",
        )
    weights = {
        key: _decimal(weights_doc, key, f"{where} [weights]", Decimal(0), Decimal(100)) for key in COMPONENTS
    }
    total = sum(weights.values(), Decimal(0))
    if total != 100:
        raise ScoringSettingsInvalid(
            f"{where} [weights]: the weights must add up to 100, they add up to {total}",
            f"{where} [weights]:权重之和应为 100,实为 {total}",
        )
    chosen = _table(doc, "reliability", where).get("components")
    if not isinstance(chosen, list) or not chosen or any(key not in MEASURED for key in chosen):
        raise ScoringSettingsInvalid(
            f"{where} [reliability]: components must be a non-empty list drawn from {list(MEASURED)}, "
            f"got {chosen!r}",
            f"{where} [reliability]:components 应为 {list(MEASURED)} 中的项组成的非空列表,实为 {chosen!r}",
        )
    stability = _table(doc, "price_stability", where)
    return ScoringSettings(
        on_time_hours=_int(on_time, "hours", f"{where} [on_time]"),
        on_time_super_factory=_prior(on_time, "prior_super_factory", f"{where} [on_time]"),
        on_time_ordinary=_prior(on_time, "prior_ordinary", f"{where} [on_time]"),
        quality=_prior(_table(doc, "quality", where), "prior_mean", f"{where} [quality]"),
        claims=_prior(_table(doc, "claims", where), "prior_mean", f"{where} [claims]"),
        price_stability=_prior(stability, "prior_mean", f"{where} [price_stability]"),
        max_price_rise=_decimal(stability, "max_rise", f"{where} [price_stability]", Decimal(0), None),
        auto_order_eligible=_decimal(auto, "eligible_success", f"{where} [auto_order]", Decimal(0), _ONE),
        auto_order_other=_decimal(auto, "other_success", f"{where} [auto_order]", Decimal(0), _ONE),
        auto_order_note=str(auto.get("source_note", "")),
        trust_pass_full_years=_int(attributes, "trust_pass_full_years", f"{where} [attributes]"),
        custom_friendly_moq=_int(attributes, "custom_friendly_moq", f"{where} [attributes]"),
        weights=weights,
        reliability_components=tuple(str(key) for key in chosen),
        source=str(doc.get("source", "")),
    )


# --- the score -----------------------------------------------------------------------------------


def blended_rate(prior: Prior, tally: Tally) -> Decimal:
    """The Beta-binomial posterior mean: the prior exactly at 0 observations, the measured rate in
    the limit."""
    return (prior.mean * prior.strength + tally.successes) / (prior.strength + tally.observations)


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(_TENTH, ROUND_HALF_UP)}%"


@dataclass(frozen=True, slots=True)
class _Measure:
    prior: Prior
    tally: Tally
    what_zh: str
    what_en: str
    unit_zh: str  # after "实测 {n} "; {s} is the successes
    unit_en: str  # after "{s} of {n} "


def _measured(
    settings: ScoringSettings, profile: SupplierProfile, history: SupplierHistory
) -> dict[str, _Measure]:
    hours = settings.on_time_hours
    rise = _pct(settings.max_price_rise)
    return {
        "on_time": _Measure(
            settings.on_time_prior(profile), history.dispatch, "按时发货率", "On-time dispatch",
            f"单中 {{s}} 单 ≤{hours} 小时发货", f"orders dispatched within {hours} h",
        ),
        "quality": _Measure(
            settings.quality, history.quality, "到货无错发/漏发/破损",
            "Parcels right (not wrong, missing or damaged)", "个包裹中 {s} 个无问题", "parcels right",
        ),
        "claims": _Measure(
            settings.claims, history.claims, "无索赔订单", "Orders without a claim",
            "单中 {s} 单无索赔", "orders without a claim",
        ),
        "price_stability": _Measure(
            settings.price_stability, history.prices, "价格稳定", "Price stability",
            f"次复查中 {{s}} 次涨幅 ≤{rise}", f"later reads within +{rise}",
        ),
    }  # fmt: skip


def _measured_component(key: str, measure: _Measure, weight: Decimal) -> Component:
    prior, tally = measure.prior, measure.tally
    what_zh, what_en, unit_zh, unit_en = measure.what_zh, measure.what_en, measure.unit_zh, measure.unit_en
    rate = blended_rate(prior, tally)
    n, s = tally.observations, tally.successes
    if n:
        zh = f"{what_zh} {_pct(rate)}(实测 {n} {unit_zh.format(s=s)},先验 {_pct(prior.mean)})"
        en = f"{what_en} {_pct(rate)} (measured: {s} of {n} {unit_en}; prior {_pct(prior.mean)})"
    else:
        none_zh = "暂无售后记录" if key in ("quality", "claims") else "暂无实测"
        none_en = "no after-sales records yet" if key in ("quality", "claims") else "nothing measured yet"
        zh = f"{what_zh} {_pct(rate)}({none_zh},采用先验 {_pct(prior.mean)})"
        en = f"{what_en} {_pct(rate)} ({none_en}: the prior {_pct(prior.mean)})"
    return Component(
        key=key,
        value=rate,
        weight=weight,
        points=(weight * rate).quantize(_TENTH, ROUND_HALF_UP),
        text_zh=zh,
        text_en=en,
        observations=n,
        prior=prior.mean,
        measured_share=Decimal(n) / (prior.strength + n),
    )


def _yes(flag: bool) -> tuple[str, str]:
    return ("是", "yes") if flag else ("否", "no")


def _static(settings: ScoringSettings, profile: SupplierProfile) -> dict[str, tuple[Decimal, str, str]]:
    """key → (value in [0, 1], zh sentence, en sentence) for each static attribute."""
    p = profile
    full = settings.trust_pass_full_years
    years = min(p.trust_pass_years, full) if p.trust_pass else 0
    auto = settings.auto_order_eligible if p.auto_order_eligible else settings.auto_order_other
    moq, limit = p.custom_moq, settings.custom_friendly_moq
    friendly = moq is not None and moq <= limit
    result = {
        "auto_order": (
            auto,
            f"自动下单成功率 {_pct(auto)}"
            f"({'诚信通 + 超级工厂' if p.auto_order_eligible else '非诚信通 + 超级工厂'})",
            f"Automatic ordering succeeds {_pct(auto)} "
            f"({'TrustPass + super factory' if p.auto_order_eligible else 'not TrustPass + super factory'})",
        ),
        "trust_pass_years": (
            Decimal(years) / full,
            f"诚信通 {p.trust_pass_years} 年(满 {full} 年得满分)" if p.trust_pass else "不是诚信通会员",
            f"TrustPass for {p.trust_pass_years} years ({full} earn full points)"
            if p.trust_pass
            else "not a TrustPass member",
        ),
        "custom_friendly": (
            Decimal(friendly),
            f"定制起订量 {moq if moq is not None else '未知'}(≤{limit} 为定制友好)",
            f"custom-order MOQ {moq if moq is not None else 'unknown'} (≤ {limit} is custom-friendly)",
        ),
    }
    flags = {
        "super_factory": (p.super_factory, "超级工厂", "Super factory"),
        "dropship": (p.dropship, "一件代发", "Dropship"),
        "cross_border": (p.cross_border or p.english_customs_docs, "跨境专供/支持英文报关单",
                         "Cross-border / English customs docs"),
        "iso9001": (p.iso9001, "ISO9001", "ISO9001"),
        "free_sample": (p.free_sample, "免费打样", "Free samples"),
        "credit_guarantee": (p.credit_guarantee, "信用保障", "Credit guarantee"),
    }  # fmt: skip
    for key, (flag, zh, en) in flags.items():
        yes_zh, yes_en = _yes(flag)
        result[key] = (Decimal(flag), f"{zh}:{yes_zh}", f"{en}: {yes_en}")
    return result


def score_supplier(
    profile: SupplierProfile, history: SupplierHistory, settings: ScoringSettings
) -> SupplierScore:
    """The 0–100 score with every component's value, weight, points and a sentence in zh and en."""
    weights = settings.weights
    measured = _measured(settings, profile, history)
    components = [_measured_component(key, measured[key], weights[key]) for key in MEASURED]
    for key, (value, zh, en) in _static(settings, profile).items():
        points = (weights[key] * value).quantize(_TENTH, ROUND_HALF_UP)
        components.append(Component(key, value, weights[key], points, zh, en))
    order = {key: index for index, key in enumerate(COMPONENTS)}
    components.sort(key=lambda component: order[component.key])
    measured_weight = sum((weights[key] for key in MEASURED), Decimal(0))
    confidence = (
        sum((c.weight * (c.measured_share or 0) for c in components[: len(MEASURED)]), Decimal(0))
        / measured_weight
        if measured_weight
        else Decimal(0)
    )
    return SupplierScore(
        score=sum((c.points for c in components), Decimal(0)),
        components=tuple(components),
        confidence=confidence.quantize(Decimal("0.01"), ROUND_HALF_UP),
        reliability=_reliability(components, settings),
    )


def _reliability(components: list[Component], settings: ScoringSettings) -> Decimal:
    result = _ONE
    for component in components:
        if component.key in settings.reliability_components:
            result *= component.value
    return min(max(result, Decimal(0)), _ONE).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def supplier_reliability(
    profile: SupplierProfile, history: SupplierHistory, settings: ScoringSettings
) -> Decimal:
    """The probability an order from this supplier goes right (in [0, 1], 4 places): the product of the
    blended rates named in ``[reliability] components`` — for selection's expected profit × reliability."""
    return score_supplier(profile, history, settings).reliability


__all__ = [
    "COMPONENTS",
    "Component",
    "Prior",
    "ScoringSettings",
    "ScoringSettingsInvalid",
    "SupplierHistory",
    "SupplierProfile",
    "SupplierScore",
    "Tally",
    "blended_rate",
    "parse_scoring_settings",
    "score_supplier",
    "supplier_reliability",
]
