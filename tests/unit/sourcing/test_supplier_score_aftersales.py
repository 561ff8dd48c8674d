"""Parcels right and orders without a claim, measured from after-sales, blended with their priors.

Priors from the shipped ``scoring.toml``: parcels right 97 %, orders without a claim 98 %, each worth
20 pseudo-orders; expected values worked by hand from (prior × 20 + successes) / (20 + purchases).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kuajing.sourcing.scoring import ScoringSettings, SupplierHistory, SupplierProfile, Tally, score_supplier
from kuajing.sourcing.supplier_scores import scoring_settings

ORDINARY = SupplierProfile("o1", "普通档口", trust_pass=True, trust_pass_years=3)


@pytest.fixture(scope="module")
def settings() -> ScoringSettings:
    return scoring_settings()


def _history(purchases: int, supplier_errors: int, claims: int) -> SupplierHistory:
    return SupplierHistory(
        quality=Tally(purchases - supplier_errors, purchases), claims=Tally(purchases - claims, purchases)
    )


def test_purchases_without_any_case_stay_near_the_prior(settings: ScoringSettings) -> None:
    score = score_supplier(ORDINARY, _history(10, 0, 0), settings)

    quality = score.component("quality")
    assert quality.value == (Decimal("0.97") * 20 + 10) / 30  # 98.0 %: a little above the prior
    assert abs(quality.value - Decimal("0.97")) < Decimal("0.015")
    assert quality.observations == 10
    assert "实测 10 个包裹中 10 个无问题" in quality.text_zh and "先验 97.0%" in quality.text_zh
    assert score.component("claims").value == (Decimal("0.98") * 20 + 10) / 30


def test_several_wrong_item_cases_lower_the_parcels_right_rate_and_the_score(
    settings: ScoringSettings,
) -> None:
    clean = score_supplier(ORDINARY, _history(10, 0, 0), settings)
    wrong = score_supplier(ORDINARY, _history(10, 3, 3), settings)

    quality = wrong.component("quality")
    assert quality.value == (Decimal("0.97") * 20 + 7) / 30  # 88.0 %
    assert quality.value < clean.component("quality").value < 1
    assert "实测 10 个包裹中 7 个无问题" in quality.text_zh
    assert "7 of 10 parcels right" in quality.text_en
    assert wrong.component("claims").value == (Decimal("0.98") * 20 + 7) / 30
    assert wrong.score < clean.score
    assert wrong.reliability < clean.reliability  # quality is one of the reliability components


def test_no_purchase_shipped_means_the_priors_and_says_so(settings: ScoringSettings) -> None:
    score = score_supplier(ORDINARY, SupplierHistory(), settings)

    assert score.component("quality").value == Decimal("0.97")
    assert score.component("claims").value == Decimal("0.98")
    assert "暂无售后记录" in score.component("quality").text_zh
