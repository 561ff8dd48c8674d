"""The supplier score at 0, 1, 10 and 500 observations, its explanation, reliability and the data file.

Figures come from the shipped ``scoring.toml``: on-time priors 91.7 % (超级工厂) and 63.4 % (others),
each worth 20 pseudo-parcels; the expected values are worked by hand from the Beta-binomial mean
(prior × 20 + on time) / (20 + observed).
"""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal
from typing import Any

import pytest

from kuajing.sourcing.scoring import (
    COMPONENTS,
    ScoringSettings,
    ScoringSettingsInvalid,
    SupplierHistory,
    SupplierProfile,
    Tally,
    parse_scoring_settings,
    score_supplier,
    supplier_reliability,
)
from kuajing.sourcing.supplier_scores import SCORING_FILE, scoring_settings

NEW_FACTORY = SupplierProfile("f1", "义乌工厂", trust_pass=True, trust_pass_years=3, super_factory=True)
ORDINARY = SupplierProfile("o1", "普通档口", trust_pass=True, trust_pass_years=3)


@pytest.fixture(scope="module")
def settings() -> ScoringSettings:
    return scoring_settings()


def _doc() -> dict[str, Any]:
    with SCORING_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _on_time(profile: SupplierProfile, on_time: int, observed: int, settings: ScoringSettings) -> Decimal:
    history = SupplierHistory(dispatch=Tally(on_time, observed))
    return score_supplier(profile, history, settings).component("on_time").value


# --- 0 observations ----------------------------------------------------------------------------


def test_no_history_gives_the_guide_prior_exactly(settings: ScoringSettings) -> None:
    assert _on_time(NEW_FACTORY, 0, 0, settings) == Decimal("0.917")
    assert _on_time(ORDINARY, 0, 0, settings) == Decimal("0.634")


def test_no_history_has_zero_confidence_and_says_nothing_is_measured(settings: ScoringSettings) -> None:
    score = score_supplier(NEW_FACTORY, SupplierHistory(), settings)

    assert score.confidence == 0
    on_time = score.component("on_time")
    assert on_time.observations == 0 and on_time.measured_share == 0
    assert "暂无实测" in on_time.text_zh and "91.7%" in on_time.text_zh
    assert "nothing measured yet" in on_time.text_en
    assert "暂无售后记录" in score.component("quality").text_zh


# --- 1 observation -----------------------------------------------------------------------------


def test_one_late_parcel_moves_a_new_super_factory_a_little(settings: ScoringSettings) -> None:
    rate = _on_time(NEW_FACTORY, 0, 1, settings)

    assert rate == Decimal("0.917") * 20 / 21  # 87.33 %: down 4.4 points, not to 0 %
    assert Decimal("0.87") < rate < Decimal("0.917")
    before = score_supplier(NEW_FACTORY, SupplierHistory(), settings).score
    after = score_supplier(NEW_FACTORY, SupplierHistory(dispatch=Tally(0, 1)), settings).score
    assert before - Decimal("1.5") < after < before


def test_one_on_time_parcel_moves_an_ordinary_supplier_up_a_little(settings: ScoringSettings) -> None:
    rate = _on_time(ORDINARY, 1, 1, settings)

    assert rate == (Decimal("0.634") * 20 + 1) / 21
    assert Decimal("0.634") < rate < Decimal("0.66")


# --- 10 observations ---------------------------------------------------------------------------


def test_ten_parcels_weigh_half_as_much_as_the_prior(settings: ScoringSettings) -> None:
    rate = _on_time(NEW_FACTORY, 5, 10, settings)
    score = score_supplier(NEW_FACTORY, SupplierHistory(dispatch=Tally(5, 10)), settings)

    assert rate == (Decimal("0.917") * 20 + 5) / 30  # 77.8 %: between 50 % measured and the prior
    assert score.component("on_time").measured_share == Decimal(10) / 30
    assert "实测 10 单中 5 单 ≤72 小时发货" in score.component("on_time").text_zh
    assert "5 of 10 orders dispatched within 72 h" in score.component("on_time").text_en


def test_ten_on_time_parcels_lift_an_ordinary_supplier_but_not_to_the_measured_rate(
    settings: ScoringSettings,
) -> None:
    rate = _on_time(ORDINARY, 10, 10, settings)

    assert rate == (Decimal("0.634") * 20 + 10) / 30
    assert Decimal("0.75") < rate < 1


# --- 500 observations --------------------------------------------------------------------------


def test_five_hundred_on_time_parcels_dominate_the_prior(settings: ScoringSettings) -> None:
    rate = _on_time(ORDINARY, 500, 500, settings)

    assert rate == (Decimal("0.634") * 20 + 500) / 520
    assert rate > Decimal("0.98")
    score = score_supplier(ORDINARY, SupplierHistory(dispatch=Tally(500, 500)), settings)
    assert score.component("on_time").measured_share == Decimal(500) / 520


def test_five_hundred_late_parcels_sink_even_a_super_factory(settings: ScoringSettings) -> None:
    assert _on_time(NEW_FACTORY, 0, 500, settings) < Decimal("0.04")


def test_ordinary_supplier_with_500_good_parcels_outranks_a_super_factory_without_history(
    settings: ScoringSettings,
) -> None:
    proven = SupplierProfile("o2", "老档口", trust_pass=True, trust_pass_years=3)
    proven_history = SupplierHistory(dispatch=Tally(500, 500))

    assert _on_time(proven, 500, 500, settings) > _on_time(NEW_FACTORY, 0, 0, settings)
    assert supplier_reliability(proven, proven_history, settings) > supplier_reliability(
        NEW_FACTORY, SupplierHistory(), settings
    )


def test_super_factory_without_history_outranks_an_ordinary_one_without_history(
    settings: ScoringSettings,
) -> None:
    assert (
        score_supplier(NEW_FACTORY, SupplierHistory(), settings).score
        > score_supplier(ORDINARY, SupplierHistory(), settings).score
    )


# --- the explanation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "history",
    [
        SupplierHistory(),
        SupplierHistory(dispatch=Tally(0, 1)),
        SupplierHistory(dispatch=Tally(7, 10), prices=Tally(3, 4)),
        SupplierHistory(dispatch=Tally(499, 500), quality=Tally(480, 500), claims=Tally(495, 500)),
    ],
)
@pytest.mark.parametrize("profile", [NEW_FACTORY, ORDINARY, SupplierProfile("x", "空白")])
def test_components_add_up_to_the_score_and_points_are_weight_times_value(
    profile: SupplierProfile, history: SupplierHistory, settings: ScoringSettings
) -> None:
    score = score_supplier(profile, history, settings)

    assert [component.key for component in score.components] == list(COMPONENTS)
    assert score.score == sum(component.points for component in score.components)
    assert sum(component.weight for component in score.components) == 100
    for component in score.components:
        assert 0 <= component.value <= 1
        assert abs(component.points - component.weight * component.value) <= Decimal("0.05")
        assert component.text_zh and component.text_en
    assert 0 <= score.score <= 100
    assert 0 <= score.confidence <= 1


def test_every_attribute_set_scores_100_with_perfect_history_in_the_limit(settings: ScoringSettings) -> None:
    best = SupplierProfile(
        "b",
        "最佳",
        trust_pass=True,
        trust_pass_years=8,
        super_factory=True,
        dropship=True,
        cross_border=True,
        iso9001=True,
        free_sample=True,
        custom_moq=50,
        credit_guarantee=True,
    )
    many = Tally(10**9, 10**9)
    score = score_supplier(best, SupplierHistory(many, many, many, many), settings)

    assert score.score == 100
    assert score.confidence == 1


def test_static_attributes_explain_themselves(settings: ScoringSettings) -> None:
    profile = SupplierProfile("s", "样品", custom_moq=51, english_customs_docs=True)
    score = score_supplier(profile, SupplierHistory(), settings)

    assert score.component("custom_friendly").points == 0  # 51 > 50: not custom-friendly
    assert "定制起订量 51(≤50 为定制友好)" in score.component("custom_friendly").text_zh
    assert score.component("cross_border").value == 1  # 支持英文报关单 counts as cross-border
    assert score.component("auto_order").value == Decimal("0.32")
    assert score.component("trust_pass_years").text_zh == "不是诚信通会员"
    assert score.component("auto_order").text_en.startswith("Automatic ordering succeeds 32.0%")


# --- reliability -------------------------------------------------------------------------------


def test_reliability_is_on_time_times_parcels_right_and_stays_in_0_1(settings: ScoringSettings) -> None:
    reliability = supplier_reliability(NEW_FACTORY, SupplierHistory(), settings)

    assert reliability == (Decimal("0.917") * Decimal("0.97")).quantize(Decimal("0.0001"))
    assert isinstance(reliability, Decimal)
    worst = supplier_reliability(ORDINARY, SupplierHistory(Tally(0, 10**6), Tally(0, 10**6)), settings)
    assert worst == 0


def test_a_tally_with_more_successes_than_observations_is_refused() -> None:
    with pytest.raises(ValueError):
        Tally(3, 2)


# --- the data file -----------------------------------------------------------------------------


def test_the_shipped_file_carries_the_guide_figures_with_sources(settings: ScoringSettings) -> None:
    assert settings.on_time_super_factory.mean == Decimal("0.917")
    assert settings.on_time_ordinary.mean == Decimal("0.634")
    assert settings.auto_order_eligible == 1 and settings.auto_order_other == Decimal("0.32")
    assert settings.custom_friendly_moq == 50 and settings.on_time_hours == 72
    assert "91.7" in settings.on_time_super_factory.source_note
    assert settings.quality.source_note and settings.auto_order_note


def _broken(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_doc())
    table = doc
    for key in path[:-1]:
        table = table[key]
    if value is None:
        del table[path[-1]]
    else:
        table[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (("weights", "on_time"), "31", "add up to 100"),
        (("weights", "lucky"), "0", "unknown ['lucky']"),
        (("weights", "iso9001"), None, "missing ['iso9001']"),
        (("on_time", "prior_super_factory"), "1.2", "prior_super_factory"),
        (("on_time", "prior_ordinary"), 0.634, "written as a string"),
        (("quality", "prior_strength"), "0", "prior_strength"),
        (("claims", "prior_mean"), "abc", "prior_mean"),
        (("on_time", "hours"), 0, "hours"),
        (("reliability", "components"), ["auto_order"], "[reliability]"),
        (("auto_order",), None, "missing table [auto_order]"),
    ],
)
def test_a_bad_settings_file_names_the_table_and_value(path: tuple[str, ...], value: Any, says: str) -> None:
    with pytest.raises(ScoringSettingsInvalid) as caught:
        parse_scoring_settings(_broken(path, value))

    assert says in caught.value.message_en
    assert "scoring.toml" in caught.value.message_en and caught.value.message_zh
