"""The dashboard's charts, drawn here as SVG: no script (the CSP allows none inline), small and
readable at a glance, coloured by static/css/reports.css through classes. Every label is
escaped. Each chart is an image with a title and a description for screen readers; the page
puts its numbers in a table beside it."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal
Format = Callable[[Number], str]

FONT = 13  # px, the charts' text (reports.css); widths below are guessed from it
MAX_X_LABELS = 8


def money(amount: Number, currency: str = "USD") -> str:
    """$1,234.56 (other currencies after the amount)."""
    text = f"{Decimal(amount):,.2f}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def short_money(amount: Number, currency: str = "USD") -> str:
    """For axes: $950, $1.2k, $12k, $1.5M."""
    value = float(amount)
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            scaled = value / limit
            text = f"{scaled:.1f}".removesuffix(".0") if abs(scaled) < 10 else f"{scaled:.0f}"
            text += suffix
            break
    else:
        text = f"{value:.0f}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def count(value: Number) -> str:
    return f"{int(value):,}"


@dataclass(frozen=True)
class Segment:
    """A part of a whole: its label, value and tone (a class of reports.css)."""

    label: str
    value: Number
    tone: str


def _svg(width: int, height: int, title: str, desc: str, body: list[str], kind: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart chart-{kind}" viewBox="0 0 {width} {height}" role="img" '
        f'preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )


def _clip(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def _y_axis(values: Sequence[Number]) -> list[float]:
    """The gridlines' values: from 0 in about four round steps (1, 2, 2.5 or 5 times a power of
    ten, and whole) to the first at or above the highest value."""
    top = max((float(v) for v in values), default=0) or 1
    rough = top / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(
        step
        for step in (factor * power for factor in (1, 2, 2.5, 5, 10))
        if step >= rough and step == int(step)
    )
    return [step * n for n in range(math.ceil(top / step - 1e-9) + 1)]


class _Plot:
    """A chart's frame: gridlines with their values on the left, labels along the bottom."""

    LEFT, RIGHT, TOP, BOTTOM = 64, 12, 26, 30  # the caption sits above the top gridline

    def __init__(self, width: int, height: int, ticks: list[float], axis: Format, caption: str):
        self.width, self.height, self.ticks = width, height, ticks
        self.inner_w = width - self.LEFT - self.RIGHT
        self.inner_h = height - self.TOP - self.BOTTOM
        self.body = [
            f'<text class="chart-caption" x="0" y="{FONT - 2}">{escape(caption)}</text>',
        ]
        for tick in ticks:
            y = self.y(tick)
            self.body.append(
                f'<line class="chart-grid" x1="{self.LEFT}" x2="{width - self.RIGHT}" '
                f'y1="{y:.1f}" y2="{y:.1f}"/>'
                f'<text class="chart-tick" x="{self.LEFT - 6}" y="{y + 4:.1f}" '
                f'text-anchor="end">{escape(axis(tick))}</text>'
            )

    def y(self, value: Number) -> float:
        return self.TOP + self.inner_h * (1 - float(value) / self.ticks[-1])

    def x_labels(self, labels: Sequence[str], center: Callable[[int], float]) -> None:
        every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
        for index in range(0, len(labels), every):
            self.body.append(
                f'<text class="chart-tick" x="{center(index):.1f}" y="{self.height - 8}" '
                f'text-anchor="middle">{escape(labels[index])}</text>'
            )


def columns(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    title: str,
    desc: str,
    caption: str,
    axis: Format = count,
    value: Format = count,
    width: int = 960,
    height: int = 220,
) -> SafeString:
    """Vertical bars, one per label (e.g. orders a day)."""
    plot = _Plot(width, height, _y_axis(values), axis, caption)
    slot = plot.inner_w / max(len(values), 1)
    bar = max(slot * 0.72, 1)
    for index, (label, amount) in enumerate(zip(labels, values, strict=True)):
        top = plot.y(amount)
        x = plot.LEFT + slot * index + (slot - bar) / 2
        plot.body.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{top:.1f}" width="{bar:.1f}" '
            f'height="{plot.y(0) - top:.1f}"><title>{escape(label)}: {escape(value(amount))}'
            f"</title></rect>"
        )
    plot.x_labels(labels, lambda i: plot.LEFT + slot * (i + 0.5))
    return _svg(width, height, title, desc, plot.body, "columns")


def area(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    title: str,
    desc: str,
    caption: str,
    axis: Format = short_money,
    value: Format = money,
    width: int = 960,
    height: int = 240,
) -> SafeString:
    """A line over a shaded area, one point per label (e.g. revenue a day)."""
    plot = _Plot(width, height, _y_axis(values), axis, caption)
    n = len(values)
    step = plot.inner_w / max(n - 1, 1)

    def x(i: int) -> float:
        return plot.LEFT + step * i if n > 1 else plot.LEFT + plot.inner_w / 2

    points = [(x(i), plot.y(v)) for i, v in enumerate(values)]
    line = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    if points:
        base = plot.y(0)
        plot.body.append(
            f'<polygon class="chart-area" points="{points[0][0]:.1f},{base:.1f} {line} '
            f'{points[-1][0]:.1f},{base:.1f}"/>'
            f'<polyline class="chart-line" points="{line}"/>'
        )
    for (px, py), label, amount in zip(points, labels, values, strict=True):
        plot.body.append(
            f'<circle class="chart-dot" cx="{px:.1f}" cy="{py:.1f}" r="3">'
            f"<title>{escape(label)}: {escape(value(amount))}</title></circle>"
        )
    plot.x_labels(labels, x)
    return _svg(width, height, title, desc, plot.body, "trend")


def bars(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    title: str,
    desc: str,
    value: Format = money,
    width: int = 560,
    label_width: int = 220,
) -> SafeString:
    """Horizontal bars, longest first as given, each with its label and value (e.g. the best
    sellers)."""
    row, value_width = 26, 84
    height = max(row * len(values), row) + 4
    top = max((float(v) for v in values), default=0) or 1
    room = width - label_width - value_width
    chars = int(label_width / (FONT * 0.55))
    body = []
    if not values:
        body.append(f'<text class="chart-tick" x="0" y="{row - 8}">Nothing in this period.</text>')
    for index, (label, amount) in enumerate(zip(labels, values, strict=True)):
        y = index * row + 2
        length = max(room * float(amount) / top, 1)
        body.append(
            f"<g><title>{escape(label)}: {escape(value(amount))}</title>"
            f'<text class="chart-label" x="0" y="{y + 16}">{escape(_clip(label, chars))}</text>'
            f'<rect class="chart-bar" x="{label_width}" y="{y + 3}" width="{length:.1f}" '
            f'height="{row - 8}" rx="2"/>'
            f'<text class="chart-value" x="{label_width + length + 6:.1f}" y="{y + 16}">'
            f"{escape(value(amount))}</text></g>"
        )
    return _svg(width, height, title, desc, body, "bars")


def donut(
    segments: Sequence[Segment], *, title: str, desc: str, total_label: str, width: int = 560
) -> SafeString:
    """Parts of a whole as a ring, the total in its middle and a legend beside it (e.g. orders
    by status)."""
    radius, thickness, cx, cy = 62, 26, 80, 84
    legend_row = 22
    height = max(2 * cy, 16 + legend_row * len(segments))
    total = sum(float(s.value) for s in segments)
    circumference = 2 * math.pi * radius
    ring = f'cx="{cx}" cy="{cy}" r="{radius}" fill="none" stroke-width="{thickness}"'
    body = [f'<circle class="chart-ring" {ring}/>']
    done = 0.0
    for segment in segments:
        share = float(segment.value) / total if total else 0
        if share:
            # A dash as long as the share, starting where the last one ended (from 12 o'clock).
            length = share * circumference
            body.append(
                f'<circle class="chart-slice {escape(segment.tone)}" {ring} '
                f'stroke-dasharray="{length:.2f} {circumference - length:.2f}" '
                f'stroke-dashoffset="{circumference / 4 - done:.2f}">'
                f"<title>{escape(segment.label)}: {count(segment.value)}</title></circle>"
            )
            done += length
    body.append(
        f'<text class="chart-total" x="{cx}" y="{cy + 2}" text-anchor="middle">'
        f"{count(total)}</text>"
        f'<text class="chart-tick" x="{cx}" y="{cy + 18}" text-anchor="middle">'
        f"{escape(total_label)}</text>"
    )
    body += _legend(segments, total, x=cx + radius + thickness + 16, top=12, row=legend_row)
    return _svg(width, height, title, desc, body, "donut")


def stacked(segments: Sequence[Segment], *, title: str, desc: str, width: int = 560) -> SafeString:
    """Parts of a whole as one bar with a legend under it (e.g. products by stock status)."""
    bar_height, legend_row = 28, 22
    height = bar_height + 16 + legend_row * len(segments)
    total = sum(float(s.value) for s in segments)
    body = [f'<rect class="chart-ring" x="0" y="0" width="{width}" height="{bar_height}" rx="3"/>']
    x = 0.0
    for segment in segments:
        length = width * float(segment.value) / total if total else 0
        if length:
            body.append(
                f'<rect class="chart-part {escape(segment.tone)}" x="{x:.1f}" y="0" '
                f'width="{length:.1f}" height="{bar_height}">'
                f"<title>{escape(segment.label)}: {count(segment.value)}</title></rect>"
            )
            x += length
    body += _legend(segments, total, x=0, top=bar_height + 14, row=legend_row)
    return _svg(width, height, title, desc, body, "stacked")


def _legend(segments: Sequence[Segment], total: float, *, x: float, top: float, row: int):
    lines = []
    for index, segment in enumerate(segments):
        y = top + index * row
        share = _percent(float(segment.value), total)
        lines.append(
            f'<rect class="chart-key {escape(segment.tone)}" x="{x}" y="{y}" width="12" '
            f'height="12" rx="2"/>'
            f'<text class="chart-label" x="{x + 18}" y="{y + 11}">{escape(segment.label)} '
            f'<tspan class="chart-value">{count(segment.value)} ({escape(share)})</tspan></text>'
        )
    return lines


def _percent(part: float, total: float) -> str:
    if not total or not part:
        return "0%"
    return "<1%" if part / total < 0.005 else f"{100 * part / total:.0f}%"
