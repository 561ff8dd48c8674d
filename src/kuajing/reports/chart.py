"""The report pages' charts as inline SVG drawn on the server (pure; no JavaScript, no CDN), in the
style of ``logistics/chart.py`` and ``sourcing/supplier_charts.py``:

- ``profit_bars``: profit per group as horizontal bars (losses in red, left of the zero line);
- ``on_time_line``: on-time dispatch % per week as a line with a dot per week;
- ``claim_bars``: per week, refunded to buyers / claimed from suppliers / recovered, side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from kuajing.reports.model import ProfitGroup, WeekClaims, WeekOnTime

_PIXEL = Decimal("0.1")
WIDTH = 640


def _px(value: Decimal | int) -> str:
    return str(Decimal(value).quantize(_PIXEL, ROUND_HALF_UP))


def profit_bars(groups: Sequence[ProfitGroup], *, title: str, limit: int = 15) -> str:
    shown = list(groups)[:limit]
    row, left, right = 22, 160, 80
    height = 30 + row * max(1, len(shown))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart profit-bars" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    if not shown:
        parts.append('<text x="10" y="20">—</text></svg>')
        return "".join(parts)
    high = max(max(abs(group.profit) for group in shown), Decimal(1))
    negative = any(group.profit < 0 for group in shown)
    span = Decimal(WIDTH - left - right)
    zero = Decimal(left) + (span / 2 if negative else Decimal(0))
    scale = (span / 2 if negative else span) / high
    parts.append(f'<line x1="{_px(zero)}" y1="20" x2="{_px(zero)}" y2="{height - 6}" stroke="#999"/>')
    for index, group in enumerate(shown):
        y = 22 + index * row
        length = abs(group.profit) * scale
        x = zero - length if group.profit < 0 else zero
        colour = "#c0392b" if group.profit < 0 else "#2e7d32"
        parts.append(
            f'<text x="{left - 6}" y="{y + 12}" text-anchor="end" font-size="11">'
            f"{escape(group.label[:24])}</text>"
            f'<rect class="bar" data-key="{escape(group.key)}" x="{_px(x)}" y="{y}" width="{_px(length)}" '
            f'height="{row - 6}" fill="{colour}"/>'
            f'<text x="{_px(zero + length + 4 if group.profit >= 0 else zero + 4)}" y="{y + 12}" '
            f'font-size="11">¥{group.profit:.2f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def on_time_line(weeks: Sequence[WeekOnTime], *, title: str) -> str:
    height, left, bottom, top = 200, 40, 30, 14
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart sla-trend" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    plot_h = Decimal(height - bottom - top)
    for tick in (0, 50, 100):
        y = Decimal(top) + plot_h * (100 - tick) / 100
        parts.append(
            f'<line x1="{left}" y1="{_px(y)}" x2="{WIDTH - 10}" y2="{_px(y)}" stroke="#eee"/>'
            f'<text x="{left - 4}" y="{_px(y + 4)}" text-anchor="end" font-size="10">{tick}%</text>'
        )
    dated = [week for week in weeks if week.rate is not None]
    if not dated:
        parts.append(f'<text x="{left + 10}" y="{height // 2}">—</text></svg>')
        return "".join(parts)
    step = Decimal(WIDTH - left - 30) / max(1, len(dated) - 1) if len(dated) > 1 else Decimal(0)
    points = []
    for index, week in enumerate(dated):
        assert week.rate is not None
        x = Decimal(left + 10) + step * index
        y = Decimal(top) + plot_h * (1 - week.rate)
        points.append(f"{_px(x)},{_px(y)}")
        parts.append(
            f'<circle class="week" data-week="{week.week.isoformat()}" cx="{_px(x)}" cy="{_px(y)}" r="3" '
            f'fill="#1565c0"><title>{week.week.isoformat()}: {week.on_time}/{week.decided}</title></circle>'
            f'<text x="{_px(x)}" y="{height - 10}" text-anchor="middle" font-size="10">'
            f"{week.week.strftime('%m-%d')}</text>"
        )
    parts.insert(2, f'<polyline fill="none" stroke="#1565c0" stroke-width="2" points="{" ".join(points)}"/>')
    parts.append("</svg>")
    return "".join(parts)


CLAIM_SERIES = (("refunded", "#c0392b"), ("claimed", "#ef6c00"), ("recovered", "#2e7d32"))


def claim_bars(weeks: Sequence[WeekClaims], *, title: str) -> str:
    height, left, bottom, top = 200, 50, 30, 14
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart claim-trend" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    if not weeks:
        parts.append(f'<text x="{left + 10}" y="{height // 2}">—</text></svg>')
        return "".join(parts)
    high = max(max(week.refunded, week.claimed, week.recovered) for week in weeks)
    high = max(high, Decimal(1))
    plot_h = Decimal(height - bottom - top)
    slot = Decimal(WIDTH - left - 10) / len(weeks)
    bar = min(slot / 4, Decimal(18))
    parts.append(
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="10">¥{high:.0f}</text>'
        f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - 10}" y2="{height - bottom}" stroke="#999"/>'
    )
    for index, week in enumerate(weeks):
        x0 = Decimal(left) + slot * index + (slot - bar * 3) / 2
        for position, (name, colour) in enumerate(CLAIM_SERIES):
            value: Decimal = getattr(week, name)
            bar_h = plot_h * value / high
            parts.append(
                f'<rect class="{name}" data-week="{week.week.isoformat()}" x="{_px(x0 + bar * position)}" '
                f'y="{_px(Decimal(height - bottom) - bar_h)}" width="{_px(bar)}" height="{_px(bar_h)}" '
                f'fill="{colour}"><title>{week.week.isoformat()} {name}: ¥{value:.2f}</title></rect>'
            )
        middle = _px(x0 + bar * Decimal("1.5"))
        parts.append(
            f'<text x="{middle}" y="{height - 10}" text-anchor="middle" font-size="10">'
            f"{week.week.strftime('%m-%d')}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
