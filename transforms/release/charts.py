"""Small bar charts for the data card, as SVG text written by hand (no plotting library).

Pure: counts in, an SVG document (str) out. ``flows.publish`` writes them beside the data card.
"""
from __future__ import annotations

from datetime import timedelta
from xml.sax.saxutils import escape

import pandas as pd

from transforms.schema import DEAL_STATUSES

WIDTH = 640
BAR_COLOUR = "#3b6ea5"
FONT_FAMILY = "font-family='Helvetica, Arial, sans-serif' fill='#222'"


def _font(size: int = 12) -> str:
    return f"{FONT_FAMILY} font-size='{size}'"


FONT = _font(12)


def articles_per_week(articles: pd.DataFrame) -> list[tuple[str, int]]:
    """(Monday of the ISO week as YYYY-MM-DD, articles published that week), every week from the
    first to the last, empty weeks included. Articles without a publication date are left out."""
    published = pd.to_datetime(articles["published_at"], utc=True).dropna() if len(articles) else pd.Series([], dtype=object)
    if published.empty:
        return []
    mondays = [(t - timedelta(days=t.weekday())).date() for t in published]
    counts: dict = {}
    for m in mondays:
        counts[m] = counts.get(m, 0) + 1
    week, last, out = min(counts), max(counts), []
    while week <= last:
        out.append((week.isoformat(), counts.get(week, 0)))
        week += timedelta(days=7)
    return out


def deals_by_status(deals: pd.DataFrame) -> list[tuple[str, int]]:
    """(status, number of deals whose latest status it is), in the schema's order; 'unknown' last."""
    values = [None if pd.isna(s) else s for s in deals["status"]] if len(deals) else []
    counts = [(s, values.count(s)) for s in DEAL_STATUSES if values.count(s)]
    unknown = values.count(None)
    return counts + ([("unknown", unknown)] if unknown else [])


def bar_chart_svg(title: str, bars: list[tuple[str, int]], x_label: str, y_label: str,
                  horizontal: bool = False) -> str:
    """A bar chart with a title, labelled axes and the count on each bar."""
    if horizontal:
        return _horizontal(title, bars, x_label)
    n = max(len(bars), 1)
    left, right, top, bottom = 48, 16, 40, 78
    height = 300
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    plot_w_bars = plot_w - 4
    peak = max([v for _, v in bars] + [1])
    step = plot_w_bars / n
    bar_w = max(step * 0.8, 1.0)
    parts = [
        _open(WIDTH, height, title),
        f"<text x='{left}' y='22' {_font(15)} font-weight='bold'>{escape(title)}</text>",
        f"<line x1='{left}' y1='{top + plot_h}' x2='{left + plot_w}' y2='{top + plot_h}' stroke='#888'/>",
        f"<line x1='{left}' y1='{top}' x2='{left}' y2='{top + plot_h}' stroke='#888'/>",
        f"<text x='{left - 6}' y='{top + 4}' {FONT} text-anchor='end'>{peak}</text>",
        f"<text x='{left - 6}' y='{top + plot_h + 4}' {FONT} text-anchor='end'>0</text>",
        f"<text x='14' y='{top + plot_h / 2:.1f}' {FONT} text-anchor='middle' "
        f"transform='rotate(-90 14 {top + plot_h / 2:.1f})'>{escape(y_label)}</text>",
        f"<text x='{left + plot_w / 2:.1f}' y='{height - 6}' {FONT} text-anchor='middle'>{escape(x_label)}</text>",
    ]
    label_every = max(1, round(n / 12))
    for i, (label, value) in enumerate(bars):
        h = plot_h * value / peak
        x = left + 2 + i * step + (step - bar_w) / 2
        y = top + plot_h - h
        parts.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{bar_w:.1f}' height='{h:.1f}' fill='{BAR_COLOUR}'>"
                     f"<title>{escape(label)}: {value}</title></rect>")
        if value and bar_w >= 14:
            parts.append(f"<text x='{x + bar_w / 2:.1f}' y='{y - 3:.1f}' {_font(10)} "
                         f"text-anchor='middle'>{value}</text>")
        if i % label_every == 0:
            lx, ly = x + bar_w / 2, top + plot_h + 12
            parts.append(f"<text x='{lx:.1f}' y='{ly:.1f}' {_font(10)} text-anchor='end' "
                         f"transform='rotate(-45 {lx:.1f} {ly:.1f})'>{escape(label)}</text>")
    if not bars:
        parts.append(f"<text x='{left + plot_w / 2:.1f}' y='{top + plot_h / 2:.1f}' {FONT} "
                     "text-anchor='middle'>no data</text>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _horizontal(title: str, bars: list[tuple[str, int]], x_label: str) -> str:
    left, right, top, row = 110, 40, 40, 24
    height = top + row * max(len(bars), 1) + 36
    plot_w = WIDTH - left - right
    peak = max([v for _, v in bars] + [1])
    parts = [
        _open(WIDTH, height, title),
        f"<text x='12' y='22' {_font(15)} font-weight='bold'>{escape(title)}</text>",
    ]
    for i, (label, value) in enumerate(bars):
        y = top + i * row
        w = plot_w * value / peak
        parts.append(f"<text x='{left - 8}' y='{y + row * 0.65:.1f}' {FONT} text-anchor='end'>{escape(label)}</text>")
        parts.append(f"<rect x='{left}' y='{y + 3}' width='{w:.1f}' height='{row - 6}' fill='{BAR_COLOUR}'>"
                     f"<title>{escape(label)}: {value}</title></rect>")
        parts.append(f"<text x='{left + w + 6:.1f}' y='{y + row * 0.65:.1f}' {FONT}>{value}</text>")
    if not bars:
        parts.append(f"<text x='{left}' y='{top + 16}' {FONT}>no data</text>")
    parts.append(f"<text x='{left + plot_w / 2:.1f}' y='{height - 10}' {FONT} text-anchor='middle'>{escape(x_label)}</text>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _open(width: int, height: int, title: str) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' role='img' aria-label='{escape(title, {chr(39): '&apos;'})}'>\n"
            f"<title>{escape(title)}</title>\n<rect width='100%' height='100%' fill='white'/>")


def release_charts(articles: pd.DataFrame, deals: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """{file name: (alt text, SVG)} of the charts the data card shows."""
    weeks = articles_per_week(articles)
    statuses = deals_by_status(deals)
    return {
        "articles_per_week.svg": (
            "Articles per week (by publication date)",
            bar_chart_svg("Articles per week", weeks, "week (Monday, by publication date)", "articles"),
        ),
        "deals_by_status.svg": (
            "Deals by latest status",
            bar_chart_svg("Deals by latest status", statuses, "deals", "", horizontal=True),
        ),
    }
