"""Report charts as PNG, drawn on the server with matplotlib's Agg canvas (no display, no browser).

Why a palette PNG: Teams takes an activity of about 28 KB; a bar chart needs a handful of colours,
so quantising to 16 colours (Pillow, which matplotlib already depends on) makes the image small
enough to ride on the card as a data URI in the usual case.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from bot.ui.report_views import Chart

CHART_WIDTH_PX = 640  # fits a laptop's Teams column; scaled down to 360 px on a phone
CHART_HEIGHT_PX = 320
_DPI = 100
_COLOURS = ("#1f5fa8", "#9db7d8", "#c0504d")  # KK blue, light blue, red
_PALETTE_COLOURS = 16


def render_png(chart: Chart) -> bytes:
    """A grouped bar chart, ``CHART_WIDTH_PX`` × ``CHART_HEIGHT_PX``, as a palette PNG."""
    # A Figure on its own Agg canvas, not pyplot: no global figure registry, safe in a server.
    fig = Figure(figsize=(CHART_WIDTH_PX / _DPI, CHART_HEIGHT_PX / _DPI), dpi=_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    count = max(len(chart.series), 1)
    width = 0.8 / count
    positions = range(len(chart.labels))
    for i, (name, values) in enumerate(chart.series):
        offset = (i - (count - 1) / 2) * width
        ax.bar([p + offset for p in positions], values, width, label=name, color=_COLOURS[i % len(_COLOURS)])
    ax.set_xticks(list(positions), chart.labels, fontsize=8, rotation=30 if len(chart.labels) > 6 else 0)
    ax.set_title(chart.title, fontsize=10)
    if chart.unit:
        ax.set_ylabel(chart.unit, fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    if len(chart.series) > 1:
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    raw = io.BytesIO()
    fig.savefig(raw, format="png", dpi=_DPI)
    raw.seek(0)
    with Image.open(raw) as image:
        small = image.convert("RGB").quantize(colors=_PALETTE_COLOURS)
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
    return out.getvalue()
