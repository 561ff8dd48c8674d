"""The freight-by-weight chart: the numbers behind it and the SVG built from them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from kuajing.logistics.catalog import shipped_catalog
from kuajing.logistics.chart import (
    Frame,
    Scale,
    Series,
    axis_ticks,
    freight_series,
    line_chart_svg,
    nice_step,
    runs,
)
from kuajing.logistics.landed import FxTable, QuoteRequest
from kuajing.logistics.model import Parcel, RateCard, Surcharge, WeightBand, Zone
from kuajing.logistics.rank import rank_lines
from kuajing.logistics.schemas import quote_to_dict

SVG = "{http://www.w3.org/2000/svg}"
FX = FxTable(date(2026, 1, 1), {"USD": Decimal("7.10")})


def _card(line_id: str = "test_line", battery_allowed: bool = True) -> RateCard:
    """$1.00 for the first 100 g, then $0.10 per 50 g up to 500 g; DE and FR only."""
    band = WeightBand(
        max_g=500, first_weight_g=100, first_fee=Decimal("1.00"), step_g=50, step_fee=Decimal("0.10")
    )
    zone = Zone("eu", ("DE", "FR"), (band,), (7, 12), Decimal("0.01"))
    return RateCard(
        line_id=line_id,
        name_zh="测试线路",
        name_en="Test line",
        kind="forwarder",
        currency="USD",
        valid_from=date(2026, 1, 1),
        valid_to=None,
        source="test",
        sample=True,
        version="1",
        zones=(zone,),
        max_weight_g=500,
        surcharges={"battery": Surcharge(allowed=battery_allowed, per_parcel=Decimal("0.50"))},
    )


def _name(card: RateCard) -> str:
    return card.name_en


# --- the numbers ---------------------------------------------------------------------------------


def test_freight_series_prices_each_weight_in_cny_and_leaves_refused_weights_empty() -> None:
    [series] = freight_series([_card()], "DE", FX, _name, weights=(100, 150, 500, 600))

    assert series.key == "test_line"
    assert series.label == "Test line"
    assert series.points == (
        (100, Decimal("7.10")),  # $1.00
        (150, Decimal("7.81")),  # $1.10
        (500, Decimal("12.78")),  # $1.80
        (600, None),  # over the card's 500 g limit
    )


def test_freight_series_adds_the_surcharge_for_special_goods() -> None:
    [series] = freight_series([_card()], "DE", FX, _name, special=("battery",), weights=(100,))

    assert series.points == ((100, Decimal("10.65")),)  # ¥7.10 + $0.50 → ¥3.55


def test_freight_series_leaves_out_lines_that_do_not_serve_the_country_or_refuse_the_goods() -> None:
    cards = [_card("serves"), _card("no_batteries", battery_allowed=False)]

    assert freight_series(cards, "US", FX, _name) == []
    assert [s.key for s in freight_series(cards, "DE", FX, _name, special=("battery",))] == ["serves"]


def test_freight_series_marks_the_line_to_emphasise() -> None:
    cards = [_card("a"), _card("b")]

    found = freight_series(cards, "FR", FX, _name, emphasise="b")

    assert [(s.key, s.emphasised) for s in found] == [("a", False), ("b", True)]


def test_a_point_at_the_quoted_weight_equals_the_quotes_freight_column() -> None:
    catalog = shipped_catalog()
    day = date(2026, 7, 2)
    request = QuoteRequest(Decimal("12.50"), 1, Parcel(200, battery=True), ("392690",), "DE", day)
    ranking = rank_lines(request, catalog.cards_on(day), catalog.rules, catalog.policy, catalog.fx)
    series = {
        s.key: dict(s.points)
        for s in freight_series(catalog.cards_on(day), "DE", catalog.fx, _name, special=("battery",))
    }

    assert ranking.quotes
    for quote in ranking.quotes:
        assert str(series[quote.line_id][200]) == quote_to_dict(quote)["freight"]["amount"], quote.line_id


# --- axes and scale ------------------------------------------------------------------------------


def test_nice_step_is_one_two_or_five_times_a_power_of_ten() -> None:
    assert nice_step(Decimal(2000), 8) == 500
    assert nice_step(Decimal("157.74"), 5) == 50
    assert nice_step(Decimal("8.5"), 5) == 2
    assert nice_step(Decimal(0)) == 1


def test_axis_ticks_start_at_zero_and_reach_past_the_highest_value() -> None:
    assert axis_ticks(Decimal("157.74")) == [0, 50, 100, 150, 200]
    assert axis_ticks(Decimal(150)) == [0, 50, 100, 150]


def test_runs_split_a_line_where_it_cannot_carry_the_weight() -> None:
    points = ((50, Decimal(1)), (100, None), (150, Decimal(2)), (200, Decimal(3)), (250, None))

    assert runs(points) == [[(50, Decimal(1))], [(150, Decimal(2)), (200, Decimal(3))]]
    assert runs(((50, None),)) == []


def test_scale_maps_the_origin_to_the_bottom_left_and_the_maximum_to_the_top_right() -> None:
    frame = Frame(width=300, height=200, left=50, right=50, top=10, bottom=40)
    scale = Scale(Decimal(2000), Decimal(100), frame)

    assert (scale.x(0), scale.y(0)) == (Decimal(50), Decimal(160))
    assert (scale.x(2000), scale.y(100)) == (Decimal(250), Decimal(10))
    assert scale.points([(1000, Decimal(50))]) == "150.0,85.0"


# --- the SVG -------------------------------------------------------------------------------------


def _svg(series: list[Series], marker_x: int | None = None) -> ET.Element:
    markup = line_chart_svg(series, x_label="重量 (g)", y_label="运费 (¥)", title="DE", marker_x=marker_x)
    return ET.fromstring(markup)


def test_the_chart_is_one_svg_with_a_polyline_per_unbroken_stretch() -> None:
    cheap = Series("cheap", "Cheap", ((50, Decimal(10)), (100, Decimal(12)), (150, None), (200, Decimal(20))))
    dear = Series("dear", "Dear", ((50, Decimal(30)), (100, Decimal(35))), emphasised=True)

    root = _svg([cheap, dear])

    assert root.tag == f"{SVG}svg"
    groups = {group.get("data-line"): group for group in root.iter(f"{SVG}g") if group.get("data-line")}
    assert len(groups["cheap"].findall(f"{SVG}polyline")) == 2
    [best] = groups["dear"].findall(f"{SVG}polyline")
    assert best.get("stroke-width") == "3"
    assert groups["dear"].get("class") == "series best"
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert {"Cheap", "Dear", "重量 (g)", "运费 (¥)", "0", "40"} <= set(texts)


def test_the_emphasised_line_is_drawn_last_so_nothing_hides_it() -> None:
    first = Series("best", "Best", ((50, Decimal(1)),), emphasised=True)
    second = Series("other", "Other", ((50, Decimal(1)),))

    order = [
        group.get("data-line") for group in _svg([first, second]).iter(f"{SVG}g") if group.get("data-line")
    ]

    assert order == ["other", "best"]


def test_the_marker_shows_the_parcels_weight_only_inside_the_axis() -> None:
    line = Series("a", "A", ((50, Decimal(1)), (2000, Decimal(9))))

    assert (
        len([el for el in _svg([line], marker_x=180).iter(f"{SVG}line") if el.get("class") == "marker"]) == 1
    )
    assert not [el for el in _svg([line], marker_x=5000).iter(f"{SVG}line") if el.get("class") == "marker"]


def test_labels_are_escaped_so_a_line_name_cannot_inject_markup() -> None:
    line = Series('x" onload="alert(1)', "<script>alert(1)</script> & co", ((50, Decimal(1)),))

    markup = line_chart_svg([line], x_label="g", y_label="¥", title="<b>")
    root = ET.fromstring(markup)

    assert "<script>" not in markup
    assert not list(root.iter(f"{SVG}script"))
    assert "<script>alert(1)</script> & co" in [text.text for text in root.iter(f"{SVG}text")]


def test_the_same_numbers_always_give_the_same_markup() -> None:
    series = freight_series([_card()], "DE", FX, _name)

    first = line_chart_svg(series, x_label="g", y_label="¥", title="t", marker_x=180)

    assert first == line_chart_svg(series, x_label="g", y_label="¥", title="t", marker_x=180)
    assert "NaN" not in first and "E+" not in first
