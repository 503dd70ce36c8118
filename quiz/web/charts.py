"""Charts drawn on the server as SVG: readable without JavaScript, with a text equivalent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 14
LABEL_WIDTH = 330
PLOT_WIDTH = 360
RIGHT = 70


@dataclass(frozen=True)
class ChartRow:
    label: str
    percent: float
    low: float   # band, percent
    high: float
    pass_mark: float | None = None


def _x(percent: float) -> float:
    return LABEL_WIDTH + PLOT_WIDTH * max(0.0, min(100.0, percent)) / 100.0


def area_chart(rows: Sequence[ChartRow], title: str, chart_id: str = "chart") -> Markup:
    """Horizontal bars per area with the 90% band as a whisker and the pass mark as a tick."""
    height = len(rows) * (BAR_HEIGHT + GAP) + 40
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT
    desc = "; ".join(
        f"{r.label}: {r.percent:.0f}% (90% band {r.low:.0f} to {r.high:.0f}%"
        + (f", pass mark {r.pass_mark:.0f}%" if r.pass_mark is not None else "") + ")"
        for r in rows
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for tick in (0, 25, 50, 75, 100):
        x = _x(tick)
        parts.append(f'<line x1="{x:.1f}" y1="8" x2="{x:.1f}" y2="{height - 22}" stroke="#d0d7de" stroke-width="1"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" fill="#555e69">'
                     f'{tick}%</text>')
    for i, row in enumerate(rows):
        y = 10 + i * (BAR_HEIGHT + GAP)
        mid = y + BAR_HEIGHT / 2
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{mid + 4:.1f}" font-size="13" text-anchor="end" '
                     f'fill="#1b1f24">{escape(row.label)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{_x(row.percent) - LABEL_WIDTH:.1f}" '
                     f'height="{BAR_HEIGHT}" fill="#6b8fd6"/>')
        parts.append(f'<line x1="{_x(row.low):.1f}" y1="{mid:.1f}" x2="{_x(row.high):.1f}" y2="{mid:.1f}" '
                     f'stroke="#1b1f24" stroke-width="2"/>')
        for end in (row.low, row.high):
            parts.append(f'<line x1="{_x(end):.1f}" y1="{mid - 6:.1f}" x2="{_x(end):.1f}" y2="{mid + 6:.1f}" '
                         f'stroke="#1b1f24" stroke-width="2"/>')
        if row.pass_mark is not None:
            parts.append(f'<line x1="{_x(row.pass_mark):.1f}" y1="{y - 3}" x2="{_x(row.pass_mark):.1f}" '
                         f'y2="{y + BAR_HEIGHT + 3}" stroke="#b3261e" stroke-width="3"/>')
        parts.append(f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 8}" y="{mid + 4:.1f}" font-size="13" '
                     f'fill="#1b1f24">{row.percent:.0f}%</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
