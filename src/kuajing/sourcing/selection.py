"""Selection: what each offer spec lands at, earns and is expected to earn, per destination (pure).

For every spec × country the best logistics line (lowest expected cost, as ``rank_lines``) is
chosen and its figures kept: goods, freight, duty, VAT (shown, not in the total), fees, total,
margin, and the expected profit per order = (price − expected cost) × supplier reliability, where
the expected cost already carries the clearance-failure risk and reliability is the chance the
supplier ships on time (the supplier score; until it exists, the guide's priors: 超级工厂 91.7 %,
others 63.4 %).

The price is the user's (one USD price for every spec, as when comparing the offers of one
product), or by default the price that earns the target margin on the best line. Screening a
catalogue uses ``landed_matrix`` (exact to the fen at a given price). The target-margin price is
found by three fixed-point passes of the matrix (costs at a price → the price that covers them);
the figures shown are the matrix's exact figures *at the price shown*, so the margin can sit a
basis point or two off the target where a duty threshold moves — never misreported. Specs the
matrix cannot take (no weight, no line serves the parcel, a cost finer than 1/10,000 CNY) are
returned with the reason instead of a figure.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from kuajing.logistics.landed import CostPolicy, FxTable
from kuajing.logistics.matrix import COST_SCALE, LandedMatrix, OfferSpecs, landed_matrix
from kuajing.logistics.model import RateCard, round_money
from kuajing.logistics.taxes import TaxRuleBook

CUSTOM_FRIENDLY_MOQ = 50
SUPER_FACTORY_ON_TIME = Decimal("0.917")  # guide: ≤ 72 h dispatch, 超级工厂
ORDINARY_ON_TIME = Decimal("0.634")
CATEGORY_HS_FILE = Path(__file__).parent / "data" / "category_hs.toml"


def _category_hs() -> tuple[dict[str, str], str]:
    """HS codes when an offer states none (EU duty is €3 per distinct HS6, so the code matters): by
    category from ``data/category_hs.toml``; the page and the sheet say the code was assumed."""
    with CATEGORY_HS_FILE.open("rb") as handle:
        document = tomllib.load(handle)
    return {str(k): str(v) for k, v in document["category_hs"].items()}, str(document["default"])


DEFAULT_HS_BY_CATEGORY, DEFAULT_HS = _category_hs()
_PASSES = 3


@dataclass(frozen=True, slots=True)
class SupplierFacts:
    name: str
    super_factory: bool
    trust_pass: bool
    dropship: bool
    custom_moq: int | None
    cluster_code: str | None
    member_id: str = ""


class Reliability(Protocol):
    """The chance an order goes right with this supplier (0–1): ``selection_service.measured_reliability``
    (the supplier score's ``reliability``), or the guide's priors where nothing is measured."""

    def __call__(self, supplier: SupplierFacts) -> Decimal: ...


def prior_reliability(supplier: SupplierFacts) -> Decimal:
    return SUPER_FACTORY_ON_TIME if supplier.super_factory else ORDINARY_ON_TIME


@dataclass(frozen=True, slots=True)
class SpecCandidate:
    """One offer spec as selection reads it (``spec_id`` "" for an offer with no specs)."""

    offer_row_id: int
    offer_id: int
    spec_id: str
    spec_attributes: str
    title: str
    category: str | None
    unit_cost_cny: Decimal  # 代发价 where set, else the spec or first-tier price
    moq: int
    weight_g: int | None
    size_cm: tuple[Decimal, Decimal, Decimal] | None
    hs_code: str | None
    supplier_id: int
    supplier: SupplierFacts

    def hs(self) -> tuple[str, bool]:
        """The HS code used and whether it was assumed (the offer states none)."""
        if self.hs_code and sum(ch.isdigit() for ch in self.hs_code) >= 6:
            return self.hs_code, False
        return DEFAULT_HS_BY_CATEGORY.get(self.category or "", DEFAULT_HS), True


@dataclass(frozen=True, slots=True)
class Screened:
    candidate: SpecCandidate
    country: str
    line_id: str | None  # None: not screened (``reason`` says why)
    price_usd: Decimal | None
    goods_cny: Decimal | None
    freight_cny: Decimal | None
    duty_cny: Decimal | None
    vat_cny: Decimal | None
    fees_cny: Decimal | None  # packaging, commission, payment fee, allowances: total − the rest
    total_cny: Decimal | None
    expected_cost_cny: Decimal | None
    profit_cny: Decimal | None
    margin: Decimal | None
    reliability: Decimal
    expected_profit_cny: Decimal | None
    hs_code: str
    hs_assumed: bool
    reason: str = ""


def screen(
    candidates: Sequence[SpecCandidate],
    countries: Sequence[str],
    on: date,
    cards: Sequence[RateCard],
    rules: TaxRuleBook,
    policy: CostPolicy,
    fx: FxTable,
    *,
    price_usd: Decimal | None = None,
    margin: Decimal | None = None,
    reliability: Reliability = prior_reliability,
) -> list[Screened]:
    """Every candidate × country, in candidate order then country order."""
    usable, refused = _split(candidates)
    results: dict[tuple[int, str], Screened] = {}
    for index, reason in refused.items():
        for country in countries:
            results[(index, country)] = _refused(candidates[index], country, reliability, reason)
    if usable and cards:
        chosen = [candidates[i] for i in usable]
        for country in countries:
            matrix, prices = _price_and_figures(
                chosen, country, on, cards, rules, policy, fx, price_usd, margin
            )
            for j, index in enumerate(usable):
                results[(index, country)] = _figures(chosen[j], matrix, j, prices[j], fx, reliability)
    elif usable:
        for index in usable:
            for country in countries:
                results[(index, country)] = _refused(
                    candidates[index], country, reliability, "no line in force"
                )
    return [results[(i, country)] for i in range(len(candidates)) for country in countries]


def _split(candidates: Sequence[SpecCandidate]) -> tuple[list[int], dict[int, str]]:
    usable: list[int] = []
    refused: dict[int, str] = {}
    for index, candidate in enumerate(candidates):
        if not candidate.weight_g or candidate.weight_g <= 0:
            refused[index] = "no weight: set the parcel weight"
        elif candidate.unit_cost_cny < 0:
            refused[index] = "negative cost"
        elif (
            candidate.unit_cost_cny * COST_SCALE != (candidate.unit_cost_cny * COST_SCALE).to_integral_value()
        ):
            refused[index] = "cost finer than 1/10,000 CNY: quote it with landed_cost()"
        else:
            usable.append(index)
    return usable, refused


def _specs(chosen: Sequence[SpecCandidate], prices_cents: Sequence[int]) -> OfferSpecs:
    return OfferSpecs.from_decimals(
        [c.unit_cost_cny for c in chosen],
        [c.weight_g or 0 for c in chosen],
        [c.size_cm for c in chosen],
        [Decimal(cents).scaleb(-2) for cents in prices_cents],
        [c.hs()[0] for c in chosen],
    )


def _best_lines(matrix: LandedMatrix) -> NDArray[np.intp]:
    """Per spec, the line with the lowest expected cost among those that serve (country 0)."""
    expected = np.where(matrix.served[:, 0, :], matrix.expected_cost_fen[:, 0, :], np.iinfo(np.int64).max)
    best: NDArray[np.intp] = np.argmin(expected, axis=1)
    return best


def _price_and_figures(
    chosen: Sequence[SpecCandidate],
    country: str,
    on: date,
    cards: Sequence[RateCard],
    rules: TaxRuleBook,
    policy: CostPolicy,
    fx: FxTable,
    price_usd: Decimal | None,
    margin: Decimal | None,
) -> tuple[LandedMatrix, list[int]]:
    """The matrix at the final prices (USD cents per spec) for one country."""
    if price_usd is not None:
        prices = [int((price_usd * 100).to_integral_value(rounding=ROUND_HALF_UP))] * len(chosen)
        return landed_matrix(_specs(chosen, prices), [country], on, cards, rules, policy, fx), prices
    target = policy.target_margin if margin is None else margin
    rates = np.array([float(policy.price_rates(c.category)) for c in chosen])
    share = np.maximum(1.0 - rates - float(target), 0.01)
    usd = float(fx.rate("USD"))
    prices = [1000] * len(chosen)  # $10 to start; the passes move each price to what covers its costs
    for _ in range(_PASSES):
        matrix = landed_matrix(_specs(chosen, prices), [country], on, cards, rules, policy, fx)
        best = _best_lines(matrix)
        rows = np.arange(len(chosen))
        total = matrix.total_fen[rows, 0, best].astype(np.float64)
        price_fen = np.array(prices, dtype=np.float64) * usd
        fixed = total - price_fen * rates  # what does not scale with the price (an estimate)
        # Estimation only (floats): the figures kept are the matrix's, exact at the price chosen.
        prices = [max(1, int(p)) for p in np.ceil(fixed / (usd * share))]
    return landed_matrix(_specs(chosen, prices), [country], on, cards, rules, policy, fx), prices


def _fen(value: int) -> Decimal:
    return Decimal(int(value)).scaleb(-2)


def _figures(
    candidate: SpecCandidate,
    matrix: LandedMatrix,
    j: int,
    price_cents: int,
    fx: FxTable,
    reliability: Reliability,
) -> Screened:
    country = matrix.countries[0]
    served = matrix.served[j, 0, :]
    if not served.any():
        return _refused(candidate, country, reliability, "no line carries this parcel there")
    expected = np.where(served, matrix.expected_cost_fen[j, 0, :], np.iinfo(np.int64).max)
    line = int(np.argmin(expected))
    price = _fen(price_cents)
    goods = round_money(candidate.unit_cost_cny)
    freight, duty = _fen(matrix.freight_fen[j, 0, line]), _fen(matrix.duty_fen[j, 0, line])
    total = _fen(matrix.total_fen[j, 0, line])
    expected_cost = _fen(matrix.expected_cost_fen[j, 0, line])
    price_cny = fx.to_cny(price, "USD")
    chance = reliability(candidate.supplier)
    hs_code, assumed = candidate.hs()
    return Screened(
        candidate=candidate,
        country=country,
        line_id=matrix.line_ids[line],
        price_usd=price,
        goods_cny=goods,
        freight_cny=freight,
        duty_cny=duty,
        vat_cny=_fen(matrix.vat_fen[j, 0, line]),
        fees_cny=total - goods - freight - duty,
        total_cny=total,
        expected_cost_cny=expected_cost,
        profit_cny=price_cny - total,
        margin=Decimal(int(matrix.margin_bp[j, 0, line])).scaleb(-4),
        reliability=chance,
        expected_profit_cny=round_money((price_cny - expected_cost) * chance),
        hs_code=hs_code,
        hs_assumed=assumed,
    )


def _refused(candidate: SpecCandidate, country: str, reliability: Reliability, reason: str) -> Screened:
    hs_code, assumed = candidate.hs()
    none = None
    return Screened(
        candidate, country, none, none, none, none, none, none, none, none, none, none, none,
        reliability(candidate.supplier), none, hs_code, assumed, reason,
    )  # fmt: skip


# --- what a page, the API, the CLI and the export ask for -----------------------------------------

SORT_COLUMNS = (
    "expected_profit_cny",
    "margin",
    "price_usd",
    "total_cny",
    "freight_cny",
    "duty_cny",
    "goods_cny",
    "unit_cost_cny",
    "moq",
    "weight_g",
    "reliability",
    "title",
    "category",
    "supplier_name",
    "line_id",
)
PER_PAGE_CHOICES = (25, 50, 100, 200)


@dataclass(frozen=True, slots=True)
class SelectionQuery:
    """Filters, sort and page of the selection table (the page's query string, the API's too)."""

    country: str = "US"
    category: str | None = None
    max_moq: int | None = None
    custom_friendly: bool = False  # custom-order MOQ ≤ 50
    dropship_only: bool = False
    min_margin: Decimal | None = None
    cluster: str | None = None
    line: str | None = None
    text: str | None = None  # part of the title
    offer_row_ids: tuple[int, ...] = ()  # only these (the rows a user ticked)
    unserved: bool = False  # list the specs no line serves (with the reason) instead
    sort: str = "expected_profit_cny"
    descending: bool = True
    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        if self.sort not in SORT_COLUMNS:
            raise ValueError(f"sort must be one of {', '.join(SORT_COLUMNS)}")

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * self.per_page
