"""Server-side charts as inline SVG, shared by the dashboard pages and the PDF reports.

Why hand-rolled SVG: the pages run under a strict CSP (no scripts from elsewhere, no inline
style) and WeasyPrint renders SVG natively, so one small module gives identical charts in
the browser and in the signed PDF without a JavaScript library.

Rules kept by every chart:
- only SVG presentation attributes (fill, stroke, font-size…), never `style=`;
- `font-family` on the <svg> element (WeasyPrint ignores the page stylesheet inside SVG);
- `role="img"` with <title> and <desc> as the text alternative; callers also show a table;
- a viewBox with its natural size; the stylesheet caps it at 100 % width for phones;
- all labels arrive pre-formatted (the caller formats numbers for the locale).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

FONT = "Noto Sans, DejaVu Sans, sans-serif"
INK = "#1b1f24"
MUTED = "#4a5562"
LINE = "#d5dbe1"
BRAND = "#0b5394"
OK = "#1b7a3a"
BAD = "#b3261e"
WARN = "#9a5b00"
# Five rating colours from "very dissatisfied" to "very satisfied" (colour-blind safe order).
RATING_COLOURS = ("#b3261e", "#e07b39", "#9aa3ad", "#5aa469", "#1b7a3a")

_ids = itertools.count(1)


def plain_percent(tick: float) -> str:
    """Axis ticks without a locale; callers pass the presentation layer's formatter."""
    return f"{tick:g}%"


def _attr(value) -> str:
    return escape(str(value), {'"': "&quot;"})


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    uid = f"chart{next(_ids)}"
    # Every dynamic part is escaped above or numeric: safe to mark as markup.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}"'
        f' role="img" aria-labelledby="{uid}-t {uid}-d" font-family="{FONT}" font-size="14"'
        f' fill="{INK}" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x, y, content, anchor="start", size=None, fill=None, weight=None) -> str:
    extra = ""
    if size:
        extra += f' font-size="{size}"'
    if fill:
        extra += f' fill="{fill}"'
    if weight:
        extra += f' font-weight="{weight}"'
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(str(content))}</text>'
    )


@dataclass
class Point:
    """One interval estimate: a label, a percentage and its interval (None: no data)."""

    label: str
    pct: float | None
    low: float | None = None
    high: float | None = None
    value_label: str = ""
    colour: str = BRAND


def _scale_floor(points: list[Point], target: float | None) -> float:
    """Lower end of the % axis: zoom in near 100 % (where targets live) but keep every point."""
    lows = [p.low if p.low is not None else p.pct for p in points if p.pct is not None]
    if target is not None:
        lows.append(target)
    lowest = min(lows) if lows else 0.0
    for floor in (90.0, 80.0, 50.0):
        if lowest >= floor + 1:
            return floor
    return 0.0


def interval_rows(
    points: list[Point],
    target: float | None,
    title: str,
    desc: str,
    target_label: str = "",
    tick_label: Callable[[float], str] = plain_percent,
) -> Markup:
    """Horizontal dot-and-whisker chart: one row per unit/group, a dashed target line."""
    # Labels at 13-14 px stay legible in a PDF page and on a phone (10-11 px were not).
    label_w, value_w, plot_w, row_h, top = 250, 130, 400, 30, 28
    # A long name (a PAPI axis, a merged ward) takes two lines rather than losing its end.
    labels = [_label_lines(point.label, 32) for point in points]
    if any(len(lines) > 1 for lines in labels):
        row_h = 42
    width = label_w + plot_w + value_w
    height = top + row_h * max(1, len(points)) + 28
    floor = _scale_floor(points, target)

    def x(pct: float) -> float:
        return label_w + (max(floor, min(100.0, pct)) - floor) / (100.0 - floor) * plot_w

    body = []
    for tick in (floor, floor + (100 - floor) / 2, 100.0):
        body.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" '
            f'y2="{height - 20}" stroke="{LINE}"/>'
        )
        body.append(_text(x(tick), top - 10, tick_label(tick), "middle", 13, MUTED))
    for i, point in enumerate(points):
        cy = top + row_h * i + row_h / 2
        lines = labels[i]
        for j, line in enumerate(lines):
            body.append(_text(label_w - 8, cy + 4 + (j - (len(lines) - 1) / 2) * 16, line, "end"))
        if point.pct is None:
            body.append(_text(label_w + 4, cy + 5, point.value_label, fill=MUTED, size=13))
            continue
        if point.low is not None and point.high is not None:
            body.append(
                f'<line x1="{x(point.low):.1f}" y1="{cy:.1f}" x2="{x(point.high):.1f}" '
                f'y2="{cy:.1f}" stroke="{point.colour}" stroke-width="3"/>'
            )
        body.append(
            f'<circle cx="{x(point.pct):.1f}" cy="{cy:.1f}" r="5.5" '
            f'fill="{point.colour}" stroke="#fff" stroke-width="1.5"/>'
        )
        body.append(_text(width - 4, cy + 5, point.value_label, "end", 14))
    if target is not None:
        tx = x(target)
        body.append(
            f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{height - 20}" '
            f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
        body.append(_text(tx, height - 6, target_label, "middle", 13))
    return _svg(width, height, title, desc, body)


def trend(
    points: list[Point],
    target: float | None,
    title: str,
    desc: str,
    target_label: str = "",
    tick_label: Callable[[float], str] = plain_percent,
) -> Markup:
    """Vertical trend by month: dots with interval whiskers, joined where data exist."""
    # The target's label sits in the right margin, outside the plot, so it never lands on a
    # point or a whisker; the values sit under the month names, away from the dots.
    left, right, top, bottom = 56, 96, 16, 48
    plot_w = max(360, 130 * len(points))
    plot_h = 180
    width, height = left + plot_w + right, top + plot_h + bottom
    floor = _scale_floor(points, target)

    def y(pct: float) -> float:
        return top + plot_h - (max(floor, min(100.0, pct)) - floor) / (100.0 - floor) * plot_h

    step = plot_w / max(1, len(points))
    body = []
    for tick in (floor, floor + (100 - floor) / 2, 100.0):
        body.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" '
            f'y2="{y(tick):.1f}" stroke="{LINE}"/>'
        )
        body.append(_text(left - 6, y(tick) + 4, tick_label(tick), "end", 13, MUTED))
    if target is not None:
        body.append(
            f'<line x1="{left}" y1="{y(target):.1f}" x2="{left + plot_w}" '
            f'y2="{y(target):.1f}" stroke="{INK}" stroke-width="1.5" '
            f'stroke-dasharray="5 4"/>'
        )
        body.append(_text(left + plot_w + 6, y(target) + 4, target_label, "start", 13))
    path = []
    for i, point in enumerate(points):
        cx = left + step * i + step / 2
        body.append(_text(cx, top + plot_h + 20, point.label, "middle", 14))
        if point.pct is None:
            body.append(_text(cx, top + plot_h + 38, point.value_label, "middle", 13, MUTED))
            continue
        if point.low is not None and point.high is not None:
            body.append(
                f'<line x1="{cx:.1f}" y1="{y(point.low):.1f}" x2="{cx:.1f}" '
                f'y2="{y(point.high):.1f}" stroke="{point.colour}" stroke-width="3"/>'
            )
        path.append(f"{cx:.1f},{y(point.pct):.1f}")
        body.append(f'<circle cx="{cx:.1f}" cy="{y(point.pct):.1f}" r="5" fill="{point.colour}"/>')
        body.append(_text(cx, top + plot_h + 38, point.value_label, "middle", 13))
    if len(path) > 1:
        body.insert(
            0,
            f'<polyline points="{" ".join(path)}" fill="none" stroke="{MUTED}" stroke-width="1"/>',
        )
    return _svg(width, height, title, desc, body)


def columns(
    values: list[int],
    labels: list[str],
    title: str,
    desc: str,
    highlight: set[int] | None = None,
    number: Callable[[int], str] = str,
) -> Markup:
    """Simple column chart of counts (responses by hour of day or weekday).

    `number` writes the scale's top value the way the page's locale writes counts (1.234).
    """
    left, top, bottom = 44, 12, 30
    col_w = 26 if len(values) > 12 else 52
    plot_w = col_w * len(values)
    plot_h = 120
    width, height = left + plot_w + 8, top + plot_h + bottom
    peak = max(values) if values and max(values) > 0 else 1
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"/>',
        _text(left - 4, top + 10, number(peak), "end", 13, MUTED),
    ]
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = plot_h * value / peak
        x = left + col_w * i + 2
        colour = BRAND if not highlight or i in highlight else MUTED
        body.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{col_w - 4}" '
            f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: {value}</title></rect>'
        )
        body.append(_text(x + (col_w - 4) / 2, top + plot_h + 20, label, "middle", 13))
    return _svg(width, height, title, desc, body)


def stacked_bar(
    counts: list[int], labels: list[str], title: str, desc: str, colours=RATING_COLOURS
) -> Markup:
    """One 100 % bar split by answer (e.g. ratings 1-5), with a legend underneath."""
    width, bar_h, top = 600, 28, 4
    total = sum(counts)
    body = []
    x = 0.0
    for count, colour, label in zip(counts, colours, labels, strict=False):
        w = width * count / total if total else 0
        if w > 0:
            body.append(
                f'<rect x="{x:.1f}" y="{top}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{colour}"><title>{escape(label)}: {count}</title></rect>'
            )
        x += w
    if not total:
        body.append(f'<rect x="0" y="{top}" width="{width}" height="{bar_h}" fill="{LINE}"/>')
    lx: float = 0  # an int until the first label: the first x is written "0"
    for count, colour, label in zip(counts, colours, labels, strict=False):
        item = f"{label}: {count}"
        body.append(
            f'<rect x="{lx}" y="{top + bar_h + 8}" width="12" height="12" fill="{colour}"/>'
        )
        body.append(_text(lx + 16, top + bar_h + 19, item, size=11))
        lx += 22 + 6.5 * len(item)
    return _svg(width, top + bar_h + 28, title, desc, body)


def _label_lines(text: str, limit: int, most: int = 2) -> list[str]:
    """`text` in lines of at most `limit` characters, broken between words; what does not
    fit in `most` lines is cut with an ellipsis."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < most:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= limit:
            line += " " + words.pop(0)
        lines.append(line)
    if words:
        lines[-1] = _short(lines[-1] + " " + " ".join(words), limit)
    return [_short(line, limit) for line in lines] or [""]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
