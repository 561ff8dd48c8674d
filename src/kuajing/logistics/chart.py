"""Freight cost by weight, drawn as an inline SVG line chart on the server (pure).

The calculator shows how each line's freight grows with weight, so a seller sees where a cheap
line stops being cheap (first weight, step size, band edges). The SVG is built here from numbers
instead of by a JavaScript chart library: the page stays one request, needs no CDN (often slow
or blocked from mainland China), prints, and the markup can be checked in unit tests.

Coordinates are Decimal rounded to 0.1 px, so the same numbers always give the same markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from kuajing.logistics.landed import FxTable
from kuajing.logistics.model import LineRefused, Parcel, RateCard, freight

WEIGHTS_G: tuple[int, ...] = tuple(range(50, 2001, 50))
PALETTE = ("#d4380d", "#0969da", "#1a7f37", "#8250df", "#bf8700", "#e85aad", "#1b7c83", "#6e7781")
_PIXEL = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Series:
    """One line on the chart: (weight g, freight CNY) points; None where the line refuses the weight."""

    key: str
    label: str
    points: tuple[tuple[int, Decimal | None], ...]
    emphasised: bool = False


@dataclass(frozen=True, slots=True)
class Frame:
    """The drawing area inside the SVG; the right margin holds the legend."""

    width: int = 1000
    height: int = 340
    left: int = 56
    right: int = 280
    top: int = 14
    bottom: int = 42

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


def freight_series(
    cards: Iterable[RateCard],
    country: str,
    fx: FxTable,
    label: Callable[[RateCard], str],
    *,
    special: Sequence[str] = (),
    weights: Sequence[int] = WEIGHTS_G,
    emphasise: str | None = None,
) -> list[Series]:
    """Each card's freight (with surcharges for ``special`` goods) in CNY at each weight, by actual
    weight: the parcel's size is left out so the curve shows the card's own price steps.

    Base and surcharges are converted one by one, as the quote converts them, so a point at the
    quoted weight equals the freight column of the table."""
    flags = {kind: kind in special for kind in ("battery", "liquid", "magnetic")}
    result: list[Series] = []
    for card in cards:
        if card.zone_for(country) is None:
            continue
        points: list[tuple[int, Decimal | None]] = []
        for grams in weights:
            try:
                charge = freight(card, Parcel(grams, None, **flags), country)
            except LineRefused:
                points.append((grams, None))
                continue
            parts = (charge.base, *charge.surcharges.values())
            points.append((grams, sum((fx.to_cny(part, card.currency) for part in parts), Decimal(0))))
        if any(amount is not None for _, amount in points):  # a line refusing every weight has no curve
            result.append(Series(card.line_id, label(card), tuple(points), card.line_id == emphasise))
    return result


def nice_step(span: Decimal, ticks: int = 5) -> Decimal:
    """A round step (1, 2 or 5 × 10ⁿ) that splits ``span`` into about ``ticks`` parts."""
    if span <= 0:
        return Decimal(1)
    raw = span / ticks
    magnitude = Decimal(1).scaleb(raw.adjusted())
    for factor in (1, 2, 5, 10):
        step = magnitude * factor
        if step >= raw:
            return step
    return magnitude * 10  # pragma: no cover - the loop always returns


def axis_ticks(high: Decimal, ticks: int = 5) -> list[Decimal]:
    """From 0 up to the first round value at or above ``high``."""
    step = nice_step(high, ticks)
    values = [Decimal(0)]
    while values[-1] < high:
        values.append(values[-1] + step)
    return values


def runs(points: Sequence[tuple[int, Decimal | None]]) -> list[list[tuple[int, Decimal]]]:
    """The stretches of consecutive priced points; a refused weight breaks the line."""
    found: list[list[tuple[int, Decimal]]] = []
    current: list[tuple[int, Decimal]] = []
    for grams, amount in points:
        if amount is None:
            if current:
                found.append(current)
            current = []
        else:
            current.append((grams, amount))
    if current:
        found.append(current)
    return found


@dataclass(frozen=True, slots=True)
class Scale:
    """Data → pixels: x from 0 to ``x_max`` grams, y from 0 to ``y_max`` yuan, y growing upwards."""

    x_max: Decimal
    y_max: Decimal
    frame: Frame

    def x(self, value: Decimal | int) -> Decimal:
        share = Decimal(value) / self.x_max if self.x_max else Decimal(0)
        return (self.frame.left + share * self.frame.plot_width).quantize(_PIXEL)

    def y(self, value: Decimal | int) -> Decimal:
        share = Decimal(value) / self.y_max if self.y_max else Decimal(0)
        return (self.frame.top + (1 - share) * self.frame.plot_height).quantize(_PIXEL)

    def points(self, run: Sequence[tuple[int, Decimal]]) -> str:
        return " ".join(f"{self.x(grams)},{self.y(amount)}" for grams, amount in run)


def line_chart_svg(
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    title: str,
    marker_x: int | None = None,
    frame: Frame | None = None,
) -> str:
    """The chart as one ``<svg>`` element; every text is escaped, so labels may be user data."""
    frame = frame or Frame()
    amounts = [amount for line in series for _, amount in line.points if amount is not None]
    weights = [grams for line in series for grams, _ in line.points]
    x_ticks = axis_ticks(Decimal(max(weights, default=1)), 8)
    y_ticks = axis_ticks(max(amounts, default=Decimal(1)), 5)
    scale = Scale(x_ticks[-1], y_ticks[-1], frame)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {frame.width} {frame.height}" width="{frame.width}" height="{frame.height}">',
        f"<title>{escape(title)}</title>",
        *_axes(scale, x_ticks, y_ticks, x_label, y_label),
    ]
    if marker_x is not None and 0 < marker_x <= scale.x_max:
        x = scale.x(marker_x)
        parts.append(
            f'<line class="marker" x1="{x}" y1="{frame.top}" x2="{x}" '
            f'y2="{frame.top + frame.plot_height}" stroke="#656d76" stroke-dasharray="4 3"/>'
        )
    colours = {line.key: PALETTE[index % len(PALETTE)] for index, line in enumerate(series)}
    # the emphasised line is drawn last, so no other line hides it where they cross
    for line in sorted(series, key=lambda line: line.emphasised):
        parts += _series(line, colours[line.key], scale)
    for index, line in enumerate(series):
        parts += _legend_entry(line, colours[line.key], index, frame)
    parts.append("</svg>")
    return "\n".join(parts)


def _axes(
    scale: Scale, x_ticks: Sequence[Decimal], y_ticks: Sequence[Decimal], x_label: str, y_label: str
) -> list[str]:
    frame = scale.frame
    base_y = frame.top + frame.plot_height
    right = frame.left + frame.plot_width
    parts = ['<g class="axes" font-size="11" fill="#656d76" stroke="none">']
    for value in y_ticks:
        y = scale.y(value)
        parts.append(f'<line x1="{frame.left}" y1="{y}" x2="{right}" y2="{y}" stroke="#d0d7de"/>')
        parts.append(f'<text x="{frame.left - 6}" y="{y + 4}" text-anchor="end">{value.normalize():f}</text>')
    for value in x_ticks:
        x = scale.x(value)
        parts.append(f'<line x1="{x}" y1="{base_y}" x2="{x}" y2="{base_y + 4}" stroke="#656d76"/>')
        parts.append(f'<text x="{x}" y="{base_y + 16}" text-anchor="middle">{value.normalize():f}</text>')
    parts.append(f'<line x1="{frame.left}" y1="{base_y}" x2="{right}" y2="{base_y}" stroke="#656d76"/>')
    parts.append(
        f'<text class="x-label" x="{frame.left + frame.plot_width // 2}" y="{frame.height - 6}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text class="y-label" x="12" y="{frame.top + frame.plot_height // 2}" text-anchor="middle" '
        f'transform="rotate(-90 12 {frame.top + frame.plot_height // 2})">{escape(y_label)}</text>'
    )
    parts.append("</g>")
    return parts


def _series(line: Series, colour: str, scale: Scale) -> list[str]:
    width = "3" if line.emphasised else "1.5"
    key = escape(line.key, quote=True)
    parts = [f'<g class="series{" best" if line.emphasised else ""}" data-line="{key}">']
    for run in runs(line.points):
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="{width}" '
            f'points="{scale.points(run)}"><title>{escape(line.label)}</title></polyline>'
        )
    parts.append("</g>")
    return parts


def _legend_entry(line: Series, colour: str, index: int, frame: Frame) -> list[str]:
    x = frame.width - frame.right + 16
    y = frame.top + 8 + index * 18
    weight = ' font-weight="600"' if line.emphasised else ""
    return [
        f'<line x1="{x}" y1="{y}" x2="{x + 18}" y2="{y}" stroke="{colour}" '
        f'stroke-width="{"3" if line.emphasised else "1.5"}"/>',
        f'<text x="{x + 24}" y="{y + 4}" font-size="11"{weight}>{escape(line.label)}</text>',
    ]


__all__ = [
    "WEIGHTS_G",
    "Frame",
    "Scale",
    "Series",
    "axis_ticks",
    "freight_series",
    "line_chart_svg",
    "nice_step",
    "runs",
]
