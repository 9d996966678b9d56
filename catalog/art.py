"""Product pictures drawn here, as SVG: the demo catalog never hot-links an image."""

import hashlib
from xml.sax.saxutils import escape

COLOR_HEX = {
    "black": "#222831",
    "white": "#f4f4f4",
    "red": "#d64545",
    "blue": "#3a6ea5",
    "grey": "#8a8f98",
    "green": "#4f8a5b",
    "orange": "#e58a3a",
    "navy": "#1f2f4f",
    "olive": "#6b7043",
    "burgundy": "#7b2d3b",
    "sand": "#d8c39a",
    "silver": "#c0c4cc",
    "space gray": "#5b5e66",
}
SHAPES = {
    "shoes": '<path d="M60 190 q10-60 60-70 l40 30 q60 10 110 20 q40 10 40 40 v20 H60z" fill="{c}"/>'
    '<path d="M60 230 h250 v14 H60z" fill="#fff" opacity=".8"/>',
    "clothing": '<path d="M130 80 l40 -20 h40 l40 20 l50 40 l-30 40 l-30 -20 v140 h-140 v-140 l-30 20 l-30 -40z" fill="{c}"/>',
    "electronics": '<rect x="95" y="90" width="210" height="140" rx="14" fill="{c}"/>'
    '<rect x="110" y="105" width="180" height="110" rx="6" fill="#fff" opacity=".25"/>'
    '<rect x="70" y="232" width="260" height="12" rx="6" fill="{c}"/>',
    "accessories": '<rect x="120" y="100" width="160" height="170" rx="30" fill="{c}"/>'
    '<path d="M160 100 v-25 a40 40 0 0 1 80 0 v25" stroke="{c}" stroke-width="12" fill="none"/>',
}


def product_svg(*, name: str, group: str, color: str) -> str:
    hue = int(hashlib.sha1(name.encode()).hexdigest()[:4], 16) % 360
    fill = COLOR_HEX.get(color.lower(), "#3a6ea5")
    shape = SHAPES.get(group, SHAPES["accessories"]).format(c=fill)
    label = escape(name if len(name) <= 34 else name[:33] + "…")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" role="img" '
        f'aria-label="{label}">'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="hsl({hue},45%,92%)"/>'
        f'<stop offset="1" stop-color="hsl({(hue + 40) % 360},45%,82%)"/></linearGradient></defs>'
        '<rect width="400" height="400" fill="url(#g)"/>'
        f"{shape}"
        f'<text x="200" y="350" text-anchor="middle" font-family="system-ui,sans-serif" '
        f'font-size="17" fill="#1d2330">{label}</text></svg>'
    )
