"""Small server-rendered SVG bar charts (no JavaScript, no CDN).

A chart is a list of bars (label, value, colour); values are agreement figures in
[-1, 1] (kappa and alpha can be negative) or None (undefined, drawn as a dash).
Every label is HTML-escaped.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

ROW = 24
LABEL_WIDTH = 150
BAR_WIDTH = 260
VALUE_WIDTH = 60
DEFAULT_COLOUR = "#4a6fa5"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    colour: str = DEFAULT_COLOUR


def bar_chart(bars: list[Bar], title: str) -> SafeString:
    """A horizontal bar chart; the scale runs from min(0, lowest value) to 1."""
    lowest = min([0.0] + [b.value for b in bars if b.value is not None])
    span = 1.0 - lowest
    zero = LABEL_WIDTH + BAR_WIDTH * (-lowest / span)
    height = ROW * len(bars) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    rows = [_row(index, bar, lowest, span, zero) for index, bar in enumerate(bars)]
    axis = format_html('<line x1="{0}" y1="0" x2="{0}" y2="{1}" stroke="#888" stroke-width="1"/>',
                       f"{zero:.1f}", height)
    return format_html(
        '<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" direction="ltr" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-label="{t}"><title>{t}</title>{rows}{axis}</svg>',
        w=width, h=height, t=title, rows=mark_safe("".join(rows)), axis=axis,
    )


def _row(index: int, bar: Bar, lowest: float, span: float, zero: float) -> str:
    y = index * ROW + 4
    label = format_html(
        '<text x="{x}" y="{y}" text-anchor="end" dominant-baseline="middle" font-size="12">{label}</text>',
        x=LABEL_WIDTH - 6, y=y + ROW / 2 - 2, label=bar.label,
    )
    if bar.value is None:
        shown, rect = "—", ""
    else:
        end = LABEL_WIDTH + BAR_WIDTH * ((bar.value - lowest) / span)
        left, right = sorted((zero, end))
        shown = f"{bar.value:.3f}"
        rect = format_html(
            '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}"><title>{label}: {v}</title></rect>',
            x=f"{left:.1f}", y=y, w=f"{max(right - left, 1.0):.1f}", h=ROW - 8, c=_colour(bar.colour),
            label=bar.label, v=shown,
        )
    value = format_html(
        '<text x="{x}" y="{y}" dominant-baseline="middle" font-size="12">{v}</text>',
        x=LABEL_WIDTH + BAR_WIDTH + 6, y=y + ROW / 2 - 2, v=shown,
    )
    return str(label) + str(rect) + str(value)


def _colour(value: str) -> str:
    """Only #rrggbb colours reach the SVG (they come from the schema, which checks them)."""
    ok = len(value) == 7 and value.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    return value if ok else escape(DEFAULT_COLOUR)
