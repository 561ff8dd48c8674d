"""The scorecard's two charts as inline SVG drawn on the server (pure), like logistics/chart.py:
no JavaScript library, no CDN (often slow or blocked from mainland China), and checkable in tests.

- ``on_time_chart``: measured on-time dispatch per month (bars, with n under each) and the prior
  as a dashed line, so a seller sees how far the supplier's own history is from the guide figure;
- ``components_chart``: each score component's points against its weight (the grey track).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from kuajing.sourcing.scoring import Component, Tally

_PIXEL = Decimal("0.1")


def _px(value: Decimal | int) -> str:
    return str(Decimal(value).quantize(_PIXEL, ROUND_HALF_UP))


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(_PIXEL, ROUND_HALF_UP)}%"


def on_time_chart(
    months: Sequence[tuple[str, Tally]], prior: Decimal, *, title: str, prior_label: str
) -> str:
    """Bars of the on-time rate per month (height = on time / dispatched) and the prior line."""
    width, height, left, right, top, bottom = 720, 240, 44, 16, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = Decimal(plot_w) / max(len(months), 1)
    bar = min(slot * Decimal("0.7"), Decimal(48))

    def y(rate: Decimal) -> Decimal:
        return top + plot_h - rate * plot_h

    parts = [
        f'<svg class="chart on-time-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    for tick in (0, 25, 50, 75, 100):
        ty = _px(y(Decimal(tick) / 100))
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty}" y2="{ty}" stroke="#eaeef2"/>'
            f'<text x="{left - 6}" y="{ty}" font-size="11" text-anchor="end" '
            f'dominant-baseline="middle">{tick}%</text>'
        )
    for index, (month, tally) in enumerate(months):
        rate = Decimal(tally.successes) / tally.observations if tally.observations else Decimal(0)
        x = left + slot * index + (slot - bar) / 2
        centre = _px(left + slot * index + slot / 2)
        parts.append(
            f'<rect class="month" data-month="{escape(month)}" x="{_px(x)}" y="{_px(y(rate))}" '
            f'width="{_px(bar)}" height="{_px(rate * plot_h)}" fill="#0969da">'
            f"<title>{escape(month)}: {tally.successes}/{tally.observations} = {_pct(rate)}</title></rect>"
            f'<text x="{centre}" y="{height - 24}" font-size="11" text-anchor="middle">{escape(month)}</text>'
            f'<text x="{centre}" y="{height - 10}" font-size="10" fill="#656d76" text-anchor="middle">'
            f"n={tally.observations}</text>"
        )
    py = _px(y(prior))
    parts.append(
        f'<line class="prior" x1="{left}" x2="{width - right}" y1="{py}" y2="{py}" stroke="#d4380d" '
        f'stroke-dasharray="6 4" stroke-width="2"/>'
        f'<text x="{width - right}" y="{_px(y(prior) - 4)}" font-size="11" fill="#d4380d" text-anchor="end">'
        f"{escape(prior_label)} {_pct(prior)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def components_chart(components: Sequence[Component], labels: dict[str, str], *, title: str) -> str:
    """One horizontal bar per component: points earned over a grey track as long as its weight."""
    label_w, bar_w, row_h, top = 200, 420, 22, 28
    width, height = label_w + bar_w + 90, top + row_h * len(components) + 8
    largest = max((component.weight for component in components), default=Decimal(1)) or Decimal(1)
    scale = Decimal(bar_w) / largest
    parts = [
        f'<svg class="chart components-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    for index, component in enumerate(components):
        y = top + row_h * index
        label = escape(labels.get(component.key, component.key))
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 11}" font-size="12" text-anchor="end" '
            f'dominant-baseline="middle">'
            f"{label}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{_px(component.weight * scale)}" height="16" '
            f'fill="#eaeef2"/>'
            f'<rect class="component" data-key="{component.key}" x="{label_w}" y="{y + 3}" '
            f'width="{_px(component.points * scale)}" height="16" fill="#1a7f37"/>'
            f'<text x="{_px(label_w + component.weight * scale + 6)}" y="{y + 11}" font-size="11" '
            f'dominant-baseline="middle">{component.points} / {component.weight}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["components_chart", "on_time_chart"]
